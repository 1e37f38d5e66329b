"""Backup and restore of the whole store as one portable file (SQLite and PostgreSQL alike).

A backup is a zip: ``manifest.json`` (format, schema revision, row counts, SHA-256 of each
table) and ``tables/<table>.jsonl`` (one JSON object per row), read in one consistent
snapshot. A restore checks the file in full, then in ONE transaction drops the schema,
rebuilds it at the backup's revision, inserts every row and migrates to the newest revision;
if anything fails the database is left exactly as it was. It refuses a store holding data
unless told to replace it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zipfile
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from sqlalchemy import Connection, Date, DateTime, create_engine, event, func, insert, select, text
from sqlalchemy.engine import make_url

from sufficiency.errors import FieldError, InputDataError
from webapp.models import Base
from webapp.store import Store, _alembic_config, _sqlite_pragmas

FORMAT = "placement-planner-backup/1"
Progress = Callable[[str], None]
#: Tables that are not data: the cache's data version is made afresh by the schema.
NOT_BACKED_UP = frozenset({"data_version"})


def _data_tables() -> list:
    """The tables a backup holds, parents before children."""
    return [t for t in Base.metadata.sorted_tables if t.name not in NOT_BACKED_UP]


@dataclass(frozen=True, slots=True)
class BackupSummary:
    """What a backup holds, or a restore wrote [rows per table]."""

    path: str
    revision: str
    created_at: str
    rows: dict[str, int]

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


@contextmanager
def _transaction(store: Store):
    """One connection in one real transaction (SQLite: an explicit BEGIN, so reads are a
    snapshot and DDL rolls back too)."""
    url = make_url(store.url)
    engine = create_engine(url)
    if url.get_backend_name() == "sqlite":

        @event.listens_for(engine, "connect")
        def _connect(dbapi_connection, record):  # pragma: no cover - driver callback
            _sqlite_pragmas(dbapi_connection, record)
            dbapi_connection.isolation_level = None  # we issue BEGIN ourselves

        @event.listens_for(engine, "begin")
        def _begin(connection):  # pragma: no cover - driver callback
            connection.exec_driver_sql("BEGIN")

    try:
        with engine.connect() as connection, connection.begin():
            yield connection
    finally:
        engine.dispose()


def _cell(value: object) -> object:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def backup(store: Store, path: Path | str, progress: Progress | None = None) -> BackupSummary:
    """Write every table of the store to ``path`` (a .zip); returns what was written."""
    report = progress or (lambda _m: None)
    path = Path(path)
    revision = store.current_revision()
    if revision is None:
        raise InputDataError([f"{store!r} has no schema yet: nothing to back up"])
    rows: dict[str, int] = {}
    digests: dict[str, str] = {}
    created = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    partial = path.with_name(path.name + ".partial")
    with (
        _transaction(store) as connection,
        zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as zf,
    ):
        for table in _data_tables():
            lines = [
                json.dumps({k: _cell(v) for k, v in row._mapping.items()}, sort_keys=True)
                for row in connection.execute(select(table))
            ]
            data = ("\n".join(lines) + "\n" if lines else "").encode("utf-8")
            zf.writestr(f"tables/{table.name}.jsonl", data)
            rows[table.name], digests[table.name] = len(lines), hashlib.sha256(data).hexdigest()
            report(f"{table.name}: {len(lines)} rows")
        manifest = {"format": FORMAT, "revision": revision, "created_at": created,
                    "rows": rows, "sha256": digests}  # fmt: skip
        zf.writestr("manifest.json", json.dumps(manifest, indent=2, sort_keys=True))
    partial.replace(path)  # a crash mid-backup never leaves a half file under the real name
    return BackupSummary(str(path), revision, created, rows)


def read_backup(path: Path | str) -> tuple[dict, dict[str, list[dict]]]:
    """The manifest and every table's rows, checked in full; ``InputDataError`` otherwise."""
    path = Path(path)
    source = path.name

    def problem(message: str) -> InputDataError:
        return InputDataError([FieldError(source, None, None, message)], f"{source}: not restored")

    try:
        with zipfile.ZipFile(path) as zf:
            manifest = json.loads(zf.read("manifest.json"))
            if manifest.get("format") != FORMAT:
                raise problem(
                    f"is not a placement planner backup (format {manifest.get('format')!r})"
                )
            tables = {}
            for name, digest in manifest["sha256"].items():
                data = zf.read(f"tables/{name}.jsonl")
                if hashlib.sha256(data).hexdigest() != digest:
                    raise problem(f"table {name} is damaged (its SHA-256 does not match)")
                tables[name] = [json.loads(line) for line in data.decode("utf-8").splitlines()]
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, TypeError) as error:
        if isinstance(error, InputDataError):
            raise
        raise problem(f"cannot be read as a backup ({type(error).__name__}: {error})") from None
    known = {s.revision for s in _alembic_script().walk_revisions()}
    if manifest.get("revision") not in known:
        raise problem(
            f"was made by a newer version (schema {manifest.get('revision')!r}); upgrade first"
        )
    return manifest, tables


def _alembic_script():
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config())


def _has_data(connection: Connection) -> list[str]:
    names = set(connection.dialect.get_table_names(connection))
    return [
        t.name
        for t in _data_tables()
        if t.name in names and connection.scalar(select(func.count()).select_from(t))
    ]


def _typed(table, row: dict) -> dict:
    values = dict(row)
    for column in table.columns:
        value = values.get(column.name)
        if isinstance(value, str) and isinstance(column.type, DateTime):
            values[column.name] = dt.datetime.fromisoformat(value)
        elif isinstance(value, str) and isinstance(column.type, Date):
            values[column.name] = dt.date.fromisoformat(value)
    return values


def restore(
    store: Store, path: Path | str, *, replace: bool = False, progress: Progress | None = None
) -> BackupSummary:
    """Replace the store's contents with a backup, all or nothing.

    Raises
    ------
    InputDataError
        The file is not a sound backup, or the store holds data and ``replace`` is False.
    """
    report = progress or (lambda _m: None)
    manifest, tables = read_backup(path)
    report(
        f"{Path(path).name}: schema {manifest['revision']}, {sum(manifest['rows'].values())} rows"
    )
    with _transaction(store) as connection:
        holding = _has_data(connection)
        if holding and not replace:
            raise InputDataError(
                [f"{store!r} already holds data ({', '.join(holding)}); "
                 "restore into an empty database, or pass --replace to overwrite it"]
            )  # fmt: skip
        _rebuild(connection, manifest["revision"])
        for table in _data_tables():
            if tables.get(table.name):
                connection.execute(insert(table), [_typed(table, r) for r in tables[table.name]])
                report(f"{table.name}: {len(tables[table.name])} rows")
        _upgrade(connection, "head")
        _reset_sequences(connection)
    return BackupSummary(str(path), manifest["revision"], manifest["created_at"], manifest["rows"])


def _upgrade(connection: Connection, revision: str) -> None:
    config = _alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def _rebuild(connection: Connection, revision: str) -> None:
    """Drop every table (and the migration stamp), then build the schema at ``revision``."""
    Base.metadata.drop_all(connection)
    connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    _upgrade(connection, revision)


def _reset_sequences(connection: Connection) -> None:
    """PostgreSQL: move id sequences past the restored ids (SQLite needs nothing)."""
    if connection.dialect.name != "postgresql":
        return
    for table in Base.metadata.sorted_tables:
        for column in table.primary_key.columns:
            if column.autoincrement is True:
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                        f"COALESCE(MAX({column.name}), 1)) FROM {table.name}"
                    )
                )
