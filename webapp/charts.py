"""Server-side SVG charts: accessible (title, description, data table), offline, no JavaScript.

Each function returns a ``Chart``: the SVG markup plus the same numbers as a table, which
``macros/govuk.html``'s ``chart_figure`` shows under a "Show the data as a table" toggle.
Colours are from the GOV.UK palette with at least 3:1 contrast on white (WCAG 1.4.11), and
values are written on the chart so colour is never the only cue.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

#: Series colours: blue, purple, green, dark grey, red, dark blue (all >= 3:1 on white).
PALETTE = ("#1d70b8", "#912b88", "#00703c", "#505a5f", "#d4351c", "#003078")
BAND_FILLS = ("#c5dbee", "#8eb8dc")  # outer (P10-P90) and inner (P25-P75) bands
TEXT = "#0b0c0c"
GRID = "#b1b4b6"


@dataclass(frozen=True, slots=True)
class Chart:
    """An SVG chart and its data as a table (first column: row labels)."""

    svg: Markup
    title: str
    table_headings: tuple[str, ...]
    table_rows: tuple[tuple[str, ...], ...]


def slug(text: str) -> str:
    """An id-safe form of a title, for SVG element ids."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "chart"


def nice_ticks(top: float, count: int = 5, *, whole: bool = False) -> list[float]:
    """Round axis ticks from 0 to at least ``top`` (1, 2 or 5 times a power of ten apart).

    ``whole``: the values are counts, so ticks are at least 1 apart.
    """
    if top <= 0 or not math.isfinite(top):
        return [0.0, 1.0]
    raw = max(top / count, 1.0) if whole else top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return [step * i for i in range(int(math.ceil(top / step - 1e-9)) + 1)]


