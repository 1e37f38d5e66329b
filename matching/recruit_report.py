"""Plain-text report of a recruitment plan for the terminal, and the district centres for the map.

Formatting only (and one geography look-up for district centres); no solving.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from matching.gaps import GapAnalysis, GapSource, NeedCount, Shortfall
from matching.recruit import RecruitmentPlan


def district_centres(districts: Iterable[str]) -> dict[str, tuple[float, float]]:
    """Each postcode district's centre (easting, northing) [m]; unknown districts are left out."""
    from matching.geo import Gazetteer

    gazetteer = Gazetteer.default()
    centres = {}
    for district in districts:
        try:
            point = gazetteer.locate_district(district).point
        except ValueError:
            continue
        centres[district] = (point.easting_m, point.northing_m)
    return centres


def _money(value: float) -> str:
    return f"GBP {value:,.0f}"


#: How the text names each gap source.
SOURCE_NAMES = {
    GapSource.HISTORY: "placement history",
    GapSource.DECISION: "recorded decisions",
    GapSource.OPEN: "open referrals today",
}


def _shortfall_words(count: NeedCount) -> str:
    return ", ".join(
        f"{count.by_shortfall[str(s)]} {s}" for s in Shortfall if count.by_shortfall[str(s)]
    )


def _line(count: NeedCount, by_source: bool) -> str:
    """One row; with ``by_source``, the children from history / decisions / open referrals."""
    split = ""
    if by_source:
        split = "  [" + "/".join(f"{count.by_source[str(s)]:>3}" for s in GapSource) + "]"
    return (
        f"  {count.key:<30} {count.children:>4} children in {count.referrals:>3} referrals"
        f"{split}  ({_shortfall_words(count) or 'none'})"
    )


def _gap_lines(analysis: GapAnalysis) -> list[str]:
    total = analysis.total
    lines = [
        f"Unmet need: {len(analysis.unmet)} of {len(analysis.past)} referrals "
        f"({total.children} children) "
        "fell short of a local in-house home with their siblings:",
        "  " + _shortfall_words(total),
        f"  {total.agency_weeks:,.0f} child-weeks in agency care, "
        f"{total.residential_weeks:,.0f} in children's "
        f"homes; {_money(total.cost_gbp)} to date",
        "",
        "By source:",
        *[
            f"  {SOURCE_NAMES[GapSource(row.key)]:<30} {row.children:>4} children in "
            f"{row.referrals:>3} referrals  ({_shortfall_words(row) or 'none'})"
            for row in analysis.by_source
        ],
    ]
    by_source = any(row.key != GapSource.HISTORY for row in analysis.by_source)
    if by_source:
        lines += ["", "Children per source in [history/decisions/open] below."]
    for title, rows in (
        ("By age band", analysis.by_age_band),
        ("By need", analysis.by_need),
        ("By sibling group size", analysis.by_sibling_group_size),
        ("By home postcode district (the map)", analysis.by_district[:10]),
    ):
        lines += ["", f"{title}:"] + [_line(r, by_source) for r in rows]
    if analysis.projected:
        lines += ["", f"Projected ({analysis.projection_note}):"]
        lines += [
            f"  {p.age_band.value:<8} {p.children_per_year_now:5.1f} a year now -> "
            f"{p.children_per_year_projected:5.1f} a year (x{p.growth:.2f})"
            for p in analysis.projected
        ]
    return lines


def _plan_lines(plan: RecruitmentPlan) -> list[str]:
    if not plan.steps:
        return ["", "No recruitment target: " + "; ".join(plan.messages)]
    lines = ["", f"Recruitment targets (budget {plan.budget}, ranked):"]
    for target in plan.targets:
        lines.append(
            f"  {target.rank}. {target.text}: "
            f"{target.children_better_placed} children better placed, "
            f"{_money(target.saved_gbp)} saved in the replay"
        )
    lines += [
        "",
        "Replayed effect of the first N households (diminishing returns):",
        "   N  added   children  +more  within 20mi  siblings  open now  agency wks  home wks"
        "   saved GBP  chosen by (bound)",
    ]
    before = 0
    for step in plan.steps:
        e = step.effect
        lines.append(
            f"  {step.budget:>2}  {step.household.household_id:<6} {e.children_better_placed:>9} "
            f"{e.children_better_placed - before:>6} {e.children_brought_within_20_miles:>12} "
            f"{e.sibling_groups_kept_together:>9} {e.open_referrals_placed:>9} "
            f"{e.agency_weeks_avoided:>11,.0f} "
            f"{e.residential_weeks_avoided:>9,.0f} {e.saved_gbp:>11,}  {_chosen(step)}"
        )
        before = e.children_better_placed
    return lines + [f"  {m}" for m in plan.messages]


def _chosen(step) -> str:
    """Whose household was kept, and the optimiser's proven ceiling when it is not reached."""
    by = {"optimiser and greedy": "both"}.get(step.chosen_by, step.chosen_by)
    if step.proven:
        return f"{by} (proven)"
    bound = "none" if step.bound_children is None else f"<= {step.bound_children}"
    return f"{by} ({bound}, time limit)"


def report_text(
    plan: RecruitmentPlan,
    analysis: GapAnalysis,
    area_name: str,
    source: str,
    notes: Sequence[str] = (),
) -> str:
    """The whole report: unmet need, targets in words, and the replayed diminishing returns."""
    head = (
        f"Recruitment targeting for {area_name} ({source}): "
        f"placements from {analysis.window_start} "
        f"to {analysis.as_of} and today's casework, replayed with new in-house households"
    )
    notes_lines = [f"  {n}" for n in notes]
    return "\n".join([head, *notes_lines, "", *_gap_lines(analysis), *_plan_lines(plan)])
