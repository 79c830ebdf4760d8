"""API and file shapes: an assessment's input and result, and the hurdle register."""

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from indusx.orgs.identifiers import normalise_export_control
from indusx.pathway.engine.evaluate import Verdict
from indusx.pathway.engine.facts import (
    Activity,
    DapCategory,
    EndCustomer,
    PartyKind,
    ProcurementRoute,
    SpSegment,
)
from indusx.pathway.models import HurdleStatus

COUNTRY = r"^[A-Z]{2}$"
Slug = Annotated[str, StringConstraints(max_length=100)]
RedFlag = Annotated[str, StringConstraints(max_length=500)]


def _upper(value: Any) -> Any:
    return value.strip().upper() or None if isinstance(value, str) else value


class PartyIn(BaseModel):
    """A directory organisation (`org`: slug or id), or a named party with its country."""

    model_config = ConfigDict(extra="forbid")

    org: str | None = Field(
        default=None, max_length=120, description="a directory organisation's slug or id"
    )
    name: str | None = Field(default=None, max_length=200)
    country: str | None = Field(
        default=None, max_length=2, pattern=COUNTRY, description="ISO 3166-1 alpha-2, e.g. IN or US"
    )
    kind: PartyKind | None = Field(
        default=None, description="default: from the directory, else company"
    )
    role: str = Field(
        default="", max_length=100, description="e.g. licensor, manufacturer, investor"
    )

    _country = field_validator("country", mode="before")(_upper)

    @field_validator("org", "name", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return value.strip() or None if isinstance(value, str) else value

    @model_validator(mode="after")
    def _org_or_named(self) -> "PartyIn":
        if self.org is None:
            if not self.name:
                raise ValueError("give a directory organisation (org) or a party's name")
            if not self.country:
                raise ValueError("a named party needs its country")
        return self


class ItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    classification: str | None = Field(
        None,
        max_length=60,
        description="EAR99, an ECCN (e.g. 9A619), a USML category (e.g. Cat. XIX), a SCOMET "
        "category (e.g. SCOMET 6A), 'Not controlled', or empty/unknown",
    )
    origin: str | None = Field(
        default=None, max_length=2, pattern=COUNTRY,
        description="whose controls apply; by default the regime's",
    )
    missile_technology: bool | None = Field(
        None, description="controlled for missile technology (default: from the ECCN)"
    )
    temporary: bool = Field(default=False, description="a temporary export (trials, exhibitions)")
    description: str = Field(default="", max_length=2000)

    _origin = field_validator("origin", mode="before")(_upper)

    @field_validator("classification")
    @classmethod
    def _canonical(cls, value: str | None) -> str | None:
        return normalise_export_control(value)


class InvestmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    investor_country: str | None = Field(default=None, max_length=2, pattern=COUNTRY)
    investee_country: str | None = Field(default=None, max_length=2, pattern=COUNTRY)
    equity_share: float | None = Field(
        default=None, ge=0, le=100, description="the investor's share after the deal, %"
    )

    _countries = field_validator("investor_country", "investee_country", mode="before")(_upper)


class ProcurementIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    category: DapCategory | None = None
    value_inr_crore: float | None = Field(default=None, ge=0)
    route: ProcurementRoute | None = None


class AssessmentIn(BaseModel):
    """A proposed collaboration: the body of POST /api/v1/pathway/assess and the YAML file."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(default="", max_length=200)
    activity: list[Activity] = Field(min_length=1, max_length=6)
    parties: list[PartyIn] = Field(min_length=1, max_length=20)
    items: list[ItemIn] = Field(default=[], max_length=50)
    investment: InvestmentIn | None = None
    procurement: ProcurementIn | None = None
    end_customer: EndCustomer | None = None
    sp_segment: SpSegment | None = None
    red_flags: list[RedFlag] = Field(
        default=[], max_length=20, description="red flags noticed (empty: none known)"
    )
    notes: str = Field(default="", max_length=5000)

    @field_validator("activity", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("red_flags")
    @classmethod
    def _no_blanks(cls, value: list[str]) -> list[str]:
        return [v.strip() for v in value if v.strip()]


class AssessRequest(AssessmentIn):
    save: bool = Field(default=False, description="keep the assessment (listed under assessments)")


class ScreeningRead(BaseModel):
    status: str
    summary: str
    case_ids: list[int] = []


class PartyRead(BaseModel):
    name: str
    country: str
    kind: str
    role: str = ""
    org_id: int | None = None
    org_slug: str | None = None
    screening: ScreeningRead


class ItemRead(BaseModel):
    name: str
    classification: str
    regime: str
    origin: str | None = None


class ConclusionRead(BaseModel):
    rule_id: str
    kind: str
    side: str
    title: str
    text: str
    subject: str | None = None
    authorisation: str | None = None
    determine: str | None = None
    conditions: list[str] = []
    steps: list[str] = []
    hurdles: list[str] = []
    citation: str
    source_url: str
    effective: date
    confidence: str
    confidence_note: str
    facts: dict[str, Any] = Field(description="the facts that triggered the rule")


class AuthorisationRead(BaseModel):
    side: str
    name: str
    subject: str | None = None
    rule_id: str


class HurdleRef(BaseModel):
    id: int
    key: str | None
    title: str
    status: HurdleStatus


class AssessmentResult(BaseModel):
    id: int | None = None
    title: str = ""
    verdict: Verdict
    verdict_label: str
    notice: str
    ruleset_version: str
    activity: list[str]
    authorisations: list[AuthorisationRead]
    to_determine: list[str]
    blocked_by: list[str]
    parties: list[PartyRead]
    items: list[ItemRead]
    conclusions: list[ConclusionRead]
    hurdles: list[HurdleRef] = Field(default=[], description="register entries the conclusions hit")
    created_at: datetime | None = None
    created_by: str | None = None


class AssessmentSummary(BaseModel):
    id: int
    title: str
    verdict: Verdict
    verdict_label: str
    activity: list[str]
    parties: list[str]
    created_at: datetime
    created_by: str | None = None


class AssessmentPage(BaseModel):
    items: list[AssessmentSummary]
    total: int
    page: int
    page_size: int


class RuleRead(BaseModel):
    id: str
    title: str
    side: str
    scope: str
    kind: str
    authorisation: str | None
    determine: str | None
    conclusion: str
    conditions: list[str]
    steps: list[str]
    hurdles: list[str]
    citation: str
    source_url: str
    effective: date
    confidence: str
    confidence_note: str
    when: dict[str, Any]
    file: str
    line: int


class RuleSetRead(BaseModel):
    version: str
    rules: list[RuleRead]


# --- hurdle register ------------------------------------------------------------------------


class HurdleBase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str | None = Field(
        default=None,
        max_length=80,
        pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
        description="how rules name it (lower-case words and hyphens)",
    )
    title: str = Field(min_length=3, max_length=200)
    regulation: str = Field(default="", max_length=300)
    description: str = Field(default="", max_length=10_000)
    focus_areas: list[Slug] = Field(default=[], max_length=50, description="focus-area slugs")
    owner: str = Field(default="", max_length=200, description="who is working on it")
    status: HurdleStatus = HurdleStatus.OPEN
    remedy: str = Field(default="", max_length=10_000, description="the proposed remedy")

    @field_validator("key", mode="before")
    @classmethod
    def _blank_key(cls, value: Any) -> Any:
        return value.strip() or None if isinstance(value, str) else value

    @field_validator("title", "regulation", "owner", mode="before")
    @classmethod
    def _strip(cls, value: Any) -> Any:
        return value.strip() if isinstance(value, str) else value


class HurdleCreate(HurdleBase):
    pass


class HurdleUpdate(BaseModel):
    """A partial change: fields left out are kept."""

    model_config = ConfigDict(extra="forbid")

    key: str | None = Field(default=None, max_length=80, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    title: str | None = Field(default=None, min_length=3, max_length=200)
    regulation: str | None = Field(default=None, max_length=300)
    description: str | None = Field(default=None, max_length=10_000)
    focus_areas: list[Slug] | None = Field(default=None, max_length=50)
    owner: str | None = Field(default=None, max_length=200)
    status: HurdleStatus | None = None
    remedy: str | None = Field(default=None, max_length=10_000)


class HurdleRead(BaseModel):
    id: int
    key: str | None
    title: str
    regulation: str
    description: str
    focus_areas: list[str]
    owner: str
    status: HurdleStatus
    remedy: str
    is_demo: bool
    assessment_ids: list[int] = Field(default=[], description="saved assessments that hit it")
    created_at: datetime
    updated_at: datetime


class HurdlePage(BaseModel):
    items: list[HurdleRead]
    total: int
    page: int
    page_size: int


class HurdleReportRow(BaseModel):
    area: str | None = Field(description="focus-area slug; null for hurdles without one")
    name: str
    counts: dict[HurdleStatus, int]
    total: int


class HurdleReport(BaseModel):
    rows: list[HurdleReportRow]
    totals: dict[HurdleStatus, int]
    total: int = Field(description="hurdles in the register (one may span several areas)")
