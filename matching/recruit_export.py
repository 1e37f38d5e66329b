"""Exports of a recruitment plan: targets, diminishing returns and unmet need per district.

Plain tables (header row first) shared by the CSV files, the Excel workbook and the JSON
output. The district table carries each district's centre (British National Grid) so a map
can draw it without GeoJSON. Ids and districts only: no names, dates of birth or postcodes.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from pathlib import Path

from matching.gaps import GapAnalysis, GapSource, NeedCount, Shortfall
from matching.recruit import RecruitmentPlan

Row = list[object]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: object) -> object:
    """Text made inert for spreadsheets (a leading quote); numbers pass through unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def targets_table(plan: RecruitmentPlan) -> list[Row]:
    """One row per recruitment target, in rank order."""
    rows: list[Row] = [
        [
            "rank",
            "households",
            "target",
            "age_min_years",
            "age_max_years",
            "siblings_together",
            "places_each",
            "skills",
            "where",
            "household_ids",
            "children_better_placed",
            "saved_gbp",
        ]
    ]
    for t in plan.targets:
        rows.append(
            [
                t.rank,
                t.households,
                t.text,
                t.profile.age_min_years,
                t.profile.age_max_years,
                t.profile.max_sibling_group if t.profile.for_sibling_groups else "",
                t.profile.places,
                "; ".join(sorted(str(s) for s in t.profile.skills)),
                t.where,
                " ".join(t.household_ids),
                t.children_better_placed,
                t.saved_gbp,
            ]
        )
    return rows


def returns_table(plan: RecruitmentPlan) -> list[Row]:
    """The replayed effect of the first N households, N = 1, 2, ... (diminishing returns)."""
    rows: list[Row] = [
        [
            "households",
            "added",
            "added_profile",
            "children_better_placed",
            "extra_children",
            "children_brought_within_20_miles",
            "sibling_groups_kept_together",
            "open_referral_children_placed",
            "agency_weeks_avoided",
            "residential_weeks_avoided",
            "saved_gbp",
            "extra_saved_gbp",
            "replay_status",
            "chosen_by",
            "optimiser_status",
            "children_bound",
            "greedy_children",
            "optimiser_children",
        ]
    ]
    before_children, before_saved = 0, 0
    for step in plan.steps:
        e = step.effect
        rows.append(
            [
                step.budget,
                step.household.household_id,
                f"{step.profile.describe()} ({step.profile.district})",
                e.children_better_placed,
                e.children_better_placed - before_children,
                e.children_brought_within_20_miles,
                e.sibling_groups_kept_together,
                e.open_referrals_placed,
                round(e.agency_weeks_avoided, 1),
                round(e.residential_weeks_avoided, 1),
                e.saved_gbp,
                e.saved_gbp - before_saved,
                e.status,
                step.chosen_by,
                step.solver_status,
                step.bound_children,
                step.greedy_children,
                step.optimiser_children,
            ]
        )
        before_children, before_saved = e.children_better_placed, e.saved_gbp
    return rows


def need_table(
    counts: Sequence[NeedCount],
    key_name: str,
    centres: Mapping[str, tuple[float, float]] | None = None,
) -> list[Row]:
    """Unmet need per key (district, age band, need, group size or source), with map centres if
    given. ``children_history``/``_decision``/``_open`` split the children by gap source."""
    head: Row = [
        key_name,
        "referrals",
        "children",
        *[f"children_{s}" for s in GapSource],
        *[str(s) for s in Shortfall],
        "agency_weeks",
        "residential_weeks",
        "cost_gbp",
    ]
    if centres is not None:
        head += ["easting_m", "northing_m"]
    rows = [head]
    for count in counts:
        row: Row = [
            count.key,
            count.referrals,
            count.children,
            *[count.by_source[str(s)] for s in GapSource],
            *[count.by_shortfall[str(s)] for s in Shortfall],
            round(count.agency_weeks, 1),
            round(count.residential_weeks, 1),
            round(count.cost_gbp),
        ]
        if centres is not None:
            east, north = centres.get(count.key, ("", ""))
            row += [east if east == "" else round(east), north if north == "" else round(north)]
        rows.append(row)
    return rows


def projected_table(analysis: GapAnalysis) -> list[Row]:
    rows: list[Row] = [
        ["age_band", "children_per_year_now", "growth", "children_per_year_projected"]
    ]
    for p in analysis.projected:
        rows.append(
            [
                str(p.age_band),
                round(p.children_per_year_now, 1),
                round(p.growth, 3),
                round(p.children_per_year_projected, 1),
            ]
        )
    return rows


def write_csv(rows: Sequence[Row], path: str | Path) -> Path:
    """One table as a UTF-8 CSV file (text made inert for spreadsheets)."""
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        for row in rows:
            writer.writerow([safe_text(cell) for cell in row])
    return path


def write_xlsx(
    plan: RecruitmentPlan,
    analysis: GapAnalysis,
    centres: Mapping[str, tuple[float, float]],
    path: str | Path,
) -> Path:
    """A workbook: Targets, Returns, and unmet need by district, age band, need, group size."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    sheets = [
        ("Targets", targets_table(plan)),
        ("Returns", returns_table(plan)),
        ("Unmet need by district", need_table(analysis.by_district, "district", centres)),
        ("By source", need_table(analysis.by_source, "source")),
        ("By age band", need_table(analysis.by_age_band, "age_band")),
        ("By need", need_table(analysis.by_need, "need")),
        ("By sibling group size", need_table(analysis.by_sibling_group_size, "sibling_group_size")),
    ]
    if analysis.projected:
        sheets.append(("Projected", projected_table(analysis)))
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append([safe_text(cell) for cell in row])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    path = Path(path)
    workbook.save(path)
    return path


def as_records(rows: Sequence[Row]) -> list[dict[str, object]]:
    """A table as a list of dicts keyed by its header (for JSON)."""
    head = [str(h) for h in rows[0]]
    return [dict(zip(head, row, strict=True)) for row in rows[1:]]


def plan_json(
    plan: RecruitmentPlan,
    analysis: GapAnalysis,
    centres: Mapping[str, tuple[float, float]],
    inputs: object,
    notes: Sequence[str] = (),
) -> dict[str, object]:
    """The whole plan as the JSON body of ``placement-planner recruit --json`` (and the API).

    ``inputs`` is a ``matching.recruit_data.RecruitInputs`` (its source, area and date).
    """
    return {
        "ok": True,
        "source": inputs.source,  # type: ignore[attr-defined]
        "area": inputs.area_name,  # type: ignore[attr-defined]
        "as_of": analysis.as_of.isoformat(),
        "window_start": analysis.window_start.isoformat(),
        "budget": plan.budget,
        "past_referrals": len(analysis.past),
        "unmet_referrals": len(analysis.unmet),
        "unmet_total": analysis.total.as_dict(),
        "unmet_by_source": as_records(need_table(analysis.by_source, "source")),
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
        "messages": [*notes, *plan.messages],
    }
