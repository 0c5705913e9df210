"""Benchmark: sanitising a mail's HTML (``mails.mail_html.sanitise``, nh3 + the image pass).

A message's page sanitises its HTML once per view (then keeps it 300 s for the frame). This
prints the median of ``--rounds`` runs for generated newsletters of about 20 KB, 100 KB and
1 MB (tables, inline styles, links, remote images, a tracking pixel, hostile bits), with the
output size and what the image policy held back. No database or network is needed.

    .venv/bin/python bench/mail_html.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mails.mail_html import sanitise  # noqa: E402

BLOCK = (
    '<table width="600" cellpadding="8" style="border-collapse:collapse;background-color:#fff">'
    '<tr><td style="font-family:Arial;font-size:14px;color:#333" align="left">'
    '<h2 style="margin:0 0 8px">Story {n}</h2><p>{words}</p>'
    '<a href="https://news.example/story/{n}?utm_source=mail&amp;utm_medium=email" '
    'style="color:#0969da" onclick="track({n})">Read more</a>'
    '<img src="https://img.news.example/{n}.jpg" width="560" alt="Story {n}">'
    '<div style="width:expression(alert({n}))">x</div><script>alert({n})</script>'
    "</td></tr></table>"
)
PIXEL = '<img src="https://t.news.example/open.gif" width="1" height="1">'
WORDS = [
    "job",
    "offer",
    "interview",
    "candidate",
    "salary",
    "team",
    "remote",
    "onsite",
    "schedule",
    "manager",
]


def newsletter(size: int, rng: random.Random) -> str:
    parts = ["<html><head><style>body{margin:0}</style></head><body>"]
    total, n = 0, 0
    while total < size:
        text = " ".join(rng.choice(WORDS) for _ in range(60))
        block = BLOCK.format(n=n, words=text)
        parts.append(block)
        total += len(block)
        n += 1
    parts.append(PIXEL + "</body></html>")
    return "".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    rng = random.Random(16)
    print(f"{'input':>10} {'output':>10} {'median ms':>10} {'blocked':>8} {'pixels':>7}")
    for size in (20_000, 100_000, 1_000_000):
        markup = newsletter(size, rng)
        times = []
        for _ in range(args.rounds):
            start = time.perf_counter()
            result = sanitise(markup, allow_images=False)
            times.append(time.perf_counter() - start)
        print(
            f"{len(markup):>10,} {len(result.markup):>10,} "
            f"{statistics.median(times) * 1000:>10.2f} {result.blocked_images:>8} "
            f"{result.removed_pixels:>7}"
        )


if __name__ == "__main__":
    main()
