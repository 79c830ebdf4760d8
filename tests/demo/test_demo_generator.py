"""Tests for the deterministic demo-ecosystem generator."""

import re
from collections import Counter
from functools import cache

import pytest

from indusx.demo.generator import REAL_NAME_BLOCKLIST, DemoOrg, generate
from indusx.orgs.identifiers import normalise_export_control
from indusx.orgs.taxonomy import SEED_FOCUS_AREAS, STAGED_KINDS, Country, OrgKind

UEI_RE = re.compile(r"^[A-HJ-NP-Z1-9][A-HJ-NP-Z0-9]{11}$")
CAGE_RE = re.compile(r"^[0-9A-HJ-NP-Z]{5}$")
CIN_RE = re.compile(r"^[LU]\d{5}[A-Z]{2}\d{4}[A-Z]{3}\d{6}$")
UDYAM_RE = re.compile(r"^UDYAM-[A-Z]{2}-\d{2}-\d{7}$")
DPIIT_RE = re.compile(r"^DIPP\d{3,7}$")

ID_FORMATS: dict[Country, dict[str, re.Pattern[str]]] = {
    Country.US: {"uei": UEI_RE, "cage": CAGE_RE},
    Country.IN: {"cin": CIN_RE, "udyam": UDYAM_RE, "dpiit": DPIIT_RE},
}

# State -> (CIN state code, Udyam state code) for the Indian states the generator uses.
IN_STATE_CODES: dict[str, tuple[str, str]] = {
    "Karnataka": ("KA", "KR"),
    "Telangana": ("TG", "TS"),
    "Maharashtra": ("MH", "MH"),
    "Tamil Nadu": ("TN", "TN"),
    "Gujarat": ("GJ", "GJ"),
    "Uttar Pradesh": ("UP", "UP"),
    "Kerala": ("KL", "KL"),
    "Andhra Pradesh": ("AP", "AP"),
    "Delhi": ("DL", "DL"),
    "Haryana": ("HR", "HR"),
    "West Bengal": ("WB", "WB"),
    "Odisha": ("OR", "OD"),
    "Rajasthan": ("RJ", "RJ"),
    "Madhya Pradesh": ("MP", "MP"),
    "Uttarakhand": ("UR", "UK"),
    "Chandigarh": ("CH", "CH"),
    "Goa": ("GA", "GA"),
}

FOCUS_SLUGS = {slug for slug, _name, _desc in SEED_FOCUS_AREAS}

# A few names checked independently of the module's own list.
EXTRA_REAL_NAMES = ("Lockheed", "Raytheon", "Tata", "Mahindra", "DRDO", "HAL", "IIT", "MIT")


@cache
def ecosystem(orgs: int, seed: int = 7) -> tuple[DemoOrg, ...]:
    return tuple(generate(orgs=orgs, seed=seed))


def real_names_in(text: str, names: tuple[str, ...]) -> list[str]:
    """Short acronyms match as whole words, longer names anywhere (case-insensitive)."""
    low = text.lower()
    words = set(re.findall(r"[a-z0-9&]+", low))
    return [n for n in names if (n.lower() in words if len(n) <= 4 else n.lower() in low)]


def test_it_is_deterministic_for_a_seed() -> None:
    assert list(generate(orgs=400, seed=5)) == list(generate(orgs=400, seed=5))


def test_different_seeds_give_different_ecosystems() -> None:
    first = [o.name for o in generate(orgs=200, seed=1)]
    second = [o.name for o in generate(orgs=200, seed=2)]
    assert first != second
    assert len(set(first) & set(second)) < 50


@pytest.mark.parametrize("count", [0, 1, 9, 50, 333, 2000])
def test_it_yields_exactly_the_requested_number_of_orgs(count: int) -> None:
    assert sum(1 for _ in generate(orgs=count, seed=3)) == count


def test_a_negative_count_is_rejected() -> None:
    with pytest.raises(ValueError):
        list(generate(orgs=-1))


@pytest.mark.parametrize("count", [50, 51, 97, 500])
def test_every_kind_and_both_countries_are_present_from_fifty_orgs(count: int) -> None:
    orgs = list(generate(orgs=count, seed=count))
    assert {o.kind for o in orgs} == set(OrgKind)
    assert {o.country for o in orgs} == set(Country)


