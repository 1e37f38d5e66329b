"""Every scenario file in ``scenarios/`` loads, and runs end to end (stand-in demand; demo council if built)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sufficiency.scenario_compare import compare_scenarios
from sufficiency.scenario_file import load_scenario
from sufficiency.scenarios import ScenarioInputs, run_scenario

from .sufficiency.scenario_fakes import FakeDemand, small_council

FOLDER = Path(__file__).resolve().parent.parent / "scenarios"
FILES = sorted(FOLDER.glob("*.toml"))
EXPECTED = {
    "baseline.toml",
    "in-house-recruitment.toml",
    "edge-of-care.toml",
    "uasc-surge.toml",
    "closer-to-home.toml",
}


def test_the_five_example_scenarios_are_shipped() -> None:
    assert EXPECTED <= {p.name for p in FILES}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_scenario_loads(path: Path) -> None:
    scenario = load_scenario(path)
    assert scenario.name and scenario.description
    assert scenario.schema_version == 1


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_scenario_runs(path: Path) -> None:
    households, children = small_council()
    result = run_scenario(
        load_scenario(path), ScenarioInputs(FakeDemand(), households, children), runs=20
    )
    assert result.cost_gbp.shape == (20, result.scenario.baseline.horizon_months)
    assert (result.cost_gbp > 0).all()
    assert set(result.gap) == {
        "in-house fostering",
        "agency fostering",
        "children's home",
        "supported accommodation 16+",
    }


def test_examples_share_one_baseline_and_compare() -> None:
    households, children = small_council()
    scenarios = [load_scenario(p) for p in FILES]
    names = [s.name for s in scenarios]
    baseline = names.index("Baseline")
    comparison = compare_scenarios(
        scenarios,
        ScenarioInputs(FakeDemand(), households, children),
        baseline_index=baseline,
        runs=20,
    )
    assert comparison.baseline == "Baseline"
    assert comparison.row("cost over the forecast").values[baseline].median > 0


@pytest.mark.slow
def test_examples_run_on_the_demo_council() -> None:
    """The issue's "done when": the five examples compare on the demo council with gap and cost."""
    pytest.importorskip("sufficiency.demo_council")
    pytest.importorskip("sufficiency.montecarlo")
    from sufficiency.scenario_data import demo_inputs

    scenarios = [load_scenario(FOLDER / name) for name in sorted(EXPECTED)]
    names = [s.name for s in scenarios]
    inputs = demo_inputs(history_years=scenarios[0].baseline.history_years)
    comparison = compare_scenarios(
        scenarios, inputs, baseline_index=names.index("Baseline"), runs=50
    )
    for row_name in (
        "gap: in-house fostering",
        "cost over the forecast",
        "more than 20 miles from home",
    ):
        row = comparison.row(row_name)
        assert len(row.values) == 5
    assert all(v.median > 0 for v in comparison.row("cost over the forecast").values)
