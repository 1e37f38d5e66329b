"""Imports check everything before one write; exports re-import cleanly; SSDA903 rows are kept."""

# ruff: noqa: E501  (expected messages are kept whole, as users see them)

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from matching.domain import ProviderType
from sufficiency.domain import PlacementType
from sufficiency.errors import InputDataError
from tests.webapp.store_samples import child, decision, household, looked_after, referral
from webapp.store import Store
from webapp.store_exports import export_table
from webapp.store_imports import ImportSummary, import_file
from webapp.store_ssda903 import import_ssda903, ssda903_tables, write_ssda903_files
from webapp.store_ssda903_export import DFE_COLUMNS, export_ssda903

BAD = Path(__file__).resolve().parent.parent / "data" / "bad"
SAMPLE_903 = Path(__file__).resolve().parent.parent / "data" / "ssda903" / "synthetic_sample"
TABLES = ("households", "children", "referrals", "decisions")


def _new_store(path: Path) -> Store:
    store = Store(str(path))
    store.upgrade()
    return store


@pytest.fixture
def filled(tmp_path: Path) -> Store:
    store = _new_store(tmp_path / "filled.sqlite3")
    store.add_household(household("H1", name='=HYPERLINK("http://x")'))
    store.add_household(
        household(
            "H2", provider=ProviderType.AGENCY, agency_name="Synthetic IFA", approved_places=3
        )
    )
    store.add_child(looked_after("C9", "H1", sibling_group="S1"))
    store.add_child(
        looked_after(
            "C8", None, placement_type=PlacementType.CHILDRENS_HOME, placement_postcode="BD1 1AA"
        )
    )
    store.add_referral(
        referral(
            "R1", (child("C1"), child("C2")), allowed_splits=((("C1",), ("C2",)),), notes="@risk"
        )
    )
    store.add_referral(referral("R2", (child("C3"),)))
    store.record_decision(decision("R2", "H2", shortlist_rank=2, reason="-near school"))
    yield store
    store.close()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_export_then_import_gives_the_same_store(
    filled: Store, tmp_path: Path, suffix: str
) -> None:
    copy = _new_store(tmp_path / "copy.sqlite3")
    for table in TABLES:
        export_table(filled, table, tmp_path / f"{table}.{suffix}")
    summaries = [
        import_file(copy, t, tmp_path / f"{t}.{suffix}", imported_by="tester") for t in TABLES
    ]
    assert [(s.rows_read, s.inserted) for s in summaries] == [(2, 2), (3, 3), (2, 2), (1, 1)]
    assert copy.list_households() == filled.list_households()
    assert copy.list_children() == filled.list_children()
    assert copy.list_referrals() == filled.list_referrals()
    assert copy.list_decisions() == filled.list_decisions()
    again = [import_file(copy, t, tmp_path / f"{t}.{suffix}") for t in TABLES]
    assert [(s.inserted, s.updated, s.unchanged) for s in again] == [
        (0, 0, 2),
        (0, 0, 3),
        (0, 0, 2),
        (0, 0, 1),
    ]


def test_csv_export_protects_formula_cells(filled: Store, tmp_path: Path) -> None:
    export_table(filled, "households", tmp_path / "h.csv")
    export_table(filled, "referrals", tmp_path / "r.csv")
    export_table(filled, "decisions", tmp_path / "d.csv")
    assert '"\'=HYPERLINK(""http://x"")"' in (tmp_path / "h.csv").read_text()
    assert ",'@risk," in (tmp_path / "r.csv").read_text()
    assert ",'-near school," in (tmp_path / "d.csv").read_text()


def test_failed_import_leaves_the_database_byte_for_byte_unchanged(
    filled: Store, tmp_path: Path
) -> None:
    database = tmp_path / "filled.sqlite3"
    filled.close()
    before = _sha(database)
    with pytest.raises(InputDataError) as caught:
        import_file(filled, "households", BAD / "households.csv")
    assert len(caught.value.errors) == 10
    filled.close()
    assert _sha(database) == before


