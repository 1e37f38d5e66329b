"""Command-line adapter: ``placement-planner recruit`` (targets, replayed effect, map table).

Thin wrapper: builds the inputs (``matching.recruit_data``): the SSDA903 history, recorded
decisions and open referrals; runs the gap analysis and ``recommend_recruitment``, prints text
or JSON and writes the exports. Exit code 2 on bad input.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from matching.gaps import GapSource, analyse_gaps
from matching.recruit import recommend_recruitment
from matching.recruit_data import (
    RecruitInputs,
    demo_inputs,
    district_anchors,
    gap_referrals,
    in_house_weekly_cost_gbp,
)
from matching.recruit_export import need_table, plan_json, targets_table, write_csv, write_xlsx
from matching.recruit_files import file_inputs
from matching.recruit_projection import project_analysis
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


def _inputs(ssda903, households, casework, as_of, la_code, policy) -> RecruitInputs:
    referrals, decisions, children = casework
    if bool(ssda903) != bool(households):
        raise InputDataError(
            ["--ssda903 and --households go together: pass both, or neither for the demo council"]
        )
    if (referrals or decisions or children) and not ssda903:
        raise InputDataError(
            [
                "--referrals, --decisions and --children go with --ssda903 and --households "
                "(the demo council has its own)"
            ]
        )
    if decisions and not referrals:
        raise InputDataError(["--decisions needs --referrals: the referrals they decided"])
    if ssda903:
        return file_inputs(
            [Path(p) for p in ssda903],
            Path(households),
            as_of,
            la_code or "",
            policy,
            _say,
            Path(referrals) if referrals else None,
            Path(decisions) if decisions else None,
            Path(children) if children else None,
        )
    return demo_inputs(as_of, policy, _say)


def _sources(text: str) -> tuple[GapSource, ...]:
    names = [n.strip().lower() for n in text.split(",") if n.strip()]
    known = {str(s): s for s in GapSource}
    unknown = [n for n in names if n not in known]
    if unknown or not names:
        raise InputDataError(
            [
                f"--sources: {', '.join(unknown) or 'nothing'} is not a gap source; "
                f"use one or more of {', '.join(known)} separated by commas"
            ]
        )
    return tuple(known[n] for n in names)


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
    "--referrals",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="referrals.csv/.xlsx: today's open referrals (and those the decisions answer).",
)
@click.option(
    "--decisions",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="decisions.csv/.xlsx: recorded placement decisions (with --referrals).",
)
@click.option(
    "--children",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="children.csv/.xlsx: who lives in which household now (the vacancies open "
    "referrals are allocated to).",
)
@click.option(
    "--sources",
    default="history,decision,open",
    show_default=True,
    help="Gap sources to use, separated by commas: history, decision, open.",
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
    referrals,
    decisions,
    children,
    sources,
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
        chosen = _sources(sources)
        casework = (referrals, decisions, children)
        day = as_of.date() if as_of else None
        inputs = _inputs(ssda903, households, casework, day, la_code, policy)
        past, notes = gap_referrals(inputs, years, chosen, _say)
        window_start = inputs.as_of - dt.timedelta(days=round(365 * years))
        analysis = analyse_gaps(past, inputs.as_of, window_start)
        if project or scenario:
            analysis = project_analysis(analysis, inputs, scenario, (months, runs, seed), _say)
    except InputDataError as error:
        _fail(error, as_json)
        return
    for note in notes:
        _say(note)
    _say(
        f"{len(analysis.unmet)} of {len(past)} referrals fell short; "
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
        body = plan_json(plan, analysis, centres, inputs, notes)
        click.echo(json.dumps(body, indent=2))
    else:
        click.echo(report_text(plan, analysis, inputs.area_name, inputs.source, notes))


def _write(plan, analysis, centres, csv_path, districts_csv, xlsx) -> None:
    if csv_path:
        _say(f"wrote {write_csv(targets_table(plan), csv_path)}")
    if districts_csv:
        table = need_table(analysis.by_district, "district", centres)
        _say(f"wrote {write_csv(table, districts_csv)}")
    if xlsx:
        _say(f"wrote {write_xlsx(plan, analysis, centres, xlsx)}")


COMMANDS: list[click.Command] = [recruit]
