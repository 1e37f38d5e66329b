"""Supply model: places by type of home, approval type and distance, month by month.

Fostering places follow carer recruitment and attrition; children's home and supported
accommodation beds follow openings and closures. Pure numpy over given inputs: estimating the
inputs from a council's households is ``sufficiency.supply_estimates``; placing children is
``sufficiency.supply_overflow``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from sufficiency.domain import PlacementType
from sufficiency.scenario_domain import (
    ApprovalType,
    BedChange,
    CarerChange,
    CarerProvider,
    HomeType,
    LocalityChange,
    OverflowRules,
)

_FOSTERING = {
    CarerProvider.IN_HOUSE: HomeType.IN_HOUSE_FOSTERING,
    CarerProvider.AGENCY: HomeType.AGENCY_FOSTERING,
}


@dataclass(frozen=True, slots=True)
class PlaceGroup:
    """Places of one type of home with one approval type, within 20 miles or further away.

    ``approval`` is ``None`` for beds (children's homes take any age; supported
    accommodation takes 16-17 year olds). Fostering approvals hold only specialist skills.
    """

    home_type: HomeType
    within_20_miles: bool
    approval: ApprovalType | None = None

    @property
    def label(self) -> str:
        where = "within 20 miles" if self.within_20_miles else "over 20 miles"
        if self.approval is None:
            return f"{self.home_type} ({where})"
        a = self.approval
        skills = f", {'/'.join(sorted(a.skills))}" if a.skills else ""
        siblings = f", siblings up to {a.max_sibling_group}" if a.max_sibling_group > 1 else ""
        return (
            f"{self.home_type} ages {a.age_min_years}-{a.age_max_years}{siblings}{skills} ({where})"
        )


@dataclass(frozen=True, slots=True)
class FosteringPool:
    """One provider's fostering households at the as-of date and their turnover.

    ``places_by_approval`` [places] at the start; ``recruited_per_year`` [households per
    year], arriving with approvals in the proportions ``recruit_mix`` (shares summing to 1)
    and ``places_per_household`` [places]; ``lost_share_per_year`` [0-1] of places leave each
    year; ``within_20_miles_share`` [0-1] of recruits' places are within 20 miles of
    children's homes, ``start_within_20_miles_share`` [0-1] of the starting places.
    """

    places_by_approval: Mapping[ApprovalType, float]
    recruited_per_year: float
    lost_share_per_year: float
    places_per_household: float
    recruit_mix: Mapping[ApprovalType, float]
    within_20_miles_share: float
    start_within_20_miles_share: float | None = None

    @property
    def start_share(self) -> float:
        """Share of the starting places within 20 miles (default: as for recruits)."""
        if self.start_within_20_miles_share is None:
            return self.within_20_miles_share
        return self.start_within_20_miles_share

    def __post_init__(self) -> None:
        if not 0 <= self.lost_share_per_year <= 1:
            raise ValueError(f"lost_share_per_year: {self.lost_share_per_year} must be 0-1")
        if not 0 <= self.within_20_miles_share <= 1:
            raise ValueError(f"within_20_miles_share: {self.within_20_miles_share} must be 0-1")
        if self.recruit_mix and abs(sum(self.recruit_mix.values()) - 1) > 1e-6:
            raise ValueError("recruit_mix: shares must sum to 1")


@dataclass(frozen=True, slots=True)
class SupplyBaseline:
    """Everything the supply model starts from (estimated or set by the scenario).

    ``beds`` [beds] and ``within_20_miles_share`` [0-1] are by type of home
    (``start_within_20_miles_share`` for the beds open at the start, if different);
    ``other_within_20_miles_share`` [0-1] covers placement types without a place count
    (kinship, placed with parents, ...). ``sibling_share`` and ``specialist_share`` [0-1]
    are the parts of foster care demand needing sibling places or specialist skills.
    """

    in_house: FosteringPool
    agency: FosteringPool
    beds: Mapping[HomeType, float]
    within_20_miles_share: Mapping[HomeType, float]
    start_within_20_miles_share: Mapping[HomeType, float] = field(
        default_factory=lambda: MappingProxyType({})
    )
    other_within_20_miles_share: Mapping[PlacementType, float] = field(
        default_factory=lambda: MappingProxyType({})
    )
    sibling_share: float = 0.0
    specialist_share: float = 0.0
    specialist_skills: frozenset[str] = frozenset()
    overflow: OverflowRules = field(default_factory=OverflowRules)

    def pool(self, provider: CarerProvider) -> FosteringPool:
        return self.in_house if provider == CarerProvider.IN_HOUSE else self.agency


@dataclass(frozen=True, slots=True)
class Capacity:
    """Places available each forecast month [places], shape (months, groups), labelled by groups."""

    groups: tuple[PlaceGroup, ...]
    places: np.ndarray

    def of_type(self, home_type: HomeType) -> np.ndarray:
        """Places of one type of home per month [places], shape (months,)."""
        idx = [i for i, g in enumerate(self.groups) if g.home_type == home_type]
        return self.places[:, idx].sum(axis=1)


def build_capacity(baseline: SupplyBaseline, levers: tuple, horizon_months: int) -> Capacity:
    """Places by group for forecast months 1..horizon_months.

    Rules:
      - Fostering places of each approval type shrink by the provider's attrition each month,
        ``(1 - lost_share_per_year) ** (1/12)``, and grow by recruits: ``recruited_per_year / 12``
        households a month, shared out by ``recruit_mix``, each with ``places_per_household``.
      - A ``CarerChange`` adds recruits with its own approval type from its start month (a
        negative number reduces the baseline recruitment, never below zero) and scales the
        provider's attrition by ``1 + lost_change_percent / 100``.
      - ``BedChange`` opens or closes beds from its start month (never below zero beds).
      - ``LocalityChange`` sets a type of home's share within 20 miles from its start month.

    Returns
    -------
    Capacity
        ``places`` [places], shape (horizon_months, groups).
    """
    columns: dict[PlaceGroup, np.ndarray] = {}
    for provider in CarerProvider:
        carer_levers = [
            lv for lv in levers if isinstance(lv, CarerChange) and lv.provider == provider
        ]
        _add(
            columns,
            _fostering_places(baseline.pool(provider), provider, carer_levers, horizon_months),
        )
    for home_type in (HomeType.CHILDRENS_HOME, HomeType.SUPPORTED_ACCOMMODATION):
        beds = [lv for lv in levers if isinstance(lv, BedChange) and lv.home_type == home_type]
        _add(columns, _bed_places(baseline, home_type, beds, horizon_months))
    for lever in (lv for lv in levers if isinstance(lv, LocalityChange)):
        _relocate(columns, lever, horizon_months)
    groups = tuple(columns)
    places = (
        np.stack([columns[g] for g in groups], axis=1) if groups else np.zeros((horizon_months, 0))
    )
    return Capacity(groups=groups, places=np.maximum(places, 0.0))


def _add(columns: dict, new: dict) -> None:
    for group, values in new.items():
        columns[group] = columns[group] + values if group in columns else values


def _fostering_places(
    pool: FosteringPool, provider: CarerProvider, levers: list, months: int
) -> dict[PlaceGroup, np.ndarray]:
    """Places per (approval, distance) group for one provider's households."""
    home_type = _FOSTERING[provider]
    keep = np.full(months, (1 - pool.lost_share_per_year) ** (1 / 12))
    for lever in levers:
        lost = min(1.0, pool.lost_share_per_year * (1 + lever.lost_change_percent / 100))
        keep[lever.start_month - 1 :] = (1 - max(0.0, lost)) ** (1 / 12)
    base_rate = np.full(months, pool.recruited_per_year / 12)
    for lever in (lv for lv in levers if lv.recruited_per_year < 0):
        base_rate[lever.start_month - 1 :] += lever.recruited_per_year / 12
    base_rate = np.maximum(base_rate, 0.0)
    inflows: dict[tuple[ApprovalType, float], tuple[float, np.ndarray]] = {}
    start_share = pool.start_share
    for approval in set(pool.places_by_approval) | set(pool.recruit_mix):
        monthly = base_rate * pool.recruit_mix.get(approval, 0.0) * pool.places_per_household
        _inflow(inflows, (approval, start_share), pool.places_by_approval.get(approval, 0.0), 0.0)
        _inflow(inflows, (approval, pool.within_20_miles_share), 0.0, monthly)
    for lever in (lv for lv in levers if lv.recruited_per_year > 0):
        monthly = np.zeros(months)
        places = lever.places_per_household or pool.places_per_household
        monthly[lever.start_month - 1 :] = lever.recruited_per_year / 12 * places
        share = (
            pool.within_20_miles_share
            if lever.within_20_miles_percent is None
            else (lever.within_20_miles_percent / 100)
        )
        _inflow(inflows, (lever.approval, share), 0.0, monthly)
    columns: dict[PlaceGroup, np.ndarray] = {}
    for (approval, share), (start, monthly) in inflows.items():
        total = _accumulate(start, monthly, keep)
        _add(
            columns,
            {
                PlaceGroup(home_type, True, approval): total * share,
                PlaceGroup(home_type, False, approval): total * (1 - share),
            },
        )
    return columns


