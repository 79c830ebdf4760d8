"""The facts of a proposed collaboration, as the rules see them.

`Facts` is what the service builds from an assessment (parties with their screening status,
items with their classifications, the activities, investment and procurement details);
`namespace()` flattens it into the named facts that rule conditions test (see FACTS).
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from indusx.pathway.engine.classification import Classification, Regime


class Activity(StrEnum):
    CO_DEVELOPMENT = "co-development"
    CO_PRODUCTION = "co-production"
    TECHNOLOGY_TRANSFER = "technology-transfer"
    HARDWARE_EXPORT = "hardware-export"
    INVESTMENT = "investment"
    RESEARCH = "research"


class Screening(StrEnum):
    """A party's screening status (the values of the screening service's ScreeningStatus)."""

    CLEAR = "clear"
    REVIEW = "review"
    CONFIRMED = "confirmed"
    NOT_SCREENED = "not screened"


class PartyKind(StrEnum):
    COMPANY = "company"
    GOVERNMENT = "government"
    ACADEMIC = "academic"
    INVESTOR = "investor"
    INDIVIDUAL = "individual"
    OTHER = "other"


class EndCustomer(StrEnum):
    INDIAN_MOD = "indian-mod"
    US_DOD = "us-dod"
    OTHER_GOVERNMENT = "other-government"
    COMMERCIAL = "commercial"


class DapCategory(StrEnum):
    """Defence Acquisition Procedure 2020 categories the rules know."""

    BUY_INDIAN_IDDM = "buy-indian-iddm"
    BUY_INDIAN = "buy-indian"
    BUY_AND_MAKE_INDIAN = "buy-and-make-indian"
    BUY_GLOBAL = "buy-global"
    BUY_GLOBAL_MANUFACTURE_IN_INDIA = "buy-global-manufacture-in-india"


class ProcurementRoute(StrEnum):
    COMPETITIVE = "competitive"
    SINGLE_VENDOR = "single-vendor"
    INTER_GOVERNMENTAL = "inter-governmental"
    GOVERNMENT_TO_GOVERNMENT = "government-to-government"
    FMS = "fms"


class SpSegment(StrEnum):
    """The segments of India's Strategic Partnership model."""

    FIGHTER_AIRCRAFT = "fighter-aircraft"
    HELICOPTERS = "helicopters"
    SUBMARINES = "submarines"
    ARMOURED_VEHICLES = "armoured-vehicles"


@dataclass(frozen=True, slots=True)
class PartyFacts:
    name: str
    country: str  # ISO 3166-1 alpha-2
    kind: PartyKind = PartyKind.COMPANY
    screening: Screening = Screening.NOT_SCREENED
    screening_summary: str = ""


@dataclass(frozen=True, slots=True)
class ItemFacts:
    name: str
    classification: Classification
    origin: str | None = None  # whose controls apply; by default the classification's
    missile_technology: bool | None = None  # None: as the ECCN says
    temporary: bool = False  # a temporary export (trials, exhibitions)

    @property
    def origin_country(self) -> str | None:
        return self.origin or self.classification.origin


@dataclass(frozen=True, slots=True)
class InvestmentFacts:
    investor_country: str | None = None
    investee_country: str | None = None
    equity_share: float | None = None  # percent held by the foreign investor after the deal


@dataclass(frozen=True, slots=True)
class ProcurementFacts:
    category: DapCategory | None = None
    value_inr_crore: float | None = None
    route: ProcurementRoute | None = None


@dataclass(frozen=True, slots=True)
class Facts:
    activities: tuple[Activity, ...]
    parties: tuple[PartyFacts, ...]
    items: tuple[ItemFacts, ...] = ()
    investment: InvestmentFacts | None = None
    red_flags: tuple[str, ...] = ()
    end_customer: EndCustomer | None = None
    procurement: ProcurementFacts | None = None
    sp_segment: SpSegment | None = None


@dataclass(frozen=True, slots=True)
class FactSpec:
    """A fact rules may test: its scope, type and (for vocabularies) allowed values."""

    scope: str  # "assessment", "item" or "party"
    type: str  # "text", "list", "bool", "number"
    description: str
    values: tuple[str, ...] | None = None


def _values(enum: type[StrEnum]) -> tuple[str, ...]:
    return tuple(m.value for m in enum)


