"""joint challenges and notification preferences

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 01:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "challenge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column("problem_statement", sa.Text(), nullable=False),
        sa.Column("sponsor_org_id", sa.Integer(), nullable=False),
        sa.Column(
            "co_sponsors",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("prize", sa.String(length=300), nullable=False),
        sa.Column("funding_usd", sa.BigInteger(), nullable=True),
        sa.Column(
            "eligible_countries",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "eligible_kinds",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("trl_min", sa.Integer(), nullable=True),
        sa.Column("trl_max", sa.Integer(), nullable=True),
        sa.Column("joint_team_required", sa.Boolean(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column(
            "phase",
            sa.Enum(
                "draft",
                "open",
                "submissions-closed",
                "review",
                "shortlist",
                "pitch",
                "awarded",
                "closed",
                name="challenge_phase",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("opens_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deadline_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "schedule",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("blind_review", sa.Boolean(), nullable=False),
        sa.Column("reviews_per_proposal", sa.Integer(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "reviews_per_proposal BETWEEN 1 AND 10", name=op.f("ck_challenge_reviews_range")
        ),
        sa.CheckConstraint(
            "trl_max IS NULL OR trl_max BETWEEN 1 AND 9", name=op.f("ck_challenge_trl_max_range")
        ),
        sa.CheckConstraint(
            "trl_min IS NULL OR trl_min BETWEEN 1 AND 9", name=op.f("ck_challenge_trl_min_range")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_challenge_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["sponsor_org_id"],
            ["organisation.id"],
            name=op.f("fk_challenge_sponsor_org_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge")),
        sa.UniqueConstraint("slug", name=op.f("uq_challenge_slug")),
    )
    op.create_index(
        "ix_challenge_phase_deadline", "challenge", ["phase", "deadline_at"], unique=False
    )
    op.create_index(
        op.f("ix_challenge_sponsor_org_id"), "challenge", ["sponsor_org_id"], unique=False
    )
    op.create_table(
        "notification_preference",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=32), nullable=False),
        sa.Column("in_app", sa.Boolean(), nullable=False),
        sa.Column("email", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_notification_preference_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "topic", name=op.f("pk_notification_preference")),
    )
    op.create_table(
        "reviewer_conflict",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisation.id"],
            name=op.f("fk_reviewer_conflict_org_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_reviewer_conflict_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "org_id", name=op.f("pk_reviewer_conflict")),
    )
    op.create_table(
        "challenge_criterion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("scale_max", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "scale_max BETWEEN 1 AND 100", name=op.f("ck_challenge_criterion_scale_range")
        ),
        sa.CheckConstraint("weight > 0", name=op.f("ck_challenge_criterion_weight_positive")),
        sa.ForeignKeyConstraint(
            ["challenge_id"],
            ["challenge.id"],
            name=op.f("fk_challenge_criterion_challenge_id_challenge"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge_criterion")),
    )
    op.create_index(
        op.f("ix_challenge_criterion_challenge_id"),
        "challenge_criterion",
        ["challenge_id"],
        unique=False,
    )
    op.create_table(
        "challenge_focus_area",
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("focus_area_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["challenge_id"],
            ["challenge.id"],
            name=op.f("fk_challenge_focus_area_challenge_id_challenge"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["focus_area_id"],
            ["focus_area.id"],
            name=op.f("fk_challenge_focus_area_focus_area_id_focus_area"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint(
            "challenge_id", "focus_area_id", name=op.f("pk_challenge_focus_area")
        ),
    )
    op.create_index(
        op.f("ix_challenge_focus_area_focus_area_id"),
        "challenge_focus_area",
        ["focus_area_id"],
        unique=False,
    )
    op.create_table(
        "challenge_invite",
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["challenge_id"],
            ["challenge.id"],
            name=op.f("fk_challenge_invite_challenge_id_challenge"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_id"],
            ["user_account.id"],
            name=op.f("fk_challenge_invite_invited_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisation.id"],
            name=op.f("fk_challenge_invite_org_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("challenge_id", "org_id", name=op.f("pk_challenge_invite")),
    )
    op.create_table(
        "challenge_member",
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["added_by_id"],
            ["user_account.id"],
            name=op.f("fk_challenge_member_added_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["challenge_id"],
            ["challenge.id"],
            name=op.f("fk_challenge_member_challenge_id_challenge"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_challenge_member_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "challenge_id", "user_id", "role", name=op.f("pk_challenge_member")
        ),
    )
    op.create_index(
        op.f("ix_challenge_member_user_id"), "challenge_member", ["user_id"], unique=False
    )
    op.create_table(
        "challenge_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("prompt", sa.String(length=500), nullable=False),
        sa.Column("help", sa.Text(), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("max_chars", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["challenge_id"],
            ["challenge.id"],
            name=op.f("fk_challenge_question_challenge_id_challenge"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge_question")),
    )
    op.create_index(
        op.f("ix_challenge_question_challenge_id"),
        "challenge_question",
        ["challenge_id"],
        unique=False,
    )
    op.create_table(
        "proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("lead_org_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column(
            "answers",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("trl", sa.Integer(), nullable=True),
        sa.Column("requested_usd", sa.BigInteger(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "submitted",
                "withdrawn",
                name="proposal_status",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["challenge_id"],
            ["challenge.id"],
            name=op.f("fk_proposal_challenge_id_challenge"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_proposal_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["lead_org_id"],
            ["organisation.id"],
            name=op.f("fk_proposal_lead_org_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal")),
        sa.UniqueConstraint("challenge_id", "lead_org_id", name=op.f("uq_proposal_challenge_id")),
    )
    op.create_index(
        "ix_proposal_challenge_status", "proposal", ["challenge_id", "status"], unique=False
    )
    op.create_index(op.f("ix_proposal_lead_org_id"), "proposal", ["lead_org_id"], unique=False)
    op.create_table(
        "proposal_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposal.id"],
            name=op.f("fk_proposal_attachment_proposal_id_proposal"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["user_account.id"],
            name=op.f("fk_proposal_attachment_uploaded_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal_attachment")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_proposal_attachment_storage_key")),
    )
    op.create_index(
        op.f("ix_proposal_attachment_proposal_id"),
        "proposal_attachment",
        ["proposal_id"],
        unique=False,
    )
    op.create_table(
        "proposal_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column(
            "stage",
            sa.Enum("shortlist", "award", name="decision_stage", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column(
            "outcome",
            sa.Enum(
                "shortlisted",
                "not-shortlisted",
                "awarded",
                "not-awarded",
                name="decision_outcome",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("award_usd", sa.BigInteger(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["user_account.id"],
            name=op.f("fk_proposal_decision_decided_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposal.id"],
            name=op.f("fk_proposal_decision_proposal_id_proposal"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal_decision")),
    )
    op.create_index(
        op.f("ix_proposal_decision_proposal_id"), "proposal_decision", ["proposal_id"], unique=False
    )
    op.create_table(
        "proposal_party",
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "lead", "co-applicant", name="proposal_party_role", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("invited_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("declined_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["confirmed_by_id"],
            ["user_account.id"],
            name=op.f("fk_proposal_party_confirmed_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_id"],
            ["user_account.id"],
            name=op.f("fk_proposal_party_invited_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisation.id"],
            name=op.f("fk_proposal_party_org_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposal.id"],
            name=op.f("fk_proposal_party_proposal_id_proposal"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("proposal_id", "org_id", name=op.f("pk_proposal_party")),
    )
    op.create_index(op.f("ix_proposal_party_org_id"), "proposal_party", ["org_id"], unique=False)
    op.create_table(
        "review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "assigned",
                "conflicted",
                "in-progress",
                "submitted",
                name="review_status",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("assigned_by_id", sa.Integer(), nullable=True),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("declared_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("conflict_reason", sa.Text(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["assigned_by_id"],
            ["user_account.id"],
            name=op.f("fk_review_assigned_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposal.id"],
            name=op.f("fk_review_proposal_id_proposal"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["user_account.id"],
            name=op.f("fk_review_reviewer_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review")),
        sa.UniqueConstraint("proposal_id", "reviewer_id", name=op.f("uq_review_proposal_id")),
    )
    op.create_index("ix_review_reviewer_status", "review", ["reviewer_id", "status"], unique=False)
    op.create_table(
        "review_score",
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["criterion_id"],
            ["challenge_criterion.id"],
            name=op.f("fk_review_score_criterion_id_challenge_criterion"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["review.id"],
            name=op.f("fk_review_score_review_id_review"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("review_id", "criterion_id", name=op.f("pk_review_score")),
    )


def downgrade() -> None:
    op.drop_table("review_score")
    op.drop_index("ix_review_reviewer_status", table_name="review")
    op.drop_table("review")
    op.drop_index(op.f("ix_proposal_party_org_id"), table_name="proposal_party")
    op.drop_table("proposal_party")
    op.drop_index(op.f("ix_proposal_decision_proposal_id"), table_name="proposal_decision")
    op.drop_table("proposal_decision")
    op.drop_index(op.f("ix_proposal_attachment_proposal_id"), table_name="proposal_attachment")
    op.drop_table("proposal_attachment")
    op.drop_index(op.f("ix_proposal_lead_org_id"), table_name="proposal")
    op.drop_index("ix_proposal_challenge_status", table_name="proposal")
    op.drop_table("proposal")
    op.drop_index(op.f("ix_challenge_question_challenge_id"), table_name="challenge_question")
    op.drop_table("challenge_question")
    op.drop_index(op.f("ix_challenge_member_user_id"), table_name="challenge_member")
    op.drop_table("challenge_member")
    op.drop_table("challenge_invite")
    op.drop_index(op.f("ix_challenge_focus_area_focus_area_id"), table_name="challenge_focus_area")
    op.drop_table("challenge_focus_area")
    op.drop_index(op.f("ix_challenge_criterion_challenge_id"), table_name="challenge_criterion")
    op.drop_table("challenge_criterion")
    op.drop_table("reviewer_conflict")
    op.drop_table("notification_preference")
    op.drop_index(op.f("ix_challenge_sponsor_org_id"), table_name="challenge")
    op.drop_index("ix_challenge_phase_deadline", table_name="challenge")
    op.drop_table("challenge")
