"""End to end in headless Chromium: each team's main job, screenshots and accessibility."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import serious_violations, snapshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _check(page, name: str) -> None:
    snapshot(page, name)
    assert serious_violations(page) == []


def test_dashboard(tab) -> None:
    tab.goto("/")
    assert tab.title() == "Dashboard – Placement planner"
    assert tab.locator("#children-in-care").inner_text() == "5"
    assert tab.locator("#vacancies").inner_text() == "4"
    assert tab.locator(".govuk-phase-banner").inner_text().startswith("Demo")
    _check(tab, "01-dashboard")


def test_create_referral_shortlist_and_decision(tab) -> None:
    tab.goto("/referrals/")
    _check(tab, "02-referrals")
    tab.get_by_role("button", name="New referral").click()
    tab.get_by_label("Short-term").check()
    tab.get_by_role("button", name="Save and see the shortlist").click()
    # Nothing else filled in: the error summary lists every problem and links to the field.
    summary = tab.locator(".govuk-error-summary")
    assert "Enter the child's home postcode" in summary.inner_text()
    assert tab.title().startswith("Error: ")
    _check(tab, "03-referral-errors")
    tab.get_by_role("link", name="Enter the child's home postcode").click()
    assert tab.evaluate("document.activeElement.id") == "f-home_postcode"
    tab.get_by_label("Child's home postcode").fill("LS7 3AA")
    tab.get_by_label("Child ID").fill("C77")
    tab.locator("#f-children-0-date_of_birth").fill("4")
    tab.locator("#f-children-0-date_of_birth-month").fill("5")
    tab.locator("#f-children-0-date_of_birth-year").fill("2014")
    tab.get_by_label("Male", exact=True).check()
    _check(tab, "04-referral-form")
    tab.get_by_role("button", name="Save and see the shortlist").click()
    tab.wait_for_url("**/referrals/R-2026-001")
    assert "Referral R-2026-001 created." in tab.locator(".govuk-notification-banner").inner_text()
    ranked = tab.locator("#shortlist-1 tbody tr")
    expect(ranked).to_have_count(3)
    assert ranked.nth(0).locator("td").nth(0).inner_text() == "1"
    assert "miles from home" in ranked.nth(0).inner_text()
    tab.get_by_text("Not suitable (1 households) and why").click()
    _check(tab, "05-shortlist")
    # Rank 2 needs a reason: first without one, then with.
    tab.get_by_label("Rank 2:").check()
    assert tab.get_by_label("Your name").count() == 0  # the signed-in user decides
    tab.get_by_role("button", name="Record decision").click()
    assert "a reason is required" in tab.locator(".govuk-error-summary").inner_text()
    tab.get_by_label("Reason").fill("Rank 1 carer asked for a short break")
    tab.get_by_role("button", name="Record decision").click()
    assert "Decision recorded" in tab.locator(".govuk-notification-banner").inner_text()
    assert "by Test administrator on" in tab.locator("main").inner_text()
    _check(tab, "06-decision")


def test_households_list_filter_map_and_detail(tab) -> None:
    tab.goto("/households/")
    tab.get_by_label("Provider").select_option("agency")
    tab.get_by_role("button", name="Apply filters").click()
    tab.wait_for_url("**provider=agency**")
    expect(tab.locator("tbody tr")).to_have_count(1)
    _check(tab, "07-households")
    tab.get_by_role("link", name="Show on a map").click()
    expect(tab.locator("figure svg[role=img]")).to_have_count(1)
    tab.goto("/households/?view=map")
    _check(tab, "08-households-map")
    tab.get_by_role("link", name="H1 – Household One").click()
    assert tab.locator("h1").inner_text() == "H1 – Household One"
    _check(tab, "09-household")


@pytest.mark.flaky(reruns=2)  # intermittent job time-out under investigation: docs/status.md
def test_joint_allocation_shows_progress_then_result(tab) -> None:
    tab.goto("/referrals/allocate")
    _check(tab, "10-allocate")
    tab.get_by_role("button", name="Run the joint allocation").click()
    tab.wait_for_url("**/referrals/allocate/*", timeout=60_000)
    assert "Joint allocation against first come, first served" in tab.locator("main").inner_text()
    _check(tab, "11-allocation-result")


def test_api_docs_and_import_pages(tab) -> None:
    tab.goto("/api/")
    _check(tab, "12-api-docs")
    tab.goto("/households/import")
    tab.get_by_role("button", name="Import file").click()
    tab.wait_for_load_state()
    assert "Select what the file contains" in tab.locator(".govuk-error-summary").inner_text()
    _check(tab, "13-import-errors")


def test_keyboard_skip_link(tab) -> None:
    tab.goto("/")
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    tab.keyboard.press("Enter")
    assert tab.url.endswith("#main-content")
