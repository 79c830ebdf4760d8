"""notification: one-time tokens out of the stored link, into mail_secret until sent

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-23 12:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

notification = sa.table(
    "notification",
    sa.column("id", sa.Integer),
    sa.column("link", sa.String),
    sa.column("mail_secret", sa.String),
    sa.column("delivery_status", sa.String),
)


def upgrade() -> None:
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mail_secret", sa.String(length=200), nullable=True))
    # Reset and invitation links stored their token in the link ("#token=" and, before that,
    # "?token="). A message still to be sent keeps it apart, for the e-mail only; one that
    # went out (or never will) loses it: the mailbox has it.
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(notification.c.id, notification.c.link, notification.c.delivery_status)
        .where(notification.c.link.like("%token=%"))
    ).all()
    for row_id, link, status in rows:
        path, secret = _split(link)
        if secret is None:
            continue
        bind.execute(
            notification.update().where(notification.c.id == row_id).values(
                link=path, mail_secret=secret if status == "pending" else None
            )
        )


def _split(link: str) -> tuple[str, str | None]:
    for mark in ("#token=", "?token="):
        path, found, secret = link.partition(mark)
        if found:
            return path, secret.partition("&")[0].partition("#")[0]
    return link, None


def downgrade() -> None:
    # The older code reads the token from the link: put back those of unsent messages.
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(notification.c.id, notification.c.link, notification.c.mail_secret)
        .where(notification.c.mail_secret.is_not(None))
    ).all()
    for row_id, link, secret in rows:
        bind.execute(
            notification.update().where(notification.c.id == row_id)
            .values(link=f"{link}#token={secret}")
        )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_column("mail_secret")