def format_number(value: float | None, decimals: int = 0) -> str:
    """Thousands separators and fixed decimals; an en dash for no value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.{decimals}f}"


def _open_svg(chart_id: str, width: int, height: int, title: str, description: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'focusable="false">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]


def _text(
    x: float,
    y: float,
    text: str,
    anchor: str = "start",
    size: int = 14,
    weight: str = "normal",
    fill: str = TEXT,
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
        f'font-weight="{weight}" fill="{fill}">{escape(text)}</text>'
    )


def bar_chart(
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    unit: str = "",
    description: str = "",
    decimals: int = 0,
    width: int = 640,
    label_width: int = 200,
    chart_id: str | None = None,
) -> Chart:
    """Horizontal grouped bars: one group per category, one bar per series, values labelled.

    ``series`` is ``[(name, values by category), ...]``; ``unit`` is appended to the axis
    caption and table headings (e.g. "children").
    """
    chart_id = chart_id or slug(title)
    bar_height, gap = 22, 14
    group_height = bar_height * len(series) + gap
    legend_height = 26 if len(series) > 1 else 0
    height = 30 + legend_height + group_height * len(categories) + 30
    top = max([v for _, values in series for v in values] + [0.0])
    ticks = nice_ticks(top, whole=decimals == 0)
    plot_width = width - label_width - 70
    scale = plot_width / ticks[-1]
    y0 = 20 + legend_height
    parts = _open_svg(chart_id, width, height, title, description or title)
    parts += _legend(series, 0, 16) if len(series) > 1 else []
    for tick in ticks:
        x = label_width + tick * scale
        parts.append(
            f'<line x1="{x:.1f}" y1="{y0}" x2="{x:.1f}" y2="{height - 28}" stroke="{GRID}"/>'
        )
        parts.append(
            _text(x, height - 10, format_number(tick, 1 if tick % 1 else 0), "middle", 12)
        )
    for row, category in enumerate(categories):
        y = y0 + row * group_height + gap / 2
        parts.append(_text(label_width - 8, y + bar_height * len(series) / 2 + 5, category, "end"))
        for index, (_, values) in enumerate(series):
            value = values[row]
            bar_y = y + index * bar_height
            colour = PALETTE[index % len(PALETTE)]
            parts.append(
                f'<rect x="{label_width}" y="{bar_y:.1f}" width="{max(value * scale, 1):.1f}" '
                f'height="{bar_height - 4}" fill="{colour}"/>'
            )
            parts.append(
                _text(
                    label_width + value * scale + 6,
                    bar_y + bar_height - 8,
                    format_number(value, decimals),
                    size=13,
                )
            )
    parts.append("</svg>")
    headings = ("", *(f"{name} ({unit})" if unit else name for name, _ in series))
    rows = tuple(
        (c, *(format_number(v[i], decimals) for _, v in series)) for i, c in enumerate(categories)
    )
    return Chart(Markup("".join(parts)), title, headings, rows)


def _legend(series: Sequence[tuple[str, object]], x: float, y: float) -> list[str]:
    parts, cursor = [], x
    for index, (name, _) in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        parts.append(
            f'<rect x="{cursor:.1f}" y="{y - 11}" width="14" height="14" fill="{colour}"/>'
        )
        parts.append(_text(cursor + 20, y, name, size=13))
        cursor += 34 + 7.5 * len(name)
    return parts


@dataclass(frozen=True, slots=True)
class FanSeries:
    """Quantiles of a forecast over time: each sequence has one value per x label."""

    p10: Sequence[float]
    p50: Sequence[float]
    p90: Sequence[float]
    p25: Sequence[float] | None = None
    p75: Sequence[float] | None = None
    observed: Sequence[float | None] | None = None  # actual values where known (backtests)


def fan_chart(
    title: str,
    x_labels: Sequence[str],
    fan: FanSeries,
    *,
    unit: str = "children",
    description: str = "",
    decimals: int = 0,
    width: int = 640,
    height: int = 300,
    chart_id: str | None = None,
) -> Chart:
    """A forecast fan: the P10-P90 band (and P25-P75 if given) with the median line.

    ``x_labels`` name each time step (e.g. "Mar 2027"); about six are shown on the axis.
    """
    chart_id = chart_id or slug(title)
    count = len(x_labels)
    if count == 0 or any(len(s) != count for s in (fan.p10, fan.p50, fan.p90)):
        raise ValueError("fan: p10, p50 and p90 need one value per x label")
    left, right, top_pad, bottom = 60, 20, 20, 60
    highs = list(fan.p90) + [v for v in (fan.observed or []) if v is not None]
    ticks = nice_ticks(max(highs + [0.0]))
    plot_w, plot_h = width - left - right, height - top_pad - bottom

    def x_at(i: int) -> float:
        return left + (plot_w * i / (count - 1) if count > 1 else plot_w / 2)

    def y_at(v: float) -> float:
        return top_pad + plot_h * (1 - v / ticks[-1])

    def band(lower: Sequence[float], upper: Sequence[float], fill: str) -> str:
        points = [(x_at(i), y_at(v)) for i, v in enumerate(upper)]
        points += [(x_at(i), y_at(v)) for i, v in reversed(list(enumerate(lower)))]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        return f'<polygon points="{path}" fill="{fill}" stroke="none"/>'

    parts = _open_svg(chart_id, width, height, title, description or title)
    for tick in ticks:
        y = y_at(tick)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{GRID}"/>'
        )
        parts.append(_text(left - 6, y + 4, format_number(tick, 1 if tick % 1 else 0), "end", 12))
    parts.append(band(fan.p10, fan.p90, BAND_FILLS[0]))
    if fan.p25 is not None and fan.p75 is not None:
        parts.append(band(fan.p25, fan.p75, BAND_FILLS[1]))
    median = " ".join(f"{x_at(i):.1f},{y_at(v):.1f}" for i, v in enumerate(fan.p50))
    parts.append(
        f'<polyline points="{median}" fill="none" stroke="{PALETTE[5]}" stroke-width="3"/>'
    )
    if fan.observed is not None:
        for i, value in enumerate(fan.observed):
            if value is not None:
                parts.append(
                    f'<circle cx="{x_at(i):.1f}" cy="{y_at(value):.1f}" r="4" fill="{TEXT}"/>'
                )
    step = max(1, math.ceil(count / 6))
    for i in range(0, count, step):
        parts.append(_text(x_at(i), height - bottom + 18, x_labels[i], "middle", 12))
    parts += _fan_legend(height - 18, fan.observed is not None, fan.p25 is not None)
    parts.append("</svg>")
    return Chart(Markup("".join(parts)), title, *_fan_table(x_labels, fan, unit, decimals))


def _fan_legend(y: float, observed: bool, inner: bool) -> list[str]:
    parts = [
        f'<rect x="60" y="{y - 11}" width="20" height="14" fill="{BAND_FILLS[0]}"/>',
        _text(86, y, "P10 to P90", size=13),
    ]
    x = 180
    if inner:
        parts += [
            f'<rect x="{x}" y="{y - 11}" width="20" height="14" fill="{BAND_FILLS[1]}"/>',
            _text(x + 26, y, "P25 to P75", size=13),
        ]
        x += 120
    parts += [
        f'<line x1="{x}" y1="{y - 4}" x2="{x + 20}" y2="{y - 4}" '
        f'stroke="{PALETTE[5]}" stroke-width="3"/>',
        _text(x + 26, y, "Median (P50)", size=13),
    ]
    if observed:
        parts += [
            f'<circle cx="{x + 140}" cy="{y - 4}" r="4" fill="{TEXT}"/>',
            _text(x + 150, y, "Actual", size=13),
        ]
    return parts


def _fan_table(x_labels, fan: FanSeries, unit: str, decimals: int):
    columns = [("P10", fan.p10)]
    if fan.p25 is not None:
        columns.append(("P25", fan.p25))
    columns.append(("Median", fan.p50))
    if fan.p75 is not None:
        columns.append(("P75", fan.p75))
    columns.append(("P90", fan.p90))
    if fan.observed is not None:
        columns.append(("Actual", fan.observed))
    headings = ("Date", *(f"{name} ({unit})" for name, _ in columns))
    rows = tuple(
        (label, *(format_number(values[i], decimals) for _, values in columns))
        for i, label in enumerate(x_labels)
    )
    return headings, rows
