"""Adapter: the council data a scenario comparison runs on, from the demo council or from files.

Builds ``ScenarioInputs``: the fitted demand model (SSDA903 history), households, children
looked after now, and a home-to-placement distance function from the packaged postcodes.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from matching.domain import LookedAfterChild
from sufficiency.errors import InputDataError
from sufficiency.history import History
from sufficiency.scenario_demand import FittedDemand
from sufficiency.scenarios import ScenarioInputs
from sufficiency.supply_estimates import DistanceFunction

Report = Callable[[int, int, str], None]


def postcode_distance() -> DistanceFunction:
    """Straight-line miles between two postcodes; ``None`` when either cannot be located."""
    from matching.geo import Gazetteer
    from matching.location import distance_miles

    gazetteer = Gazetteer.default()

    def miles(a: str, b: str) -> float | None:
        try:
            return distance_miles(gazetteer.locate(a), gazetteer.locate(b))
        except ValueError:
            return None

    return miles


def _demo_history(council: object, as_of: dt.date) -> History:
    """The demo council's SSDA903 tables, written out and read back as the importer would."""
    from sufficiency.demo_council import write_demo_files
    from sufficiency.ssda903 import read_ssda903

    with tempfile.TemporaryDirectory() as folder:
        write_demo_files(folder, council)
        return read_ssda903(Path(folder) / "ssda903", extract_date=as_of)


def _children(items: Sequence[object]) -> tuple[LookedAfterChild, ...]:
    return tuple(c for c in items if isinstance(c, LookedAfterChild))


def demo_inputs(
    as_of: dt.date | None = None, history_years: int = 3, progress: Report | None = None
) -> ScenarioInputs:
    """The synthetic demo council (``sufficiency.demo_council``) ready for scenarios."""
    try:
        from sufficiency.demo_council import DEMO_AS_OF, build_demo_council
    except ImportError as exc:
        raise InputDataError(["the demo council is not available in this installation"]) from exc
    report = progress or (lambda *_: None)
    report(0, 1, "building the demo council")
    council = build_demo_council()
    as_of = as_of or getattr(council, "as_of", None) or DEMO_AS_OF
    report(0, 1, "fitting the demand model to the demo council's SSDA903 history")
    demand = _fitted(_demo_history(council, as_of), as_of, history_years)
    children = _children(getattr(council, "children", ()) or getattr(council, "looked_after", ()))
    return ScenarioInputs(
        demand=demand,
        households=tuple(council.households),
        children=children,
        distance_miles=postcode_distance(),
        council=str(getattr(council, "name", "demo council")),
    )


def file_inputs(
    ssda903: Sequence[Path | str],
    households: Path | str,
    children: Path | str,
    as_of: dt.date | None = None,
    history_years: int = 3,
    progress: Report | None = None,
) -> ScenarioInputs:
    """A council's own files: SSDA903 tables, households CSV/xlsx and children CSV/xlsx."""
    from matching.carers_csv import read_households
    from matching.children_csv import read_children
    from sufficiency.ssda903 import read_ssda903

    report = progress or (lambda *_: None)
    report(0, 1, "reading the SSDA903 files")
    history = read_ssda903(list(ssda903))
    as_of = as_of or history.extract_date
    report(0, 1, "fitting the demand model")
    demand = _fitted(history, as_of, history_years)
    return ScenarioInputs(
        demand=demand,
        households=tuple(read_households(households).items),
        children=tuple(read_children(children).items),
        distance_miles=postcode_distance(),
        council=str(Path(households).parent.name),
    )


def _fitted(history: History, as_of: dt.date, history_years: int) -> FittedDemand:
    try:
        return FittedDemand(history, as_of, history_years)
    except ValueError as exc:
        raise InputDataError([f"the forecast cannot start on {as_of.isoformat()}: {exc}"]) from exc
