"""Adapter: SSDA903 header, episode and UASC CSV files (one or many years) -> ``History``.

Finds the files, maps 903 column names to ours (``VARIABLE_MAP``), checks every row
against the DfE code lists, and hands the parsed rows to ``sufficiency.stitch``. Any
problem in any file raises one ``InputDataError`` listing them all; nothing is imported.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sufficiency.domain import ChildId
from sufficiency.errors import FieldError, InputDataError
from sufficiency.history import History
from sufficiency.ssda903_rules import (
    CIN_CODES,
    LS_CODES,
    REC_CODES,
    RNE_CODES,
    SEX_CODES,
    RowChecker,
    check_place_in_use,
    code,
    flag,
    valid_place,
    valid_provider,
)
from sufficiency.stitch import EpisodeRow, HeaderRow, cross_file_errors, stitch

logger = logging.getLogger(__name__)

#: 903 column -> our field name (pvlib-style variable map). Columns not listed are ignored.
VARIABLE_MAP: dict[str, str] = {
    "CHILD": "child_id",
    "SEX": "sex",
    "DOB": "date_of_birth",
    "ETHNIC": "ethnicity",
    "MOTHER": "is_mother",
    "MC_DOB": "mothers_child_born",
    "DECOM": "started",
    "RNE": "reason_new_episode",
    "LS": "legal_status",
    "CIN": "category_of_need",
    "PLACE": "placement_code",
    "PLACE_PROVIDER": "provider_code",
    "DEC": "ceased",
    "REC": "reason_ceased",
    "HOME_POST": "home_postcode",
    "PL_POST": "placement_postcode",
    "DUC": "uasc_ceased",
}

#: The DfE column layout of each SSDA903 table, in the DfE's order (files are written this way).
DFE_COLUMNS: dict[str, tuple[str, ...]] = {
    "header": ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    "episodes": (
        "CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
        "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN",
    ),
    "uasc": ("CHILD", "SEX", "DOB", "DUC"),
}  # fmt: skip

#: Columns that identify each table (a file's table is found from its header line).
TABLE_COLUMNS: dict[str, frozenset[str]] = {
    "episodes": frozenset(
        {"CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC"}
    ),
    "uasc": frozenset({"CHILD", "DOB", "DUC"}),
    "header": frozenset({"CHILD", "SEX", "DOB"}),
}
_YEAR = re.compile(r"(?<!\d)(20\d{2}|19\d{2})(?!\d)")


@dataclass(frozen=True, slots=True)
class TableFile:
    """One CSV file found for import, with its table and collection year (for precedence)."""

    path: Path
    table: str
    year: int
    order: int


def find_files(paths: Sequence[Path | str]) -> tuple[list[TableFile], list[FieldError]]:
    """Every CSV under ``paths`` (files or folders), typed by its columns."""
    files: list[TableFile] = []
    errors: list[FieldError] = []
    candidates: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            candidates.extend(sorted(p for p in path.rglob("*") if p.suffix.lower() == ".csv"))
        elif path.is_file():
            candidates.append(path)
        else:
            errors.append(FieldError(str(path), None, None, "file or folder not found"))
    for order, path in enumerate(candidates):
        columns = _columns(path)
        table = next((name for name, needed in TABLE_COLUMNS.items() if needed <= columns), None)
        if table is None:
            errors.append(
                FieldError(
                    path.name,
                    None,
                    None,
                    "is not an SSDA903 header, episodes or UASC file",
                    expected="columns "
                    + " / ".join(",".join(sorted(c)) for c in TABLE_COLUMNS.values()),
                    actual=",".join(sorted(columns)),
                )
            )
            continue
        years = _YEAR.findall(str(path.relative_to(path.anchor)))
        files.append(TableFile(path, table, int(years[-1]) if years else 0, order))
    if not files and not errors:
        errors.append(FieldError(", ".join(map(str, paths)), None, None, "no CSV files found"))
    return files, errors


def _columns(path: Path) -> set[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        first = handle.readline()
    return {c.strip().upper() for c in next(csv.reader(io.StringIO(first)), [])}


def _rows(path: Path) -> Iterable[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        reader.fieldnames = [name.strip().upper() for name in reader.fieldnames or []]
        for number, row in enumerate(reader, start=1):
            yield number, {k: (v or "") for k, v in row.items() if k is not None}


def _episode(
    check: RowChecker, number: int, row: Mapping[str, str], rank: tuple
) -> EpisodeRow | None:
    child = row.get("CHILD", "").strip()
    if not child:
        check.fail(number, "CHILD", "is required", "", "the child's id", "child")
    started = check.date(number, "DECOM", row.get("DECOM", ""), "decom", required=True)
    ceased = check.date(number, "DEC", row.get("DEC", ""), "dec", required=False)
    rne = check.member(number, "RNE", row.get("RNE", ""), RNE_CODES, "rne")
    legal = check.member(number, "LS", row.get("LS", ""), LS_CODES, "ls")
    need = check.member(number, "CIN", row.get("CIN", ""), CIN_CODES, "cin")
    place = check.member(number, "PLACE", row.get("PLACE", ""), valid_place, "place")
    provider = check.member(
        number,
        "PLACE_PROVIDER",
        row.get("PLACE_PROVIDER", ""),
        valid_provider,
        "provider",
        required=False,
    )
    reason = check.member(number, "REC", row.get("REC", ""), REC_CODES, "rec", required=False)
    check_place_in_use(check, number, place, started)
    if row.get("DEC", "").strip() and not reason:
        check.fail(
            number,
            "REC",
            "is blank while DEC is present",
            "",
            "a reason episode ceased whenever DEC is given",
            "dec_rec",
        )
    if ceased is None:
        reason = ""  # an open episode has no reason ceased (some systems export X1 here)
    if started and ceased and ceased < started:
        check.fail(
            number,
            "DEC",
            "is before DECOM",
            row.get("DEC", ""),
            f"on or after {started.strftime('%d/%m/%Y')}",
            "dec_order",
        )
    if len(check.errors) and check.errors[-1].row == number:
        return None
    return EpisodeRow(
        child_id=ChildId(child),
        started=started,
        ceased=ceased,
        reason_new_episode=rne,
        legal_status=legal,
        category_of_need=need,
        placement_code=place,
        provider_code=provider,
        reason_ceased=reason,
        home_postcode=code(row.get("HOME_POST", "")),
        placement_postcode=code(row.get("PL_POST", "")),
        source=check.source,
        row=number,
        rank=rank,
    )


def _header(
    check: RowChecker, number: int, row: Mapping[str, str], rank: tuple
) -> HeaderRow | None:
    child = row.get("CHILD", "").strip()
    if not child:
        check.fail(number, "CHILD", "is required", "", "the child's id", "child")
    sex = check.member(number, "SEX", row.get("SEX", ""), SEX_CODES, "sex")
    born = check.date(number, "DOB", row.get("DOB", ""), "dob", required=True)
    child_born = check.date(number, "MC_DOB", row.get("MC_DOB", ""), "mc_dob", required=False)
    if len(check.errors) and check.errors[-1].row == number:
        return None
    return HeaderRow(
        ChildId(child),
        sex,
        born,
        code(row.get("ETHNIC", "")),
        flag(row.get("MOTHER", "")),
        check.source,
        number,
        rank,
        mothers_child_born=child_born,
    )


def _uasc(check: RowChecker, number: int, row: Mapping[str, str], rank: tuple) -> HeaderRow | None:
    child = row.get("CHILD", "").strip()
    if not child:
        check.fail(number, "CHILD", "is required", "", "the child's id", "child")
    born = check.date(number, "DOB", row.get("DOB", ""), "dob", required=True)
    ceased = check.date(number, "DUC", row.get("DUC", ""), "duc", required=False)
    if len(check.errors) and check.errors[-1].row == number:
        return None
    sex = code(row.get("SEX", ""))
    return HeaderRow(
        ChildId(child),
        sex,
        born,
        "",
        False,
        check.source,
        number,
        rank,
        uasc=True,
        uasc_ceased=ceased,
    )


_PARSERS = {"episodes": _episode, "header": _header, "uasc": _uasc}


def read_ssda903(
    paths: Sequence[Path | str] | Path | str, *, extract_date: dt.date | None = None
) -> History:
    """Read and clean SSDA903 files into one history per child.

    Parameters
    ----------
    paths : path or sequence of paths
        CSV files and/or folders (searched recursively): one folder per year, one folder
        holding ``YYYY-episodes.csv`` etc., or single files. Tables are recognised by their
        columns; the year (for "latest file wins") comes from the file or folder name.
    extract_date : datetime.date, optional
        Last day the data describes. Default: the latest episode start or end date found.

    Returns
    -------
    History
        Cleaned episodes per child, with a log of what cleaning did.

    Raises
    ------
    InputDataError
        Listing every problem, each with file, row, field and the DfE rule; nothing is read.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    files, errors = find_files(paths)
    parsed: dict[str, list] = {"episodes": [], "header": [], "uasc": []}
    for table_file in sorted(files, key=lambda f: (f.year, f.order)):
        check = RowChecker(table_file.path.name)
        rank = (table_file.year, table_file.order)
        for number, row in _rows(table_file.path):
            record = _PARSERS[table_file.table](check, number, row, rank)
            if record is not None:
                parsed[table_file.table].append(record)
        errors.extend(check.errors)
        logger.info(
            "read %s (%s, %d problems)", table_file.path.name, table_file.table, len(check.errors)
        )
    errors.extend(cross_file_errors(parsed["episodes"], parsed["header"], parsed["uasc"]))
    if errors:
        raise InputDataError(
            errors, summary=f"SSDA903 import failed: {len(errors)} problem(s); nothing was imported"
        )
    return stitch(parsed["episodes"], parsed["header"], parsed["uasc"], extract_date=extract_date)