def test_kinds_and_countries_follow_the_intended_mix() -> None:
    orgs = ecosystem(2000)
    kinds = Counter(o.kind for o in orgs)
    expected = {
        OrgKind.STARTUP: 0.30,
        OrgKind.MSME: 0.20,
        OrgKind.LARGE_COMPANY: 0.10,
        OrgKind.PRIME: 0.04,
        OrgKind.INVESTOR: 0.10,
        OrgKind.ACCELERATOR: 0.06,
        OrgKind.ACADEMIC: 0.10,
        OrgKind.GOVERNMENT: 0.04,
        OrgKind.TEST_FACILITY: 0.06,
    }
    for kind, share in expected.items():
        assert abs(kinds[kind] / len(orgs) - share) < 0.01, kind
    indian = sum(1 for o in orgs if o.country is Country.IN)
    assert abs(indian / len(orgs) - 0.5) < 0.02


def test_identifiers_match_the_registry_formats() -> None:
    for org in ecosystem(20_000):
        formats = ID_FORMATS[org.country]
        for key, value in org.identifiers.items():
            assert key in formats, (org.name, key)
            assert formats[key].match(value), (org.name, key, value)


def test_indian_identifiers_agree_with_the_state_of_the_city() -> None:
    for org in ecosystem(5000):
        if org.country is not Country.IN:
            continue
        cin_code, udyam_code = IN_STATE_CODES[org.state]
        if "cin" in org.identifiers:
            assert org.identifiers["cin"][6:8] == cin_code, org
        if "udyam" in org.identifiers:
            assert org.identifiers["udyam"][6:8] == udyam_code, org


def test_most_companies_carry_registry_identifiers() -> None:
    orgs = ecosystem(5000)
    us_companies = [o for o in orgs if o.country is Country.US and o.kind in STAGED_KINDS]
    with_both = sum(1 for o in us_companies if {"uei", "cage"} <= o.identifiers.keys())
    assert with_both / len(us_companies) > 0.7
    in_startups = [o for o in orgs if o.country is Country.IN and o.kind is OrgKind.STARTUP]
    assert sum(1 for o in in_startups if "dpiit" in o.identifiers) / len(in_startups) > 0.7
    in_msmes = [o for o in orgs if o.country is Country.IN and o.kind is OrgKind.MSME]
    assert all("udyam" in o.identifiers for o in in_msmes)


def test_identifiers_are_unique_across_the_set() -> None:
    values = [v for o in ecosystem(20_000) for v in o.identifiers.values()]
    assert len(values) == len(set(values))


def test_names_and_websites_are_unique_at_twenty_thousand() -> None:
    orgs = ecosystem(20_000)
    assert len({o.name for o in orgs}) == len(orgs)
    assert len({o.website for o in orgs}) == len(orgs)


def test_names_never_fall_back_to_a_bare_counter() -> None:
    for org in ecosystem(20_000):
        assert not re.search(r"\b(Org|Organisation|Company)\s+\d+\b", org.name), org.name


def test_no_generated_name_contains_a_real_defence_name() -> None:
    names = tuple(dict.fromkeys(REAL_NAME_BLOCKLIST + EXTRA_REAL_NAMES))
    assert real_names_in("Lockheed Aerosystems Inc.", names) == ["Lockheed"]
    assert real_names_in("Kavira HAL Systems Pvt Ltd", names) == ["HAL"]
    assert real_names_in("Halvern Aerosystems Inc.", names) == []
    texts = [
        text
        for org in ecosystem(20_000)
        for text in [org.name] + [offering.name for offering in org.offerings]
    ]
    assert real_names_in("\n".join(texts), names) == []


def test_investors_and_only_investors_have_a_thesis() -> None:
    for org in ecosystem(5000):
        if org.kind is OrgKind.INVESTOR:
            thesis = org.thesis
            assert thesis is not None
            assert thesis.stages and thesis.focus_areas and thesis.countries
            assert 0 < thesis.ticket_min_usd <= thesis.ticket_max_usd
            assert org.country in thesis.countries
            assert set(thesis.focus_areas) <= FOCUS_SLUGS
            assert len(set(thesis.focus_areas)) == len(thesis.focus_areas)
        else:
            assert org.thesis is None


