"""API shapes of Security of Supply requests: what is raised, answered, changed and read."""

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from indusx.orgs.taxonomy import Country
from indusx.supply.sos.models import AnswerAction, Marking, PartyState, RequestStatus

CLASSIFIED_MARKINGS = frozenset({"CONFIDENTIAL", "SECRET", "TOP SECRET"})
CLASSIFIED_MESSAGE = (
    "the platform is not accredited for classified information: CONFIDENTIAL, SECRET and "
    "TOP SECRET material must not be entered here (use UNCLASSIFIED, CUI or RESTRICTED)"
)
MIN_JUSTIFICATION = 20

Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)]


def normalise_marking(value: Any) -> Any:
    """Return a marking as written upper-case ("top_secret" -> "TOP SECRET"); refuse classified."""
    if not isinstance(value, str):
        return value
    text = " ".join(value.replace("_", " ").replace("-", " ").upper().split())
    if text in CLASSIFIED_MARKINGS:
        raise ValueError(CLASSIFIED_MESSAGE)
    return text


class RequestCreate(BaseModel):
    """A priority-delivery request as raised; suppliers default to the part's directory sources."""

    model_config = ConfigDict(extra="forbid")

    requesting_country: Country | None = Field(
        default=None, description="US or IN; default: the requesting organisation's country"
    )
    requester_org_id: int | None = Field(
        default=None, description="the government organisation raising it; default: yours"
    )
    item: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] = Field(
        default="", description="what is needed; default: the part's name and number"
    )
    supply_system_id: int | None = None
    supply_part_id: int | None = None
    quantity: float = Field(gt=0, le=1e12)
    unit: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)] = Field(
        default="", description="default: the part's unit, else ea"
    )
    needed_on: date = Field(description="the needed-by date; must be after today")
    justification: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=MIN_JUSTIFICATION, max_length=10_000),
    ]
    marking: Marking = Field(description="UNCLASSIFIED, CUI or RESTRICTED")
    supplier_org_ids: list[int] | None = Field(
        default=None,
        max_length=100,
        description="directory organisations to route to; default: the part's directory sources",
    )

    _marking = field_validator("marking", mode="before")(normalise_marking)


class AnswerIn(BaseModel):
    """A supplier's answer: acknowledge, commit to a delivery date, or explain a constraint."""

    model_config = ConfigDict(extra="forbid")

    org_id: int = Field(description="the supplier organisation answering")
    action: AnswerAction
    committed_on: date | None = Field(default=None, description="required to commit")
    note: Note = Field(default="", description="required to explain a constraint")


class StatusIn(BaseModel):
    """An officer's or the raiser's change of status: fulfilled, closed or withdrawn."""

    model_config = ConfigDict(extra="forbid")

    status: RequestStatus
    reason: Note = Field(default="", description="required to close or withdraw")


class ExternalSource(BaseModel):
    name: str
    country: str


class PartyRead(BaseModel):
    id: int = Field(description="the party's id; its row on the request page is #party-{id}")
    org_id: int
    org_slug: str
    org_name: str
    org_country: str
    state: PartyState
    committed_on: date | None
    is_late: bool = Field(description="committed to a date after the needed-by date")
    note: str | None = Field(description="null where the caller may not read it")
    routed_at: datetime
    due_at: datetime = Field(description="when a first answer is due (routing + target days)")
    first_response_at: datetime | None
    response_hours: float | None
    overdue: bool = Field(description="no answer yet and past the target")
    answered_late: bool = Field(description="first answer came after the target")


class AnswerRead(BaseModel):
    id: int
    org_id: int
    org_name: str
    action: AnswerAction
    committed_on: date | None
    is_late: bool
    note: str | None = Field(description="null where the caller may not read it")
    answered_by: str
    created_at: datetime


class StatusChangeRead(BaseModel):
    from_status: RequestStatus
    to_status: RequestStatus
    reason: str
    changed_by: str
    created_at: datetime


class RequestSummary(BaseModel):
    id: int
    reference: str
    status: RequestStatus
    requesting_country: Country
    requester_org_id: int | None
    requester_org_name: str | None
    item: str
    quantity: float
    unit: str
    needed_on: date
    marking: Marking
    is_demo: bool
    created_at: datetime
    suppliers: list[str]
    overdue_parties: int


class RequestRead(RequestSummary):
    raised_by: str
    supply_system_id: int | None
    supply_part_id: int | None
    justification: str
    status_reason: str
    updated_at: datetime
    response_days: int = Field(description="the target for a first answer, in days")
    parties: list[PartyRead]
    answers: list[AnswerRead]
    status_changes: list[StatusChangeRead]
    external_sources: list[ExternalSource] = Field(
        description="the part's sources that are not on the platform: contact them offline"
    )


class RegisterSummary(BaseModel):
    open: int = Field(description="requests not yet fulfilled, closed or withdrawn")
    overdue: int = Field(description="requests with a supplier past the response target")
    median_response_hours: float | None


class RequestPage(BaseModel):
    items: list[RequestSummary]
    total: int
    page: int
    page_size: int
    summary: RegisterSummary
