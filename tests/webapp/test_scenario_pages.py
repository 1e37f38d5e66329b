# ruff: noqa: F811, E501  (fixtures imported from support modules; exact messages are long)
"""Scenario pages and API: the library, a comparison side by side with intervals, an uploaded
file, exports, every bad choice or file with its exact message, and who may use them."""

from __future__ import annotations

import html
import io
import re

import pytest

from tests.webapp.auth_support import signed_in
from tests.webapp.planning_support import demo_app, job_id_from, planner  # noqa: F401
from webapp.jobs import get_runner

#: A short scenario (12 months, so it cannot be compared with the 36-month library files).
SHORT = b"""schema_version = 1
name = "Short look"
description = "Twelve months, more entries of under 1s."
[baseline]
horizon_months = 12
[[adjustment]]
lever = "entries"
age_band = "under 1"
change_percent = 10
"""


def _summary(response) -> list[str]:
    found = re.findall(r'<li><a href="#[^"]+">(.*?)</a></li>', response.data.decode())
    return [html.unescape(m) for m in found]


def _comparison(demo_app, job_id):
    with demo_app.app_context():
        return get_runner().get(job_id).result.comparison


def test_library_lists_every_file(planner) -> None:
    page = planner.get("/scenarios/").data.decode()
    for name in (
        "Baseline",
        "More in-house carers",
        "Edge of care 10-15",
        "UASC surge",
        "Closer to home",
    ):
        assert f">{name}</label>" in page
    shown = planner.get("/scenarios/files/edge-of-care.toml").data.decode()
    assert "lever = &#34;entries&#34;" in shown
    assert planner.get("/scenarios/files/nope.toml").status_code == 404


def test_compare_side_by_side(planner, demo_app) -> None:
    job_id = job_id_from(
        planner.post(
            "/scenarios/",
            data={
                "files": ["baseline.toml", "in-house-recruitment.toml", "edge-of-care.toml"],
                "baseline": "baseline.toml",
                "runs": "30",
                "seed": "5",
            },
        )
    )
    comparison = _comparison(demo_app, job_id)
    assert comparison.scenarios == ("Baseline", "More in-house carers", "Edge of care 10-15")
    assert (comparison.runs, comparison.seed) == (30, 5)
    # Recruiting carers changes supply, not demand: the same runs give the same children,
    # so the change from the baseline is exactly zero.
    children = comparison.row("children looked after")
    assert children.values[0] == children.values[1]
    assert (children.differences[1].low, children.differences[1].high) == (0.0, 0.0)
    page = planner.get(f"/scenarios/{job_id}").data.decode()
    headline = page.index("Sufficiency gap by type of home (+ = too few places)")
    assert headline < page.index("Distance</caption>") < page.index("Cost</caption>")
    assert page.index("Cost</caption>") < page.index("Children looked after</caption>")
    gap = comparison.row("gap: in-house fostering").values[0]
    assert (
        f'{gap.median:,.0f} <span class="govuk-body-s app-nowrap">({gap.low:,.0f} to {gap.high:,.0f})</span>'
        in page
    )
    cost = comparison.row("cost over the forecast").differences[2]
    assert f"Change: {'−' if cost.median < 0 else '+'}£{abs(cost.median):,.1f}m" in page
    assert "Children looked after: Edge of care 10-15" in page  # one fan chart per scenario
    assert page.count('role="img"') == 3 + 3  # three bar charts, three fans


def test_exports(planner) -> None:
    job_id = job_id_from(
        planner.post("/scenarios/", data={"files": ["baseline.toml"], "runs": "10", "seed": "1"})
    )
    table = planner.get(f"/scenarios/{job_id}/comparison.csv")
    assert table.headers["Content-Disposition"] == 'attachment; filename="scenarios-2026-11-23.csv"'
    assert (
        table.data.decode().splitlines()[0]
        == "section,measure,unit,Baseline P10,Baseline P50,Baseline P90"
    )
    assert planner.get(f"/scenarios/{job_id}/comparison.xlsx").data[:2] == b"PK"
    assert planner.get(f"/scenarios/{job_id}/comparison.ods").status_code == 404


