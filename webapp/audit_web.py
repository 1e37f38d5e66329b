"""What the web app writes to the audit trail: one table of audited endpoints, one hook.

``after_request`` looks up the endpoint in ``AUDITED`` and appends an entry naming the
signed-in user, the record and (for decisions and imports) what was done and why. Failed
attempts are recorded too (``refused``, with the HTTP status). Views are not edited for it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import current_app, g, request
from werkzeug.exceptions import HTTPException

from webapp import audit
from webapp.users import User

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Audited:
    """How one endpoint is recorded: the action, the record type and its URL argument."""

    action: str
    record_type: str = ""
    id_arg: str = ""
    methods: frozenset[str] = frozenset({"GET"})


_POST = frozenset({"POST"})
_PUT = frozenset({"PUT"})

AUDITED: dict[str, Audited] = {
    # Viewing a child's record (a referral lists its children) and running a shortlist.
    "referrals.show": Audited("view-referral", "referral", "referral_id"),
    "api.referral": Audited("view-referral", "referral", "referral_id"),
    "api.shortlist": Audited("run-shortlist", "referral", "referral_id"),
    "referrals.index": Audited("view-referral-list", "referral"),
    "api.referrals": Audited("view-referral-list", "referral"),
    # Households show the ids of the children placed with them.
    "households.show": Audited("view-household", "household", "household_id"),
    "api.household": Audited("view-household", "household", "household_id"),
    # Changes.
    "referrals.create": Audited("create-referral", "referral", methods=_POST),
    "api.create_referral": Audited("create-referral", "referral", methods=_POST),
    "referrals.edit": Audited("update-referral", "referral", "referral_id", _POST),
    "api.update_referral": Audited("update-referral", "referral", "referral_id", _PUT),
    "referrals.decide": Audited("record-decision", "referral", "referral_id", _POST),
    "api.decision": Audited("record-decision", "referral", "referral_id", _POST),
    "referrals.allocate": Audited("run-allocation", "allocation", methods=_POST),
    "api.allocations": Audited("run-allocation", "allocation", methods=_POST),
    "households.upload": Audited("import", "file", methods=_POST),
    "api.import_households": Audited("import", "file", methods=_POST),
    "auth.audit_export": Audited("export-audit", "audit"),
}


def _values() -> dict[str, object]:
    """The posted form or JSON object; empty when the body is unreadable (e.g. too large)."""
    try:
        if request.is_json:
            body = request.get_json(silent=True)
            return body if isinstance(body, dict) else {}
        return request.form.to_dict()
    except (HTTPException, ValueError):
        return {}


def _detail(action: str) -> str:
    """What was done, without a child's details: the decision and its reason, the file."""
    values = _values()
    if action == "record-decision":
        parts = [f"household {values.get('household_id', '')}"]
        if values.get("shortlist_rank"):
            parts.append(f"rank {values['shortlist_rank']}")
        if values.get("reason"):
            parts.append(f"reason: {values['reason']}")
        return "; ".join(str(p) for p in parts)
    if action == "import":
        try:
            upload = request.files.get("file")
        except (HTTPException, ValueError):
            upload = None
        name = upload.filename if upload is not None else ""
        dry = " (check only)" if values.get("dry_run") else ""
        return f"{values.get('table', '')} from {name}{dry}"
    return ""


def _record_id(rule: Audited, response) -> str:
    if rule.id_arg and request.view_args:
        return str(request.view_args.get(rule.id_arg, ""))
    location = response.headers.get("Location", "")
    if rule.record_type == "referral" and "/referrals/" in location:
        return location.rstrip("/").rsplit("/", 1)[-1]
    if response.is_json and isinstance(response.get_json(silent=True), dict):
        referral = response.get_json(silent=True).get("referral") or {}
        if isinstance(referral, dict):
            return str(referral.get("referral_id", ""))
    return ""


def after_request(response):
    """Append the audit entry for an audited endpoint (successful or refused)."""
    rule = AUDITED.get(request.endpoint or "")
    user = g.get("planner_user")
    if rule is None or user is None or request.method not in rule.methods:
        return response
    if g.get("planner_denied"):  # already recorded as access-denied
        return response
    action = rule.action if response.status_code < 400 else f"{rule.action}-refused"
    detail = _detail(rule.action)
    if response.status_code >= 400:
        detail = f"HTTP {response.status_code}" + (f"; {detail}" if detail else "")
    _write(user, action, rule.record_type, _record_id(rule, response), detail)
    if rule.action == "view-referral" and response.status_code == 200:
        _shortlist_shown(user, str((request.view_args or {}).get("referral_id", "")))
    return response


def _shortlist_shown(user: User, referral_id: str) -> None:
    """The referral page runs the shortlist for an open referral: record that too."""
    from webapp.sources import open_store
    from webapp.store import UnknownRecordError

    try:
        referral = open_store(current_app).get_referral(referral_id)
    except UnknownRecordError:
        return
    if referral.status == "open" and request.endpoint == "referrals.show":
        _write(user, "run-shortlist", "referral", referral_id, "on the referral page")


def _write(user: User, action: str, record_type: str, record_id: str, detail: str) -> None:
    from webapp.sources import open_store

    channel = "api" if request.path.startswith("/api/") else "web"
    entry = audit.entry(
        user.username, str(user.role), action, record_type, record_id, detail, channel
    )
    try:
        audit.record(open_store(current_app), entry)
    except Exception:  # the page already happened; a lost entry is logged loudly, not hidden
        log.exception("could not write the audit entry for %s %s", action, record_id)
        raise


def audit_denied(user: User, endpoint: str) -> None:
    """Record a refused request (a role opening a page it may not)."""
    g.planner_denied = True
    _write(user, "access-denied", "page", "", f"{request.method} {endpoint}")


def audit_sign_in(username: str, action: str, user: User | None = None) -> None:
    """Sign-ins, failures and sign-outs (the attempted name, never the password)."""
    from webapp.sources import open_store

    entry = audit.entry(
        username or "(blank)", str(user.role) if user else "", action, "user", username, "",
        "web",
    )  # fmt: skip
    audit.record(open_store(current_app), entry)
