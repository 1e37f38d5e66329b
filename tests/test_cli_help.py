"""Every ``placement-planner`` subcommand (and sub-subcommand) answers ``--help``."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from webapp.cli import main


def _command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = []
    for name, command in sorted(group.commands.items()):
        paths.append((*prefix, name))
        if isinstance(command, click.Group):
            paths.extend(_command_paths(command, (*prefix, name)))
    return paths


def test_main_help_lists_commands() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0, result.output
    assert "Placement planner" in result.output


@pytest.mark.parametrize("path", _command_paths(main), ids=" ".join)
def test_subcommand_help(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
