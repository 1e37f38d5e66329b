"""Postcode normalisation, look-up with fallbacks, LA membership and straight-line distances.

Coordinates quoted in comments are the packaged OS Code-Point Open 2025.2 values.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from matching.domain import GridPoint, Precision
from matching.geo import (
    MILES_PER_METRE,
    Gazetteer,
    PostcodeFormatError,
    UnknownPostcodeError,
    distance_miles,
    distances_miles,
    geodesic_miles,
    in_la,
    mask_postcode,
    normalise_outcode,
    normalise_postcode,
    normalise_sector,
)
from matching.postcodes import normalise_postcodes
from sufficiency.errors import InputDataError

FORMAT_HINT = (
    '(e.g. "AB1 2CD" or "SW1A 1AA": an outward code of 2-4 characters, a space, then a digit '
    "and two letters)"
)
DATA_NOTE = (
    "is not in the packaged postcode data (OS Code-Point Open 2025.2; GeoNames for Northern "
    "Ireland, the Isle of Man and the Channel Islands); check it for typing errors"
)


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.default()


@pytest.fixture(scope="module")
def all_units(gazetteer: Gazetteer) -> list[str]:
    return gazetteer.unit_postcodes()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ha12jg", "HA1 2JG"),
        ("HA1 2JG", "HA1 2JG"),
        ("  ha1   2jg ", "HA1 2JG"),
        ("Ha1\t2Jg", "HA1 2JG"),
        ("HA1\u00a02JG", "HA1 2JG"),  # non-breaking space from a spreadsheet
        ("n176aa", "N17 6AA"),
        ("sw1a1aa", "SW1A 1AA"),  # AA9A outward code
        ("w1a 0ax", "W1A 0AX"),  # A9A
        ("m11ae", "M1 1AE"),  # A9
        ("b338th", "B33 8TH"),  # A99
        ("cr26xh", "CR2 6XH"),  # AA9
        ("dn551pt", "DN55 1PT"),  # AA99
    ],
)
def test_normalise_postcode(text: str, expected: str) -> None:
    assert normalise_postcode(text) == expected


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("HA1 2J", "HA ***"),  # inward code too short
        ("HA12JGG", "HA12 ***"),  # one letter too many
        ("1HA 2JG", "1HA ***"),  # outward code must start with a letter
        ("HA1 JG2", "HA1 ***"),
        ("ABC1 2DE", "ABC1 ***"),  # three area letters
        ("HA1-2JG", "HA1- ***"),
        ("", "(blank)"),
        ("N1", "N1"),  # an outward code alone identifies no address: shown as typed
    ],
)
def test_malformed_postcode_message_masks_and_shows_the_format(text: str, shown: str) -> None:
    with pytest.raises(PostcodeFormatError) as caught:
        normalise_postcode(text)
    assert str(caught.value) == f'"{shown}" is not a full UK postcode {FORMAT_HINT}'


def test_non_text_postcode_is_a_format_error() -> None:
    with pytest.raises(PostcodeFormatError, match=r"^a postcode must be text, not float "):
        normalise_postcode(float("nan"))  # an empty pandas cell


def test_format_error_is_a_value_error_but_not_an_unknown_error() -> None:
    assert issubclass(PostcodeFormatError, ValueError)
    assert issubclass(UnknownPostcodeError, ValueError)
    assert not issubclass(PostcodeFormatError, UnknownPostcodeError)


@pytest.mark.parametrize(
    ("function", "text", "expected"),
    [
        (normalise_outcode, " n17 ", "N17"),
        (normalise_outcode, "sw1a", "SW1A"),
        (normalise_sector, "ha12", "HA1 2"),
        (normalise_sector, "N17 6", "N17 6"),
        (normalise_sector, "sw1a 1", "SW1A 1"),
    ],
)
def test_normalise_outcode_and_sector(function, text: str, expected: str) -> None:
    assert function(text) == expected


def test_malformed_outcode_and_sector_messages() -> None:
    with pytest.raises(PostcodeFormatError) as caught:
        normalise_outcode("N17 6")
    assert str(caught.value) == '"N176" is not a UK postcode district (e.g. "N17", "HA1" or "SW1A")'
    with pytest.raises(PostcodeFormatError, match=r'^"HA1" is not a UK postcode sector \(e.g.'):
        normalise_sector("HA1")


def test_mask_postcode() -> None:
    assert mask_postcode("ha1 2jg") == "HA1 ***"
    assert mask_postcode("SW1A1AA") == "SW1A ***"


def test_unit_postcode_is_located_by_its_own_coordinates(gazetteer: Gazetteer) -> None:
    location = gazetteer.locate("ha12jg")  # Harrow High School
    assert location.postcode == "HA1 2JG"
    assert location.point == GridPoint(515974.0, 188106.0, Precision.UNIT)
    assert location.precision is Precision.UNIT
    assert (location.lad_code, location.la_code, location.la_name) == ("E09000015", "310", "Harrow")
    assert location.la_gss_code == "E09000015"
    assert location.country_code == "E92000001"
    assert location.on_national_grid and location.lad_share == 1.0
    # GIAS/pyproj give 51.579894, -0.327674 for this school's postcode.
    assert_allclose([location.latitude, location.longitude], [51.579894, -0.327674], atol=2e-6)
    assert location.masked_postcode == "HA1 ***"
    assert repr(location).startswith("Location(postcode='HA1 ***', point=GridPoint(easting_m=")
    assert "2JG" not in repr(location) and "2JG" not in f"{location}"


def test_made_up_unit_in_a_real_sector_falls_back_to_the_sector(gazetteer: Gazetteer) -> None:
    location = gazetteer.locate("HA1 2ZZ")  # no such unit; sector HA1 2 centroid 515822, 188473
    assert location.precision is Precision.SECTOR
    assert location.point == GridPoint(515822.0, 188473.0, Precision.SECTOR)
    assert (location.latitude, location.longitude) == (51.583223, -0.329745)
    assert location.la_code == "310"


def test_made_up_sector_in_a_real_district_falls_back_to_the_district(gazetteer: Gazetteer) -> None:
    # HA1 has sectors 1-4 and 9 only; the HA1 district centroid is 515217, 188131.
    location = gazetteer.locate("HA1 5AA")
    assert location.precision is Precision.DISTRICT
    assert location.point == GridPoint(515217.0, 188131.0, Precision.DISTRICT)
    assert location.la_code == "310" and location.lad_share == 0.955  # HA1 straddles Harrow/Brent


def test_fallback_can_be_refused(gazetteer: Gazetteer) -> None:
    with pytest.raises(UnknownPostcodeError) as caught:
        gazetteer.locate("HA1 2ZZ", allow_fallback=False)
    assert str(caught.value) == (
        '"HA1 ***" is not a live unit postcode in OS Code-Point Open 2025.2 (it may be new, '
        "terminated or mistyped); check it against the address"
    )


def test_well_formed_but_unknown_postcode_has_its_own_message(gazetteer: Gazetteer) -> None:
    with pytest.raises(UnknownPostcodeError) as caught:
        gazetteer.locate("ZZ9 9ZZ")
    assert str(caught.value) == f'"ZZ9 ***" was not found: its postcode district "ZZ9" {DATA_NOTE}'


def test_malformed_postcode_is_not_reported_as_unknown(gazetteer: Gazetteer) -> None:
    with pytest.raises(PostcodeFormatError):
        gazetteer.locate("HA1 2J")


def test_locate_sector_and_district(gazetteer: Gazetteer) -> None:
    sector = gazetteer.locate_sector("n176")
    assert (sector.postcode, sector.precision) == ("N17 6", Precision.SECTOR)
    assert sector.point.easting_m == 533154
    assert gazetteer.locate_sector("HA1 5").precision is Precision.DISTRICT
    district = gazetteer.locate_district("n17")
    assert district.point == GridPoint(533678.0, 190536.0, Precision.DISTRICT)
    assert district.la_code == "309"
    with pytest.raises(UnknownPostcodeError, match=r'^"ZZ9" was not found'):
        gazetteer.locate_district("ZZ9")


def test_northern_ireland_uses_district_latitude_longitude(gazetteer: Gazetteer) -> None:
    belfast = gazetteer.locate("BT1 1AA")  # GeoNames BT1: 54.5833, -5.9333; no BNG
    assert belfast.precision is Precision.DISTRICT
    assert not belfast.on_national_grid
    assert (belfast.latitude, belfast.longitude) == (54.5833, -5.9333)
    assert (belfast.la_code, belfast.country_code) == ("", "N92000002")
    harrow = gazetteer.locate("HA1 2JG")
    expected = geodesic_miles(54.5833, -5.9333, harrow.latitude, harrow.longitude)
    assert distance_miles(belfast, harrow) == expected
    # The projected grid point is still close enough for a rough vectorised screen.
    assert distance_miles(belfast.point, harrow.point) == pytest.approx(expected, rel=0.001)


@pytest.mark.parametrize("postcode", ["IM1 1AA", "JE2 3AB", "GY1 1AA"])
def test_crown_dependencies_are_located_off_grid(gazetteer: Gazetteer, postcode: str) -> None:
    location = gazetteer.locate(postcode)
    assert location.precision is Precision.DISTRICT and not location.on_national_grid


def test_known_distances_by_hand(gazetteer: Gazetteer) -> None:
    # HA1 2JG (515974, 188106) to HA1 2JN (515723, 188426): dx = -251, dy = 320,
    # sqrt(63001 + 102400) = 406.6952 m / 1609.344 = 0.252709 miles.
    near = distance_miles(gazetteer.locate("HA1 2JG"), gazetteer.locate("HA1 2JN"))
    assert near == pytest.approx(0.2527086922, abs=1e-9)
    # HA1 2JG to N17 6AA (532935, 190513): dx = 16961, dy = 2407,
    # sqrt(287675521 + 5793649) = 17130.94 m = 10.644674 miles.
    far = distance_miles(gazetteer.locate("HA1 2JG").point, gazetteer.locate("N17 6AA").point)
    assert far == pytest.approx(10.6446737856, abs=1e-9)
    assert MILES_PER_METRE == 1 / 1609.344


def test_vectorised_distances_equal_scalar(gazetteer: Gazetteer) -> None:
    postcodes = ["HA1 2JN", "N17 6AA", "SW1A 1AA", "TS5 8PB", "M1 1AE", "HA1 2ZZ"]
    origin = gazetteer.locate("HA1 2JG")
    east, north, precisions = gazetteer.locate_many(postcodes)
    vector = distances_miles(origin.point, east, north)
    scalar = [distance_miles(origin, gazetteer.locate(p)) for p in postcodes]
    assert_allclose(vector, scalar, rtol=0, atol=1e-12)
    assert list(precisions) == ["unit"] * 5 + ["sector"]


@pytest.mark.parametrize(
    ("first", "second"), [("HA1 2JG", "N17 6AA"), ("SW1A 1AA", "TS5 8PB"), ("M1 1AE", "CF10 1EP")]
)
def test_geodesic_is_close_to_grid_distance_in_britain(gazetteer, first, second) -> None:
    a, b = gazetteer.locate(first), gazetteer.locate(second)
    grid = distance_miles(a.point, b.point)
    assert geodesic_miles(a.latitude, a.longitude, b.latitude, b.longitude) == pytest.approx(
        grid,
        rel=0.005,  # grid scale varies by up to 0.04 % plus projection of the line
    )


def test_locate_many_reports_every_bad_row(gazetteer: Gazetteer) -> None:
    with pytest.raises(InputDataError) as caught:
        gazetteer.locate_many(
            ["HA1 2JG", "ZZ9 9ZZ", "N17 6AA", "not known"], source="carers.csv", first_row=2
        )
    assert [str(e) for e in caught.value.errors] == [
        f'carers.csv row 3, field "postcode": "ZZ9 ***" was not found: its postcode district '
        f'"ZZ9" {DATA_NOTE}',
        f'carers.csv row 5, field "postcode": "NOTKN ***" is not a full UK postcode {FORMAT_HINT}',
    ]
    assert str(caught.value).startswith("2 postcode(s) in carers.csv could not be located\n")


def test_locate_many_can_leave_gaps(gazetteer: Gazetteer) -> None:
    east, north, precisions = gazetteer.locate_many(["bad", "N17 6AA"], on_error="nan")
    assert math.isnan(east[0]) and math.isnan(north[0]) and precisions[0] is None
    assert (east[1], north[1], precisions[1]) == (532935.0, 190513.0, Precision.UNIT)
    assert distances_miles(GridPoint(532935.0, 190513.0), east, north)[1] == 0.0
    with pytest.raises(ValueError, match='^on_error: \'skip\' must be "raise" or "nan"$'):
        gazetteer.locate_many([], on_error="skip")


def test_locate_many_of_nothing(gazetteer: Gazetteer) -> None:
    east, north, precisions = gazetteer.locate_many([])
    assert east.shape == north.shape == precisions.shape == (0,)


def test_locate_many_handles_the_first_and_last_units(gazetteer: Gazetteer) -> None:
    # Keys sorting before the first or after the last unit must not wrap round.
    east, _, precisions = gazetteer.locate_many(["AB10 1AB", "ZE3 9JZ", "AA1 1AA"], on_error="nan")
    assert precisions[0] is Precision.UNIT and east[0] == 394235.0
    assert precisions[1] is not None
    assert precisions[2] is None


def test_la_membership(gazetteer: Gazetteer) -> None:
    tottenham = gazetteer.locate("N17 6AA")
    assert in_la(tottenham, "309") and in_la(tottenham, 309) and in_la(tottenham, "e09000014")
    assert not in_la(tottenham, "310") and not in_la(tottenham, "")
    assert gazetteer.in_la("HA1 2JG", "310")
    assert not gazetteer.in_la("BT1 1AA", "309")


def test_local_authorities(gazetteer: Gazetteer) -> None:
    haringey = gazetteer.local_authority(309)
    assert (haringey.la_name, haringey.gss_code) == ("Haringey", "E09000014")
    assert gazetteer.local_authority("E09000015").la_code == "310"
    codes = [la.la_code for la in gazetteer.local_authorities()]
    assert codes == sorted(codes, key=int) and "309" in codes and len(codes) == len(set(codes))
    with pytest.raises(KeyError, match="la_code: '999' is not a DfE LA number or GSS code"):
        gazetteer.local_authority("999")


def test_default_is_shared() -> None:
    assert Gazetteer.default() is Gazetteer.default()


def test_grid_conversion_matches_the_reference(gazetteer: Gazetteer) -> None:
    # POSTCODES_README check: SW1A 1AA (529090, 179645) -> 51.50101, -0.14159 (pyproj).
    location = gazetteer.locate("SW1A 1AA")
    assert_allclose([location.latitude, location.longitude], [51.50101, -0.14159], atol=6e-6)
    assert np.isfinite(location.latitude)


def test_normalise_postcodes_collects_row_errors() -> None:
    normals, errors = normalise_postcodes(["n176aa", "N17", None], "homes.csv", "home", 2)
    assert normals == ["N17 6AA", None, None]
    assert [str(e) for e in errors] == [
        f'homes.csv row 3, field "home": "N17" is not a full UK postcode {FORMAT_HINT}',
        f'homes.csv row 4, field "home": a postcode must be text, not NoneType {FORMAT_HINT}',
    ]


def test_unit_postcodes_in_an_la(gazetteer: Gazetteer) -> None:
    haringey = gazetteer.unit_postcodes("309")
    assert haringey == gazetteer.unit_postcodes("E09000014")
    assert "N17 6AA" in haringey and "HA1 2JG" not in haringey
    assert haringey == sorted(haringey, key=lambda p: p.replace(" ", ""))
    east, north, precisions = gazetteer.locate_many(haringey[:200])
    assert set(precisions) == {Precision.UNIT}
    assert all(gazetteer.locate(p).la_code == "309" for p in haringey[::500])
    assert gazetteer.unit_postcodes("999") == [] and gazetteer.unit_postcodes("") == []


_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# Outward codes A9, A99, AA9, AA99, A9A, AA9A; inward code 9AA.
_outcodes = st.one_of(
    st.builds(
        lambda a, d: f"{a}{d}", st.text(_LETTERS, min_size=1, max_size=2), st.integers(0, 99)
    ),
    st.builds(
        lambda a, d, t: f"{a}{d}{t}",
        st.text(_LETTERS, min_size=1, max_size=2),
        st.integers(0, 9),
        st.sampled_from(_LETTERS),
    ),
)
_postcodes = st.builds(
    lambda out, sector, unit: f"{out} {sector}{unit}",
    _outcodes,
    st.integers(0, 9),
    st.text(_LETTERS, min_size=2, max_size=2),
)


@given(
    _postcodes,
    st.lists(st.sampled_from(["", " ", "  ", "\t"]), min_size=8, max_size=8),
    st.booleans(),
)
def test_normalising_any_spelling_gives_the_standard_form(postcode, gaps, lower) -> None:
    squashed = postcode.replace(" ", "")
    typed = "".join(gap + char for gap, char in zip(gaps, squashed, strict=False))
    typed = typed.lower() if lower else typed
    assert normalise_postcode(typed) == postcode
    assert normalise_postcode(normalise_postcode(typed)) == postcode


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, 1_742_637), min_size=1, max_size=40))
def test_locate_many_agrees_with_locate_for_real_units(gazetteer, all_units, rows) -> None:
    chosen = [all_units[row] for row in rows]
    east, north, precisions = gazetteer.locate_many(chosen)
    for i, postcode in enumerate(chosen):
        location = gazetteer.locate(postcode)
        assert (east[i], north[i], precisions[i]) == (
            location.point.easting_m,
            location.point.northing_m,
            Precision.UNIT,
        )


def test_every_public_name_is_documented() -> None:
    from pathlib import Path

    import matching.geo
    import matching.geo_cli
    import matching.schools

    docs = (Path(__file__).resolve().parents[2] / "docs" / "geography.md").read_text("utf-8")
    names = list(matching.geo.__all__) + [
        "load_schools",
        "load_school_points",
        "school_point",
        "schools_in_la",
        "find_schools",
        "read_schools_csv",
        "grid_to_wgs84",
        "wgs84_to_grid",
        "unit_postcodes",
        "locate_many",
        "locate_sector",
        "locate_district",
        "local_authority",
        "local_authorities",
    ]
    names += [command.name for command in matching.geo_cli.COMMANDS]
    spans = " ".join(re.findall(r"`([^`]*)`", docs))  # text inside backticks
    assert [name for name in names if not re.search(rf"\b{name}\b", spans)] == []
