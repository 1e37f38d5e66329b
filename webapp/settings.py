"""The web app's settings registry: every option's name, default and help in one place.

Like datasette's ``SETTINGS``: ``create_app`` applies the defaults, then the instance
folder's ``settings.toml``, then the caller's ``test_config``; docs/web.md lists them all
(a test fails if one is undocumented). Parsing only: no Flask imports here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Setting:
    """One configuration option: its Flask config key, default value and help text."""

    name: str
    default: object
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "DATABASE_URL",
        None,
        "SQLAlchemy URL of the store; default: sqlite file planner.sqlite3 in the instance folder",
    ),
    Setting("DEMO", False, "Load the synthetic demo council into an empty store at start-up"),
    Setting(
        "SECRET_KEY",
        "dev",
        "Signs the session cookie; set a long random value in production (settings.toml)",
    ),
    Setting(
        "AS_OF",
        None,
        "The planning date (YYYY-MM-DD) the pages use; default: the store's or demo's as-of date",
    ),
    Setting("COUNCIL_NAME", "", "Council name shown in the header; default: from the store"),
    Setting(
        "COUNCIL_LA_CODE",
        "",
        "GSS code of the council (e.g. E09000033), for the child population and district "
        "outlines; default: from the store",
    ),
    Setting(
        "DISTANCE_THRESHOLD_MILES",
        20.0,
        "Distance line for 'placed far from home' [miles]; 20 in the DfE statistics",
    ),
    Setting(
        "DISTANCE_TARGET_PERCENT",
        15.0,
        "The council's target for children placed beyond the distance line [% of children in care]",
    ),
    Setting("SHORTLIST_LENGTH", 10, "Households shown on a referral's ranked shortlist"),
    Setting("ALLOCATION_TIME_LIMIT_S", 10.0, "Solver time limit for a joint allocation [seconds]"),
    Setting(
        "JOB_WORKERS", 2, "Threads running long jobs (forecasts, allocations) in the background"
    ),
    Setting("JOB_POLL_SECONDS", 2, "How often a job's page refreshes while it runs [seconds]"),
    Setting(
        "MAP_DISTRICT_OUTLINES",
        True,
        "Draw the council's postcode-district outlines (hulls of sector centroids) on maps",
    ),
    Setting("PHASE_BANNER", "Demo – synthetic data", "Text of the phase banner under the header"),
    Setting(
        "DATA_CACHE_ENTRIES",
        256,
        "Shortlists, matching contexts and dashboards kept until the next write to the data "
        "(webapp.cache); 0 turns the cache off [entries]",
    ),
)

#: Sign-in and sessions (``webapp.auth``; docs/security.md).
SETTINGS += (
    Setting(
        "SESSION_COOKIE_SECURE",
        True,
        "Send the session cookie over HTTPS only; `serve` turns it off for its plain-HTTP server",
    ),
    Setting(
        "SESSION_LIFETIME_MINUTES", 480, "A sign-in lasts this long [minutes]"
    ),
    Setting(
        "LOGIN_ATTEMPTS_LIMIT",
        5,
        "Failed sign-ins allowed per user name (and per address) in the window before a wait",
    ),
    Setting("LOGIN_ATTEMPTS_WINDOW_S", 900, "The window for LOGIN_ATTEMPTS_LIMIT [seconds]"),
    Setting(
        "MAX_CONTENT_LENGTH",
        20 * 1024 * 1024,
        "Largest request body (uploads included) the app reads; larger ones get a 413 [bytes]",
    ),
    Setting(
        "AUTH_REMOTE_USER_HEADER",
        "",
        "Header set by a trusted single sign-on proxy naming the user (e.g. X-Forwarded-Email); "
        "empty: off",
    ),
    Setting(
        "TESTING",
        False,
        "Flask's test mode (tests only): keeps SECRET_KEY as given; tests sign in with the "
        "fixtures in tests/webapp/conftest.py",
    ),
)

SETTINGS_BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


def defaults() -> dict[str, object]:
    """Every setting at its default value."""
    return {s.name: s.default for s in SETTINGS}


def parse_as_of(value: object) -> dt.date | None:
    """The ``AS_OF`` setting as a date; ``ValueError`` naming the setting when malformed."""
    if value is None or value == "" or isinstance(value, dt.date):
        return value or None  # type: ignore[return-value]
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(
            f'setting "AS_OF": {value!r} is not a date (expected YYYY-MM-DD)'
        ) from None


def check(config: dict[str, object]) -> list[str]:
    """Problems with known settings' types, each naming the setting (empty when all fine)."""
    problems = []
    for setting in SETTINGS:
        value = config.get(setting.name, setting.default)
        expected = type(setting.default)
        if setting.default is None or value is None:
            continue
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            continue
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            problems.append(
                f'setting "{setting.name}": {value!r} is not a {expected.__name__} '
                f"(default {setting.default!r})"
            )
    try:
        parse_as_of(config.get("AS_OF"))
    except ValueError as error:
        problems.append(str(error))
    return problems
