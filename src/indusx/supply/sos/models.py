"""Security of Supply priority-delivery requests, the suppliers they are routed to, and answers.

Under the US-India Security of Supply Arrangement (August 2024) each government supports the
other's requests for priority delivery of defence goods. A request is raised by a government
user, routed to the directory organisations that supply the item, and answered by each of them.
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from indusx.accounts.models import _enum
from indusx.db import Base, UTCDateTime, utcnow
from indusx.orgs.taxonomy import Country


class Marking(StrEnum):
    """The classification markings the platform may hold (it is not accredited above them)."""

    UNCLASSIFIED = "UNCLASSIFIED"
    CUI = "CUI"  # US Controlled Unclassified Information
    RESTRICTED = "RESTRICTED"  # India's lowest security grading


MARKING_LABELS = {
    Marking.UNCLASSIFIED: "UNCLASSIFIED",
    Marking.CUI: "CUI (US Controlled Unclassified Information)",
    Marking.RESTRICTED: "RESTRICTED (India)",
}


class RequestStatus(StrEnum):
    OPEN = "open"  # no supplier has answered yet
    ACKNOWLEDGED = "acknowledged"  # at least one answer, not all committed
    COMMITTED = "committed"  # every supplier committed to a date
    CONSTRAINED = "constrained"  # at least one supplier reported a constraint
    FULFILLED = "fulfilled"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


# Statuses that follow from the suppliers' answers; the others are set by people and final.
ACTIVE_STATUSES = (
    RequestStatus.OPEN,
    RequestStatus.ACKNOWLEDGED,
    RequestStatus.COMMITTED,
    RequestStatus.CONSTRAINED,
)
FINAL_STATUSES = (RequestStatus.FULFILLED, RequestStatus.CLOSED, RequestStatus.WITHDRAWN)

STATUS_LABELS = {
    RequestStatus.OPEN: "Open",
    RequestStatus.ACKNOWLEDGED: "Acknowledged",
    RequestStatus.COMMITTED: "Committed",
    RequestStatus.CONSTRAINED: "Constrained",
    RequestStatus.FULFILLED: "Fulfilled",
    RequestStatus.CLOSED: "Closed",
    RequestStatus.WITHDRAWN: "Withdrawn",
}


class AnswerAction(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    COMMIT = "commit"
    CONSTRAINT = "constraint"


class PartyState(StrEnum):
    """Where one supplier stands: its latest answer, or pending before the first."""

    PENDING = "pending"
    ACKNOWLEDGED = "acknowledged"
    COMMITTED = "committed"
    CONSTRAINED = "constrained"


STATE_OF_ACTION = {
    AnswerAction.ACKNOWLEDGE: PartyState.ACKNOWLEDGED,
    AnswerAction.COMMIT: PartyState.COMMITTED,
    AnswerAction.CONSTRAINT: PartyState.CONSTRAINED,
}


class SosRequest(Base):
    """A priority-delivery request under the Security of Supply Arrangement."""

    __tablename__ = "sos_request"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)  # SOS-2026-0007
    requesting_country: Mapped[Country] = mapped_column(_enum(Country, "country"))
    # The government organisation the raiser acts for; officers may raise without one.
    requester_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    raised_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    item: Mapped[str] = mapped_column(String(300))
    supply_system_id: Mapped[int | None] = mapped_column(
        ForeignKey("supply_system.id", ondelete="SET NULL"), index=True
    )
    supply_part_id: Mapped[int | None] = mapped_column(
        ForeignKey("supply_part.id", ondelete="SET NULL"), index=True
    )
    quantity: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(20), default="ea")
    needed_on: Mapped[date] = mapped_column(Date)
    justification: Mapped[str] = mapped_column(Text)
    marking: Mapped[Marking] = mapped_column(_enum(Marking, "sos_marking"))
    status: Mapped[RequestStatus] = mapped_column(
        _enum(RequestStatus, "sos_request_status"), default=RequestStatus.OPEN, index=True
    )
    # Why an officer closed it or the raiser withdrew it.
    status_reason: Mapped[str] = mapped_column(Text, default="")
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SosParty(Base):
    """A supplier organisation a request is routed to, with where its answers leave it."""

    __tablename__ = "sos_party"
    __table_args__ = (UniqueConstraint("request_id", "org_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("sos_request.id", ondelete="CASCADE"), index=True
    )
    org_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    routed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Time to response is measured to the first answer; later revisions do not move it.
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    state: Mapped[PartyState] = mapped_column(
        _enum(PartyState, "sos_party_state"), default=PartyState.PENDING
    )
    committed_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")


class SosAnswer(Base):
    """One answer of a supplier; a revision adds a row, so the timeline keeps them all."""

    __tablename__ = "sos_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("sos_request.id", ondelete="CASCADE"), index=True
    )
    party_id: Mapped[int] = mapped_column(
        ForeignKey("sos_party.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[AnswerAction] = mapped_column(_enum(AnswerAction, "sos_answer_action"))
    committed_on: Mapped[date | None] = mapped_column(Date)
    is_late: Mapped[bool] = mapped_column(default=False)  # committed after the needed-by date
    note: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SosStatusChange(Base):
    """A change of a request's status, whether it followed from an answer or a person's act."""

    __tablename__ = "sos_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("sos_request.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[RequestStatus] = mapped_column(_enum(RequestStatus, "sos_request_status"))
    to_status: Mapped[RequestStatus] = mapped_column(_enum(RequestStatus, "sos_request_status"))
    reason: Mapped[str] = mapped_column(Text, default="")
    changed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
