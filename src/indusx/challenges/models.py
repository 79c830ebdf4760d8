"""Joint challenges: the challenge and its rubric, proposals by consortia, reviews, decisions."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from indusx.accounts.models import _enum
from indusx.db import Base, JSONType, UTCDateTime, utcnow


class Phase(StrEnum):
    """A challenge's phases, in the order it moves through them."""

    DRAFT = "draft"
    OPEN = "open"
    SUBMISSIONS_CLOSED = "submissions-closed"
    REVIEW = "review"
    SHORTLIST = "shortlist"
    PITCH = "pitch"
    AWARDED = "awarded"
    CLOSED = "closed"


PHASE_ORDER: tuple[Phase, ...] = tuple(Phase)


class ProposalStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"


class PartyRole(StrEnum):
    LEAD = "lead"
    CO_APPLICANT = "co-applicant"


class ReviewStatus(StrEnum):
    ASSIGNED = "assigned"  # the reviewer has not declared conflicts yet: sees no content
    CONFLICTED = "conflicted"  # declared a conflict: never sees the proposal
    IN_PROGRESS = "in-progress"  # declared no conflict; scoring, may save and return
    SUBMITTED = "submitted"


class DecisionStage(StrEnum):
    SHORTLIST = "shortlist"
    AWARD = "award"


class Outcome(StrEnum):
    SHORTLISTED = "shortlisted"
    NOT_SHORTLISTED = "not-shortlisted"
    AWARDED = "awarded"
    NOT_AWARDED = "not-awarded"


challenge_focus_area = Table(
    "challenge_focus_area",
    Base.metadata,
    Column("challenge_id", ForeignKey("challenge.id", ondelete="CASCADE"), primary_key=True),
    Column("focus_area_id", ForeignKey("focus_area.id", ondelete="RESTRICT"), primary_key=True,
           index=True),
)


