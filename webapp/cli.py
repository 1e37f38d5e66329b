"""The ``placement-planner`` console script: composes each package's commands, adds none itself.

Each adapter module listed in ``COMMAND_MODULES`` exposes ``COMMANDS`` (a list of click
commands or groups); this module only gathers them under one group.
"""

from __future__ import annotations

import importlib
import logging

import click

#: Modules contributing subcommands, in the order ``--help`` lists them.
COMMAND_MODULES = (
    "webapp.commands",  # serve, demo, db, import, export
    "sufficiency.demo.cli",  # demo-files
    "matching.geo_cli",  # postcode, schools
    "matching.cli",  # rank
    "matching.allocate_cli",  # allocate
    "matching.recruit_cli",  # recruit
    "sufficiency.cli",  # forecast, backtest
    "sufficiency.scenario_cli",  # scenario run / compare
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Log progress and diagnostics to stderr.")
def main(verbose: bool) -> None:
    """Placement planner: sufficiency forecasting and foster placement matching for English councils."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


for _module_name in COMMAND_MODULES:
    for _command in importlib.import_module(_module_name).COMMANDS:
        main.add_command(_command)
