"""Users, roles, password hashes and API tokens in the store. No Flask: the CLI uses it too.

Passwords are hashed with scrypt (``werkzeug.security``, salted, 32768 iterations cost); API
tokens are random 32-byte strings of which only the SHA-256 is stored. Sign-in pages and the
role table live in ``webapp.auth`` and ``webapp.access``.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from sufficiency.errors import FieldError, InputDataError
from webapp.models import ApiTokenRow, UserRow
from webapp.store import DuplicateRecordError, Store, UnknownRecordError

#: Shortest password accepted (NCSC: length beats complexity rules).
MIN_PASSWORD_LENGTH = 12
TOKEN_PREFIX = "pp_"
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")
#: Compared against when the user does not exist, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not a password of anyone")


class Role(enum.StrEnum):
    """What a person does in the service; ``webapp.access.ACCESS`` says what each may open."""

    PLACEMENTS_OFFICER = "placements-officer"
    FOSTERING_MANAGER = "fostering-manager"
    COMMISSIONER = "commissioner"
    ADMINISTRATOR = "administrator"

    @property
    def label(self) -> str:
        return self.value.replace("-", " ").capitalize()


@dataclass(frozen=True, slots=True)
class User:
    """A person who can sign in (no password here)."""

    username: str
    display_name: str
    role: Role
    active: bool = True

    @property
    def name(self) -> str:
        """What pages show: the display name, else the user name."""
        return self.display_name or self.username


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def _user(row: UserRow) -> User:
    return User(row.username, row.display_name, Role(row.role), row.active)


def check_new_user(username: str, role: str, password: str) -> list[FieldError]:
    """Every problem with a new user's name, role and password."""
    errors = []
    if not USERNAME_PATTERN.match(username):
        errors.append(
            FieldError(
                "user", None, "username", "is not a valid user name", actual=username,
                expected="2-64 lower-case letters, digits, '.', '_', '@' or '-'",
            )
        )  # fmt: skip
    if role not in {r.value for r in Role}:
        errors.append(
            FieldError(
                "user", None, "role", "is not a role", actual=role,
                expected="one of: " + ", ".join(r.value for r in Role),
            )
        )  # fmt: skip
    errors += check_password(password)
    return errors


def check_password(password: str) -> list[FieldError]:
    if len(password) < MIN_PASSWORD_LENGTH:
        return [
            FieldError(
                "user", None, "password",
                f"is too short ({len(password)} characters)",
                expected=f"at least {MIN_PASSWORD_LENGTH} characters; three random words work well",
            )
        ]  # fmt: skip
    return []


def add_user(store: Store, username: str, role: str, password: str, display_name: str = "") -> User:
    """Create a user; ``InputDataError`` for a bad name/role/password, or if it exists."""
    username = username.strip().lower()
    errors = check_new_user(username, role, password)
    if errors:
        raise InputDataError(errors, f"user {username!r}: {len(errors)} problem(s)")
    with store.session() as session:
        if session.get(UserRow, username) is not None:
            raise DuplicateRecordError(f"user {username} already exists")
        session.add(
            UserRow(
                username=username,
                display_name=display_name.strip(),
                role=role,
                password_hash=generate_password_hash(password),
                active=True,
                created_at=_now(),
            )
        )
    return User(username, display_name.strip(), Role(role))


def list_users(store: Store) -> list[User]:
    with store.session() as session:
        return [_user(r) for r in session.scalars(select(UserRow).order_by(UserRow.username))]


def count_users(store: Store) -> int:
    with store.session() as session:
        return int(session.scalar(select(func.count()).select_from(UserRow)) or 0)


def get_user(store: Store, username: str) -> User:
    with store.session() as session:
        row = session.get(UserRow, username.strip().lower())
        if row is None:
            raise UnknownRecordError("user", username)
        return _user(row)


def update_user(
    store: Store,
    username: str,
    *,
    role: str | None = None,
    password: str | None = None,
    active: bool | None = None,
) -> User:
    """Change a user's role, password or whether they may sign in (revoking their tokens)."""
    errors = check_password(password) if password is not None else []
    if role is not None and role not in {r.value for r in Role}:
        errors += check_new_user("valid", role, "x" * MIN_PASSWORD_LENGTH)
    if errors:
        raise InputDataError(errors, f"user {username!r}: {len(errors)} problem(s)")
    with store.session() as session:
        row = session.get(UserRow, username.strip().lower())
        if row is None:
            raise UnknownRecordError("user", username)
        if role is not None:
            row.role = role
        if password is not None:
            row.password_hash = generate_password_hash(password)
        if active is not None:
            row.active = active
            if not active:
                for token in session.scalars(
                    select(ApiTokenRow).where(ApiTokenRow.username == row.username)
                ):
                    token.revoked_at = token.revoked_at or _now()
        return _user(row)


def authenticate(store: Store, username: str, password: str) -> User | None:
    """The active user with this name and password, else None (same cost either way)."""
    with store.session() as session:
        row = session.get(UserRow, username.strip().lower())
        stored = row.password_hash if row is not None and row.password_hash else _DUMMY_HASH
        if not check_password_hash(stored, password) or row is None or not row.active:
            return None
        row.last_sign_in_at = _now()
        return _user(row)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(store: Store, username: str, label: str = "") -> str:
    """A new API token for the user, returned once: only its SHA-256 is kept."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with store.session() as session:
        row = session.get(UserRow, username.strip().lower())
        if row is None:
            raise UnknownRecordError("user", username)
        session.add(
            ApiTokenRow(
                username=row.username,
                label=label.strip()[:100],
                token_sha256=token_digest(token),
                created_at=_now(),
            )
        )
    return token


def revoke_tokens(store: Store, username: str) -> int:
    """Revoke every token of a user; returns how many were still live."""
    with store.session() as session:
        rows = session.scalars(
            select(ApiTokenRow).where(
                ApiTokenRow.username == username.strip().lower(), ApiTokenRow.revoked_at.is_(None)
            )
        ).all()
        for row in rows:
            row.revoked_at = _now()
        return len(rows)


def user_for_token(store: Store, token: str) -> User | None:
    """The active user owning a live token, else None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    with store.session() as session:
        row = session.scalar(
            select(ApiTokenRow).where(ApiTokenRow.token_sha256 == token_digest(token))
        )
        if row is None or row.revoked_at is not None:
            return None
        user = session.get(UserRow, row.username)
        if user is None or not user.active:
            return None
        now = _now()
        if row.last_used_at is None or now - row.last_used_at > dt.timedelta(minutes=1):
            row.last_used_at = now  # at most once a minute: no write per request under load
        return _user(user)


def new_password() -> str:
    """A random password for a demo user or a reset (about 100 bits)."""
    return "-".join(secrets.token_urlsafe(6) for _ in range(3))
