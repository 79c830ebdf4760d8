"""Request and response bodies of the challenges API: challenges, proposals, attachments."""

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from indusx.challenges.models import PartyRole, Phase, ProposalStatus
from indusx.orgs.taxonomy import Country, OrgKind

ShortText = Annotated[str, StringConstraints(max_length=200)]
QuestionKey = Annotated[str, StringConstraints(max_length=40)]
Answer = Annotated[str, StringConstraints(max_length=20_000)]  # QuestionIn.max_chars' ceiling

# The phases whose planned start is kept in Challenge.schedule (open and the deadline have
# their own columns).
SCHEDULED_PHASES: tuple[Phase, ...] = (
    Phase.REVIEW,
    Phase.SHORTLIST,
    Phase.PITCH,
    Phase.AWARDED,
    Phase.CLOSED,
)


def valid_timezone(value: str) -> str:
    """Return the IANA time zone name, or raise ValueError."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"'{value}' is not a known time zone (e.g. Asia/Kolkata)") from exc
    return value


class CriterionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=120)
    description: str = Field(default="", max_length=2000)
    weight: float = Field(gt=0, le=1000, description="relative weight; weights need not add up")
    scale_max: int = Field(default=10, ge=1, le=100, description="scores run 0..scale_max")


class QuestionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    prompt: str = Field(min_length=1, max_length=500)
    help: str = Field(default="", max_length=2000)
    required: bool = True
    max_chars: int = Field(default=3000, ge=50, le=20_000)


class _ChallengeFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=3, max_length=200)
    summary: str | None = Field(default=None, max_length=500)
    problem_statement: str | None = Field(default=None, max_length=50_000)
    co_sponsors: list[ShortText] | None = Field(default=None, max_length=10)
    prize: str | None = Field(default=None, max_length=300)
    funding_usd: int | None = Field(default=None, ge=0)
    focus_areas: list[ShortText] | None = Field(
        default=None, max_length=50, description="focus-area slugs"
    )
    eligible_countries: list[Country] | None = Field(
        default=None, max_length=len(Country), description="empty: any"
    )
    eligible_kinds: list[OrgKind] | None = Field(
        default=None, max_length=len(OrgKind), description="empty: any"
    )
    trl_min: int | None = Field(default=None, ge=1, le=9)
    trl_max: int | None = Field(default=None, ge=1, le=9)
    joint_team_required: bool | None = None
    timezone: str | None = Field(default=None, max_length=64, description="IANA, e.g. Asia/Kolkata")
    opens_at: datetime | None = Field(
        default=None, description="without an offset: in the challenge's time zone"
    )
    deadline_at: datetime | None = Field(
        default=None,
        description="submissions are refused after this instant; without an offset: in the "
        "challenge's time zone",
    )
    schedule: dict[Phase, datetime] | None = Field(
        default=None, max_length=len(Phase),
        description="planned start of review, shortlist, pitch, awarded, closed",
    )
    blind_review: bool | None = None
    reviews_per_proposal: int | None = Field(default=None, ge=1, le=10)
    criteria: list[CriterionIn] | None = Field(default=None, max_length=30)
    questions: list[QuestionIn] | None = Field(default=None, max_length=50)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str | None) -> str | None:
        return valid_timezone(value) if value is not None else None

    @field_validator("co_sponsors")
    @classmethod
    def _sponsors(cls, value: list[str] | None) -> list[str] | None:
        return [v.strip()[:100] for v in value if v.strip()] if value is not None else None

    @field_validator("schedule")
    @classmethod
    def _schedule(cls, value: dict[Phase, datetime] | None) -> dict[Phase, datetime] | None:
        if value is not None:
            wrong = [p.value for p in value if p not in SCHEDULED_PHASES]
            if wrong:
                raise ValueError(
                    f"the schedule holds {', '.join(p.value for p in SCHEDULED_PHASES)}; "
                    f"the opening and the deadline have their own fields ({', '.join(wrong)})"
                )
        return value

    @model_validator(mode="after")
    def _trl_range(self) -> "_ChallengeFields":
        if self.trl_min is not None and self.trl_max is not None and self.trl_min > self.trl_max:
            raise ValueError("trl_min must not exceed trl_max")
        return self


class ChallengeCreate(_ChallengeFields):
    title: str = Field(min_length=3, max_length=200)
    sponsor_org_id: int = Field(description="the sponsoring agency (a government organisation)")
    timezone: str = Field(default="UTC", max_length=64)


class ChallengeUpdate(_ChallengeFields):
    """Fields left out are kept; the rubric and questions are frozen once open."""


class PhaseChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    phase: Phase
    reason: str = Field(default="", max_length=2000, description="required to step back")


class CriterionRead(BaseModel):
    id: int
    position: int
    name: str
    description: str
    weight: float
    weight_share: float = Field(description="the weight as a share of all weights (0..1)")
    scale_max: int


class QuestionRead(BaseModel):
    id: int
    position: int
    prompt: str
    help: str
    required: bool
    max_chars: int


class ChallengeSummary(BaseModel):
    id: int
    slug: str
    title: str
    summary: str
    phase: Phase
    sponsor_org_id: int
    sponsor: str
    co_sponsors: list[str]
    prize: str
    funding_usd: int | None
    focus_areas: list[str]
    eligible_countries: list[str]
    joint_team_required: bool
    timezone: str
    deadline_at: datetime | None
    deadline_local: str = Field(description="the deadline in the challenge's time zone")
    is_demo: bool


class ChallengeRead(ChallengeSummary):
    problem_statement: str
    eligible_kinds: list[str]
    trl_min: int | None
    trl_max: int | None
    opens_at: datetime | None
    schedule: dict[str, datetime]
    blind_review: bool
    reviews_per_proposal: int
    criteria: list[CriterionRead]
    questions: list[QuestionRead]
    can_manage: bool
    created_at: datetime
    updated_at: datetime


class ChallengePage(BaseModel):
    items: list[ChallengeSummary]
    total: int
    page: int
    page_size: int


class ProposalCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lead_org_id: int = Field(description="your organisation that leads the proposal")
    title: str = Field(default="", max_length=200)


class ProposalUpdate(BaseModel):
    """A save of the draft: `version` is the one the editor started from."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, description="the version read; an older one is refused with 409")
    title: str | None = Field(default=None, max_length=200)
    summary: str | None = Field(default=None, max_length=20_000)
    answers: dict[QuestionKey, Answer] | None = Field(
        default=None, max_length=50, description="question id -> answer"
    )
    trl: int | None = Field(default=None, ge=1, le=9)
    requested_usd: int | None = Field(default=None, ge=0)


class CoApplicantIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    org_id: int


class ConfirmIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    org_id: int | None = Field(
        default=None, description="which of your organisations answers (if you are in several)"
    )


class PartyRead(BaseModel):
    org_id: int | None = Field(description="None under blind review")
    name: str = Field(description='"Lead applicant" / "Co-applicant N" under blind review')
    slug: str | None
    country: str
    kind: str
    role: PartyRole
    state: str = Field(description="lead, invited, confirmed or declined")
    invited_at: datetime
    confirmed_at: datetime | None
    declined_at: datetime | None


class AttachmentRead(BaseModel):
    id: int
    proposal_id: int
    filename: str = Field(description='"Attachment N.ext" for a reviewer under blind review')
    content_type: str
    size_bytes: int
    sha256: str
    created_at: datetime
    download_url: str


class CheckRead(BaseModel):
    field: str
    label: str
    ok: bool
    message: str


class ProposalRead(BaseModel):
    id: int
    challenge_id: int
    challenge_title: str
    lead_org_id: int | None = Field(description="None for a reviewer under blind review")
    title: str
    summary: str
    answers: dict[str, str]
    trl: int | None
    requested_usd: int | None
    status: ProposalStatus
    version: int
    parties: list[PartyRead]
    attachments: list[AttachmentRead]
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    withdrawn_at: datetime | None
    checklist: list[CheckRead] = Field(
        default=[], description="what still blocks submission (for the applicants)"
    )


class ProposalSummary(BaseModel):
    id: int
    challenge_id: int
    lead_org_id: int
    lead: str
    title: str
    status: ProposalStatus
    version: int
    updated_at: datetime
    submitted_at: datetime | None


class ProposalPage(BaseModel):
    items: list[ProposalSummary]
    total: int
