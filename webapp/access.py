"""Who may open what: ONE table from endpoint to roles, enforced in one ``before_request`` hook.

Least privilege (issue 9): placements officers work on referrals, households and decisions;
fostering managers on households and recruitment; commissioners see forecasts, scenarios and
aggregate figures only (no child-level record); administrators manage users and imports and
may open everything. An endpoint missing from the table is refused to everyone (and
``tests/webapp/test_access.py`` fails), so a new page is never open by accident.
"""

from __future__ import annotations

import logging

from flask import current_app, g, redirect, request, url_for

from webapp.users import Role, User

log = logging.getLogger(__name__)

PLACEMENTS = Role.PLACEMENTS_OFFICER
FOSTERING = Role.FOSTERING_MANAGER
COMMISSIONER = Role.COMMISSIONER
ADMIN = Role.ADMINISTRATOR

#: Anyone, signed in or not (the sign-in page, stylesheets).
PUBLIC: frozenset[Role] | None = None
EVERYONE = frozenset(Role)
CASEWORK = frozenset({PLACEMENTS, ADMIN})  # child-level referrals and decisions
HOUSEHOLDS = frozenset({PLACEMENTS, FOSTERING, ADMIN})  # carers and the children they look after
PLANNING = frozenset({COMMISSIONER, ADMIN})  # forecasts and scenarios (aggregate figures)
RECRUITMENT = frozenset({FOSTERING, COMMISSIONER, ADMIN})  # aggregate gaps and recruitment
ADMIN_ONLY = frozenset({ADMIN})

#: Endpoint (or ``blueprint.*`` for a whole blueprint) -> roles allowed. The exact endpoint
#: wins over its blueprint's wildcard. ``None`` means public.
ACCESS: dict[str, frozenset[Role] | None] = {
    "static": PUBLIC,
    "auth.sign_in": PUBLIC,
    "auth.sign_out": EVERYONE,
    "auth.account": EVERYONE,
    "auth.new_token": EVERYONE,
    "auth.users": ADMIN_ONLY,
    "auth.audit_export": ADMIN_ONLY,
    # Aggregate figures: the corporate parenting panel's indicators and how they are worked out.
    "dashboard.*": EVERYONE,
    "api.dashboard": EVERYONE,
    # How to use the API (no data).
    "api.docs": EVERYONE,
    "api.openapi": EVERYONE,
    # Referrals, shortlists, decisions and joint allocation: child-level casework.
    "referrals.*": CASEWORK,
    "api.referrals": CASEWORK,
    "api.create_referral": CASEWORK,
    "api.referral": CASEWORK,
    "api.update_referral": CASEWORK,
    "api.shortlist": CASEWORK,
    "api.decision": CASEWORK,
    "api.allocations": CASEWORK,
    "api.allocation": CASEWORK,
    # Households list the ids of the children placed with them.
    "households.*": HOUSEHOLDS,
    "api.households": HOUSEHOLDS,
    "api.household": HOUSEHOLDS,
    # Imports change the store wholesale: administrators only.
    "households.upload": ADMIN_ONLY,
    "api.import_households": ADMIN_ONLY,
    # A job's progress (no records); its result page has its own rule.
    "jobs.*": EVERYONE,
    # Areas other teams are building: forecasts and scenarios are aggregate planning,
    # recruitment works from aggregate gaps.
    "forecast.*": PLANNING,
    "forecasts.*": PLANNING,
    "scenarios.*": PLANNING,
    "recruitment.*": RECRUITMENT,
    # The planning API (webapp.api_planning): the same rules as the pages it serves.
    "api_planning.start_forecast": PLANNING,
    "api_planning.forecast": PLANNING,
    "api_planning.start_backtest": PLANNING,
    "api_planning.backtest": PLANNING,
    "api_planning.scenarios": PLANNING,
    "api_planning.start_comparison": PLANNING,
    "api_planning.comparison": PLANNING,
    "api_planning.recruitment_gaps": RECRUITMENT,
    "api_planning.start_recruitment": RECRUITMENT,
    "api_planning.recruitment_plan": RECRUITMENT,
}


def rule_for(endpoint: str) -> tuple[bool, frozenset[Role] | None]:
    """``(known, roles)`` for an endpoint: exact entry, else its blueprint's wildcard."""
    if endpoint in ACCESS:
        return True, ACCESS[endpoint]
    blueprint = endpoint.rsplit(".", 1)[0] + ".*" if "." in endpoint else None
    if blueprint in ACCESS:
        return True, ACCESS[blueprint]
    return False, frozenset()


def allowed(user: User | None, endpoint: str) -> bool:
    """True when ``user`` (None: not signed in) may open ``endpoint``."""
    known, roles = rule_for(endpoint)
    if known and roles is PUBLIC:
        return True
    return user is not None and user.active and user.role in (roles or ())


def enforce():
    """The one ``before_request`` hook: sign-in, role, then CSRF for form posts."""
    from webapp import auth

    endpoint = request.endpoint
    if endpoint is None:  # no such page: Flask answers 404
        return None
    known, roles = rule_for(endpoint)
    if not known:
        log.error(
            "no access rule for endpoint %s: refused (add it to webapp.access.ACCESS)", endpoint
        )
    if known and roles is PUBLIC:
        return auth.check_csrf()
    user = auth.current_user()
    if user is None:
        return _not_signed_in()
    if user.role not in (roles or ()):
        return _forbidden(user, endpoint)
    return auth.check_csrf()


def _not_signed_in():
    from webapp import error_response, wants_json

    if wants_json():
        response = error_response(
            ["Sign in first: send 'Authorization: Bearer <token>' (placement-planner users token)"],
            401,
        )
        response.headers["WWW-Authenticate"] = 'Bearer realm="placement-planner"'
        return response
    target = request.full_path if request.query_string else request.path
    return redirect(url_for("auth.sign_in", next=target))


def _forbidden(user: User, endpoint: str):
    from flask import render_template

    from webapp import error_response, wants_json
    from webapp.audit_web import audit_denied

    audit_denied(user, endpoint)
    message = f"Your role ({user.role.label.lower()}) does not give access to this page."
    if wants_json():
        return error_response([message], 403)
    return render_template(
        "error.html", title="You do not have access", message=message, errors=[], status=403
    ), 403


def navigation_for(user: User | None) -> list[tuple[str, str]]:
    """The navigation links this user may follow."""
    return [
        (label, endpoint)
        for label, endpoint in current_app.config.get("NAVIGATION", [])
        if allowed(user, endpoint)
    ]


def signed_in_user() -> User | None:
    """This request's user (set by ``webapp.auth.current_user``)."""
    return g.get("planner_user")
