"""API shapes for suggestions, solver search, introductions and the opportunity map."""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from indusx.matching.introductions import Party
from indusx.matching.models import DismissReason, IntroductionStatus, MatchMode


class EvidenceRead(BaseModel):
    label: str
    text: str
    score: float


class CandidateRead(BaseModel):
    """Who is suggested: an organisation (public fields) or a mentor."""

    kind: str  # "org" or "mentor"
    id: int
    name: str
    slug: str | None = None
    country: str | None = None
    org_kind: str | None = None
    focus_areas: list[str] = []
    max_trl: int | None = None


class MatchRead(BaseModel):
    candidate: CandidateRead
    score: float = Field(description="0-1; the weighted sum of the components")
    components: dict[str, float]
    reason: str
    shared_focus: list[str] = []
    shared_terms: list[str] = []
    evidence: list[EvidenceRead] = []


class MatchList(BaseModel):
    org_id: int
    mode: MatchMode
    cross_border: bool
    items: list[MatchRead]
    index_pending: int = Field(
        0, description="organisations whose profile vectors are still being computed"
    )


Filter = Annotated[str, StringConstraints(max_length=100)]
MAX_FILTERS = 50


class SolverQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=3, max_length=20_000, description="the problem statement")
    k: int = Field(10, ge=1, le=100)
    country: list[Filter] = Field([], max_length=MAX_FILTERS)
    kind: list[Filter] = Field([], max_length=MAX_FILTERS)
    focus_area: list[Filter] = Field([], max_length=MAX_FILTERS)


class SolverResult(BaseModel):
    items: list[MatchRead]
    index_pending: int = 0


class DismissIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mode: MatchMode
    candidate_org_id: int | None = None
    candidate_user_id: int | None = None
    reason: DismissReason = DismissReason.NOT_RELEVANT
    note: str = Field("", max_length=2000)

    @model_validator(mode="after")
    def _one_candidate(self) -> "DismissIn":
        if (self.candidate_org_id is None) == (self.candidate_user_id is None):
            raise ValueError("give exactly one of candidate_org_id and candidate_user_id")
        return self


class IntroductionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    from_org_id: int
    mode: MatchMode
    to_org_id: int | None = None
    to_user_id: int | None = None
    note: str = Field("", max_length=2000)

    @model_validator(mode="after")
    def _one_recipient(self) -> "IntroductionCreate":
        if (self.to_org_id is None) == (self.to_user_id is None):
            raise ValueError("give exactly one of to_org_id and to_user_id")
        return self


class IntroductionAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str = Field("", max_length=2000)


class IntroductionRead(BaseModel):
    id: int
    mode: MatchMode
    status: IntroductionStatus
    direction: str
    sender: Party
    recipient: Party
    note: str
    response_note: str
    score: float
    reason: str
    components: dict[str, float]
    created_at: datetime
    responded_at: datetime | None
    can_respond: bool
    can_withdraw: bool


class IntroductionPage(BaseModel):
    items: list[IntroductionRead]
    total: int
    page: int
    page_size: int
