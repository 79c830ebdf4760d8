"""Restricted-party lists with their version history, screened subjects and screening cases."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from indusx.accounts.models import _enum
from indusx.db import Base, JSONType, UTCDateTime, utcnow


class ChangeKind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


class SubjectKind(StrEnum):
    ORGANISATION = "organisation"
    CONTACT = "contact"  # an organisation's named contact person
    USER = "user"


class CaseStatus(StrEnum):
    OPEN = "open"
    FALSE_POSITIVE = "false-positive"
    CONFIRMED = "confirmed"
    CLEARED = "cleared"  # a confirmed hit lifted by an officer (delisted, licence obtained...)
    WITHDRAWN = "withdrawn"  # the entry left the list, or the subject no longer matches it


class ScreeningList(Base):
    """A restricted-party list (OFAC SDN, the CSL, the UN list, a DoD list...)."""

    __tablename__ = "screening_list"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    format: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ListVersion(Base):
    """One import of a list, with the delta against the version before it."""

    __tablename__ = "list_version"
    __table_args__ = (UniqueConstraint("list_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("screening_list.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(254), default="")
    # [{"name": file name, "sha256": ..., "bytes": ...}]
    files: Mapped[list[dict[str, object]]] = mapped_column(JSONType, default=list)
    entry_count: Mapped[int] = mapped_column(Integer, default=0)
    added: Mapped[int] = mapped_column(Integer, default=0)
    removed: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)


class ListEntryRecord(Base):
    """One entry of a list; removed entries stay, marked with the version that removed them."""

    __tablename__ = "list_entry"
    __table_args__ = (
        UniqueConstraint("list_id", "entry_id"),
        Index("ix_list_entry_live", "list_id", "removed_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("screening_list.id", ondelete="CASCADE"))
    entry_id: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(500))
    source: Mapped[str] = mapped_column(String(200))
    entity_type: Mapped[str | None] = mapped_column(String(16))
    fingerprint: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, object]] = mapped_column(JSONType)
    first_version: Mapped[int] = mapped_column(Integer)
    changed_version: Mapped[int] = mapped_column(Integer)
    removed_version: Mapped[int | None] = mapped_column(Integer)


class ListChange(Base):
    """What one version changed: an entry added, removed or changed."""

    __tablename__ = "list_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("list_version.id", ondelete="CASCADE"), index=True
    )
    entry_record_id: Mapped[int] = mapped_column(
        ForeignKey("list_entry.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ChangeKind] = mapped_column(_enum(ChangeKind, "list_change_kind"))
    # The entry's data before a change or a removal (None for an addition).
    before: Mapped[dict[str, object] | None] = mapped_column(JSONType)


class ScreeningSubject(Base):
    """A party of the platform as last screened: an organisation, its contact, or a user."""

    __tablename__ = "screening_subject"
    __table_args__ = (UniqueConstraint("kind", "ref_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[SubjectKind] = mapped_column(_enum(SubjectKind, "subject_kind"))
    ref_id: Mapped[int] = mapped_column(Integer)
    # The organisation whose standing a hit affects (None for a user without one).
    org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(300))
    country: Mapped[str | None] = mapped_column(String(2))
    entity_type: Mapped[str] = mapped_column(String(16))
    birth_date: Mapped[str | None] = mapped_column(String(10))
    screened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ScreeningCase(Base):
    """A possible match of a subject with a list entry, awaiting or carrying a decision."""

    __tablename__ = "screening_case"
    __table_args__ = (
        Index("ix_screening_case_status", "status", "created_at"),
        Index("ix_screening_case_subject_entry", "subject_id", "entry_record_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("screening_subject.id", ondelete="CASCADE"))
    entry_record_id: Mapped[int] = mapped_column(
        ForeignKey("list_entry.id", ondelete="CASCADE"), index=True
    )
    # The list version and entry content the hit was raised against.
    list_version_id: Mapped[int] = mapped_column(ForeignKey("list_version.id"))
    entry_fingerprint: Mapped[str] = mapped_column(String(64))
    subject_name: Mapped[str] = mapped_column(String(300))
    matched_name: Mapped[str] = mapped_column(String(500))
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list[str]] = mapped_column(JSONType, default=list)
    matched_fields: Mapped[list[str]] = mapped_column(JSONType, default=list)
    status: Mapped[CaseStatus] = mapped_column(_enum(CaseStatus, "case_status"))
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decision_version_id: Mapped[int | None] = mapped_column(ForeignKey("list_version.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
