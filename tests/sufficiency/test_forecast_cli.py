"""forecast and backtest commands, in-process: JSON, CSV/Excel output, errors with exit code 2."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from sufficiency.cli import backtest_command, forecast_command
from tests.sufficiency.test_ssda903 import DATA

SAMPLE = str(DATA / "synthetic_sample")
BASE = [
    "--ssda903",
    SAMPLE,
    "--as-of",
    "2019-03-31",
    "--horizon-months",
    "6",
    "--runs",
    "50",
    "--no-distance",
]


def test_forecast_json_is_reproducible():
    runner = CliRunner()
    first = runner.invoke(forecast_command, [*BASE, "--json"])
    second = runner.invoke(forecast_command, [*BASE, "--json"])
    assert first.exit_code == 0, first.output
    data = json.loads(first.stdout)
    assert data["ok"] is True and data["as_of"] == "2019-03-31"
    assert first.stdout == second.stdout
    totals = [r for r in data["summary"] if r["measure"] == "all children"]
    assert len(totals) == 6 and totals[0]["p10"] <= totals[0]["p50"] <= totals[0]["p90"]
    assert {r["measure"] for r in data["summary"]} >= {
        "UASC",
        "age 16-17",
        "cost",
        "staying put at 18",
    }


def test_forecast_writes_csv_and_excel(tmp_path):
    out_csv, out_xlsx = tmp_path / "f.csv", tmp_path / "f.xlsx"
    result = CliRunner().invoke(
        forecast_command, [*BASE, "--csv", str(out_csv), "--xlsx", str(out_xlsx)]
    )
    assert result.exit_code == 0, result.output
    assert "all children" in result.stdout and "median [P10-P90]" in result.stdout
    with out_csv.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0].keys() >= {"month_end", "measure", "p10", "p50", "p90", "mean"}
    assert (tmp_path / "f_states.csv").exists()
    with (tmp_path / "f_needs.csv").open(newline="") as handle:
        needs = list(csv.DictReader(handle))
    assert needs[0].keys() == {"month_end", "need", "group", "p10", "p50", "p90", "mean"}
    assert {r["need"] for r in needs} <= {"disability", "sibling group", "parent and child"}
    with (tmp_path / "f_need_shares.csv").open(newline="") as handle:
        shares = list(csv.DictReader(handle))
    assert all(0 <= float(r["share disability"]) <= 1 for r in shares)
    assert "need: disability (CIN N2)" in result.stdout
    book = load_workbook(out_xlsx, read_only=True)
    assert book.sheetnames == ["summary", "states", "needs", "need_shares", "cleaning log"]
    book.close()


def test_bad_input_exits_2_with_the_error_shape():
    result = CliRunner().invoke(forecast_command, ["--ssda903", str(DATA / "bad"), "--json"])
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert data["ok"] is False and data["status"] == 400 and len(data["errors"]) == 9


@pytest.mark.slow
def test_backtest_prints_the_table_with_both_baselines():
    result = CliRunner().invoke(
        backtest_command, ["--ssda903", SAMPLE, "--horizon", "12", "--runs", "30"]
    )
    assert result.exit_code == 0, result.output
    for method in ("placement planner (Monte Carlo)", "persistence", "linear trend", "floor"):
        assert method in result.stdout
