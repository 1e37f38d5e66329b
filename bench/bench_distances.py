"""Benchmark: distances from one child's home to 42,000 households, numpy grid vs geopy geodesic.

Run with ``python bench/bench_distances.py`` (options: ``--households N``, ``--seed S``).
Household postcodes are a seeded random sample of real GB unit postcodes (no people's data).
Prints both times, their ratio, and how far apart the two methods' distances are.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
from geopy.distance import geodesic

from matching.geo import Gazetteer, distances_miles
from matching.osgb import grid_to_wgs84

HOME_POSTCODE = "N17 6AA"  # a synthetic home in Tottenham (Haringey, LA 309)


def _sample_postcodes(gazetteer: Gazetteer, count: int, seed: int) -> list[str]:
    """``count`` random unit postcodes from the packaged table, in standard form."""
    rng = np.random.default_rng(seed)
    every = gazetteer.unit_postcodes()
    return [every[i] for i in rng.integers(0, len(every), size=count)]


def _timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def _numpy_method(gazetteer: Gazetteer, postcodes: list[str]) -> np.ndarray:
    home = gazetteer.locate(HOME_POSTCODE)
    east, north, _ = gazetteer.locate_many(postcodes)
    return distances_miles(home.point, east, north)


def _geopy_method(gazetteer: Gazetteer, postcodes: list[str]) -> np.ndarray:
    home = gazetteer.locate(HOME_POSTCODE)
    east, north, _ = gazetteer.locate_many(postcodes)
    lats, lons = grid_to_wgs84(east, north)
    origin = (home.latitude, home.longitude)
    return np.array(
        [geodesic(origin, (lat, lon)).miles for lat, lon in zip(lats, lons, strict=True)]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=42_000)
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args(argv)
    gazetteer = Gazetteer.default()
    _, load_s = _timed(gazetteer.locate, HOME_POSTCODE)
    postcodes = _sample_postcodes(gazetteer, args.households, args.seed)
    grid, numpy_s = _timed(_numpy_method, gazetteer, postcodes)
    print(f"households: {len(postcodes):,} (seed {args.seed}); data load {load_s:.2f} s")
    print(f"numpy grid (locate_many + distances_miles): {numpy_s:.3f} s", flush=True)
    print("geopy geodesic loop running...", file=sys.stderr, flush=True)
    ellipsoid, geopy_s = _timed(_geopy_method, gazetteer, postcodes)
    print(f"geopy geodesic loop (locate_many + per-pair geodesic): {geopy_s:.3f} s")
    print(f"ratio geopy / numpy: {geopy_s / numpy_s:.1f}x")
    difference = np.abs(grid - ellipsoid)
    relative = difference / np.maximum(ellipsoid, 1e-9)
    print(
        f"grid vs geodesic: median {np.median(difference):.4f} mi, "
        f"max {difference.max():.4f} mi ({100 * relative.max():.3f} % of the distance); "
        f"within 20 miles: grid {int((grid <= 20).sum()):,}, "
        f"geodesic {int((ellipsoid <= 20).sum()):,}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
