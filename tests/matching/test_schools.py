"""Packaged GIAS schools, their grid positions, LA filtering, search and a council's own list."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose

from matching.domain import GridPoint, Precision, School, SchoolUrn
from matching.geo import Gazetteer, distance_miles
from matching.osgb import grid_to_wgs84, wgs84_to_grid
from matching.schools import (
    GIAS_FILE,
    find_schools,
    load_school_points,
    load_schools,
    read_schools_csv,
    school_point,
    schools_in_la,
)
from sufficiency.errors import InputDataError

DATA = Path(__file__).resolve().parents[2] / "matching" / "data"


def test_load_schools_counts_and_a_known_school() -> None:
    schools = load_schools()
    assert len(schools) == 22010  # SCHOOLS_README: one row per URN
    assert schools[SchoolUrn(137177)] == School(
        SchoolUrn(137177), "Harrow High School", "HA1 2JG", "310"
    )
    assert schools[SchoolUrn(100000)].la_code == "201"  # The Aldgate School, City of London


def test_load_schools_returns_a_copy_of_the_cache() -> None:
    first = load_schools()
    first.clear()
    assert len(load_schools()) == 22010


def test_school_points() -> None:
    points = load_school_points()
    assert len(points) == 22008  # two GIAS schools have no postcode
    assert points[SchoolUrn(137177)] == GridPoint(515974.0, 188106.0, Precision.UNIT)
    assert school_point(101212).precision is Precision.SECTOR  # RM7 0RL not in Code-Point
    assert school_point(143762) is None and school_point(1) is None


def test_school_point_matches_its_postcode_unit() -> None:
    # Acklam Grange School, TS5 8PB: the gazetteer and GIAS agree exactly.
    location = Gazetteer.default().locate(load_schools()[SchoolUrn(145774)].postcode)
    assert distance_miles(location.point, school_point(145774)) == 0.0


def test_schools_in_la() -> None:
    haringey = schools_in_la("309")
    assert haringey == schools_in_la(309)
    assert haringey and all(s.la_code == "309" for s in haringey)
    names = [s.name.casefold() for s in haringey]
    assert names == sorted(names)
    assert schools_in_la("999") == []


def test_find_schools() -> None:
    assert find_schools("137177") == [load_schools()[SchoolUrn(137177)]]
    found = find_schools("harrow high")
    assert found[0].urn == SchoolUrn(137177)  # name match before schools in the town of Harrow
    assert all("high" in s.name.casefold() for s in found)
    assert find_schools("harrow high", la_code="309") == []
    assert len(find_schools("primary", limit=5)) == 5
    assert find_schools("   ") == [] and find_schools("999999999") == []


def test_grid_to_wgs84_agrees_with_pyproj_for_every_school() -> None:
    # The packaged latitude/longitude were made by pyproj (EPSG:1314 Helmert), 6 dp.
    import csv
    import io

    text = gzip.decompress((DATA / GIAS_FILE).read_bytes()).decode("utf-8")
    rows = [r for r in csv.DictReader(io.StringIO(text)) if r["easting"]]
    east = np.array([float(r["easting"]) for r in rows])
    north = np.array([float(r["northing"]) for r in rows])
    lat, lon = grid_to_wgs84(east, north)
    assert_allclose(lat, [float(r["latitude"]) for r in rows], rtol=0, atol=1e-6)
    assert_allclose(lon, [float(r["longitude"]) for r in rows], rtol=0, atol=1e-6)
    back_east, back_north = wgs84_to_grid(lat, lon)  # round trip within 1 cm
    assert_allclose(back_east, east, rtol=0, atol=0.01)
    assert_allclose(back_north, north, rtol=0, atol=0.01)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "our_schools.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_read_schools_csv(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "urn,name,postcode,town\n900001, Synthetic Special School ,n176aa,Tottenham\n"
        "900002,Made-up Academy,HA1 2ZZ,\n",
    )
    directory = read_schools_csv(path)
    assert directory.schools[SchoolUrn(900001)] == School(
        SchoolUrn(900001), "Synthetic Special School", "N17 6AA", "309"
    )
    assert directory.points[SchoolUrn(900001)] == GridPoint(532935.0, 190513.0, Precision.UNIT)
    assert directory.points[SchoolUrn(900002)].precision is Precision.SECTOR
    assert directory.towns[SchoolUrn(900001)] == "Tottenham"


def test_read_schools_csv_reports_every_bad_row(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "urn,name,postcode\nabc,One,N17 6AA\n900001,,ZZ9 9ZZ\n900001,Three,HA1\n"
    )
    with pytest.raises(InputDataError) as caught:
        read_schools_csv(path)
    assert [str(e) for e in caught.value.errors] == [
        'our_schools.csv row 1, field "urn": is not a school URN '
        "(got 'abc'; expected a positive whole number, e.g. 137177)",
        'our_schools.csv row 2, field "name": is blank (expected the school\'s name)',
        'our_schools.csv row 2, field "postcode": "ZZ9 ***" was not found: its postcode district '
        '"ZZ9" is not in the packaged postcode data (OS Code-Point Open 2025.2; GeoNames for '
        "Northern Ireland, the Isle of Man and the Channel Islands); check it for typing errors",
        'our_schools.csv row 3, field "postcode": "HA1" is not a full UK postcode (e.g. "AB1 2CD" '
        'or "SW1A 1AA": an outward code of 2-4 characters, a space, then a digit and two letters)',
        'our_schools.csv row 3, field "urn": repeats row 2 '
        "(got '900001'; expected each URN once)",
    ]
    assert str(caught.value).startswith("5 problem(s) in our_schools.csv\n")


def test_read_schools_csv_missing_columns(tmp_path: Path) -> None:
    with pytest.raises(InputDataError) as caught:
        read_schools_csv(_write(tmp_path, "urn,school\n1,A\n"))
    assert [str(e) for e in caught.value.errors] == [
        'our_schools.csv, field "name": column is missing',
        'our_schools.csv, field "postcode": column is missing',
    ]