COUNTRIES = ("IN", "US")
FACTS: dict[str, FactSpec] = {
    "activity": FactSpec(
        "assessment", "list", "the activities of the collaboration", _values(Activity)
    ),
    "countries": FactSpec("assessment", "list", "the countries of all parties"),
    "parties.screening": FactSpec(
        "assessment", "list", "every party's screening status", _values(Screening)
    ),
    "red_flags": FactSpec("assessment", "bool", "whether any red flag was reported"),
    "end_customer": FactSpec(
        "assessment", "text", "who finally buys what is made", _values(EndCustomer)
    ),
    "investment.investor_country": FactSpec("assessment", "text", "the investor's country"),
    "investment.investee_country": FactSpec("assessment", "text", "the investee's country"),
    "investment.foreign": FactSpec(
        "assessment", "bool", "whether investor and investee are in different countries"
    ),
    "investment.equity_share": FactSpec(
        "assessment", "number", "the foreign investor's equity share after the deal, %"
    ),
    "procurement.category": FactSpec(
        "assessment", "text", "the DAP 2020 category", _values(DapCategory)
    ),
    "procurement.value_inr_crore": FactSpec(
        "assessment", "number", "the contract's estimated value, INR crore"
    ),
    "procurement.route": FactSpec(
        "assessment", "text", "how the contract is placed", _values(ProcurementRoute)
    ),
    "sp_segment": FactSpec(
        "assessment", "text", "the Strategic Partnership segment", _values(SpSegment)
    ),
    "item.name": FactSpec("item", "text", "the item's name"),
    "item.classification": FactSpec("item", "text", "the canonical classification"),
    "item.regime": FactSpec("item", "text", "the control regime", _values(Regime)),
    "item.origin": FactSpec("item", "text", "the country whose controls apply"),
    "item.usml_category": FactSpec("item", "text", "the USML category, I to XXI"),
    "item.eccn": FactSpec("item", "text", "the ECCN, e.g. 9A619"),
    "item.eccn_series": FactSpec("item", "text", "600, 515 or other", ("600", "515", "other")),
    "item.missile_technology": FactSpec(
        "item", "bool", "whether the item is controlled for missile technology"
    ),
    "item.scomet_category": FactSpec(
        "item", "text", "the SCOMET category, 0 to 8", tuple(str(n) for n in range(9))
    ),
    "item.temporary": FactSpec("item", "bool", "whether the export is temporary"),
    "item.exported": FactSpec(
        "item", "bool", "whether a party is outside the item's country of origin"
    ),
    "item.destination": FactSpec(
        "item", "list", "the countries of the parties outside the item's origin"
    ),
    "item.non_government_recipient": FactSpec(
        "item", "bool", "whether a recipient outside the origin is not a government body"
    ),
    "party.name": FactSpec("party", "text", "the party's name"),
    "party.country": FactSpec("party", "text", "the party's country"),
    "party.kind": FactSpec(
        "party", "text", "company, government, academic, investor, ...", _values(PartyKind)
    ),
    "party.screening": FactSpec(
        "party", "text", "the party's screening status", _values(Screening)
    ),
    "party.screening_summary": FactSpec("party", "text", "what screening found"),
}


def assessment_namespace(facts: Facts) -> dict[str, Any]:
    """Return the assessment-wide facts by name."""
    inv = facts.investment
    proc = facts.procurement
    return {
        "activity": [a.value for a in facts.activities],
        "countries": sorted({p.country for p in facts.parties}),
        "parties.screening": sorted({p.screening.value for p in facts.parties}),
        "red_flags": bool(facts.red_flags),
        "end_customer": facts.end_customer.value if facts.end_customer else None,
        "investment.investor_country": inv.investor_country if inv else None,
        "investment.investee_country": inv.investee_country if inv else None,
        "investment.foreign": bool(
            inv
            and inv.investor_country
            and inv.investee_country
            and inv.investor_country != inv.investee_country
        ),
        "investment.equity_share": inv.equity_share if inv else None,
        "procurement.category": proc.category.value if proc and proc.category else None,
        "procurement.value_inr_crore": proc.value_inr_crore if proc else None,
        "procurement.route": proc.route.value if proc and proc.route else None,
        "sp_segment": facts.sp_segment.value if facts.sp_segment else None,
    }


def item_namespace(facts: Facts, item: ItemFacts) -> dict[str, Any]:
    """Return one item's facts by name (beside the assessment's)."""
    c = item.classification
    origin = item.origin_country
    outside = [p for p in facts.parties if origin is not None and p.country != origin]
    missile = item.missile_technology
    if missile is None:
        missile = c.eccn_missile_technology
    return {
        "item.name": item.name,
        "item.classification": c.text,
        "item.regime": c.regime.value,
        "item.origin": origin,
        "item.usml_category": c.usml_category,
        "item.eccn": c.eccn,
        "item.eccn_series": c.eccn_series.value if c.eccn_series else None,
        "item.missile_technology": missile,
        "item.scomet_category": c.scomet_category,
        "item.temporary": item.temporary,
        "item.exported": bool(outside),
        "item.destination": sorted({p.country for p in outside}),
        "item.non_government_recipient": any(p.kind is not PartyKind.GOVERNMENT for p in outside),
    }


def party_namespace(party: PartyFacts) -> dict[str, Any]:
    """Return one party's facts by name (beside the assessment's)."""
    return {
        "party.name": party.name,
        "party.country": party.country,
        "party.kind": party.kind.value,
        "party.screening": party.screening.value,
        "party.screening_summary": party.screening_summary,
    }
