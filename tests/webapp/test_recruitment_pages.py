# ruff: noqa: F811, E501  (fixtures imported from support modules; exact messages are long)
"""Recruitment pages and API on the demo council: the gaps and the unmet-need map, the
recommendation job with its replayed effect, exports, bad input and who may use them.

The demo council's figures match docs/recruitment.md and the CLI (the CLI reads the demo's
files; the pages read the same history, decisions and referrals back from the store): 295 of
498 referrals fell short, 273 of 473 from the history and 22 of today's open referrals.
"""

from __future__ import annotations

import csv
import html
import io
import re

import pytest

from tests.webapp.auth_support import signed_in
from tests.webapp.planning_support import demo_app, job_id_from, planner  # noqa: F401
from tests.webapp.web_support import app, client  # noqa: F401
from webapp.jobs import get_runner


def test_gaps_page_and_map(planner) -> None:
    page = planner.get("/recruitment/").data.decode()
    assert 'id="unmet-referrals">295</strong> of 498 placements and referrals' in page
    assert "From 23 November 2024 to 23 November 2026" in page
    # The map labels each home district with its children; the table under it says the same.
    assert '<title id="unmet-need-by-home-postcode-district-title">' in page
    labels = re.findall(r">(N\d+): (\d+)</text>", page)
    assert labels and all(int(n) > 0 for _, n in labels)
    assert '<th scope="row" class="govuk-table__header">N17: ' in page


def _row(page: str, table_id: str, name: str) -> list[str]:
    """The cells of the row headed ``name`` in the table with this id."""
    table = page[page.index(f'id="{table_id}"') :]
    table = table[: table.index("</table>")]
    row = table[table.index(f'class="govuk-table__header">{name}</th>') :]
    return re.findall(r'cell--numeric">([^<]*)</td>', row[: row.index("</tr>")])


def test_gaps_come_from_the_same_sources_as_the_cli(planner) -> None:
    # As `placement-planner recruit` on the demo (tests/matching/test_recruit_cli.py): the
    # history's 273 referrals (322 children), 22 open referrals of today (31 children: 14 with
    # no household, 14 outside the area), and the 5 decisions the returns already hold.
    page = html.unescape(planner.get("/recruitment/").data.decode())
    assert _row(page, "by-source", "Placement history") == [
        "322", "273", "230", "59", "118", "15", "0", "0", "£12,370,384",
    ]  # fmt: skip
    assert _row(page, "by-source", "Open referrals today") == [
        "31", "22", "7", "0", "3", "3", "14", "14", "£0",
    ]  # fmt: skip
    assert "Recorded decisions" not in page  # all five duplicate the history
    assert "5 recorded decision(s) already in the SSDA903 history: counted once, from it" in page
    gaps = planner.get("/api/recruitment/gaps").json["gaps"]
    sources = {row["source"]: row for row in gaps["unmet_by_source"]}
    assert sorted(sources) == ["history", "open"]
    assert (sources["open"]["referrals"], sources["open"]["children_open"]) == (22, 31)
    assert gaps["source_notes"] == [
        "5 recorded decision(s) already in the SSDA903 history: counted once, from it"
    ]


@pytest.fixture(scope="module")
def plan_job(demo_app):
    client = signed_in(demo_app, "fostering-manager")
    job_id = job_id_from(client.post("/recruitment/", data={"budget": "3", "years": "2"}))
    with demo_app.app_context():
        return job_id, get_runner().get(job_id).result


def test_recommendations_and_diminishing_returns(planner, plan_job) -> None:
    job_id, run = plan_job
    page = html.unescape(planner.get(f"/recruitment/{job_id}").data.decode())
    plan = run.plan
    assert 1 <= len(plan.steps) <= 3
    for target in plan.targets:
        assert f"<li><strong>{target.text}</strong>" in page
        assert "anywhere in Haringey" in target.text or "near N" in target.text
    better = [s.effect.children_better_placed for s in plan.steps]
    assert better == sorted(better)  # adding a household never makes the replay worse
    extra = [b - a for a, b in zip([0, *better], better, strict=False)]
    for n, added in enumerate(extra, start=1):
        assert f'<th scope="row" class="govuk-table__header">{n}</th>' in page
        assert f">+{added}</td>" in page
    assert "Children better placed added by each new household" in page
    # Whose household each step kept (the optimiser's, the greedy's or both) and whether proven.
    for step in plan.steps:
        said = "(proven best)" if step.proven else "(time limit"
        assert f"{step.chosen_by.capitalize()} {said}" in page
    # Each new household is named on the map and in the table under it, in its district.
    for step in plan.steps:
        district = step.household.postcode.split(" ")[0]
        assert re.search(rf">{district}: \d+ \([^)]*{step.household.household_id}", page)


def test_exports(planner, plan_job) -> None:
    job_id, run = plan_job
    targets = planner.get(f"/recruitment/{job_id}/recruitment.csv")
    assert (
        targets.headers["Content-Disposition"]
        == 'attachment; filename="recruitment-2026-11-23-targets.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(targets.data.decode())))
    assert [r["target"] for r in rows] == [t.text for t in run.plan.targets]
    districts = planner.get(f"/recruitment/{job_id}/recruitment.districts.csv").data.decode()
    assert districts.splitlines()[0].endswith("cost_gbp,easting_m,northing_m")
    assert planner.get(f"/recruitment/{job_id}/recruitment.xlsx").data[:2] == b"PK"
    assert planner.get(f"/recruitment/{job_id}/recruitment.txt").status_code == 404


def test_api(planner, plan_job) -> None:
    gaps = planner.get("/api/recruitment/gaps").json["gaps"]
    assert (gaps["past_referrals"], gaps["unmet_referrals"], gaps["area"]) == (498, 295, "Haringey")
    assert {"district", "children", "easting_m", "northing_m"} <= set(gaps["unmet_by_district"][0])
    job_id, run = plan_job
    plan = planner.get(f"/api/recruitment/plans/{job_id}").json["plan"]
    assert [t["target"] for t in plan["targets"]] == [t.text for t in run.plan.targets]
    assert [r["households"] for r in plan["returns"]] == list(range(1, len(run.plan.steps) + 1))


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"budget": "0"}, "Households to recruit must be between 1 and 30"),
        ({"budget": "many"}, "Households to recruit must be a whole number (expected 1 to 30)"),
        ({"years": "9"}, "Years to replay must be between 1 and 5"),
    ],
)
def test_bad_input(planner, form, message) -> None:
    response = planner.post("/recruitment/", data=form)
    assert response.status_code == 400
    found = re.findall(r'<li><a href="#[^"]+">(.*?)</a></li>', response.data.decode())
    assert found == [message]


def test_no_history_in_the_store(client) -> None:
    response = client.get("/api/recruitment/gaps")
    assert response.status_code == 400
    assert response.json["errors"][0]["problem"] == (
        "There are no SSDA903 returns in the store, so there is no history to forecast from"
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [("fostering-manager", 200), ("commissioner", 200), ("placements-officer", 403)],
)
def test_who_may_see_recruitment(demo_app, role, status) -> None:
    assert signed_in(demo_app, role).get("/api/recruitment/gaps?years=1").status_code == status
