"""A shortlist as JSON-ready dicts and as text lines, for the CLI and the web API.

Presentation only: every number comes from the ``Shortlist``; nothing is recomputed. Homes
are shown by masked postcode only.
"""

from __future__ import annotations

from matching.postcodes import mask_postcode
from matching.scoring import ScoreBreakdown
from matching.shortlist import Shortlist, ShortlistEntry, Unsuitable, WhyNot


def breakdown_dict(item: ScoreBreakdown) -> dict[str, object]:
    """Every component of one score, with miles as numbers and needs as lists."""
    return {
        "household_id": item.household_id,
        "option": item.option_label,
        "child_ids": list(item.child_ids),
        "provider": str(item.provider),
        "tier": item.tier,
        "total": item.total,
        "components": item.components,
        "siblings_together": item.siblings_together,
        "miles_from_home": item.miles_from_home,
        "beyond_threshold": item.beyond_threshold,
        "in_area": item.in_area,
        "schools": [
            {
                "child_id": s.child_id,
                "school_urn": s.school_urn,
                "key_stage": s.key_stage,
                "miles_to_school": None if s.distance_tenths is None else s.distance_tenths / 10,
                "limit_miles": s.limit_tenths / 10,
                "keeps_school": s.keeps_school,
            }
            for s in item.schools
        ],
        "connected": item.connected,
        "essential_needs_met": [str(n) for n in item.essential_needs],
        "desirable_needs_met": [{"child_id": c, "need": str(n)} for c, n in item.desirable_met],
        "desirable_needs_unmet": [{"child_id": c, "need": str(n)} for c, n in item.desirable_unmet],
        "language_matches": item.language_matches,
        "religion_matches": item.religion_matches,
        "ethnicity_matches": item.ethnicity_matches,
        "wishes_met": [{"child_id": c, "wish": str(w)} for c, w in item.wishes_met],
        "wishes_unmet": [{"child_id": c, "wish": str(w)} for c, w in item.wishes_unmet],
        "weekly_cost_gbp": item.weekly_cost_gbp,
    }


def _entry_dict(entry: ShortlistEntry) -> dict[str, object]:
    return {"rank": entry.rank, "reason": entry.reason, **breakdown_dict(entry.breakdown)}


def _unsuitable_dict(item: Unsuitable) -> dict[str, object]:
    return {
        "household_id": item.household_id,
        "failures": [{"rule": f.code, "reason": f.reason} for f in item.failures],
    }


def shortlist_dict(shortlist: Shortlist, unsuitable_limit: int | None = None) -> dict[str, object]:
    """The whole shortlist, JSON-ready (``{"ok": true, ...}``)."""
    referral, policy = shortlist.referral, shortlist.policy
    return {
        "ok": True,
        "referral_id": referral.referral_id,
        "children": len(referral.children),
        "placement_kind": str(referral.placement_kind),
        "start_date": referral.start_date.isoformat(),
        "home": mask_postcode(referral.home_postcode),
        "council_la_code": policy.council_la_code,
        "threshold_miles": policy.threshold_miles,
        "note": shortlist.note,
        "options": [
            {
                "option": ranked.option.label,
                "child_ids": list(ranked.option.child_ids),
                "suitable_count": ranked.suitable_count,
                "unsuitable_count": ranked.unsuitable_count,
                "entries": [_entry_dict(e) for e in ranked.entries],
                "not_suitable": [
                    _unsuitable_dict(u) for u in shortlist.not_suitable(index, unsuitable_limit)
                ],
            }
            for index, ranked in enumerate(shortlist.options)
        ],
    }


def why_not_dict(item: WhyNot) -> dict[str, object]:
    return {
        "household_id": item.household_id,
        "sentence": item.sentence,
        "options": [
            {
                "option": v.option_label,
                "suitable": v.suitable,
                "rank": v.rank,
                "suitable_count": v.suitable_count,
                "failures": [{"rule": f.code, "reason": f.reason} for f in v.failures],
                "breakdown": None if v.breakdown is None else breakdown_dict(v.breakdown),
            }
            for v in item.verdicts
        ],
    }


def _school_cell(item: ScoreBreakdown) -> str:
    if not item.schools:
        return "-"
    return f"{item.children_keeping_school}/{len(item.schools)}"


def shortlist_lines(shortlist: Shortlist, unsuitable_limit: int | None = 20) -> list[str]:
    """The shortlist as a text table with reasons, then the "not suitable" list per option."""
    referral = shortlist.referral
    lines = [
        f"Referral {referral.referral_id}: {referral.size} child(ren), {referral.placement_kind}, "
        f"start {referral.start_date.isoformat()}, home {mask_postcode(referral.home_postcode)}",
        shortlist.note,
    ]
    header = "  #  household    tier  score  miles school  carer     GBP/wk"
    for index, ranked in enumerate(shortlist.options):
        lines += [
            "",
            f"{ranked.option.label.capitalize()} ({', '.join(ranked.option.child_ids)}): "
            f"{ranked.suitable_count} suitable, {ranked.unsuitable_count} not suitable",
        ]
        if ranked.entries:
            lines.append(header)
        for entry in ranked.entries:
            item = entry.breakdown
            lines.append(
                f"{entry.rank:>3}  {item.household_id:<12} {item.tier:>4} {item.total:>6} "
                f"{item.miles_from_home:>6.1f} {_school_cell(item):>6}  {item.provider:<9} "
                f"{item.weekly_cost_gbp:>6.0f}"
            )
            lines.append(f"     {entry.reason}")
        unsuitable = shortlist.not_suitable(index, unsuitable_limit)
        if unsuitable:
            lines.append(f"Not suitable ({ranked.option.label}):")
            lines += [
                f"  {u.household_id}: " + "; ".join(f"[{f.code}] {f.reason}" for f in u.failures)
                for u in unsuitable
            ]
            hidden = ranked.unsuitable_count - len(unsuitable)
            if hidden > 0:
                lines.append(f"  ... and {hidden} more (--all-unsuitable or --json lists them all)")
    return lines
