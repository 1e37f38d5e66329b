"""A throwaway PostgreSQL server for the tests: ``postgres_server`` (session) and ``pg_store``.

Order of preference:

1. ``$PLANNER_TEST_POSTGRES_URL`` (e.g. a CI service container):
   ``postgresql+psycopg://postgres:secret@localhost:5432/postgres``. Each test gets a new
   database made on that server and dropped afterwards.
2. A cluster of our own: ``initdb`` + ``pg_ctl`` in a temporary folder, listening on a free
   loopback port (and a socket in the same folder), trust authentication, ``fsync=off``.
   The binaries come from ``$PATH`` or ``/usr/lib/postgresql/<version>/bin``; when they are
   missing and we are root on a Debian/Ubuntu machine, ``apt-get install postgresql``
   installs them. As root the cluster runs as the ``postgres`` user (PostgreSQL refuses
   root). It is stopped and its folder removed at the end of the session.

When no server can be had (no binaries, no root, no ``psycopg``), the tests are skipped,
except under ``CI=true``, where they fail with the reason: CI must test PostgreSQL.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

URL_ENV = "PLANNER_TEST_POSTGRES_URL"
_TIMEOUT_S = 900  # apt-get on a slow mirror; a cluster starts in seconds


@dataclass(frozen=True)
class PostgresServer:
    """A reachable server: ``admin_url`` is an SQLAlchemy URL of its maintenance database."""

    admin_url: str

    def url_for(self, database: str) -> str:
        from sqlalchemy.engine import make_url

        return make_url(self.admin_url).set(database=database).render_as_string(False)

    @contextlib.contextmanager
    def database(self) -> Iterator[str]:
        """A new empty database for one test; dropped (connections closed) afterwards."""
        from sqlalchemy import create_engine, text

        name = f"planner_test_{uuid.uuid4().hex[:12]}"
        admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            yield self.url_for(name)
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        finally:
            admin.dispose()


def _unavailable(reason: str) -> None:
    """Fail under CI (PostgreSQL must be tested there), skip elsewhere."""
    message = f"PostgreSQL tests cannot run: {reason}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _binary_folder() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``: ``$PATH`` first, then Debian's layout."""
    on_path = shutil.which("initdb"), shutil.which("pg_ctl")
    if all(on_path):
        return Path(on_path[0]).resolve().parent  # type: ignore[arg-type]
    folders = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name or 0)
    )
    for folder in reversed(folders):
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


def _install_with_apt() -> str | None:
    """``apt-get install postgresql`` as root; the reason it could not, or None when done."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "initdb/pg_ctl not found and not root (install the postgresql package)"
    if shutil.which("apt-get") is None:
        return "initdb/pg_ctl not found and no apt-get to install them"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "--no-install-recommends", "postgresql"]
    for step in (install, ["apt-get", "update"], install):
        done = subprocess.run(step, env=env, capture_output=True, text=True, timeout=_TIMEOUT_S)
        if done.returncode == 0 and step is install:
            return None
    return f"apt-get install postgresql failed: {done.stderr.strip()[-500:]}"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _run_as(user: str | None, command: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        command, user=user, capture_output=True, text=True, timeout=120, check=False
    )


def _server_user(folder: Path) -> str | None:
    """``postgres`` when we are root (the server refuses to run as root), else ourselves."""
    if os.geteuid() != 0:
        return None
    try:
        shutil.chown(folder, user="postgres")
    except LookupError:
        _unavailable("running as root and there is no 'postgres' user to run the server")
    return "postgres"


def _start(binaries: Path, folder: Path, user: str | None, port: int) -> None:
    data = str(folder / "data")
    initdb = [str(binaries / "initdb"), "-D", data, "-U", "planner", "--auth=trust",
              "-E", "UTF8", "--no-locale"]  # fmt: skip
    made = _run_as(user, initdb)
    if made.returncode != 0:
        _unavailable(f"initdb failed: {made.stderr.strip()[-500:]}")
    options = (f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
               "-c full_page_writes=off -c max_connections=40")  # fmt: skip
    log = folder / "server.log"
    start = [str(binaries / "pg_ctl"), "-D", data, "-o", options, "-l", str(log),
             "-w", "-t", "60", "start"]  # fmt: skip
    started = _run_as(user, start)
    if started.returncode != 0:
        tail = log.read_text(errors="replace")[-500:] if log.exists() else ""
        _unavailable(f"pg_ctl start failed: {started.stderr.strip()[-300:]} {tail}")


@contextlib.contextmanager
def _own_cluster(binaries: Path) -> Iterator[PostgresServer]:
    """initdb + pg_ctl start in a temporary folder; stopped and removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="planner-pg-"))
    try:
        user, port = _server_user(folder), _free_port()
        _start(binaries, folder, user, port)
        try:
            yield PostgresServer(f"postgresql+psycopg://planner@127.0.0.1:{port}/postgres")
        finally:
            stop = [str(binaries / "pg_ctl"), "-D", str(folder / "data"), "-m", "immediate",
                    "-w", "stop"]  # fmt: skip
            _run_as(user, stop)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server for the session (see the module docstring)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _unavailable("the psycopg driver is not installed (pip install -e '.[test]')")
    if os.environ.get(URL_ENV):
        yield PostgresServer(os.environ[URL_ENV])
        return
    binaries = _binary_folder()
    if binaries is None:
        problem = _install_with_apt()
        binaries = _binary_folder()
        if binaries is None:
            _unavailable(problem or "postgresql installed but initdb/pg_ctl not found")
    with _own_cluster(binaries) as server:  # type: ignore[arg-type]
        yield server


@pytest.fixture
def pg_url(postgres_server: PostgresServer) -> Iterator[str]:
    """The URL of a new, empty database on the session's server (dropped after the test)."""
    with postgres_server.database() as url:
        yield url
