"""second factor: derivation version and key id (replaceable TOTP derivation, key rotation)

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-23 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Enrolments from before keep derivation 1 and get their key id at their next code
    # (accounts/totp.py); nobody has to enrol again.
    with op.batch_alter_table("second_factor", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("derivation", sa.Integer(), server_default="1", nullable=False)
        )
        batch_op.add_column(sa.Column("key_id", sa.String(length=16), nullable=True))


def downgrade() -> None:
    # The older code derives every secret the first way: enrolments made the second way stop
    # matching (closed, not open), and their users sign in with a recovery code and enrol again.
    with op.batch_alter_table("second_factor", schema=None) as batch_op:
        batch_op.drop_column("key_id")
        batch_op.drop_column("derivation")
