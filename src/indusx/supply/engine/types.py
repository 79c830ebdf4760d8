"""The engine's inputs and outputs: plain rows in, plain results out.

Input rows are NamedTuples so that database rows (tuples in the same column order) can be
passed as they come, without building an object per row: at 1,000,000 sources that matters.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple


class SystemRow(NamedTuple):
    key: int
    name: str
    annual_demand: float  # planned units per year


class PartRow(NamedTuple):
    key: int
    system: int  # SystemRow.key
    number: str
    name: str
    kind: str  # "assembly" | "part" | "material"


class LineRow(NamedTuple):
    parent: int | None  # PartRow.key; None puts the child at the top of its system
    child: int
    quantity: float  # children per parent (per system unit when parent is None)


class SourceRow(NamedTuple):
    key: int
    part: int  # PartRow.key
    supplier: str  # a stable supplier key: "org:12", or "ext:<name>|<country>" for others
    supplier_name: str
    country: str  # ISO 3166-1 alpha-2
    share: float  # 0..1; the engine normalises a part's shares when they do not sum to 1
    lead_days: int
    capacity: float | None  # units per year; None = unknown (taken as share x requirement)
    unit_cost: float | None
    stock: float  # units on hand at the supplier


@dataclass(frozen=True)
class RiskPolicy:
    """Which countries count as partners, close allies and watched, and the score weights."""

    partners: frozenset[str] = frozenset({"US", "IN"})
    allies: frozenset[str] = frozenset()
    watch: frozenset[str] = frozenset()
    # Supplier key -> screening status of the supplier: "review" (open case) or "confirmed".
    flags: Mapping[str, str] = field(default_factory=dict)
    # Criticality component weights; they need not sum to 100 (the score is rescaled).
    weights: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Scenario:
    """A disruption: suppliers and countries out, demand raised, for `days` days."""

    suppliers_out: frozenset[str] = frozenset()
    countries_out: frozenset[str] = frozenset()  # regions are expanded to countries by callers
    demand_factor: float = 1.0
    days: int = 90
    systems: frozenset[int] | None = None  # None = every system


@dataclass(frozen=True, slots=True)
class PartRisk:
    """One part's supply risk, with the reasons behind its criticality score."""

    part: int
    system: int
    number: str
    name: str
    kind: str
    sources: int  # qualified sources with a share above zero
    countries: int  # distinct countries among them
    single_source: bool
    single_country: bool
    hhi: float  # Herfindahl-Hirschman index over country shares, 0..10,000
    outside_share: float  # share of supply from outside partners and allies, 0..1
    watch_share: float  # share of supply from watched countries, 0..1
    flagged_suppliers: tuple[str, ...]  # supplier keys with an open or confirmed screening hit
    lead_days: int  # the part's own lead time (longest among its sources)
    path_lead_days: int  # longest cumulative lead time from this part down through its BOM
    on_critical_path: bool  # on its system's longest lead-time path
    units_per_system: float  # units of this part in one system unit, over every BOM path
    criticality: float  # 0..100
    reasons: tuple[str, ...]  # what drives the score, most important first, in plain words


@dataclass(frozen=True, slots=True)
class HeatCell:
    """One cell of a system's heat map: a top-level assembly against one risk dimension."""

    row: int  # part key of the top-level assembly (or part)
    # "single_source" | "concentration" | "outside" | "watch" | "screening" | "lead_time"
    dimension: str
    value: float  # 0..1, the worst among the parts under that row
    part: int | None  # the part that gives the value


@dataclass(frozen=True, slots=True)
class SystemRisk:
    """A system's risk rolled up from its parts."""

    system: int
    name: str
    parts: int
    sourced_parts: int  # parts with at least one source
    unsourced_leaves: int  # leaf parts with no source at all (a data gap, not a risk figure)
    single_source: int
    single_country: int
    mean_hhi: float
    max_hhi: float
    outside_share: float  # mean over sourced parts, 0..1
    watch_share: float
    flagged_parts: int
    longest_path_days: int
    critical_path: tuple[int, ...]  # part keys, top to bottom
    criticality: float  # 0..100
    top_parts: tuple[int, ...]  # part keys, most critical first (at most 10)
    heat_rows: tuple[int, ...]  # part keys of the heat map's rows, in BOM order
    heat: tuple[HeatCell, ...]


@dataclass(frozen=True)
class RiskReport:
    systems: dict[int, SystemRisk]
    parts: dict[int, PartRisk]


@dataclass(frozen=True, slots=True)
class PartShortfall:
    """A part that cannot be supplied in full under a scenario."""

    part: int
    system: int
    number: str
    name: str
    required: float  # units needed during the disruption
    available: float  # units obtainable during it: surviving stock plus surviving capacity
    shortfall: float  # required - available (> 0)
    recovery_days: float | None  # days from the start until supply catches up; None = never
    lost_sources: tuple[int, ...]  # source keys taken out by the scenario


@dataclass(frozen=True, slots=True)
class SystemOutcome:
    system: int
    name: str
    planned: float  # units planned during the disruption (demand x factor x days / 365)
    buildable: float  # units that can be built (whole units, at most planned)
    bottlenecks: tuple[int, ...]  # part keys that limit `buildable`, worst first
    recovery_days: float | None  # the latest recovery among its parts; None = never
    short_parts: int


@dataclass(frozen=True)
class SimulationResult:
    scenario: Scenario
    systems: dict[int, SystemOutcome]
    shortfalls: tuple[PartShortfall, ...]  # largest share of need first
    lost_sources: int  # sources taken out in all
