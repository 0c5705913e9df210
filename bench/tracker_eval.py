"""Tracker grouping against the emulator's ground truth, in a throwaway database.

    .venv/bin/python bench/tracker_eval.py [--seeds 1 2 3 4 5] [--sizes 600 2000] [--dump DIR]

Runs ``manage.py evaluate_tracker`` (see ``tracker.evaluation``) against
``mailbox_bench_tracker_eval_<pid>`` (dropped at the start and the end): each generated mailbox goes
through the real sync store, classifier and tracker; the figures printed are measured here.
Needs the test services (MongoDB, Redis; the test environment's defaults). ``--dump DIR`` saves
each mailbox's grouping input for ``bench/tracker_regroup.py`` (rules A/B'd offline).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Forced, not defaulted: the bench drops this database. Named per process, so two runs
# at once never drop each other's data.
os.environ["MONGODB_NAME"] = f"mailbox_bench_tracker_eval_{os.getpid()}"
os.environ["CACHE_KEY_PREFIX"] = "mailbox-bench-tracker-eval"
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/3")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/2")
os.environ.setdefault("CELERY_RESULT_BACKEND", "redis://127.0.0.1:6379/2")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mailbox_project.settings")
import mailbox_project.testenv  # noqa: E402, F401 - test defaults for the rest of the environment


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from mailbox_project.mongo import get_database

    if {"-h", "--help"} & set(sys.argv[1:]):
        # The options are the command's; printing them needs no database.
        call_command("evaluate_tracker", "--help")
        return
    database = get_database()
    database.client.drop_database(settings.DATABASES["default"]["NAME"])
    try:
        call_command("migrate", verbosity=0)
        call_command("evaluate_tracker", *sys.argv[1:])
    finally:
        database.client.drop_database(database.name)


if __name__ == "__main__":
    main()
