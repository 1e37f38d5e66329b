"""Gap analysis: need the council could not meet well, by age band, need, group size, district.

Counts past referrals (``matching.gaps_history``, ``matching.gaps_casework``) whose children
went to an agency or a children's home, more than 20 miles from home or out of the area, apart
from their siblings, or to no household, per source, and projects that need forward with a
forecast's change by age band. Pure: no files or solver.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from matching.gaps_types import (
    NO_NEED,
    REPLAYED_TYPES,
    GapSource,
    PastPlacement,
    PastReferral,
    Shortfall,
    district_of,
)
from sufficiency.domain import AgeBand, PlacementType


@dataclass(frozen=True, slots=True)
class NeedCount:
    """Unmet need in one cell of a table (an age band, a need, a group size or a district)."""

    key: str
    referrals: int
    """Past referrals with a shortfall [referrals]."""
    children: int
    """Their children [children] (for age bands: children in the band)."""
    by_shortfall: Mapping[str, int]
    """Children per shortfall (a child can have several) [children]."""
    agency_weeks: float
    """Child-weeks in agency foster care [weeks]."""
    residential_weeks: float
    """Child-weeks in children's homes [weeks]."""
    cost_gbp: float
    """Cost of those placements up to the as-of date [GBP]."""
    by_source: Mapping[str, int] = field(default_factory=lambda: {str(s): 0 for s in GapSource})
    """Children per gap source (``GapSource``: history, decision, open) [children]."""

    def as_dict(self) -> dict[str, object]:
        return {
            "key": self.key,
            "referrals": self.referrals,
            "children": self.children,
            "by_shortfall": dict(self.by_shortfall),
            "by_source": dict(self.by_source),
            "agency_weeks": round(self.agency_weeks, 1),
            "residential_weeks": round(self.residential_weeks, 1),
            "cost_gbp": round(self.cost_gbp),
        }


@dataclass(frozen=True, slots=True)
class ProjectedNeed:
    """Unmet need a year, now and projected, for one age band."""

    age_band: AgeBand
    children_per_year_now: float
    """Children a year in past referrals with a shortfall [children/year]."""
    growth: float
    """Forecast children looked after at the horizon over now, for the band [ratio]."""
    children_per_year_projected: float
    """``children_per_year_now * growth`` [children/year]."""


@dataclass(frozen=True, slots=True)
class GapAnalysis:
    """Unmet need now (from history and casework) and, when a forecast is given, projected."""

    as_of: dt.date
    window_start: dt.date
    past: tuple[PastReferral, ...]
    """Every rebuilt past referral, met or not."""
    by_age_band: tuple[NeedCount, ...]
    by_need: tuple[NeedCount, ...]
    by_sibling_group_size: tuple[NeedCount, ...]
    by_district: tuple[NeedCount, ...]
    total: NeedCount
    by_source: tuple[NeedCount, ...] = ()
    """One row per gap source present (history, decision, open), in that order."""
    projected: tuple[ProjectedNeed, ...] = ()
    projection_note: str = ""

    @property
    def unmet(self) -> tuple[PastReferral, ...]:
        return tuple(p for p in self.past if p.unmet)

    @property
    def years(self) -> float:
        return max(1, (self.as_of - self.window_start).days) / 365


def _count(key: str, items: Sequence[tuple[PastReferral, int]]) -> NeedCount:
    """Totals over (referral, children counted) pairs; weeks and cost are per referral."""
    shortfalls: dict[str, int] = {str(s): 0 for s in Shortfall}
    sources: dict[str, int] = {str(s): 0 for s in GapSource}
    for past, children in items:
        for shortfall in past.shortfalls:
            shortfalls[str(shortfall)] += children
        sources[str(past.source)] += children
    return NeedCount(
        key=key,
        referrals=len(items),
        children=sum(n for _, n in items),
        by_shortfall=shortfalls,
        agency_weeks=sum(p.weeks_in(PlacementType.AGENCY_FOSTERING) for p, _ in items),
        residential_weeks=sum(p.weeks_in(PlacementType.CHILDRENS_HOME) for p, _ in items),
        cost_gbp=sum(p.cost_gbp for p, _ in items),
        by_source=sources,
    )


