"""Command-line adapter: ``placement-planner recruit`` (targets, replayed effect, map table).

Thin wrapper: builds the inputs (``matching.recruit_data``), runs the gap analysis and
``recommend_recruitment``, prints text or JSON and writes the exports. Exit code 2 on bad input.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from matching.gaps import GapAnalysis, analyse_gaps, growth_from_forecast, project_gaps
from matching.recruit import RecruitmentPlan, recommend_recruitment
from matching.recruit_data import (
    RecruitInputs,
    demo_inputs,
    district_anchors,
    file_inputs,
    in_house_weekly_cost_gbp,
    past_referrals,
)
from matching.recruit_export import (
    as_records,
    need_table,
    projected_table,
    returns_table,
    targets_table,
    write_csv,
    write_xlsx,
)
from matching.recruit_report import district_centres, report_text
from sufficiency.errors import InputDataError


def _say(message: str) -> None:
    click.echo(message, err=True)


def _fail(error: InputDataError, as_json: bool) -> None:
    if as_json:
        errors = [
            e.as_dict() if hasattr(e, "as_dict") else {"message": str(e)} for e in error.errors
        ]
        click.echo(json.dumps({"ok": False, "errors": errors, "status": 400}, indent=2))
    else:
        click.echo(str(error), err=True)
    raise SystemExit(2)


def _inputs(ssda903, households, as_of, la_code, policy) -> RecruitInputs:
    if bool(ssda903) != bool(households):
        raise InputDataError(
            ["--ssda903 and --households go together: pass both, or neither for the demo council"]
        )
    if ssda903:
        return file_inputs(
            [Path(p) for p in ssda903], Path(households), as_of, la_code or "", policy, _say
        )
    return demo_inputs(as_of, policy, _say)


def _project(
    analysis: GapAnalysis,
    inputs: RecruitInputs,
    scenario: str | None,
    months: int,
    runs: int,
    seed: int,
) -> GapAnalysis:
    """Scale the unmet need by the forecast's change per age band (the scenario's, if given)."""
    from sufficiency.scenario_demand import FittedDemand

    adjustments, name = None, "baseline forecast"
    demand = FittedDemand(inputs.history, inputs.as_of)
    if scenario:
        from sufficiency.scenario_file import load_scenario
        from sufficiency.scenarios import demand_adjustments

        loaded = load_scenario(scenario)
        adjustments, name = demand_adjustments(loaded, demand), f"scenario {loaded.name!r}"
    _say(f"forecasting {months} months ({runs} runs, seed {seed}) for the projection")
    forecast = demand.simulate(adjustments, months, runs, seed)
    note = (
        f"{name}, {months} months ahead, {runs} runs, seed {seed}: "
        "recent unmet need a year scaled by each "
        "age band's forecast change in children in foster care and children's homes"
    )
    return project_gaps(analysis, growth_from_forecast(forecast, months), note)


@click.command("recruit")
@click.option(
    "--budget",
    type=click.IntRange(1, 50),
    default=10,
    show_default=True,
    help="Most new households to recruit.",
)
@click.option(
    "--years",
    type=click.FloatRange(0.25, 5),
    default=2.0,
    show_default=True,
    help="Years of past placements to replay.",
)
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Last day of the replayed years (default: the demo's or the files' date).",
)
@click.option(
    "--ssda903",
    multiple=True,
    type=click.Path(exists=True),
    help="SSDA903 files or folders (repeatable); with --households.",
)
@click.option(
    "--households",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="households.csv/.xlsx (for the in-house weekly cost).",
)
@click.option(
    "--la-code",
    default=None,
    help="The council's DfE LA number (default: the demo's, or the "
    "LA most children's homes are in).",
)
@click.option(
    "--policy",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Matching policy TOML (default: the packaged one).",
)
@click.option(
    "--project", is_flag=True, help="Also project the unmet need with the baseline forecast."
)
@click.option(
    "--scenario",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Project with this scenario's demand levers (implies --project).",
)
@click.option(
    "--months",
    type=click.IntRange(1, 120),
    default=12,
    show_default=True,
    help="Projection horizon [months].",
)
@click.option(
    "--runs",
    type=click.IntRange(1, 10000),
    default=200,
    show_default=True,
    help="Forecast runs for the projection.",
)
@click.option("--seed", type=int, default=20261123, show_default=True, help="Forecast random seed.")
@click.option(
    "--time-limit",
    type=click.FloatRange(0.1, 600),
    default=5.0,
    show_default=True,
    help="Solver time per stage [s].",
)
@click.option("--json", "as_json", is_flag=True, help="JSON instead of text.")
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the ranked targets to this CSV file.",
)
@click.option(
    "--districts-csv",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the unmet need per postcode district (with map centres) to this CSV file.",
)
@click.option(
    "--xlsx",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write targets, returns and every unmet-need table to this Excel workbook.",
)
def recruit(
    budget,
    years,
    as_of,
    ssda903,
    households,
    la_code,
    policy,
    project,
    scenario,
    months,
    runs,
    seed,
    time_limit,
    as_json,
    csv_path,
    districts_csv,
    xlsx,
) -> None:
    """Which foster households to recruit, and where, to meet the need the council could not."""
    try:
        inputs = _inputs(ssda903, households, as_of.date() if as_of else None, la_code, policy)
        past = past_referrals(inputs, years)
        window_start = inputs.as_of - dt.timedelta(days=round(365 * years))
        analysis = analyse_gaps(past, inputs.as_of, window_start)
        if project or scenario:
            analysis = _project(analysis, inputs, scenario, months, runs, seed)
    except InputDataError as error:
        _fail(error, as_json)
        return
    _say(
        f"{len(analysis.unmet)} of {len(past)} past referrals fell short; "
        f"choosing up to {budget} households"
    )
    anchors = district_anchors({p.district for p in analysis.unmet}, inputs.la_code)
    plan = recommend_recruitment(
        past,
        anchors,
        inputs.policy,
        budget=budget,
        weekly_cost_gbp=in_house_weekly_cost_gbp(inputs),
        area_name=inputs.area_name,
        time_limit_s=time_limit,
        progress=_say,
    )
    centres = district_centres([c.key for c in analysis.by_district])
    _write(plan, analysis, centres, csv_path, districts_csv, xlsx)
    if as_json:
        click.echo(json.dumps(_json(plan, analysis, centres, inputs), indent=2))
    else:
        click.echo(report_text(plan, analysis, inputs.area_name, inputs.source))


def _write(plan, analysis, centres, csv_path, districts_csv, xlsx) -> None:
    if csv_path:
        _say(f"wrote {write_csv(targets_table(plan), csv_path)}")
    if districts_csv:
        table = need_table(analysis.by_district, "district", centres)
        _say(f"wrote {write_csv(table, districts_csv)}")
    if xlsx:
        _say(f"wrote {write_xlsx(plan, analysis, centres, xlsx)}")


def _json(
    plan: RecruitmentPlan, analysis: GapAnalysis, centres, inputs: RecruitInputs
) -> dict[str, object]:
    return {
        "ok": True,
        "source": inputs.source,
        "area": inputs.area_name,
        "as_of": inputs.as_of.isoformat(),
        "window_start": analysis.window_start.isoformat(),
        "budget": plan.budget,
        "past_referrals": len(analysis.past),
        "unmet_referrals": len(analysis.unmet),
        "unmet_total": analysis.total.as_dict(),
        "targets": as_records(targets_table(plan)),
        "returns": as_records(returns_table(plan)),
        "unmet_by_district": as_records(need_table(analysis.by_district, "district", centres)),
        "unmet_by_age_band": as_records(need_table(analysis.by_age_band, "age_band")),
        "unmet_by_need": as_records(need_table(analysis.by_need, "need")),
        "unmet_by_sibling_group_size": as_records(
            need_table(analysis.by_sibling_group_size, "sibling_group_size")
        ),
        "projected": as_records(projected_table(analysis)) if analysis.projected else [],
        "projection_note": analysis.projection_note,
        "profiles_considered": plan.profiles_considered,
        "messages": list(plan.messages),
    }


COMMANDS: list[click.Command] = [recruit]
