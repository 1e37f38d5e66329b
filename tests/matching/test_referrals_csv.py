"""referrals.csv reading: rows grouped per referral, columns that must agree, splits, round trip."""

# ruff: noqa: E501  (expected messages are kept whole, as users see them)

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from matching.domain import Need, PlacementKind
from matching.referrals_csv import (
    REFERRAL_COLUMNS,
    format_splits,
    parse_splits,
    read_referrals,
    referral_rows,
)
from matching.tabular import write_table
from sufficiency.errors import InputDataError

BAD = Path(__file__).resolve().parent.parent / "data" / "bad"
HEADER = "referral_id,received_on,start_date,placement_kind,home_postcode,allowed_splits,child_id,date_of_birth,sex,essential_needs"


def _write(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "referrals.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_sibling_rows_make_one_referral(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "R1,2026-11-20,01/12/2026,Short-Term,LS7 3AA,C1+C2|C3,C1,2014-03-02,female,trauma",
        "R1,2026-11-20,01/12/2026,Short-Term,LS7 3AA,C1+C2|C3,C2,2016-05-02,male,",
        "R1,2026-11-20,01/12/2026,Short-Term,LS7 3AA,C1+C2|C3,C3,2018-05-02,male,",
        "R2,2026-11-21,2026-12-02,long-term,LS7 3AA,,C4,2010-01-01,female,autism; trauma",
    )
    parsed = read_referrals(path)
    assert parsed.row_numbers == (1, 4)
    first, second = parsed.items
    assert [c.child_id for c in first.children] == ["C1", "C2", "C3"]
    assert first.start_date == dt.date(2026, 12, 1)
    assert first.placement_kind == PlacementKind.SHORT_TERM
    assert first.allowed_splits == ((("C1", "C2"), ("C3",)),)
    assert second.children[0].essential_needs == frozenset({Need.AUTISM, Need.TRAUMA})


def test_every_problem_in_the_bad_file_is_reported() -> None:
    with pytest.raises(InputDataError) as caught:
        read_referrals(BAD / "referrals.csv")
    assert [str(e) for e in caught.value.errors] == [
        'referrals.csv row 2, field "received_on": differs from row 1 of referral R1; a referral\'s columns must be the same on each of its rows',
        'referrals.csv row 2, field "date_of_birth": is not a date (expected yyyy-mm-dd or dd/mm/yyyy)',
        "referrals.csv row 3, field \"allowed_splits\": (('C3',), ('C4',)) must share out every child of R2 exactly once",
    ]


def test_date_of_birth_is_never_echoed(tmp_path: Path) -> None:
    path = _write(tmp_path, "R1,2026-11-20,2026-12-01,short-term,LS7 3AA,,C1,31/02/2014,female,")
    with pytest.raises(InputDataError) as caught:
        read_referrals(path)
    assert "31/02/2014" not in str(caught.value)


def test_splits_text_round_trip() -> None:
    text = "C1+C2|C3;C1|C2+C3"
    assert parse_splits(text) == ((("C1", "C2"), ("C3",)), (("C1",), ("C2", "C3")))
    assert format_splits(parse_splits(text)) == text
    assert parse_splits("") == ()


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_write_then_read_round_trip(tmp_path: Path, suffix: str) -> None:
    source = _write(
        tmp_path,
        "R1,2026-11-20,2026-12-01,short-term,LS7 3AA,C1|C2,C1,2014-03-02,female,trauma",
        "R1,2026-11-20,2026-12-01,short-term,LS7 3AA,C1|C2,C2,2016-05-02,male,",
    )
    original = read_referrals(source).items
    out = tmp_path / f"again.{suffix}"
    write_table(out, REFERRAL_COLUMNS, [row for r in original for row in referral_rows(r)])
    assert read_referrals(out).items == original
