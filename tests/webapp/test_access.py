# ruff: noqa: F811  (pytest fixtures imported from web_support are redefined as arguments)
"""Each role opens only what it should: every endpoint x every role, from the app's url_map.

A new endpoint without a rule in ``webapp.access.ACCESS`` fails
``test_every_endpoint_has_an_access_rule``, and is refused to everyone meanwhile.
"""

from __future__ import annotations

import pytest

from tests.webapp.auth_support import signed_in
from tests.webapp.web_support import app, make_app  # noqa: F401
from webapp.access import ACCESS, PUBLIC, allowed, rule_for
from webapp.users import Role, User

#: Values for URL arguments (records of the synthetic council in web_support).
NAV = 'class="govuk-service-navigation__link" href='
ARGUMENTS = {"referral_id": "R1", "household_id": "H1", "job_id": "no-such-job", "fmt": "csv"}


def _routes(application) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every route of the app."""
    found = []
    with application.test_request_context():
        from flask import url_for

        for rule in application.url_map.iter_rules():
            values = {name: ARGUMENTS.get(name, "x") for name in rule.arguments}
            if rule.endpoint == "static":
                values["filename"] = "app/app.css"
            url = url_for(rule.endpoint, **values)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                found.append((rule.endpoint, method, url))
    return found


def _all_routes() -> list[tuple[str, str, str]]:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        application = make_app(Path(folder))
        try:
            return _routes(application)
        finally:
            application.extensions["planner.jobs"].shutdown()
            if "planner.store" in application.extensions:
                application.extensions["planner.store"].close()


ROUTES = _all_routes()


@pytest.fixture(scope="module")
def shared_app(tmp_path_factory):
    """One app for the role x endpoint table (only status codes are checked)."""
    application = make_app(tmp_path_factory.mktemp("access"))
    yield application
    application.extensions["planner.jobs"].shutdown()
    if "planner.store" in application.extensions:
        application.extensions["planner.store"].close()


@pytest.mark.parametrize("endpoint", sorted({e for e, _, _ in ROUTES}))
def test_every_endpoint_has_an_access_rule(endpoint: str) -> None:
    known, _ = rule_for(endpoint)
    assert known, f"add {endpoint!r} to webapp.access.ACCESS"


def test_unknown_endpoints_are_refused_to_everyone() -> None:
    for role in Role:
        assert not allowed(User("x", "", role), "newarea.page")


def test_least_privilege_in_words() -> None:
    officer, fostering = Role.PLACEMENTS_OFFICER, Role.FOSTERING_MANAGER
    commissioner, admin = Role.COMMISSIONER, Role.ADMINISTRATOR
    assert rule_for("referrals.show")[1] == {officer, admin}
    assert rule_for("households.index")[1] == {officer, fostering, admin}
    assert rule_for("households.upload")[1] == {admin}
    assert rule_for("api.dashboard")[1] == frozenset(Role)
    assert commissioner not in rule_for("api.households")[1]
    assert commissioner not in rule_for("api.referral")[1]
    assert ACCESS["auth.sign_in"] is PUBLIC


@pytest.mark.parametrize(
    ("endpoint", "method", "url"), ROUTES, ids=[f"{m} {u}" for _, m, u in ROUTES]
)
@pytest.mark.parametrize("role", [*Role, None], ids=[*(r.value for r in Role), "anonymous"])
def test_each_role_reaches_only_its_pages(shared_app, endpoint, method, url, role) -> None:
    client = signed_in(shared_app, role) if role else shared_app.test_client()
    with client.open(url, method=method) as response:
        _check(response, url, role, *rule_for(endpoint))


def _check(response, url: str, role: Role | None, known: bool, roles) -> None:
    assert known
    if roles is PUBLIC:
        assert response.status_code not in (401, 403)
    elif role is None:
        if url.startswith("/api/"):
            assert response.status_code == 401
            assert response.json["ok"] is False
        else:
            assert response.status_code == 302
            assert "/sign-in?next=" in response.headers["Location"]
    elif role in roles:
        assert response.status_code not in (401, 403), response.data[:300]
        assert "/sign-in?next=" not in response.headers.get("Location", "")
    else:
        assert response.status_code == 403
        if url.startswith("/api/"):
            assert response.json["errors"][0]["message"].startswith("Your role (")


def test_commissioner_sees_aggregate_figures_only(app) -> None:
    client = signed_in(app, Role.COMMISSIONER)
    page = client.get("/").data.decode()
    assert f'{NAV}"/referrals/"' not in page and f'{NAV}"/households/"' not in page
    assert client.get("/api/dashboard").json["indicators"]["children_in_care"] == 5
    for url in ("/api/referrals", "/api/referrals/R1", "/api/households", "/api/households/H1",
                "/referrals/R1", "/households/H1"):  # fmt: skip
        assert client.get(url).status_code == 403, url


def test_fostering_manager_sees_households_not_referrals(app) -> None:
    client = signed_in(app, Role.FOSTERING_MANAGER)
    assert client.get("/households/H1").status_code == 200
    assert client.get("/referrals/").status_code == 403
    assert client.post("/api/referrals/R1/decision", json={}).status_code == 403
    page = client.get("/").data.decode()
    assert f'{NAV}"/households/"' in page and f'{NAV}"/referrals/"' not in page


def test_placements_officer_cannot_import_or_manage_users(app) -> None:
    client = signed_in(app, Role.PLACEMENTS_OFFICER)
    assert client.get("/referrals/R1").status_code == 200
    assert client.get("/households/import").status_code == 403
    assert client.get("/admin/users").status_code == 403
    message = client.get("/admin/users").data.decode()
    assert "Your role (placements officer) does not give access to this page." in message
