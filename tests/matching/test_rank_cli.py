"""``placement-planner rank`` in-process: table and JSON output, why-not, and bad input (exit 2)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from matching.carers_csv import HOUSEHOLD_COLUMNS, household_cells
from matching.domain import PlacementKind, ProviderType
from matching.referrals_csv import REFERRAL_COLUMNS, referral_rows
from tests.matching.shortlist_cases import child, household, referral
from webapp.cli import main

# Home N17 6SB (Haringey, 309). Distances by the packaged OS data: N15 4RX 0.57 miles
# (Haringey), E17 4JF 2.42 (Waltham Forest), HA1 2JG 11.18 (Harrow), CB2 1TN 42.89.
HOMES = [
    household("NEAR", postcode="N15 4RX", weekly_cost_gbp=450),
    household("E17", postcode="E17 4JF", weekly_cost_gbp=450),
    household("HARROW", postcode="HA1 2JG", provider=ProviderType.AGENCY, weekly_cost_gbp=950),
    household("CAMBS", postcode="CB2 1TN", weekly_cost_gbp=450),
    household("TODDLERS", postcode="N15 4RX", approved_age_max=4),
]
REFERRALS = [
    referral(child("C1", 8), child("C2", 10), referral_id="R1", home_postcode="N17 6SB"),
    referral(
        child("C3", 15),
        referral_id="R2",
        home_postcode="N17 6SB",
        placement_kind=PlacementKind.RESPITE,
        start_date=dt.date(2026, 11, 1),
    ),
]


def _write(path: Path, columns, rows) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
    return path


@pytest.fixture()
def files(tmp_path: Path) -> list[str]:
    homes = _write(
        tmp_path / "households.csv", HOUSEHOLD_COLUMNS, [household_cells(h) for h in HOMES]
    )
    refs = _write(
        tmp_path / "referrals.csv",
        REFERRAL_COLUMNS,
        [row for r in REFERRALS for row in referral_rows(r)],
    )
    policy = tmp_path / "policy.toml"
    text = (Path(__file__).resolve().parents[2] / "matching" / "policy.toml").read_text(
        encoding="utf-8"
    )
    policy.write_text(
        text.replace('council_la_code = ""', 'council_la_code = "309"'), encoding="utf-8"
    )
    return ["--households", str(homes), "--referrals", str(refs), "--policy", str(policy)]


def run(*args: str):
    return CliRunner().invoke(main, ["rank", *args])


def test_rank_table(files) -> None:
    result = run("R1", *files)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Referral R1: 2 child(ren), long-term, start 2026-11-30, home N17 ***"
    assert lines[1] == "4 household(s) can take the whole referral."
    ranked = [line.split()[1] for line in lines if line[:3].strip().isdigit()]
    assert ranked == [
        "NEAR",
        "E17",
        "HARROW",
        "CAMBS",
    ]  # in area; out of area by distance; beyond 20
    assert (
        "     Keeps both children together, 0.6 miles from home inside the council's area; "
        "in-house carer, GBP 450 a week."
    ) in lines
    assert (
        "  TODDLERS: [age-range] approved for ages 0-4, but on the start date C1 is 8; C2 is 10"
        in lines
    )
    assert "Locating 5 households" in result.stderr


def test_rank_json_with_why_not(files) -> None:
    result = run("R1", *files, "--json", "--why-not", "CAMBS", "--why-not", "TODDLERS")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    (option,) = body["options"]
    assert [e["household_id"] for e in option["entries"]] == ["NEAR", "E17", "HARROW", "CAMBS"]
    near = option["entries"][0]
    # 2 children: distance -2 x 6 tenths; English 2 x 40; in-house 2 x 100; cost -2 x 45
    assert near["components"] == {
        "distance": -12,
        "needs": 0,
        "culture": 80,
        "wishes": 0,
        "provider": 200,
        "cost": -90,
    }
    assert (near["tier"], near["miles_from_home"], near["in_area"], near["total"]) == (
        1,
        0.6,
        True,
        178,
    )
    assert [e["tier"] for e in option["entries"]] == [1, 5, 5, 5]
    assert option["not_suitable"] == [
        {
            "household_id": "TODDLERS",
            "failures": [
                {
                    "rule": "age-range",
                    "reason": "approved for ages 0-4, but on the start date C1 is 8; C2 is 10",
                }
            ],
        }
    ]
    assert [w["options"][0]["rank"] for w in body["why_not"]] == [4, None]
    assert body["home"] == "N17 ***" and "N17 6SB" not in result.stdout


def test_as_of_moves_a_past_start_date(files) -> None:
    result = run("R2", *files, "--json", "--as-of", "2026-11-23")
    body = json.loads(result.stdout)
    assert body["start_date"] == "2026-11-23"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["R9"], 'Error: referral "R9" is not in the referrals (open referrals: R1, R2)'),
        (["R1", "--why-not", "NOPE"], "Error: household NOPE is not among the 5 households"),
    ],
)
def test_bad_input_exits_2(files, args, message) -> None:
    result = run(*args, *files)
    assert result.exit_code == 2
    assert message in result.stderr


def test_households_without_referrals_is_refused(files) -> None:
    result = run("R1", *files[:2], "--json")
    assert result.exit_code == 2
    assert json.loads(result.stdout) == {
        "ok": False,
        "status": 400,
        "errors": [
            "--households and --referrals go together: give both, or neither for the demo council"
        ],
    }


def test_bad_policy_file_lists_its_errors(files, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("schema_version = 1\n", encoding="utf-8")
    result = run("R1", *files[:4], "--policy", str(bad))
    assert result.exit_code == 2
    assert 'Error: bad.toml, field "area.council_la_code": missing setting' in result.stderr
