"""Account and administration pages on the ``auth`` blueprint: your API token, users, audit.

Everyone may see their own account and create an API token (shown once). Administrators
list and add users and download the audit trail as CSV.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from flask import current_app, render_template, request, send_file

from sufficiency.errors import FieldError, InputDataError
from webapp import access, audit
from webapp.auth import bp, current_user
from webapp.store import DuplicateRecordError
from webapp.users import Role, add_user, create_token, list_users


def _store():
    from webapp.sources import open_store

    return open_store(current_app)


def _what_you_can_open(user) -> list[str]:
    labels = [label for label, _ in access.navigation_for(user)]
    return labels or ["the dashboard"]


@bp.get("/account")
def account():
    """Who you are, your role and what it opens, and a button to create an API token."""
    user = current_user()
    return render_template(
        "auth/account.html", title="Your account", user=user, areas=_what_you_can_open(user)
    )


@bp.post("/account/token")
def new_token():
    """Create an API token for yourself; it is shown once and only its hash is kept."""
    user = current_user()
    label = request.form.get("label", "").strip()[:100] or "created on the account page"
    token = create_token(_store(), user.username, label)
    audit.record(
        _store(), audit.entry(user.username, str(user.role), "create-token", "user",
                              user.username, label)
    )  # fmt: skip
    return render_template(
        "auth/account.html",
        title="Your account",
        user=user,
        areas=_what_you_can_open(user),
        token=token,
    )


@bp.route("/admin/users", methods=["GET", "POST"])
def users():
    """The list of users and their roles; administrators add users here or with the CLI."""
    errors: list[FieldError | str] = []
    form = request.form if request.method == "POST" else {}
    status = 200
    if request.method == "POST":
        try:
            added = add_user(
                _store(),
                form.get("username", ""),
                form.get("role", ""),
                form.get("password", ""),
                form.get("display_name", ""),
            )
        except (InputDataError, DuplicateRecordError) as error:
            errors = list(getattr(error, "errors", [str(error)]))
            status = 400
        else:
            admin = current_user()
            audit.record(
                _store(), audit.entry(admin.username, str(admin.role), "add-user", "user",
                                      added.username, f"role {added.role}")
            )  # fmt: skip
            form = {}
    return render_template(
        "auth/users.html",
        title="Users",
        users=list_users(_store()),
        roles=[(r.value, r.label) for r in Role],
        form=form,
        errors=errors,
    ), status


def _day(name: str) -> dt.date | None:
    value = request.args.get(name, "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputDataError(
            [FieldError("audit export", None, name, "is not a date", "YYYY-MM-DD", value)]
        ) from None


@bp.get("/admin/audit.csv")
def audit_export():
    """The audit trail as CSV (``?since=YYYY-MM-DD&until=YYYY-MM-DD``), formula cells escaped."""
    entries = audit.list_entries(_store(), since=_day("since"), until=_day("until"))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "audit.csv"
        audit.export_entries(entries, path)
        data = path.read_bytes()
    import io

    return send_file(
        io.BytesIO(data), mimetype="text/csv", as_attachment=True, download_name="audit.csv"
    )
