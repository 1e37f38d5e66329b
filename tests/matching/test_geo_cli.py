"""The ``postcode`` and ``schools`` commands, run in-process with click's CliRunner."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from matching.geo_cli import COMMANDS, _join_split_postcodes, postcode_command, schools_command


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_commands_are_contributed() -> None:
    assert [command.name for command in COMMANDS] == ["postcode", "schools"]


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (("HA1", "2JG"), ["HA1 2JG"]),
        (("HA1", "2JG", "N17", "6AA"), ["HA1 2JG", "N17 6AA"]),
        (("ha12jg", "N17", "6aa"), ["ha12jg", "N17 6aa"]),
        (("HA1 2JG", "2JG"), ["HA1 2JG", "2JG"]),  # already complete: not joined
        (("SW1A1AA",), ["SW1A1AA"]),
    ],
)
def test_join_split_postcodes(words, expected) -> None:
    assert _join_split_postcodes(words) == expected


def test_postcode_table_with_distances(runner: CliRunner) -> None:
    result = runner.invoke(postcode_command, ["HA1", "2JG", "ha12zz", "--from", "n176aa"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == [
        "postcode",
        "precision",
        "LA",
        "easting",
        "northing",
        "miles",
        "from",
        "N17",
        "6AA",
    ]
    # HA1 2JG to N17 6AA: 10.644674 miles by hand (see test_geo); the sector centroid of HA1 2
    # (515822, 188473) is sqrt(17113^2 + 2040^2) = 17234.2 m = 10.71 miles away.
    assert lines[1].split() == ["HA1", "2JG", "unit", "310", "Harrow", "515974", "188106", "10.64"]
    assert lines[2].split() == [
        "HA1",
        "2ZZ",
        "sector",
        "310",
        "Harrow",
        "515822",
        "188473",
        "10.71",
    ]


def test_postcode_json(runner: CliRunner) -> None:
    result = runner.invoke(postcode_command, ["BT1 1AA", "--json"])
    assert result.exit_code == 0
    payload = json.loads(result.output)
    assert payload["ok"] is True and payload["from"] is None
    assert payload["rows"][0]["precision"] == "district"
    assert payload["rows"][0]["la_code"] == ""
    assert (payload["rows"][0]["latitude"], payload["rows"][0]["longitude"]) == (54.5833, -5.9333)


def test_bad_postcodes_are_all_reported_with_exit_code_2(runner: CliRunner) -> None:
    result = runner.invoke(postcode_command, ["HA1 2J", "N17 6AA", "ZZ9 9ZZ", "--from", "x"])
    assert result.exit_code == 2
    messages = result.stderr.splitlines()
    assert [m.split(":")[0] for m in messages] == ["--from", "postcode 1", "postcode 3"]
    assert messages[1].startswith('postcode 1: "HA ***" is not a full UK postcode (e.g. "AB1 2CD"')
    assert messages[2].startswith('postcode 3: "ZZ9 ***" was not found: its postcode district')
    assert "HA1 2J" not in result.stderr  # postcodes are masked in messages


def test_bad_postcode_json_uses_the_error_shape(runner: CliRunner) -> None:
    result = runner.invoke(postcode_command, ["ZZ9 9ZZ", "--json"])
    assert result.exit_code == 2
    payload = json.loads(result.stdout)
    assert (payload["ok"], payload["status"], len(payload["errors"])) == (False, 400, 1)


def test_schools_search(runner: CliRunner) -> None:
    result = runner.invoke(schools_command, ["harrow", "high", "--limit", "2"])
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        " 137177  310  HA1 2JG   Harrow High School",
        " 136656  304  HA3 0UH   Claremont High School",
    ]
    none = runner.invoke(schools_command, ["no such school anywhere"])
    assert none.output == (
        "No schools found. Independent schools are not in the packaged GIAS list.\n"
    )
    listed = json.loads(runner.invoke(schools_command, ["137177", "--json"]).output)
    assert listed["rows"] == [
        {
            "urn": 137177,
            "name": "Harrow High School",
            "postcode": "HA1 2JG",
            "la_code": "310",
            "located": True,
        }
    ]
