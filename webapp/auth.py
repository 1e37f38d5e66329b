"""Sign-in: the ``auth`` blueprint, who the request is, CSRF tokens, and login rate limiting.

Pages use a signed session cookie (HttpOnly, SameSite=Lax, Secure unless turned off for plain
HTTP on this machine); ``/api/*`` also takes ``Authorization: Bearer <token>`` (per-user
tokens, ``webapp.users``). Every POST from a session must carry the session's CSRF token (a
hidden ``csrf_token`` field, or an ``X-CSRF-Token`` header). A trusted single sign-on proxy
may name the user in a header (``AUTH_REMOTE_USER_HEADER``; see docs/security.md).
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import secrets
import threading
import time
from collections import defaultdict, deque

from flask import (
    Blueprint,
    Flask,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from markupsafe import Markup

from webapp import access, audit_web
from webapp.audit import install_log_redaction
from webapp.users import User, authenticate, get_user, user_for_token

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
_NOBODY = object()

#: Settings this module reads, with their defaults (also listed in ``webapp.settings``).
AUTH_DEFAULTS: dict[str, object] = {
    "SESSION_COOKIE_SECURE": True,
    "SESSION_LIFETIME_MINUTES": 480,
    "LOGIN_ATTEMPTS_LIMIT": 5,
    "LOGIN_ATTEMPTS_WINDOW_S": 900,
    "AUTH_REMOTE_USER_HEADER": "",
}


class LoginThrottle:
    """Failed sign-ins per key (user name, and address) in a sliding window, in this process."""

    def __init__(self, limit: int, window_s: float):
        self.limit, self.window_s = limit, window_s
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures[key]
        while times and now - times[0] > self.window_s:
            times.popleft()
        return times

    def retry_after_s(self, *keys: str) -> int:
        """Seconds until a blocked key may try again (0 when none is blocked)."""
        now = time.monotonic()
        with self._lock:
            waits = [
                self.window_s - (now - times[0])
                for times in (self._recent(k, now) for k in keys)
                if len(times) >= self.limit
            ]
        return int(max(waits)) + 1 if waits else 0

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)


@bp.record_once
def _init_app(state) -> None:
    """Security settings, the one access hook, the audit hook and log redaction."""
    app: Flask = state.app
    for name, default in AUTH_DEFAULTS.items():
        app.config.setdefault(name, default)
    if app.config.get("SECRET_KEY") in (None, "", "dev") and not app.config.get("TESTING"):
        log.warning(
            "SECRET_KEY is not set: using a random key; sign-ins end when the service stops"
        )
        app.config["SECRET_KEY"] = secrets.token_hex(32)
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="planner_session",
        PERMANENT_SESSION_LIFETIME=dt.timedelta(
            minutes=int(app.config["SESSION_LIFETIME_MINUTES"])
        ),
    )
    app.extensions["planner.login_throttle"] = LoginThrottle(
        int(app.config["LOGIN_ATTEMPTS_LIMIT"]), float(app.config["LOGIN_ATTEMPTS_WINDOW_S"])
    )
    app.before_request(access.enforce)
    app.after_request(audit_web.after_request)
    app.after_request(_security_headers)
    app.context_processor(_template_helpers)
    install_log_redaction("werkzeug", "webapp", "matching", "sufficiency", app.name)


def _store():
    from webapp.sources import open_store

    return open_store(current_app)


def current_user() -> User | None:
    """Who is making this request: API token, trusted SSO header, or session; else None."""
    cached = g.get("planner_user", _NOBODY)
    if cached is not _NOBODY:
        return cached  # type: ignore[return-value]
    user, method = None, ""
    header = request.headers.get("Authorization", "")
    remote_header = str(current_app.config.get("AUTH_REMOTE_USER_HEADER") or "")
    if header.lower().startswith("bearer "):
        if request.path.startswith("/api/"):
            user, method = user_for_token(_store(), header[7:].strip()), "token"
    elif remote_header and request.headers.get(remote_header):
        user, method = _known_user(request.headers[remote_header]), "sso"
    elif session.get("username"):
        user, method = _known_user(str(session["username"])), "session"
        if user is None:
            session.clear()
    g.planner_user, g.planner_auth = user, method if user else ""
    return user


def _known_user(username: str) -> User | None:
    from webapp.store import UnknownRecordError

    try:
        user = get_user(_store(), username)
    except UnknownRecordError:
        return None
    return user if user.active else None


# -- CSRF --------------------------------------------------------------------------------


def csrf_token() -> str:
    """This session's CSRF token (created on first use)."""
    if CSRF_FIELD not in session:
        session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return str(session[CSRF_FIELD])


