"""Gmail-style search over a user's synced mail: parse → AST → MongoDB filter → pages.

``parse`` turns a query into an AST (``nodes``), ``compile_query`` turns the AST into a
filter scoped to one user, ``normalize_query`` gives the canonical text of a query and
``highlight_terms`` the words to mark; ``mails.search.service.search`` runs it all.

Inside: ``folding`` (the one normaliser), ``index`` (what a message stores for search),
``plan`` (which term leads), ``scan`` (reading a keyset page, intersecting terms on the
index), ``loading`` (messages from documents), ``cursor`` and ``page_cache`` (first pages).

``folding`` and ``index`` run compiled when a build of them matches (``mails.native``): its
folder must be on ``__path__`` before any module of the package is imported.
"""

from __future__ import annotations

from mails.native import SYNC

SYNC.extend_path(__name__, __path__)

from mails.search.compiler import compile_query  # noqa: E402  (after the path above)
from mails.search.errors import InvalidRequest, SearchError  # noqa: E402
from mails.search.folding import fold, words  # noqa: E402
from mails.search.highlights import highlight_terms  # noqa: E402
from mails.search.parser import parse  # noqa: E402
from mails.search.render import normalize_query, render  # noqa: E402

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
