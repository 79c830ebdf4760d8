"""The pure gate rules: which requirements a stage lacks, from plain facts."""

from indusx.partnerships import gates
from indusx.partnerships.models import Stage

CLEAR = gates.PartyFact(1, "Harbour Acoustics", "clear")


def _codes(facts: gates.GateFacts, target: Stage = Stage.AGREEMENT) -> list[str]:
    return [m.code for m in gates.missing_for(target, facts)]


def test_stages_before_agreement_are_not_gated() -> None:
    facts = gates.GateFacts(latest_verdict=None, parties=(CLEAR,))

    assert _codes(facts, Stage.REGULATORY_REVIEW) == []
    assert _codes(facts, Stage.STOPPED) == []


def test_agreement_and_every_later_stage_need_an_assessment() -> None:
    facts = gates.GateFacts(latest_verdict=None, parties=(CLEAR,))

    for stage in (Stage.AGREEMENT, Stage.EXECUTION, Stage.DELIVERED, Stage.CLOSED):
        assert _codes(facts, stage) == ["assessment-missing"]


def test_a_blocked_or_incomplete_assessment_does_not_pass() -> None:
    assert _codes(gates.GateFacts("blocked", (CLEAR,))) == ["assessment-blocked"]
    assert _codes(gates.GateFacts("incomplete", (CLEAR,))) == ["assessment-incomplete"]


def test_an_assessment_needing_authorisations_passes() -> None:
    assert _codes(gates.GateFacts("authorisations-required", (CLEAR,))) == []
    assert _codes(gates.GateFacts("no-licence-required", (CLEAR,))) == []


def test_open_and_confirmed_cases_each_name_their_party() -> None:
    facts = gates.GateFacts("no-licence-required", (
        CLEAR, gates.PartyFact(2, "Zenith", "review", (7,)),
        gates.PartyFact(3, "Volkov", "confirmed", (8,)),
        gates.PartyFact(4, "Unscreened", "not screened")))

    lacking = gates.missing(facts)

    assert [(m.code, m.org_id, m.case_ids) for m in lacking] == [
        ("party-open-case", 2, (7,)), ("party-confirmed-hit", 3, (8,))]
    assert "Zenith" in lacking[0].message and "Volkov" in lacking[1].message
