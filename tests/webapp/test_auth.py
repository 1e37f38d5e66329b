# ruff: noqa: F811  (pytest fixtures imported from web_support are redefined as arguments)
"""Sign-in, sessions, CSRF, rate limiting, API tokens, passwords and the users commands."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from tests.webapp.auth_support import signed_in
from tests.webapp.web_support import app, client, make_app  # noqa: F401
from webapp.sources import open_store
from webapp.users import (
    Role,
    add_user,
    authenticate,
    create_token,
    list_users,
    update_user,
    user_for_token,
)

PASSWORD = "correct horse battery staple"
CSRF_MESSAGE = (
    "This form has expired or did not come from this service. "
    "Go back, reload the page and try again."
)


@pytest.fixture
def officer(app):
    return add_user(open_store(app), "j.smith", "placements-officer", PASSWORD, "J Smith")


def _csrf(page: bytes) -> str:
    return re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()


def _sign_in(client, username: str, password: str, next_url: str = ""):
    token = _csrf(client.get("/sign-in").data)
    url = f"/sign-in?next={next_url}" if next_url else "/sign-in"
    return client.post(url, data={"username": username, "password": password, "csrf_token": token})


def test_sign_in_and_out(app, officer) -> None:
    browser = app.test_client()
    assert browser.get("/referrals/").headers["Location"] == "/sign-in?next=/referrals/"
    response = _sign_in(browser, "J.Smith ", PASSWORD, "/referrals/R1")  # any case, spaces
    assert (response.status_code, response.headers["Location"]) == (302, "/referrals/R1")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "planner_session=" in cookie
    page = browser.get("/referrals/R1")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert b"J Smith" in page.data  # the navigation names who is signed in
    out = browser.post("/sign-out", data={"csrf_token": _csrf(browser.get("/sign-out").data)})
    assert out.headers["Location"] == "/sign-in"
    assert browser.get("/referrals/").status_code == 302


def test_secure_cookie_outside_tests(tmp_path) -> None:
    application = make_app(tmp_path, SECRET_KEY="a long random value for this test only")
    add_user(open_store(application), "j.smith", "placements-officer", PASSWORD)
    response = _sign_in(application.test_client(), "j.smith", PASSWORD)
    assert "Secure" in response.headers["Set-Cookie"]
    application.extensions["planner.jobs"].shutdown()


@pytest.mark.parametrize(
    ("username", "password"),
    [("j.smith", "wrong password here"), ("nobody", PASSWORD), ("", ""), ("j.smith", "")],
)
def test_wrong_sign_in_is_one_message(app, officer, username, password) -> None:
    response = _sign_in(app.test_client(), username, password)
    assert response.status_code == 400
    assert b"The user name or password is not right" in response.data


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil"])
def test_sign_in_never_redirects_off_site(app, officer, target) -> None:
    response = _sign_in(app.test_client(), "j.smith", PASSWORD, target)
    assert response.headers["Location"] == "/"


def test_sign_in_is_rate_limited(app, officer) -> None:
    browser = app.test_client()
    for _ in range(5):
        assert _sign_in(browser, "j.smith", "wrong password here").status_code == 400
    blocked = _sign_in(browser, "j.smith", PASSWORD)  # even the right password must wait
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 800
    assert b"Too many failed sign-in attempts. Try again in 15 minutes." in blocked.data


def test_disabled_user_cannot_sign_in_and_loses_session(app, officer) -> None:
    browser = app.test_client()
    _sign_in(browser, "j.smith", PASSWORD)
    update_user(open_store(app), "j.smith", active=False)
    assert browser.get("/referrals/").status_code == 302
    assert _sign_in(browser, "j.smith", PASSWORD).status_code == 400


@pytest.mark.parametrize(
    ("url", "data"),
    [("/referrals/R1/decision", {"household_id": "H1"}), ("/referrals/allocate", {})],
)
def test_form_post_without_csrf_token_is_refused(app, url, data) -> None:
    client = signed_in(app)
    client.csrf_token = ""  # behave like a form posted from another site
    response = client.post(url, data=data)
    assert response.status_code == 400
    assert CSRF_MESSAGE.encode() in response.data
    assert open_store(app).list_decisions() == []


def test_json_post_without_csrf_header_is_refused(app) -> None:
    client = signed_in(app)
    response = client.post("/api/referrals/R1/decision", json={}, headers={"X-CSRF-Token": "x"})
    assert response.status_code == 400
    assert response.json["errors"][0]["message"].startswith("This form has expired")


def test_api_token(app, officer) -> None:
    token = create_token(open_store(app), "j.smith", "nightly report")
    api = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert api.get("/api/referrals/R1", headers=headers).status_code == 200
    # A token needs no CSRF header: it is not a cookie a browser sends by itself.
    posted = api.post("/api/referrals/R1/decision", json={"household_id": "H9"}, headers=headers)
    assert posted.status_code in (400, 404)
    assert api.get("/api/households", headers=headers).status_code == 200
    bad = api.get("/api/referrals/R1", headers={"Authorization": "Bearer pp_not-a-token"})
    assert bad.status_code == 401 and bad.headers["WWW-Authenticate"].startswith("Bearer")
    assert api.get("/referrals/R1", headers=headers).status_code == 302  # pages: no tokens
    update_user(open_store(app), "j.smith", active=False)  # disabling revokes every token
    assert api.get("/api/referrals/R1", headers=headers).status_code == 401
    assert user_for_token(open_store(app), token) is None


def test_token_has_its_users_role(app) -> None:
    add_user(open_store(app), "c.jones", "commissioner", PASSWORD)
    headers = {"Authorization": f"Bearer {create_token(open_store(app), 'c.jones')}"}
    api = app.test_client()
    assert api.get("/api/dashboard", headers=headers).status_code == 200
    assert api.get("/api/referrals", headers=headers).status_code == 403


def test_account_page_creates_a_token_shown_once(app, officer) -> None:
    client = signed_in(app, Role.PLACEMENTS_OFFICER)
    page = client.post("/account/token", data={"label": "report"}).data.decode()
    token = re.search(r'<code id="api-token">(pp_[^<]+)</code>', page).group(1)
    assert user_for_token(open_store(app), token).username == "placements-officer"
    assert token not in client.get("/account").data.decode()


def test_passwords_are_scrypt_hashes_and_checked(app) -> None:
    store = open_store(app)
    add_user(store, "a.khan", "administrator", PASSWORD)
    from webapp.models import UserRow

    with store.session() as session:
        assert session.get(UserRow, "a.khan").password_hash.startswith("scrypt:")
    assert authenticate(store, "a.khan", PASSWORD).role == Role.ADMINISTRATOR
    assert authenticate(store, "a.khan", PASSWORD + "x") is None


@pytest.mark.parametrize(
    ("username", "role", "password", "message"),
    [
        ("J Smith", "administrator", PASSWORD, 'field "username": is not a valid user name'),
        ("j.smith", "boss", PASSWORD, 'field "role": is not a role'),
        ("j.smith", "administrator", "short", 'field "password": is too short (5 characters)'),
    ],
)
def test_bad_new_users_are_refused(app, username, role, password, message) -> None:
    from sufficiency.errors import InputDataError

    with pytest.raises(InputDataError) as raised:
        add_user(open_store(app), username, role, password)
    assert message in str(raised.value)
    assert list_users(open_store(app)) == []


def test_users_page_adds_a_user(app) -> None:
    client = signed_in(app)
    form = {"username": "b.lee", "role": "fostering-manager", "password": PASSWORD}
    assert client.post("/admin/users", data=form).status_code == 200
    assert [u.username for u in list_users(open_store(app))] == ["administrator", "b.lee"]
    again = client.post("/admin/users", data=form)
    assert again.status_code == 400 and b"user b.lee already exists" in again.data


def test_single_sign_on_header(tmp_path) -> None:
    application = make_app(tmp_path, AUTH_REMOTE_USER_HEADER="X-Forwarded-Email")
    add_user(open_store(application), "j.smith@council.example", "fostering-manager", PASSWORD)
    browser = application.test_client()
    header = {"X-Forwarded-Email": "J.Smith@council.example"}
    assert browser.get("/households/", headers=header).status_code == 200
    assert browser.get("/referrals/", headers=header).status_code == 403
    unknown = browser.get("/households/", headers={"X-Forwarded-Email": "x@evil.example"})
    assert unknown.status_code == 302
    application.extensions["planner.jobs"].shutdown()


def test_secret_key_is_never_the_default_outside_tests(tmp_path) -> None:
    from webapp import create_app

    application = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"})
    assert application.config["SECRET_KEY"] != "dev" and len(application.config["SECRET_KEY"]) == 64
    application.extensions["planner.jobs"].shutdown()


def test_users_commands(tmp_path) -> None:
    from webapp.cli import main

    database = str(tmp_path / "cli.sqlite3")
    run = CliRunner().invoke
    added = run(main, ["users", "add", "a.khan", "--role", "administrator", "--name", "A Khan",
                       "--generate", "--database", database])  # fmt: skip
    assert added.exit_code == 0, added.output
    assert added.stdout.startswith("Added a.khan (administrator).\nPassword (shown once): ")
    listed = run(main, ["users", "list", "--json", "--database", database])
    assert '"role": "administrator"' in listed.stdout
    token = run(main, ["users", "token", "a.khan", "--database", database]).stdout.strip()
    from webapp.store import Store

    assert user_for_token(Store(database), token).username == "a.khan"
    bad = run(main, ["users", "add", "b", "--role", "commissioner", "--password-stdin",
                     "--database", database], input="short\n")  # fmt: skip
    assert bad.exit_code == 2
    assert 'field "username": is not a valid user name' in bad.stderr
    assert 'field "password": is too short (5 characters)' in bad.stderr
    changed = run(main, ["users", "set", "a.khan", "--disable", "--database", database])
    assert changed.stdout == "Updated a.khan: disabled (tokens revoked).\n"
    assert user_for_token(Store(database), token) is None


def test_serve_demo_creates_one_user_per_role_and_prints_passwords(tmp_path, monkeypatch):
    from webapp.cli import main
    from webapp.store import Store

    monkeypatch.setattr("webapp.serving.serve", lambda app, host, port, **kw: None)
    monkeypatch.setattr("webapp.commands._load_demo", lambda store, seed: None)  # speed
    database = str(tmp_path / "demo.sqlite3")
    result = CliRunner().invoke(main, ["serve", "--demo", "--database", database])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Demo users (synthetic data only; passwords shown once, never reuse them):"
    users = {line.split()[0]: line.split() for line in lines[1:]}
    assert {name: parts[1] for name, parts in users.items()} == {
        "officer": "placements-officer", "fostering": "fostering-manager",
        "commissioner": "commissioner", "admin": "administrator",
    }  # fmt: skip
    assert authenticate(Store(database), "admin", users["admin"][2]).role == Role.ADMINISTRATOR
    again = CliRunner().invoke(main, ["serve", "--demo", "--database", database])
    assert "Demo users" not in again.stdout  # created once, never printed again
