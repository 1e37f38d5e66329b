# ruff: noqa: F811  (pytest fixtures imported from web_support are redefined as arguments)
"""The app factory: settings, error pages and the one JSON error shape."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.webapp.web_support import app, client  # noqa: F401
from webapp import create_app
from webapp.settings import SETTINGS, check

DOCS = Path(__file__).resolve().parents[2] / "docs" / "web.md"


def test_defaults_and_test_config(tmp_path) -> None:
    application = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3"})
    assert application.config["DISTANCE_THRESHOLD_MILES"] == 20.0
    assert application.config["JOB_WORKERS"] == 2
    assert application.testing
    application.extensions["planner.jobs"].shutdown()


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"JOB_WORKERS": "two"}, "setting \"JOB_WORKERS\": 'two' is not a int (default 2)"),
        (
            {"AS_OF": "23/11/2026"},
            "setting \"AS_OF\": '23/11/2026' is not a date (expected YYYY-MM-DD)",
        ),
        (
            {"MAP_DISTRICT_OUTLINES": "no"},
            "setting \"MAP_DISTRICT_OUTLINES\": 'no' is not a bool (default True)",
        ),
    ],
)
def test_bad_settings_are_refused_with_their_name(config, message) -> None:
    with pytest.raises(ValueError) as caught:
        create_app({"TESTING": True, **config})
    assert str(caught.value) == message


def test_integer_is_accepted_for_a_float_setting() -> None:
    assert check({"DISTANCE_THRESHOLD_MILES": 15}) == []


def test_every_setting_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    missing = [s.name for s in SETTINGS if not re.search(rf"`{s.name}`", text)]
    assert missing == []


def test_page_not_found_is_a_govuk_page(client) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert b'<h1 class="govuk-heading-l">Page not found</h1>' in response.data
    assert b"If you typed the address, check it is correct." in response.data


def test_a_refused_page_says_who_can_help(client_as) -> None:
    response = client_as("commissioner").get("/referrals/")
    assert response.status_code == 403
    assert b"ask an administrator to change your role" in response.data


def test_api_not_found_uses_the_error_shape(client) -> None:
    response = client.get("/api/no-such-thing")
    assert response.status_code == 404
    assert response.json["ok"] is False
    assert response.json["status"] == 404
    assert response.json["errors"][0]["field"] is None


def test_unknown_record_is_404_not_500(client) -> None:
    assert client.get("/households/NOPE").status_code == 404
    response = client.get("/api/referrals/NOPE")
    assert response.status_code == 404
    assert response.json["errors"][0]["problem"] == "There is no referral with id 'NOPE'."


def test_unexpected_error_is_a_plain_500_page(app, client, monkeypatch) -> None:
    from webapp.access import ACCESS, EVERYONE

    monkeypatch.setitem(ACCESS, "boom", EVERYONE)  # a new page needs an access rule

    @app.get("/boom")
    def boom():
        raise RuntimeError("engine bug")

    response = client.get("/boom")
    assert response.status_code == 500
    assert b"Sorry, there is a problem with the service" in response.data
    assert b"engine bug" not in response.data


def test_layout_has_phase_banner_skip_link_and_local_assets(client) -> None:
    page = client.get("/").data.decode()
    assert "Demo – synthetic data" in page
    assert 'class="govuk-skip-link"' in page
    assert "/static/govuk/govuk-frontend.min.css" in page
    assert re.findall(r'(?:src|href)="(?:https?:)?//', page) == []  # no CDN, works offline
    with client.get("/static/govuk/govuk-frontend.min.css") as css:
        assert css.status_code == 200


def test_council_name_from_the_store_is_in_the_header(client) -> None:
    assert "Example Council" in client.get("/").data.decode()


@pytest.mark.parametrize(("role", "users_link"), [("administrator", True),
                                                  ("placements-officer", False)])  # fmt: skip
def test_account_links_sit_in_the_header_not_the_service_navigation(client_as, role, users_link):
    page = client_as(role).get("/").data.decode()
    account = page.split('<nav aria-label="Your account"', 1)[1].split("</nav>", 1)[0]
    service = page.split('<nav aria-label="Menu"', 1)[1].split("</nav>", 1)[0]
    assert ">Sign out</a>" in account and "Sign out" not in service
    assert ('href="/admin/users"' in account) is users_link
    assert 'href="/account"' in account
