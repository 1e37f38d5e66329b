"""What the pages and the API read and call: the store plus the engines, behind one object.

Both the HTML blueprints and ``webapp.api`` go through ``DataSource`` so they make the same
engine calls. It opens no files itself: the store, the gazetteer and the policy do.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
import threading
from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import Flask

from matching.domain import GridPoint, Household, Referral
from webapp.cache import DataCache
from webapp.store import AS_OF_SETTING, Store, UnknownRecordError

T = TypeVar("T")

log = logging.getLogger(__name__)

#: Store settings (``Store.get_setting``) naming the council, written by the demo loader.
COUNCIL_NAME_SETTING = "council_name"
COUNCIL_LA_CODE_SETTING = "council_la_code"
_STORE_LOCK = threading.Lock()


def open_store(app: Flask) -> Store:
    """The app's one ``Store``, created (and its schema brought up to date) on first use."""
    with _STORE_LOCK:
        store = app.extensions.get("planner.store")
        if store is None:
            store = Store(str(app.config["DATABASE_URL"]))
            store.upgrade()
            if app.config.get("DEMO") and store.is_empty():
                load_demo_into(store)
            app.extensions["planner.store"] = store
        return store


def load_demo_into(store: Store) -> None:
    """Fill an empty store with the synthetic demo council."""
    from sufficiency.demo_council import build_demo_council

    log.info("loading the demo council into %r", store)
    store.load_demo(build_demo_council())


def open_data(app: Flask) -> DataSource:
    """The request's data source; with the cache on, the data version is read first."""
    source = DataSource(
        open_store(app),
        dict(app.config),
        app.extensions.get("planner.cache"),
        app.extensions.get("planner.cache.ssda903"),
    )
    if source.cache is not None:
        source.data_version  # noqa: B018 - read before any data, so no value is keyed too new
    return source


@functools.lru_cache(maxsize=1)
def gazetteer():
    """The packaged postcode gazetteer (loaded once per process)."""
    from matching.geo import Gazetteer

    return Gazetteer.default()


@functools.lru_cache(maxsize=1)
def base_policy():
    """The packaged matching policy (``matching/policy.toml``)."""
    from matching.policy import load_policy

    return load_policy()


class DataSource:
    """The store, the council's identity and the engines, for one request.

    With a ``cache`` (``webapp.cache.DataCache``), the matching context, shortlists, the
    store's settings and the dashboard are worked out once per data version.
    """

    def __init__(
        self,
        store: Store,
        config: dict[str, object],
        cache: DataCache | None = None,
        ssda903_cache: DataCache | None = None,
    ):
        self.store = store
        self.config = config
        self.cache = cache
        self.ssda903_cache = ssda903_cache

    @functools.cached_property
    def data_version(self) -> tuple[str, int] | None:
        """The store's data version when this request began (None: cache nothing)."""
        return self.store.data_version() if self.cache is not None else None

    def cached(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, or its value from earlier at the same data version."""
        if self.cache is None:
            return compute()
        return self.cache.get(self.data_version, key, compute)

    def cached_ssda903(self, key: Hashable, compute: Callable[[], T]) -> T:
        """Like ``cached``, keyed on the SSDA903 returns' own version (imports change it)."""
        if self.ssda903_cache is None:
            return compute()
        return self.ssda903_cache.get(self.store.data_version("ssda903"), key, compute)

    def setting(self, key: str) -> str | None:
        """A store setting (``Store.get_setting``), read once per data version."""
        return self.cached(("setting", key), lambda: self.store.get_setting(key))

    # -- the council and the date ---------------------------------------------------------

    @functools.cached_property
    def council_name(self) -> str:
        return str(self.config.get("COUNCIL_NAME") or self.setting(COUNCIL_NAME_SETTING) or "")

    @functools.cached_property
    def council_la_code(self) -> str:
        configured = self.config.get("COUNCIL_LA_CODE") or self.setting(COUNCIL_LA_CODE_SETTING)
        return str(configured or base_policy().council_la_code or "")

    @functools.cached_property
    def as_of(self) -> dt.date:
        """The planning date: the ``AS_OF`` setting, else the store's, else the demo's."""
        configured = self.config.get("AS_OF")
        if isinstance(configured, dt.date):
            return configured
        stored = self.setting(AS_OF_SETTING)
        if stored:
            return dt.date.fromisoformat(stored)
        from sufficiency.demo_council import DEMO_AS_OF

        return DEMO_AS_OF

    @functools.cached_property
    def policy(self):
        """The matching policy, with the council's LA and the distance line from settings."""
        policy = base_policy()
        changes: dict[str, object] = {}
        if not policy.council_la_code and self.council_la_code:
            changes["council_la_code"] = self.council_la_code
        threshold = self.config.get("DISTANCE_THRESHOLD_MILES")
        if threshold:
            changes["threshold_tenths"] = round(float(threshold) * 10)
        length = self.config.get("SHORTLIST_LENGTH")
        if length:
            changes["shortlist_length"] = int(length)
        return dataclasses.replace(policy, **changes) if changes else policy

    # -- places -------------------------------------------------------------------------

    def locate(self, postcode: str) -> GridPoint | None:
        """A postcode's grid point (unit, else sector or district centroid); None if unknown."""
        return _locate(postcode)

    def distance_miles(self, a: str, b: str) -> float | None:
        """Straight-line miles between two postcodes' centroids; None if either is unknown."""
        from matching.geo import distance_miles

        first, second = _locate(a), _locate(b)
        if first is None or second is None:
            return None
        return float(distance_miles(first, second))

    # -- records ------------------------------------------------------------------------

    def households(self, **filters) -> list[Household]:
        return self.store.list_households(**filters)

    def household(self, household_id: str) -> Household:
        """One household; ``UnknownRecordError`` (a 404 in the app) if there is none."""
        return self.store.get_household(household_id)

    def referrals(self, *, open_only: bool = False) -> list[Referral]:
        return self.store.list_referrals(open_only=open_only)

    def referral(self, referral_id: str) -> Referral:
        return self.store.get_referral(referral_id)

    def active_households(self) -> list[Household]:
        """Households still registered on the planning date (the ones matching considers)."""
        return list(self._match_inputs()[0])

    def _match_inputs(self):
        """``(households, context)``: the active households, located once per data version."""
        from matching.context import build_context
        from webapp.store_schools import schools_for_matching

        def build():
            households = tuple(self.store.list_households(active_on=self.as_of))
            # Packaged state schools plus the council's own (e.g. independent special schools).
            schools = schools_for_matching(self.store)
            return households, build_context(households, schools=schools, gazetteer=gazetteer())

        return self.cached(("match-context", self.as_of), build)

    # -- engines ------------------------------------------------------------------------

    def shortlist(self, referral: Referral):
        """The ranked, explained shortlist for a referral (``matching.shortlist.rank``).

        The households and their context are shared by every referral at this data version;
        the referral's home and schools are located on first use (``MatchContext``).
        """
        from matching.shortlist import rank

        def ranked():
            households, context = self._match_inputs()
            return rank(referral, households, context, self.policy)

        return self.cached(("shortlist", referral, self.as_of), ranked)


@functools.lru_cache(maxsize=4096)
def _locate(postcode: str) -> GridPoint | None:
    from matching.postcodes import PostcodeFormatError, UnknownPostcodeError

    try:
        return gazetteer().locate(postcode).point
    except (PostcodeFormatError, UnknownPostcodeError):
        return None


__all__ = ["DataSource", "UnknownRecordError", "open_data", "open_store"]
