"""What the pages work out from the store, kept until the store's data changes.

Entries are keyed on the store's data version (``Store.data_version()``: a random epoch and
a counter that database triggers raise on every write to the data tables, by this process or
any other), read once per request before the data. A decision, an import or an edit gives a
new version, so a cached shortlist, matching context or dashboard is never older than the
data it was read with. Audit entries, users and tokens do not change the version. Values must
be immutable (or only ever filled in, like the matching context's located homes).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")


class DataCache:
    """A bounded, thread-safe map from (data version, key) to a value worked out once.

    Parameters
    ----------
    max_entries
        Values kept at most [entries]; the least recently used goes first. 0 keeps nothing.
    """

    def __init__(self, max_entries: int = 256):
        self.max_entries = max_entries
        self.hits = 0
        self.misses = 0
        self._values: OrderedDict[tuple[Hashable, Hashable], object] = OrderedDict()
        self._pending: dict[tuple[Hashable, Hashable], threading.Lock] = {}
        self._newest: Hashable = None
        self._lock = threading.Lock()
        # Computations running on this thread: a nested ``get`` never waits for another
        # thread's computation, so two threads can never each hold one key and wait for the
        # other's (a deadlock seen as background jobs that never finished).
        self._local = threading.local()

    def __len__(self) -> int:
        return len(self._values)

    def get(self, version: Hashable | None, key: Hashable, compute: Callable[[], T]) -> T:
        """The value for ``key`` at ``version``, from ``compute()`` the first time.

        ``version`` None (a store that cannot tell when it changed) computes every time.
        Requests asking for the same missing value at once wait for one computation.
        """
        if version is None or self.max_entries <= 0:
            return compute()
        full = (version, key)
        with self._lock:
            if full in self._values:
                self.hits += 1
                self._values.move_to_end(full)
                return self._values[full]  # type: ignore[return-value]
            nested = getattr(self._local, "depth", 0) > 0
            if nested:
                self.misses += 1
            else:
                pending = self._pending.setdefault(full, threading.Lock())
        if nested:
            value = self._computed(compute)
            self._keep(full, value)
            return value
        with pending:
            with self._lock:
                if full in self._values:
                    self.hits += 1
                    return self._values[full]  # type: ignore[return-value]
                self.misses += 1
            try:
                value = self._computed(compute)
            finally:
                with self._lock:
                    self._pending.pop(full, None)
            self._keep(full, value)
        return value

    def _computed(self, compute: Callable[[], T]) -> T:
        """``compute()``, counted as running on this thread (see ``_local``)."""
        self._local.depth = getattr(self._local, "depth", 0) + 1
        try:
            return compute()
        finally:
            self._local.depth -= 1

    def _keep(self, full: tuple[Hashable, Hashable], value: object) -> None:
        """Store a value; a newer data version drops every entry of the older ones."""
        version = full[0]
        with self._lock:
            if version != self._newest and _is_newer(version, self._newest):
                for old in [k for k in self._values if k[0] != version]:
                    del self._values[old]
                self._newest = version
            elif version != self._newest:
                return  # read before a write that has since committed: keep nothing
            self._values[full] = value
            while len(self._values) > self.max_entries:
                self._values.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self._newest = None


def _is_newer(version: Hashable, than: Hashable) -> bool:
    """Versions are ``(epoch, counter)``: a new epoch (a restore) or a higher counter wins."""
    if than is None:
        return True
    if isinstance(version, tuple) and isinstance(than, tuple) and len(version) == len(than) == 2:
        return version[0] != than[0] or version[1] > than[1]
    return True
