"""Matchmaking wired to the directory: engines follow the database, feedback and access."""

from collections.abc import Callable
from types import SimpleNamespace

import pytest
from sqlalchemy.orm import Session

from indusx.accounts.permissions import Principal
from indusx.errors import Forbidden, NotFound
from indusx.matching import introductions, service, vectors
from indusx.matching.models import DismissReason, MatchMode
from indusx.orgs import service as org_service
from indusx.orgs.models import Organisation
from tests.conftest import ACTOR

UNDERSEA = dict(
    country="US", kind="large_company",
    description="Undersea acoustic communications and sonar systems for navies.",
    capabilities="Acoustic modems, sonar arrays, underwater networking, sea trials.",
    focus_areas=["undersea"], seeking=["co_development"],
)


def _principal(session: Session, user: object) -> Principal:
    return Principal.load(session=session, user=user, via="web")  # type: ignore[arg-type]


def _names(session: Session, principal: Principal | None, org_id: int, **kw: object) -> list[str]:
    result = service.suggestions(session=session, principal=principal, org_id=org_id,
                                 mode=MatchMode.CO_DEVELOPMENT, **kw)  # type: ignore[arg-type]
    return [item.candidate.name for item in result.items]


def test_a_new_organisation_appears_in_suggestions_on_the_next_request(
    session: Session, people: SimpleNamespace, make_org: Callable[..., Organisation]
) -> None:
    make_org(name="Harbour Acoustics", **UNDERSEA)
    assert _names(session, None, people.org.id) == ["Harbour Acoustics"]

    make_org(name="Deepwater Signals", **UNDERSEA)

    assert set(_names(session, None, people.org.id)) == {"Harbour Acoustics",
                                                         "Deepwater Signals"}


def test_a_deleted_organisation_disappears_and_an_edited_one_is_re_read(
    session: Session, people: SimpleNamespace, make_org: Callable[..., Organisation]
) -> None:
    gone = make_org(name="Harbour Acoustics", **UNDERSEA)
    edited = make_org(name="Deepwater Signals", **UNDERSEA)
    _names(session, None, people.org.id)

    org_service.delete_org(session=session, org=gone, actor=ACTOR)
    from indusx.orgs.schemas import OrgUpdate

    org_service.update_org(session=session, org=edited, actor=ACTOR,
                           org_in=OrgUpdate.model_validate({"name": "Deepwater Signals Inc"}))
    session.flush()

    assert _names(session, None, people.org.id) == ["Deepwater Signals Inc"]


def test_suggestions_are_for_the_organisations_members_and_officers_only(
    session: Session, people: SimpleNamespace, make_org: Callable[..., Organisation]
) -> None:
    make_org(name="Harbour Acoustics", **UNDERSEA)

    assert _names(session, _principal(session, people.bob), people.org.id)
    assert _names(session, _principal(session, people.officer), people.org.id)
    with pytest.raises(Forbidden):
        _names(session, _principal(session, people.charlie), people.org.id)
    with pytest.raises(NotFound):
        _names(session, None, 10**9)


def test_a_dismissed_suggestion_never_returns_and_an_introduced_one_is_not_repeated(
    session: Session, people: SimpleNamespace, make_org: Callable[..., Organisation]
) -> None:
    dismissed = make_org(name="Harbour Acoustics", **UNDERSEA)
    asked = make_org(name="Deepwater Signals", **UNDERSEA)
    make_org(name="Kelp Forest Sonar", **UNDERSEA)
    alice = _principal(session, people.alice)
    assert len(_names(session, alice, people.org.id)) == 3

    introductions.dismiss(session=session, principal=alice, org_id=people.org.id,
                          mode=MatchMode.CO_DEVELOPMENT, candidate_org_id=dismissed.id,
                          reason=DismissReason.NOT_RELEVANT)
    service.request_introduction(session=session, principal=alice, from_org_id=people.org.id,
                                 mode=MatchMode.CO_DEVELOPMENT, to_org_id=asked.id)

    for mode in (MatchMode.CO_DEVELOPMENT, MatchMode.RESEARCH):
        result = service.suggestions(session=session, principal=alice, org_id=people.org.id,
                                     mode=mode)
        assert "Harbour Acoustics" not in [i.candidate.name for i in result.items]
    assert _names(session, alice, people.org.id) == ["Kelp Forest Sonar"]


