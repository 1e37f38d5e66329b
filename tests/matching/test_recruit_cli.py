"""`placement-planner recruit` in-process: demo, JSON, exports, bad input, documented options."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from matching.recruit_cli import recruit
from webapp.cli import main

DOCS = Path(__file__).resolve().parents[2] / "docs" / "recruitment.md"


@pytest.fixture(scope="module")
def demo_json(tmp_path_factory) -> tuple[dict, Path]:
    folder = tmp_path_factory.mktemp("recruit")
    result = CliRunner().invoke(
        main,
        [
            "recruit",
            "--budget",
            "2",
            "--json",
            "--time-limit",
            "5",
            "--csv",
            str(folder / "targets.csv"),
            "--districts-csv",
            str(folder / "districts.csv"),
            "--xlsx",
            str(folder / "plan.xlsx"),
        ],
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), folder


def test_demo_json_has_targets_returns_and_the_map_table(demo_json) -> None:
    body, _ = demo_json
    assert body["ok"] is True and body["area"] == "Haringey" and body["as_of"] == "2026-11-23"
    assert body["window_start"] == "2024-11-23"
    assert 1 <= len(body["returns"]) <= 2
    children = [row["children_better_placed"] for row in body["returns"]]
    assert children == sorted(children) and children[0] > 0
    assert body["targets"][0]["target"].startswith("1 household approved for ages ")
    first = body["unmet_by_district"][0]
    assert first["district"].startswith("N") and first["easting_m"] > 500000
    assert sum(r["children"] for r in body["unmet_by_district"]) == body["unmet_total"]["children"]


def test_demo_json_counts_each_gap_source_separately(demo_json) -> None:
    body, _ = demo_json
    sources = {row["source"]: row for row in body["unmet_by_source"]}
    # The demo's five decisions are placements its SSDA903 history holds: counted once, there.
    assert sorted(sources) == ["history", "open"]
    assert (
        "5 recorded decision(s) already in the SSDA903 history: counted once, from it"
        in (body["messages"])
    )
    # 22 of the 25 open referrals fall short (the allocator's answer on the demo's vacancies).
    assert sources["open"]["referrals"] == 22 and sources["open"]["children_open"] == 31
    assert sources["open"]["no household could take"] == 14
    for row in body["unmet_by_district"]:
        assert row["children"] == sum(row[f"children_{s}"] for s in ("history", "decision", "open"))
    assert body["unmet_total"]["by_source"]["open"] == 31


def test_exports_match_the_json(demo_json) -> None:
    body, folder = demo_json
    with (folder / "targets.csv").open(encoding="utf-8") as handle:
        targets = list(csv.DictReader(handle))
    assert [t["target"] for t in targets] == [t["target"] for t in body["targets"]]
    with (folder / "districts.csv").open(encoding="utf-8") as handle:
        districts = list(csv.DictReader(handle))
    assert [d["district"] for d in districts] == [d["district"] for d in body["unmet_by_district"]]
    from openpyxl import load_workbook

    workbook = load_workbook(folder / "plan.xlsx")
    assert workbook.sheetnames == [
        "Targets",
        "Returns",
        "Unmet need by district",
        "By source",
        "By age band",
        "By need",
        "By sibling group size",
    ]


def test_progress_goes_to_stderr_and_the_report_to_stdout() -> None:
    result = CliRunner().invoke(main, ["recruit", "--budget", "1", "--time-limit", "5"])
    assert result.exit_code == 0, result.output
    assert "Recruitment targets (budget 1, ranked):" in result.stdout
    assert "building the demo council" in result.stderr
    assert "building the demo council" not in result.stdout


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["--households", "pyproject.toml"],
            "--ssda903 and --households go together: pass both, or neither for the demo council",
        ),
        (
            ["--ssda903", "tests"],
            "--ssda903 and --households go together: pass both, or neither for the demo council",
        ),
        (
            ["--referrals", "pyproject.toml"],
            "--referrals, --decisions and --children go with --ssda903 and --households (the "
            "demo council has its own)",
        ),
        (
            ["--sources", "history,gossip"],
            "--sources: gossip is not a gap source; use one or more of history, decision, open "
            "separated by commas",
        ),
    ],
)
def test_bad_input_exits_2_with_the_error_shape(arguments: list[str], message: str) -> None:
    result = CliRunner().invoke(recruit, [*arguments, "--json"])
    assert result.exit_code == 2
    body = json.loads(result.stdout)
    assert body == {"ok": False, "errors": [{"message": message}], "status": 400}
    text = CliRunner().invoke(recruit, arguments)
    assert text.exit_code == 2 and message in text.stderr


def test_budget_out_of_range_is_a_usage_error() -> None:
    result = CliRunner().invoke(recruit, ["--budget", "0"])
    assert result.exit_code == 2
    assert "0 is not in the range 1<=x<=50" in result.output


def test_every_option_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for parameter in recruit.params:
        for option in parameter.opts:
            assert f"`{option}" in text, f"document {option} in docs/recruitment.md"


def test_council_files_give_the_same_kind_of_report(tmp_path) -> None:
    from sufficiency.demo_council import write_demo_files

    write_demo_files(tmp_path)
    result = CliRunner().invoke(
        recruit,
        [
            "--ssda903",
            str(tmp_path / "ssda903"),
            "--households",
            str(tmp_path / "households.csv"),
            "--budget",
            "1",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    # The LA is the one most children's homes are in (Haringey, 309); the window ends on the
    # files' extract date.
    assert body["source"] == "files" and body["area"] == "Haringey"
    assert len(body["returns"]) == 1 and body["returns"][0]["children_better_placed"] > 0
    assert [row["source"] for row in body["unmet_by_source"]] == ["history"]


def test_council_files_with_referrals_and_decisions_add_the_casework(tmp_path) -> None:
    from sufficiency.demo_council import write_demo_files

    write_demo_files(tmp_path)
    arguments = ["--ssda903", str(tmp_path / "ssda903"), "--households"]
    arguments += [str(tmp_path / "households.csv"), "--referrals", str(tmp_path / "referrals.csv")]
    arguments += ["--decisions", str(tmp_path / "decisions.csv"), "--budget", "1", "--json"]
    arguments += ["--children", str(tmp_path / "children.csv")]
    result = CliRunner().invoke(recruit, arguments)
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    sources = {row["source"]: row["referrals"] for row in body["unmet_by_source"]}
    assert sources["open"] == 22 and "decision" not in sources
    only_history = CliRunner().invoke(recruit, [*arguments, "--sources", "history"])
    assert [r["source"] for r in json.loads(only_history.stdout)["unmet_by_source"]] == ["history"]


def test_a_referrals_file_with_errors_is_reported_with_row_and_field(tmp_path) -> None:
    from sufficiency.demo_council import write_demo_files

    write_demo_files(tmp_path)
    lines = (tmp_path / "referrals.csv").read_text(encoding="utf-8").splitlines()
    head = lines[0].split(",")
    row = lines[1].split(",")
    row[head.index("start_date")] = "next week"
    (tmp_path / "referrals.csv").write_text("\n".join([lines[0], ",".join(row)]) + "\n")
    arguments = ["--ssda903", str(tmp_path / "ssda903"), "--households"]
    arguments += [str(tmp_path / "households.csv"), "--referrals", str(tmp_path / "referrals.csv")]
    result = CliRunner().invoke(recruit, [*arguments, "--json"])
    assert result.exit_code == 2
    errors = json.loads(result.stdout)["errors"]
    assert [(e["source"], e["row"], e["field"]) for e in errors] == [
        ("referrals.csv", 1, "start_date")
    ]
