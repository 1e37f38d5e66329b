"""British National Grid <-> WGS84 latitude/longitude, vectorised in numpy (no pyproj needed).

Transverse Mercator on the Airy 1830 ellipsoid plus the OS 7-parameter Helmert transform
(accurate to about 5 m, the same as EPSG:1314); not the OSTN15 grid (about 0.1 m).
"""

from __future__ import annotations

import numpy as np

# Airy 1830 (OSGB36) and GRS80/WGS84 ellipsoids: semi-major, semi-minor axes [m].
AIRY_1830 = (6377563.396, 6356256.909)
WGS84 = (6378137.000, 6356752.314245)

# National Grid projection: scale on the central meridian, true origin, false origin.
_F0 = 0.9996012717
_LAT0 = np.radians(49.0)
_LON0 = np.radians(-2.0)
_E0 = 400000.0  # [m]
_N0 = -100000.0  # [m]

# OS Helmert transform WGS84 -> OSGB36: shifts [m], scale [ppm], rotations [arc-seconds].
_TO_OSGB36 = (-446.448, 125.157, -542.060, 20.4894, -0.1502, -0.2470, -0.8421)
_ARCSEC = np.pi / (180.0 * 3600.0)


def _meridional_arc(lat: np.ndarray) -> np.ndarray:
    """Distance along the central meridian from the true origin to ``lat`` [m] (OS M)."""
    a, b = AIRY_1830
    n = (a - b) / (a + b)
    d, s = lat - _LAT0, lat + _LAT0
    return (
        b
        * _F0
        * (
            (1 + n + 1.25 * n**2 + 1.25 * n**3) * d
            - (3 * n + 3 * n**2 + 2.625 * n**3) * np.sin(d) * np.cos(s)
            + (1.875 * n**2 + 1.875 * n**3) * np.sin(2 * d) * np.cos(2 * s)
            - (35 / 24) * n**3 * np.sin(3 * d) * np.cos(3 * s)
        )
    )