def _inflow(inflows: dict, key: tuple, start: float, monthly: np.ndarray | float) -> None:
    before_start, before_monthly = inflows.get(key, (0.0, 0.0))
    inflows[key] = (before_start + start, before_monthly + monthly)


def _accumulate(start: float, monthly_inflow: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Stock at each month end: last month's stock times ``keep`` plus this month's inflow."""
    stock = np.empty(len(keep))
    level = start
    inflows = np.broadcast_to(np.asarray(monthly_inflow, dtype=float), keep.shape)
    for month, (inflow, kept) in enumerate(zip(inflows, keep, strict=True)):
        level = level * kept + inflow
        stock[month] = level
    return stock


def _bed_places(
    baseline: SupplyBaseline, home_type: HomeType, levers: list, months: int
) -> dict[PlaceGroup, np.ndarray]:
    share = baseline.start_within_20_miles_share.get(
        home_type, baseline.within_20_miles_share.get(home_type, 0.0)
    )
    start = baseline.beds.get(home_type, 0.0)
    near = np.full(months, start * share)
    far = np.full(months, start * (1 - share))
    for lever in levers:
        target = near if lever.within_20_miles else far
        target[lever.start_month - 1 :] += lever.beds
    return {PlaceGroup(home_type, True): near, PlaceGroup(home_type, False): far}


def _relocate(columns: dict, lever: LocalityChange, months: int) -> None:
    """From the lever's month, split each approval type's places by the new share."""
    share = lever.within_20_miles_percent / 100
    frm = lever.start_month - 1
    approvals = {g.approval for g in columns if g.home_type == lever.home_type}
    for approval in approvals:
        near_group = PlaceGroup(lever.home_type, True, approval)
        far_group = PlaceGroup(lever.home_type, False, approval)
        near = columns.get(near_group, np.zeros(months))
        far = columns.get(far_group, np.zeros(months))
        total = np.maximum(near, 0) + np.maximum(far, 0)
        near, far = near.copy(), far.copy()
        near[frm:], far[frm:] = total[frm:] * share, total[frm:] * (1 - share)
        columns[near_group], columns[far_group] = near, far
