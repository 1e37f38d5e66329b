"""``placement-planner scenario run/compare`` in-process, on a small synthetic council."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from sufficiency import scenario_data
from sufficiency.scenarios import ScenarioInputs
from webapp.cli import main

from .scenario_fakes import FakeDemand, small_council

BASE = (
    'schema_version = 1\nname = "Baseline"\ndescription = "No change"\n[uncertainty]\nruns = 25\n'
)
EDGE = (
    'schema_version = 1\nname = "Edge"\ndescription = "Fewer 10-15s"\n[[adjustment]]\n'
    'lever = "entries"\nage_band = "10-15"\nchange_percent = -50\n'
)


@pytest.fixture(autouse=True)
def small_inputs(monkeypatch: pytest.MonkeyPatch) -> None:
    households, children = small_council()
    monkeypatch.setattr(
        scenario_data,
        "demo_inputs",
        lambda *args, **kwargs: ScenarioInputs(FakeDemand(), households, children),
    )


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    paths = {
        "base": tmp_path / "base.toml",
        "edge": tmp_path / "edge.toml",
        "bad": tmp_path / "bad.toml",
    }
    paths["base"].write_text(BASE, encoding="utf-8")
    paths["edge"].write_text(EDGE, encoding="utf-8")
    paths["bad"].write_text(
        BASE + '[[adjustment]]\nlever = "entries"\nage_band = "10-16"\nchange_percent = 5\n',
        encoding="utf-8",
    )
    return paths


def test_compare_prints_scenarios_side_by_side(files) -> None:
    result = CliRunner().invoke(
        main, ["scenario", "compare", str(files["base"]), str(files["edge"])]
    )
    assert result.exit_code == 0, result.output
    assert "Scenarios as of 2026-11-23" in result.stdout
    assert "Change from Baseline (run by run, same seed)" in result.stdout
    assert "gap: in-house fostering" in result.stdout
    assert "[8/8] Edge: costing" in result.stderr


def test_baseline_option_puts_that_file_first(files) -> None:
    result = CliRunner().invoke(
        main,
        ["scenario", "compare", str(files["edge"]), "--baseline", str(files["base"]), "--json"],
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    comparison = payload["results"][0]
    assert payload["ok"] is True
    assert comparison["baseline"] == "Baseline"
    assert [s["name"] for s in comparison["scenarios"]] == ["Baseline", "Edge"]
    row = next(r for r in comparison["rows"] if r["measure"] == "age 10-15")
    assert row["changes"][0] is None and row["changes"][1]["median"] < 0


def test_seed_and_runs_options(files) -> None:
    result = CliRunner().invoke(
        main, ["scenario", "run", str(files["base"]), "--json", "--runs", "7", "--seed", "3"]
    )
    comparison = json.loads(result.stdout)["results"][0]
    assert (comparison["runs"], comparison["seed"]) == (7, 3)


def test_run_gives_one_result_per_file(files) -> None:
    result = CliRunner().invoke(
        main, ["scenario", "run", str(files["base"]), str(files["edge"]), "--json"]
    )
    assert [r["baseline"] for r in json.loads(result.stdout)["results"]] == ["Baseline", "Edge"]


def test_csv_and_xlsx_exports(files, tmp_path: Path) -> None:
    csv_path, xlsx_path = tmp_path / "out.csv", tmp_path / "out.xlsx"
    result = CliRunner().invoke(
        main,
        [
            "scenario",
            "compare",
            str(files["base"]),
            str(files["edge"]),
            "--csv",
            str(csv_path),
            "--xlsx",
            str(xlsx_path),
        ],
    )
    assert result.exit_code == 0, result.output
    header = csv_path.read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("section,measure,unit,Baseline P10,Baseline P50,Baseline P90,Edge P10")
    assert header.endswith("Edge change P50,Edge change P10,Edge change P90")
    workbook = load_workbook(xlsx_path)
    assert workbook.sheetnames == ["Comparison", "About"]
    assert workbook["Comparison"]["B2"].value == "children looked after"
    assert workbook["About"]["B4"].value == 20261123


def test_bad_file_exits_2_naming_key_and_line(files) -> None:
    result = CliRunner().invoke(
        main, ["scenario", "compare", str(files["base"]), str(files["bad"])]
    )
    assert result.exit_code == 2
    assert (
        'bad.toml line 8, field "adjustment[1].age_band": is not a known age band '
        "(got '10-16'; expected one of: under 1, 1-4, 5-9, 10-15, 16-17, all)"
    ) in result.stderr


def test_bad_file_as_json_uses_the_error_shape(files) -> None:
    result = CliRunner().invoke(main, ["scenario", "run", str(files["bad"]), "--json"])
    assert result.exit_code == 2
    payload = json.loads(result.stdout)
    assert payload["ok"] is False and payload["status"] == 400
    assert payload["errors"][0]["field"] == "adjustment[1].age_band"


def test_missing_file_is_reported(files, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["scenario", "run", str(tmp_path / "nope.toml")])
    assert result.exit_code == 2
    assert "nope.toml: cannot read the file" in result.stderr


def test_council_files_must_come_together(files, tmp_path: Path) -> None:
    households = tmp_path / "households.csv"
    households.write_text("household_id\n", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["scenario", "run", str(files["base"]), "--households", str(households)]
    )
    assert result.exit_code == 2
    assert (
        "council files: --ssda903, --children also needed (or none, for the demo council)"
        in result.stderr
    )
