"""security of supply: priority-delivery requests, their suppliers, answers and status changes

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 03:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import indusx.db

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sos_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column(
            "requesting_country",
            sa.Enum("IN", "US", name="country", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("requester_org_id", sa.Integer(), nullable=True),
        sa.Column("raised_by_id", sa.Integer(), nullable=True),
        sa.Column("item", sa.String(length=300), nullable=False),
        sa.Column("supply_system_id", sa.Integer(), nullable=True),
        sa.Column("supply_part_id", sa.Integer(), nullable=True),
        sa.Column("quantity", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("needed_on", sa.Date(), nullable=False),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column(
            "marking",
            sa.Enum(
                "UNCLASSIFIED",
                "CUI",
                "RESTRICTED",
                name="sos_marking",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "acknowledged",
                "committed",
                "constrained",
                "fulfilled",
                "closed",
                "withdrawn",
                name="sos_request_status",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("status_reason", sa.Text(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", indusx.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", indusx.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_sos_request_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["raised_by_id"],
            ["user_account.id"],
            name=op.f("fk_sos_request_raised_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["requester_org_id"],
            ["organisation.id"],
            name=op.f("fk_sos_request_requester_org_id_organisation"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["supply_part_id"],
            ["supply_part.id"],
            name=op.f("fk_sos_request_supply_part_id_supply_part"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["supply_system_id"],
            ["supply_system.id"],
            name=op.f("fk_sos_request_supply_system_id_supply_system"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sos_request")),
        sa.UniqueConstraint("reference", name=op.f("uq_sos_request_reference")),
    )
    op.create_index(op.f("ix_sos_request_created_at"), "sos_request", ["created_at"], unique=False)
    op.create_index(
        op.f("ix_sos_request_raised_by_id"), "sos_request", ["raised_by_id"], unique=False
    )
    op.create_index(
        op.f("ix_sos_request_requester_org_id"), "sos_request", ["requester_org_id"], unique=False
    )
    op.create_index(op.f("ix_sos_request_status"), "sos_request", ["status"], unique=False)
    op.create_index(
        op.f("ix_sos_request_supply_part_id"), "sos_request", ["supply_part_id"], unique=False
    )
    op.create_index(
        op.f("ix_sos_request_supply_system_id"), "sos_request", ["supply_system_id"], unique=False
    )
    op.create_table(
        "sos_party",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("routed_at", indusx.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("first_response_at", indusx.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "state",
            sa.Enum(
                "pending",
                "acknowledged",
                "committed",
                "constrained",
                name="sos_party_state",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("committed_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisation.id"],
            name=op.f("fk_sos_party_org_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["sos_request.id"],
            name=op.f("fk_sos_party_request_id_sos_request"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sos_party")),
        sa.UniqueConstraint("request_id", "org_id", name=op.f("uq_sos_party_request_id")),
    )
    op.create_index(op.f("ix_sos_party_org_id"), "sos_party", ["org_id"], unique=False)
    op.create_index(op.f("ix_sos_party_request_id"), "sos_party", ["request_id"], unique=False)
    op.create_table(
        "sos_status_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column(
            "from_status",
            sa.Enum(
                "open",
                "acknowledged",
                "committed",
                "constrained",
                "fulfilled",
                "closed",
                "withdrawn",
                name="sos_request_status",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "to_status",
            sa.Enum(
                "open",
                "acknowledged",
                "committed",
                "constrained",
                "fulfilled",
                "closed",
                "withdrawn",
                name="sos_request_status",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", indusx.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["user_account.id"],
            name=op.f("fk_sos_status_change_changed_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["sos_request.id"],
            name=op.f("fk_sos_status_change_request_id_sos_request"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sos_status_change")),
    )
    op.create_index(
        op.f("ix_sos_status_change_request_id"), "sos_status_change", ["request_id"], unique=False
    )
    op.create_table(
        "sos_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column(
            "action",
            sa.Enum(
                "acknowledge",
                "commit",
                "constraint",
                name="sos_answer_action",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("committed_on", sa.Date(), nullable=True),
        sa.Column("is_late", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", indusx.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["answered_by_id"],
            ["user_account.id"],
            name=op.f("fk_sos_answer_answered_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["party_id"],
            ["sos_party.id"],
            name=op.f("fk_sos_answer_party_id_sos_party"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["sos_request.id"],
            name=op.f("fk_sos_answer_request_id_sos_request"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sos_answer")),
    )
    op.create_index(op.f("ix_sos_answer_party_id"), "sos_answer", ["party_id"], unique=False)
    op.create_index(op.f("ix_sos_answer_request_id"), "sos_answer", ["request_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_sos_answer_request_id"), table_name="sos_answer")
    op.drop_index(op.f("ix_sos_answer_party_id"), table_name="sos_answer")
    op.drop_table("sos_answer")
    op.drop_index(op.f("ix_sos_status_change_request_id"), table_name="sos_status_change")
    op.drop_table("sos_status_change")
    op.drop_index(op.f("ix_sos_party_request_id"), table_name="sos_party")
    op.drop_index(op.f("ix_sos_party_org_id"), table_name="sos_party")
    op.drop_table("sos_party")
    op.drop_index(op.f("ix_sos_request_supply_system_id"), table_name="sos_request")
    op.drop_index(op.f("ix_sos_request_supply_part_id"), table_name="sos_request")
    op.drop_index(op.f("ix_sos_request_status"), table_name="sos_request")
    op.drop_index(op.f("ix_sos_request_requester_org_id"), table_name="sos_request")
    op.drop_index(op.f("ix_sos_request_raised_by_id"), table_name="sos_request")
    op.drop_index(op.f("ix_sos_request_created_at"), table_name="sos_request")
    op.drop_table("sos_request")