def test_store_level_checks_name_the_row(filled: Store, tmp_path: Path) -> None:
    before = filled.list_children()
    with pytest.raises(InputDataError) as caught:
        import_file(filled, "children", BAD / "children.csv")
    assert [str(e) for e in caught.value.errors] == [
        'children.csv row 3, field "household_id": child C7 is in children\'s home, not fostering, so cannot live in a fostering household',
    ]
    rows = (BAD / "children.csv").read_text().splitlines()[:3]  # C9 and C8 in H1 (2 places)
    path = tmp_path / "children.csv"
    path.write_text("\n".join(rows) + "\nC6,2015-01-01,male,,no,no,in-house fostering,H1,,,,,no,\n")
    with pytest.raises(InputDataError) as caught:
        import_file(filled, "children", path)  # C9 already lives in H1; C8 and C6 would join
    assert [str(e) for e in caught.value.errors] == [
        'children.csv row 2, field "household_id": household H1 would have 3 children but has 2 approved places',
        'children.csv row 3, field "household_id": household H1 would have 3 children but has 2 approved places',
    ]
    assert filled.list_children() == before
    path.write_text("\n".join(rows) + "\n")
    summary = import_file(filled, "children", path)  # C8 leaves the children's home for H1
    assert (summary.inserted, summary.updated) == (0, 2)
    assert [c.child_id for c in filled.list_children(household_id="H1")] == ["C8", "C9"]


def test_dry_run_reports_counts_and_writes_nothing(filled: Store, tmp_path: Path) -> None:
    export_table(filled, "households", tmp_path / "households.csv")
    text = (tmp_path / "households.csv").read_text().replace("Household H2", "Renamed H2")
    (tmp_path / "households.csv").write_text(
        text + "H3,New,in-house,,LS6 2AB,1,0,17,emergency,1,,,,,,0,,no,no,,,\n"
    )
    summary = import_file(
        filled, "households", tmp_path / "households.csv", dry_run=True, imported_by="tester"
    )
    assert summary == ImportSummary("households", "households.csv", 3, 1, 1, 1, True)
    assert [h.household_id for h in filled.list_households()] == ["H1", "H2"]
    assert filled.list_imports() == []
    real = import_file(filled, "households", tmp_path / "households.csv", imported_by="tester")
    assert (real.inserted, real.updated, real.unchanged, real.dry_run) == (1, 1, 1, False)
    assert filled.get_household("H2").name == "Renamed H2"
    (entry,) = filled.list_imports()
    assert (entry.table_name, entry.file_name, entry.imported_by, entry.rows_read) == (
        "households",
        "households.csv",
        "tester",
        3,
    )
    assert (entry.rows_inserted, entry.rows_updated) == (1, 1)
    assert entry.sha256 == _sha(tmp_path / "households.csv")


def test_decisions_must_name_stored_records(filled: Store, tmp_path: Path) -> None:
    path = tmp_path / "decisions.csv"
    path.write_text(
        "referral_id,household_id,child_ids,decided_by,decided_at,reason,shortlist_rank\n"
        "R9,H9,,officer.c,2026-11-23 09:00,,1\n"
        "R1,H1,C1;C7,officer.c,2026-11-23,,1\n"
        "R1,H1,C1,,23/11/2026,,0\n"
    )
    with pytest.raises(InputDataError) as caught:
        import_file(filled, "decisions", path)
    assert [str(e) for e in caught.value.errors] == [
        'decisions.csv row 3, field "decided_by": is blank but must be filled in',
        "decisions.csv row 3, field \"shortlist_rank\": is out of range (got '0'; expected a whole number from 1 to 10000)",
    ]
    path.write_text(
        path.read_text().splitlines()[0]
        + "\nR9,H9,,officer.c,2026-11-23 09:00,,1\nR1,H1,C1;C7,officer.c,2026-11-23,,1\n"
    )
    with pytest.raises(InputDataError) as caught:
        import_file(filled, "decisions", path)
    assert [str(e) for e in caught.value.errors] == [
        'decisions.csv row 1, field "referral_id": "R9" is not a referral in the store (expected a referral_id imported from referrals.csv first)',
        'decisions.csv row 1, field "household_id": "H9" is not a household in the store (expected a household_id imported from households.csv first)',
        'decisions.csv row 2, field "child_ids": C7 are not children of referral R1',
    ]


def _ssda903_folder(root: Path, place: str = "U4") -> Path:
    folder = root / "2025"
    folder.mkdir(parents=True)
    (folder / "header.csv").write_text(
        "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n1001,1,05/06/2012,WBRI,,,\n1002,2,07/08/2015,MWBC,,,\n"
    )
    (folder / "episodes.csv").write_text(
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
        f"1001,01/05/2025,S,C2,N1,{place},PR1,,,,,,\n"
        "1002,03/06/2025,S,C2,N2,K2,PR4,10/09/2025,E13,,,,\n"
    )
    (folder / "uasc.csv").write_text("CHILD,SEX,DOB,DUC\n")
    return root


