"""Description and capabilities built from a firm's awards."""

from indusx.awards.profile import (
    MAX_CAPABILITIES,
    AwardFacts,
    build_capabilities,
    build_description,
    key_terms,
)


def _award(year: int, title: str, abstract: str = "", branch: str = "Navy") -> AwardFacts:
    return AwardFacts(year=year, title=title, abstract=abstract, agency="Department of Defense",
                      branch=branch, program="SBIR", phase="Phase II")


AWARDS = [
    _award(2003, "Acoustic transducer arrays", "Acme builds acoustic transducer arrays."),
    _award(2012, "Sonar signal processing", "Acoustic transducer arrays for sonar.",
           branch="Air Force"),
    _award(2008, "Low-frequency projectors", "Projectors and acoustic transducer arrays.",
           branch="Navy"),
]


def test_the_description_states_counts_years_and_branches() -> None:
    assert build_description(AWARDS) == (
        "US small business with 3 DoD SBIR Phase II awards (2003-2012) from Navy (2) and "
        "Air Force (1). Profile built from public SBIR award data; not checked by the firm."
    )


def test_a_single_award_is_described_in_the_singular() -> None:
    assert build_description(AWARDS[:1]).startswith(
        "US small business with 1 DoD SBIR Phase II award (2003) from Navy.")


def test_capabilities_list_recurring_terms_then_titles_newest_first() -> None:
    text = build_capabilities(AWARDS, firm_words={"acme"})
    lines = text.splitlines()
    assert lines[0].startswith("Key terms: acoustic transducer, transducer arrays")
    assert lines[2:] == ["- 2012: Sonar signal processing", "- 2008: Low-frequency projectors",
                         "- 2003: Acoustic transducer arrays"]


def test_key_terms_leave_out_the_firms_own_name_and_boilerplate() -> None:
    terms = key_terms(AWARDS, firm_words={"acme"})
    assert "acme" not in terms
    assert not {"phase", "proposed", "system"} & set(terms)


def test_capabilities_stay_bounded_for_prolific_firms() -> None:
    many = [_award(2000 + i % 15, f"Very long award title number {i} " + "x" * 200)
            for i in range(300)]
    text = build_capabilities(many)
    assert len(text) <= MAX_CAPABILITIES
    assert text.endswith("earlier awards")
