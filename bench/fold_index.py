"""Benchmark: folding, word splitting and search-field computation of large bodies (issue 13).

Issue 13 folds accents of Latin, Greek and Cyrillic only (voiced kana stay distinct) and
cuts CJK runs into bigrams. This prints the median of ``--rounds`` runs of ``words()`` and of
``search_fields()`` (all terms and the phrase text of one message) for 100,000-character
bodies: plain ASCII, accented Latin, and CJK (Japanese and Korean with no spaces), with the
number of words and distinct terms each yields. No database is needed.

    .venv/bin/python bench/fold_index.py [--rounds 9]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mails.search.folding import words  # noqa: E402
from mails.search.index import search_fields  # noqa: E402

CHARS = 100_000


def _bodies() -> dict[str, str]:
    rng = random.Random(13)
    ascii_words = ["invoice", "meeting", "offer", "schedule", "review", "budget"]
    accented = ["résumé", "café", "Straße", "Zürich", "naïve", "Ελληνικά", "ёлка"]
    cjk = "東京タワーに行きました。バスで来週の会議を서울역에서만나요 "
    return {
        "ascii": " ".join(rng.choice(ascii_words) for _ in range(CHARS // 6))[:CHARS],
        "accented": " ".join(rng.choice(accented) for _ in range(CHARS // 6))[:CHARS],
        "cjk": "".join(rng.choice(cjk) for _ in range(CHARS)),
    }


def _median_ms(run: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    rounds = parser.parse_args().rounds
    for name, body in _bodies().items():
        found = words(body)
        fields = search_fields({"subject": "x", "body_text": body})
        words_ms = _median_ms(partial(words, body), rounds)
        index_ms = _median_ms(partial(search_fields, {"body_text": body}), rounds)
        print(
            f"{name:>9} body, {len(body):,} chars: words() {words_ms:.1f} ms "
            f"({len(found):,} words), search_fields() {index_ms:.1f} ms "
            f"({len(fields['search_terms']):,} distinct terms)"
        )


if __name__ == "__main__":
    main()
