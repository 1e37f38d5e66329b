# ruff: noqa: E501  (exact error texts are long by design)
"""Scenario TOML loading: good files become ``Scenario``; bad ones name every key and line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from sufficiency.domain import AgeBand, PlacementType
from sufficiency.errors import ScenarioError
from sufficiency.scenario_domain import (
    BedChange,
    CarerChange,
    CarerProvider,
    EntryChange,
    ExitChange,
    ExitRoute,
    HomeType,
    LocalityChange,
    MixShift,
    MoveChange,
    StepDown,
    UascArrivals,
    UnitCostChange,
)
from sufficiency.scenario_file import load_scenario, loads_scenario
from sufficiency.scenario_toml import locate_keys

HEAD = 'schema_version = 1\nname = "Test"\ndescription = "A test scenario"\n'


def load(body: str):
    return loads_scenario(HEAD + textwrap.dedent(body), source="test.toml")


def errors_of(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        loads_scenario(textwrap.dedent(text), source="bad.toml")
    return [str(e) for e in info.value.errors]


def test_minimal_file_takes_every_default() -> None:
    scenario = load("")
    assert scenario.name == "Test"
    assert scenario.adjustments == ()
    assert scenario.baseline.horizon_months == 36
    assert scenario.uncertainty.runs == 1000
    assert scenario.supply.in_house_recruited_per_year is None
    assert scenario.supply.overflow.fostering == (
        HomeType.IN_HOUSE_FOSTERING,
        HomeType.AGENCY_FOSTERING,
        HomeType.CHILDRENS_HOME,
    )


def test_every_lever_reads_into_its_type() -> None:
    scenario = load("""
        [[adjustment]]
        lever = "entries"
        age_band = "10-15"
        change_percent = -20
        [[adjustment]]
        lever = "uasc_arrivals"
        change_percent = 30
        [[adjustment]]
        lever = "placement_mix"
        from = "Agency fostering"
        to = "in-house fostering"
        share_percent = 25
        [[adjustment]]
        lever = "step_down"
        from = "children's home"
        to = "in-house fostering"
        children_per_year = 5
        [[adjustment]]
        lever = "exits"
        route = "special guardianship"
        change_percent = 10
        [[adjustment]]
        lever = "moves"
        from = "agency fostering"
        to = "in-house fostering"
        change_percent = 50
        [[adjustment]]
        lever = "carers"
        provider = "in-house"
        recruited_per_year = 20
        age_min = 11
        max_sibling_group = 2
        skills = ["teenagers"]
        start_month = 4
        [[adjustment]]
        lever = "beds"
        home_type = "children's home"
        beds_change = 4
        [[adjustment]]
        lever = "locality"
        home_type = "agency fostering"
        within_20_miles_percent = 70
        [[adjustment]]
        lever = "unit_cost"
        placement_type = "all"
        change_percent = 5
    """)
    kinds = [type(a) for a in scenario.adjustments]
    assert kinds == [
        EntryChange,
        UascArrivals,
        MixShift,
        StepDown,
        ExitChange,
        MoveChange,
        CarerChange,
        BedChange,
        LocalityChange,
        UnitCostChange,
    ]
    entry, _, mix, _, exits, _, carers, *_, cost = scenario.adjustments
    assert entry.age_band == AgeBand.AGE_10_TO_15 and entry.change_percent == -20
    assert mix.from_type == PlacementType.AGENCY_FOSTERING  # case-insensitive
    assert exits.route == ExitRoute.SPECIAL_GUARDIANSHIP
    assert carers.provider == CarerProvider.IN_HOUSE and carers.start_month == 4
    assert (carers.approval.age_min_years, carers.approval.max_sibling_group) == (11, 2)
    assert cost.placement_type is None


def test_supply_costs_and_uncertainty_sections() -> None:
    scenario = load("""
        [supply]
        in_house_lost_percent_per_year = 12.5
        childrens_home_beds = 14
        within_20_miles_percent = { "agency fostering" = 60 }
        [supply.overflow]
        fostering = ["in-house fostering", "agency fostering"]
        local_first = true
        [costs]
        inflation_percent_per_year = 3
        [costs.weekly_gbp]
        "children's home" = 6200
        [uncertainty]
        runs = 200
        seed = 7
    """)
    assert scenario.supply.in_house_lost_percent_per_year == 12.5
    assert scenario.supply.childrens_home_beds == 14
    assert scenario.supply.within_20_miles_percent == {HomeType.AGENCY_FOSTERING: 60.0}
    assert scenario.supply.overflow.local_first is True
    assert scenario.costs.weekly_gbp == {PlacementType.CHILDRENS_HOME: 6200.0}
    assert (scenario.uncertainty.runs, scenario.uncertainty.seed) == (200, 7)


def test_locate_keys_counts_adjustments_and_skips_multiline_strings() -> None:
    text = (
        'description = """\nlever = "no"\n"""\n[[adjustment]]\nlever = "entries"\n'
        '[[adjustment]]\n  lever = "beds"\n[costs.weekly_gbp]\n"children\'s home" = 1\n'
    )
    assert locate_keys(text) == {
        "description": 1,
        "adjustment[1]": 4,
        "adjustment[1].lever": 5,
        "adjustment[2]": 6,
        "adjustment[2].lever": 7,
        "costs.weekly_gbp": 8,
        "costs.weekly_gbp.children's home": 9,
    }


BAD_FILES = [
    pytest.param(
        "name = 'x'\ndescription = 'y'\n",
        ['bad.toml line 1, field "schema_version": missing key (expected schema_version = 1)'],
        id="missing-version",
    ),
    pytest.param(
        "schema_version = 2\nname = 'x'\ndescription = 'y'\n",
        [
            'bad.toml line 1, field "schema_version": is not a schema version this program reads '
            "(got '2'; expected 1)"
        ],
        id="wrong-version",
    ),
    pytest.param(
        HEAD + "[baseline]\nhorizon_months = 0\n",
        [
            "bad.toml line 5, field \"baseline.horizon_months\": is out of range (got '0'; expected 1 to 120)"
        ],
        id="horizon-range",
    ),
    pytest.param(
        HEAD + '[baseline]\nhorizon_months = "36"\n',
        [
            'bad.toml line 5, field "baseline.horizon_months": must be a whole number '
            "(got '36'; expected a whole number)"
        ],
        id="horizon-text",
    ),
    pytest.param(
        HEAD + '[[adjustment]]\nlever = "entries"\nage_band = "10-16"\nchange_percent = -20\n',
        [
            'bad.toml line 6, field "adjustment[1].age_band": is not a known age band '
            "(got '10-16'; expected one of: under 1, 1-4, 5-9, 10-15, 16-17, all)"
        ],
        id="bad-age-band",
    ),
    pytest.param(
        HEAD + '[[adjustment]]\nlever = "entries"\nage_band = "5-9"\nchnage_percent = -20\n',
        [
            'bad.toml line 4, field "adjustment[1].change_percent": lever "entries" needs change_percent '
            "or change_per_year (expected change_percent = -20 or change_per_year = -10)",
            'bad.toml line 7, field "adjustment[1].chnage_percent": unknown key for lever "entries"; '
            'did you mean "change_percent"? (expected one of: lever, start_month, note, age_band, '
            "change_percent, change_per_year)",
        ],
        id="misspelt-key",
    ),
    pytest.param(
        HEAD + '[[adjustment]]\nlever = "teleport"\n',
        [
            "bad.toml line 5, field \"adjustment[1].lever\": is not a known lever (got 'teleport'; "
            "expected one of: entries, uasc_arrivals, placement_mix, step_down, exits, moves, carers, "
            "beds, locality, unit_cost)"
        ],
        id="unknown-lever",
    ),
    pytest.param(
        HEAD + '[[adjustment]]\nlever = "step_down"\nfrom = "children\'s home"\n'
        "children_per_year = -5\n",
        [
            'bad.toml line 4, field "adjustment[1].to": missing key for lever "step_down" (expected a '
            "placement type: in-house fostering, agency fostering, kinship fostering, placed for "
            "adoption, children's home, secure, supported accommodation 16+, parent and child, placed "
            "with parents, residential school, other)",
            'bad.toml line 7, field "adjustment[1].children_per_year": is out of range '
            "(got '-5'; expected 0 to 10000)",
        ],
        id="step-down-two-errors",
    ),
    pytest.param(
        HEAD
        + '[[adjustment]]\nlever = "beds"\nhome_type = "agency fostering"\nbeds_change = 2.5\n',
        [
            'bad.toml line 6, field "adjustment[1].home_type": is not a known bed type '
            "(got 'agency fostering'; expected one of: children's home, supported accommodation 16+)",
            'bad.toml line 7, field "adjustment[1].beds_change": must be a whole number '
            "(got '2.5'; expected a whole number)",
        ],
        id="beds",
    ),
    pytest.param(
        HEAD + '[[adjustment]]\nlever = "uasc_arrivals"\nchange_percent = 30\n'
        '[[adjustment]]\nlever = "entries"\nage_band = "all"\nchange_percent = 5\nstart_month = 6\n',
        [
            'bad.toml line 11, field "adjustment[2].start_month": demand levers (entries, uasc_arrivals, '
            "placement_mix, step_down, exits, moves) must all start in the same month: the forecast "
            "applies them together (got '6'; expected 1)"
        ],
        id="demand-start-months",
    ),
    pytest.param(
        HEAD + '[supply.overflow]\nfostering = ["children\'s home", "agency fostering"]\n',
        [
            'bad.toml line 5, field "supply.overflow.fostering": must start with the type of home the '
            'children need (got "children\'s home, agency fostering"; expected a list starting with '
            '"in-house fostering" or "agency fostering")'
        ],
        id="overflow-chain",
    ),
    pytest.param(
        HEAD + '[costs.weekly_gbp]\n"childrens home" = 5500\n"secure" = -1\n',
        [
            'bad.toml line 5, field "costs.weekly_gbp.childrens home": is not a known placement type '
            "(got 'childrens home'; expected one of: in-house fostering, agency fostering, kinship "
            "fostering, placed for adoption, children's home, secure, supported accommodation 16+, "
            "parent and child, placed with parents, residential school, other)",
            "bad.toml line 6, field \"costs.weekly_gbp.secure\": is out of range (got '-1'; "
            "expected 0 to 100000)",
        ],
        id="costs",
    ),
    pytest.param(
        HEAD + "[uncertainty]\nruns = 0\nmystery = 1\n",
        [
            "bad.toml line 5, field \"uncertainty.runs\": is out of range (got '0'; expected 1 to 100000)",
            'bad.toml line 6, field "uncertainty.mystery": unknown key in [uncertainty] (expected one '
            "of: runs, seed, lower_percentile, upper_percentile)",
        ],
        id="uncertainty",
    ),
    pytest.param(
        HEAD + "[baseline\nhorizon_months = 3\n",
        [
            "bad.toml line 4: is not valid TOML: Expected ']' at the end of a table declaration "
            "(at line 4, column 10)"
        ],
        id="toml-syntax",
    ),
]


@pytest.mark.parametrize(("text", "expected"), BAD_FILES)
def test_bad_files_name_key_and_line(text: str, expected: list[str]) -> None:
    assert errors_of(text) == expected


def test_error_summary_counts_problems(tmp_path: Path) -> None:
    path = tmp_path / "two.toml"
    path.write_text(HEAD + "[uncertainty]\nruns = 0\nseed = -1\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value).splitlines()[0] == "two.toml: 2 problems in the scenario"
    assert isinstance(info.value, ValueError)


def test_unreadable_file_is_a_scenario_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="missing.toml: cannot read the file"):
        load_scenario(tmp_path / "missing.toml")
