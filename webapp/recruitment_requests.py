"""What the recruitment pages and API run: the gap analysis over the store's SSDA903 history,
recorded decisions and today's open referrals (``matching.recruit_data.gap_referrals``, as the
CLI; in the request) and the recommendation job (``matching.recruit.recommend_recruitment``),
plus their downloads.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sufficiency.errors import FieldError, InputDataError
from webapp import get_data
from webapp.jobs import get_runner
from webapp.planning_inputs import load_history, long_date, whole_number

DEFAULT_BUDGET = 10
MAX_BUDGET = 30
DEFAULT_YEARS = 2
MAX_YEARS = 5
TIME_LIMIT_S = 5.0  # per solver stage (the optimiser, each replay)
SOURCE = "recruitment"


@dataclass(frozen=True, slots=True)
class Gaps:
    """The unmet need over the replayed years, with what it was worked out from."""

    inputs: object  # matching.recruit_data.RecruitInputs
    past: tuple  # of matching.gaps.PastReferral
    analysis: object  # matching.gaps.GapAnalysis
    centres: dict  # postcode district -> (easting, northing) [m]
    years: int
    note: str
    source_notes: tuple = ()
    """What the de-duplication of decisions and open referrals against the history left out."""


@dataclass(frozen=True, slots=True)
class RecruitmentRun:
    """A finished recommendation: the plan and the gaps it answers."""

    plan: object  # matching.recruit.RecruitmentPlan
    gaps: Gaps
    budget: int


def recruit_inputs(data, stored):
    """``RecruitInputs`` over the store: its history, households (with the children placed in
    them now, from the children table), referrals, recorded decisions, council and policy."""
    from matching.recruit_data import RecruitInputs
    from sufficiency.costs import load_unit_costs

    costs = load_unit_costs()
    return RecruitInputs(
        history=stored.history,
        households=tuple(data.households()),
        as_of=stored.start,
        la_code=data.council_la_code,
        area_name=area_name(data.council_la_code) or data.council_name or "the council's area",
        policy=data.policy,
        unit_costs_gbp={p: costs.weekly_cost_gbp(p) for p in costs.costs},
        source="the service's store",
        referrals=tuple(data.referrals()),
        decisions=tuple(data.store.list_decisions()),
    )


def area_name(la_code: str) -> str:
    """The LA's own name for the targets' words ("anywhere in Haringey"); '' if unknown."""
    from webapp.sources import gazetteer

    try:
        return gazetteer().local_authority(la_code).la_name if la_code else ""
    except (KeyError, ValueError):
        return ""


def current_gaps(data, years: int = DEFAULT_YEARS) -> Gaps:
    """The gaps of the last ``years`` from every source, as the CLI finds them: placements
    rebuilt from the store's SSDA903 history, recorded decisions that fell short and today's
    open referrals no household can take well, the casework de-duplicated against the history."""
    from matching.gaps import analyse_gaps
    from matching.recruit_data import gap_referrals
    from matching.recruit_report import district_centres

    stored = load_history(data.store, data.as_of, source=SOURCE)
    inputs = recruit_inputs(data, stored)
    past, notes = gap_referrals(inputs, years)
    start = inputs.as_of - dt.timedelta(days=round(365 * years))
    analysis = analyse_gaps(past, inputs.as_of, max(start, stored.history.data_start))
    centres = district_centres([c.key for c in analysis.by_district])
    return Gaps(inputs, tuple(past), analysis, centres, years, stored.note, tuple(notes))


def parse_recruitment_request(values) -> tuple[int, int]:
    """(budget, years) from a form or JSON body; ``InputDataError`` lists every problem."""
    errors: list[FieldError] = []
    budget = whole_number(
        values, "budget", "Households to recruit", 1, MAX_BUDGET, DEFAULT_BUDGET, errors, SOURCE
    )
    years = whole_number(
        values, "years", "Years to replay", 1, MAX_YEARS, DEFAULT_YEARS, errors, SOURCE
    )
    if errors:
        raise InputDataError(errors)
    return budget, years


def start_recruitment(values):
    """Check the request and rebuild the gaps now; choose and replay households in a job."""
    from matching.recruit import recommend_recruitment
    from matching.recruit_data import district_anchors, in_house_weekly_cost_gbp

    budget, years = parse_recruitment_request(values)
    gaps = current_gaps(get_data(), years)
    inputs = gaps.inputs
    if not gaps.analysis.unmet:
        raise InputDataError(
            [
                FieldError(
                    SOURCE,
                    None,
                    "years",
                    f"No placement in the last {years} year(s) fell short, so there is nothing "
                    "to recruit for",
                    expected="more years to replay",
                )
            ]
        )

    def work(progress):
        steps = [0]

        def say(message: str) -> None:  # the engine reports stages as messages
            steps[0] = min(steps[0] + 1, 2 * budget + 2)
            progress(steps[0], 2 * budget + 3, message)

        say("Choosing where new households would help most")
        anchors = district_anchors({p.district for p in gaps.analysis.unmet}, inputs.la_code)
        plan = recommend_recruitment(
            gaps.past,
            anchors,
            inputs.policy,
            budget=budget,
            weekly_cost_gbp=in_house_weekly_cost_gbp(inputs),
            area_name=inputs.area_name,
            time_limit_s=TIME_LIMIT_S,
            workers=1,
            progress=say,
        )
        return RecruitmentRun(plan, gaps, budget)

    title = (
        f"Recruitment: up to {budget} households, replaying {long_date(gaps.analysis.window_start)}"
        f" to {long_date(inputs.as_of)}"
    )
    return get_runner().submit("recruitment", title, work, result_endpoint="recruitment.result")


def plan_to_dict(run: RecruitmentRun) -> dict[str, object]:
    """The CLI's JSON (``matching.recruit_cli``) for the API, from the same tables."""
    from matching.recruit_export import as_records, need_table, returns_table, targets_table

    analysis = run.gaps.analysis
    return {
        **gaps_to_dict(run.gaps),
        "budget": run.budget,
        "targets": as_records(targets_table(run.plan)),
        "returns": as_records(returns_table(run.plan)),
        "unmet_by_district": as_records(
            need_table(analysis.by_district, "district", run.gaps.centres)
        ),
        "profiles_considered": run.plan.profiles_considered,
        "messages": list(run.plan.messages),
    }


