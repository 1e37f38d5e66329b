"""Weekly unit costs per placement type (an editable TOML table) and the forecast's cost.

``load_unit_costs`` reads and checks the table (every error with its key); ``forecast_cost``
turns simulated children into cost per month with the same runs, so the intervals carry
through. Costs are in the table's price year: no inflation is applied.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sufficiency.distribution import ForecastDistribution
from sufficiency.domain import PlacementType
from sufficiency.errors import FieldError, InputDataError

DEFAULT_COSTS_PATH = Path(__file__).parent / "data" / "unit_costs.toml"
DAYS_PER_WEEK = 7.0


@dataclass(frozen=True, slots=True)
class UnitCost:
    """Cost of one child in one placement type for a week [GBP/week], with its source."""

    placement_type: PlacementType
    weekly_cost_gbp: float
    basis: str
    source: str


@dataclass(frozen=True, slots=True)
class UnitCosts:
    costs: dict[PlacementType, UnitCost]
    price_year: int
    path: str

    def weekly_cost_gbp(self, placement_type: PlacementType) -> float:
        return self.costs[placement_type].weekly_cost_gbp


def _entry(name: str, key: str, value: object, errors: list[FieldError]) -> UnitCost | None:
    try:
        placement = PlacementType(key)
    except ValueError:
        errors.append(
            FieldError(
                name,
                None,
                f"costs.{key}",
                "is not a placement type",
                expected=", ".join(p.value for p in PlacementType),
                actual=key,
            )
        )
        return None
    if not isinstance(value, dict):
        errors.append(FieldError(name, None, f"costs.{key}", "must be a table"))
        return None
    cost = value.get("weekly_cost_gbp")
    if isinstance(cost, bool) or not isinstance(cost, int | float) or cost < 0:
        errors.append(
            FieldError(
                name,
                None,
                f"costs.{key}.weekly_cost_gbp",
                "must be a number of pounds per week, 0 or more",
                actual=repr(cost),
            )
        )
        return None
    return UnitCost(
        placement, float(cost), str(value.get("basis", "")), str(value.get("source", ""))
    )


def load_unit_costs(path: Path | str | None = None) -> UnitCosts:
    """Read a unit-cost table (default: the packaged one); ``InputDataError`` lists every problem."""
    path = Path(path) if path else DEFAULT_COSTS_PATH
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InputDataError([FieldError(path.name, None, None, f"cannot be read: {exc}")]) from exc
    errors: list[FieldError] = []
    costs = {}
    for key, value in (data.get("costs") or {}).items():
        entry = _entry(path.name, key, value, errors)
        if entry is not None:
            costs[entry.placement_type] = entry
    for placement in PlacementType:
        if placement not in costs and not any(
            e.field == f"costs.{placement.value}" for e in errors
        ):
            errors.append(
                FieldError(
                    path.name,
                    None,
                    f"costs.{placement.value}",
                    "is missing",
                    expected='a [costs."..."] table with weekly_cost_gbp',
                )
            )
    if errors:
        raise InputDataError(
            errors, summary=f"{path.name}: {len(errors)} problem(s) in the unit costs"
        )
    return UnitCosts(costs, int(data.get("price_year", 0)), str(path))


def weekly_cost_by_state(distribution: ForecastDistribution, unit_costs: UnitCosts) -> np.ndarray:
    """Weekly cost of one child in each state [GBP/week], shape (states,)."""
    return np.array([unit_costs.weekly_cost_gbp(s.placement_type) for s in distribution.states])


def forecast_cost(
    distribution: ForecastDistribution, unit_costs: UnitCosts, days_in_month: np.ndarray
) -> np.ndarray:
    """Cost of each simulated month [GBP], shape (runs, months).

    The month-end stock is taken to hold for the whole month: cost = sum over states of
    children x weekly cost x days in the month / 7.
    """
    weekly = weekly_cost_by_state(distribution, unit_costs)
    per_month_end = distribution.samples @ weekly
    return per_month_end * (np.asarray(days_in_month, dtype=float) / DAYS_PER_WEEK)
