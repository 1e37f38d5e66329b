"""SQLAlchemy 2.x tables of the store: households, children, referrals, decisions, imports,
users, API tokens and the audit trail.

Rows only: conversion to and from domain objects lives in ``webapp.store_rows`` and every
query in ``webapp.store``. Sets are JSON lists (sorted, so exports are stable). The schema
is created and changed only by the Alembic migrations in ``webapp/migrations``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    """Declarative base; ``Base.metadata`` must match the head migration (tested)."""


class HouseholdRow(Base):
    """An approved fostering household. ``version`` rises on every change to it or its children."""

    __tablename__ = "households"

    household_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    provider: Mapped[str] = mapped_column(String(20))
    agency_name: Mapped[str] = mapped_column(String(200), default="")
    postcode: Mapped[str] = mapped_column(String(10))
    postcode_district: Mapped[str] = mapped_column(String(4), index=True)
    approved_places: Mapped[int] = mapped_column(Integer)
    approved_age_min: Mapped[int] = mapped_column(Integer)
    approved_age_max: Mapped[int] = mapped_column(Integer)
    approved_kinds: Mapped[list] = mapped_column(JSON, default=list)
    max_sibling_group: Mapped[int] = mapped_column(Integer, default=1)
    skills: Mapped[list] = mapped_column(JSON, default=list)
    languages: Mapped[list] = mapped_column(JSON, default=list)
    religion: Mapped[str] = mapped_column(String(100), default="")
    ethnicity: Mapped[str] = mapped_column(String(100), default="")
    features: Mapped[list] = mapped_column(JSON, default=list)
    weekly_cost_gbp: Mapped[float] = mapped_column(Float, default=0.0)
    available_from: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    on_hold: Mapped[bool] = mapped_column(Boolean, default=False)
    usual_limit_exemption: Mapped[bool] = mapped_column(Boolean, default=False)
    connected_child_ids: Mapped[list] = mapped_column(JSON, default=list)
    approved_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    deregistered_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=0)

    children: Mapped[list[ChildRow]] = relationship(
        back_populates="household", order_by="ChildRow.child_id"
    )


class ChildRow(Base):
    """A child looked after now; ``household_id`` set when placed in a known household."""

    __tablename__ = "looked_after_children"

    child_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    date_of_birth: Mapped[dt.date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(10))
    ethnicity: Mapped[str] = mapped_column(String(100), default="")
    uasc: Mapped[bool] = mapped_column(Boolean, default=False)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    placement_type: Mapped[str] = mapped_column(String(40))
    household_id: Mapped[str | None] = mapped_column(
        ForeignKey("households.household_id"), nullable=True, index=True
    )
    placement_postcode: Mapped[str] = mapped_column(String(10), default="")
    home_postcode: Mapped[str] = mapped_column(String(10), default="")
    school_urn: Mapped[int | None] = mapped_column(Integer, nullable=True)
    sibling_group: Mapped[str] = mapped_column(String(64), default="")
    poses_risk_to_younger: Mapped[bool] = mapped_column(Boolean, default=False)
    placed_since: Mapped[dt.date | None] = mapped_column(Date, nullable=True)

    household: Mapped[HouseholdRow | None] = relationship(back_populates="children")


class ReferralRow(Base):
    """A referral for one child or a sibling group; ``version`` rises on every change."""

    __tablename__ = "referrals"

    referral_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_on: Mapped[dt.date] = mapped_column(Date)
    start_date: Mapped[dt.date] = mapped_column(Date)
    placement_kind: Mapped[str] = mapped_column(String(20))
    home_postcode: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20), index=True)
    allowed_splits: Mapped[list] = mapped_column(JSON, default=list)
    connected_household_ids: Mapped[list] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=0)

    children: Mapped[list[ReferralChildRow]] = relationship(
        back_populates="referral",
        order_by="ReferralChildRow.position",
        cascade="all, delete-orphan",
    )


class ReferralChildRow(Base):
    """One child of a referral, in the order the referral lists them."""

    __tablename__ = "referral_children"

    referral_id: Mapped[str] = mapped_column(ForeignKey("referrals.referral_id"), primary_key=True)
    child_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    date_of_birth: Mapped[dt.date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(10))
    essential_needs: Mapped[list] = mapped_column(JSON, default=list)
    desirable_needs: Mapped[list] = mapped_column(JSON, default=list)
    school_urn: Mapped[int | None] = mapped_column(Integer, nullable=True)
    languages: Mapped[list] = mapped_column(JSON, default=list)
    religion: Mapped[str] = mapped_column(String(100), default="")
    ethnicity: Mapped[str] = mapped_column(String(100), default="")
    wishes: Mapped[list] = mapped_column(JSON, default=list)
    poses_risk_to_younger: Mapped[bool] = mapped_column(Boolean, default=False)

    referral: Mapped[ReferralRow] = relationship(back_populates="children")


class DecisionRow(Base):
    """An officer's placement decision. Append-only: the store refuses updates and deletes."""

    __tablename__ = "decisions"

    decision_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    referral_id: Mapped[str] = mapped_column(String(64), index=True)
    household_id: Mapped[str] = mapped_column(String(64), index=True)
    child_ids: Mapped[list] = mapped_column(JSON, default=list)
    decided_by: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(Text, default="")
    shortlist_rank: Mapped[int | None] = mapped_column(Integer, nullable=True)
    beyond_threshold: Mapped[bool] = mapped_column(Boolean, default=False)
    out_of_area: Mapped[bool] = mapped_column(Boolean, default=False)


