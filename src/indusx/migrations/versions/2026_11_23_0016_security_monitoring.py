"""privacy consent: one row per user and notice version (unique)

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-23 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Two acceptances at once could each insert a row: keep the first of each pair.
    op.execute(sa.text(
        "DELETE FROM privacy_consent WHERE id NOT IN ("
        " SELECT min(id) FROM privacy_consent GROUP BY user_id, notice_version)"
    ))
    with op.batch_alter_table("privacy_consent", schema=None) as batch_op:
        batch_op.drop_index("ix_privacy_consent_user_version")
        batch_op.create_unique_constraint("uq_privacy_consent_user_version",
                                          ["user_id", "notice_version"])


def downgrade() -> None:
    with op.batch_alter_table("privacy_consent", schema=None) as batch_op:
        batch_op.drop_constraint("uq_privacy_consent_user_version", type_="unique")
        batch_op.create_index("ix_privacy_consent_user_version", ["user_id", "notice_version"],
                              unique=False)
