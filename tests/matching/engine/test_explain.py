"""Reasons name the evidence two profiles really share, and nothing else."""

import re

from indusx.matching.engine.explain import FOCUS_NAMES, body, describe
from indusx.matching.engine.profile import Passage, Profile, Thesis
from indusx.matching.engine.text import tokenize

SOURCE = Profile(
    id=1, name="Jorport Superalloys", country="IN", kind="startup",
    focus=frozenset({"jet-propulsion", "air-combat"}), seeking=frozenset({"co_development"}),
    max_trl=5,
    capabilities="Single-crystal turbine blades by investment casting; thermal-barrier coatings.",
)
CASTER = Profile(
    id=2, name="ABC Precision", country="IN", kind="msme",
    focus=frozenset({"jet-propulsion", "land-mobility"}),
    seeking=frozenset({"co_production", "customers"}), max_trl=8,
    capabilities="Machines titanium castings for turbine blades and vanes.",
    passages=(
        Passage("Offering: Blade line", "Investment casting of turbine blades in nickel alloys."),
        Passage("Offering: Gearboxes", "Heavy gearboxes for tracked vehicles."),
    ),
)


def one_sentence(reason: str) -> bool:
    return reason.endswith(".") and not re.search(r"[.!?]\s", reason[:-1])


def test_a_reason_names_the_candidate_its_facts_and_the_shared_areas_and_terms():
    text = describe("co-production", SOURCE, CASTER, seeks=["co_production"])

    assert text.reason == (
        "Indian MSME ABC Precision works up to TRL 8 and seeks co-production; you share jet "
        "propulsion and its capabilities overlap on investment casting, turbine blades."
    )
    assert text.shared_focus == ("jet-propulsion",)
    assert one_sentence(text.reason)


def test_shared_terms_and_areas_are_only_those_both_profiles_hold():
    text = describe("co-development", SOURCE, CASTER)

    source_tokens, candidate_tokens = set(tokenize(body(SOURCE))), set(tokenize(body(CASTER)))
    for term in text.shared_terms:
        assert set(tokenize(term)) <= source_tokens & candidate_tokens
    assert set(text.shared_focus) == SOURCE.focus & CASTER.focus
    for slug, name in FOCUS_NAMES.items():
        if slug not in text.shared_focus:
            assert name not in text.reason
    assert "gearbox" not in text.reason.lower()
    assert "Jorport" not in text.reason


def test_evidence_points_to_the_passages_that_overlap():
    text = describe("co-production", SOURCE, CASTER)

    assert [e.label for e in text.evidence] == ["Offering: Blade line"]
    assert "turbine blades" in text.evidence[0].text


def test_a_reason_says_so_when_capabilities_overlap_little():
    stranger = Profile(
        id=3, name="Quill Payroll", country="US", kind="startup",
        focus=frozenset({"air-combat"}), capabilities="Payroll software for small offices.",
    )
    nothing = Profile(id=4, name="Blank Co", country="US", kind="startup")

    shares_area = describe("co-development", SOURCE, stranger)
    shares_nothing = describe("co-development", SOURCE, nothing)

    assert shares_area.reason == (
        "US start-up Quill Payroll; you share air combat, but capabilities overlap little."
    )
    assert shares_nothing.reason == "US start-up Blank Co; capabilities overlap little."
    assert shares_area.shared_terms == ()


def test_an_adjacent_area_is_named_when_no_area_is_shared():
    drone = Profile(id=5, name="Skyhook", country="US", kind="startup",
                    focus=frozenset({"ai-autonomy"}), capabilities="Autonomy software.")
    sensor = Profile(id=6, name="Eyeline", country="IN", kind="startup",
                     focus=frozenset({"isr"}), capabilities="Gimbal cameras.")

    text = describe("co-development", sensor, drone, adjacent=[("ai-autonomy", "isr")])

    assert "its work in AI and autonomy is next to yours in ISR" in text.reason


def test_an_investment_reason_states_the_thesis_and_which_parts_fit():
    fund = Profile(
        id=7, name="Deepwater Ventures", country="US", kind="investor",
        capabilities="Early-stage fund.",
        thesis=Thesis(stages=frozenset({"seed", "series_a"}), ticket_min_usd=500_000,
                      ticket_max_usd=3_000_000),
    )

    as_seen_by_start_up = describe(
        "investment", SOURCE, fund,
        thesis={"focus": 1.0, "stage": 1.0, "country": 0.0, "ticket": 0.5},
    )
    as_seen_by_fund = describe(
        "investment", fund, SOURCE, seeks=["investment"],
        thesis={"focus": 1.0, "stage": 0.0, "country": 1.0, "ticket": 0.5},
    )

    assert as_seen_by_start_up.reason.startswith(
        "US investor Deepwater Ventures invests at seed and Series A and writes tickets of "
        "$500k to $3M;"
    )
    assert as_seen_by_start_up.reason.endswith(
        "; its thesis fits your areas and stage, not your country."
    )
    assert as_seen_by_fund.reason.endswith(
        "; it fits your thesis on areas and country, not on stage."
    )
    assert one_sentence(as_seen_by_fund.reason)
