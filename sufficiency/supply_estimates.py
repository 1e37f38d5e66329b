"""Estimate the supply model's starting point from a council's households and children.

Recruitment and attrition come from households' ``approved_on`` / ``deregistered_on`` over the
history window; shares within 20 miles from children's home and placement postcodes (through a
caller-supplied distance function). Scenario settings override any estimate. No file access.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from types import MappingProxyType

from matching.domain import Household, LookedAfterChild, ProviderType
from sufficiency.domain import AgeBand, PlacementType
from sufficiency.scenario_domain import ApprovalType, CarerProvider, HomeType, SupplySettings
from sufficiency.supply import FosteringPool, SupplyBaseline

DistanceFunction = Callable[[str, str], "float | None"]
THRESHOLD_MILES = 20.0
#: England, 31 March 2023: 58,390 children placed within 20 miles of home and 17,630 further
#: (distance unknown excluded). DfE "Children looked after in England including adoptions
#: 2023", national_cla_on_31_march_by_placement_distance_and_placement_locality.csv.
NATIONAL_WITHIN_20_MILES_SHARE = 58_390 / (58_390 + 17_630)
_PROVIDERS = {
    ProviderType.IN_HOUSE: CarerProvider.IN_HOUSE,
    ProviderType.AGENCY: CarerProvider.AGENCY,
}


@dataclass(frozen=True, slots=True)
class SupplyEstimate:
    """The supply baseline and, for each figure, where it came from (for reports)."""

    baseline: SupplyBaseline
    notes: tuple[str, ...]


def active_on(household: Household, day: dt.date) -> bool:
    """Approved on or before ``day`` and not deregistered by then."""
    approved = household.approved_on is None or household.approved_on <= day
    return approved and (household.deregistered_on is None or household.deregistered_on > day)


def approval_of(household: Household, specialist_skills: frozenset[str]) -> ApprovalType:
    """The household's approval, snapped to the age bands it covers, with specialist skills only."""
    probe = ApprovalType(household.approved_age_min, household.approved_age_max)
    bands = [b for b in AgeBand if probe.covers(b)] or [AgeBand.for_age(household.approved_age_min)]
    skills = frozenset(str(s) for s in household.skills) & specialist_skills
    return ApprovalType(
        bands[0].min_age_years, bands[-1].max_age_years, min(household.max_sibling_group, 2), skills
    )


def estimate_supply(
    households: Iterable[Household],
    children: Iterable[LookedAfterChild],
    as_of: dt.date,
    settings: SupplySettings,
    history_years: int = 3,
    distance_miles: DistanceFunction | None = None,
) -> SupplyEstimate:
    """Starting places, turnover and shares, estimated unless ``settings`` gives them.

    Rules:
      - Places: approved places of households active on ``as_of``; a household on hold offers
        only the places its children already fill.
      - Recruited per year: households approved in the ``history_years`` before ``as_of``,
        divided by ``history_years``; their approvals give the mix of new places.
      - Lost per year: deregistrations in the window over household-years active in it
        (a rate ``r``), as a yearly share ``1 - exp(-r)``.
      - Beds: children in children's homes (or supported accommodation) on ``as_of``.
      - Shares within 20 miles: children of each type with both postcodes known; the England
        2023 share (76.8 %) when none are known.
    """
    households, children = list(households), list(children)
    notes: list[str] = []
    local = _local_shares(children, distance_miles, settings, notes)
    pools = {
        provider: _pool(
            households, provider, as_of, settings, history_years, local[_home_type(provider)], notes
        )
        for provider in CarerProvider
    }
    beds = {
        HomeType.CHILDRENS_HOME: _beds(
            children, PlacementType.CHILDRENS_HOME, settings.childrens_home_beds, notes
        ),
        HomeType.SUPPORTED_ACCOMMODATION: _beds(
            children,
            PlacementType.SUPPORTED_ACCOMMODATION,
            settings.supported_accommodation_beds,
            notes,
        ),
    }
    places_now = {
        HomeType.IN_HOUSE_FOSTERING: _total(pools[CarerProvider.IN_HOUSE]),
        HomeType.AGENCY_FOSTERING: _total(pools[CarerProvider.AGENCY]),
        **beds,
    }
    start_local = _start_shares(children, local, places_now, settings)
    pools = {
        provider: replace(pool, start_within_20_miles_share=start_local[_home_type(provider)])
        for provider, pool in pools.items()
    }
    sibling, specialist = _need_shares(children, settings, notes)
    baseline = SupplyBaseline(
        in_house=pools[CarerProvider.IN_HOUSE],
        agency=pools[CarerProvider.AGENCY],
        beds=MappingProxyType(beds),
        within_20_miles_share=MappingProxyType({h: local[h] for h in HomeType}),
        start_within_20_miles_share=MappingProxyType(start_local),
        other_within_20_miles_share=MappingProxyType({p: local[p] for p in PlacementType}),
        sibling_share=sibling,
        specialist_share=specialist,
        specialist_skills=settings.specialist_skills,
        overflow=settings.overflow,
    )
    return SupplyEstimate(baseline=baseline, notes=tuple(notes))


def _total(pool: FosteringPool) -> float:
    return float(sum(pool.places_by_approval.values()))


def _start_shares(
    children: list[LookedAfterChild],
    local: dict,
    places: dict[HomeType, float],
    settings: SupplySettings,
) -> dict[HomeType, float]:
    """Share of today's places within 20 miles: the places children living within 20 miles fill.

    Spare places count as further away: had they been local, the children placed far today
    would probably be in them. A share set in the scenario is used as it is.
    """
    shares = {}
    for home_type in HomeType:
        if settings.within_20_miles_percent.get(home_type) is not None or places[home_type] <= 0:
            shares[home_type] = local[home_type]
            continue
        living = sum(1 for c in children if c.placement_type == home_type.placement_type)
        shares[home_type] = min(1.0, local[home_type] * living / places[home_type])
    return shares


