"""The one rule for opening a data-room document, without a database."""

from datetime import date

from indusx.partnerships.dataroom_access import RoomRules, Viewer, coverage, decide
from indusx.partnerships.markings import Marking

TODAY = date(2026, 11, 23)
RULES = RoomRules(allowed_countries=frozenset({"US", "IN"}),
                  allowed_eligibilities=frozenset({"us-person", "indian-national"}))
MEMBER = Viewer(named=True, in_party_org=True, assigned_officer=False,
                org_countries=frozenset({"IN"}), eligibility="indian-national")
CTD = Marking.CONTROLLED_TECHNICAL_DATA


def with_(viewer: Viewer, **changes: object) -> Viewer:
    values = {f: getattr(viewer, f) for f in Viewer.__dataclass_fields__}
    values.update(changes)
    return Viewer(**values)  # type: ignore[arg-type]


def test_a_member_opens_business_confidential_documents_without_any_assessment() -> None:
    decision = decide(marking=Marking.BUSINESS_CONFIDENTIAL, viewer=MEMBER, rules=RULES,
                      verdict=None, today=TODAY)
    assert decision.allowed and decision.reasons == ()


def test_someone_not_named_opens_nothing_not_even_public_documents() -> None:
    decision = decide(marking=Marking.PUBLIC, viewer=with_(MEMBER, named=False), rules=RULES,
                      verdict="no-licence-required", today=TODAY)
    assert not decision.allowed
    assert decision.reason == "you are not a named member of this data room"


def test_a_named_member_who_left_the_party_organisation_opens_nothing() -> None:
    decision = decide(marking=Marking.PUBLIC, viewer=with_(MEMBER, in_party_org=False),
                      rules=RULES, verdict=None, today=TODAY)
    assert not decision.allowed and "no longer a member of a party organisation" in decision.reason


def test_controlled_data_is_refused_for_undeclared_eligibility_with_the_rooms_rule() -> None:
    decision = decide(marking=CTD, viewer=with_(MEMBER, eligibility=None), rules=RULES,
                      verdict="no-licence-required", today=TODAY)
    assert decision.reasons == ("Controlled Technical Data: your declared eligibility is "
                                "undeclared; the room allows us-person, indian-national",)


def test_controlled_data_is_refused_to_an_organisation_of_a_country_the_room_leaves_out() -> None:
    us_only = RoomRules(allowed_countries=frozenset({"US"}),
                        allowed_eligibilities=RULES.allowed_eligibilities)
    decision = decide(marking=CTD, viewer=MEMBER, rules=us_only, verdict="no-licence-required",
                      today=TODAY)
    assert decision.reasons == ("Controlled Technical Data: your organisation's country is IN; "
                                "the room allows US",)


def test_controlled_data_needs_an_assessment_of_the_partnership() -> None:
    decision = decide(marking=CTD, viewer=MEMBER, rules=RULES, verdict=None, today=TODAY)
    assert decision.reasons == (
        "Controlled Technical Data: no regulatory assessment is saved for this partnership",)


def test_authorisations_required_needs_a_recorded_authorisation_that_has_not_expired() -> None:
    none = coverage(verdict="authorisations-required", rules=RULES, today=TODAY)
    expired = coverage(verdict="authorisations-required", today=TODAY, rules=RoomRules(
        RULES.allowed_countries, RULES.allowed_eligibilities, "DSP-5 050-123456",
        date(2026, 11, 22)))
    current = coverage(verdict="authorisations-required", today=TODAY, rules=RoomRules(
        RULES.allowed_countries, RULES.allowed_eligibilities, "DSP-5 050-123456", TODAY))

    assert not none.allowed and "records none" in none.reason
    assert expired.reasons == ("Controlled Technical Data: the authorisation DSP-5 050-123456 "
                               "expired on 2026-11-22",)
    assert current.allowed


def test_a_blocked_or_incomplete_assessment_never_covers_controlled_data() -> None:
    for verdict in ("blocked", "incomplete"):
        decision = coverage(verdict=verdict, rules=RULES, today=TODAY)
        assert not decision.allowed and f"verdict is {verdict}" in decision.reason


def test_an_officer_gets_no_bypass_and_every_reason_is_given_at_once() -> None:
    officer = Viewer(named=True, in_party_org=False, assigned_officer=True,
                     org_countries=frozenset(), eligibility="other-foreign-person")
    decision = decide(marking=CTD, viewer=officer, rules=RULES, verdict="blocked", today=TODAY)
    assert not decision.allowed and len(decision.reasons) == 3
    assert "you act for no organisation" in decision.reasons[0]


def test_an_eligible_member_opens_controlled_data_once_the_assessment_covers_it() -> None:
    decision = decide(marking=CTD, viewer=MEMBER, rules=RULES, verdict="no-licence-required",
                      today=TODAY)
    assert decision.allowed