def test_funding_stage_is_set_only_for_staged_kinds() -> None:
    orgs = ecosystem(5000)
    for org in orgs:
        if org.kind not in STAGED_KINDS:
            assert org.funding_stage is None, org
    startups = [o for o in orgs if o.kind is OrgKind.STARTUP]
    assert all(o.funding_stage is not None for o in startups)


def test_offering_trls_are_between_one_and_nine_and_plausible_for_the_kind() -> None:
    for org in ecosystem(5000):
        for offering in org.offerings:
            assert 1 <= offering.trl <= 9
            if org.kind is OrgKind.ACADEMIC:
                assert 2 <= offering.trl <= 4
            elif org.kind is OrgKind.STARTUP:
                assert 3 <= offering.trl <= 7
            elif org.kind is OrgKind.PRIME:
                assert offering.trl >= 6


def test_investors_and_accelerators_offer_no_products() -> None:
    for org in ecosystem(5000):
        assert len(org.offerings) <= 4
        if org.kind in (OrgKind.INVESTOR, OrgKind.ACCELERATOR):
            assert org.offerings == []


def test_export_controls_are_canonical_and_use_the_regime_of_the_country() -> None:
    for org in ecosystem(5000):
        for offering in org.offerings:
            code = offering.export_control
            if code is None:
                continue
            assert normalise_export_control(code) == code
            if org.country is Country.US:
                assert code == "EAR99" or code.startswith(("ECCN ", "USML Cat. ")), code
            else:
                assert code == "Not controlled" or code.startswith("SCOMET "), code


def test_focus_areas_are_valid_slugs() -> None:
    for org in ecosystem(5000):
        assert 1 <= len(org.focus_areas) <= 3
        assert len(set(org.focus_areas)) == len(org.focus_areas)
        assert set(org.focus_areas) <= FOCUS_SLUGS


def test_every_focus_area_is_used() -> None:
    used = Counter(slug for org in ecosystem(2000) for slug in org.focus_areas)
    assert set(used) == FOCUS_SLUGS


def test_seeking_lists_are_short_and_distinct() -> None:
    for org in ecosystem(5000):
        assert len(org.seeking) <= 3
        assert len(set(org.seeking)) == len(org.seeking)


def test_text_fields_respect_their_limits() -> None:
    for org in ecosystem(5000):
        assert 0 < len(org.name) <= 200
        assert 0 < len(org.description) <= 500
        assert 0 < len(org.capabilities) <= 2000
        assert 0 < len(org.needs) <= 500
        assert org.city and org.state and org.contact_name
        for offering in org.offerings:
            assert 0 < len(offering.name) <= 120
            assert 0 < len(offering.description) <= 400
        assert "{" not in org.description + org.capabilities + org.needs


def test_contacts_and_websites_are_clearly_fictional() -> None:
    for org in ecosystem(5000):
        match = re.fullmatch(r"https://([a-z0-9-]+)\.example", org.website)
        assert match, org.website
        assert org.contact_email.endswith(f"@{match.group(1)}.example")
        if org.country is Country.US:
            assert re.fullmatch(r"\+1 \d{3}-555-01\d{2}", org.contact_phone), org.contact_phone
        else:
            assert re.fullmatch(r"\+91 [\d ]+", org.contact_phone), org.contact_phone
            assert len(org.contact_phone.replace(" ", "")) == 13


def test_us_organisations_use_us_spelling() -> None:
    for org in ecosystem(5000):
        text = " ".join(
            [org.name, org.description, org.capabilities, org.needs]
            + [o.name + " " + o.description for o in org.offerings]
        ).lower()
        if org.country is Country.US:
            for british in ("defence", "programme", "armour", "centre", "stabilis"):
                assert british not in text, (org.name, british)
        else:
            assert "defense" not in text, org.name


def test_headcounts_are_plausible_for_the_kind() -> None:
    orgs = ecosystem(5000)
    for org in orgs:
        if org.headcount is None:
            continue
        assert org.headcount > 0
        if org.kind is OrgKind.PRIME:
            assert org.headcount >= 1000
        if org.kind is OrgKind.STARTUP:
            assert org.headcount <= 1000