def test_ssda903_rows_are_stored_and_written_back(filled: Store, tmp_path: Path) -> None:
    folder = _ssda903_folder(tmp_path / "returns")
    summaries = import_ssda903(filled, [folder], imported_by="tester")
    assert sorted((s.table, s.rows_read) for s in summaries) == [
        ("ssda903 episodes 2025", 2),
        ("ssda903 header 2025", 2),
        ("ssda903 uasc 2025", 0),
    ]
    tables = ssda903_tables(filled)
    assert tables[2025]["episodes"][1]["PLACE"] == "K2"
    written = write_ssda903_files(filled, tmp_path / "out")
    assert sorted(p.name for p in written) == ["episodes.csv", "header.csv"]
    from sufficiency.ssda903 import read_ssda903

    assert len(read_ssda903(tmp_path / "out").children) == 2


def test_bad_ssda903_files_store_nothing(filled: Store, tmp_path: Path) -> None:
    folder = _ssda903_folder(tmp_path / "returns", place="Q9")
    with pytest.raises(InputDataError) as caught:
        import_ssda903(filled, [folder])
    assert any('"PLACE"' in str(e) and "episodes.csv row 1" in str(e) for e in caught.value.errors)
    assert ssda903_tables(filled) == {}


def test_demo_council_files_import_to_what_load_demo_stores(tmp_path: Path) -> None:
    demo_council = pytest.importorskip("sufficiency.demo_council")
    council = demo_council.build_demo_council()
    loaded = _new_store(tmp_path / "loaded.sqlite3")
    loaded.load_demo(council)
    demo_council.write_demo_files(tmp_path / "files", council)
    imported = _new_store(tmp_path / "imported.sqlite3")
    for table in TABLES:
        import_file(imported, table, tmp_path / "files" / f"{table}.csv")
    import_ssda903(imported, [tmp_path / "files" / "ssda903"])
    assert imported.list_households() == loaded.list_households()
    assert imported.list_children() == loaded.list_children()
    assert imported.list_referrals() == loaded.list_referrals()
    assert imported.list_decisions() == loaded.list_decisions()
    assert ssda903_tables(imported) == ssda903_tables(loaded)
    assert loaded.as_of == council.as_of


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_ssda903_export_in_the_dfe_layout_reimports_the_same_rows(
    tmp_path: Path, suffix: str
) -> None:
    """The 2020 and 2021 synthetic returns (DfE layout): export, import elsewhere, same rows."""
    source = _new_store(tmp_path / "source.sqlite3")
    import_ssda903(source, sorted(SAMPLE_903.glob("202[01]-*.csv")))
    files = export_ssda903(source, tmp_path / "out", file_format=suffix)
    assert [(f.path.relative_to(tmp_path / "out").as_posix(), f.rows) for f in files] == [
        (f"2020/header.{suffix}", 226), (f"2020/episodes.{suffix}", 402), (f"2020/uasc.{suffix}", 8),
        (f"2021/header.{suffix}", 144), (f"2021/episodes.{suffix}", 253), (f"2021/uasc.{suffix}", 4),
    ]  # fmt: skip
    from matching.tabular import read_cells

    assert read_cells(tmp_path / "out" / "2021" / f"episodes.{suffix}")[0] == list(DFE_COLUMNS["episodes"])
    assert read_cells(tmp_path / "out" / "2021" / f"episodes.{suffix}")[1] == (
        (SAMPLE_903 / "2021-episodes.csv").read_text().splitlines()[1].split(",")
    )
    copy = _new_store(tmp_path / "copy.sqlite3")
    summaries = import_ssda903(copy, [tmp_path / "out"])
    assert sorted(s.file_name for s in summaries) == sorted(f.path.name for f in files)
    assert ssda903_tables(copy) == ssda903_tables(source)


def test_ssda903_export_orders_columns_and_writes_every_table(filled: Store, tmp_path: Path) -> None:
    from webapp.store_ssda903 import save_ssda903_tables

    save_ssda903_tables(filled, {2025: {"header": [
        {"DOB": "05/06/2012", "CHILD": "1001", "SEX": "1", "LOCAL_NOTE": "x"},
    ]}})  # fmt: skip
    [header, episodes, uasc] = export_ssda903(filled, tmp_path / "out")
    assert header.path.read_text().splitlines() == [
        "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB,LOCAL_NOTE",  # the council's own column last
        "1001,1,05/06/2012,,,,,x",
    ]
    assert episodes.path.read_text().splitlines() == [",".join(DFE_COLUMNS["episodes"])]
    assert (uasc.rows, uasc.path.read_bytes()) == (0, b"CHILD,SEX,DOB,DUC\r\n")
    with pytest.raises(InputDataError) as caught:
        export_ssda903(filled, tmp_path / "out", years=[2024, 2025, 2019])
    assert [str(e) for e in caught.value.errors] == [
        'ssda903, field "year": the store holds no SSDA903 return for 2019 (expected one of 2025)',
        'ssda903, field "year": the store holds no SSDA903 return for 2024 (expected one of 2025)',
    ]


