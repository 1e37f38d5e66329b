"""Weekly unit costs for scenarios: defaults, scenario overrides, lever changes and inflation.

Pure: turns children per category and month into pounds. The defaults are national
published figures to be replaced by the council's own (``[costs.weekly_gbp]``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import numpy as np

from sufficiency.domain import PlacementType
from sufficiency.scenario_domain import CostSettings, UnitCostChange

P = PlacementType
#: Default weekly cost per child [GBP/week]. Children's home 3,830 and agency fostering 820:
#: average prices charged to councils, CMA "Children's social care market study", interim
#: report, 22 October 2021, paragraphs 3.22 and 3.41. The others are the same report's
#: and PSSRU "Unit Costs of Health and Social Care" orders of magnitude; set your own.
DEFAULT_WEEKLY_GBP: Mapping[PlacementType, float] = {
    P.IN_HOUSE_FOSTERING: 550.0,
    P.AGENCY_FOSTERING: 820.0,
    P.KINSHIP_FOSTERING: 350.0,
    P.PLACED_FOR_ADOPTION: 250.0,
    P.CHILDRENS_HOME: 3830.0,
    P.SECURE: 8000.0,
    P.SUPPORTED_ACCOMMODATION: 1500.0,
    P.PARENT_AND_CHILD: 2500.0,
    P.PLACED_WITH_PARENTS: 150.0,
    P.RESIDENTIAL_SCHOOL: 4000.0,
    P.OTHER: 1000.0,
}
#: A child with no registered home free in the chain [GBP/week]: councils report paying
#: "well over £10,000 a week" for unregistered or emergency arrangements (LGA, 2023).
DEFAULT_NO_REGISTERED_HOME_WEEKLY_GBP = 10_000.0
#: Yearly rise in unit costs [%]: the Bank of England inflation target.
DEFAULT_INFLATION_PERCENT_PER_YEAR = 2.0
NO_REGISTERED_HOME = "no registered home"


def month_weeks(as_of: dt.date, month_ends: Sequence[dt.date]) -> np.ndarray:
    """Length of each forecast month in weeks [weeks], the first counted from ``as_of``."""
    edges = [as_of, *month_ends]
    return np.array([(b - a).days / 7 for a, b in zip(edges, edges[1:], strict=False)])


def weekly_costs(
    settings: CostSettings,
    levers: Sequence[UnitCostChange],
    as_of: dt.date,
    month_ends: Sequence[dt.date],
) -> dict[str, np.ndarray]:
    """Weekly cost per child for each category and month [GBP/week], each shaped (months,).

    Rules: start from the default, replaced by ``[costs.weekly_gbp]``; apply each unit cost
    lever from its start month (a percentage change, or a new weekly price); then inflate by
    ``inflation_percent_per_year`` compounded from ``as_of`` to the middle of each month.
    """
    months = len(month_ends)
    base = {
        **{str(k): v for k, v in DEFAULT_WEEKLY_GBP.items()},
        **{str(k): v for k, v in settings.weekly_gbp.items()},
    }
    base[NO_REGISTERED_HOME] = (
        DEFAULT_NO_REGISTERED_HOME_WEEKLY_GBP
        if settings.no_registered_home_weekly_gbp is None
        else settings.no_registered_home_weekly_gbp
    )
    costs = {name: np.full(months, float(value)) for name, value in base.items()}
    for lever in levers:
        names = [str(lever.placement_type)] if lever.placement_type is not None else list(costs)
        for name in names:
            start = lever.start_month - 1
            if lever.weekly_gbp is not None:
                costs[name][start:] = lever.weekly_gbp
            else:
                costs[name][start:] *= 1 + lever.change_percent / 100
    inflation = (
        DEFAULT_INFLATION_PERCENT_PER_YEAR
        if settings.inflation_percent_per_year is None
        else settings.inflation_percent_per_year
    )
    midpoints_years = (
        (np.cumsum(month_weeks(as_of, month_ends)) - month_weeks(as_of, month_ends) / 2)
        * 7
        / 365.25
    )
    factor = (1 + inflation / 100) ** midpoints_years
    return {name: values * factor for name, values in costs.items()}


def cost_gbp(
    children: Mapping[str, np.ndarray], weekly: Mapping[str, np.ndarray], weeks: np.ndarray
) -> np.ndarray:
    """Cost of care per run and month [GBP], (runs, months): children x weekly cost x weeks."""
    total = None
    for name, count in children.items():
        part = count * (weekly[name] * weeks)[None, :]
        total = part if total is None else total + part
    return total
