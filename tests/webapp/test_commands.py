"""The operational CLI, run in-process: db, import, export, decide, demo load and serve."""

# ruff: noqa: E501  (expected messages are kept whole, as users see them)

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from tests.webapp.store_samples import child, decision, household, referral
from webapp.commands import COMMANDS
from webapp.store import Store

BAD = Path(__file__).resolve().parent.parent / "data" / "bad"
GOOD_HOUSEHOLDS = (
    "household_id,name,provider,postcode,approved_places,approved_age_min,approved_age_max,approved_kinds\n"
    "H1,Synthetic one,in-house,LS6 2AB,1,0,17,short-term\n"
    "H2,Synthetic two,in-house,LS7 3AA,2,5,15,long-term;short-term\n"
)


@pytest.fixture
def cli() -> click.Group:
    group = click.Group("placement-planner")
    for command in COMMANDS:
        group.add_command(command)
    return group


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "planner.sqlite3"
    monkeypatch.setenv("PLANNER_DATABASE_URL", str(path))
    return path


def _run(cli: click.Group, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_db_upgrade_and_current(cli: click.Group, database: Path) -> None:
    before = json.loads(_run(cli, "db", "current", "--json").stdout)
    assert (before["revision"], before["head"], before["up_to_date"]) == (None, "0005", False)
    result = _run(cli, "db", "upgrade")
    assert result.exit_code == 0
    assert result.stdout.endswith("schema none -> 0005\n")
    assert json.loads(_run(cli, "db", "current", "--json").stdout)["up_to_date"] is True


def test_import_households_then_dry_run(cli: click.Group, database: Path, tmp_path: Path) -> None:
    path = tmp_path / "households.csv"
    path.write_text(GOOD_HOUSEHOLDS)
    result = _run(cli, "import", "households", str(path), "--by", "officer.a")
    assert result.exit_code == 0, result.output
    assert (
        result.stdout == "households.csv: imported 2 households (2 new, 0 updated, 0 unchanged)\n"
    )
    assert "reading households.csv" in result.stderr  # progress goes to stderr
    path.write_text(GOOD_HOUSEHOLDS.replace("Synthetic two", "Renamed"))
    result = _run(cli, "import", "households", str(path), "--dry-run", "--json")
    assert json.loads(result.stdout) == {
        "table": "households", "file_name": "households.csv", "rows_read": 2,
        "inserted": 0, "updated": 1, "unchanged": 1, "dry_run": True,
    }  # fmt: skip
    assert Store(str(database)).get_household("H2").name == "Synthetic two"


def test_malformed_carers_file_prints_row_errors_and_changes_nothing(
    cli: click.Group, database: Path, tmp_path: Path
) -> None:
    good = tmp_path / "households.csv"
    good.write_text(GOOD_HOUSEHOLDS)
    assert _run(cli, "import", "households", str(good)).exit_code == 0
    before = hashlib.sha256(database.read_bytes()).hexdigest()
    result = _run(cli, "import", "households", str(BAD / "households.csv"))
    assert result.exit_code == 2
    assert "households.csv: 10 problem(s)" in result.stderr
    assert (
        "households.csv row 2, field \"approved_places\": is not a whole number (got 'two'; expected a whole number from 0 to 20)"
        in result.stderr
    )
    assert (
        'households.csv row 3, field "household_id": "H1" repeats row 1; ids must be unique in a file'
        in result.stderr
    )
    assert result.stdout == ""
    assert hashlib.sha256(database.read_bytes()).hexdigest() == before


def test_json_error_shape(cli: click.Group, database: Path) -> None:
    result = _run(cli, "import", "households", str(BAD / "households.csv"), "--json")
    assert result.exit_code == 2
    body = json.loads(result.stdout)
    assert (body["ok"], body["status"], len(body["errors"])) == (False, 400, 10)
    assert body["errors"][1]["row"] == 2 and body["errors"][1]["field"] == "approved_places"


def test_export_formats_and_bad_names(cli: click.Group, database: Path, tmp_path: Path) -> None:
    (tmp_path / "households.csv").write_text(GOOD_HOUSEHOLDS)
    _run(cli, "import", "households", str(tmp_path / "households.csv"))
    result = _run(
        cli, "export", "households", "--format", "xlsx", "-o", str(tmp_path / "out"), "--json"
    )
    assert json.loads(result.stdout) == {
        "table": "households",
        "file": str(tmp_path / "out.xlsx"),
        "rows": 2,
    }
    result = CliRunner().invoke(cli, ["export", "households", "-o", str(tmp_path / "out.txt")])
    assert result.exit_code == 2
    assert '"out.txt" must end in .csv or .xlsx' in result.stderr


def _decide_setup(database: Path) -> Store:
    """H1 at the children's home postcode, H2 about a mile away, H3 in Manchester (out of the
    Leeds council area and 36.9 miles away); H1 has one place."""
    store = Store(str(database))
    store.upgrade()
    store.set_setting("council_la_code", "E08000035")  # Leeds
    store.add_household(household("H1", approved_places=1, postcode="LS7 3AA"))
    store.add_household(household("H2", approved_places=2))
    store.add_household(household("H3", approved_places=2, postcode="M1 1AE"))
    store.add_referral(referral("R1", (child("C1"),)))
    store.add_referral(referral("R2", (child("C2"),)))
    return store


def test_decide_checks_the_choice_against_a_fresh_shortlist(cli: click.Group, database: Path) -> None:
    store = _decide_setup(database)
    result = _run(cli, "decide", "R1", "H3", "--by", "officer.a")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "Not recorded: decision on referral R1: 1 problem(s)\n"
        '  - decision, field "reason": a reason is required when the chosen household is not the top of the shortlist, is beyond the distance threshold, or is outside the council\'s area (expected a reason, because it is ranked 3, not first and it is 36.9 miles from home, beyond the threshold and it is outside the council\'s area)\n'
    )
    result = _run(cli, "decide", "R1", "H2", "--by", "officer.a", "--reason", "keeps her school",
                  "--at", "2026-11-23 10:00", "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "referral_id": "R1", "household_id": "H2", "child_ids": ["C1"], "decided_by": "officer.a",
        "decided_at": "2026-11-23 10:00:00", "shortlist_rank": 2, "beyond_threshold": False,
        "out_of_area": False, "reason": "keeps her school",
    }  # fmt: skip
    result = _run(cli, "decide", "R2", "H1", "--by", "officer.b", "--at", "2026-11-23 11:00")
    assert result.stdout == "Recorded: C2 of referral R2 placed with household H1 by officer.b (rank 1 on the shortlist).\n"
    [first, second] = store.list_decisions()
    assert (first.shortlist_rank, first.reason, second.shortlist_rank) == (2, "keeps her school", 1)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("R1", "H1", "--child", "C7"), 2,
         '  - decision, field "child_ids": C7 is neither the whole group nor a part of an allowed split (expected the whole group or one allowed part)'),
        (("R1", "H9"), 2, '  - decision, field "household_id": household H9 is not among the 3 households'),
        (("R404", "H1"), 2, '  - decision, field "referral_id": no referral record with id \'R404\''),
        (("R1", "H1", "--at", "2026-13-01"), 2,
         "  - decision, field \"at\": is not a date and time (got '2026-13-01'; expected yyyy-mm-dd hh:mm)"),
        (("R1", "H1", "--by", " "), 2,
         '  - decision, field "decided_by": who made the decision must be recorded'),
    ],
)  # fmt: skip
def test_decide_bad_choices_exit_2_naming_the_field(
    cli: click.Group, database: Path, args: tuple[str, ...], code: int, message: str
) -> None:
    store = _decide_setup(database)
    by = () if "--by" in args else ("--by", "officer.a")
    result = _run(cli, "decide", *args, *by)
    assert (result.exit_code, result.stderr.splitlines()[-1]) == (code, message)
    assert store.list_decisions() == []


