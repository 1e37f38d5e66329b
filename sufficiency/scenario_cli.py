"""Command-line adapter (placeholder until its issue lands): contributes ``COMMANDS``."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