def gaps_to_dict(gaps: Gaps) -> dict[str, object]:
    """The gap analysis as JSON: totals and every unmet-need table (districts with centres)."""
    from matching.recruit_export import as_records, need_table

    a = gaps.analysis
    return {
        "area": gaps.inputs.area_name,
        "as_of": gaps.inputs.as_of.isoformat(),
        "window_start": a.window_start.isoformat(),
        "note": gaps.note,
        "source_notes": list(gaps.source_notes),
        "past_referrals": len(a.past),
        "unmet_referrals": len(a.unmet),
        "unmet_total": a.total.as_dict(),
        "unmet_by_source": as_records(need_table(a.by_source, "source")),
        "unmet_by_district": as_records(need_table(a.by_district, "district", gaps.centres)),
        "unmet_by_age_band": as_records(need_table(a.by_age_band, "age_band")),
        "unmet_by_need": as_records(need_table(a.by_need, "need")),
        "unmet_by_sibling_group_size": as_records(
            need_table(a.by_sibling_group_size, "sibling_group_size")
        ),
    }


def send_plan(run: RecruitmentRun, fmt: str):
    """``csv``: the targets; ``districts.csv``: unmet need by district; ``xlsx``: every table."""
    from matching.recruit_export import need_table, targets_table, write_csv, write_xlsx
    from webapp.forecast_export import CSV_TYPE, XLSX_TYPE, attachment

    stem = f"recruitment-{run.gaps.inputs.as_of.isoformat()}"
    with tempfile.TemporaryDirectory() as folder:
        if fmt == "xlsx":
            path = write_xlsx(
                run.plan, run.gaps.analysis, run.gaps.centres, Path(folder) / "r.xlsx"
            )
            return attachment(path.read_bytes(), f"{stem}.xlsx", XLSX_TYPE)
        if fmt == "districts.csv":
            rows = need_table(run.gaps.analysis.by_district, "district", run.gaps.centres)
            path = write_csv(rows, Path(folder) / "d.csv")
            return attachment(path.read_bytes(), f"{stem}-districts.csv", CSV_TYPE)
        path = write_csv(targets_table(run.plan), Path(folder) / "t.csv")
        return attachment(path.read_bytes(), f"{stem}-targets.csv", CSV_TYPE)
