"""Parsing parity: every stored field of every message, this tree against a git revision.

A parser made faster must store exactly what it stored before. This parses, with the code of
this working tree and with the code of ``--against`` (a git revision, extracted to a temporary
directory and run in a child process, as pure Python), the same messages:

  * the Google emulator's generated mailbox (``--generated`` messages, seed 11), as Gmail's
    ``format=full`` and ``format=raw`` responses, rendered by the emulator;
  * every file of ../shared/data/email-corpus (real mail, parser fixtures), both formats
    (``full`` rendered by the emulator's MIME code);
  * every row of the CSV files of ../shared/data/job-emails (real and labelled job mail),
    written as a plain message and as plain + HTML alternative, both formats;
  * the project's own real-mail fixtures (``mails.tests.realmail``), both formats.

With ``--pure`` the other side is this same tree run as pure Python (``MAILBOX_PURE_PYTHON=1``)
while this process runs the compiled parser (``mails.native``): the two must store the same.

Each message becomes the document the sync stores (``mails.store.document_of``: every parsed
field, the search terms and text, the flags) and the two documents are compared field by
field. Prints the count of differing messages per field and the first differences; exits 1
when any field differs. Nothing of ../shared/data is written anywhere but a temporary file.

    .venv/bin/python bench/parse_parity.py --against HEAD [--generated 3000] [--show 5]
    .venv/bin/python bench/parse_parity.py --pure
"""

from __future__ import annotations

import argparse
import base64
import csv
import datetime as dt
import json
import os
import pickle
import subprocess
import sys
import tempfile
from collections import Counter
from email.message import EmailMessage
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
Inputs = list[tuple[str, dict[str, Any]]]


def _api(key: str, raw: bytes, payload: dict[str, Any] | None) -> dict[str, Any]:
    meta = {
        "id": key[-60:], "threadId": "t1", "labelIds": ["INBOX", "UNREAD"], "snippet": "",
        "historyId": "5", "internalDate": "1700000000000", "sizeEstimate": len(raw),
    }  # fmt: skip
    if payload is None:
        return {**meta, "raw": base64.urlsafe_b64encode(raw).decode("ascii")}
    return {**meta, "payload": payload}


def _both_formats(key: str, raw: bytes) -> Inputs:
    from google_emulator.mime import parse_message

    made = [(f"{key} raw", _api(key, raw, None))]
    try:
        content = parse_message(raw)
    except Exception:  # noqa: BLE001 -- the emulator cannot render it: raw only
        return made
    full = _api(key, raw, content.payload)
    full["snippet"] = content.snippet
    return [*made, (f"{key} full", full)]


def emulator_inputs(count: int) -> Inputs:
    from google_emulator import render
    from google_emulator.config import EmulatorConfig
    from google_emulator.state import Emulator

    config = EmulatorConfig(accounts=1, messages=count, seed=11, anchor_date=dt.date(2026, 1, 1))
    mailbox = next(iter(Emulator(config).mailboxes.values()))
    return [
        (f"emulator {m.id} {fmt}", json.loads(render.message_json(m, fmt, [])))
        for m in mailbox.messages.values()
        for fmt in ("full", "raw")
    ]


def corpus_inputs() -> Inputs:
    corpus = DATA / "email-corpus"
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and "LICENSE" not in p.name)
    return [item for p in files for item in _both_formats(str(p.relative_to(DATA)), p.read_bytes())]


def _job_message(row: dict[str, str], html: bool) -> bytes:
    message = EmailMessage()
    message["From"] = row.get("sender") or "Jobs <jobs@example.com>"
    message["To"] = "Micheal Gary Scott <me@example.com>"
    message["Subject"] = row.get("subject") or "Your application"
    message["Date"] = "Tue, 14 Nov 2023 22:13:20 +0100"
    body = row.get("email_body") or row.get("email_text") or ""
    message.set_content(body)
    if html:
        paragraphs = "".join(f"<p>{line}</p>" for line in body.splitlines() if line.strip())
        message.add_alternative(f"<html><body>{paragraphs}</body></html>", subtype="html")
    return message.as_bytes()


