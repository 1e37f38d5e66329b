"""Backup and restore: a full round trip, checks on the file, refusals, and a crash mid-restore."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from sufficiency.errors import InputDataError
from tests.webapp.store_samples import household
from tests.webapp.test_concurrency import snapshot
from tests.webapp.web_support import fill
from webapp import audit, backup
from webapp.store import Store
from webapp.users import add_user, create_token, user_for_token


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(str(tmp_path / "live.sqlite3"))
    store.upgrade()
    fill(store)
    add_user(store, "a.khan", "administrator", "correct horse battery staple")
    audit.record(store, audit.entry("a.khan", "administrator", "view-referral", "referral", "R1"))
    yield store
    store.close()


def _empty(tmp_path: Path, name: str = "restored.sqlite3") -> Store:
    return Store(str(tmp_path / name))


def test_round_trip_restores_every_row(store: Store, tmp_path: Path) -> None:
    token = create_token(store, "a.khan")
    summary = backup.backup(store, tmp_path / "planner.zip")
    assert summary.rows["households"] == 4 and summary.rows["looked_after_children"] == 5
    assert summary.rows["audit_log"] == 1 and summary.revision == "0005"
    target = _empty(tmp_path)
    restored = backup.restore(target, tmp_path / "planner.zip")
    assert restored.rows == summary.rows
    restored_rows, live_rows = snapshot(target), snapshot(store)
    # The data version is not data: a restore starts a new epoch, so nothing cached survives.
    assert restored_rows.pop("data_version")[0][1] != live_rows.pop("data_version")[0][1]
    assert restored_rows == live_rows
    assert target.current_revision() == Store.head_revision()
    assert user_for_token(target, token).username == "a.khan"  # tokens survive (as hashes)
    assert target.get_referral("R2") == store.get_referral("R2")
    target.close()


def test_restore_refuses_a_store_with_data_unless_replacing(store: Store, tmp_path: Path) -> None:
    backup.backup(store, tmp_path / "planner.zip")
    with pytest.raises(InputDataError, match="already holds data .*pass --replace"):
        backup.restore(store, tmp_path / "planner.zip")
    store.add_household(household("H9"))
    backup.restore(store, tmp_path / "planner.zip", replace=True)
    assert [h.household_id for h in store.list_households()] == ["H1", "H2", "H3", "H4"]


def test_a_crash_mid_restore_leaves_the_database_as_it_was(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backup.backup(store, tmp_path / "planner.zip")
    store.add_household(household("H9"))
    before = snapshot(store)

    def crash(_connection) -> None:
        raise OSError("power cut (injected) after every row was inserted")

    monkeypatch.setattr(backup, "_reset_sequences", crash)
    with pytest.raises(OSError, match="injected"):
        backup.restore(store, tmp_path / "planner.zip", replace=True)
    assert snapshot(store) == before
    assert store.current_revision() == "0005"


def _rewrite(path: Path, name: str, data: bytes) -> None:
    with zipfile.ZipFile(path) as source:
        files = {n: source.read(n) for n in source.namelist()}
    files[name] = data
    with zipfile.ZipFile(path, "w") as target:
        for key, value in files.items():
            target.writestr(key, value)


def test_damaged_or_foreign_files_are_refused(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "planner.zip"
    backup.backup(store, path)
    _rewrite(path, "tables/households.jsonl", b'{"household_id": "HX"}\n')
    with pytest.raises(InputDataError, match="table households is damaged"):
        backup.restore(_empty(tmp_path), path)
    (tmp_path / "notes.zip").write_bytes(b"not a zip")
    with pytest.raises(InputDataError, match=r"notes.zip: cannot be read as a backup \(BadZipFile"):
        backup.restore(_empty(tmp_path), tmp_path / "notes.zip")
    backup.backup(store, path)
    manifest = json.loads(zipfile.ZipFile(path).read("manifest.json"))
    _rewrite(path, "manifest.json", json.dumps({**manifest, "revision": "0099"}).encode())
    with pytest.raises(InputDataError, match=r"made by a newer version \(schema '0099'\)"):
        backup.restore(_empty(tmp_path), path)


def test_backup_and_restore_commands(store: Store, tmp_path: Path) -> None:
    from webapp.cli import main

    run = CliRunner().invoke
    file = str(tmp_path / "nightly.zip")
    made = run(main, ["backup", file, "--by", "ops", "--database", store.url])
    assert made.exit_code == 0, made.output
    assert made.stdout.startswith("backed up ") and "(schema 0005)" in made.stdout
    target = str(tmp_path / "new.sqlite3")
    restored = run(main, ["restore", file, "--by", "ops", "--database", target])
    assert restored.exit_code == 0, restored.output
    again = run(main, ["restore", file, "--database", target])
    assert again.exit_code == 2 and "pass --replace to overwrite it" in again.stderr
    actions = [e.action for e in audit.list_entries(Store(target))]
    assert actions == ["view-referral", "backup", "restore"]