def test_ssda903_workbook_errors_name_the_workbook(filled: Store, tmp_path: Path) -> None:
    from matching.tabular import read_cells, write_table

    folder = _ssda903_folder(tmp_path / "returns", place="Q9")
    rows = read_cells(folder / "2025" / "episodes.csv")
    (folder / "2025" / "episodes.csv").unlink()
    write_table(folder / "2025" / "episodes.xlsx", rows[0],
                [dict(zip(rows[0], r, strict=True)) for r in rows[1:]])  # fmt: skip
    with pytest.raises(InputDataError) as caught:
        import_ssda903(filled, [folder])
    messages = [str(e) for e in caught.value.errors]
    assert any(m.startswith('episodes.xlsx row 1, field "PLACE"') for m in messages), messages
    (folder / "2025" / "episodes.xlsx").write_bytes(b"not a zip")
    with pytest.raises(InputDataError) as caught:
        import_ssda903(filled, [folder])
    assert [str(e) for e in caught.value.errors] == [
        "episodes.xlsx: cannot be read as a workbook (File is not a zip file)"
    ]
    assert ssda903_tables(filled) == {}


SCHOOLS = (
    "URN,Name,Postcode,Town\n"
    "900001,Synthetic Independent Special School,LS6 2AB,Leeds\n"
    "900002,Synthetic Therapeutic School,m1 1ae,\n"
)


def test_a_council_school_list_is_added_to_the_state_schools(filled: Store, tmp_path: Path) -> None:
    from webapp.store_schools import import_schools, schools_for_matching

    path = tmp_path / "schools.csv"
    path.write_text(SCHOOLS)
    summary = import_schools(filled, path, imported_by="tester")
    assert (summary.rows_read, summary.inserted, summary.updated) == (2, 2, 0)
    stored = filled.list_schools()
    assert [(s.urn, s.name, s.postcode) for s in stored.values()] == [
        (900001, "Synthetic Independent Special School", "LS6 2AB"),
        (900002, "Synthetic Therapeutic School", "M1 1AE"),
    ]
    matching = schools_for_matching(filled)
    assert matching[900001] == stored[900001] and matching[100000].name == "The Aldgate School"
    again = import_schools(filled, path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)
    export_table(filled, "schools", tmp_path / "out.xlsx")
    copy = _new_store(tmp_path / "copy.sqlite3")
    assert import_schools(copy, tmp_path / "out.xlsx").inserted == 2
    assert copy.list_schools() == stored
    assert [r.table_name for r in filled.list_imports()][:2] == ["schools", "schools"]


def test_a_bad_school_list_names_every_problem_and_writes_nothing(
    filled: Store, tmp_path: Path
) -> None:
    from webapp.store_schools import import_schools

    path = tmp_path / "schools.csv"
    path.write_text(
        "urn,name,postcode,phone\nabc,Synthetic A,LS6 2AB,\n900001,,LS6 2AB,\n"
        "900001,Synthetic C,LS6,\n99999999999,Synthetic E,LS6 2AB,\n"
    )
    with pytest.raises(InputDataError) as caught:
        import_schools(filled, path)
    assert [str(e) for e in caught.value.errors] == [
        "schools.csv: unknown column(s) phone (expected columns urn, name, postcode, town, la_code)",
        "schools.csv row 1, field \"urn\": is not a school URN (got 'abc'; expected a positive whole number, e.g. 137177)",
        'schools.csv row 2, field "name": is blank (expected the school\'s name)',
        'schools.csv row 3, field "postcode": "LS6" is not a full UK postcode (e.g. "AB1 2CD" or "SW1A 1AA": an outward code of 2-4 characters, a space, then a digit and two letters)',
        "schools.csv row 3, field \"urn\": repeats row 2 (got '900001'; expected each URN once)",
        "schools.csv row 4, field \"urn\": is out of range (got '99999999999'; expected a school URN of at most six digits (999999))",
    ]
    assert filled.list_schools() == {} and filled.list_imports() == []