class Challenge(Base):
    """A problem statement an agency puts to both ecosystems, with its rules and schedule."""

    __tablename__ = "challenge"
    __table_args__ = (
        CheckConstraint("trl_min IS NULL OR trl_min BETWEEN 1 AND 9", name="trl_min_range"),
        CheckConstraint("trl_max IS NULL OR trl_max BETWEEN 1 AND 9", name="trl_max_range"),
        CheckConstraint("reviews_per_proposal BETWEEN 1 AND 10", name="reviews_range"),
        Index("ix_challenge_phase_deadline", "phase", "deadline_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500), default="")
    problem_statement: Mapped[str] = mapped_column(Text, default="")
    # The sponsoring agency (an organisation of kind government); its officers manage it.
    sponsor_org_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    co_sponsors: Mapped[list[str]] = mapped_column(JSONType, default=list)  # e.g. ["iDEX"]
    prize: Mapped[str] = mapped_column(String(300), default="")  # as the sponsor words it
    funding_usd: Mapped[int | None] = mapped_column(BigInteger)
    # Eligibility: empty lists mean any.
    eligible_countries: Mapped[list[str]] = mapped_column(JSONType, default=list)
    eligible_kinds: Mapped[list[str]] = mapped_column(JSONType, default=list)
    trl_min: Mapped[int | None] = mapped_column(Integer)
    trl_max: Mapped[int | None] = mapped_column(Integer)
    joint_team_required: Mapped[bool] = mapped_column(default=False)
    # IANA time zone the dates are stated in (e.g. "Asia/Kolkata"); stored in UTC.
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    phase: Mapped[Phase] = mapped_column(_enum(Phase, "challenge_phase"), default=Phase.DRAFT)
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Submissions are refused after this instant (enforced by the server).
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Planned start of each later phase: {"review": iso, "shortlist": iso, ...} (UTC).
    schedule: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)
    blind_review: Mapped[bool] = mapped_column(default=False)
    reviews_per_proposal: Mapped[int] = mapped_column(Integer, default=3)
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Criterion(Base):
    """One weighted criterion of a challenge's rubric."""

    __tablename__ = "challenge_criterion"
    __table_args__ = (
        CheckConstraint("weight > 0", name="weight_positive"),
        CheckConstraint("scale_max BETWEEN 1 AND 100", name="scale_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenge.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[float] = mapped_column(Float)
    scale_max: Mapped[int] = mapped_column(Integer, default=10)  # scores run 0..scale_max


class Question(Base):
    """One question of a challenge's proposal form."""

    __tablename__ = "challenge_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenge.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    prompt: Mapped[str] = mapped_column(String(500))
    help: Mapped[str] = mapped_column(Text, default="")
    required: Mapped[bool] = mapped_column(default=True)
    max_chars: Mapped[int] = mapped_column(Integer, default=3000)


class ChallengeMember(Base):
    """A user with a role in one challenge: a manager (officer) or a reviewer."""

    __tablename__ = "challenge_member"

    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenge.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(16), primary_key=True)  # "manager" | "reviewer"
    added_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Proposal(Base):
    """An organisation's (or consortium's) answer to a challenge: a draft until submitted."""

    __tablename__ = "proposal"
    __table_args__ = (
        UniqueConstraint("challenge_id", "lead_org_id"),
        Index("ix_proposal_challenge_status", "challenge_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenge.id", ondelete="CASCADE"))
    lead_org_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    answers: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)  # question id -> text
    trl: Mapped[int | None] = mapped_column(Integer)
    requested_usd: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[ProposalStatus] = mapped_column(
        _enum(ProposalStatus, "proposal_status"), default=ProposalStatus.DRAFT
    )
    # Bumped by every save; a save carrying an older version is refused (no lost edits).
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ProposalParty(Base):
    """An organisation in a proposal: the lead, or a co-applicant who must confirm."""

    __tablename__ = "proposal_party"

    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), primary_key=True
    )
    org_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[PartyRole] = mapped_column(_enum(PartyRole, "proposal_party_role"))
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Attachment(Base):
    """A file of a proposal, stored outside the web root under a random key."""

    __tablename__ = "proposal_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Review(Base):
    """One reviewer's assignment to one proposal, with the conflict declaration and scores."""

    __tablename__ = "review"
    __table_args__ = (
        UniqueConstraint("proposal_id", "reviewer_id"),
        Index("ix_review_reviewer_status", "reviewer_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    status: Mapped[ReviewStatus] = mapped_column(
        _enum(ReviewStatus, "review_status"), default=ReviewStatus.ASSIGNED
    )
    assigned_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    declared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    conflict_reason: Mapped[str] = mapped_column(Text, default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReviewScore(Base):
    """A reviewer's score on one rubric criterion."""

    __tablename__ = "review_score"

    review_id: Mapped[int] = mapped_column(
        ForeignKey("review.id", ondelete="CASCADE"), primary_key=True
    )
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("challenge_criterion.id", ondelete="CASCADE"), primary_key=True
    )
    score: Mapped[float] = mapped_column(Float)
    comment: Mapped[str] = mapped_column(Text, default="")


class ReviewerConflict(Base):
    """An organisation a reviewer declared a conflict with (never assigned its proposals)."""

    __tablename__ = "reviewer_conflict"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    org_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True
    )
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Decision(Base):
    """An officer's decision on a proposal at the shortlist or award stage (history kept)."""

    __tablename__ = "proposal_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), index=True
    )
    stage: Mapped[DecisionStage] = mapped_column(_enum(DecisionStage, "decision_stage"))
    outcome: Mapped[Outcome] = mapped_column(_enum(Outcome, "decision_outcome"))
    reason: Mapped[str] = mapped_column(Text)
    award_usd: Mapped[int | None] = mapped_column(BigInteger)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ChallengeInvite(Base):
    """An invitation to apply, sent to an organisation the matching engine found."""

    __tablename__ = "challenge_invite"

    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenge.id", ondelete="CASCADE"), primary_key=True
    )
    org_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True
    )
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
