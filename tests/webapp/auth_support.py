"""Signed-in test clients: one user per role, a session cookie and the CSRF header on every request.

``signed_in(app, role)`` returns a Flask test client already signed in (no password needed:
the user row has no password hash, so it can never sign in through the form). Every request
it sends carries the session's CSRF token in ``X-CSRF-Token``, as the pages' forms do.
"""

from __future__ import annotations

import datetime as dt
import secrets

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import Headers

from webapp.auth import CSRF_FIELD, CSRF_HEADER
from webapp.models import UserRow
from webapp.sources import open_store
from webapp.users import Role


class SignedInClient(FlaskClient):
    """A test client that sends its session's CSRF token with every request."""

    csrf_token = ""

    def open(self, *args, **kwargs):  # type: ignore[override]
        headers = Headers(kwargs.pop("headers", None) or {})
        if self.csrf_token and CSRF_HEADER not in headers:
            headers[CSRF_HEADER] = self.csrf_token
        return super().open(*args, headers=headers, **kwargs)


def ensure_user(app: Flask, role: Role | str, username: str | None = None) -> str:
    """A user with this role (named after it by default); returns the user name."""
    role = Role(role)
    username = username or role.value
    with open_store(app).session() as session:
        if session.get(UserRow, username) is None:
            session.add(
                UserRow(
                    username=username,
                    display_name=f"Test {role.label.lower()}",
                    role=str(role),
                    password_hash="",
                    active=True,
                    created_at=dt.datetime(2026, 11, 23, 9, 0),
                )
            )
    return username


def signed_in(app: Flask, role: Role | str = Role.ADMINISTRATOR) -> SignedInClient:
    """A test client signed in as the ``role`` user."""
    username = ensure_user(app, role)
    app.test_client_class = SignedInClient
    client: SignedInClient = app.test_client()  # type: ignore[assignment]
    token = secrets.token_urlsafe(16)
    with client.session_transaction() as session:
        session["username"] = username
        session[CSRF_FIELD] = token
    client.csrf_token = token
    return client