def csrf_field() -> Markup:
    """The hidden form field every POST form includes: ``{{ csrf_field() }}``."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, csrf_token())


def check_csrf():
    """None when the request is safe or carries this session's token; else a 400 response."""
    if request.method in SAFE_METHODS or g.get("planner_auth") == "token":
        return None
    expected = session.get(CSRF_FIELD)
    sent = request.headers.get(CSRF_HEADER) or request.form.get(CSRF_FIELD) or ""
    if expected and hmac.compare_digest(str(expected), sent):
        return None
    from webapp import error_response, wants_json

    message = (
        "This form has expired or did not come from this service. "
        "Go back, reload the page and try again."
    )
    if wants_json():
        return error_response([message + f" (send the {CSRF_HEADER} header)"], 400)
    return render_template(
        "error.html", title="The form could not be sent", message=message, errors=[], status=400
    ), 400


# -- sign in and out ---------------------------------------------------------------------


def _safe_next(target: str | None) -> str:
    """Only a path on this site (not ``//evil.example`` or ``https://...``)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return url_for("dashboard.index")


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    """Sign in with user name and password; too many failures wait (HTTP 429)."""
    if request.method == "GET":
        return render_template("auth/sign_in.html", title="Sign in", form={})
    username = request.form.get("username", "").strip().lower()[:64]
    password = request.form.get("password", "")
    throttle: LoginThrottle = current_app.extensions["planner.login_throttle"]
    keys = (f"user:{username}", f"addr:{request.remote_addr}")
    wait = throttle.retry_after_s(*keys)
    if wait:
        audit_web.audit_sign_in(username, "sign-in-blocked")
        message = f"Too many failed sign-in attempts. Try again in {(wait + 59) // 60} minutes."
        page = render_template("auth/sign_in.html", title="Sign in", form={}, errors=[message])
        return page, 429, {"Retry-After": str(wait)}
    user = authenticate(_store(), username, password) if username and password else None
    if user is None:
        throttle.failed(*keys)
        audit_web.audit_sign_in(username, "sign-in-failed")
        errors = ["The user name or password is not right"]
        form = {"username": username}
        return render_template("auth/sign_in.html", title="Sign in", form=form, errors=errors), 400
    throttle.succeeded(keys[0])
    session.clear()  # a fresh session (and CSRF token) on every sign-in
    session.permanent = True
    session["username"] = user.username
    g.planner_user, g.planner_auth = user, "session"
    audit_web.audit_sign_in(user.username, "sign-in", user)
    return redirect(_safe_next(request.args.get("next")))


@bp.route("/sign-out", methods=["GET", "POST"])
def sign_out():
    """GET asks to confirm; POST (with the CSRF token) ends the session."""
    if request.method == "GET":
        return render_template("auth/sign_out.html", title="Sign out")
    user = current_user()
    if user is not None:
        audit_web.audit_sign_in(user.username, "sign-out", user)
    session.clear()
    return redirect(url_for("auth.sign_in"))


def _security_headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if g.get("planner_user") is not None:
        response.headers["Cache-Control"] = "no-store"  # no child's record left in a cache
    return response


def _template_helpers() -> dict[str, object]:
    return {
        "csrf_field": csrf_field,
        "csrf_token": csrf_token,
        "current_user": g.get("planner_user"),
        "can_access": lambda endpoint: access.allowed(g.get("planner_user"), endpoint),
    }


from webapp import admin  # noqa: E402,F401  (adds the account, users and audit pages to bp)
