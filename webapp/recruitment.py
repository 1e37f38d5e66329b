"""Recruitment blueprint: the gaps (need the council could not meet well, by source, age band,
need, sibling group and district, with the unmet-need map), and the recommended households
with their replayed effect and diminishing returns (a background job).

Calls ``matching.gaps`` and ``matching.recruit`` on the store's SSDA903 history, households,
recorded decisions and open referrals;
the request reading and the job are in ``webapp.recruitment_requests`` (shared with the API).
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for

from sufficiency.errors import InputDataError
from webapp import get_data
from webapp.charts import bar_chart
from webapp.jobs import get_job_or_404, get_runner
from webapp.maps import MapMarker, district_outlines, placement_map
from webapp.planning_inputs import long_date
from webapp.recruitment_requests import (
    DEFAULT_BUDGET,
    DEFAULT_YEARS,
    MAX_BUDGET,
    current_gaps,
    start_recruitment,
)

bp = Blueprint("recruitment", __name__, url_prefix="/recruitment")
NAVIGATION = ("Recruitment", "recruitment.index")


def unmet_map(gaps, new_households=()):
    """Unmet need by home postcode district (labelled with children); a district that gets a
    recommended household is a diamond naming it (drawn once, so labels never overlap)."""
    from matching.domain import GridPoint

    data = get_data()
    recruits: dict[str, list[str]] = {}
    for household in new_households:
        recruits.setdefault(household.postcode.split(" ")[0], []).append(household.household_id)
    markers = []
    for count in gaps.analysis.by_district:
        centre = gaps.centres.get(count.key)
        if centre is None:
            continue
        ids = recruits.pop(count.key, [])
        shortfalls = ", ".join(f"{n} {k}" for k, n in count.by_shortfall.items() if n)
        note = f"{count.children} children in {count.referrals} referrals ({shortfalls})"
        markers.append(
            MapMarker(
                f"{count.key}: {count.children}" + (f" ({', '.join(ids)})" if ids else ""),
                f"Postcode district {count.key}"
                + (f", recommended household {', '.join(ids)}" if ids else ""),
                GridPoint(*centre),
                "chosen" if ids else "full",
                note,
            )
        )
    for district, ids in recruits.items():  # recruits in districts with no unmet need
        point = data.locate(district)
        if point is not None:
            label = ", ".join(ids)
            markers.append(
                MapMarker(label, f"Recommended household {label}", point, "chosen", district)
            )
    outlines = ()
    if current_app.config["MAP_DISTRICT_OUTLINES"] and data.council_la_code:
        outlines = district_outlines(data.council_la_code)
    return placement_map(
        "Unmet need by home postcode district",
        markers,
        outlines=outlines,
        description="Map of the council's postcode districts. Each point is the centre of a "
        "district that children came from whose placement fell short, labelled with the "
        "number of children; purple diamonds mark districts given a recommended household.",
    )


def _render_gaps(values, errors, status: int = 200):
    gaps = current_gaps(get_data(), years=DEFAULT_YEARS)
    return render_template(
        "recruitment/index.html",
        title="Recruitment: gaps",
        gaps=gaps,
        a=gaps.analysis,
        chart=unmet_map(gaps),
        values=values,
        errors=errors,
        default_budget=DEFAULT_BUDGET,
        max_budget=MAX_BUDGET,
        default_years=DEFAULT_YEARS,
        long_date=long_date,
        source_names=source_names(),
        recent=[j for j in get_runner().jobs() if j.kind == "recruitment"][:10],
    ), status


def source_names() -> dict[str, str]:
    """How the pages name each gap source: as the CLI report does."""
    from matching.recruit_report import SOURCE_NAMES

    return {str(source): name for source, name in SOURCE_NAMES.items()}


@bp.get("/")
def index():
    """The gap analysis over the last two years, the map, and the recommendation form."""
    return _render_gaps({}, [])


@bp.post("/")
def run():
    """Start the recommendation job; problems go back on the page (400)."""
    try:
        job = start_recruitment(request.form)
    except InputDataError as error:
        return _render_gaps(request.form, error.errors, 400)
    return redirect(url_for("jobs.show", job_id=job.job_id))


def finished_plan(job_id: str):
    job = get_job_or_404(job_id, kind="recruitment")
    return job.result if job.status == "done" else None


def returns_chart(plan):
    """Diminishing returns: children better placed added by each extra household."""
    labels, extra, before = [], [], 0
    for step in plan.steps:
        labels.append(f"Household {step.budget} ({step.household.household_id})")
        extra.append(step.effect.children_better_placed - before)
        before = step.effect.children_better_placed
    return bar_chart(
        "Children better placed added by each new household",
        labels,
        [("Extra children better placed", extra)],
        unit="children",
        description="Bar chart of how many more children each additional recommended "
        "household would have placed better in the replayed years: the returns diminish.",
    )


@bp.get("/<job_id>")
def result(job_id: str):
    """The ranked targets in words, the replay by number of households, and the map."""
    run_ = finished_plan(job_id)
    if run_ is None:
        return redirect(url_for("jobs.show", job_id=job_id))
    return render_template(
        "recruitment/result.html",
        title="Recruitment recommendations",
        job_id=job_id,
        run=run_,
        plan=run_.plan,
        a=run_.gaps.analysis,
        chart=unmet_map(run_.gaps, run_.plan.households),
        returns=returns_chart(run_.plan) if run_.plan.steps else None,
        long_date=long_date,
    )


@bp.get("/<job_id>/recruitment.<fmt>")
def export(job_id: str, fmt: str):
    """The targets as CSV, or every table (targets, returns, unmet need) as Excel."""
    from webapp.recruitment_requests import send_plan

    run_ = finished_plan(job_id)
    if run_ is None:
        return redirect(url_for("jobs.show", job_id=job_id))
    if fmt not in ("csv", "xlsx", "districts.csv"):
        abort(404, description=f"There is no {fmt!r} export: choose csv, districts.csv or xlsx.")
    return send_plan(run_, fmt)
