"""Placements more than 20 miles from home: observed share by type, and the forecast number.

Uses HOME_POST and PL_POST of the episodes open on the as-of date, located with
``matching.geo`` (straight-line distance on the British National Grid). Children whose
postcodes are missing or unknown are left out of the share, and counted as such.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from matching.geo import Gazetteer
from sufficiency.distribution import ForecastDistribution
from sufficiency.domain import PlacementType
from sufficiency.history import PLACEMENT_TYPES, History

METRES_PER_MILE = 1609.344
FAR_MILES = 20.0


@dataclass(frozen=True, slots=True)
class DistanceShares:
    """Per placement type: children with both postcodes located, and how many were far.

    ``located`` and ``far`` [children] are indexed like ``PLACEMENT_TYPES``; ``unlocated``
    counts children left out for missing or unknown postcodes.
    """

    as_of: dt.date
    threshold_miles: float
    located: np.ndarray
    far: np.ndarray
    unlocated: int

    def share(self, placement_type: PlacementType) -> float | None:
        i = PLACEMENT_TYPES.index(placement_type)
        return float(self.far[i] / self.located[i]) if self.located[i] else None

    def shares(self) -> np.ndarray:
        """Share far per type, pooled over all types where a type has no located children."""
        pooled = self.far.sum() / max(self.located.sum(), 1)
        return np.where(self.located > 0, self.far / np.maximum(self.located, 1), pooled)


def open_postcodes(history: History, as_of: dt.date) -> list[tuple[int, str, str]]:
    """(type index, home postcode, placement postcode) of each episode open at ``as_of``."""
    rows = []
    for child in history.children:
        for episode in child.episodes:
            if episode.started <= as_of and (episode.ceased is None or episode.ceased > as_of):
                rows.append(
                    (
                        PLACEMENT_TYPES.index(episode.placement_type),
                        episode.home_postcode,
                        episode.placement_postcode,
                    )
                )
    return rows


def distance_shares(
    history: History,
    as_of: dt.date,
    gazetteer: Gazetteer | None = None,
    threshold_miles: float = FAR_MILES,
) -> DistanceShares:
    """Share of children placed more than ``threshold_miles`` from home, by placement type."""
    rows = open_postcodes(history, as_of)
    located = np.zeros(len(PLACEMENT_TYPES))
    far = np.zeros(len(PLACEMENT_TYPES))
    if not rows:
        return DistanceShares(as_of, threshold_miles, located, far, 0)
    gazetteer = gazetteer or Gazetteer.default()
    kinds = np.array([r[0] for r in rows])
    home_e, home_n, _ = gazetteer.locate_many([r[1] or "" for r in rows], on_error="nan")
    place_e, place_n, _ = gazetteer.locate_many([r[2] or "" for r in rows], on_error="nan")
    miles = np.hypot(home_e - place_e, home_n - place_n) / METRES_PER_MILE
    ok = np.isfinite(miles)
    np.add.at(located, kinds[ok], 1)
    np.add.at(far, kinds[ok & (miles > threshold_miles)], 1)
    return DistanceShares(as_of, threshold_miles, located, far, int((~ok).sum()))


def forecast_far_placements(
    distribution: ForecastDistribution, shares: DistanceShares
) -> np.ndarray:
    """Expected children placed more than the threshold from home, per run and month.

    Each type's forecast children times that type's observed share far away; shape
    (runs, months) [children].
    """
    by_type = distribution.by_placement_type()
    share = shares.shares()
    total = np.zeros(distribution.samples.shape[:2])
    for placement, counts in by_type.items():
        total += counts * share[PLACEMENT_TYPES.index(placement)]
    return total
