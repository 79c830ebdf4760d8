"""roadmap: focus-area initiatives, milestones and their links

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import indusx.db

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "roadmap_initiative",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("focus_area_id", sa.Integer(), nullable=False),
        sa.Column("lead_agency", sa.String(length=200), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "proposed",
                "active",
                "on-hold",
                "completed",
                "cancelled",
                name="initiative_status",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("is_public", sa.Boolean(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("target_on", sa.Date(), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", indusx.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", indusx.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "starts_on IS NULL OR target_on IS NULL OR target_on >= starts_on",
            name=op.f("ck_roadmap_initiative_target_after_start"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_roadmap_initiative_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["focus_area_id"],
            ["focus_area.id"],
            name=op.f("fk_roadmap_initiative_focus_area_id_focus_area"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roadmap_initiative")),
    )
    with op.batch_alter_table("roadmap_initiative", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_roadmap_initiative_focus_area_id"), ["focus_area_id"], unique=False
        )

    op.create_table(
        "roadmap_initiative_challenge",
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["challenge_id"],
            ["challenge.id"],
            name=op.f("fk_roadmap_initiative_challenge_challenge_id_challenge"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["roadmap_initiative.id"],
            name=op.f("fk_roadmap_initiative_challenge_initiative_id_roadmap_initiative"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "initiative_id", "challenge_id", name=op.f("pk_roadmap_initiative_challenge")
        ),
    )
    with op.batch_alter_table("roadmap_initiative_challenge", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_roadmap_initiative_challenge_challenge_id"),
            ["challenge_id"],
            unique=False,
        )

    op.create_table(
        "roadmap_initiative_org",
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["roadmap_initiative.id"],
            name=op.f("fk_roadmap_initiative_org_initiative_id_roadmap_initiative"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisation.id"],
            name=op.f("fk_roadmap_initiative_org_org_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("initiative_id", "org_id", name=op.f("pk_roadmap_initiative_org")),
    )
    with op.batch_alter_table("roadmap_initiative_org", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_roadmap_initiative_org_org_id"), ["org_id"], unique=False
        )

    op.create_table(
        "roadmap_milestone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("owner_label", sa.String(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "planned",
                "in-progress",
                "done",
                "at-risk",
                "cancelled",
                name="milestone_status",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column(
            "evidence",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("overdue_notified_on", sa.Date(), nullable=True),
        sa.Column("created_at", indusx.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", indusx.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["roadmap_initiative.id"],
            name=op.f("fk_roadmap_milestone_initiative_id_roadmap_initiative"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["user_account.id"],
            name=op.f("fk_roadmap_milestone_owner_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roadmap_milestone")),
    )
    with op.batch_alter_table("roadmap_milestone", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_roadmap_milestone_initiative_id"), ["initiative_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_roadmap_milestone_owner_id"), ["owner_id"], unique=False
        )
        batch_op.create_index(
            "ix_roadmap_milestone_status_due_on", ["status", "due_on"], unique=False
        )

    op.create_table(
        "roadmap_initiative_partnership",
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["roadmap_initiative.id"],
            name=op.f("fk_roadmap_initiative_partnership_initiative_id_roadmap_initiative"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnership.id"],
            name=op.f("fk_roadmap_initiative_partnership_partnership_id_partnership"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "initiative_id", "partnership_id", name=op.f("pk_roadmap_initiative_partnership")
        ),
    )
    with op.batch_alter_table("roadmap_initiative_partnership", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_roadmap_initiative_partnership_partnership_id"),
            ["partnership_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("roadmap_initiative_partnership", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_roadmap_initiative_partnership_partnership_id"))

    op.drop_table("roadmap_initiative_partnership")
    with op.batch_alter_table("roadmap_milestone", schema=None) as batch_op:
        batch_op.drop_index("ix_roadmap_milestone_status_due_on")
        batch_op.drop_index(batch_op.f("ix_roadmap_milestone_owner_id"))
        batch_op.drop_index(batch_op.f("ix_roadmap_milestone_initiative_id"))

    op.drop_table("roadmap_milestone")
    with op.batch_alter_table("roadmap_initiative_org", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_roadmap_initiative_org_org_id"))

    op.drop_table("roadmap_initiative_org")
    with op.batch_alter_table("roadmap_initiative_challenge", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_roadmap_initiative_challenge_challenge_id"))

    op.drop_table("roadmap_initiative_challenge")
    with op.batch_alter_table("roadmap_initiative", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_roadmap_initiative_focus_area_id"))

    op.drop_table("roadmap_initiative")
