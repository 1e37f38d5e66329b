"""Writes the hostile-input corpus in tests/hostile/files (synthetic rows only; run to refresh).

The 100,000-row file is not kept in git: ``big_children_csv(path)`` writes it in a test.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent / "files"
HOUSEHOLDS = (
    "household_id,name,provider,postcode,approved_places,approved_age_min,approved_age_max,"
    "approved_kinds,weekly_cost_gbp\n"
    "H7,Household Seven Zoë,in-house,LS6 2AB,2,0,17,short-term,£450\n"
)
CHILD_HEADER = "child_id,date_of_birth,sex,placement_type,household_id,placement_postcode\n"
REFERRAL_HEADER = (
    "referral_id,received_on,start_date,placement_kind,home_postcode,child_id,date_of_birth,sex\n"
)

FILES: dict[str, bytes] = {
    # Excel's "Unicode text": UTF-16 with a byte-order mark, tab-separated. Read correctly.
    "households_utf16.csv": HOUSEHOLDS.replace(",", "\t").encode("utf-16"),
    # UTF-16 without a byte-order mark: cannot be told from binary, so refused.
    "households_utf16_no_bom.csv": HOUSEHOLDS.encode("utf-16-le"),
    # Windows Latin-1/cp1252 with a pound sign and an accent: read correctly.
    "households_latin1.csv": HOUSEHOLDS.encode("cp1252"),
    # Latin-1 with a bad cost: the error names the row, with the pound sign intact.
    "households_latin1_bad.csv": HOUSEHOLDS.replace("£450", "£four hundred").encode("cp1252"),
    "children_missing_columns.csv": b"child_id,placement_type\nC7,in-house fostering\n",
    "children_future_birth.csv": (
        CHILD_HEADER + "C7,2031-01-01,female,children's home,,\n"
    ).encode(),
    "children_impossible_age.csv": (
        CHILD_HEADER
        + "C7,1890-05-04,female,children's home,,\n"
        + "C8,2001-05-04,male,children's home,,\n"
    ).encode(),
    "children_impossible_date.csv": (CHILD_HEADER + "C9,31/02/2015,male,secure,,\n").encode(),
    "children_duplicate.csv": (
        CHILD_HEADER + "C7,2015-05-04,female,children's home,,\nC7,2016-01-01,male,secure,,\n"
    ).encode(),
    "referrals_duplicate_child.csv": (
        REFERRAL_HEADER
        + "R7,2026-11-20,2026-12-01,short-term,LS7 3AA,C20,2015-03-02,female\n"
        + "R8,2026-11-21,2026-12-01,short-term,LS7 3AA,C20,2015-03-02,female\n"
        + "R9,2026-11-21,2026-12-01,short-term,LS7 3AA,C1,2015-03-02,female\n"
    ).encode(),
    "referrals_future.csv": (
        REFERRAL_HEADER + "R7,2031-11-20,2031-12-01,short-term,LS7 3AA,C20,2015-03-02,female\n"
    ).encode(),
    "referrals_impossible_age.csv": (
        REFERRAL_HEADER + "R7,2026-11-20,2026-12-01,short-term,LS7 3AA,C20,2006-03-02,female\n"
    ).encode(),
    "referrals_unknown_postcode.csv": (
        REFERRAL_HEADER + "R7,2026-11-20,2026-12-01,short-term,ZZ99 9ZZ,C20,2015-03-02,female\n"
    ).encode(),
    "not_a_table.csv": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
    "not_a_workbook.xlsx": b"household_id,name\nH1,Not really Excel\n",
    "empty.csv": b"",
    "huge_cell.csv": (CHILD_HEADER + "C7," + "9" * 200_000 + ",female,secure,,\n").encode(),
    "formula_names.csv": (
        b"household_id,name,provider,postcode,approved_places,approved_age_min,approved_age_max,"
        b"approved_kinds\n"
        b'H7,"=HYPERLINK(""http://evil.example"",""click"")",in-house,LS6 2AB,1,0,17,short-term\n'
        b"H8,+SUM(1;2),in-house,LS6 2AB,1,0,17,short-term\n"
        b"H9,@cmd,in-house,LS6 2AB,1,0,17,short-term\n"
    ),
}


def big_children_csv(path: Path, rows: int = 100_000) -> Path:
    """A children file with ``rows`` valid-looking rows (too many for one import)."""
    with path.open("w", encoding="utf-8") as handle:
        handle.write(CHILD_HEADER)
        for number in range(rows):
            handle.write(f"B{number},2015-05-04,female,children's home,,\n")
    return path


def main() -> None:
    HERE.mkdir(exist_ok=True)
    for name, data in FILES.items():
        (HERE / name).write_bytes(data)


if __name__ == "__main__":
    main()
