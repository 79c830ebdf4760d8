"""partnerships: partnerships, their parties and stage history

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 03:39:39.751263
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import indusx.db

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "partnership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column(
            "type",
            sa.Enum(
                "co-development",
                "co-production",
                "technology-transfer",
                "investment",
                "research",
                name="partnership_type",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "stage",
            sa.Enum(
                "identified",
                "introduced",
                "nda",
                "proposal",
                "regulatory-review",
                "agreement",
                "execution",
                "delivered",
                "closed",
                "stopped",
                name="partnership_stage",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("stop_reason", sa.Text(), nullable=False),
        sa.Column("items", sa.Text(), nullable=False),
        sa.Column("value_usd", sa.BigInteger(), nullable=True),
        sa.Column("focus_area_id", sa.Integer(), nullable=True),
        sa.Column(
            "origin",
            sa.Enum(
                "manual",
                "introduction",
                "challenge-award",
                name="partnership_origin",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("introduction_id", sa.Integer(), nullable=True),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", indusx.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", indusx.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("stage_changed_at", indusx.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_partnership_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["proposal_decision.id"],
            name=op.f("fk_partnership_decision_id_proposal_decision"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["focus_area_id"],
            ["focus_area.id"],
            name=op.f("fk_partnership_focus_area_id_focus_area"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["introduction_id"],
            ["introduction.id"],
            name=op.f("fk_partnership_introduction_id_introduction"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partnership")),
        sa.UniqueConstraint("decision_id", name=op.f("uq_partnership_decision_id")),
        sa.UniqueConstraint("introduction_id", name=op.f("uq_partnership_introduction_id")),
    )
    with op.batch_alter_table("partnership", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_partnership_created_at"), ["created_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_partnership_focus_area_id"), ["focus_area_id"], unique=False
        )
        batch_op.create_index("ix_partnership_stage_type", ["stage", "type"], unique=False)

    op.create_table(
        "partnership_party",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum("lead", "partner", name="partnership_party_role", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("added_at", indusx.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisation.id"],
            name=op.f("fk_partnership_party_org_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnership.id"],
            name=op.f("fk_partnership_party_partnership_id_partnership"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partnership_party")),
        sa.UniqueConstraint(
            "partnership_id", "org_id", name=op.f("uq_partnership_party_partnership_id")
        ),
    )
    with op.batch_alter_table("partnership_party", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_partnership_party_org_id"), ["org_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_partnership_party_partnership_id"), ["partnership_id"], unique=False
        )

    op.create_table(
        "partnership_stage_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column(
            "from_stage",
            sa.Enum(
                "identified",
                "introduced",
                "nda",
                "proposal",
                "regulatory-review",
                "agreement",
                "execution",
                "delivered",
                "closed",
                "stopped",
                name="partnership_stage",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column(
            "to_stage",
            sa.Enum(
                "identified",
                "introduced",
                "nda",
                "proposal",
                "regulatory-review",
                "agreement",
                "execution",
                "delivered",
                "closed",
                "stopped",
                name="partnership_stage",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", indusx.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["user_account.id"],
            name=op.f("fk_partnership_stage_change_actor_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnership.id"],
            name=op.f("fk_partnership_stage_change_partnership_id_partnership"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partnership_stage_change")),
    )
    with op.batch_alter_table("partnership_stage_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_partnership_stage_change_changed_at"), ["changed_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_partnership_stage_change_partnership_id"),
            ["partnership_id"],
            unique=False,
        )

    op.create_table(
        "partnership_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("mentions", JSON, nullable=False),
        sa.Column("created_at", indusx.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("edited_at", indusx.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", indusx.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user_account.id"],
            name=op.f("fk_partnership_comment_author_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnership.id"],
            name=op.f("fk_partnership_comment_partnership_id_partnership"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partnership_comment")),
    )
    with op.batch_alter_table("partnership_comment", schema=None) as batch_op:
        batch_op.create_index(
            "ix_partnership_comment_partnership_created",
            ["partnership_id", "created_at"],
            unique=False,
        )

    op.create_table(
        "partnership_officer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("assigned_by_id", sa.Integer(), nullable=True),
        sa.Column("assigned_at", indusx.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assigned_by_id"],
            ["user_account.id"],
            name=op.f("fk_partnership_officer_assigned_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnership.id"],
            name=op.f("fk_partnership_officer_partnership_id_partnership"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_partnership_officer_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partnership_officer")),
        sa.UniqueConstraint(
            "partnership_id", "user_id", name=op.f("uq_partnership_officer_partnership_id")
        ),
    )
    with op.batch_alter_table("partnership_officer", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_partnership_officer_partnership_id"), ["partnership_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_partnership_officer_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "partnership_task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", indusx.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("done_at", indusx.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assignee_id"],
            ["user_account.id"],
            name=op.f("fk_partnership_task_assignee_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_partnership_task_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["done_by_id"],
            ["user_account.id"],
            name=op.f("fk_partnership_task_done_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnership.id"],
            name=op.f("fk_partnership_task_partnership_id_partnership"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partnership_task")),
    )
    with op.batch_alter_table("partnership_task", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_partnership_task_assignee_id"), ["assignee_id"], unique=False
        )
        batch_op.create_index(
            "ix_partnership_task_partnership_done", ["partnership_id", "done_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("partnership_task", schema=None) as batch_op:
        batch_op.drop_index("ix_partnership_task_partnership_done")
        batch_op.drop_index(batch_op.f("ix_partnership_task_assignee_id"))

    op.drop_table("partnership_task")
    with op.batch_alter_table("partnership_officer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partnership_officer_user_id"))
        batch_op.drop_index(batch_op.f("ix_partnership_officer_partnership_id"))

    op.drop_table("partnership_officer")
    with op.batch_alter_table("partnership_comment", schema=None) as batch_op:
        batch_op.drop_index("ix_partnership_comment_partnership_created")

    op.drop_table("partnership_comment")

    with op.batch_alter_table("partnership_stage_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partnership_stage_change_partnership_id"))
        batch_op.drop_index(batch_op.f("ix_partnership_stage_change_changed_at"))

    op.drop_table("partnership_stage_change")
    with op.batch_alter_table("partnership_party", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partnership_party_partnership_id"))
        batch_op.drop_index(batch_op.f("ix_partnership_party_org_id"))

    op.drop_table("partnership_party")
    with op.batch_alter_table("partnership", schema=None) as batch_op:
        batch_op.drop_index("ix_partnership_stage_type")
        batch_op.drop_index(batch_op.f("ix_partnership_focus_area_id"))
        batch_op.drop_index(batch_op.f("ix_partnership_created_at"))

    op.drop_table("partnership")
