"""Hypothesis fuzzing of the importers: any bytes, any cells under a real header.

Every file must either read cleanly or raise ``InputDataError`` listing its problems (never
another exception), and a refused import must leave the store exactly as it was.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching.carers_csv import HOUSEHOLD_COLUMNS, read_households
from matching.children_csv import CHILD_COLUMNS, read_children
from matching.decisions_csv import DECISION_COLUMNS, read_decisions
from matching.referrals_csv import REFERRAL_COLUMNS, read_referrals
from sufficiency.errors import InputDataError
from tests.webapp.test_concurrency import snapshot
from tests.webapp.web_support import fill
from webapp.store import Store
from webapp.store_imports import import_file

READERS = {
    "households": (read_households, HOUSEHOLD_COLUMNS),
    "children": (read_children, CHILD_COLUMNS),
    "referrals": (read_referrals, REFERRAL_COLUMNS),
    "decisions": (read_decisions, DECISION_COLUMNS),
}
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
#: Cell text: plausible values, separators, quotes, formula starts, control and odd characters.
CELL = st.one_of(
    st.sampled_from(
        [
            "",
            "yes",
            "no",
            "2015-03-02",
            "31/02/2015",
            "LS6 2AB",
            "ls62ab",
            "ZZ99 9ZZ",
            "H1",
            "C1",
            "R1",
            "-1",
            "1e309",
            "nan",
            "£450",
            "=1+1",
            "'@x",
            "short-term;long-term",
            "C1+C2|C3",
            "in-house",
            "agency",
            "female",
            "children's home",
            "\u0000",
            "\ufeff",
        ]
    ),  # fmt: skip
    st.text(max_size=12),
)


def _write(data: bytes, suffix: str = ".csv") -> Path:
    folder = Path(tempfile.mkdtemp(prefix="fuzz-"))
    path = folder / f"fuzz{suffix}"
    path.write_bytes(data)
    return path


def _reads_or_refuses(table: str, path: Path) -> None:
    reader, _ = READERS[table]
    try:
        reader(path)
    except InputDataError as error:
        assert error.errors and all(str(e) for e in error.errors)


@FUZZ
@given(table=st.sampled_from(sorted(READERS)), data=st.binary(max_size=400))
def test_any_bytes(table: str, data: bytes) -> None:
    _reads_or_refuses(table, _write(data))
    _reads_or_refuses(table, _write(data, ".xlsx"))


@FUZZ
@given(table=st.sampled_from(sorted(READERS)), data=st.data())
def test_any_cells_under_a_real_header(table: str, data) -> None:
    _, columns = READERS[table]
    header = data.draw(st.lists(st.sampled_from(columns), min_size=1, unique=True))
    rows = data.draw(st.lists(st.lists(CELL, min_size=len(header), max_size=len(header) + 1),
                              max_size=4))  # fmt: skip
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    _reads_or_refuses(table, _write(buffer.getvalue().encode("utf-8", "surrogatepass")))


_STORE_FOLDER = tempfile.TemporaryDirectory(prefix="fuzz-store-")
STORE = Store(str(Path(_STORE_FOLDER.name) / "fuzz.sqlite3"))
STORE.upgrade()
fill(STORE)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(table=st.sampled_from(sorted(READERS)), data=st.data())
def test_a_refused_import_changes_nothing(table: str, data) -> None:
    _, columns = READERS[table]
    rows = data.draw(st.lists(st.lists(CELL, min_size=len(columns), max_size=len(columns)),
                              min_size=1, max_size=3))  # fmt: skip
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer).writerows([list(columns), *rows])
    path = _write(buffer.getvalue().encode("utf-8", "surrogatepass"))
    before = snapshot(STORE)
    try:
        import_file(STORE, table, path, dry_run=True)
    except InputDataError:
        pass
    assert snapshot(STORE) == before
