"""What the supply API, pages and CLI take in and give back."""

from datetime import datetime
from typing import Annotated, Any, Generic, Self, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from indusx.supply.models import PartKind
from indusx.supply.regions import is_country, region_named

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    page_size: int


# --- systems --------------------------------------------------------------------------------


class SystemCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    code: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=10_000)
    integrator_org_id: int | None = None
    focus_area: str | None = Field(default=None, max_length=100, description="a focus-area slug")
    annual_demand: float = Field(default=0.0, ge=0, le=1e9, description="planned units per year")


class SystemUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    code: str | None = Field(default=None, min_length=1, max_length=40,
                             pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=10_000)
    integrator_org_id: int | None = None
    focus_area: str | None = Field(default=None, max_length=100)
    annual_demand: float | None = Field(default=None, ge=0, le=1e9)


class SystemRead(BaseModel):
    id: int
    code: str
    name: str
    description: str
    integrator_org_id: int | None
    integrator_name: str | None
    focus_area: str | None
    annual_demand: float
    is_demo: bool
    created_at: datetime
    updated_at: datetime
    can_edit: bool = False


class SystemSummary(BaseModel):
    id: int
    code: str
    name: str
    integrator_org_id: int | None
    integrator_name: str | None
    annual_demand: float
    parts: int
    sources: int
    single_source: int = Field(description="parts with exactly one source")
    criticality: float | None = Field(description="0-100, None before the first analysis")
    is_demo: bool


# --- bill of materials ----------------------------------------------------------------------


class SourceRead(BaseModel):
    id: int
    part_id: int
    supplier_key: str = Field(description='"org:<id>" or "ext:<lower-cased name>|<COUNTRY>"')
    supplier_org_id: int | None
    supplier_name: str
    country: str
    share: float
    lead_time_days: int
    annual_capacity: float | None
    unit_cost: float | None
    stock_on_hand: float | None
    masked: bool = Field(default=False, description="cost, capacity and stock hidden")
    screening: str | None = Field(default=None, description='"review" or "confirmed" when flagged')


class PartRead(BaseModel):
    id: int
    number: str
    name: str
    kind: PartKind
    unit: str
    description: str
    criticality: float | None = None
    sources: list[SourceRead] = []


class LineRead(BaseModel):
    id: int
    parent_id: int | None
    child_id: int
    quantity: float


class TreeRow(BaseModel):
    """One row of the BOM tree table: a part under one parent (a shared part appears twice)."""

    part_id: int
    parent_id: int | None
    depth: int
    quantity: float


class BomView(BaseModel):
    system: SystemRead
    parts: list[PartRead] = Field(description="every part once, in BOM order (graph nodes)")
    lines: list[LineRead] = Field(description="parent-child links (graph edges)")
    tree: list[TreeRow] = Field(description="depth-first rows for a tree table")


class PartCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    number: str = Field(min_length=1, max_length=80)
    name: str = Field(min_length=1, max_length=200)
    kind: PartKind = PartKind.PART
    unit: str = Field(default="ea", min_length=1, max_length=20)
    description: str = Field(default="", max_length=10_000)
    parent_id: int | None = Field(default=None, description="the parent part; none = top level")
    quantity: float = Field(default=1.0, gt=0, le=1e9)


class PartUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    number: str | None = Field(default=None, min_length=1, max_length=80)
    name: str | None = Field(default=None, min_length=1, max_length=200)
    kind: PartKind | None = None
    unit: str | None = Field(default=None, min_length=1, max_length=20)
    description: str | None = Field(default=None, max_length=10_000)


class LineCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    parent_id: int | None = None
    child_id: int
    quantity: float = Field(default=1.0, gt=0, le=1e9)


def _country(value: str) -> str:
    code = value.strip().upper()
    if not is_country(code):
        raise ValueError(f"{value!r} is not an ISO 3166 two-letter country code")
    return code


class SourceCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    supplier_org_id: int | None = None
    supplier_name: str = Field(default="", max_length=200)
    country: str | None = Field(default=None, description="ISO2; defaults to the organisation's")
    share: float = Field(ge=0, le=1)
    lead_time_days: int = Field(ge=0, le=3650)
    annual_capacity: float | None = Field(default=None, ge=0)
    unit_cost: float | None = Field(default=None, ge=0)
    stock_on_hand: float = Field(default=0.0, ge=0)

    @field_validator("country")
    @classmethod
    def _iso(cls, value: str | None) -> str | None:
        return None if value is None or not value.strip() else _country(value)

    @model_validator(mode="after")
    def _named(self) -> Self:
        if self.supplier_org_id is None and not self.supplier_name:
            raise ValueError("give supplier_org_id or supplier_name")
        if self.supplier_org_id is None and self.country is None:
            raise ValueError("an external supplier needs a country")
        return self


class SourceUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    country: str | None = None
    share: float | None = Field(default=None, ge=0, le=1)
    lead_time_days: int | None = Field(default=None, ge=0, le=3650)
    annual_capacity: float | None = Field(default=None, ge=0)
    unit_cost: float | None = Field(default=None, ge=0)
    stock_on_hand: float | None = Field(default=None, ge=0)

    @field_validator("country")
    @classmethod
    def _iso(cls, value: str | None) -> str | None:
        return None if value is None else _country(value)


# --- risk -----------------------------------------------------------------------------------


