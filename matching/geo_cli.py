"""Command-line look-ups for officers: where a postcode is, its council, distances; find schools.

Thin wrappers over ``matching.geo`` and ``matching.schools``; contributes ``COMMANDS``.
"""

from __future__ import annotations

import json
import re

import click

from matching.geo import Gazetteer, Location, distance_miles
from matching.schools import find_schools, school_point

_INWARD = re.compile(r"[0-9][A-Za-z]{2}")


def _join_split_postcodes(words: tuple[str, ...]) -> list[str]:
    """Re-join unquoted postcodes the shell split in two ("HA1", "2JG" -> "HA1 2JG")."""
    joined: list[str] = []
    for word in words:
        if joined and _INWARD.fullmatch(word) and " " not in joined[-1] and len(joined[-1]) <= 4:
            joined[-1] = f"{joined[-1]} {word}"
        else:
            joined.append(word)
    return joined


def _locate_all(gazetteer: Gazetteer, texts: dict[str, str], as_json: bool) -> list[Location]:
    """Locate every postcode (keyed by how to name it), or report every bad one and exit 2."""
    locations, problems = [], []
    for label, text in texts.items():
        try:
            locations.append(gazetteer.locate(text))
        except ValueError as exc:
            problems.append(f"{label}: {exc}")
    if problems:
        if as_json:
            click.echo(json.dumps({"ok": False, "errors": problems, "status": 400}, indent=2))
        for problem in problems:
            click.echo(problem, err=True)
        raise SystemExit(2)
    return locations


def _as_dict(location: Location, origin: Location | None) -> dict[str, object]:
    row: dict[str, object] = {
        "postcode": location.postcode,
        "precision": str(location.precision),
        "la_code": location.la_code,
        "la_name": location.la_name,
        "lad_code": location.lad_code,
        "easting_m": location.point.easting_m,
        "northing_m": location.point.northing_m,
        "latitude": round(location.latitude, 6),
        "longitude": round(location.longitude, 6),
    }
    if origin is not None:
        row["distance_miles"] = round(distance_miles(origin, location), 2)
    return row


@click.command("postcode")
@click.argument("postcodes", nargs=-1, required=True)
@click.option(
    "--from", "origin", metavar="POSTCODE", help="Also give straight-line miles from here."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def postcode_command(postcodes: tuple[str, ...], origin: str | None, as_json: bool) -> None:
    """Locate POSTCODES: precision used, council (DfE LA number), grid and lat/lon.

    With --from, adds the straight-line distance in miles (the DfE "20 miles from home"
    method). Quotes are optional: HA1 2JG and "HA1 2JG" both work.
    """
    gazetteer = Gazetteer.default()
    texts = {f"postcode {i}": t for i, t in enumerate(_join_split_postcodes(postcodes), start=1)}
    if origin:
        texts = {"--from": origin, **texts}
    located = _locate_all(gazetteer, texts, as_json)
    start = located.pop(0) if origin else None
    rows = [_as_dict(place, start) for place in located]
    if as_json:
        click.echo(
            json.dumps({"ok": True, "from": start and start.postcode, "rows": rows}, indent=2)
        )
        return
    miles = f"  miles from {start.postcode}" if start else ""
    click.echo(f"{'postcode':<9} {'precision':<9} {'LA':<28} {'easting':>8} {'northing':>8}{miles}")
    for row in rows:
        la = f"{row['la_code']} {row['la_name']}".strip() or "-"
        line = f"{row['postcode']:<9} {row['precision']:<9} {la:<28} "
        line += f"{row['easting_m']:>8.0f} {row['northing_m']:>8.0f}"
        if start:
            line += f"  {row['distance_miles']:>.2f}"
        click.echo(line)


@click.command("schools")
@click.argument("text", nargs=-1, required=True)
@click.option("--la", "la_code", metavar="CODE", help="Only schools in this DfE LA number.")
@click.option("--limit", default=20, show_default=True, help="Most schools to list.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def schools_command(text: tuple[str, ...], la_code: str | None, limit: int, as_json: bool) -> None:
    """Find open state-funded schools in England (GIAS) by URN, name or town."""
    found = find_schools(" ".join(text), la_code=la_code, limit=limit)
    rows = [
        {
            "urn": int(s.urn),
            "name": s.name,
            "postcode": s.postcode,
            "la_code": s.la_code,
            "located": school_point(s.urn) is not None,
        }
        for s in found
    ]
    if as_json:
        click.echo(json.dumps({"ok": True, "rows": rows}, indent=2))
        return
    if not rows:
        click.echo("No schools found. Independent schools are not in the packaged GIAS list.")
    for row in rows:
        click.echo(f"{row['urn']:>7}  {row['la_code']:>3}  {row['postcode']:<8}  {row['name']}")


COMMANDS: list[click.Command] = [postcode_command, schools_command]

if __name__ == "__main__":  # python -m matching.geo_cli postcode HA1 2JG
    click.Group(commands=COMMANDS, help="Postcode and school look-ups.")()