def test_decide_exits_1_when_the_vacancy_or_referral_is_gone(
    cli: click.Group, database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checked against the shortlist, then another officer takes H1's place before it is written."""
    from webapp import store_decisions

    store = _decide_setup(database)
    original = store_decisions.read_claim_state

    def another_officer_first(session, decision_):  # type: ignore[no-untyped-def]
        monkeypatch.setattr(store_decisions, "read_claim_state", original)
        Store(str(database)).record_decision(decision("R2", "H1", decided_by="officer.b"))
        return original(session, decision_)

    monkeypatch.setattr(store_decisions, "read_claim_state", another_officer_first)
    result = _run(cli, "decide", "R1", "H1", "--by", "officer.a")
    assert (result.exit_code, result.stderr) == (
        1,
        "Not recorded: household H1 has 0 vacancies left but this decision places 1 child; another decision may have taken them\n",
    )
    result = _run(cli, "decide", "R2", "H2", "--by", "officer.a")
    assert (result.exit_code, result.stderr) == (1, "Not recorded: referral R2 is placed, not open\n")
    assert [d.decided_by for d in store.list_decisions()] == ["officer.b"]


def test_export_ssda903_then_import_it_again(cli: click.Group, database: Path, tmp_path: Path) -> None:
    small = Path(__file__).resolve().parent.parent / "data" / "ssda903" / "small"
    assert _run(cli, "import", "ssda903", str(small)).exit_code == 0
    out = tmp_path / "out"
    result = _run(cli, "export", "ssda903", "-o", str(out), "--year", "2025", "--format", "xlsx", "--json")
    assert result.exit_code == 0, result.output
    assert [(f["file"], f["table"], f["rows"]) for f in json.loads(result.stdout)] == [
        (str(out / "2025" / "header.xlsx"), "header", 3),
        (str(out / "2025" / "episodes.xlsx"), "episodes", 4),
        (str(out / "2025" / "uasc.xlsx"), "uasc", 1),
    ]
    result = _run(cli, "import", "ssda903", str(out), "--database", str(tmp_path / "copy.sqlite3"))
    assert (result.exit_code, result.stdout) == (0, "episodes.xlsx: ssda903 episodes 2025, 4 rows\n"
        "header.xlsx: ssda903 header 2025, 3 rows\nuasc.xlsx: ssda903 uasc 2025, 1 rows\n")  # fmt: skip
    result = _run(cli, "export", "ssda903", "-o", str(out), "--year", "2019")
    assert (result.exit_code, result.stderr.splitlines()[-1]) == (
        2, '  - ssda903, field "year": the store holds no SSDA903 return for 2019 (expected one of 2024, 2025)')  # fmt: skip
    bad = CliRunner().invoke(cli, ["export", "ssda903", "-o", str(out / "2025" / "uasc.xlsx")])
    assert bad.exit_code == 2 and '"uasc.xlsx" is a file; give a folder' in bad.stderr
    bad = CliRunner().invoke(cli, ["export", "households", "-o", str(out), "--year", "2025"])
    assert bad.exit_code == 2 and "only the ssda903 export takes --year" in bad.stderr


def test_import_schools_dry_run_then_for_real(cli: click.Group, database: Path, tmp_path: Path) -> None:
    path = tmp_path / "schools.csv"
    path.write_text("urn,name,postcode\n900001,Synthetic Independent Special School,LS6 2AB\n")
    result = _run(cli, "import", "schools", str(path), "--dry-run", "--json")
    assert json.loads(result.stdout) == {
        "table": "schools", "file_name": "schools.csv", "rows_read": 1,
        "inserted": 1, "updated": 0, "unchanged": 0, "dry_run": True,
    }  # fmt: skip
    assert Store(str(database)).list_schools() == {}
    result = _run(cli, "import", "schools", str(path))
    assert result.stdout == "schools.csv: imported 1 schools (1 new, 0 updated, 0 unchanged)\n"
    assert list(Store(str(database)).list_schools()) == [900001]


def test_serve_creates_the_database_and_runs_the_app(
    cli: click.Group, database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("webapp.dashboard")
    calls = []
    monkeypatch.setattr(
        "webapp.serving.serve",
        lambda app, host, port, **kw: calls.append((app.config["DATABASE_URL"], host, port, kw)),
    )
    result = _run(cli, "serve", "--port", "5055")
    assert result.exit_code == 0, result.output
    assert calls == [(f"sqlite:///{database}", "127.0.0.1", 5055, {"threads": 8})]
    _run(cli, "serve", "--threads", "2")
    assert calls[-1][3] == {"threads": 2}
    refused = _run(cli, "serve", "--threads", "0")
    assert refused.exit_code == 2 and "0 is not in the range x>=1" in refused.stderr
    assert Store(str(database)).current_revision() == "0005"


def test_demo_load_refuses_a_store_with_data(cli: click.Group, database: Path) -> None:
    store = Store(str(database))
    store.upgrade()
    store.add_household(household("H1"))
    result = _run(cli, "demo", "load")
    assert result.exit_code == 2
    assert "already holds data; the demo is only loaded into an empty store." in result.stderr
