"""Dashboard blueprint: the corporate parenting panel's indicators on the planning date."""

from __future__ import annotations

import functools
import logging

from flask import Blueprint, current_app, render_template

from matching.domain import ProviderType
from sufficiency.domain import PlacementType
from sufficiency.errors import InputDataError
from sufficiency.indicators import (
    Indicators,
    compute_indicators,
    read_england_percent_beyond_20_miles,
    read_published_rate,
)
from webapp import get_data
from webapp.charts import bar_chart

log = logging.getLogger(__name__)
bp = Blueprint("dashboard", __name__)
NAVIGATION = ("Dashboard", "dashboard.index")


@functools.lru_cache(maxsize=8)
def published_rate(la_code: str | None):
    """The DfE published rate for a council (None: England's), read once per process."""
    return read_published_rate(la_code)


@functools.lru_cache(maxsize=1)
def england_beyond_20_miles():
    """England's share of children placed more than 20 miles from home (packaged file)."""
    return read_england_percent_beyond_20_miles()


def stored_history(data):
    """The store's SSDA903 children, for placement stability; None when it holds no returns."""
    from webapp.planning_inputs import load_history
    from webapp.store_ssda903 import ssda903_tables

    if not ssda903_tables(data.store):
        return None
    try:
        return load_history(data.store, data.as_of, source="dashboard").history.children
    except InputDataError as error:
        log.warning("placement stability not shown: the stored SSDA903 returns fail: %s", error)
        return None


def current_indicators() -> tuple[Indicators, object]:
    """The indicators for the council on the planning date, and its DfE published rate.

    Worked out once per data version (``webapp.cache``): any write to the store, a decision
    included, gives the next request fresh figures.
    """
    data = get_data()
    published = published_rate(data.council_la_code) if data.council_la_code else None
    threshold = float(current_app.config["DISTANCE_THRESHOLD_MILES"])
    target = float(current_app.config["DISTANCE_TARGET_PERCENT"])

    def compute() -> Indicators:
        return compute_indicators(
            data.store.list_children(),
            data.households(),
            data.as_of,
            data.distance_miles,
            history=data.cached_ssda903(("history", data.as_of), lambda: stored_history(data)),
            child_population=published.child_population if published else None,
            threshold_miles=threshold,
            target_percent_beyond=target,
        )

    key = ("indicators", data.as_of, data.council_la_code, threshold, target)
    return data.cached(key, compute), published


def indicators_as_dict(indicators: Indicators) -> dict[str, object]:
    """JSON form of the indicators (the API's ``/api/dashboard``)."""
    return {
        "as_of": indicators.as_of.isoformat(),
        "children_in_care": indicators.children_in_care,
        "child_population": indicators.child_population,
        "rate_per_10k": indicators.rate_per_10k,
        "threshold_miles": indicators.threshold_miles,
        "placed_beyond_threshold": indicators.placed_beyond_threshold,
        "percent_beyond_threshold": indicators.percent_beyond_threshold,
        "distance_unknown": indicators.distance_unknown,
        "target_percent_beyond": indicators.target_percent_beyond,
        "meets_distance_target": indicators.meets_distance_target,
        "fostering": {str(k): v for k, v in indicators.fostering.items()},
        "percent_in_house_fostering": indicators.percent_in_house_fostering,
        "sibling_groups": indicators.sibling_groups,
        "sibling_groups_together": indicators.sibling_groups_together,
        "percent_siblings_together": indicators.percent_siblings_together,
        "three_plus_placements": indicators.three_plus_placements,
        "percent_three_plus_placements": indicators.percent_three_plus_placements,
        "vacancies": {str(k): v for k, v in indicators.vacancies.items()},
        "total_vacancies": indicators.total_vacancies,
    }


@bp.get("/")
def index():
    """Key figures, with charts of fostering and vacancies by provider."""
    indicators, published = current_indicators()
    fostering = bar_chart(
        "Children in foster care by type of carer",
        ["In-house", "Agency (IFA)", "Family and friends"],
        [
            (
                "Children",
                [
                    indicators.fostering[PlacementType.IN_HOUSE_FOSTERING],
                    indicators.fostering[PlacementType.AGENCY_FOSTERING],
                    indicators.fostering[PlacementType.KINSHIP_FOSTERING],
                ],
            )
        ],
        unit="children",
        width=420,
        label_width=130,
        description="Bar chart of children in in-house, agency and family and friends foster care.",
    )
    vacancies = bar_chart(
        "Vacancies today by provider",
        ["In-house", "Agency (IFA)", "Connected"],
        [
            (
                "Vacancies",
                [
                    indicators.vacancies[p]
                    for p in (ProviderType.IN_HOUSE, ProviderType.AGENCY, ProviderType.CONNECTED)
                ],
            )
        ],
        unit="places",
        width=420,
        label_width=130,
        description="Bar chart of free approved places in available households by provider.",
    )
    return render_template(
        "dashboard/index.html",
        title="Dashboard",
        i=indicators,
        published=published,
        england_rate=published_rate(None),
        england_beyond=england_beyond_20_miles(),
        fostering_chart=fostering,
        vacancies_chart=vacancies,
        endpoints=current_app.view_functions,
    )


@bp.get("/about")
def about():
    """How each figure is worked out, and the data sources."""
    return render_template("dashboard/about.html", title="About the data and methods")