class SupplierRef(BaseModel):
    key: str
    name: str
    country: str
    share: float | None = None
    org_id: int | None = None


class PartRef(BaseModel):
    id: int
    number: str
    name: str


class RiskRow(BaseModel):
    part_id: int
    number: str
    name: str
    kind: str
    criticality: float
    sources: int
    countries: int
    single_source: bool
    single_country: bool
    hhi: float
    outside_share: float
    watch_share: float
    flagged_suppliers: list[SupplierRef]
    lead_days: int
    path_lead_days: int
    on_critical_path: bool
    units_per_system: float
    reasons: list[str]
    suppliers: list[SupplierRef]


class SystemRiskRead(BaseModel):
    parts: int
    sourced_parts: int
    unsourced_leaves: int
    single_source: int
    single_country: int
    mean_hhi: float
    max_hhi: float
    outside_share: float
    watch_share: float
    flagged_parts: int
    longest_path_days: int
    criticality: float


class HeatCellRead(BaseModel):
    dimension: str
    value: float = Field(description="0-1, the worst among the parts under the row")
    part: PartRef | None


class HeatRow(BaseModel):
    part: PartRef
    cells: list[HeatCellRead]


class RiskView(BaseModel):
    system: SystemRead
    summary: SystemRiskRead
    critical_path: list[PartRef]
    top_parts: list[PartRef]
    rows: list[RiskRow]
    total: int
    page: int
    page_size: int
    sort: str
    dimensions: list[str]
    heat: list[HeatRow]


# --- scenarios ------------------------------------------------------------------------------


Ref = Annotated[str, StringConstraints(max_length=300)]  # a code, name or supplier key
MAX_SCENARIO_ITEMS = 1000


class ScenarioSpec(BaseModel):
    """A disruption to simulate: what is out, by how much demand rises, for how long."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(default="", max_length=200)
    description: str = Field(default="", max_length=5000)
    systems: list[Ref | int] = Field(
        default_factory=list, max_length=MAX_SCENARIO_ITEMS,
        description="system codes or ids; empty = every system you read",
    )
    suppliers_out: list[Ref | int] = Field(
        default_factory=list,
        max_length=MAX_SCENARIO_ITEMS,
        description='"org:12", "ext:name|CC", an organisation id, or a supplier name',
    )
    countries_out: list[Ref] = Field(
        default_factory=list, max_length=MAX_SCENARIO_ITEMS, description="ISO 3166 alpha-2"
    )
    regions_out: list[Ref] = Field(
        default_factory=list, max_length=MAX_SCENARIO_ITEMS, description="names from regions.yaml"
    )
    demand_factor: float = Field(default=1.0, ge=0.1, le=10)
    days: int = Field(default=90, ge=1, le=730)

    @field_validator("countries_out")
    @classmethod
    def _countries(cls, values: list[str]) -> list[str]:
        return list(dict.fromkeys(_country(v) for v in values))

    @field_validator("regions_out")
    @classmethod
    def _regions(cls, values: list[str]) -> list[str]:
        out = []
        for value in values:
            canonical = region_named(value)
            if canonical is None:
                raise ValueError(f"{value!r} is not a known region (see docs/supply.md)")
            out.append(canonical)
        return list(dict.fromkeys(out))


class SimulationRequest(ScenarioSpec):
    save: bool = Field(default=False, description="keep the scenario and its result (needs a name)")


class AlternateRead(BaseModel):
    org_id: int
    name: str
    country: str | None
    slug: str | None = None
    score: float
    reason: str


class ShortfallRead(BaseModel):
    part_id: int
    number: str
    name: str
    system_id: int
    system_code: str
    required: float
    available: float
    shortfall: float
    short_share: float = Field(description="shortfall / required, 0-1")
    recovery_days: float | None
    lost_sources: list[SupplierRef]
    alternates: list[AlternateRead] = []


class OutcomeRead(BaseModel):
    system_id: int
    code: str
    name: str
    planned: float
    buildable: float
    recovery_days: float | None
    short_parts: int
    bottlenecks: list[PartRef]


class SimulationView(BaseModel):
    spec: ScenarioSpec
    countries_out: list[str] = Field(description="countries out, regions expanded")
    suppliers_out: list[str] = Field(description="supplier keys out")
    systems: list[OutcomeRead]
    shortfalls: list[ShortfallRead]
    lost_sources: int
    alternates_note: str = ""
    # True when the matching index was still being built: the background indexer fills the
    # alternates in once it has caught up (simulation.refresh_pending_alternates).
    alternates_pending: bool = False


class ScenarioSummary(BaseModel):
    id: int
    name: str
    description: str
    systems: list[str] = Field(description="system codes")
    short_parts: int
    created_at: datetime
    created_by_id: int | None
    is_demo: bool


class ScenarioRead(ScenarioSummary):
    spec: dict[str, Any]
    result: SimulationView
    can_delete: bool = False


class CompareSystemCell(BaseModel):
    planned: float
    buildable: float
    recovery_days: float | None


class CompareSystemRow(BaseModel):
    code: str
    name: str
    cells: list[CompareSystemCell | None] = Field(description="one per scenario, in order")


class ComparePartRow(BaseModel):
    system_code: str
    number: str
    name: str
    shortfall: list[float | None] = Field(description="one per scenario; None = not short")


class CompareView(BaseModel):
    scenarios: list[ScenarioSummary]
    systems: list[CompareSystemRow]
    parts: list[ComparePartRow]
