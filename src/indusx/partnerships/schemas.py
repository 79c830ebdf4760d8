"""API shapes of partnerships, their stage moves, comments and tasks."""

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from indusx.partnerships.models import Origin, PartnershipType, PartyRole, Stage


class PartnershipCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    summary: str = Field(default="", max_length=10_000)
    type: PartnershipType
    org_ids: list[int] = Field(min_length=2, max_length=20,
                               description="party organisations; the first is the lead")
    items: str = Field(default="", max_length=10_000)
    value_usd: int | None = Field(default=None, ge=0)
    focus_area_id: int | None = None


class PartnershipUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=1, max_length=200)
    summary: str | None = Field(default=None, max_length=10_000)
    type: PartnershipType | None = None
    items: str | None = Field(default=None, max_length=10_000)
    value_usd: int | None = Field(default=None, ge=0)
    focus_area_id: int | None = None


class FromIntroduction(BaseModel):
    model_config = ConfigDict(extra="forbid")

    introduction_id: int


class FromDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision_id: int


class StageMove(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stage: Stage
    reason: str = Field(default="", max_length=5000)


class PartyRead(BaseModel):
    org_id: int
    name: str
    country: str
    role: PartyRole
    screening: str


class PartnershipRead(BaseModel):
    id: int
    title: str
    summary: str
    type: PartnershipType
    stage: Stage
    stop_reason: str
    items: str
    value_usd: int | None
    focus_area_id: int | None
    origin: Origin
    introduction_id: int | None
    decision_id: int | None
    parties: list[PartyRead]
    created_at: datetime
    updated_at: datetime
    stage_changed_at: datetime


class PartnershipPage(BaseModel):
    items: list[PartnershipRead]
    total: int
    page: int
    page_size: int


class StageChangeRead(BaseModel):
    id: int
    from_stage: Stage | None
    to_stage: Stage
    reason: str
    actor: str | None
    changed_at: datetime


class CommentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(min_length=1, max_length=10_000)


class CommentRead(BaseModel):
    id: int
    author: str | None
    body: str
    mentions: list[str]
    created_at: datetime
    edited_at: datetime | None
    deleted: bool


class TaskCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    assignee_email: str | None = Field(default=None, max_length=254)
    due_on: date | None = None


class TaskDone(BaseModel):
    model_config = ConfigDict(extra="forbid")

    done: bool


class TaskRead(BaseModel):
    id: int
    title: str
    assignee: str | None
    due_on: date | None
    done: bool
    overdue: bool
    created_at: datetime
    done_at: datetime | None


class OfficerAssign(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(max_length=254)


class PartyAdd(BaseModel):
    model_config = ConfigDict(extra="forbid")

    org_id: int = Field(description="a directory organisation")
