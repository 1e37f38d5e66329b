"""Joint allocation pages of the referrals blueprint: start one (a background job), see its result.

``start_allocation`` is shared with the JSON API (``POST /api/allocations``).
"""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for

from matching.domain import Referral
from webapp import get_data
from webapp.jobs import get_job_or_404, get_runner
from webapp.referrals import bp


@bp.route("/allocate", methods=["GET", "POST"])
def allocate():
    """Jointly allocate every open referral (a background job); the page shows progress."""
    data = get_data()
    referrals = data.referrals(open_only=True)
    if request.method == "GET":
        return render_template(
            "referrals/allocate.html", title="Joint allocation", referrals=referrals
        )
    job = start_allocation(referrals)
    return redirect(url_for("jobs.show", job_id=job.job_id))


def start_allocation(referrals: list[Referral]):
    """Queue ``matching.allocate.allocate`` over the open referrals and active households."""
    from matching.allocate import allocate as run_allocation
    from matching.context import build_context
    from webapp.sources import gazetteer
    from webapp.store_schools import schools_for_matching

    data = get_data()
    households, policy = data.active_households(), data.policy
    schools = schools_for_matching(data.store)
    time_limit_s = float(current_app.config["ALLOCATION_TIME_LIMIT_S"])

    def work(progress):
        steps = [1]
        progress(0, 10, "Locating households, homes and schools")
        context = build_context(households, referrals, schools=schools, gazetteer=gazetteer())

        def say(message: str) -> None:  # the engine reports steps as messages; show each
            steps[0] = min(steps[0] + 1, 9)
            progress(steps[0], 10, message)

        progress(1, 10, "Searching for the best joint allocation")
        return run_allocation(
            referrals,
            households,
            context,
            policy,
            time_limit_s=time_limit_s,
            explain_time_limit_s=time_limit_s,
            workers=1,
            progress=say,
        )

    return get_runner().submit(
        "allocation",
        f"Joint allocation of {len(referrals)} open referrals",
        work,
        result_endpoint="referrals.allocation_result",
    )


@bp.get("/allocate/<job_id>")
def allocation_result(job_id: str):
    """What each referral got in the joint allocation, and what it gained or gave up."""
    job = get_job_or_404(job_id, kind="allocation")
    if job.status != "done":
        return redirect(url_for("jobs.show", job_id=job_id))
    from matching.allocation_types import TIER_LABELS

    result = job.result
    tiers = list(
        zip(
            TIER_LABELS,
            result.tiers.as_tuple(),
            result.greedy_tiers.as_tuple(),
            result.gains.as_tuple(),
            strict=True,
        )
    )
    return render_template(
        "referrals/allocation.html",
        title="Joint allocation result",
        job=job,
        result=result,
        tiers=tiers,
    )
