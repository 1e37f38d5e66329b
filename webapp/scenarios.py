"""Scenarios blueprint: choose scenario files (or upload one), run them side by side against a
baseline in a background job, and read the sufficiency gap by type of home, children more
than 20 miles from home and cost, with intervals; export CSV/Excel.

Parsing and the job live in ``webapp.scenario_requests`` (shared with the JSON API).
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for

from sufficiency.errors import InputDataError
from webapp import get_data
from webapp.charts import FanSeries, bar_chart, fan_chart
from webapp.jobs import get_job_or_404, get_runner
from webapp.planning_inputs import long_date, month_label
from webapp.scenario_requests import (
    DEFAULT_RUNS,
    MAX_RUNS,
    MAX_SCENARIOS,
    SCENARIOS_DIR,
    UPLOAD,
    library,
    start_comparison,
)

bp = Blueprint("scenarios", __name__, url_prefix="/scenarios")
NAVIGATION = ("Scenarios", "scenarios.index")
#: Sections of the comparison shown first, in this order; the rest follow.
HEADLINE_SECTIONS = (
    "Sufficiency gap by type of home (+ = too few places)",
    "Distance",
    "Cost",
)


def uploaded_file():
    """The form's uploaded scenario as (file name, bytes), or None when none was chosen."""
    upload = request.files.get("scenario_file")
    if upload is None or not upload.filename:
        return None
    return upload.filename, upload.read()


@bp.get("/")
def index():
    """The scenario library with its descriptions, and the comparison form."""
    return _render_form({}, [])


def _render_form(values, errors, status: int = 200):
    entries = library()
    chosen = values.getlist("files") if hasattr(values, "getlist") else []
    return render_template(
        "scenarios/index.html",
        title="Compare scenarios",
        entries=entries,
        chosen=chosen or [e.filename for e in entries if e.scenario is not None][:2],
        baseline=values.get("baseline", "baseline.toml"),
        values=values,
        errors=errors,
        default_runs=DEFAULT_RUNS,
        max_runs=MAX_RUNS,
        max_scenarios=MAX_SCENARIOS,
        upload=UPLOAD,
        recent=[j for j in get_runner().jobs() if j.kind == "scenarios"][:10],
        as_of=get_data().as_of,
        long_date=long_date,
    ), status


@bp.post("/")
def run():
    """Start the comparison and show its progress; problems go back on the form (400)."""
    try:
        job = start_comparison(request.form, uploaded_file())
    except InputDataError as error:
        return _render_form(request.form, error.errors, 400)
    return redirect(url_for("jobs.show", job_id=job.job_id))


@bp.get("/files/<filename>")
def show_file(filename: str):
    """One scenario file: what it changes, in the commissioner's words, and its TOML text."""
    entry = next((e for e in library() if e.filename == filename), None)
    if entry is None:
        abort(404, description=f"There is no scenario file {filename!r}.")
    text = (SCENARIOS_DIR / entry.filename).read_text(encoding="utf-8")
    return render_template(
        "scenarios/file.html", title=f"Scenario {entry.filename}", entry=entry, text=text
    )


def finished_comparison(job_id: str):
    job = get_job_or_404(job_id, kind="scenarios")
    return job.result if job.status == "done" else None


def sentence(text: str) -> str:
    """First letter up, the rest as written ("UASC" stays "UASC")."""
    return text[:1].upper() + text[1:]


def comparison_charts(run) -> dict[str, list]:
    """Bar charts of the headline measures (medians) and a fan chart per scenario."""
    comparison = run.comparison
    names = list(comparison.scenarios)
    gaps = [r for r in comparison.rows if r.measure.startswith("gap: ")]
    bars = [
        bar_chart(
            "Too few places by type of home at the end (median)",
            [sentence(r.measure.removeprefix("gap: ")) for r in gaps],
            [(name, [max(r.values[i].median, 0.0) for r in gaps]) for i, name in enumerate(names)],
            unit="children",
            description="Children needing each type of home beyond its places, for each "
            "scenario (0 when there are enough places; the table gives spare places as "
            "negative gaps, and the ranges).",
        )
    ]
    for measure, unit, decimals in (
        ("% more than 20 miles from home", "%", 1),
        ("cost over the forecast", "GBP million", 1),
    ):
        row = comparison.row(measure)
        bars.append(
            bar_chart(
                f"{sentence(measure)} (median)",
                names,
                [(sentence(measure), [v.median for v in row.values])],
                unit=unit,
                decimals=decimals,
                description=f"{sentence(measure)} for each scenario.",
            )
        )
    labels = [month_label(d) for d in run.month_ends]
    fans = []
    for name in names:
        p10, p25, p50, p75, p90 = run.fans[name]["children looked after"]
        fans.append(
            fan_chart(
                f"Children looked after: {name}",
                labels,
                FanSeries(p10, p50, p90, p25=p25, p75=p75),
                width=460,
                description=f"Children looked after each month in the scenario {name}: "
                "median line with P25 to P75 and P10 to P90 bands.",
            )
        )
    return {"bars": bars, "fans": fans}


def ordered_sections(comparison) -> list[tuple[str, list]]:
    """The comparison's rows grouped by section, the headline sections first."""
    sections: dict[str, list] = {}
    for row in comparison.rows:
        sections.setdefault(row.section, []).append(row)
    first = [s for s in HEADLINE_SECTIONS if s in sections]
    return [(s, sections[s]) for s in first + [s for s in sections if s not in first]]


@bp.get("/<job_id>")
def result(job_id: str):
    """The scenarios side by side, with intervals and the change from the baseline."""
    run_ = finished_comparison(job_id)
    if run_ is None:
        return redirect(url_for("jobs.show", job_id=job_id))
    return render_template(
        "scenarios/result.html",
        title="Scenario comparison",
        job_id=job_id,
        run=run_,
        c=run_.comparison,
        sections=ordered_sections(run_.comparison),
        charts=comparison_charts(run_),
        long_date=long_date,
    )


@bp.get("/<job_id>/comparison.<fmt>")
def export(job_id: str, fmt: str):
    """The comparison as CSV, or Excel with an "About" sheet (seed, runs, assumptions)."""
    from sufficiency.scenario_export import to_csv
    from webapp.forecast_export import CSV_TYPE, attachment, comparison_xlsx

    run_ = finished_comparison(job_id)
    if run_ is None:
        return redirect(url_for("jobs.show", job_id=job_id))
    stem = f"scenarios-{run_.comparison.as_of.isoformat()}"
    if fmt == "csv":
        return attachment(to_csv(run_.comparison).encode("utf-8"), f"{stem}.csv", CSV_TYPE)
    if fmt == "xlsx":
        return comparison_xlsx(run_.comparison, f"{stem}.xlsx")
    abort(404, description=f"There is no {fmt!r} export: choose csv or xlsx.")
