"""Test doubles for the scenario engine: a small demand model and a small council (synthetic)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from matching.domain import Household, LookedAfterChild, PlacedChild, PlacementKind, ProviderType
from sufficiency.distribution import EXIT_LABELS, ForecastDistribution
from sufficiency.domain import AgeBand, ChildId, DemandAdjustments, PlacementType, Sex, State

AS_OF = dt.date(2026, 11, 23)
P = PlacementType
#: Children per (band, placement type) at the start; every other state starts empty.
START = {
    (AgeBand.AGE_5_TO_9, P.IN_HOUSE_FOSTERING): 10,
    (AgeBand.AGE_10_TO_15, P.IN_HOUSE_FOSTERING): 6,
    (AgeBand.AGE_10_TO_15, P.AGENCY_FOSTERING): 8,
    (AgeBand.AGE_10_TO_15, P.CHILDRENS_HOME): 4,
    (AgeBand.AGE_16_TO_17, P.SUPPORTED_ACCOMMODATION): 3,
    (AgeBand.AGE_1_TO_4, P.KINSHIP_FOSTERING): 5,
}
STATES = tuple(State(b, p) for b in AgeBand for p in PlacementType)


def month_ends(as_of: dt.date, months: int) -> tuple[dt.date, ...]:
    ends = []
    year, month = as_of.year, as_of.month
    for _ in range(months):
        month += 1
        if month > 12:
            year, month = year + 1, 1
        ends.append(dt.date(year, month, 1) - dt.timedelta(days=1))
    return tuple(ends)


class FakeDemand:
    """Counts grow 1% a month, Poisson noise; entry multipliers scale a band from the start month.

    Draws one standard uniform block per call whatever the adjustments (the contract's rule),
    so the same seed with no change gives identical samples.
    """

    as_of = AS_OF

    def __init__(self) -> None:
        self.calls: list[DemandAdjustments | None] = []

    def entries_per_year(self, age_band: AgeBand) -> float:
        return 12.0

    def simulate(self, adjustments, horizon_months, runs, seed):
        self.calls.append(adjustments)
        rng = np.random.default_rng(seed)
        noise = rng.standard_normal((runs, horizon_months, len(STATES)))
        growth = 1.01 ** np.arange(1, horizon_months + 1)
        mean = np.array([START.get((s.age_band, s.placement_type), 0) for s in STATES], float)
        mean = growth[:, None] * mean[None, :]
        if adjustments is not None:
            for i, state in enumerate(STATES):
                factor = adjustments.entry_multiplier_by_age_band.get(state.age_band, 1.0)
                mean[adjustments.start_month_index :, i] *= factor
        samples = np.maximum(0.0, np.round(mean[None] + np.sqrt(mean[None]) * noise))
        zeros = np.zeros_like(samples)
        return ForecastDistribution(
            states=STATES,
            month_ends=month_ends(AS_OF, horizon_months),
            samples=samples,
            entries=zeros,
            exits=np.zeros((runs, horizon_months, len(EXIT_LABELS))),
            staying_put=np.zeros((runs, horizon_months)),
            seed=seed,
        )


def household(
    number: int,
    provider: ProviderType,
    places: int,
    age_min: int = 0,
    age_max: int = 17,
    approved_on: dt.date | None = dt.date(2020, 1, 1),
    deregistered_on=None,
    placed: int = 0,
) -> Household:
    children = tuple(
        PlacedChild(ChildId(f"C{number}-{i}"), dt.date(2015, 1, 1)) for i in range(placed)
    )
    return Household(
        household_id=f"H{number}",
        name=f"Household {number}",
        provider=provider,
        postcode="",
        approved_places=places,
        approved_age_min=age_min,
        approved_age_max=age_max,
        approved_kinds=frozenset({PlacementKind.LONG_TERM}),
        placed_children=children,
        agency_name="Agency" if provider == ProviderType.AGENCY else "",
        approved_on=approved_on,
        deregistered_on=deregistered_on,
    )


def small_council() -> tuple[tuple[Household, ...], tuple[LookedAfterChild, ...]]:
    """12 in-house households (2 places each), 4 agency (2 each), children as in ``START``."""
    households = [household(i, ProviderType.IN_HOUSE, 2) for i in range(12)]
    households += [household(100 + i, ProviderType.AGENCY, 2) for i in range(4)]
    households += [
        household(200, ProviderType.IN_HOUSE, 2, approved_on=dt.date(2024, 6, 1)),
        household(201, ProviderType.IN_HOUSE, 2, deregistered_on=dt.date(2025, 6, 1)),
    ]
    children = []
    for (band, placement_type), count in START.items():
        for i in range(count):
            born = dt.date(AS_OF.year - band.min_age_years - 1, 6, 1)
            children.append(
                LookedAfterChild(
                    child_id=ChildId(f"{band}-{placement_type}-{i}"),
                    date_of_birth=born,
                    sex=Sex.FEMALE,
                    placement_type=placement_type,
                )
            )
    return tuple(households), tuple(children)