def _home_type(provider: CarerProvider) -> HomeType:
    return (
        HomeType.IN_HOUSE_FOSTERING
        if provider == CarerProvider.IN_HOUSE
        else HomeType.AGENCY_FOSTERING
    )


def _pool(
    households: list[Household],
    provider: CarerProvider,
    as_of: dt.date,
    settings: SupplySettings,
    years: int,
    local_share: float,
    notes: list[str],
) -> FosteringPool:
    own = [h for h in households if _PROVIDERS.get(h.provider) == provider]
    active = [h for h in own if active_on(h, as_of)]
    skills = settings.specialist_skills
    places: Counter[ApprovalType] = Counter()
    for h in active:
        places[approval_of(h, skills)] += len(h.placed_children) if h.on_hold else h.approved_places
    start = as_of - dt.timedelta(days=round(365.25 * years))
    recruits = [h for h in own if h.approved_on is not None and start < h.approved_on <= as_of]
    mix: Counter[ApprovalType] = Counter()
    for h in recruits or active:
        mix[approval_of(h, skills)] += h.approved_places
    total_mix = sum(mix.values())
    per_household = sum(h.approved_places for h in active) / len(active) if active else 1.0
    recruited = getattr(settings, f"{provider.name.lower()}_recruited_per_year")
    lost = getattr(settings, f"{provider.name.lower()}_lost_percent_per_year")
    if recruited is None:
        recruited = len(recruits) / years
        notes.append(
            f"{provider} recruitment: {recruited:.1f} households a year "
            f"({len(recruits)} approved in the {years} years to {as_of.isoformat()})"
        )
    if lost is None:
        lost_share, text = _attrition(own, start, as_of)
        notes.append(f"{provider} attrition: {100 * lost_share:.1f}% of households a year ({text})")
    else:
        lost_share = lost / 100
    notes.append(
        f"{provider} places: {sum(places.values()):.0f} in {len(active)} active households"
    )
    return FosteringPool(
        places_by_approval=MappingProxyType({a: float(n) for a, n in places.items()}),
        recruited_per_year=float(recruited),
        lost_share_per_year=lost_share,
        places_per_household=per_household,
        recruit_mix=MappingProxyType(
            {a: n / total_mix for a, n in mix.items()} if total_mix else {}
        ),
        within_20_miles_share=local_share,
    )


def _attrition(households: list[Household], start: dt.date, end: dt.date) -> tuple[float, str]:
    exposure_days = 0
    leavers = 0
    for h in households:
        first = max(start, h.approved_on or start)
        last = min(end, h.deregistered_on or end)
        if last > first:
            exposure_days += (last - first).days
        if h.deregistered_on is not None and start < h.deregistered_on <= end:
            leavers += 1
    if exposure_days == 0:
        return 0.0, "no household history in the window"
    rate = leavers / (exposure_days / 365.25)
    return 1 - math.exp(
        -rate
    ), f"{leavers} deregistered over {exposure_days / 365.25:.0f} household-years"


def _beds(
    children: list[LookedAfterChild],
    placement_type: PlacementType,
    setting: int | None,
    notes: list[str],
) -> float:
    if setting is not None:
        return float(setting)
    count = sum(1 for c in children if c.placement_type == placement_type)
    notes.append(f"{placement_type} beds: {count}, the children living there now")
    return float(count)


def _local_shares(
    children: list[LookedAfterChild],
    distance: DistanceFunction | None,
    settings: SupplySettings,
    notes: list[str],
) -> dict:
    near: Counter = Counter()
    known: Counter = Counter()
    if distance is not None:
        for child in children:
            if child.home_postcode and child.placement_postcode:
                miles = distance(child.home_postcode, child.placement_postcode)
                if miles is not None:
                    known[child.placement_type] += 1
                    near[child.placement_type] += miles <= THRESHOLD_MILES
    shares: dict = {}
    for placement_type in PlacementType:
        shares[placement_type] = (
            near[placement_type] / known[placement_type]
            if known[placement_type]
            else NATIONAL_WITHIN_20_MILES_SHARE
        )
    for home_type in HomeType:
        chosen = settings.within_20_miles_percent.get(home_type)
        shares[home_type] = chosen / 100 if chosen is not None else shares[home_type.placement_type]
        source = (
            "set by the scenario"
            if chosen is not None
            else (
                f"{known[home_type.placement_type]} children with known distance"
                if known[home_type.placement_type]
                else "England 2023"
            )
        )
        notes.append(f"{home_type} within 20 miles: {100 * shares[home_type]:.0f}% ({source})")
    return shares


def _need_shares(
    children: list[LookedAfterChild], settings: SupplySettings, notes: list[str]
) -> tuple[float, float]:
    fostered = [
        c
        for c in children
        if c.placement_type in (PlacementType.IN_HOUSE_FOSTERING, PlacementType.AGENCY_FOSTERING)
    ]
    together = Counter((c.sibling_group, c.household_id) for c in fostered if c.sibling_group)
    sibling = settings.sibling_group_percent
    if sibling is None:
        count = sum(
            1
            for c in fostered
            if c.sibling_group and together[(c.sibling_group, c.household_id)] > 1
        )
        sibling = 100 * count / len(fostered) if fostered else 0.0
        notes.append(f"fostered children living with siblings: {sibling:.0f}%")
    specialist = settings.specialist_needs_percent
    if specialist is None:
        specialist = 100 * sum(c.disabled for c in fostered) / len(fostered) if fostered else 0.0
        notes.append(f"fostered children needing specialist skills (disabled): {specialist:.0f}%")
    return sibling / 100, specialist / 100