class SchoolRow(Base):
    """A school the council's children attend (GIAS URN)."""

    __tablename__ = "schools"

    urn: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    postcode: Mapped[str] = mapped_column(String(10))
    la_code: Mapped[str] = mapped_column(String(10), default="")


class ImportLogRow(Base):
    """Who imported which file into which table, when, and how many rows it changed."""

    __tablename__ = "import_log"

    import_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    table_name: Mapped[str] = mapped_column(String(40))
    file_name: Mapped[str] = mapped_column(String(300))
    imported_by: Mapped[str] = mapped_column(String(200))
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime)
    rows_read: Mapped[int] = mapped_column(Integer)
    rows_inserted: Mapped[int] = mapped_column(Integer)
    rows_updated: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), default="")


class Ssda903Row(Base):
    """One raw row of an SSDA903 table (header, episodes, uasc) for a collection year."""

    __tablename__ = "ssda903_rows"
    __table_args__ = (UniqueConstraint("collection_year", "table_name", "row_number"),)

    ssda903_row_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    collection_year: Mapped[int] = mapped_column(Integer, index=True)
    table_name: Mapped[str] = mapped_column(String(20))
    row_number: Mapped[int] = mapped_column(Integer)
    values: Mapped[dict] = mapped_column(JSON)


class SettingRow(Base):
    """A store-wide setting, e.g. ``as_of`` (the date the data describes)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class DataVersionRow(Base):
    """One row: a random ``epoch`` and a ``version`` that database triggers raise on every
    write to the data tables (migration 0004). Not data itself: never backed up."""

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    epoch: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer)


class UserRow(Base):
    """A person who signs in: a role (``webapp.users.Role``) and a scrypt password hash."""

    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(30))
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_sign_in_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class ApiTokenRow(Base):
    """A user's API token for ``/api/*``: only its SHA-256 is stored, never the token."""

    __tablename__ = "api_tokens"

    token_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(ForeignKey("users.username"), index=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class AuditRow(Base):
    """Who did what to which record, when. Append-only (ORM listener and database triggers)."""

    __tablename__ = "audit_log"

    audit_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    role: Mapped[str] = mapped_column(String(30), default="")
    action: Mapped[str] = mapped_column(String(40), index=True)
    record_type: Mapped[str] = mapped_column(String(30), default="")
    record_id: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    channel: Mapped[str] = mapped_column(String(10), default="")


@event.listens_for(AuditRow, "before_update")
@event.listens_for(AuditRow, "before_delete")
def _audit_is_append_only(_mapper: object, _connection: object, target: AuditRow) -> None:
    """The audit trail is evidence: the ORM refuses to change or delete an entry."""
    raise PermissionError(f"audit entry {target.audit_id} is append-only and cannot be changed")


@event.listens_for(DecisionRow, "before_update")
@event.listens_for(DecisionRow, "before_delete")
def _decisions_are_append_only(_mapper: object, _connection: object, target: DecisionRow) -> None:
    """Decisions are a record kept for ever: the ORM refuses to change or delete one."""
    raise PermissionError(f"decision {target.decision_id} is append-only and cannot be changed")


def _register_limit_guard() -> None:
    """Refuse over-long text and out-of-range integers on every table (``webapp.store_limits``)."""
    from webapp.store_limits import refuse_values_that_do_not_fit

    for name in ("before_insert", "before_update"):
        event.listen(Base, name, refuse_values_that_do_not_fit, propagate=True)


_register_limit_guard()
