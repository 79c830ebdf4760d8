"""privacy: consent to the privacy notice, and erased accounts

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-23 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import indusx.db

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "privacy_consent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("notice_version", sa.String(length=32), nullable=False),
        sa.Column("accepted_at", indusx.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("via", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"],
                                name=op.f("fk_privacy_consent_user_id_user_account"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_consent")),
    )
    with op.batch_alter_table("privacy_consent", schema=None) as batch_op:
        batch_op.create_index("ix_privacy_consent_user_version", ["user_id", "notice_version"],
                              unique=False)
    op.create_table(
        "privacy_erasure",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("erased_at", indusx.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"],
                                name=op.f("fk_privacy_erasure_user_id_user_account"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_privacy_erasure")),
    )


def downgrade() -> None:
    op.drop_table("privacy_erasure")
    with op.batch_alter_table("privacy_consent", schema=None) as batch_op:
        batch_op.drop_index("ix_privacy_consent_user_version")
    op.drop_table("privacy_consent")