def test_a_requested_introduction_keeps_the_suggestions_score_and_reason(
    session: Session, people: SimpleNamespace, make_org: Callable[..., Organisation]
) -> None:
    partner = make_org(name="Harbour Acoustics", **UNDERSEA)

    intro = service.request_introduction(
        session=session, principal=_principal(session, people.alice),
        from_org_id=people.org.id, mode=MatchMode.CO_DEVELOPMENT, to_org_id=partner.id)

    assert 0 < intro.score <= 1
    assert "Harbour Acoustics" in intro.reason and "Undersea" in intro.reason
    assert set(intro.components) >= {"semantic", "focus", "complementarity", "trl", "seeking"}


def test_mentoring_suggests_mentors_by_their_expertise(
    session: Session, people: SimpleNamespace, make_user: Callable[..., object]
) -> None:
    sonar = make_user(name="Dr Sonar", password=None)
    space = make_user(name="Dr Orbit", password=None)
    sonar.is_mentor, sonar.expertise = True, "Underwater acoustics, sonar and acoustic modems."
    space.is_mentor, space.expertise = True, "Satellite buses, orbital mechanics, launch."
    session.flush()

    result = service.suggestions(session=session, principal=None, org_id=people.org.id,
                                 mode=MatchMode.MENTORING, cross_border=False)

    assert [i.candidate.kind for i in result.items] == ["mentor", "mentor"]
    assert result.items[0].candidate.name == "Dr Sonar"

    service.request_introduction(session=session, principal=_principal(session, people.alice),
                                 from_org_id=people.org.id, mode=MatchMode.MENTORING,
                                 to_user_id=sonar.id)
    again = service.suggestions(session=session, principal=None, org_id=people.org.id,
                                mode=MatchMode.MENTORING, cross_border=False)
    assert [i.candidate.name for i in again.items] == ["Dr Orbit"]


def test_solver_search_finds_the_capable_organisation_with_the_passage_that_fits(
    session: Session, people: SimpleNamespace, make_org: Callable[..., Organisation]
) -> None:
    make_org(name="Orbital Ledger", country="US", kind="startup",
             description="Satellite bus software.", capabilities="Orbit determination.",
             focus_areas=["space"],
             offerings=[{"name": "Star tracker", "description": "Attitude sensing for "
                         "small satellites.", "trl": 7}])

    result = service.solvers(session=session, text="attitude sensor for a small satellite")

    top = result.items[0]
    assert top.candidate.name == "Orbital Ledger"
    assert any(e.label.startswith("Offering: Star tracker") for e in top.evidence)
    assert top.reason


def test_while_many_profiles_wait_the_source_is_embedded_and_the_answer_says_how_many_wait(
    session: Session, people: SimpleNamespace, make_org: Callable[..., Organisation],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    make_org(name="Harbour Acoustics", **UNDERSEA)
    make_org(name="Deepwater Signals", **UNDERSEA)
    monkeypatch.setattr(service, "INLINE_SYNC_LIMIT", 1)

    result = service.suggestions(session=session, principal=None, org_id=people.org.id,
                                 mode=MatchMode.CO_DEVELOPMENT)

    assert result.index_pending == 2 and result.items == []
    assert people.org.id not in vectors.stale_org_ids(session)


def test_engines_first_loaded_on_an_empty_directory_pick_up_later_profiles(
    session: Session, make_org: Callable[..., Organisation]
) -> None:
    service.current(session)  # nothing embedded yet

    source = make_org(name="Bay Sonics")
    make_org(name="Harbour Acoustics", **UNDERSEA)

    assert _names(session, None, source.id) == ["Harbour Acoustics"]
