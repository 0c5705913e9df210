"""The sync's pure hot path, compiled with mypyc when a matching build exists (``native``).

A full sync's own CPU is mostly parsing Gmail's responses and building each message's search
fields: these modules, plain typed Python, run compiled after ``make install``. The packages
holding them (``mails.parsing``, ``mails.search``) call ``SYNC.extend_path`` first thing.
"""

from __future__ import annotations

from native import NativeGroup

PARSING = (
    "api_message",
    "b64",
    "body_text",
    "charsets",
    "cjk",
    "content",
    "headers",
    "htmltext",
    "notes",
    "parts",
    "payload",
    "result",
    "rfc822",
)
# ``folding`` is the one normaliser of indexing and querying alike: both run the same code.
SEARCH = ("folding", "index")

SYNC = NativeGroup(
    label="sync parsing",
    group_name="mails.parsing._native",
    folder="native-sync",
    modules=(
        *(f"mails.parsing.{name}" for name in PARSING),
        *(f"mails.search.{name}" for name in SEARCH),
    ),
)