def _table(
    unmet: Sequence[PastReferral],
    keys: Callable[[PastReferral], Iterable[tuple[str, int]]],
    order: Sequence[str] | None = None,
) -> tuple[NeedCount, ...]:
    cells: dict[str, list[tuple[PastReferral, int]]] = {}
    for past in unmet:
        for key, children in keys(past):
            cells.setdefault(key, []).append((past, children))
    rows = [_count(k, v) for k, v in cells.items()]
    if order is not None:
        return tuple(sorted(rows, key=lambda r: order.index(r.key)))
    return tuple(sorted(rows, key=lambda r: (-r.children, r.key)))


def _bands(past: PastReferral) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for band in past.age_bands():
        counts[str(band)] = counts.get(str(band), 0) + 1
    return list(counts.items())


def analyse_gaps(
    past: Sequence[PastReferral], as_of: dt.date, window_start: dt.date
) -> GapAnalysis:
    """Tables of the unmet need in past referrals, each sorted by children (bands in age order).

    A referral counts once in each table; in the need table once per distinct essential need
    (``"no recorded need"`` when none); in the age band table once per band of its children.
    """
    unmet = [p for p in past if p.unmet]
    return GapAnalysis(
        as_of=as_of,
        window_start=window_start,
        past=tuple(past),
        by_age_band=_table(unmet, _bands, [str(b) for b in AgeBand]),
        by_need=_table(unmet, lambda p: [(n, p.children) for n in p.needs()]),
        by_sibling_group_size=_table(
            unmet, lambda p: [(str(p.children), p.children)], [str(n) for n in range(1, 50)]
        ),
        by_district=_table(unmet, lambda p: [(p.district or "unknown", p.children)]),
        total=_count("all", [(p, p.children) for p in unmet]),
        by_source=_table(
            unmet, lambda p: [(str(p.source), p.children)], [str(s) for s in GapSource]
        ),
    )


def project_gaps(
    analysis: GapAnalysis, growth_by_age_band: Mapping[AgeBand, float], note: str
) -> GapAnalysis:
    """The analysis with projected unmet need a year: now's rate times each band's growth.

    The forecast has no geography, needs or sibling groups, so those keep their recent shares;
    only the volume by age band changes. Today's open referrals are a snapshot, not part of
    the flow over the window, so the rate a year leaves them out.
    """
    flow = [p for p in analysis.unmet if p.source != GapSource.OPEN]
    per_band = {row.key: row.children / analysis.years for row in _table(flow, _bands)}
    projected = tuple(
        ProjectedNeed(
            band,
            per_band.get(str(band), 0.0),
            growth_by_age_band.get(band, 1.0),
            per_band.get(str(band), 0.0) * growth_by_age_band.get(band, 1.0),
        )
        for band in AgeBand
    )
    return replace(analysis, projected=projected, projection_note=note)


def growth_from_forecast(forecast: object, months_ahead: int = 12) -> dict[AgeBand, float]:
    """Each band's forecast children in foster care or children's homes ``months_ahead`` months
    on, over the first forecast month (medians over runs) [ratio]; 1.0 for a band with none.

    ``forecast`` is a ``sufficiency.distribution.ForecastDistribution`` (a forecast's, or a
    scenario result's ``.forecast``).
    """
    import numpy as np

    selected = forecast.select(lambda state: state.placement_type in REPLAYED_TYPES)  # type: ignore[attr-defined]
    growth: dict[AgeBand, float] = {}
    for band, counts in selected.by_age_band().items():
        month = min(months_ahead, counts.shape[1]) - 1
        now, later = float(np.median(counts[:, 0])), float(np.median(counts[:, month]))
        growth[band] = later / now if now > 0 else 1.0
    return growth


__all__ = [
    "NO_NEED",
    "REPLAYED_TYPES",
    "GapAnalysis",
    "GapSource",
    "NeedCount",
    "PastPlacement",
    "PastReferral",
    "ProjectedNeed",
    "Shortfall",
    "analyse_gaps",
    "district_of",
    "growth_from_forecast",
    "project_gaps",
]
