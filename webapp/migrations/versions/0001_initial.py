"""Initial store: households, children looked after, referrals, decisions, schools, import log.

Revision ID: 0001
Revises:
Create Date: 2026-01-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _households() -> None:
    op.create_table(
        "households",
        sa.Column("household_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("provider", sa.String(20), nullable=False),
        sa.Column("agency_name", sa.String(200), nullable=False),
        sa.Column("postcode", sa.String(10), nullable=False),
        sa.Column("postcode_district", sa.String(4), nullable=False),
        sa.Column("approved_places", sa.Integer(), nullable=False),
        sa.Column("approved_age_min", sa.Integer(), nullable=False),
        sa.Column("approved_age_max", sa.Integer(), nullable=False),
        sa.Column("approved_kinds", sa.JSON(), nullable=False),
        sa.Column("max_sibling_group", sa.Integer(), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("religion", sa.String(100), nullable=False),
        sa.Column("ethnicity", sa.String(100), nullable=False),
        sa.Column("features", sa.JSON(), nullable=False),
        sa.Column("weekly_cost_gbp", sa.Float(), nullable=False),
        sa.Column("available_from", sa.Date(), nullable=True),
        sa.Column("on_hold", sa.Boolean(), nullable=False),
        sa.Column("usual_limit_exemption", sa.Boolean(), nullable=False),
        sa.Column("connected_child_ids", sa.JSON(), nullable=False),
        sa.Column("approved_on", sa.Date(), nullable=True),
        sa.Column("deregistered_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_households_postcode_district", "households", ["postcode_district"])


def _children() -> None:
    op.create_table(
        "looked_after_children",
        sa.Column("child_id", sa.String(64), primary_key=True),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("sex", sa.String(10), nullable=False),
        sa.Column("ethnicity", sa.String(100), nullable=False),
        sa.Column("uasc", sa.Boolean(), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("placement_type", sa.String(40), nullable=False),
        sa.Column(
            "household_id", sa.String(64), sa.ForeignKey("households.household_id"), nullable=True
        ),
        sa.Column("placement_postcode", sa.String(10), nullable=False),
        sa.Column("home_postcode", sa.String(10), nullable=False),
        sa.Column("school_urn", sa.Integer(), nullable=True),
        sa.Column("sibling_group", sa.String(64), nullable=False),
        sa.Column("poses_risk_to_younger", sa.Boolean(), nullable=False),
        sa.Column("placed_since", sa.Date(), nullable=True),
    )
    op.create_index(
        "ix_looked_after_children_household_id", "looked_after_children", ["household_id"]
    )


def _referrals() -> None:
    op.create_table(
        "referrals",
        sa.Column("referral_id", sa.String(64), primary_key=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("placement_kind", sa.String(20), nullable=False),
        sa.Column("home_postcode", sa.String(10), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("allowed_splits", sa.JSON(), nullable=False),
        sa.Column("connected_household_ids", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_referrals_status", "referrals", ["status"])
    op.create_table(
        "referral_children",
        sa.Column(
            "referral_id", sa.String(64), sa.ForeignKey("referrals.referral_id"), primary_key=True
        ),
        sa.Column("child_id", sa.String(64), primary_key=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("sex", sa.String(10), nullable=False),
        sa.Column("essential_needs", sa.JSON(), nullable=False),
        sa.Column("desirable_needs", sa.JSON(), nullable=False),
        sa.Column("school_urn", sa.Integer(), nullable=True),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("religion", sa.String(100), nullable=False),
        sa.Column("ethnicity", sa.String(100), nullable=False),
        sa.Column("wishes", sa.JSON(), nullable=False),
        sa.Column("poses_risk_to_younger", sa.Boolean(), nullable=False),
    )


def _decisions_schools_log() -> None:
    op.create_table(
        "decisions",
        sa.Column("decision_id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("referral_id", sa.String(64), nullable=False),
        sa.Column("household_id", sa.String(64), nullable=False),
        sa.Column("child_ids", sa.JSON(), nullable=False),
        sa.Column("decided_by", sa.String(200), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("shortlist_rank", sa.Integer(), nullable=True),
        sa.Column("beyond_threshold", sa.Boolean(), nullable=False),
        sa.Column("out_of_area", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_decisions_referral_id", "decisions", ["referral_id"])
    op.create_index("ix_decisions_household_id", "decisions", ["household_id"])
    op.create_table(
        "schools",
        sa.Column("urn", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("postcode", sa.String(10), nullable=False),
        sa.Column("la_code", sa.String(10), nullable=False),
    )
    op.create_table(
        "import_log",
        sa.Column("import_id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("table_name", sa.String(40), nullable=False),
        sa.Column("file_name", sa.String(300), nullable=False),
        sa.Column("imported_by", sa.String(200), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("rows_inserted", sa.Integer(), nullable=False),
        sa.Column("rows_updated", sa.Integer(), nullable=False),
    )


def upgrade() -> None:
    _households()
    _children()
    _referrals()
    _decisions_schools_log()


def downgrade() -> None:
    for table in (
        "import_log",
        "schools",
        "decisions",
        "referral_children",
        "referrals",
        "looked_after_children",
        "households",
    ):
        op.drop_table(table)
