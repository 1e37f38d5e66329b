"""Command-line adapter: ``placement-planner scenario run`` and ``scenario compare``.

Thin wrappers: load the scenario files, build the council's inputs (``scenario_data``), call
``compare_scenarios`` and print, save or export. Exit code 2 on bad input.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from sufficiency.errors import InputDataError, ScenarioError
from sufficiency.scenario_compare import Comparison, compare_scenarios
from sufficiency.scenario_export import write_csv, write_xlsx
from sufficiency.scenario_file import load_scenario
from sufficiency.scenario_report import comparison_json, comparison_text


def _progress(step: int, steps: int, message: str) -> None:
    click.echo(f"[{step}/{steps}] {message}", err=True)


def _fail(error: InputDataError, as_json: bool) -> None:
    if as_json:
        errors = [
            e.as_dict() if hasattr(e, "as_dict") else {"message": str(e)} for e in error.errors
        ]
        click.echo(json.dumps({"ok": False, "errors": errors, "status": 400}, indent=2))
    else:
        click.echo(str(error), err=True)
    raise SystemExit(2)


def _load_all(paths: tuple[str, ...]) -> list:
    scenarios, errors = [], []
    for path in paths:
        try:
            scenarios.append(load_scenario(path))
        except ScenarioError as exc:
            errors.extend(exc.errors)
    if errors:
        count = len(errors)
        raise ScenarioError(
            errors, summary=f"{count} problem{'s' if count != 1 else ''} in the scenario files"
        )
    return scenarios


def _options(command):
    decorators = [
        click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False)),
        click.option(
            "--seed", type=int, default=None, help="Random seed (default: the baseline file's)."
        ),
        click.option(
            "--runs",
            type=click.IntRange(1, 100_000),
            default=None,
            help="Monte Carlo runs (default: the baseline file's, 1000 unless set).",
        ),
        click.option(
            "--as-of",
            "as_of",
            type=click.DateTime(["%Y-%m-%d"]),
            default=None,
            help="Forecast start date (default: the data's as-of date).",
        ),
        click.option(
            "--ssda903",
            "ssda903",
            multiple=True,
            type=click.Path(exists=True),
            help="SSDA903 file or folder (repeat); with --households and --children "
            "instead of the demo council.",
        ),
        click.option(
            "--households",
            type=click.Path(exists=True, dir_okay=False),
            default=None,
            help="Households CSV or xlsx (approved_on/deregistered_on give turnover).",
        ),
        click.option(
            "--children",
            type=click.Path(exists=True, dir_okay=False),
            default=None,
            help="Children looked after now, CSV or xlsx.",
        ),
        click.option("--json", "as_json", is_flag=True, help="Print the result as JSON."),
        click.option(
            "--csv",
            "csv_path",
            type=click.Path(dir_okay=False),
            default=None,
            help="Also write the comparison table to this CSV file.",
        ),
        click.option(
            "--xlsx",
            "xlsx_path",
            type=click.Path(dir_okay=False),
            default=None,
            help="Also write the comparison to this Excel workbook.",
        ),
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


def _inputs(options: dict, as_of: dt.date | None, history_years: int):
    from sufficiency import scenario_data

    given = [name for name in ("ssda903", "households", "children") if options.get(name)]
    if not given:
        return scenario_data.demo_inputs(as_of, history_years, progress=_progress)
    if len(given) < 3:
        missing = ", ".join(
            f"--{n}" for n in ("ssda903", "households", "children") if n not in given
        )
        raise InputDataError(
            [f"council files: {missing} also needed (or none, for the demo council)"]
        )
    return scenario_data.file_inputs(
        options["ssda903"],
        options["households"],
        options["children"],
        as_of,
        history_years,
        progress=_progress,
    )


def _execute(
    files: tuple[str, ...], baseline: str | None, options: dict, side_by_side: bool
) -> None:
    seed, runs, as_json = options["seed"], options["runs"], options["as_json"]
    as_of = options["as_of"].date() if options["as_of"] else None
    paths = ((baseline,) if baseline else ()) + tuple(f for f in files if f != baseline)
    try:
        scenarios = _load_all(paths)
        inputs = _inputs(
            options, as_of or scenarios[0].baseline.as_of, scenarios[0].baseline.history_years
        )
        if side_by_side:
            comparisons = [compare_scenarios(scenarios, inputs, 0, runs, seed, progress=_progress)]
        else:
            comparisons = [
                compare_scenarios([s], inputs, 0, runs, seed, progress=_progress) for s in scenarios
            ]
    except InputDataError as exc:
        _fail(exc, as_json)
        return
    _output(comparisons, as_json, options["csv_path"], options["xlsx_path"])


def _output(
    comparisons: list[Comparison], as_json: bool, csv_path: str | None, xlsx_path: str | None
) -> None:
    if as_json:
        payload = [comparison_json(c) for c in comparisons]
        click.echo(json.dumps({"ok": True, "results": payload}, indent=2))
    else:
        click.echo("\n\n".join(comparison_text(c) for c in comparisons))
    for index, comparison in enumerate(comparisons):
        suffix = "" if len(comparisons) == 1 else f"-{index + 1}"
        if csv_path:
            written = write_csv(comparison, _numbered(csv_path, suffix))
            click.echo(f"Wrote {written}", err=True)
        if xlsx_path:
            written = write_xlsx(comparison, _numbered(xlsx_path, suffix))
            click.echo(f"Wrote {written}", err=True)


def _numbered(path: str, suffix: str) -> Path:
    target = Path(path)
    return target.with_name(f"{target.stem}{suffix}{target.suffix}")


@click.group("scenario")
def scenario() -> None:
    """Commissioners' scenarios: demand levers, supply and overflow, compared with a baseline."""


@scenario.command("run")
@_options
def run_command(files, **options) -> None:
    """Run each scenario FILE on its own: children, gap by type of home, distance and cost."""
    _execute(files, None, options, side_by_side=False)


@scenario.command("compare")
@_options
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False),
    default=None,
    help="Scenario file to compare against (default: the first FILE).",
)
def compare_command(files, baseline, **options) -> None:
    """Run scenario FILEs on the same seed and show them side by side against the baseline."""
    _execute(files, baseline, options, side_by_side=True)


COMMANDS: list[click.Command] = [scenario]
