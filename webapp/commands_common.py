"""Helpers shared by the operational commands (``webapp.commands`` and its parts): the
``--database`` and ``--json`` options, opening the store, progress, output and bad input.

Kept apart from ``webapp.commands`` so every command module can be imported first.
"""

from __future__ import annotations

import getpass
import json
from typing import Any

import click

from sufficiency.errors import InputDataError
from webapp.store import DATABASE_URL_ENV, Store

database_option = click.option(
    "--database",
    metavar="URL_OR_PATH",
    help=f"SQLAlchemy URL or SQLite file [default: ${DATABASE_URL_ENV}, "
    "else instance/planner.sqlite3].",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")


def _progress(message: str) -> None:
    click.echo(message, err=True)


def _open(database: str | None) -> Store:
    store = Store(database)
    store.upgrade()
    return store


def _fail_input(error: InputDataError, as_json: bool = False) -> None:
    """Every problem on stderr (and the JSON error shape on stdout), then exit 2."""
    for line in str(error).splitlines():
        click.echo(line, err=True)
    if as_json:
        errors = [
            e.as_dict() if hasattr(e, "as_dict") else {"message": str(e)} for e in error.errors
        ]
        click.echo(json.dumps({"ok": False, "errors": errors, "status": 400}, indent=2))
    raise SystemExit(2)


def _echo(as_json: bool, data: Any, text: str) -> None:
    click.echo(json.dumps(data, indent=2, default=str) if as_json else text)


def _officer(by: str | None) -> str:
    if by:
        return by
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # pragma: no cover - no user name in some containers
        return "unknown"
