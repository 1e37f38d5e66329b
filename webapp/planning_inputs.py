"""What the forecast, scenario and recruitment pages read: the store's SSDA903 history, the
council's households and children, and the whole-number form fields they share.

Reads the store in the request (so bad or missing data is a 400 on the form at once); the
engines then run in a background job on what was read. No engine code here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass

from sufficiency.errors import FieldError, InputDataError
from sufficiency.history import History

log = logging.getLogger(__name__)

#: A return whose last recorded date is at most this many days before the planning date is
#: taken as describing the council up to the planning date (a quiet few weeks is normal).
CURRENT_WITHIN_DAYS = 31
WHOLE = re.compile(r"-?[0-9]{1,12}")  # ASCII digits only, and few enough for int()


@dataclass(frozen=True, slots=True)
class StoredHistory:
    """The store's SSDA903 history and the day a forecast from it starts.

    ``note`` explains when the start is not the planning date (the returns end earlier).
    """

    history: History
    start: dt.date
    note: str = ""


def load_history(store, planning_date: dt.date, source: str = "forecast") -> StoredHistory:
    """The stored SSDA903 returns read back through the forecast's own reader.

    Raises
    ------
    InputDataError
        When the store holds no SSDA903 returns, or they fail the DfE checks.
    """
    from sufficiency.ssda903 import read_ssda903
    from webapp.store_ssda903 import ssda903_tables, write_ssda903_files

    if not ssda903_tables(store):
        raise InputDataError(
            [
                FieldError(
                    source,
                    None,
                    "ssda903",
                    "There are no SSDA903 returns in the store, so there is no history to "
                    "forecast from",
                    expected="the council's returns, imported with "
                    "'placement-planner import ssda903 FOLDER'",
                )
            ]
        )
    with tempfile.TemporaryDirectory() as folder:
        write_ssda903_files(store, folder)
        history = read_ssda903(folder)
    return history_from(history, planning_date)


def history_from(history: History, planning_date: dt.date) -> StoredHistory:
    """Start on the planning date when the returns reach it (or nearly), else where they end."""
    if planning_date <= history.extract_date:
        return StoredHistory(history, planning_date)
    if (planning_date - history.extract_date).days <= CURRENT_WITHIN_DAYS:
        return StoredHistory(
            dataclasses.replace(history, extract_date=planning_date), planning_date
        )
    note = (
        f"The SSDA903 returns end on {long_date(history.extract_date)}, before the planning "
        f"date ({long_date(planning_date)}): the forecast starts on "
        f"{long_date(history.extract_date)}. Import the latest returns to forecast from today."
    )
    return StoredHistory(history, history.extract_date, note)


def long_date(day: dt.date) -> str:
    """GOV.UK style: "23 November 2026"."""
    return f"{day.day} {day:%B %Y}"


def month_label(day: dt.date) -> str:
    """Short month for chart axes: "Nov 2026"."""
    return f"{day:%b %Y}"


def whole_number(
    values: Mapping[str, object],
    name: str,
    label: str,
    low: int,
    high: int,
    default: int,
    errors: list[FieldError],
    source: str,
) -> int:
    """A whole number from a form or JSON body, ``default`` when blank; errors name the field."""
    raw = values.get(name)
    text = str(raw).strip() if raw is not None else ""
    if not text:
        return default
    if isinstance(raw, bool) or not WHOLE.fullmatch(text):
        errors.append(
            FieldError(
                source,
                None,
                name,
                f"{label} must be a whole number",
                expected=f"{low} to {high}",
                actual=text,
            )
        )
        return default
    number = int(text)
    if not low <= number <= high:
        errors.append(
            FieldError(
                source,
                None,
                name,
                f"{label} must be between {low:,} and {high:,}",
                actual=text,
            )
        )
        return default
    return number


def parse_day(
    values: Mapping[str, object], name: str, label: str, errors: list[FieldError], source: str
) -> dt.date | None:
    """An optional date: ``YYYY-MM-DD`` in JSON, or a GOV.UK date input (day, month, year)."""
    from webapp.forms import date_from_parts

    text = date_from_parts(values, name) if hasattr(values, "get") else ""
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        errors.append(
            FieldError(
                source,
                None,
                name,
                f"{label} must be a real date",
                expected="for example, 31 3 2026",
                actual=text,
            )
        )
        return None


def scenario_inputs(
    stored: StoredHistory, history_years: int, households, children, distance_miles, council: str
):
    """``ScenarioInputs``: demand fitted on the stored history (slow: call it in the job), the
    households and children looked after read from the store, distances by postcode."""
    from sufficiency.scenario_demand import FittedDemand
    from sufficiency.scenarios import ScenarioInputs

    try:
        demand = FittedDemand(stored.history, stored.start, history_years)
    except ValueError as exc:
        raise InputDataError(
            [
                FieldError(
                    "scenario",
                    None,
                    "baseline.as_of",
                    f"the forecast cannot start on {long_date(stored.start)}: {exc}",
                )
            ]
        ) from exc
    return ScenarioInputs(
        demand=demand,
        households=tuple(households),
        children=tuple(children),
        distance_miles=distance_miles,
        council=council,
    )
