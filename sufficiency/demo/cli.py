"""``placement-planner demo-files FOLDER``: write the synthetic demo council as importable files.

A thin wrapper over ``sufficiency.demo_council.write_demo_files``; progress on stderr, the
list of files (or, with ``--json``, a summary) on stdout. Writes nothing but the files named.
"""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.command("demo-files")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--seed", type=int, default=None, help="Random seed [default: the demo's own, 309].")
@click.option("--json", "as_json", is_flag=True, help="Print a summary as JSON.")
def demo_files(folder: Path, seed: int | None, as_json: bool) -> None:
    """Write the synthetic demo council to FOLDER: households.csv, children.csv,
    referrals.csv, decisions.csv and ssda903/<year>/{header,episodes,uasc}.csv."""
    from sufficiency.demo_council import DEMO_SEED, build_demo_council, write_demo_files

    if folder.exists() and any(folder.iterdir()):
        click.echo(f"Error: {folder} is not empty; choose a new or empty folder.", err=True)
        raise SystemExit(2)
    click.echo("building the synthetic demo council", err=True)
    council = build_demo_council(DEMO_SEED if seed is None else seed)
    click.echo(f"writing files to {folder}", err=True)
    paths = write_demo_files(folder, council)
    if as_json:
        summary = {
            "ok": True,
            "name": council.name,
            "as_of": council.as_of.isoformat(),
            "seed": council.seed,
            "children": len(council.children),
            "households": len(council.households),
            "referrals": len(council.referrals),
            "collection_years": sorted(council.ssda903),
            "files": [str(p) for p in paths],
        }
        click.echo(json.dumps(summary, indent=2))
        return
    for path in paths:
        click.echo(str(path))


COMMANDS: list[click.Command] = [demo_files]


if __name__ == "__main__":  # python -m sufficiency.demo.cli FOLDER
    demo_files()
