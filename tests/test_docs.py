"""Every scenario key is documented for commissioners, and every CLI command appears in the docs."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import click
import pytest

from sufficiency.scenario_schema import KEY_PATHS, KEYS
from webapp.cli import main

ROOT = Path(__file__).resolve().parent.parent
SCENARIO_README = ROOT / "scenarios" / "README.md"


def _docs_text() -> str:
    files = [ROOT / "README.md", SCENARIO_README, *sorted((ROOT / "docs").glob("*.md"))]
    return "\n".join(p.read_text(encoding="utf-8") for p in files if p.exists())


@pytest.mark.parametrize("key", [k.path for k in KEYS])
def test_every_scenario_key_is_in_the_scenarios_readme(key: str) -> None:
    assert f"`{key}`" in SCENARIO_README.read_text(encoding="utf-8")


def _paths(table: dict, prefix: str = "") -> set[str]:
    found = set()
    for key, value in table.items():
        if key == "adjustment":
            for item in value:
                found |= {f"adjustment.{k}" for k in item}
            continue
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict) and path not in (
            "costs.weekly_gbp",
            "supply.within_20_miles_percent",
        ):
            found |= _paths(value, path)
        else:
            found.add(path)
    return found


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.toml")), ids=lambda p: p.name)
def test_example_files_use_only_registered_keys(path: Path) -> None:
    used = _paths(tomllib.loads(path.read_text(encoding="utf-8")))
    assert used - KEY_PATHS == set()


def test_the_key_check_sees_an_undocumented_key() -> None:
    assert "adjustment.teleport" not in KEY_PATHS
    assert _paths({"adjustment": [{"teleport": 1}]}) == {"adjustment.teleport"}


def _command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[str]:
    paths = []
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            paths.extend(_command_paths(command, (*prefix, name)))
        else:
            paths.append(" ".join((*prefix, name)))
    return paths


def _documented(command: str, text: str) -> bool:
    """The full command appears, or its group followed by a placeholder (``import TABLE``)."""
    words = command.split()
    full = r"placement-planner\s+" + r"\s+".join(map(re.escape, words)) + r"\b"
    group = r"placement-planner\s+" + r"\s+".join(map(re.escape, words[:-1])) + r"\s+[A-Z]{2,}\b"
    return bool(re.search(full, text) or (len(words) > 1 and re.search(group, text)))


@pytest.mark.parametrize("command", _command_paths(main))
def test_every_cli_command_appears_in_the_docs(command: str) -> None:
    assert _documented(command, _docs_text()), f"document `placement-planner {command}` in docs/"


def test_the_command_check_sees_an_undocumented_command() -> None:
    assert _documented("scenario run", "run `placement-planner scenario run FILE`")
    assert _documented("import children", "placement-planner import TABLE FILE")
    assert not _documented("scenario run", "placement-planner scenario compare FILE")
