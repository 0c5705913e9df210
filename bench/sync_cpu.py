"""The sync's own CPU per message, without the network: what the compiled parser changes.

    .venv/bin/python bench/sync_cpu.py [--messages 3000] [--rounds 5]

For the Google emulator's generated mailbox (seed 11), as Gmail's ``format=full`` responses
(what a full sync fetches), times ``json.loads`` + ``parse_message`` + ``document_of`` (the
stored document: parsed fields, search terms and text, flags) per message, in CPU time, best
and median of the rounds, the parser's and search fields' memos emptied before each. Prints
whether the parser ran compiled (``mails.native``) or as pure Python: run it twice, with
``MAILBOX_PURE_PYTHON=1`` the second time, to compare the two. bench/sync.py (b) measures the
whole sync (fetch, parse, store) against the emulator.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import statistics
import sys
import time
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def rendered(count: int) -> list[bytes]:
    from google_emulator import render
    from google_emulator.config import EmulatorConfig
    from google_emulator.state import Emulator

    config = EmulatorConfig(accounts=1, messages=count, seed=11, anchor_date=dt.date(2026, 1, 1))
    mailbox = next(iter(Emulator(config).mailboxes.values()))
    return [render.message_json(m, "full", []) for m in mailbox.messages.values()]


def _memoised(module: ModuleType) -> list[object]:
    return [value for value in vars(module).values() if hasattr(value, "cache_clear")]


def empty_memos() -> None:
    """Empty the parser's and the search fields' memos (a new process starts with them empty)."""
    from mails.native import SYNC

    for name in SYNC.modules:
        for memo in _memoised(sys.modules[name]):
            memo.cache_clear()  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mailbox_project.settings")
    import django

    import mailbox_project.testenv  # noqa: F401  (test defaults for the environment)

    django.setup()
    from mails.native import SYNC
    from mails.parsing import parse_message
    from mails.store import document_of

    texts = rendered(args.messages)
    seconds = []
    for _ in range(args.rounds):
        empty_memos()
        gc.collect()
        began = time.process_time()
        for text in texts:
            document_of(parse_message(json.loads(text)))
        seconds.append(time.process_time() - began)
    build = "compiled (mypyc)" if SYNC.is_compiled() else "pure Python"
    per = [1e6 * s / len(texts) for s in seconds]
    print(
        f"sync CPU, {build}: json.loads + parse_message + document_of, {len(texts)} emulator "
        f"messages (format=full): best {min(per):.0f} us/msg, median {statistics.median(per):.0f} "
        f"us/msg over {args.rounds} rounds; load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
