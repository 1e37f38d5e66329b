"""households.csv/.xlsx reading: every row error with its row and field, and the round trip."""

# ruff: noqa: E501  (expected messages are kept whole, as users see them)

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from matching.carers_csv import HOUSEHOLD_COLUMNS, household_cells, read_households
from matching.domain import Need, PlacementKind, ProviderType
from matching.tabular import write_table
from sufficiency.errors import InputDataError

BAD = Path(__file__).resolve().parent.parent / "data" / "bad"
HEADER = "household_id,name,provider,postcode,approved_places,approved_age_min,approved_age_max,approved_kinds"
GOOD_ROW = "H1,Synthetic one,in-house,ls62ab,2,0,17,short-term"


def _write(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "households.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def _messages(path: Path) -> list[str]:
    with pytest.raises(InputDataError) as caught:
        read_households(path)
    return [str(e) for e in caught.value.errors]


def test_reads_a_good_row_with_defaults(tmp_path: Path) -> None:
    parsed = read_households(_write(tmp_path, GOOD_ROW))
    (household,) = parsed.items
    assert parsed.row_numbers == (1,)
    assert household.postcode == "LS6 2AB"  # normalised
    assert household.provider == ProviderType.IN_HOUSE
    assert household.approved_kinds == frozenset({PlacementKind.SHORT_TERM})
    assert household.languages == frozenset({"English"})
    assert (household.max_sibling_group, household.on_hold, household.weekly_cost_gbp) == (
        1,
        False,
        0.0,
    )


def test_every_problem_in_the_bad_file_is_reported() -> None:
    messages = _messages(BAD / "households.csv")
    assert messages[0].startswith(
        'households.csv row 2, field "postcode": "AB1" is not a full UK postcode'
    )
    assert messages[1:8] == [
        "households.csv row 2, field \"approved_places\": is not a whole number (got 'two'; "
        "expected a whole number from 0 to 20)",
        'households.csv row 2, field "approved_kinds": "forever" is not one of the allowed values '
        "(expected one of: emergency, short-term, long-term, respite, parent-and-child)",
        'households.csv row 2, field "skills": "flying" is not one of the allowed values (expected one of: '
        + ", ".join(Need)
        + ")",
        "households.csv row 2, field \"weekly_cost_gbp\": is out of range (got '-3'; expected at least 0)",
        "households.csv row 2, field \"on_hold\": is not yes or no (got 'maybe'; expected yes/no, "
        "true/false or 1/0 (blank = no))",
        "households.csv row 2, field \"approved_age_max\": is below approved_age_min (5) (got '3')",
        'households.csv row 2, field "agency_name": is blank but an agency household needs its agency\'s name',
    ]
    assert (
        messages[8]
        == 'households.csv row 3, field "household_id": "H1" repeats row 1; ids must be unique in a file'
    )
    assert messages[9].startswith(
        'households.csv row 3, field "postcode": "ZZ99 ***" was not found'
    )
    assert len(messages) == 10


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("H1,,in-house,LS6 2AB,2,0,17,short-term", 'row 1, field "name": is blank but must be filled in'),
        ("H1,N,foster,LS6 2AB,2,0,17,short-term", 'row 1, field "provider": "foster" is not one of the allowed values (expected one of: in-house, agency, connected)'),
        ("H1,N,in-house,LS6 2AB,2,0,18,short-term", "row 1, field \"approved_age_max\": is out of range (got '18'; expected a whole number from 0 to 17)"),
        ("H1,N,in-house,LS6 2AB,,0,17,short-term", 'row 1, field "approved_places": is blank but must be a whole number'),
        ("H1,N,in-house,LS6 2AB,2,0,17,", 'row 1, field "approved_kinds": is blank (expected one or more of: emergency, short-term, long-term, respite, parent-and-child)'),
        ("H1,N,in-house,,2,0,17,short-term", 'row 1, field "postcode": is blank but must be a full UK postcode (expected e.g. "AB1 2CD")'),
    ],
)  # fmt: skip
def test_single_bad_values(tmp_path: Path, row: str, message: str) -> None:
    assert _messages(_write(tmp_path, row)) == [f"households.csv {message}"]


def test_header_problems_are_listed_together(tmp_path: Path) -> None:
    path = _write(tmp_path, "H1,x", header="household_id,colour")
    columns = "columns " + ", ".join(HOUSEHOLD_COLUMNS)
    assert _messages(path) == [
        f"households.csv: unknown column(s) colour; is this the right file? (expected {columns})",
        "households.csv: required column(s) missing: name, provider, postcode, approved_places, "
        f"approved_age_min, approved_age_max, approved_kinds (expected {columns})",
    ]


def test_headers_are_case_insensitive_and_blank_rows_skipped(tmp_path: Path) -> None:
    path = _write(tmp_path, "", GOOD_ROW, header=HEADER.upper())
    assert read_households(path).row_numbers == (2,)


def test_missing_file_and_wrong_suffix(tmp_path: Path) -> None:
    assert _messages(tmp_path / "nope.csv") == ["nope.csv: the file does not exist"]
    other = tmp_path / "households.txt"
    other.write_text(HEADER)
    assert _messages(other) == ['households.txt: files must end in .csv or .xlsx, not ".txt"']


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_write_then_read_round_trip(tmp_path: Path, suffix: str) -> None:
    original = read_households(_write(tmp_path, GOOD_ROW)).items[0]
    from dataclasses import replace

    richer = replace(
        original,
        name="=1+2",  # formula-like text survives the protection and comes back unchanged
        skills=frozenset({Need.TRAUMA, Need.AUTISM}),
        available_from=dt.date(2026, 12, 1),
        weekly_cost_gbp=512.5,
    )
    path = tmp_path / f"out.{suffix}"
    write_table(path, HOUSEHOLD_COLUMNS, [household_cells(richer)])
    if suffix == "csv":
        assert "'=1+2" in path.read_text(encoding="utf-8")
    assert read_households(path).items == (richer,)
