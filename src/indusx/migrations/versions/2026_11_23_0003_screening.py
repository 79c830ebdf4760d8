"""restricted-party screening

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 00:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "screening_list",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_list")),
        sa.UniqueConstraint("key", name=op.f("uq_screening_list_key")),
    )
    op.create_table(
        "list_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("entity_type", sa.String(length=16), nullable=True),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("first_version", sa.Integer(), nullable=False),
        sa.Column("changed_version", sa.Integer(), nullable=False),
        sa.Column("removed_version", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["list_id"],
            ["screening_list.id"],
            name=op.f("fk_list_entry_list_id_screening_list"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_list_entry")),
        sa.UniqueConstraint("list_id", "entry_id", name=op.f("uq_list_entry_list_id")),
    )
    op.create_index(
        "ix_list_entry_live", "list_entry", ["list_id", "removed_version"], unique=False
    )
    op.create_table(
        "list_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.String(length=254), nullable=False),
        sa.Column(
            "files",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("entry_count", sa.Integer(), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("removed", sa.Integer(), nullable=False),
        sa.Column("changed", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["list_id"],
            ["screening_list.id"],
            name=op.f("fk_list_version_list_id_screening_list"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_list_version")),
        sa.UniqueConstraint("list_id", "number", name=op.f("uq_list_version_list_id")),
    )
    op.create_table(
        "screening_subject",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "organisation", "contact", "user", name="subject_kind", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("entity_type", sa.String(length=16), nullable=False),
        sa.Column("birth_date", sa.String(length=10), nullable=True),
        sa.Column("screened_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisation.id"],
            name=op.f("fk_screening_subject_org_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_subject")),
        sa.UniqueConstraint("kind", "ref_id", name=op.f("uq_screening_subject_kind")),
    )
    op.create_index(
        op.f("ix_screening_subject_org_id"), "screening_subject", ["org_id"], unique=False
    )
    op.create_table(
        "list_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("entry_record_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "added", "removed", "changed", name="list_change_kind", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column(
            "before",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["entry_record_id"],
            ["list_entry.id"],
            name=op.f("fk_list_change_entry_record_id_list_entry"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["list_version.id"],
            name=op.f("fk_list_change_version_id_list_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_list_change")),
    )
    op.create_index(
        op.f("ix_list_change_entry_record_id"), "list_change", ["entry_record_id"], unique=False
    )
    op.create_index(op.f("ix_list_change_version_id"), "list_change", ["version_id"], unique=False)
    op.create_table(
        "screening_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("entry_record_id", sa.Integer(), nullable=False),
        sa.Column("list_version_id", sa.Integer(), nullable=False),
        sa.Column("entry_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("subject_name", sa.String(length=300), nullable=False),
        sa.Column("matched_name", sa.String(length=500), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column(
            "reasons",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "matched_fields",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "false-positive",
                "confirmed",
                "cleared",
                "withdrawn",
                name="case_status",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=False),
        sa.Column("decision_version_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["user_account.id"],
            name=op.f("fk_screening_case_decided_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["decision_version_id"],
            ["list_version.id"],
            name=op.f("fk_screening_case_decision_version_id_list_version"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_record_id"],
            ["list_entry.id"],
            name=op.f("fk_screening_case_entry_record_id_list_entry"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["list_version_id"],
            ["list_version.id"],
            name=op.f("fk_screening_case_list_version_id_list_version"),
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["screening_subject.id"],
            name=op.f("fk_screening_case_subject_id_screening_subject"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_case")),
    )
    op.create_index(
        op.f("ix_screening_case_entry_record_id"),
        "screening_case",
        ["entry_record_id"],
        unique=False,
    )
    op.create_index(
        "ix_screening_case_status", "screening_case", ["status", "created_at"], unique=False
    )
    op.create_index(
        "ix_screening_case_subject_entry",
        "screening_case",
        ["subject_id", "entry_record_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_screening_case_subject_entry", table_name="screening_case")
    op.drop_index("ix_screening_case_status", table_name="screening_case")
    op.drop_index(op.f("ix_screening_case_entry_record_id"), table_name="screening_case")
    op.drop_table("screening_case")
    op.drop_index(op.f("ix_list_change_version_id"), table_name="list_change")
    op.drop_index(op.f("ix_list_change_entry_record_id"), table_name="list_change")
    op.drop_table("list_change")
    op.drop_index(op.f("ix_screening_subject_org_id"), table_name="screening_subject")
    op.drop_table("screening_subject")
    op.drop_table("list_version")
    op.drop_index("ix_list_entry_live", table_name="list_entry")
    op.drop_table("list_entry")
    op.drop_table("screening_list")
