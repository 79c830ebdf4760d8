"""Organisation inputs and outputs; validation messages name the field and the reason."""

from datetime import datetime
from typing import Annotated, Any, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from indusx.orgs.identifiers import (
    IDENTIFIERS,
    identifier_problem,
    normalise_export_control,
    normalise_identifier,
)
from indusx.orgs.taxonomy import STAGED_KINDS, Country, FundingStage, OrgKind, Seeking
from indusx.schemas import Email, RequestModel

Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)]
Slug = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=100, pattern=r"^[a-z0-9][a-z0-9-]*$")
]
Identifier = Annotated[str, StringConstraints(max_length=100)]
MAX_FOCUS_AREAS = 50  # the taxonomy has 12; an admin may add some

MAX_HEADCOUNT = 2_000_000


def _website(value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    if "://" not in value:
        value = "https://" + value
    scheme, _, rest = value.partition("://")
    if scheme.lower() not in ("http", "https") or "." not in rest.split("/")[0] or " " in value:
        raise ValueError("must be a web address such as https://example.com")
    if len(value) > 300:
        raise ValueError("must be at most 300 characters")
    return value


class OfferingIn(RequestModel):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)]
    description: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""
    trl: int = Field(ge=1, le=9, description="Technology readiness level, 1-9")
    export_control: str | None = Field(
        default=None, max_length=100,
        description="EAR99, ECCN, USML category, SCOMET category; blank = unknown",
    )

    @field_validator("export_control")
    @classmethod
    def _export_control(cls, value: str | None) -> str | None:
        return normalise_export_control(value)


class OfferingRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    description: str
    trl: int
    export_control: str | None


class ThesisIn(RequestModel):
    focus_areas: list[Slug] = Field(default_factory=list, max_length=MAX_FOCUS_AREAS)
    stages: list[FundingStage] = Field(default_factory=list, max_length=len(FundingStage))
    countries: list[Country] = Field(default_factory=list, max_length=len(Country))
    ticket_min_usd: int | None = Field(default=None, ge=0, le=10_000_000_000)
    ticket_max_usd: int | None = Field(default=None, ge=0, le=10_000_000_000)

    @model_validator(mode="after")
    def _ticket_order(self) -> Self:
        lo, hi = self.ticket_min_usd, self.ticket_max_usd
        if lo is not None and hi is not None and lo > hi:
            raise ValueError("ticket_min_usd must not exceed ticket_max_usd")
        return self


class ThesisRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    focus_areas: list[str]
    stages: list[str]
    countries: list[str]
    ticket_min_usd: int | None
    ticket_max_usd: int | None


class _OrgFields(RequestModel):
    """Fields shared by create and update; every one optional here."""

    name: Annotated[
        str | None, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)
    ] = None
    country: Country | None = None
    kind: OrgKind | None = None
    description: Description | None = None
    capabilities: Text | None = None
    focus_areas: list[Slug] | None = Field(default=None, max_length=MAX_FOCUS_AREAS)
    seeking: list[Seeking] | None = Field(default=None, max_length=len(Seeking))
    funding_stage: FundingStage | None = None
    headcount: int | None = Field(default=None, ge=0, le=MAX_HEADCOUNT)
    city: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = None
    state: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = None
    website: str | None = Field(default=None, max_length=300)
    uei: Identifier | None = None
    cage: Identifier | None = None
    cin: Identifier | None = None
    udyam: Identifier | None = None
    dpiit: Identifier | None = None
    contact_name: Short | None = None
    contact_email: Email | None = None
    contact_phone: Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=40, pattern=r"^[0-9+()\-. ]*$")
    ] | None = None
    needs: Text | None = None
    private_notes: Text | None = None
    offerings: list[OfferingIn] | None = Field(default=None, max_length=50)
    thesis: ThesisIn | None = None

    @field_validator("website")
    @classmethod
    def _web(cls, value: str | None) -> str | None:
        return None if value is None else _website(value)

    @field_validator("uei", "cage", "cin", "udyam", "dpiit", mode="before")
    @classmethod
    def _ident(cls, value: Any) -> Any:
        return normalise_identifier(value) if isinstance(value, str) else value

    @field_validator("contact_email", mode="before")
    @classmethod
    def _blank_email(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("focus_areas", "seeking")
    @classmethod
    def _unique(cls, value: list[Any] | None) -> list[Any] | None:
        return None if value is None else list(dict.fromkeys(value))


class OrgCreate(_OrgFields):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)]
    country: Country
    kind: OrgKind


class OrgUpdate(_OrgFields):
    """Partial update: only the fields sent are changed; lists sent replace the old ones."""


def consistency_errors(
    country: Country, kind: OrgKind, values: dict[str, Any]
) -> list[dict[str, str]]:
    """Return [{field, message}] where identifiers, stage or thesis misfit country and kind."""
    errors = []
    for name in IDENTIFIERS:
        value = values.get(name)
        if value:
            problem = identifier_problem(name, value, country)
            if problem:
                errors.append({"field": name, "message": problem})
    if values.get("funding_stage") is not None and kind not in STAGED_KINDS:
        errors.append(
            {"field": "funding_stage",
             "message": "applies only to start-ups, MSMEs and companies"}
        )
    if values.get("thesis") is not None and kind is not OrgKind.INVESTOR:
        errors.append({"field": "thesis", "message": "applies only to investors"})
    return errors


class OrgSummary(BaseModel):
    """A directory row: public fields only."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    slug: str
    name: str
    country: Country
    kind: OrgKind
    description: str
    city: str
    state: str
    funding_stage: FundingStage | None
    max_trl: int | None
    focus_areas: list[str] = Field(description="focus-area slugs")
    seeking: list[Seeking]
    is_demo: bool


class OrgPublicRead(BaseModel):
    """What every signed-in user sees of an organisation."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    slug: str
    name: str
    country: Country
    kind: OrgKind
    description: str
    capabilities: str
    focus_areas: list[str]
    seeking: list[Seeking]
    funding_stage: FundingStage | None
    headcount: int | None
    city: str
    state: str
    website: str
    uei: str | None
    cage: str | None
    cin: str | None
    udyam: str | None
    dpiit: str | None
    offerings: list[OfferingRead]
    thesis: ThesisRead | None
    max_trl: int | None
    is_demo: bool
    created_at: datetime
    updated_at: datetime
    visibility: str = "public"
    can_edit: bool = False


class OrgRead(OrgPublicRead):
    """Everything, for the organisation's members, officers and admins."""

    contact_name: str
    contact_email: str
    contact_phone: str
    needs: str
    private_notes: str
    visibility: str = "full"


class FacetValue(BaseModel):
    value: str
    label: str
    count: int


class OrgPage(BaseModel):
    items: list[OrgSummary]
    total: int
    page: int
    page_size: int
    facets: dict[str, list[FacetValue]] = Field(default_factory=dict)


class FocusAreaIn(RequestModel):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=100)]
    slug: Slug | None = None
    description: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""


class FocusAreaRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    slug: str
    name: str
    description: str


PRIVATE_FIELDS = ("contact_name", "contact_email", "contact_phone", "needs", "private_notes")
