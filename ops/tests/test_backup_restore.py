"""Backup and restore of the test database: layout, manifest, checks before touching, round trip."""

from __future__ import annotations

import gzip
import json
import threading

import pytest
from bson import decode_all, json_util
from django.core.management import call_command
from django.core.management.base import CommandError

from ops import manifest as manifests
from ops.backup import BackupError, create_backup
from ops.catalogue import complete_backups
from ops.restore import RestoreError, from_backup, from_mongodump_folder, restore
from ops.streams import BackupFileError
from ops.tests.conftest import PARTS, WIDGETS, snapshot_of


def test_a_backup_has_mongodump_s_layout_and_a_manifest_of_what_it_holds(filled, tmp_path):
    result = create_backup(filled, tmp_path, key=None)
    folder = result.path / filled.name
    with gzip.open(folder / f"{WIDGETS}.bson.gz") as handle:
        documents = decode_all(handle.read())
    assert sorted(d["n"] for d in documents) == list(range(2500))
    with gzip.open(folder / f"{WIDGETS}.metadata.json.gz") as handle:
        metadata = json_util.loads(handle.read())
    names = {ix["name"]: ix for ix in metadata["indexes"]}
    assert names["uniq_n"]["unique"] is True
    assert names["partial_name"]["partialFilterExpression"] == {"name": {"$type": "string"}}
    assert metadata["collectionName"] == WIDGETS
    manifest = manifests.read(result.path)
    entries = {c.name: c for c in manifest.collections}
    assert entries[WIDGETS].documents == 2500
    assert entries[PARTS].documents == 300
    assert "django_migrations" in entries
    assert any(m.startswith("mails.") for m in manifest.migrations)
    assert manifests.verify(result.path, manifest) == []
    assert manifest.cluster_time["t"] > 0


def test_every_file_and_folder_is_private(filled, tmp_path, backup_key):
    result = create_backup(filled, tmp_path, key=backup_key)
    for path in [result.path, *result.path.rglob("*")]:
        mode = path.stat().st_mode & 0o777
        assert mode == (0o700 if path.is_dir() else 0o600), path


def test_an_encrypted_backup_reveals_nothing_and_restores_only_with_the_key(
    filled, tmp_path, backup_key
):
    result = create_backup(filled, tmp_path, key=backup_key)
    data = result.path / filled.name / f"{WIDGETS}.bson.gz.enc"
    assert b"widget 17" not in data.read_bytes()
    assert not (result.path / filled.name / f"{WIDGETS}.bson.gz").exists()
    before = snapshot_of(filled)
    with pytest.raises(RestoreError, match="BACKUP_ENCRYPTION_KEY"):
        restore(filled, from_backup(result.path), key=None, drop=True, migrate=False)
    # Every metadata file is decrypted before anything is dropped: nothing was touched.
    assert snapshot_of(filled) == before
    restore(filled, from_backup(result.path), key=backup_key, drop=True, migrate=False)
    assert snapshot_of(filled) == before


def test_a_round_trip_gives_back_every_document_and_index(filled, tmp_path):
    before = snapshot_of(filled)
    result = create_backup(filled, tmp_path, key=None)
    filled[WIDGETS].delete_many({"n": {"$lt": 100}})
    filled[PARTS].drop_index("ttl_at")
    filled["ops_test_extra"].insert_one({"after": "the backup"})
    report = restore(filled, from_backup(result.path), key=None, drop=True, migrate=False)
    assert snapshot_of(filled) == before
    assert all(c.matches for c in report.collections)
    assert "ops_test_extra" in report.dropped


def test_a_non_empty_database_is_refused_without_drop(filled, tmp_path):
    result = create_backup(filled, tmp_path, key=None)
    filled[WIDGETS].insert_one({"n": -1})
    with pytest.raises(RestoreError, match=r"not empty.*--drop"):
        restore(filled, from_backup(result.path), key=None)
    assert filled[WIDGETS].count_documents({}) == 2501


