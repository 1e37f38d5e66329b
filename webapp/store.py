"""The store: the only module that opens the database. Takes and returns domain objects.

SQLite file by default (``instance/planner.sqlite3``), any SQLAlchemy URL by configuration.
The schema comes from the packaged Alembic migrations (``Store.upgrade()``). Placement
decisions are recorded by ``webapp.store_decisions``; file imports by ``webapp.store_imports``.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, selectinload, sessionmaker

from matching.domain import (
    Household,
    ProviderType,
    School,
    SchoolUrn,
)
from webapp.models import (
    ChildRow,
    DataVersionRow,
    HouseholdRow,
    ImportLogRow,
    ReferralRow,
    SchoolRow,
    SettingRow,
)
from webapp.store_limits import replace_nul_in_parameters as nul_guard
from webapp.store_records import ChildrenReferralsDecisions
from webapp.store_rows import (
    DecisionConflictError,
    DuplicateRecordError,
    ReferralClosedError,
    StoreError,
    UnknownRecordError,
    VacancyTakenError,
    household_from_row,
    household_values,
    postcode_district,
    school_from_row,
    school_values,
)

__all__ = [
    "DecisionConflictError",
    "DuplicateRecordError",
    "ReferralClosedError",
    "Store",
    "StoreError",
    "UnknownRecordError",
    "VacancyTakenError",
    "resolve_database_url",
]

#: Environment variable naming the database (an SQLAlchemy URL or an SQLite file path).
DATABASE_URL_ENV = "PLANNER_DATABASE_URL"
DEFAULT_SQLITE_PATH = Path("instance") / "planner.sqlite3"
MIGRATIONS_PATH = Path(__file__).resolve().parent / "migrations"
AS_OF_SETTING = "as_of"
#: Rows of ``data_version``: every data table, and the SSDA903 returns alone.
DATA_VERSION_ROWS = {"data": 1, "ssda903": 2}


def resolve_database_url(
    database: str | None = None, environ: Mapping[str, str] = os.environ
) -> str:
    """The database URL: the argument, else ``$PLANNER_DATABASE_URL``, else the default file.

    A value without ``://`` is taken as the path of an SQLite file.
    """
    value = database or environ.get(DATABASE_URL_ENV) or str(DEFAULT_SQLITE_PATH)
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser()}"


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_PATH))
    return config


class Store(ChildrenReferralsDecisions):
    """Households, children looked after, referrals, decisions and imports in one database.

    Parameters
    ----------
    url
        SQLAlchemy URL or SQLite file path; see ``resolve_database_url``.
    """

    def __init__(self, url: str | None = None):
        self.url = resolve_database_url(url)
        parsed = make_url(self.url)
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        pre_ping = parsed.get_backend_name() != "sqlite"  # a server may drop idle connections
        self.engine: Engine = create_engine(self.url, pool_pre_ping=pre_ping)
        if parsed.get_backend_name() == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        elif parsed.get_backend_name() == "postgresql":
            event.listen(self.engine, "before_cursor_execute", nul_guard, retval=True)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def __repr__(self) -> str:
        return f"Store({self.engine.url.render_as_string(hide_password=True)!r})"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any error."""
        with self._sessions() as session, session.begin():
            yield session

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    # -- schema -------------------------------------------------------------------------

    def upgrade(self, revision: str = "head") -> None:
        """Create or migrate the schema to ``revision``, keeping the data."""
        config = _alembic_config()
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)

    def current_revision(self) -> str | None:
        """The schema revision of the database, ``None`` if it has never been upgraded."""
        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    @staticmethod
    def head_revision() -> str:
        """The newest schema revision shipped with this version of the software."""
        head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
        if head is None:  # pragma: no cover - the package always ships revisions
            raise StoreError("no migrations found in the package")
        return head

    def is_empty(self) -> bool:
        """True when there are no households, children or referrals."""
        with self.session() as session:
            return not any(
                session.scalar(select(func.count()).select_from(model))
                for model in (HouseholdRow, ChildRow, ReferralRow)
            )

    def data_version(self, of: str = "data") -> tuple[str, int] | None:
        """``(epoch, version)``: changes with every committed write to the data tables.

        Database triggers (migrations 0004-0005) raise it on every INSERT, UPDATE or DELETE
        of households, children, referrals, decisions, schools, SSDA903 rows and settings, by
        any process; audit entries, users and tokens leave it alone. ``of="ssda903"``: the
        version of the SSDA903 returns alone. ``None`` on a database without those triggers
        (neither SQLite nor PostgreSQL): then nothing may be cached.
        """
        if self.engine.dialect.name not in ("sqlite", "postgresql"):
            return None
        with self.session() as session:
            row = session.get(DataVersionRow, DATA_VERSION_ROWS[of], populate_existing=True)
            return (row.epoch, row.version) if row is not None else None

    # -- settings -----------------------------------------------------------------------

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        with self.session() as session:
            row = session.get(SettingRow, key)
            return row.value if row is not None else default

    def set_setting(self, key: str, value: str) -> None:
        with self.session() as session:
            session.merge(SettingRow(key=key, value=value))

    @property
    def as_of(self) -> dt.date | None:
        """The date the stored data describes (set by the demo loader or an officer)."""
        value = self.get_setting(AS_OF_SETTING)
        return dt.date.fromisoformat(value) if value else None

    def set_as_of(self, day: dt.date) -> None:
        self.set_setting(AS_OF_SETTING, day.isoformat())

    # -- households ---------------------------------------------------------------------

    def list_households(
        self,
        *,
        has_vacancy: bool | None = None,
        provider: ProviderType | str | None = None,
        age_years: int | None = None,
        postcode_district: str | None = None,
        active_on: dt.date | None = None,
    ) -> list[Household]:
        """Households by id; filters: vacancy, provider, approved age, district, registered."""
        query = select(HouseholdRow).options(selectinload(HouseholdRow.children))
        if provider is not None:
            query = query.where(HouseholdRow.provider == str(ProviderType(provider)))
        if age_years is not None:
            query = query.where(HouseholdRow.approved_age_min <= age_years)
            query = query.where(HouseholdRow.approved_age_max >= age_years)
        if postcode_district is not None:
            query = query.where(HouseholdRow.postcode_district == postcode_district.strip().upper())
        if active_on is not None:
            query = query.where(
                (HouseholdRow.deregistered_on.is_(None))
                | (HouseholdRow.deregistered_on > active_on)
            )
        with self.session() as session:
            rows = session.scalars(query.order_by(HouseholdRow.household_id)).all()
            households = [household_from_row(row, list(row.children)) for row in rows]
        if has_vacancy is not None:
            households = [h for h in households if (h.vacancies > 0) == has_vacancy]
        return households

    def get_household(self, household_id: str) -> Household:
        with self.session() as session:
            row = session.get(HouseholdRow, household_id)
            if row is None:
                raise UnknownRecordError("household", household_id)
            return household_from_row(row, list(row.children))

    def add_household(self, household: Household) -> None:
        """Add a new household; its placed children are added later as children with its id."""
        if household.placed_children:
            raise ValueError(
                "placed_children: add the household first, then its children (add_child with "
                "household_id, an import of children.csv, or record_decision)"
            )
        with self.session() as session:
            if session.get(HouseholdRow, household.household_id) is not None:
                raise DuplicateRecordError(f"household {household.household_id} already exists")
            session.add(HouseholdRow(**household_values(household), version=0))

    def update_household(self, household: Household) -> None:
        """Replace a household's details; its placed children stay as the store has them."""
        with self.session() as session:
            row = session.get(HouseholdRow, household.household_id, with_for_update=True)
            if row is None:
                raise UnknownRecordError("household", household.household_id)
            stored = sorted(c.child_id for c in row.children)
            given = sorted(c.child_id for c in household.placed_children)
            if given and given != stored:
                raise ValueError(
                    "placed_children: change where children live with update_child or "
                    "record_decision, not update_household"
                )
            if household.approved_places < len(stored):
                raise ValueError(
                    f"approved_places: {household.approved_places} is fewer than the "
                    f"{len(stored)} children living there"
                )
            for key, value in household_values(household).items():
                setattr(row, key, value)
            row.version += 1

    # -- schools and the import log -----------------------------------------------------

    def list_schools(self) -> dict[SchoolUrn, School]:
        with self.session() as session:
            return {
                SchoolUrn(r.urn): school_from_row(r) for r in session.scalars(select(SchoolRow))
            }

    def save_schools(self, schools: Iterable[School]) -> None:
        """Insert or update schools (by URN)."""
        with self.session() as session:
            for school in schools:
                session.merge(SchoolRow(**school_values(school)))

    def list_imports(self) -> list[ImportLogRow]:
        """The import log, newest first (detached rows: read their attributes)."""
        with self.session() as session:
            return list(
                session.scalars(select(ImportLogRow).order_by(ImportLogRow.import_id.desc()))
            )

    def load_demo(self, council: object, progress: Callable[[str], None] | None = None) -> None:
        """Fill an empty store from ``sufficiency.demo_council.build_demo_council()``."""
        from webapp.store_demo import load_demo

        load_demo(self, council, progress=progress)


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    """Enforce foreign keys, wait (not fail) when another writer holds the lock, and use the
    write-ahead log: readers never block the writer, and a commit is one fsync of the log
    (``synchronous=FULL`` keeps every committed decision through a power cut)."""
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


__all__ += ["postcode_district"]
