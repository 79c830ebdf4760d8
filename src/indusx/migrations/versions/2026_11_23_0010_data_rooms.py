"""data rooms: need-to-know members, marked and versioned documents, access log

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import indusx.db

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "data_room",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column(
            "allowed_countries",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "allowed_eligibilities",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("authorisation_reference", sa.String(length=120), nullable=False),
        sa.Column("authorisation_expires_on", sa.Date(), nullable=True),
        sa.Column("authorisation_set_by_id", sa.Integer(), nullable=True),
        sa.Column("authorisation_set_at", indusx.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", indusx.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["authorisation_set_by_id"],
            ["user_account.id"],
            name=op.f("fk_data_room_authorisation_set_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnership.id"],
            name=op.f("fk_data_room_partnership_id_partnership"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_room")),
        sa.UniqueConstraint("partnership_id", name=op.f("uq_data_room_partnership_id")),
    )
    op.create_table(
        "data_room_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("latest_number", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", indusx.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", indusx.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_data_room_document_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["room_id"],
            ["data_room.id"],
            name=op.f("fk_data_room_document_room_id_data_room"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_room_document")),
    )
    with op.batch_alter_table("data_room_document", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_data_room_document_room_id"), ["room_id"], unique=False
        )

    op.create_table(
        "data_room_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("added_at", indusx.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["added_by_id"],
            ["user_account.id"],
            name=op.f("fk_data_room_member_added_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["room_id"],
            ["data_room.id"],
            name=op.f("fk_data_room_member_room_id_data_room"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_data_room_member_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_room_member")),
        sa.UniqueConstraint("room_id", "user_id", name=op.f("uq_data_room_member_room_id")),
    )
    with op.batch_alter_table("data_room_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_data_room_member_user_id"), ["user_id"], unique=False)

    op.create_table(
        "data_room_document_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "marking",
            sa.Enum(
                "public",
                "business-confidential",
                "controlled-technical-data",
                name="data_room_marking",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=120), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=32), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", indusx.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["data_room_document.id"],
            name=op.f("fk_data_room_document_version_document_id_data_room_document"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["user_account.id"],
            name=op.f("fk_data_room_document_version_uploaded_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_room_document_version")),
        sa.UniqueConstraint(
            "document_id", "number", name=op.f("uq_data_room_document_version_document_id")
        ),
        sa.UniqueConstraint("storage_key", name=op.f("uq_data_room_document_version_storage_key")),
    )
    with op.batch_alter_table("data_room_document_version", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_data_room_document_version_marking"), ["marking"], unique=False
        )

    op.create_table(
        "data_room_access",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column(
            "action",
            sa.Enum(
                "view", "download", name="data_room_access_action", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column(
            "outcome",
            sa.Enum(
                "allowed", "denied", name="data_room_access_outcome", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", indusx.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["data_room_document.id"],
            name=op.f("fk_data_room_access_document_id_data_room_document"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["room_id"],
            ["data_room.id"],
            name=op.f("fk_data_room_access_room_id_data_room"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_data_room_access_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["data_room_document_version.id"],
            name=op.f("fk_data_room_access_version_id_data_room_document_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_room_access")),
    )
    with op.batch_alter_table("data_room_access", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_data_room_access_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_data_room_access_document_id"), ["document_id"], unique=False
        )
        batch_op.create_index("ix_data_room_access_room_at", ["room_id", "at"], unique=False)
        batch_op.create_index(batch_op.f("ix_data_room_access_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "eligibility",
                sa.Enum(
                    "us-person",
                    "indian-national",
                    "other-foreign-person",
                    name="eligibility",
                    native_enum=False,
                    length=32,
                ),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column(
                "eligibility_declared_at", indusx.db.UTCDateTime(timezone=True), nullable=True
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("eligibility_declared_at")
        batch_op.drop_column("eligibility")

    with op.batch_alter_table("data_room_access", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_data_room_access_user_id"))
        batch_op.drop_index("ix_data_room_access_room_at")
        batch_op.drop_index(batch_op.f("ix_data_room_access_document_id"))
        batch_op.drop_index(batch_op.f("ix_data_room_access_at"))

    op.drop_table("data_room_access")
    with op.batch_alter_table("data_room_document_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_data_room_document_version_marking"))

    op.drop_table("data_room_document_version")
    with op.batch_alter_table("data_room_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_data_room_member_user_id"))

    op.drop_table("data_room_member")
    with op.batch_alter_table("data_room_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_data_room_document_room_id"))

    op.drop_table("data_room_document")
    op.drop_table("data_room")
