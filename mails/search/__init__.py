"""Gmail-style search over a user's synced mail: parse → AST → MongoDB filter → pages.

``parse`` turns a query into an AST (``nodes``), ``compile_query`` turns the AST into a
filter scoped to one user, ``normalize_query`` gives the canonical text of a query and
``highlight_terms`` the words to mark; ``mails.search.service.search`` runs it all.

Inside: ``folding`` (the one normaliser), ``index`` (what a message stores for search),
``plan`` (which term leads), ``scan`` (reading a keyset page, intersecting terms on the
index), ``loading`` (messages from documents), ``cursor`` and ``page_cache`` (first pages).
"""

from __future__ import annotations

from mails.search.compiler import compile_query
from mails.search.errors import InvalidRequest, SearchError
from mails.search.folding import fold, words
from mails.search.highlights import highlight_terms
from mails.search.parser import parse
from mails.search.render import normalize_query, render

__all__ = [
    "InvalidRequest",
    "SearchError",
    "compile_query",
    "fold",
    "highlight_terms",
    "normalize_query",
    "parse",
    "render",
    "words",
]
