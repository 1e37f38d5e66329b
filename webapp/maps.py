"""Offline SVG maps on British National Grid coordinates: no tiles, no web services.

Draws what the packaged geography allows: markers at postcode centroids, the child's home
with the distance circle (20 miles by default), and the council's postcode districts as
convex hulls of their sector centroids (a sketch of each district, not its boundary).
"""

from __future__ import annotations

import csv
import functools
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup, escape

from matching.domain import GridPoint
from webapp.charts import GRID, PALETTE, TEXT, Chart, _open_svg, _text, format_number, slug

METRES_PER_MILE = 1609.344
_DATA = Path(__file__).resolve().parent.parent / "matching" / "data"
#: Marker colours and shapes by kind, so shape (not only colour) tells them apart.
MARKER_STYLE = {
    "home": ("#d4351c", "square"),
    "household": (PALETTE[0], "circle"),
    "vacancy": (PALETTE[2], "circle"),
    "full": (PALETTE[3], "circle"),
    "chosen": (PALETTE[1], "diamond"),
}


@dataclass(frozen=True, slots=True)
class MapMarker:
    """A numbered point on a map, listed with the same label in the table under it."""

    label: str  # short text drawn beside the marker, e.g. "3"
    name: str  # the table's row heading, e.g. a household id and name
    point: GridPoint
    kind: str = "household"  # a key of MARKER_STYLE
    note: str = ""  # the table's last column, e.g. "4.2 miles, 1 vacancy"


@dataclass(frozen=True, slots=True)
class DistrictOutline:
    """A postcode district drawn as the hull of its sector centroids [BNG metres]."""

    outcode: str
    hull: tuple[tuple[float, float], ...]
    centre: tuple[float, float]


def convex_hull(points: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    """Convex hull, anticlockwise from the lowest-left point (Andrew's monotone chain)."""
    unique = sorted(set(points))
    if len(unique) <= 2:
        return unique

    def cross(o, a, b) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[tuple[float, float]] = []
    upper: list[tuple[float, float]] = []
    for p in unique:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(unique):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


@functools.lru_cache(maxsize=8)
def district_outlines(la_code: str, data_dir: Path = _DATA) -> tuple[DistrictOutline, ...]:
    """The postcode districts whose sectors lie in a children's services LA.

    ``la_code`` is the LA's GSS code (e.g. "E09000014") or DfE number (e.g. "309"). A
    sector counts if its majority local authority district belongs to the LA. Empty tuple
    for an unknown code.
    """
    lads = set()
    with open(data_dir / "lad_to_childrens_services_la.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if la_code in (row["dfe_la_gss_2023"], row["dfe_la_number_2023"], row["utla_code"]):
                lads.add(row["lad_code"])
    sectors: dict[str, list[tuple[float, float]]] = defaultdict(list)
    with open(data_dir / "uk_postcode_sectors.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["lad_code"] in lads:
                sectors[row["outcode"]].append((float(row["easting"]), float(row["northing"])))
    outlines = []
    for outcode, points in sorted(sectors.items()):
        centre = (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))
        outlines.append(DistrictOutline(outcode, tuple(convex_hull(points)), centre))
    return tuple(outlines)


@dataclass(frozen=True, slots=True)
class _Frame:
    """Maps BNG metres to SVG pixels with one scale on both axes (north up)."""

    min_e: float
    max_n: float
    scale: float  # pixels per metre
    pad: float

    def xy(self, easting: float, northing: float) -> tuple[float, float]:
        return (
            self.pad + (easting - self.min_e) * self.scale,
            self.pad + (self.max_n - northing) * self.scale,
        )


def _frame(points: list[tuple[float, float]], width: int, height: int, pad: float) -> _Frame:
    es, ns = [p[0] for p in points], [p[1] for p in points]
    span_e, span_n = max(max(es) - min(es), 1000.0), max(max(ns) - min(ns), 1000.0)
    scale = min((width - 2 * pad) / span_e, (height - 2 * pad) / span_n)
    centre_e, centre_n = (max(es) + min(es)) / 2, (max(ns) + min(ns)) / 2
    min_e = centre_e - (width - 2 * pad) / scale / 2
    max_n = centre_n + (height - 2 * pad) / scale / 2
    return _Frame(min_e, max_n, scale, pad)


def placement_map(
    title: str,
    markers: Sequence[MapMarker],
    *,
    home: GridPoint | None = None,
    radius_miles: float | None = None,
    outlines: Sequence[DistrictOutline] = (),
    description: str = "",
    width: int = 640,
    height: int = 520,
    chart_id: str | None = None,
) -> Chart:
    """Markers (and the child's home with its distance circle) over district outlines.

    The view fits every marker, the circle and the outlines. The table under the map lists
    each marker's label, name and note, so the map is never the only way to read it.
    """
    chart_id = chart_id or slug(title)
    extent = [(m.point.easting_m, m.point.northing_m) for m in markers]
    extent += [p for o in outlines for p in o.hull]
    if home is not None:
        extent.append((home.easting_m, home.northing_m))
        if radius_miles:
            r = radius_miles * METRES_PER_MILE
            extent += [
                (home.easting_m - r, home.northing_m - r),
                (home.easting_m + r, home.northing_m + r),
            ]
    if not extent:
        extent = [(0.0, 0.0)]
    frame = _frame(extent, width, height - 40, 20.0)
    parts = _open_svg(chart_id, width, height, title, description or title)
    parts.append(f'<rect x="0" y="0" width="{width}" height="{height}" fill="#f3f2f1"/>')
    spots = [frame.xy(m.point.easting_m, m.point.northing_m) for m in markers]
    if home is not None:
        spots.append(frame.xy(home.easting_m, home.northing_m))
    parts += _draw_outlines(outlines, frame, spots)
    if home is not None and radius_miles:
        cx, cy = frame.xy(home.easting_m, home.northing_m)
        radius = radius_miles * METRES_PER_MILE * frame.scale
        parts.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{radius:.1f}" fill="none" '
            f'stroke="#d4351c" stroke-width="2" stroke-dasharray="8 5"/>'
        )
        parts.append(
            _text(
                cx, cy - radius - 6, f"{format_number(radius_miles)} miles from home", "middle", 13
            )
        )
    drawn = list(markers)
    if home is not None:
        drawn.append(MapMarker("Home", "The child's home (postcode centroid)", home, "home"))
    for marker in drawn:
        parts.append(_marker(marker, *frame.xy(marker.point.easting_m, marker.point.northing_m)))
    parts += _scale_bar(frame, height)
    parts.append("</svg>")
    rows = tuple((m.label, m.name, m.note) for m in drawn)
    return Chart(Markup("".join(parts)), title, ("Label", "Place", "Details"), rows)


def _draw_outlines(
    outlines: Sequence[DistrictOutline], frame: _Frame, avoid: Sequence[tuple[float, float]] = ()
) -> list[str]:
    """District hulls, and their names where they fit (not over each other or a marker)."""
    parts = []
    for outline in outlines:
        if len(outline.hull) >= 3:
            points = " ".join("{:.1f},{:.1f}".format(*frame.xy(*p)) for p in outline.hull)
            parts.append(
                f'<polygon points="{points}" fill="#ffffff" stroke="{GRID}" stroke-width="1"/>'
            )
    taken: list[tuple[float, float, float, float]] = [
        (x - 10, y - 20, x + 45, y + 10) for x, y in avoid
    ]  # markers and their labels
    for outline in outlines:
        x, y = frame.xy(*outline.centre)
        half = 3.2 * len(outline.outcode)
        box = (x - half - 2, y - 8, x + half + 2, y + 6)
        if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in taken):
            continue  # a crowded map: leave the label out rather than print over another
        taken.append(box)
        parts.append(_text(x, y + 4, outline.outcode, "middle", 11, fill="#505a5f"))
    return parts