def test_uploaded_scenario_runs_on_its_own(planner, demo_app) -> None:
    response = planner.post(
        "/scenarios/",
        data={
            "runs": "10",
            "scenario_file": (io.BytesIO(SHORT), "short.toml"),
            "baseline": "upload",
        },
        content_type="multipart/form-data",
    )
    comparison = _comparison(demo_app, job_id_from(response))
    assert comparison.scenarios == ("Short look",)
    assert comparison.horizon_end.isoformat() == "2027-11-23"


@pytest.mark.parametrize(
    ("form", "upload", "messages"),
    [
        ({}, None, ["Select at least one scenario, or upload a file"]),
        (
            {"files": ["nope.toml"]},
            None,
            [
                "There is no scenario file with this name (expected one of baseline.toml, closer-to-home.toml, edge-of-care.toml, in-house-recruitment.toml, uasc-surge.toml)"
            ],
        ),
        (
            {"files": ["edge-of-care.toml"], "baseline": "baseline.toml"},
            None,
            ["The baseline must be one of the chosen scenarios (expected edge-of-care.toml)"],
        ),
        ({"files": ["baseline.toml"], "runs": "0"}, None, ["Runs must be between 10 and 2,000"]),
        (
            {"files": ["baseline.toml"]},
            b"name = 'x'\nthis is not toml",
            [
                "mine.toml line 2: is not valid TOML: Expected '=' after a key in a key/value pair (at line 2, column 6)"
            ],
        ),
        (
            {"files": ["baseline.toml"]},
            SHORT,
            [
                "mine.toml, field \"baseline.horizon_months\": differs from the baseline scenario (baseline.toml); scenarios compared side by side must share [baseline] (got '12'; expected 36)"
            ],
        ),
        (
            {"files": ["baseline.toml"]},
            b"\xff\xfe\x00bad",
            ["The scenario file must be UTF-8 text (TOML)"],
        ),
    ],
)
def test_bad_choices_and_files(planner, form, upload, messages) -> None:
    data = dict(form)
    if upload is not None:
        data["scenario_file"] = (io.BytesIO(upload), "mine.toml")
    response = planner.post("/scenarios/", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert _summary(response) == messages


def test_bad_file_names_its_line(planner) -> None:
    bad = SHORT.replace(b'age_band = "under 1"', b'age_band = "10-16"')
    response = planner.post(
        "/scenarios/",
        data={"scenario_file": (io.BytesIO(bad), "mine.toml")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert _summary(response) == [
        "mine.toml line 8, field \"adjustment[1].age_band\": is not a known age band (got '10-16'; "
        "expected one of: under 1, 1-4, 5-9, 10-15, 16-17, all)"
    ]


def test_api_comparison(planner, demo_app) -> None:
    files = planner.get("/api/scenarios").json["scenarios"]
    assert [f["file"] for f in files][:1] == ["baseline.toml"]
    assert files[0]["horizon_months"] == 36 and files[0]["errors"] == []
    started = planner.post(
        "/api/scenario-comparisons",
        json={"scenario_toml": SHORT.decode(), "scenario_filename": "short.toml", "runs": 10},
    )
    assert started.status_code == 202
    body = planner.get(started.json["api_url"]).json["comparison"]
    assert [s["name"] for s in body["scenarios"]] == ["Short look"]
    assert body["rows"][0]["measure"] == "children looked after"
    assert body["rows"][0]["changes"] == [None]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"files": 5},
            "scenario comparison, field \"files\": There is no scenario file with this name (got '5'; expected one of baseline.toml, closer-to-home.toml, edge-of-care.toml, in-house-recruitment.toml, uasc-surge.toml)",
        ),
        ({"scenario_base64": "%%%"}, 'request, field "scenario_base64": is not valid base64'),
        (
            {"files": ["baseline.toml"], "seed": "x"},
            "scenario comparison, field \"seed\": Seed must be a whole number (got 'x'; expected 0 to 4294967295)",
        ),
    ],
)
def test_api_bad_input(planner, body, message) -> None:
    response = planner.post("/api/scenario-comparisons", json=body)
    assert response.status_code == 400
    assert [e["message"] for e in response.json["errors"]] == [message]


@pytest.mark.parametrize(
    ("role", "status"),
    [("commissioner", 200), ("fostering-manager", 403), ("placements-officer", 403)],
)
def test_only_planners_may_compare(demo_app, role, status) -> None:
    assert signed_in(demo_app, role).get("/scenarios/").status_code == status
    assert signed_in(demo_app, role).get("/api/scenarios").status_code == status
