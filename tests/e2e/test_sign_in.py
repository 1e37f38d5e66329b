"""End to end: the sign-in page, a wrong password, and a role's navigation, in Chromium."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import E2E_PASSWORD, serious_violations, sign_in, snapshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def fresh_tab(chromium, live_server):
    """A tab that has not signed in."""
    context = chromium.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    context.route(lambda url: not url.startswith(live_server), lambda route: route.abort())
    page = context.new_page()
    yield page
    context.close()


def test_sign_in_page_wrong_password_then_commissioner_navigation(fresh_tab, live_server) -> None:
    from webapp.users import add_user

    fresh_tab.goto("/referrals/")
    assert fresh_tab.url.endswith("/sign-in?next=/referrals/")
    assert fresh_tab.title() == "Sign in – Placement planner"
    fresh_tab.get_by_label("User name").fill("e2e.admin")
    fresh_tab.get_by_label("Password").fill("not the password")
    fresh_tab.get_by_role("button", name="Sign in").click()
    summary = fresh_tab.locator(".govuk-error-summary").inner_text()
    assert "The user name or password is not right" in summary
    snapshot(fresh_tab, "14-sign-in-error")
    assert serious_violations(fresh_tab) == []
    import tests.e2e.conftest as e2e

    store = e2e.LIVE_APP.extensions["planner.store"]
    add_user(store, "e2e.commissioner", "commissioner", E2E_PASSWORD)
    sign_in(fresh_tab, "e2e.commissioner", E2E_PASSWORD)
    navigation = fresh_tab.locator(".govuk-service-navigation__list").inner_text()
    assert "Dashboard" in navigation and "Referrals" not in navigation
    fresh_tab.goto("/referrals/R1")
    assert fresh_tab.locator("h1").inner_text() == "You do not have access"
