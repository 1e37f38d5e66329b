"""Operational commands: ``serve``, ``demo load``, ``db``, ``import``, ``export``, ``decide``.

Thin wrappers over ``webapp.store`` and its import/export modules. Bad input exits with
code 2 and every problem on stderr; a decision that can no longer be made exits with 1.
Progress goes to stderr; ``--json`` prints data (or the error shape) on stdout.
"""

from __future__ import annotations

import os
from typing import Any

import click

from webapp.commands_common import (  # noqa: F401 (re-exported: the helpers' old home)
    _echo,
    _fail_input,
    _officer,
    _open,
    _progress,
    database_option,
    json_option,
)
from webapp.store import (
    DATABASE_URL_ENV,
    Store,
    resolve_database_url,
)

# -- serve and demo ----------------------------------------------------------------------


@click.command()
@click.option("--demo", is_flag=True, help="Load the synthetic demo council if the store is empty.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--threads",
    default=8,
    show_default=True,
    type=click.IntRange(min=1),
    help="Requests answered at once (waitress worker threads).",
)
@database_option
def serve(demo: bool, host: str, port: int, threads: int, database: str | None) -> None:
    """Run the web app under waitress (creating the database; the demo council with --demo)."""
    from webapp import create_app, serving

    try:
        app = create_app()
    except ValueError as error:
        raise click.UsageError(str(error)) from error
    if database or os.environ.get(DATABASE_URL_ENV):
        app.config["DATABASE_URL"] = resolve_database_url(database)
    store = _open(str(app.config["DATABASE_URL"]))
    if demo and store.is_empty():
        _load_demo(store, seed=None)
    app.config["DEMO"] = bool(demo or app.config.get("DEMO"))
    _sign_in_help(store, demo)
    # This server speaks plain HTTP: a Secure cookie would never come back. Put HTTPS in
    # front of it for anything but this machine (docs/security.md).
    app.config["SESSION_COOKIE_SECURE"] = False
    click.echo(f"Serving {store!r} on http://{host}:{port}/ ({threads} threads)", err=True)
    serving.serve(app, host, port, threads=threads)


#: One demo user per role (synthetic data only); passwords are random and printed once.
DEMO_USERS = (
    ("officer", "placements-officer", "Demo placements officer"),
    ("fostering", "fostering-manager", "Demo fostering manager"),
    ("commissioner", "commissioner", "Demo commissioner"),
    ("admin", "administrator", "Demo administrator"),
)


def _sign_in_help(store: Store, demo: bool) -> None:
    """With --demo and no users yet: make one demo user per role and print the passwords."""
    from webapp.users import add_user, count_users, new_password

    if count_users(store):
        return
    if not demo:
        click.echo(
            "No users yet: add one with 'placement-planner users add NAME --role administrator'.",
            err=True,
        )
        return
    click.echo("Demo users (synthetic data only; passwords shown once, never reuse them):")
    for username, role, name in DEMO_USERS:
        password = new_password()
        add_user(store, username, role, password, name)
        click.echo(f"  {username:<13} {role:<19} {password}")


def _load_demo(store: Store, seed: int | None) -> None:
    from sufficiency.demo_council import build_demo_council

    _progress("building the synthetic demo council")
    council = build_demo_council() if seed is None else build_demo_council(seed=seed)
    store.load_demo(council, progress=_progress)


@click.group()
def demo() -> None:
    """The synthetic demo council (no real children's data)."""


@demo.command("load")
@click.option("--seed", type=int, default=None, help="Random seed (default: the demo's own).")
@database_option
def demo_load(seed: int | None, database: str | None) -> None:
    """Fill an empty store with the synthetic demo council."""
    store = _open(database)
    if not store.is_empty():
        click.echo(
            f"{store!r} already holds data; the demo is only loaded into an empty store.", err=True
        )
        raise SystemExit(2)
    _load_demo(store, seed)
    click.echo(f"Loaded the demo council into {store!r}.")


# -- db ----------------------------------------------------------------------------------


@click.group()
def db() -> None:
    """The database schema (Alembic migrations shipped with the package)."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Target schema revision.")
@database_option
def db_upgrade(revision: str, database: str | None) -> None:
    """Create the database or bring its schema up to date, keeping the data."""
    store = Store(database)
    before = store.current_revision()
    store.upgrade(revision)
    click.echo(f"{store!r}: schema {before or 'none'} -> {store.current_revision()}")


@db.command("current")
@database_option
@json_option
def db_current(database: str | None, as_json: bool) -> None:
    """Show the database's schema revision and the newest one available."""
    store = Store(database)
    current, head = store.current_revision(), Store.head_revision()
    data = {
        "database": repr(store),
        "revision": current,
        "head": head,
        "up_to_date": current == head,
    }
    status = "up to date" if current == head else "run: placement-planner db upgrade"
    _echo(as_json, data, f"{store!r}: schema {current or 'none'} (newest {head}; {status})")


# -- decide (the command is in webapp.commands_decide) -----------------------------------


def _decision_entry(decision: Any, action: str, problem: str):
    from webapp import audit

    parts = [f"household {decision.household_id}"]
    parts += [f"rank {decision.shortlist_rank}"] if decision.shortlist_rank else []
    parts += [f"reason: {decision.reason}"] if decision.reason else []
    parts += [problem] if problem else []
    return audit.entry(decision.decided_by, "", action, "referral", decision.referral_id,
                       "; ".join(parts), "cli")  # fmt: skip


from webapp.commands_admin import COMMANDS as ADMIN_COMMANDS  # noqa: E402
from webapp.commands_data import export_command, import_group  # noqa: E402
from webapp.commands_decide import decide  # noqa: E402

COMMANDS: list[click.Command] = [
    serve, demo, db, import_group, export_command, decide, *ADMIN_COMMANDS,
]  # fmt: skip
