"""API shapes of the roadmap: initiatives, milestones, links, and the rolled-up progress."""

from datetime import date, datetime
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from indusx.roadmap.models import InitiativeStatus, MilestoneStatus

# Dates outside this range are typing mistakes, not plans.
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
MAX_EVIDENCE = 20


class LinkKind(StrEnum):
    ORG = "org"
    CHALLENGE = "challenge"
    PARTNERSHIP = "partnership"


LINK_KIND_LABELS = {
    LinkKind.ORG: "Organisation",
    LinkKind.CHALLENGE: "Challenge",
    LinkKind.PARTNERSHIP: "Partnership",
}


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _plausible(value: date | None) -> date | None:
    if value is not None and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(f"enter a date between {EARLIEST_YEAR} and {LATEST_YEAR}")
    return value


def check_url(value: str) -> str:
    """Return the URL if it is an absolute http(s) address with a host, else raise."""
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in value:
        raise ValueError("enter a web address starting with http:// or https://")
    return value


class EvidenceLink(BaseModel):
    """A link to what shows a milestone was reached (a press release, a signed record)."""

    model_config = ConfigDict(extra="forbid")

    label: str = Field(default="", max_length=200)
    url: str = Field(min_length=1, max_length=1000)

    _strip = field_validator("label", "url", mode="before")(_strip)

    @field_validator("url")
    @classmethod
    def _http(cls, value: str) -> str:
        return check_url(value)


class InitiativeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=3, max_length=200)
    summary: str = Field(default="", max_length=10_000)
    focus_area: str = Field(min_length=1, max_length=64, description="a focus-area slug")
    lead_agency: str = Field(default="", max_length=200, description="e.g. MoD (DDP) and DIU")
    status: InitiativeStatus = InitiativeStatus.ACTIVE
    is_public: bool = Field(default=True, description="false: officers and admins only")
    starts_on: date | None = None
    target_on: date | None = None

    _strip = field_validator("title", "summary", "focus_area", "lead_agency", mode="before")(
        _strip
    )
    _dates = field_validator("starts_on", "target_on")(_plausible)


class InitiativeUpdate(BaseModel):
    """A partial change: fields left out are kept."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=3, max_length=200)
    summary: str | None = Field(default=None, max_length=10_000)
    focus_area: str | None = Field(default=None, min_length=1, max_length=64)
    lead_agency: str | None = Field(default=None, max_length=200)
    status: InitiativeStatus | None = None
    is_public: bool | None = None
    starts_on: date | None = None
    target_on: date | None = None

    _strip = field_validator("title", "summary", "focus_area", "lead_agency", mode="before")(
        _strip
    )
    _dates = field_validator("starts_on", "target_on")(_plausible)


class MilestoneCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=3, max_length=200)
    owner_id: int | None = Field(default=None, description="a platform user who owns it")
    owner_label: str = Field(
        default="", max_length=200, description="an owner who is not a platform user"
    )
    due_on: date
    status: MilestoneStatus = MilestoneStatus.PLANNED
    completed_on: date | None = Field(
        default=None, description="only for done milestones; default: the day it is marked done"
    )
    evidence: list[EvidenceLink] = Field(default=[], max_length=MAX_EVIDENCE)
    notes: str = Field(default="", max_length=10_000)

    _strip = field_validator("title", "owner_label", "notes", mode="before")(_strip)
    _dates = field_validator("due_on", "completed_on")(_plausible)


class MilestoneUpdate(BaseModel):
    """A partial change: fields left out are kept."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=3, max_length=200)
    owner_id: int | None = None
    owner_label: str | None = Field(default=None, max_length=200)
    due_on: date | None = None
    status: MilestoneStatus | None = None
    completed_on: date | None = None
    evidence: list[EvidenceLink] | None = Field(default=None, max_length=MAX_EVIDENCE)
    notes: str | None = Field(default=None, max_length=10_000)

    _strip = field_validator("title", "owner_label", "notes", mode="before")(_strip)
    _dates = field_validator("due_on", "completed_on")(_plausible)


class LinkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: LinkKind
    id: int = Field(ge=1, description="the organisation's, challenge's or partnership's id")


class OwnerRead(BaseModel):
    id: int
    name: str


class MilestoneRead(BaseModel):
    id: int
    initiative_id: int
    title: str
    owner: OwnerRead | None
    owner_label: str
    due_on: date
    status: MilestoneStatus
    completed_on: date | None
    evidence: list[EvidenceLink]
    notes: str
    overdue: bool
    days_overdue: int


class LinkRead(BaseModel):
    kind: LinkKind
    id: int
    name: str
    url: str
    detail: str = ""


class LinksRead(BaseModel):
    orgs: list[LinkRead] = []
    challenges: list[LinkRead] = []
    partnerships: list[LinkRead] = []


class InitiativeRead(BaseModel):
    id: int
    title: str
    summary: str
    focus_area: str
    focus_area_name: str
    lead_agency: str
    status: InitiativeStatus
    is_public: bool
    starts_on: date | None
    target_on: date | None
    is_demo: bool
    progress: float = Field(description="0..1: done 1, in progress 0.5, cancelled not counted")
    milestones_counted: int
    milestones_done: int
    overdue: int
    milestones: list[MilestoneRead]
    links: LinksRead | None = Field(default=None, description="given for one initiative")
    created_at: datetime
    updated_at: datetime


class InitiativeList(BaseModel):
    items: list[InitiativeRead]
    total: int


class AreaRead(BaseModel):
    area: str
    name: str
    progress: float = Field(description="mean over its initiatives, cancelled ones left out")
    initiatives: list[InitiativeRead]


class RoadmapRead(BaseModel):
    today: date
    areas: list[AreaRead]


class AreaProgress(BaseModel):
    """One focus area's roll-up, for dashboards."""

    area: str
    name: str
    initiatives: int
    milestones: int
    done: int
    overdue: int
    progress: float


class OverdueMilestone(BaseModel):
    id: int
    title: str
    initiative_id: int
    initiative_title: str
    area: str
    due_on: date
    days_overdue: int
    status: MilestoneStatus
    owner_id: int | None
    owner_name: str | None
    owner_label: str
