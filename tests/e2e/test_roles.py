"""Every role in Chromium: each page its navigation opens, and no link on it to a refused page.

For each role: sign in, open the dashboard and every area in the service navigation, run
axe-core on each page, save a screenshot, and follow every link in the page's main content
(through the browser's own session) to check none answers 403 "You do not have access".
"""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import E2E_PASSWORD, serious_violations, sign_in, snapshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROLES = ("placements-officer", "fostering-manager", "commissioner", "administrator")
#: Pages each role's navigation must offer (and only these areas).
AREAS = {
    "placements-officer": ["Dashboard", "Referrals", "Households"],
    "fostering-manager": ["Dashboard", "Households", "Recruitment"],
    "commissioner": ["Dashboard", "Forecast", "Scenarios", "Recruitment"],
    "administrator": ["Dashboard", "Referrals", "Households", "Forecast", "Scenarios",
                      "Recruitment"],
}  # fmt: skip


@pytest.fixture
def role_tab(chromium, live_server):
    """A factory: a tab signed in as a new user with the given role."""
    import tests.e2e.conftest as e2e
    from webapp.store import UnknownRecordError
    from webapp.users import add_user, get_user

    contexts = []

    def open_as(role: str):
        store = e2e.LIVE_APP.extensions["planner.store"]
        username = f"e2e.tour.{role}"  # not the names other browser tests add
        try:
            get_user(store, username)
        except UnknownRecordError:
            add_user(store, username, role, E2E_PASSWORD, f"E2E {role.replace('-', ' ')}")
        context = chromium.new_context(
            base_url=live_server, viewport={"width": 1280, "height": 900}
        )
        context.route(lambda url: not url.startswith(live_server), lambda route: route.abort())
        contexts.append(context)
        page = context.new_page()
        sign_in(page, username, E2E_PASSWORD)
        return page

    yield open_as
    for context in contexts:
        context.close()


def _main_links(page) -> list[str]:
    hrefs = page.locator("main a[href]").evaluate_all("links => links.map(a => a.href)")
    base = page.url.split("/", 3)[:3]
    own = "/".join(base)
    return sorted({h.split("#")[0] for h in hrefs if h.startswith(own) and "#" not in h[-1:]})


@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_its_pages_and_meets_no_refusal(role_tab, role) -> None:
    tab = role_tab(role)
    navigation = tab.locator(".govuk-service-navigation__list a")
    labels = [re.sub(r"\s+", " ", t).strip() for t in navigation.all_inner_texts()]
    assert labels == AREAS[role]
    targets = navigation.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    refused = []
    for label, target in zip(labels, targets, strict=True):
        response = tab.goto(target)
        assert response.status != 403, f"{role}: {label} is refused"
        if response.status == 200:
            assert serious_violations(tab) == [], f"{role}: {label}"
            snapshot(tab, f"role-{role}-{label.lower()}")
        for link in _main_links(tab):
            if tab.context.request.get(link).status == 403:
                refused.append(f"{label} page links to {link}")
    assert refused == []
