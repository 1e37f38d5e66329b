"""Schools a child may attend: the packaged GIAS list of open state-funded schools in England,
with grid coordinates for distance-to-school, plus a reader for a council's own school list.

It does not decide school continuity (that is ``matching.scoring``); it only says where schools are.
"""

from __future__ import annotations

import csv
import functools
import gzip
import io
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from matching.domain import GridPoint, Precision, School, SchoolUrn
from matching.geo import Gazetteer
from sufficiency.errors import FieldError, InputDataError

GIAS_FILE = "england_state_schools_gias_2025-07.csv.gz"
_PRECISION_BY_LEVEL = {"postcode_unit": Precision.UNIT, "postcode_sector": Precision.SECTOR}


@dataclass(frozen=True, slots=True)
class SchoolDirectory:
    """Schools by URN, where each is (``points``, British National Grid [m]) and its town."""

    schools: dict[SchoolUrn, School]
    points: dict[SchoolUrn, GridPoint]  # schools without a usable postcode are absent
    towns: dict[SchoolUrn, str]


def _read_gias(text: str) -> SchoolDirectory:
    schools: dict[SchoolUrn, School] = {}
    points: dict[SchoolUrn, GridPoint] = {}
    towns: dict[SchoolUrn, str] = {}
    for row in csv.DictReader(io.StringIO(text)):
        urn = SchoolUrn(int(row["urn"]))
        schools[urn] = School(urn, row["name"], row["postcode"], row["dfe_la_number_2023"])
        towns[urn] = row["town"]
        precision = _PRECISION_BY_LEVEL.get(row["geocode_level"])
        if precision is not None:
            points[urn] = GridPoint(float(row["easting"]), float(row["northing"]), precision)
    return SchoolDirectory(schools, points, towns)


@functools.cache
def _gias() -> SchoolDirectory:
    path = resources.files("matching") / "data" / GIAS_FILE
    return _read_gias(gzip.decompress(path.read_bytes()).decode("utf-8"))


def load_schools() -> dict[SchoolUrn, School]:
    """Every open state-funded school in England (GIAS, July 2025) by URN (read once, cached).

    ``School.la_code`` is the DfE LA number of the school's postcode. Independent schools,
    including independent special schools, are not in GIAS's state-funded list: add them with
    ``read_schools_csv``.
    """
    return dict(_gias().schools)


def load_school_points() -> dict[SchoolUrn, GridPoint]:
    """Grid position of each packaged school [m], at unit (or, for 37, sector) precision.

    Two schools without a postcode in GIAS (URNs 143762, 149075) are absent.
    """
    return dict(_gias().points)


def school_point(urn: int) -> GridPoint | None:
    """Grid position of one packaged school [m], or None if the URN is unknown or unlocated."""
    return _gias().points.get(SchoolUrn(int(urn)))


def schools_in_la(la_code: str | int) -> list[School]:
    """Packaged schools in one children's services LA (DfE number, e.g. "309"), by name."""
    wanted = str(la_code).strip()
    found = [s for s in _gias().schools.values() if s.la_code == wanted]
    return sorted(found, key=lambda school: (school.name.casefold(), school.urn))


def find_schools(text: str, *, la_code: str | int | None = None, limit: int = 20) -> list[School]:
    """Schools whose URN equals ``text`` or whose name or town contains every word of it.

    For pick-lists on forms: names starting with ``text`` come first, then names holding every
    word, then town matches, each by name; cut to ``limit``.
    """
    directory = _gias()
    words = text.casefold().split()
    if text.strip().isdigit():
        school = directory.schools.get(SchoolUrn(int(text)))
        return [school] if school is not None else []
    if not words:
        return []
    wanted = None if la_code is None else str(la_code).strip()
    found = [
        school
        for urn, school in directory.schools.items()
        if (wanted is None or school.la_code == wanted)
        and all(w in f"{school.name} {directory.towns[urn]}".casefold() for w in words)
    ]
    found.sort(key=lambda school: _search_rank(school, words, text.strip().casefold()))
    return found[:limit]


def _search_rank(school: School, words: list[str], phrase: str) -> tuple:
    """Name starting with the phrase first, then all words in the name, then town matches."""
    name = school.name.casefold()
    return (not name.startswith(phrase), not all(w in name for w in words), name, school.urn)


def read_schools_csv(path: Path | str, *, gazetteer: Gazetteer | None = None) -> SchoolDirectory:
    """Read a council's own school list (e.g. independent special schools) and locate each.

    Columns: ``urn`` (positive whole number, unique), ``name``, ``postcode``; optional
    ``town`` and ``la_code`` (taken from the postcode when blank).

    Raises
    ------
    InputDataError
        Listing every bad row and field (file name, 1-based data row, field).
    """
    path = Path(path)
    gazetteer = gazetteer or Gazetteer.default()
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = {"urn", "name", "postcode"} - set(reader.fieldnames or [])
        if missing:
            raise InputDataError(
                [
                    FieldError(path.name, None, column, "column is missing")
                    for column in sorted(missing)
                ]
            )
        rows = list(reader)
    errors: list[FieldError] = []
    urns = _check_rows(rows, path.name, errors)
    east, north, precisions = gazetteer.locate_many(
        [row["postcode"] or "" for row in rows], source=path.name, on_error="nan"
    )
    _collect_location_errors(rows, precisions, gazetteer, path.name, errors)
    if errors:
        errors.sort(key=lambda error: (error.row or 0, error.field or ""))
        raise InputDataError(errors, f"{len(errors)} problem(s) in {path.name}")
    directory = SchoolDirectory({}, {}, {})
    for i, (row, urn) in enumerate(zip(rows, urns, strict=True)):
        location = gazetteer.locate(row["postcode"])
        la_code = (row.get("la_code") or "").strip() or location.la_code
        directory.schools[urn] = School(urn, row["name"].strip(), location.postcode, la_code)
        directory.points[urn] = GridPoint(float(east[i]), float(north[i]), precisions[i])
        directory.towns[urn] = (row.get("town") or "").strip()
    return directory


def _check_rows(rows: list[dict], source: str, errors: list[FieldError]) -> list[SchoolUrn]:
    """Check URNs (positive, unique) and names; return the URNs (0 where invalid)."""
    urns: list[SchoolUrn] = []
    seen: dict[int, int] = {}
    for number, row in enumerate(rows, start=1):
        text = (row["urn"] or "").strip()
        urn = int(text) if text.isdigit() else 0
        if urn <= 0:
            errors.append(
                FieldError(
                    source,
                    number,
                    "urn",
                    "is not a school URN",
                    expected="a positive whole number, e.g. 137177",
                    actual=text,
                )
            )
        elif urn in seen:
            errors.append(
                FieldError(
                    source,
                    number,
                    "urn",
                    f"repeats row {seen[urn]}",
                    expected="each URN once",
                    actual=text,
                )
            )
        else:
            seen[urn] = number
        if not (row["name"] or "").strip():
            errors.append(
                FieldError(source, number, "name", "is blank", expected="the school's name")
            )
        urns.append(SchoolUrn(urn))
    return urns


def _collect_location_errors(rows, precisions, gazetteer, source, errors) -> None:
    """Re-run the look-up for rows that could not be located to keep its exact message."""
    for number, (row, precision) in enumerate(zip(rows, precisions, strict=True), start=1):
        if precision is not None:
            continue
        try:
            gazetteer.locate(row["postcode"] or "")
        except ValueError as exc:
            errors.append(FieldError(source, number, "postcode", str(exc)))
