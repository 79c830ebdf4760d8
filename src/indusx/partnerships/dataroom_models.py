"""A partnership's data room: its named members, marked and versioned documents, and the log of
every view and download."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from indusx.accounts.models import _enum
from indusx.db import Base, JSONType, UTCDateTime, utcnow
from indusx.partnerships.dataroom_access import DEFAULT_COUNTRIES, DEFAULT_ELIGIBILITIES
from indusx.partnerships.markings import Marking


class AccessAction(StrEnum):
    VIEW = "view"
    DOWNLOAD = "download"


class AccessOutcome(StrEnum):
    ALLOWED = "allowed"
    DENIED = "denied"


class DataRoom(Base):
    """One partnership's room, created when first opened, with its rules for Controlled
    Technical Data and the export authorisation an officer recorded."""

    __tablename__ = "data_room"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnership.id", ondelete="CASCADE"), unique=True
    )
    allowed_countries: Mapped[list[str]] = mapped_column(
        JSONType, default=lambda: list(DEFAULT_COUNTRIES)
    )
    allowed_eligibilities: Mapped[list[str]] = mapped_column(
        JSONType, default=lambda: list(DEFAULT_ELIGIBILITIES)
    )
    # E.g. a DSP-5 or TAA number (US), a SCOMET licence number (India).
    authorisation_reference: Mapped[str] = mapped_column(String(120), default="")
    authorisation_expires_on: Mapped[date | None] = mapped_column(Date)
    authorisation_set_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    authorisation_set_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DataRoomMember(Base):
    """A user named to the room; access also needs a live party membership or assignment."""

    __tablename__ = "data_room_member"
    __table_args__ = (UniqueConstraint("room_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("data_room.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    added_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Document(Base):
    """A document in a room; what it says and how it is marked live on its versions."""

    __tablename__ = "data_room_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(
        ForeignKey("data_room.id", ondelete="CASCADE"), index=True
    )
    latest_number: Mapped[int] = mapped_column(Integer, default=1)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DocumentVersion(Base):
    """One uploaded version; earlier versions are kept and stay downloadable."""

    __tablename__ = "data_room_document_version"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("data_room_document.id", ondelete="CASCADE")
    )
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    marking: Mapped[Marking] = mapped_column(_enum(Marking, "data_room_marking"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(32), unique=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AccessLog(Base):
    """One view or download of a document version, allowed or denied."""

    __tablename__ = "data_room_access"
    __table_args__ = (Index("ix_data_room_access_room_at", "room_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("data_room.id", ondelete="CASCADE"))
    document_id: Mapped[int] = mapped_column(
        ForeignKey("data_room_document.id", ondelete="CASCADE"), index=True
    )
    version_id: Mapped[int] = mapped_column(
        ForeignKey("data_room_document_version.id", ondelete="CASCADE")
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[AccessAction] = mapped_column(_enum(AccessAction, "data_room_access_action"))
    outcome: Mapped[AccessOutcome] = mapped_column(
        _enum(AccessOutcome, "data_room_access_outcome")
    )
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