def test_a_dry_run_changes_nothing(filled, tmp_path):
    result = create_backup(filled, tmp_path, key=None)
    filled[WIDGETS].insert_one({"n": -1})
    before = snapshot_of(filled)
    report = restore(filled, from_backup(result.path), key=None, drop=True, dry_run=True)
    assert report.dry_run
    assert WIDGETS in report.dropped
    assert snapshot_of(filled) == before


def test_a_damaged_file_is_found_before_anything_is_touched(filled, tmp_path):
    result = create_backup(filled, tmp_path, key=None)
    damaged = result.path / filled.name / f"{PARTS}.bson.gz"
    content = bytearray(damaged.read_bytes())
    content[len(content) // 2] ^= 0xFF
    damaged.write_bytes(bytes(content))
    filled[WIDGETS].insert_one({"n": -1})
    before = snapshot_of(filled)
    with pytest.raises(RestoreError, match=f"{PARTS}.bson.gz: SHA-256 differs"):
        restore(filled, from_backup(result.path), key=None, drop=True)
    assert snapshot_of(filled) == before


def test_a_folder_without_manifest_is_never_offered(filled, tmp_path):
    result = create_backup(filled, tmp_path, key=None)
    (result.path / manifests.MANIFEST_NAME).unlink()
    assert complete_backups(tmp_path) == []
    with pytest.raises(RestoreError, match="incomplete backup"):
        from_backup(result.path)


def test_a_backup_from_newer_code_is_refused(filled, tmp_path):
    result = create_backup(filled, tmp_path, key=None)
    manifest_path = result.path / manifests.MANIFEST_NAME
    data = json.loads(manifest_path.read_text())
    data["migrations"].append("mails.9999_from_the_future")
    manifest_path.write_text(json.dumps(data))
    with pytest.raises(RestoreError, match=r"newer code.*9999_from_the_future"):
        restore(filled, from_backup(result.path), key=None, drop=True)


def test_the_mongodump_folder_reader_restores_our_backup_alike(filled, tmp_path):
    before = snapshot_of(filled)
    result = create_backup(filled, tmp_path, key=None)
    source = from_mongodump_folder(result.path)
    assert source.manifest is None
    assert {c.name for c in source.collections} >= {WIDGETS, PARTS}
    restore(filled, source, key=None, drop=True, migrate=False)
    assert snapshot_of(filled) == before


def test_a_restore_into_a_newer_migration_state_runs_migrate(filled, tmp_path):
    # The backup is made at an older state: the newest accounts migration unapplied (its row
    # and its effect gone: accounts 0004 added users.time_zone's default, a field only).
    rows = filled["django_migrations"]
    newest = rows.find_one({"app": "mails"}, sort=[("name", -1)])
    assert newest is not None
    rows.delete_one({"_id": newest["_id"]})
    result = create_backup(filled, tmp_path, key=None)
    assert f"mails.{newest['name']}" not in result.manifest.migrations
    report = restore(filled, from_backup(result.path), key=None, drop=True)
    assert f"mails.{newest['name']}" in report.migrated
    assert rows.find_one({"app": "mails", "name": newest["name"]}) is not None


def test_every_collection_is_read_at_one_point_in_time(mongo, tmp_path):
    # A writer inserts pairs (a widget, then its part) in one transaction while the backup
    # runs; widgets are dumped before parts. Read at one cluster time, every part in the
    # backup has its widget and vice versa. Read collection by collection, parts written
    # after the widgets were dumped would come without their widget.
    mongo[WIDGETS].insert_many([{"n": -i - 1, "pad": "x" * 2000} for i in range(20_000)])
    mongo.create_collection(PARTS)
    stop = threading.Event()
    written = [0]

    def writer() -> None:
        client = mongo.client
        n = 0
        while not stop.is_set():
            with client.start_session() as session, session.start_transaction():
                mongo[WIDGETS].insert_one({"n": n, "paired": True}, session=session)
                mongo[PARTS].insert_one({"widget": n}, session=session)
            n += 1
        written[0] = n

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        result = create_backup(mongo, tmp_path, key=None)
    finally:
        stop.set()
        thread.join()
    folder = result.path / mongo.name
    with gzip.open(folder / f"{WIDGETS}.bson.gz") as handle:
        paired = {d["n"] for d in decode_all(handle.read()) if d.get("paired")}
    with gzip.open(folder / f"{PARTS}.bson.gz") as handle:
        parts = {d["widget"] for d in decode_all(handle.read())}
    assert written[0] > len(parts) > 0, "the writer must have run during the backup"
    assert paired == parts


def test_an_unknown_engine_is_a_clear_error(filled, tmp_path):
    with pytest.raises(BackupError, match="unknown engine"):
        create_backup(filled, tmp_path, key=None, engine="tar")


def test_a_failed_backup_leaves_no_partial_folder(filled, tmp_path):
    with pytest.raises(BackupFileError, match="not a Fernet key"):
        create_backup(filled, tmp_path, key="not-a-key")
    assert list(tmp_path.iterdir()) == []


def test_the_commands_list_back_up_and_refuse(filled, tmp_path, settings, capsys):
    settings.BACKUP_DIR = tmp_path
    settings.BACKUP_ENCRYPTION_KEY = ""
    call_command("backup")
    call_command("backup", "--list")
    listed = capsys.readouterr().out
    name = complete_backups(tmp_path)[0].name
    assert name in listed
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", name)
    with pytest.raises(CommandError, match="no backup folder"):
        call_command("restore", "mailbox-nope")
    with pytest.raises(CommandError, match="name a backup"):
        call_command("restore")
    call_command("restore", "--latest", "--drop", "--dry-run")
    assert "would restore" in capsys.readouterr().out


def test_restore_prints_counts_against_the_manifest(filled, tmp_path, settings, capsys):
    settings.BACKUP_DIR = tmp_path
    result = create_backup(filled, tmp_path, key=None)
    call_command("restore", str(result.path), "--drop", "--no-migrate")
    out = capsys.readouterr().out
    assert f"{WIDGETS}" in out
    line = next(
        line for line in out.splitlines() if line.startswith(WIDGETS) and "manifest" in line
    )
    assert line.split()[2:] == ["2500", "manifest", "2500", "ok"]


def test_a_mongodump_binary_backup_restores_when_the_tools_exist(filled, tmp_path, settings):
    from ops.backup import mongodump_available

    if not mongodump_available():
        pytest.skip("mongodump/mongorestore are not on the PATH (the MongoDB image has them)")
    before = snapshot_of(filled)
    result = create_backup(filled, tmp_path, key=None, engine="mongodump", uri=settings.MONGODB_URI)
    restore(filled, from_backup(result.path), key=None, drop=True, migrate=False)
    assert snapshot_of(filled) == before


def test_an_encrypted_backup_decrypts_into_a_plain_mongodump_folder(
    filled, tmp_path, backup_key, settings
):
    settings.BACKUP_ENCRYPTION_KEY = backup_key
    before = snapshot_of(filled)
    result = create_backup(filled, tmp_path / "backups", key=backup_key)
    call_command("restore", str(result.path), "--decrypt-to", str(tmp_path / "plain"))
    plain = tmp_path / "plain" / filled.name
    assert (plain / f"{WIDGETS}.bson.gz").stat().st_mode & 0o777 == 0o600
    with gzip.open(plain / f"{WIDGETS}.bson.gz") as handle:
        assert len(decode_all(handle.read())) == 2500
    restore(filled, from_mongodump_folder(tmp_path / "plain"), key=None, drop=True, migrate=False)
    assert snapshot_of(filled) == before


def test_an_uncompressed_mongodump_folder_is_read_too(filled, tmp_path):
    before = snapshot_of(filled)
    result = create_backup(filled, tmp_path / "backups", key=None)
    plain = tmp_path / "dump" / filled.name
    plain.mkdir(parents=True)
    for path in (result.path / filled.name).iterdir():
        with gzip.open(path) as handle:
            (plain / path.name.removesuffix(".gz")).write_bytes(handle.read())
    source = from_mongodump_folder(tmp_path / "dump")
    assert {c.data.name for c in source.collections} >= {f"{WIDGETS}.bson"}
    restore(filled, source, key=None, drop=True, migrate=False)
    assert snapshot_of(filled) == before