def _radii(lat: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Transverse radius nu, meridional radius rho [m] and eta^2 on Airy 1830 at ``lat``."""
    a, b = AIRY_1830
    e2 = 1 - (b * b) / (a * a)
    sin2 = np.sin(lat) ** 2
    nu = a * _F0 / np.sqrt(1 - e2 * sin2)
    rho = a * _F0 * (1 - e2) * (1 - e2 * sin2) ** -1.5
    return nu, rho, nu / rho - 1


def grid_to_osgb36(eastings_m, northings_m) -> tuple[np.ndarray, np.ndarray]:
    """Inverse Transverse Mercator: grid [m] -> OSGB36 latitude, longitude [radians]."""
    east = np.asarray(eastings_m, dtype=float)
    north = np.asarray(northings_m, dtype=float)
    a = AIRY_1830[0]
    lat = (north - _N0) / (a * _F0) + _LAT0
    for _ in range(20):  # converges to 0.01 mm in 3-5 steps
        residual = north - _N0 - _meridional_arc(lat)
        lat = lat + residual / (a * _F0)
        if np.all(np.abs(np.nan_to_num(residual)) < 1e-5):
            break
    nu, rho, eta2 = _radii(lat)
    t = np.tan(lat)
    sec = 1 / np.cos(lat)
    de = east - _E0
    vii = t / (2 * rho * nu)
    viii = t / (24 * rho * nu**3) * (5 + 3 * t**2 + eta2 - 9 * t**2 * eta2)
    ix = t / (720 * rho * nu**5) * (61 + 90 * t**2 + 45 * t**4)
    x = sec / nu
    xi = sec / (6 * nu**3) * (nu / rho + 2 * t**2)
    xii = sec / (120 * nu**5) * (5 + 28 * t**2 + 24 * t**4)
    xiia = sec / (5040 * nu**7) * (61 + 662 * t**2 + 1320 * t**4 + 720 * t**6)
    lat_out = lat - vii * de**2 + viii * de**4 - ix * de**6
    lon_out = _LON0 + x * de - xi * de**3 + xii * de**5 - xiia * de**7
    return lat_out, lon_out


def osgb36_to_grid(lat_rad, lon_rad) -> tuple[np.ndarray, np.ndarray]:
    """Forward Transverse Mercator: OSGB36 latitude, longitude [radians] -> grid [m]."""
    lat = np.asarray(lat_rad, dtype=float)
    dl = np.asarray(lon_rad, dtype=float) - _LON0
    nu, rho, eta2 = _radii(lat)
    sin, cos, t = np.sin(lat), np.cos(lat), np.tan(lat)
    i = _meridional_arc(lat) + _N0
    ii = nu / 2 * sin * cos
    iii = nu / 24 * sin * cos**3 * (5 - t**2 + 9 * eta2)
    iiia = nu / 720 * sin * cos**5 * (61 - 58 * t**2 + t**4)
    iv = nu * cos
    v = nu / 6 * cos**3 * (nu / rho - t**2)
    vi = nu / 120 * cos**5 * (5 - 18 * t**2 + t**4 + 14 * eta2 - 58 * t**2 * eta2)
    north = i + ii * dl**2 + iii * dl**4 + iiia * dl**6
    east = _E0 + iv * dl + v * dl**3 + vi * dl**5
    return east, north


def _to_cartesian(lat, lon, ellipsoid) -> np.ndarray:
    a, b = ellipsoid
    e2 = 1 - (b * b) / (a * a)
    nu = a / np.sqrt(1 - e2 * np.sin(lat) ** 2)
    return np.stack(
        [
            nu * np.cos(lat) * np.cos(lon),
            nu * np.cos(lat) * np.sin(lon),
            (1 - e2) * nu * np.sin(lat),
        ]
    )


def _from_cartesian(xyz: np.ndarray, ellipsoid) -> tuple[np.ndarray, np.ndarray]:
    a, b = ellipsoid
    e2 = 1 - (b * b) / (a * a)
    x, y, z = xyz
    p = np.hypot(x, y)
    lat = np.arctan2(z, p * (1 - e2))
    for _ in range(10):  # converges below 1e-12 radians in 3 steps in Britain
        nu = a / np.sqrt(1 - e2 * np.sin(lat) ** 2)
        lat = np.arctan2(z + e2 * nu * np.sin(lat), p)
    return lat, np.arctan2(y, x)


def _helmert(lat, lon, source, target, sign: float) -> tuple[np.ndarray, np.ndarray]:
    """Apply the OS Helmert transform (sign=+1 WGS84->OSGB36, -1 for the inverse)."""
    tx, ty, tz, s_ppm, rx, ry, rz = (sign * v for v in _TO_OSGB36)
    rx, ry, rz = rx * _ARCSEC, ry * _ARCSEC, rz * _ARCSEC
    s = 1 + s_ppm * 1e-6
    x, y, z = _to_cartesian(lat, lon, source)
    moved = np.stack(
        [
            tx + s * x - rz * y + ry * z,
            ty + rz * x + s * y - rx * z,
            tz - ry * x + rx * y + s * z,
        ]
    )
    return _from_cartesian(moved, target)


def grid_to_wgs84(eastings_m, northings_m) -> tuple[np.ndarray, np.ndarray]:
    """British National Grid [m] -> WGS84 latitude, longitude [degrees].

    Parameters
    ----------
    eastings_m, northings_m : array_like
        Grid coordinates [m]; NaN passes through as NaN.

    Returns
    -------
    latitude, longitude : np.ndarray
        WGS84 degrees, accurate to about 5 m (Helmert, not OSTN15).
    """
    lat, lon = grid_to_osgb36(eastings_m, northings_m)
    lat, lon = _helmert(lat, lon, AIRY_1830, WGS84, -1.0)
    return np.degrees(lat), np.degrees(lon)


def wgs84_to_grid(latitude_deg, longitude_deg) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 latitude, longitude [degrees] -> British National Grid easting, northing [m].

    Outside Great Britain (Northern Ireland, Isle of Man, Channel Islands) the result is the
    grid extended beyond its area: usable for approximate distances only (scale error below
    0.1 % within 300 km of the central meridian, 2 degrees W).
    """
    lat = np.radians(np.asarray(latitude_deg, dtype=float))
    lon = np.radians(np.asarray(longitude_deg, dtype=float))
    lat, lon = _helmert(lat, lon, WGS84, AIRY_1830, 1.0)
    return osgb36_to_grid(lat, lon)