def job_inputs() -> Inputs:
    made: Inputs = []
    for path in sorted((DATA / "job-emails").rglob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            for index, row in enumerate(csv.DictReader(handle)):
                for html in (False, True):
                    key = f"{path.relative_to(DATA)}#{index}{' html' if html else ''}"
                    made.extend(_both_formats(key, _job_message(row, html)))
    return made


def fixture_inputs() -> Inputs:
    from mails.tests.realmail import real_mail

    return [
        item for mail in real_mail() for item in _both_formats(f"realmail {mail.name}", mail.raw)
    ]


def parse_all(inputs: Inputs) -> dict[str, Any]:
    """Return {input key: the stored document, or the exception's repr}."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mailbox_project.settings")
    import django

    import mailbox_project.testenv  # noqa: F401  (test defaults for the environment)

    django.setup()
    from mails import parsing
    from mails.parsing import parse_message
    from mails.store import document_of

    try:
        from mails.native import SYNC
    except ImportError:  # a revision from before the parser could be compiled
        build = "pure Python"
    else:
        build = "compiled (mypyc)" if SYNC.is_compiled() else "pure Python"
    where = Path(parsing.__file__).parent
    print(f"parsing {len(inputs)} inputs with {where}, {build}", flush=True)
    results: dict[str, Any] = {}
    for key, api in inputs:
        try:
            results[key] = document_of(parse_message(api))
        except Exception as error:  # noqa: BLE001 -- a raise is a result to compare too
            results[key] = repr(error)
    return results


def child(root: str, inputs_path: str, out_path: str) -> None:
    """Parse the pickled inputs with the code under ``root``; pickle the results."""
    sys.path.insert(0, root)
    with open(inputs_path, "rb") as handle:
        inputs = pickle.load(handle)
    with open(out_path, "wb") as handle:
        pickle.dump(parse_all(inputs), handle)


def parse_at(revision: str, inputs: Inputs, scratch: Path) -> dict[str, Any]:
    """Return ``parse_all(inputs)`` computed by the code of a git revision."""
    tree = scratch / "tree"
    tree.mkdir()
    archive = subprocess.run(
        ["git", "archive", revision], cwd=ROOT, check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    return parse_in_child(tree, inputs, scratch)


def parse_in_child(tree: Path, inputs: Inputs, scratch: Path) -> dict[str, Any]:
    """Return ``parse_all(inputs)`` computed as pure Python by the code under ``tree``."""
    inputs_path, out_path = scratch / "inputs.pickle", scratch / "old.pickle"
    inputs_path.write_bytes(pickle.dumps(inputs))
    command = [sys.executable, __file__, "--child", str(tree), str(inputs_path), str(out_path)]
    env = {**os.environ, "MAILBOX_PURE_PYTHON": "1"}
    subprocess.run(command, check=True, cwd=tree, env=env)
    with out_path.open("rb") as handle:
        return dict(pickle.load(handle))


def compare(old: dict[str, Any], new: dict[str, Any], show: int) -> int:
    """Print the differences; return how many messages differ."""
    per_field: Counter[str] = Counter()
    examples: list[str] = []
    versions: list[str] = []  # examples of parser_version alone
    differing = 0
    for key, before in old.items():
        after = new.get(key)
        if not isinstance(before, dict) or not isinstance(after, dict):
            fields = [] if before == after else ["(exception)"]
        else:
            names = sorted(set(before) | set(after))
            fields = [f for f in names if before.get(f, "<absent>") != after.get(f, "<absent>")]
        if fields:
            differing += 1
            per_field.update(fields)
            # A new parser version differs everywhere: the other fields' examples first.
            shown = [f for f in fields if f != "parser_version"] or fields
            for name in shown[:2]:
                was = before.get(name) if isinstance(before, dict) else before
                now = after.get(name) if isinstance(after, dict) else after
                example = f"  {key} [{name}]\n    old {was!r:.300}\n    new {now!r:.300}"
                (examples if name != "parser_version" else versions).append(example)
    print(f"{len(old)} parsed messages compared; {differing} differ")
    for name, count in per_field.most_common():
        print(f"  {name}: {count}")
    print("\n".join((examples + versions)[:show]))
    return differing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", default="HEAD", help="git revision of the old parser")
    parser.add_argument(
        "--pure", action="store_true", help="compare with this tree as pure Python instead"
    )
    parser.add_argument("--generated", type=int, default=3000)
    parser.add_argument("--show", type=int, default=8)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    sys.path.insert(0, str(ROOT))
    inputs = emulator_inputs(args.generated) + fixture_inputs()
    if DATA.is_dir():
        inputs += corpus_inputs() + job_inputs()
    else:
        print(f"(no {DATA}: the emulator's mailbox and the project's fixtures only)")
    other = "this tree as pure Python" if args.pure else args.against
    print(f"{len(inputs)} inputs; parsing with {other} and with this tree")
    with tempfile.TemporaryDirectory(prefix="parse-parity-") as scratch:
        if args.pure:
            old = parse_in_child(ROOT, inputs, Path(scratch))
        else:
            old = parse_at(args.against, inputs, Path(scratch))
    new = parse_all(inputs)
    sys.exit(1 if compare(old, new, args.show) else 0)


if __name__ == "__main__":
    main()
