"""matchmaking and awards

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 22:19:42.175794
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "award",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("source_key", sa.String(length=80), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("abstract", sa.Text(), nullable=False),
        sa.Column("agency", sa.String(length=100), nullable=False),
        sa.Column("branch", sa.String(length=100), nullable=False),
        sa.Column("program", sa.String(length=32), nullable=False),
        sa.Column("phase", sa.String(length=32), nullable=False),
        sa.Column("research_institution", sa.String(length=300), nullable=False),
        sa.Column("link", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisation.id"],
            name=op.f("fk_award_org_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_award")),
        sa.UniqueConstraint("source_key", name=op.f("uq_award_source_key")),
    )
    with op.batch_alter_table("award", schema=None) as batch_op:
        batch_op.create_index("ix_award_org_year", ["org_id", "year"], unique=False)

    op.create_table(
        "introduction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "mode",
            sa.Enum(
                "co-development",
                "co-production",
                "investment",
                "research",
                "mentoring",
                name="match_mode",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("from_org_id", sa.Integer(), nullable=False),
        sa.Column("to_org_id", sa.Integer(), nullable=True),
        sa.Column("to_user_id", sa.Integer(), nullable=True),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column(
            "components",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "accepted",
                "declined",
                "withdrawn",
                name="introduction_status",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("responded_by_id", sa.Integer(), nullable=True),
        sa.Column("response_note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(to_org_id IS NULL) <> (to_user_id IS NULL)",
            name=op.f("ck_introduction_one_recipient"),
        ),
        sa.ForeignKeyConstraint(
            ["from_org_id"],
            ["organisation.id"],
            name=op.f("fk_introduction_from_org_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["user_account.id"],
            name=op.f("fk_introduction_requested_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["responded_by_id"],
            ["user_account.id"],
            name=op.f("fk_introduction_responded_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["to_org_id"],
            ["organisation.id"],
            name=op.f("fk_introduction_to_org_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["to_user_id"],
            ["user_account.id"],
            name=op.f("fk_introduction_to_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_introduction")),
    )
    with op.batch_alter_table("introduction", schema=None) as batch_op:
        batch_op.create_index(
            "ix_introduction_from_org_status", ["from_org_id", "status"], unique=False
        )
        batch_op.create_index(
            "ix_introduction_to_org_status", ["to_org_id", "status"], unique=False
        )
        batch_op.create_index(
            "ix_introduction_to_user_status", ["to_user_id", "status"], unique=False
        )

    op.create_table(
        "match_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("candidate_org_id", sa.Integer(), nullable=True),
        sa.Column("candidate_user_id", sa.Integer(), nullable=True),
        sa.Column(
            "mode",
            sa.Enum(
                "co-development",
                "co-production",
                "investment",
                "research",
                "mentoring",
                name="match_mode",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "action",
            sa.Enum(
                "dismissed",
                "requested",
                "accepted",
                "declined",
                name="feedback_action",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "reason",
            sa.Enum(
                "not-relevant",
                "already-partners",
                "wrong-stage",
                "not-now",
                "other",
                name="dismiss_reason",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(candidate_org_id IS NULL) <> (candidate_user_id IS NULL)",
            name=op.f("ck_match_feedback_one_candidate"),
        ),
        sa.ForeignKeyConstraint(
            ["candidate_org_id"],
            ["organisation.id"],
            name=op.f("fk_match_feedback_candidate_org_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["candidate_user_id"],
            ["user_account.id"],
            name=op.f("fk_match_feedback_candidate_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisation.id"],
            name=op.f("fk_match_feedback_org_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_match_feedback_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_feedback")),
    )
    with op.batch_alter_table("match_feedback", schema=None) as batch_op:
        batch_op.create_index("ix_match_feedback_org_action", ["org_id", "action"], unique=False)

    op.create_table(
        "org_vector",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("model", sa.String(length=64), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisation.id"],
            name=op.f("fk_org_vector_org_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_vector")),
        sa.UniqueConstraint("org_id", "ordinal", name="uq_org_vector_org_ordinal"),
    )
    with op.batch_alter_table("org_vector", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_org_vector_updated_at"), ["updated_at"], unique=False)

    # Plain ALTERs (no batch copy): SQLite keeps organisation's full-text triggers.
    op.add_column("organisation", sa.Column("external_ref", sa.String(length=200), nullable=True))
    op.create_index("uq_organisation_external_ref", "organisation", ["external_ref"], unique=True)
    op.add_column(
        "user_account",
        sa.Column("is_mentor", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "user_account", sa.Column("expertise", sa.Text(), nullable=False, server_default="")
    )
    op.create_index("ix_user_account_is_mentor", "user_account", ["is_mentor"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_user_account_is_mentor", table_name="user_account")
    op.drop_column("user_account", "expertise")
    op.drop_column("user_account", "is_mentor")
    op.drop_index("uq_organisation_external_ref", table_name="organisation")
    op.drop_column("organisation", "external_ref")
    with op.batch_alter_table("org_vector", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_org_vector_updated_at"))

    op.drop_table("org_vector")
    with op.batch_alter_table("match_feedback", schema=None) as batch_op:
        batch_op.drop_index("ix_match_feedback_org_action")

    op.drop_table("match_feedback")
    with op.batch_alter_table("introduction", schema=None) as batch_op:
        batch_op.drop_index("ix_introduction_to_user_status")
        batch_op.drop_index("ix_introduction_to_org_status")
        batch_op.drop_index("ix_introduction_from_org_status")

    op.drop_table("introduction")
    with op.batch_alter_table("award", schema=None) as batch_op:
        batch_op.drop_index("ix_award_org_year")

    op.drop_table("award")
