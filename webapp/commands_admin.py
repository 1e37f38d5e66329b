"""Administration commands: ``users``, ``audit export``, ``backup`` and ``restore``.

Every command that changes or copies data appends to the audit trail (channel ``cli``,
the ``--by`` name or the operating-system user). Bad input exits 2 with every problem.
"""

from __future__ import annotations

import datetime as dt
import sys

import click

from sufficiency.errors import InputDataError
from webapp import audit
from webapp.commands_common import _echo, _fail_input, _officer, _open, database_option, json_option
from webapp.store import DuplicateRecordError, Store, UnknownRecordError
from webapp.users import Role, add_user, create_token, list_users, new_password, update_user

ROLE_CHOICE = click.Choice([r.value for r in Role])
by_option = click.option("--by", help="Who is running this (for the audit trail; default: you).")


def _audit(store: Store, by: str | None, action: str, record_type: str, record_id: str,
           detail: str = "") -> None:  # fmt: skip
    audit.record(
        store, audit.entry(_officer(by), "", action, record_type, record_id, detail, "cli")
    )


def _password(generate: bool, password_stdin: bool) -> str:
    if generate:
        return new_password()
    if password_stdin:
        return sys.stdin.readline().rstrip("\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@click.group()
def users() -> None:
    """People who can sign in, their roles and their API tokens."""


@users.command("add")
@click.argument("username")
@click.option("--role", type=ROLE_CHOICE, required=True, help="What the user may open.")
@click.option("--name", "display_name", default="", help="The person's name, shown on pages.")
@click.option("--generate", is_flag=True, help="Make a random password and print it once.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@by_option
@database_option
def users_add(username: str, role: str, display_name: str, generate: bool, password_stdin: bool,
              by: str | None, database: str | None) -> None:  # fmt: skip
    """Add a user (the password is prompted for, read from stdin, or generated)."""
    store = _open(database)
    password = _password(generate, password_stdin)
    try:
        user = add_user(store, username, role, password, display_name)
    except InputDataError as error:
        _fail_input(error)
    except DuplicateRecordError as error:
        _fail_input(InputDataError([str(error)]))
    _audit(store, by, "add-user", "user", user.username, f"role {user.role}")
    click.echo(f"Added {user.username} ({user.role.label.lower()}).")
    if generate:
        click.echo(f"Password (shown once): {password}")


@users.command("list")
@database_option
@json_option
def users_list(database: str | None, as_json: bool) -> None:
    """List users, their roles and whether they can sign in."""
    found = list_users(_open(database))
    data = [{"username": u.username, "name": u.display_name, "role": str(u.role),
             "active": u.active} for u in found]  # fmt: skip
    lines = [f"{u.username:<24} {u.role:<20} {'active' if u.active else 'disabled'}  "
             f"{u.display_name}".rstrip() for u in found]  # fmt: skip
    _echo(
        as_json, data, "\n".join(lines) or "No users yet: add one with placement-planner users add"
    )


@users.command("set")
@click.argument("username")
@click.option("--role", type=ROLE_CHOICE, help="Change the user's role.")
@click.option("--reset-password", is_flag=True, help="Generate a new password and print it once.")
@click.option(
    "--disable", "active", flag_value=False, default=None, help="Stop sign-in and tokens."
)
@click.option("--enable", "active", flag_value=True, help="Allow sign-in again.")
@by_option
@database_option
def users_set(username: str, role: str | None, reset_password: bool, active: bool | None,
              by: str | None, database: str | None) -> None:  # fmt: skip
    """Change a user's role, reset their password, or disable/enable them."""
    store = _open(database)
    password = new_password() if reset_password else None
    try:
        user = update_user(store, username, role=role, password=password, active=active)
    except (InputDataError, UnknownRecordError) as error:
        _fail_input(error if isinstance(error, InputDataError) else InputDataError([str(error)]))
    changes = [f"role {role}"] * bool(role) + ["password reset"] * reset_password
    changes += [] if active is None else ["enabled" if active else "disabled (tokens revoked)"]
    _audit(store, by, "change-user", "user", user.username, ", ".join(changes))
    click.echo(f"Updated {user.username}: {', '.join(changes) or 'nothing to change'}.")
    if password:
        click.echo(f"Password (shown once): {password}")


@users.command("token")
@click.argument("username")
@click.option("--label", default="", help="What the token is for.")
@by_option
@database_option
def users_token(username: str, label: str, by: str | None, database: str | None) -> None:
    """Create an API token for a user; it is printed once (only its hash is kept)."""
    store = _open(database)
    try:
        token = create_token(store, username, label)
    except UnknownRecordError as error:
        _fail_input(InputDataError([str(error)]))
    _audit(store, by, "create-token", "user", username.lower(), label)
    click.echo(token)
    click.echo(f"API token for {username.lower()} (shown once). Send it as "
               "'Authorization: Bearer <token>'.", err=True)  # fmt: skip


@click.group("audit")
def audit_group() -> None:
    """The audit trail: who viewed, shortlisted, decided, imported and exported what."""


@audit_group.command("export")
@click.option("-o", "--output", required=True, help="File to write (.csv or .xlsx).")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="First day (UTC), inclusive.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Last day (UTC), inclusive.")
@click.option("--user", "username", help="Only this user's entries.")
@by_option
@database_option
def audit_export(output: str, since: dt.datetime | None, until: dt.datetime | None,
                 username: str | None, by: str | None, database: str | None) -> None:  # fmt: skip
    """Write the audit trail to a CSV or Excel file (spreadsheet formulas escaped)."""
    store = _open(database)
    entries = audit.list_entries(
        store, since=since.date() if since else None, until=until.date() if until else None,
        username=username,
    )  # fmt: skip
    try:
        count = audit.export_entries(entries, output)
    except ValueError as error:
        _fail_input(InputDataError([f"--output: {error}"]))
    _audit(store, by, "export-audit", "audit", "", f"{count} entries to {output}")
    click.echo(f"wrote {count} audit entries to {output}")


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@by_option
@database_option
def backup_command(file: str, by: str | None, database: str | None) -> None:
    """Copy the whole database to FILE (a .zip of every table, with checksums)."""
    from webapp.backup import backup

    store = _open(database)
    _audit(store, by, "backup", "database", "", file)
    summary = backup(store, file, progress=lambda m: click.echo(m, err=True))
    click.echo(f"backed up {summary.total_rows} rows (schema {summary.revision}) to {file}")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--replace", is_flag=True, help="Overwrite a database that holds data.")
@by_option
@database_option
def restore_command(file: str, replace: bool, by: str | None, database: str | None) -> None:
    """Restore FILE (made by backup) into the database: all of it, or nothing."""
    from webapp.backup import restore

    store = Store(database)
    try:
        summary = restore(store, file, replace=replace, progress=lambda m: click.echo(m, err=True))
    except InputDataError as error:
        _fail_input(error)
    _audit(store, by, "restore", "database", "", f"{file} (made {summary.created_at})")
    click.echo(f"restored {summary.total_rows} rows from {file} (made {summary.created_at})")


COMMANDS: list[click.Command] = [users, audit_group, backup_command, restore_command]
