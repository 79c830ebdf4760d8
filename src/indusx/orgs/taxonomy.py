"""The directory's controlled vocabularies: countries, kinds, what organisations seek, stages.

Focus areas are a managed table (admins add more); SEED_FOCUS_AREAS is what a new database
starts with, taken from the Roadmap for US-India Defence Industrial Cooperation.
"""

from enum import StrEnum


class Country(StrEnum):
    IN = "IN"
    US = "US"


COUNTRY_LABELS: dict[Country, str] = {Country.IN: "India", Country.US: "United States"}


class OrgKind(StrEnum):
    STARTUP = "startup"
    MSME = "msme"
    LARGE_COMPANY = "large_company"
    PRIME = "prime"
    INVESTOR = "investor"
    ACCELERATOR = "accelerator"
    ACADEMIC = "academic"
    GOVERNMENT = "government"
    TEST_FACILITY = "test_facility"


KIND_LABELS: dict[OrgKind, str] = {
    OrgKind.STARTUP: "Start-up",
    OrgKind.MSME: "MSME",
    OrgKind.LARGE_COMPANY: "Large company",
    OrgKind.PRIME: "Prime contractor",
    OrgKind.INVESTOR: "Investor",
    OrgKind.ACCELERATOR: "Accelerator / incubator",
    OrgKind.ACADEMIC: "Academic research institution",
    OrgKind.GOVERNMENT: "Government agency",
    OrgKind.TEST_FACILITY: "Test facility",
}


class Seeking(StrEnum):
    # The order is stored (as bit positions in organisation.facet_mask): only append.
    CO_DEVELOPMENT = "co_development"
    CO_PRODUCTION = "co_production"
    INVESTMENT = "investment"
    CUSTOMERS = "customers"
    TEST_FACILITIES = "test_facilities"
    MENTORING = "mentoring"
    RESEARCH_PARTNER = "research_partner"


SEEKING_LABELS: dict[Seeking, str] = {
    Seeking.CO_DEVELOPMENT: "Co-development partner",
    Seeking.CO_PRODUCTION: "Co-production partner",
    Seeking.INVESTMENT: "Investment",
    Seeking.CUSTOMERS: "Customers",
    Seeking.TEST_FACILITIES: "Test facilities",
    Seeking.MENTORING: "Mentoring",
    Seeking.RESEARCH_PARTNER: "Research partner",
}


class FundingStage(StrEnum):
    PRE_SEED = "pre_seed"
    SEED = "seed"
    SERIES_A = "series_a"
    SERIES_B = "series_b"
    SERIES_C_PLUS = "series_c_plus"
    GROWTH = "growth"
    PUBLIC = "public"
    BOOTSTRAPPED = "bootstrapped"


STAGE_LABELS: dict[FundingStage, str] = {
    FundingStage.PRE_SEED: "Pre-seed",
    FundingStage.SEED: "Seed",
    FundingStage.SERIES_A: "Series A",
    FundingStage.SERIES_B: "Series B",
    FundingStage.SERIES_C_PLUS: "Series C+",
    FundingStage.GROWTH: "Growth",
    FundingStage.PUBLIC: "Listed",
    FundingStage.BOOTSTRAPPED: "Bootstrapped",
}

# Kinds for which a funding stage is meaningful; others store none.
STAGED_KINDS: frozenset[OrgKind] = frozenset(
    {OrgKind.STARTUP, OrgKind.MSME, OrgKind.LARGE_COMPANY, OrgKind.PRIME}
)

# (slug, name, description)
SEED_FOCUS_AREAS: list[tuple[str, str, str]] = [
    ("air-combat", "Air combat", "Combat aircraft, avionics, weapons integration, air defence."),
    ("land-mobility", "Land mobility", "Ground vehicles, mobility systems, logistics platforms."),
    ("isr", "ISR", "Intelligence, surveillance and reconnaissance sensors and processing."),
    ("munitions", "Munitions", "Guided and unguided munitions, energetics, fuzing."),
    ("undersea", "Undersea domain", "Undersea sensing, communications and unmanned vehicles."),
    ("jet-propulsion", "Jet propulsion", "Gas-turbine engines, components and sustainment."),
    ("artillery", "Artillery", "Long-range fires, guns, rockets and fire control."),
    ("armoured-vehicles", "Armoured vehicles", "Infantry combat and armoured vehicles."),
    (
        "maritime-domain-awareness",
        "Maritime domain awareness",
        "Surface surveillance, vessel tracking, coastal radar and data fusion.",
    ),
    ("space", "Space", "Satellites, launch, space situational awareness, space-based ISR."),
    ("cyber", "Cyber", "Cyber defence, secure communications and resilient networks."),
    ("ai-autonomy", "AI / autonomy", "Artificial intelligence, autonomy and machine learning."),
]
