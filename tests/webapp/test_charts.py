"""SVG charts and maps: accessible markup, hand-checkable geometry, data tables."""

from __future__ import annotations

import pytest

from matching.domain import GridPoint
from webapp.charts import FanSeries, bar_chart, fan_chart, format_number, nice_ticks
from webapp.maps import METRES_PER_MILE, MapMarker, convex_hull, district_outlines, placement_map


@pytest.mark.parametrize(
    ("top", "ticks"),
    [(10, [0, 2, 4, 6, 8, 10]), (7, [0, 2, 4, 6, 8]), (130, [0, 50, 100, 150]), (0, [0.0, 1.0])],
)
def test_nice_ticks(top, ticks) -> None:
    assert nice_ticks(top) == pytest.approx(ticks)


def test_format_number() -> None:
    assert format_number(12345.678, 1) == "12,345.7"
    assert format_number(None) == "–"


def test_bar_chart_is_accessible_and_scaled() -> None:
    chart = bar_chart(
        "Vacancies",
        ["In-house", "Agency"],
        [("Places", [4, 2])],
        unit="places",
        description="Two bars",
    )
    svg = str(chart.svg)
    assert 'role="img" aria-labelledby="vacancies-title vacancies-desc"' in svg
    assert '<title id="vacancies-title">Vacancies</title>' in svg
    # Ticks 0-4 (step 1); plot width 640 - 200 - 70 = 370 px, so 4 places = 370 px, 2 = 185 px.
    assert 'width="370.0"' in svg and 'width="185.0"' in svg
    assert chart.table_headings == ("", "Places (places)")
    assert chart.table_rows == (("In-house", "4"), ("Agency", "2"))


def test_bar_chart_escapes_labels() -> None:
    svg = str(bar_chart("A & B", ["<script>"], [("x", [1])]).svg)
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_fan_chart_band_and_table() -> None:
    fan = FanSeries(p10=[8, 9], p50=[10, 12], p90=[12, 15], observed=[10, None])
    chart = fan_chart("Children in foster care", ["Mar 2027", "Mar 2028"], fan)
    svg = str(chart.svg)
    assert svg.count("<polygon") == 1 and svg.count("<polyline") == 1
    assert svg.count("<circle") == 2  # one actual value + the legend's marker
    assert chart.table_headings == (
        "Date",
        "P10 (children)",
        "Median (children)",
        "P90 (children)",
        "Actual (children)",
    )
    assert chart.table_rows == (
        ("Mar 2027", "8", "10", "12", "10"),
        ("Mar 2028", "9", "12", "15", "–"),
    )


def test_fan_chart_refuses_ragged_series() -> None:
    with pytest.raises(ValueError, match="one value per x label"):
        fan_chart("x", ["a", "b"], FanSeries(p10=[1], p50=[1, 2], p90=[1, 2]))


def test_convex_hull_drops_inner_points() -> None:
    square = [(0, 0), (2, 0), (2, 2), (0, 2), (1, 1)]
    assert convex_hull(square) == [(0, 0), (2, 0), (2, 2), (0, 2)]


def test_district_outlines_for_a_council() -> None:
    outlines = district_outlines("E08000035")  # Leeds
    codes = {o.outcode for o in outlines}
    assert {"LS1", "LS6", "LS17"} <= codes
    assert "M1" not in codes
    assert district_outlines("E99999999") == ()


def test_map_circle_radius_is_twenty_miles_at_map_scale() -> None:
    home = GridPoint(430000.0, 435000.0)
    chart = placement_map(
        "Shortlist",
        [MapMarker("1", "H1", GridPoint(431000.0, 436000.0))],
        home=home,
        radius_miles=20,
    )
    svg = str(chart.svg)
    # The view fits the circle's 40-mile square into 600 x 440 px (520 - 40 - 2 * 20 padding):
    # scale = 440 / (40 * 1609.344 m), so the radius is 220 px.
    assert 'r="220.0"' in svg
    assert "20 miles from home" in svg
    assert chart.table_rows[-1] == ("Home", "The child's home (postcode centroid)", "")
    assert METRES_PER_MILE == 1609.344


def test_counts_get_whole_ticks() -> None:
    assert nice_ticks(2, whole=True) == [0, 1, 2]  # not 0, 0.5, 1, 1.5, 2
    assert nice_ticks(2) == pytest.approx([0, 0.5, 1, 1.5, 2])


def test_crowded_district_names_are_left_out_not_printed_over_each_other() -> None:
    from webapp.maps import DistrictOutline

    def district(code: str, east: float) -> DistrictOutline:
        return DistrictOutline(code, (), (east, 436000.0))

    # 20-mile circle: ~220 px for 20 miles, so 100 m is well under a pixel apart.
    outlines = [district("N1", 440000.0), district("N2", 440100.0), district("N9", 420000.0)]
    chart = placement_map(
        "Shortlist",
        [MapMarker("1", "H1", GridPoint(420000.0, 436000.0))],  # on N9's centre
        home=GridPoint(430000.0, 435000.0),
        radius_miles=20,
        outlines=outlines,
    )
    svg = str(chart.svg)
    assert ">N1</text>" in svg  # the first of two on one spot
    assert ">N2</text>" not in svg  # would print over N1
    assert ">N9</text>" not in svg  # would print over household 1
