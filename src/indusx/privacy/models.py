"""Consent to the privacy notice, and the record of each erased account."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from indusx.db import Base, UTCDateTime, utcnow


class Consent(Base):
    """A user's acceptance of one version of the privacy notice."""

    __tablename__ = "privacy_consent"
    __table_args__ = (UniqueConstraint("user_id", "notice_version",
                                       name="uq_privacy_consent_user_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    notice_version: Mapped[str] = mapped_column(String(32))
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Where it was given: "signup", "web" (the notice page) or "api".
    via: Mapped[str] = mapped_column(String(16), default="web")


class Erasure(Base):
    """An account whose personal data was erased: at the user's request or by retention.

    The user row stays (anonymised) so that what must outlive the person for accountability
    (audit events, proposals, comments) keeps pointing at one id.
    """

    __tablename__ = "privacy_erasure"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    erased_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # "request" (the user asked) or "retention" (deactivated past the retention period).
    reason: Mapped[str] = mapped_column(String(16))
