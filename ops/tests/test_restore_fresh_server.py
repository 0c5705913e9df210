"""``manage.py restore`` into a brand-new MongoDB server (a private mongod): a lost disk."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.conf import settings

from mailbox_project.testing import process_environment
from ops.backup import create_backup
from ops.tests.conftest import WIDGETS, snapshot_of
from ops.tests.private_mongo import PrivateMongo, private_mongo

__all__ = ["private_mongo"]

pytestmark = pytest.mark.slow


def test_a_backup_restores_into_a_fresh_server(filled, tmp_path, backup_key, private_mongo):
    mongo: PrivateMongo = private_mongo
    result = create_backup(filled, tmp_path / "backups", key=backup_key)
    completed = subprocess.run(
        # --no-migrate: the child loads the checkout's code as it is now, which may hold
        # migrations this test's database never ran; restore's migrate step has its own test.
        [sys.executable, "manage.py", "restore", str(result.path), "--no-migrate"],
        cwd=settings.BASE_DIR,
        env=process_environment(
            MONGODB_URI=mongo.uri,
            MONGODB_NAME="restored",
            BACKUP_ENCRYPTION_KEY=backup_key,
            CACHE_KEY_PREFIX=f"{settings.CACHE_KEY_PREFIX}-fresh",
        ),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert f"{WIDGETS}" in completed.stdout
    assert "MISMATCH" not in completed.stdout
    restored = mongo.client()["restored"]
    assert snapshot_of(restored) == snapshot_of(filled)
    # Nothing else appeared on the new server but our database.
    assert set(mongo.client().list_database_names()) - {"admin", "config", "local"} == {"restored"}
