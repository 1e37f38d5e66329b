"""End to end in headless Chromium on the demo council, signed in as a commissioner: run a
forecast and read its fan chart, run a scenario comparison, read the gaps and the map, run a
recruitment recommendation; screenshots and an axe-core check of every page."""

from __future__ import annotations

import re
import threading

import pytest
from werkzeug.serving import make_server

from tests.e2e.conftest import serious_violations, sign_in, snapshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]
USER, PASSWORD = "e2e-commissioner", "a long test passphrase for planning"


@pytest.fixture(scope="module")
def planning_server(tmp_path_factory):
    """The demo council (SSDA903 history included) served on a free loopback port."""
    from webapp import create_app
    from webapp.sources import open_store
    from webapp.users import add_user

    url = f"sqlite:///{tmp_path_factory.mktemp('planning-e2e') / 'demo.sqlite3'}"
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "DEMO": True,
            "JOB_WORKERS": 1,
            "JOB_POLL_SECONDS": 1,
            "SESSION_COOKIE_SECURE": False,  # plain HTTP on loopback
        }
    )
    add_user(open_store(app), USER, "commissioner", PASSWORD, "Test commissioner")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)
    app.extensions["planner.jobs"].shutdown()
    app.extensions["planner.store"].close()


@pytest.fixture
def planner_tab(chromium, planning_server):
    context = chromium.new_context(
        base_url=planning_server, viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    context.route(lambda url: not url.startswith(planning_server), lambda route: route.abort())
    page = context.new_page()
    sign_in(page, USER, PASSWORD)
    yield page
    context.close()


def _check(page, name: str) -> None:
    snapshot(page, name)
    assert serious_violations(page) == []


def _wait_for_result(page, pattern: str) -> None:
    """The progress page moves itself to the result when the job is done."""
    page.wait_for_url(re.compile(pattern), timeout=120_000)


@pytest.mark.flaky(reruns=2)  # intermittent job time-out under investigation: docs/status.md
def test_forecast_and_its_fan_chart(planner_tab) -> None:
    tab = planner_tab
    nav = tab.locator(".govuk-service-navigation__list").inner_text()
    assert "Forecast" in nav and "Scenarios" in nav and "Referrals" not in nav
    tab.get_by_role("link", name="Forecast").click()
    _check(tab, "20-forecast-form")
    tab.get_by_label("Runs").fill("200")
    tab.get_by_label("Months to forecast").fill("24")
    tab.get_by_role("button", name="Run the forecast").click()
    _wait_for_result(tab, r"/forecast/[0-9a-f]{12}$")
    assert tab.locator("h1").inner_text() == "Forecast of children looked after"
    fan = tab.get_by_role("img", name="All children looked after")
    assert fan.locator("polygon").count() == 2  # the P10-P90 and P25-P75 bands
    # Read the chart's numbers from its table: P10 <= P25 <= median <= P75 <= P90 each month.
    figure = tab.locator("figure", has=fan)
    figure.get_by_text("Show the data as a table").click()
    first = figure.locator("tbody tr").first.locator("td").all_inner_texts()
    numbers = [int(v.replace(",", "")) for v in first]
    assert numbers == sorted(numbers) and 300 < numbers[2] < 500
    assert figure.locator("tbody tr").count() == 24
    _check(tab, "21-forecast-result")
    tab.get_by_role("tab", name="By placement category").click()
    assert tab.get_by_role("img", name="Children in in-house fostering").is_visible()
    _check(tab, "22-forecast-by-placement")
    with tab.expect_download() as download:
        tab.get_by_role("link", name="Download CSV").click()
    assert download.value.suggested_filename == "forecast-2026-11-23.csv"


@pytest.mark.flaky(reruns=2)  # intermittent job time-out under investigation: docs/status.md
def test_scenario_comparison(planner_tab) -> None:
    tab = planner_tab
    tab.goto("/scenarios/")
    tab.get_by_role("checkbox", name="More in-house carers").check()
    tab.get_by_role("checkbox", name="Closer to home").check()
    tab.get_by_text("Runs and seed").click()
    tab.get_by_label("Runs", exact=True).fill("100")
    _check(tab, "23-scenarios-form")
    tab.get_by_role("button", name="Compare scenarios").click()
    _wait_for_result(tab, r"/scenarios/[0-9a-f]{12}$")
    gap = tab.locator("#section-1")  # the headline section comes first
    assert gap.locator("caption").inner_text().startswith("Sufficiency gap by type of home")
    headers = gap.locator("thead th").all_inner_texts()
    assert headers == ["Measure", "Baseline", "Closer to home", "More in-house carers"]
    row = gap.locator("tbody tr", has_text="Gap: in-house fostering")
    assert "Change:" in row.inner_text()
    assert tab.get_by_role("img", name="Children looked after: Closer to home").is_visible()
    _check(tab, "24-scenarios-result")


@pytest.mark.flaky(reruns=2)  # intermittent job time-out under investigation: docs/status.md
def test_recruitment_gaps_map_and_recommendations(planner_tab) -> None:
    tab = planner_tab
    tab.goto("/recruitment/")
    assert tab.locator("#unmet-referrals").inner_text() == "295"  # past placements that fell short + open referrals, as the CLI reports
    assert tab.get_by_role("img", name="Unmet need by home postcode district").is_visible()
    _check(tab, "25-recruitment-gaps")
    tab.get_by_label("Most households to recruit").fill("3")
    tab.get_by_role("button", name="Recommend households").click()
    _wait_for_result(tab, r"/recruitment/[0-9a-f]{12}$")
    targets = tab.locator("#targets li")
    assert targets.count() >= 1
    assert "household" in targets.first.inner_text()
    _check(tab, "26-recruitment-result")
