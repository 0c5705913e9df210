"""How well interview times are read from an email's text (``tracker.text_times``).

    .venv/bin/python bench/interview_times.py [--cases bench/data/interview_times.json]
        [--shared ../shared/data/job-emails] [--show-misses]

Prints, per set of the cases file (snippets with the first appointment each means, read as
sent at the file's ``sent`` in its ``zone``): how many positives put the right first
appointment first (compared as instants, whatever zone name expresses them) and how many
negatives place nothing. Then, when the external job-email data is there (it is not in a
fresh clone: skipped with a line saying so), two looks at mail written outside this project:

  - jobseeker-analytics' "interview scheduled" / "request for availability" sentences that
    hold a clock time: how many place an appointment (they have no written date, so the
    day is a weekday or "tomorrow" read from a fixed Monday);
  - nlp-email-classifier's synthetic interview emails whose "Date: Month DD, YYYY" line is on
    or after the email's own date: how many place the appointment that line and the nearest
    "H:MM AM/PM" after it say (the truth read here with ``strptime``, not by the reader).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tracker.text_times import find_slots  # noqa: E402

CASES = ROOT / "bench" / "data" / "interview_times.json"
SHARED = ROOT.parent / "shared" / "data" / "job-emails"
_CLOCK = re.compile(r"\b\d{1,2}(?::\d\d)?\s*[ap]\.?m\b|\b\d{1,2}:\d\d\b", re.IGNORECASE)
_WRITTEN_DATE = re.compile(r"Date: ((?:January|February|March|April|May|June|July|August|"
                           r"September|October|November|December) \d\d, \d{4})")  # fmt: skip
_WRITTEN_TIME = re.compile(r"\b(\d{1,2}:\d\d [AP]M)\b")


@dataclass
class Score:
    right: int = 0
    total: int = 0

    def line(self, what: str) -> str:
        share = f"{self.right / self.total:.1%}" if self.total else "-"
        return f"  {what:<52} {self.right:>4} / {self.total:<4} {share}"


def _instant(value: str, default: tzinfo) -> datetime:
    """'YYYY-MM-DD HH:MM [zone]' as an aware datetime (zone: IANA name or ±HH:MM)."""
    day, clock, *zone = value.split(" ")
    naive = datetime.strptime(f"{day} {clock}", "%Y-%m-%d %H:%M")
    if not zone:
        return naive.replace(tzinfo=default)
    name = zone[0]
    if name[:1] in "+-":
        hours, minutes = name[1:].split(":")
        offset = timedelta(hours=int(hours), minutes=int(minutes))
        return naive.replace(tzinfo=timezone(-offset if name[0] == "-" else offset))
    return naive.replace(tzinfo=ZoneInfo(name))


def score_cases(path: Path, show: bool) -> None:
    doc = json.loads(path.read_text())
    zone = ZoneInfo(doc["zone"])
    sent = datetime.fromisoformat(doc["sent"]).replace(tzinfo=zone)
    print(f"cases ({path.name}, sent {sent:%a %Y-%m-%d %H:%M} {zone.key}):")
    for name in ("held_out", "dev"):
        positives, negatives = Score(), Score()
        for case in doc[name]:
            found = [slot.starts_at for slot in find_slots(case["text"], sent, zone)]
            expected = [_instant(value, zone) for value in case["expected"]]
            score = positives if expected else negatives
            good = found[:1] == expected[:1] if expected else not found
            score.total += 1
            score.right += good
            if show and not good:
                got = [f"{when:%Y-%m-%d %H:%M %z}" for when in found[:2]]
                print(f"    miss: {case['text'][:70]!r} got {got} want {case['expected'][:1]}")
        print(positives.line(f"{name}: first appointment right"))
        print(negatives.line(f"{name}: no appointment where none is written"))


def score_shared(folder: Path, show: bool) -> None:
    labelled = folder / "jobseeker-analytics" / "labeled_emails.csv"
    synthetic = folder / "nlp-email-classifier" / "synthetic_emails.csv"
    if not (labelled.exists() and synthetic.exists()):
        print(f"external job emails: not found under {folder} (skipped)")
        return
    new_york = ZoneInfo("America/New_York")
    monday = datetime(2026, 3, 2, 9, 0, tzinfo=new_york)
    sentences = Score()
    with labelled.open(newline="") as handle:
        for row in csv.DictReader(handle):
            text = row["email_text"]
            if row["status_label"] in ("interview scheduled", "request for availability") and (
                _CLOCK.search(text)
            ):
                sentences.total += 1
                sentences.right += bool(find_slots(text, monday, new_york))
    emails = Score()
    with synthetic.open(newline="") as handle:
        for row in csv.DictReader(handle):
            truth = _synthetic_truth(row, new_york)
            if truth is None:
                continue
            sent, expected = truth
            found = [s.starts_at for s in find_slots(row["email_body"], sent, new_york)]
            emails.total += 1
            emails.right += found[:1] == [expected]
            if show and found[:1] != [expected]:
                print(f"    miss: {row['email_body'][:90]!r} got {found[:1]} want {expected}")
    print("external job emails (../shared, written outside this project):")
    print(sentences.line("labelled sentences with a clock time: one placed"))
    print(emails.line("synthetic invitations, Date:/time lines: placed right"))


def _synthetic_truth(row: dict[str, str], zone: ZoneInfo) -> tuple[datetime, datetime] | None:
    """(sent, the appointment its "Date:" line and next clock time say), for an interview
    email whose date is on or after the email's own; None otherwise."""
    if row.get("true_label") != "interview":
        return None
    body = row["email_body"]
    day = _WRITTEN_DATE.search(body)
    clock = _WRITTEN_TIME.search(body, day.end()) if day else None
    if day is None or clock is None:
        return None
    sent = datetime.strptime(row["parsed_datetime"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=zone)
    when = datetime.strptime(f"{day[1]} {clock[1]}", "%B %d, %Y %I:%M %p").replace(tzinfo=zone)
    return (sent, when) if when.date() >= sent.date() else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=Path, default=CASES)
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    score_cases(args.cases, args.show_misses)
    score_shared(args.shared, args.show_misses)


if __name__ == "__main__":
    main()
