"""regulatory pathway and hurdle register

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 00:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "hurdle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("regulation", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "in-progress",
                "resolved",
                name="hurdle_status",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("remedy", sa.Text(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hurdle")),
        sa.UniqueConstraint("key", name=op.f("uq_hurdle_key")),
    )
    with op.batch_alter_table("hurdle", schema=None) as batch_op:
        batch_op.create_index("ix_hurdle_status_title", ["status", "title"], unique=False)

    op.create_table(
        "hurdle_focus_area",
        sa.Column("hurdle_id", sa.Integer(), nullable=False),
        sa.Column("focus_area_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["focus_area_id"],
            ["focus_area.id"],
            name=op.f("fk_hurdle_focus_area_focus_area_id_focus_area"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["hurdle_id"],
            ["hurdle.id"],
            name=op.f("fk_hurdle_focus_area_hurdle_id_hurdle"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("hurdle_id", "focus_area_id", name=op.f("pk_hurdle_focus_area")),
    )
    with op.batch_alter_table("hurdle_focus_area", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hurdle_focus_area_focus_area_id"), ["focus_area_id"], unique=False
        )

    op.create_table(
        "pathway_assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "verdict",
            sa.Enum(
                "blocked",
                "incomplete",
                "authorisations-required",
                "no-licence-required",
                name="pathway_verdict",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("ruleset_version", sa.String(length=40), nullable=False),
        sa.Column("input", JSON, nullable=False),
        sa.Column("result", JSON, nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        # Issue 8 (partnerships) adds the foreign key once its table exists.
        sa.Column("partnership_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_pathway_assessment_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pathway_assessment")),
    )
    with op.batch_alter_table("pathway_assessment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pathway_assessment_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            "ix_pathway_assessment_created_by_created_at",
            ["created_by_id", "created_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_pathway_assessment_partnership_id"), ["partnership_id"], unique=False
        )

    op.create_table(
        "assessment_hurdle",
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("hurdle_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["pathway_assessment.id"],
            name=op.f("fk_assessment_hurdle_assessment_id_pathway_assessment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["hurdle_id"],
            ["hurdle.id"],
            name=op.f("fk_assessment_hurdle_hurdle_id_hurdle"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("assessment_id", "hurdle_id", name=op.f("pk_assessment_hurdle")),
    )
    with op.batch_alter_table("assessment_hurdle", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_hurdle_hurdle_id"), ["hurdle_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("assessment_hurdle")
    op.drop_table("pathway_assessment")
    op.drop_table("hurdle_focus_area")
    op.drop_table("hurdle")
