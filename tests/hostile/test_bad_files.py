"""The hostile-file corpus: each file gets a clear error naming the row and field, and changes
nothing; the files that are merely unusual (UTF-16 with a BOM, Latin-1 with £) import correctly.

Files: tests/hostile/files (written by tests/hostile/make_corpus.py; synthetic rows only).
"""

# ruff: noqa: E501  (expected messages are kept whole, as users see them)

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from sufficiency.errors import InputDataError
from tests.hostile.make_corpus import big_children_csv
from tests.webapp.test_concurrency import snapshot
from tests.webapp.web_support import fill
from webapp.store import Store
from webapp.store_exports import export_table
from webapp.store_imports import import_file

FILES = Path(__file__).resolve().parent / "files"

BAD = [
    (
        "children",
        "children_missing_columns.csv",
        "children_missing_columns.csv: required column(s) missing: date_of_birth, sex (expected columns child_id, date_of_birth, sex, ethnicity",
    ),
    (
        "children",
        "children_future_birth.csv",
        'children_future_birth.csv row 1, field "date_of_birth": is after the planning date (2026-11-23); a child looked after is already born',
    ),
    (
        "children",
        "children_impossible_age.csv",
        'children_impossible_age.csv row 1, field "date_of_birth": gives an age of 136 on the planning date (2026-11-23); children looked after are under 18',
    ),
    (
        "children",
        "children_impossible_age.csv",
        'children_impossible_age.csv row 2, field "date_of_birth": gives an age of 25 on the planning date',
    ),
    (
        "children",
        "children_impossible_date.csv",
        'children_impossible_date.csv row 1, field "date_of_birth": is not a date (expected yyyy-mm-dd or dd/mm/yyyy)',
    ),
    (
        "children",
        "children_duplicate.csv",
        'children_duplicate.csv row 2, field "child_id": "C7" repeats row 1; ids must be unique in a file',
    ),
    (
        "referrals",
        "referrals_duplicate_child.csv",
        'referrals_duplicate_child.csv row 2, field "child_id": child C20 is already in open referral R7 (row 1 of this file); a child can be in one open referral at a time',
    ),
    (
        "referrals",
        "referrals_duplicate_child.csv",
        'referrals_duplicate_child.csv row 3, field "child_id": child C1 is already in open referral R1 in the store',
    ),
    (
        "referrals",
        "referrals_future.csv",
        'referrals_future.csv row 1, field "received_on": is after the planning date (2026-11-23); a referral cannot arrive in the future',
    ),
    (
        "referrals",
        "referrals_impossible_age.csv",
        'referrals_impossible_age.csv row 1, field "children": child C20 is 18 or over on the start date',
    ),
    (
        "referrals",
        "referrals_unknown_postcode.csv",
        'referrals_unknown_postcode.csv row 1, field "home_postcode": "ZZ99 ***" was not found',
    ),
    (
        "households",
        "households_utf16_no_bom.csv",
        'households_utf16_no_bom.csv: the file is not plain text (it holds NUL bytes: UTF-16 without a byte-order mark, or not a CSV file at all); save it from Excel as "CSV UTF-8"',
    ),
    (
        "households",
        "households_latin1_bad.csv",
        "households_latin1_bad.csv row 1, field \"weekly_cost_gbp\": is not a number (got 'four hundred'; expected a number, at least 0)",
    ),
    ("households", "not_a_table.csv", "not_a_table.csv: the file is not plain text"),
    (
        "households",
        "not_a_workbook.xlsx",
        "not_a_workbook.xlsx: the file is not a readable .xlsx workbook (save it again from Excel as .xlsx)",
    ),
    ("households", "empty.csv", "empty.csv: the file is empty (expected a header row)"),
    (
        "children",
        "huge_cell.csv",
        "huge_cell.csv: the file is not a readable CSV file (field larger than field limit (131072))",
    ),
]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(str(tmp_path / "hostile.sqlite3"))
    store.upgrade()
    fill(store)
    yield store
    store.close()


@pytest.mark.parametrize(
    ("table", "name", "message"), BAD, ids=[f"{n}:{i}" for i, (_, n, _) in enumerate(BAD)]
)
def test_bad_file_is_refused_with_a_clear_error_and_changes_nothing(
    store, table, name, message
) -> None:
    before = snapshot(store)
    with pytest.raises(InputDataError) as raised:
        import_file(store, table, FILES / name, imported_by="hostile test", audit_channel="cli")
    assert message in str(raised.value)
    assert snapshot(store) == before


@pytest.mark.parametrize(
    "name",
    ["children_future_birth.csv", "children_impossible_age.csv", "referrals_impossible_age.csv"],
)
def test_errors_never_repeat_a_date_of_birth_or_full_postcode(store, name) -> None:
    table = name.split("_")[0]
    with pytest.raises(InputDataError) as raised:
        import_file(store, table, FILES / name)
    text = str(raised.value)
    for secret in ("2031-01-01", "1890-05-04", "2001-05-04", "2006-03-02", "LS7 3AA"):
        assert secret not in text


@pytest.mark.parametrize("name", ["households_utf16.csv", "households_latin1.csv"])
def test_other_encodings_are_read_correctly(store, name) -> None:
    summary = import_file(store, "households", FILES / name)
    assert summary.inserted == 1
    household = store.get_household("H7")
    assert (household.name, household.weekly_cost_gbp) == ("Household Seven Zoë", 450.0)


def test_a_100000_row_file_is_refused_quickly_and_changes_nothing(store, tmp_path) -> None:
    path = big_children_csv(tmp_path / "children.csv")
    before = snapshot(store)
    with pytest.raises(InputDataError) as raised:
        import_file(store, "children", path)
    assert str(raised.value).endswith(
        "children.csv: the file has 100,000 rows, more than this import takes at once (expected at most 50,000 rows; split the file)"
    )
    assert snapshot(store) == before


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_formula_injection_is_escaped_in_exports_and_round_trips(store, tmp_path, suffix) -> None:
    import_file(store, "households", FILES / "formula_names.csv")
    path = tmp_path / f"households.{suffix}"
    export_table(store, "households", path)
    if suffix == "csv":
        cells = {
            row["household_id"]: row["name"]
            for row in csv.DictReader(io.StringIO(path.read_text("utf-8")))
        }
    else:
        from openpyxl import load_workbook

        sheet = load_workbook(path).active
        names = [c.value for c in sheet[1]]
        cells = {
            row[0]: row[names.index("name")] for row in sheet.iter_rows(min_row=2, values_only=True)
        }
    assert cells["H7"] == '\'=HYPERLINK("http://evil.example","click")'
    assert (cells["H8"], cells["H9"]) == ("'+SUM(1;2)", "'@cmd")
    store.update_household(store.get_household("H7"))
    assert import_file(store, "households", path).unchanged == 7  # the apostrophe is removed again


def test_the_cli_reports_a_bad_file_and_exits_2(store) -> None:
    from webapp.cli import main

    result = CliRunner().invoke(
        main,
        ["import", "children", str(FILES / "children_future_birth.csv"), "--database", store.url],
    )
    assert result.exit_code == 2
    assert 'row 1, field "date_of_birth": is after the planning date' in result.stderr