def _marker(marker: MapMarker, x: float, y: float) -> str:
    colour, shape = MARKER_STYLE.get(marker.kind, MARKER_STYLE["household"])
    if shape == "square":
        body = (
            f'<rect x="{x - 7:.1f}" y="{y - 7:.1f}" width="14" height="14" '
            f'fill="{colour}" stroke="#fff"/>'
        )
    elif shape == "diamond":
        body = (
            f'<polygon points="{x:.1f},{y - 9:.1f} {x + 9:.1f},{y:.1f} {x:.1f},{y + 9:.1f} '
            f'{x - 9:.1f},{y:.1f}" fill="{colour}" stroke="#fff"/>'
        )
    else:
        body = (
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="{colour}" '
            f'stroke="#fff" stroke-width="1.5"/>'
        )
    label = _text(x + 9, y - 7, marker.label, size=12, weight="bold")
    return f"<g>{body}{label}<title>{escape(marker.label)}: {escape(marker.name)}</title></g>"


def _scale_bar(frame: _Frame, height: int) -> list[str]:
    """A bar of a round number of miles, about a fifth of the map's width."""
    target_miles = 120 / frame.scale / METRES_PER_MILE
    power = 10 ** math.floor(math.log10(max(target_miles, 0.01)))
    miles = next(m * power for m in (1, 2, 5, 10) if m * power >= target_miles)
    length = miles * METRES_PER_MILE * frame.scale
    number = format_number(miles, 0 if miles >= 1 else 1)
    y = height - 16
    return [
        f'<line x1="20" y1="{y}" x2="{20 + length:.1f}" y2="{y}" '
        f'stroke="{TEXT}" stroke-width="3"/>',
        _text(26 + length, y + 5, f"{number} mile{'' if miles == 1 else 's'}", size=12),
        _text(frame.pad + 2, 16, "N ↑", size=12, weight="bold"),
    ]
