"""Assessments through the service: parties resolved and screened, saved, audited, linked."""

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts.permissions import Principal
from indusx.audit.models import AuditEvent
from indusx.errors import Conflict, Invalid
from indusx.orgs.models import Organisation
from indusx.pathway import demo, service
from indusx.pathway import hurdles as hurdle_service
from indusx.pathway.engine.evaluate import Verdict
from indusx.pathway.hurdles import HurdleFilter
from indusx.pathway.models import HurdleStatus
from indusx.pathway.schemas import AssessmentIn, HurdleCreate, HurdleUpdate
from indusx.screening import cases as screening_cases
from indusx.screening.models import CaseStatus
from tests.conftest import ACTOR
from tests.pathway.conftest import coproduction


def _principal(session: Session, user: object) -> Principal:
    return Principal.load(session=session, user=user, via="test")  # type: ignore[arg-type]


def test_directory_parties_bring_their_country_and_screening_status(
    session: Session, firms: SimpleNamespace, lists: Path
) -> None:
    body = AssessmentIn.model_validate(coproduction(firms.us.slug, str(firms.india.id)))

    result = service.run_assessment(session=session, assessment_in=body)

    assert result.verdict is Verdict.AUTHORISATIONS_REQUIRED
    assert [a.rule_id for a in result.authorisations] == ["us-itar-mla-manufacture-abroad"]
    assert [(p.name, p.country, p.org_id, p.screening.status) for p in result.parties] == [
        ("Harbour Turbine Works", "US", firms.us.id, "clear"),
        ("Deccan Aero Components", "IN", firms.india.id, "clear"),
    ]
    assert result.items[0].classification == "USML Cat. XIX"
    assert result.id is None  # not saved


def test_a_confirmed_screening_hit_on_a_directory_party_blocks_the_assessment(
    session: Session,
    firms: SimpleNamespace,
    lists: Path,
    make_org: Callable[..., Organisation],
    people: SimpleNamespace,
) -> None:
    listed = make_org(name="Zenith Strike Armaments Pvt Ltd", country="IN")
    [case] = screening_cases.subject_cases(session=session, org_id=listed.id)
    screening_cases.decide(
        session=session,
        principal=_principal(session, people.officer),
        case_id=case.id,
        decision=CaseStatus.CONFIRMED,
        reason="Confirmed by due diligence",
    )
    body = AssessmentIn.model_validate(
        {
            "activity": "co-development",
            "parties": [{"org": firms.us.slug}, {"org": listed.slug}],
            "items": [{"name": "Data logger", "classification": "EAR99"}],
        }
    )

    result = service.run_assessment(session=session, assessment_in=body)

    assert result.verdict is Verdict.BLOCKED
    party = result.parties[1]
    assert party.screening.status == "confirmed" and party.screening.case_ids == [case.id]
    assert result.blocked_by and "Zenith Strike" in result.blocked_by[0]


def test_a_named_party_outside_the_directory_is_checked_against_the_lists(
    session: Session, firms: SimpleNamespace, lists: Path
) -> None:
    body = AssessmentIn.model_validate(
        {
            "activity": "hardware-export",
            "parties": [
                {"org": firms.us.slug},
                {"name": "Zenith Strike Armaments Limited", "country": "BY"},
            ],
            "items": [{"name": "Data logger", "classification": "EAR99"}],
        }
    )

    result = service.run_assessment(session=session, assessment_in=body)

    named = result.parties[1]
    assert named.org_id is None and named.screening.status == "review"
    assert "screening-open-case" in [c.rule_id for c in result.conclusions]
    assert "us-ear99-no-licence" not in [c.rule_id for c in result.conclusions]


def test_without_lists_parties_are_not_screened_and_the_assessment_says_so(
    session: Session, firms: SimpleNamespace
) -> None:
    body = AssessmentIn.model_validate(coproduction(firms.us.slug, firms.india.slug))

    result = service.run_assessment(session=session, assessment_in=body)

    assert {p.screening.status for p in result.parties} == {"not screened"}
    assert [c.rule_id for c in result.conclusions].count("screening-not-screened") == 2


def test_an_unknown_organisation_is_refused_naming_the_field(session: Session) -> None:
    body = AssessmentIn.model_validate(coproduction("no-such-firm", "nor-this-one"))

    with pytest.raises(Invalid) as caught:
        service.run_assessment(session=session, assessment_in=body)

    assert caught.value.errors == [
        {"field": "parties.0.org", "message": "no organisation 'no-such-firm' in the directory"}
    ]


def test_a_saved_assessment_is_audited_and_links_the_hurdles_it_hits(
    session: Session, firms: SimpleNamespace, people: SimpleNamespace
) -> None:
    assert demo.load_demo_hurdles(session=session, actor=ACTOR) == 5
    body = AssessmentIn.model_validate(coproduction(firms.us.slug, firms.india.slug))
    actor = _principal(session, people.bob).actor

    result = service.run_assessment(session=session, assessment_in=body, actor=actor, save=True)

    assert result.id is not None and result.created_by == people.bob.email
    assert [h.key for h in result.hurdles] == ["mla-coproduction-usml"]
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "pathway.assessment.create")
    ).one()
    assert event.object_id == str(result.id) and event.actor_email == people.bob.email
    row = service.get_assessment(
        session=session, principal=_principal(session, people.bob), assessment_id=result.id
    )
    again = service.assessment_read(session, row)
    assert again.verdict is Verdict.AUTHORISATIONS_REQUIRED
    assert again.conclusions == result.conclusions
    [mla] = [h for h in again.hurdles]
    assert hurdle_service.assessment_ids(session=session, hurdle_ids=[mla.id]) == {
        mla.id: [result.id]
    }


def test_saved_assessments_are_seen_by_their_author_and_officers_only(
    session: Session, firms: SimpleNamespace, people: SimpleNamespace
) -> None:
    body = AssessmentIn.model_validate(coproduction(firms.us.slug, firms.india.slug))
    mine = service.run_assessment(
        session=session, assessment_in=body, save=True, actor=_principal(session, people.bob).actor
    )
    assert mine.id is not None

    for user, total in ((people.bob, 1), (people.charlie, 0), (people.officer, 1)):
        page = service.list_assessments(session=session, principal=_principal(session, user))
        assert page.total == total
    with pytest.raises(Exception, match="No assessment"):
        service.get_assessment(
            session=session, principal=_principal(session, people.charlie), assessment_id=mine.id
        )


def test_hurdles_are_created_changed_and_deleted_with_audit_entries(session: Session) -> None:
    hurdle = hurdle_service.create_hurdle(
        session=session,
        actor=ACTOR,
        hurdle_in=HurdleCreate(
            title="Slow end-user certificates", regulation="DDP SOP", focus_areas=["munitions"]
        ),
    )
    hurdle_service.update_hurdle(
        session=session,
        hurdle=hurdle,
        actor=ACTOR,
        hurdle_in=HurdleUpdate(status=HurdleStatus.RESOLVED, focus_areas=["munitions", "space"]),
    )
    hurdle_service.delete_hurdle(session=session, hurdle=hurdle, actor=ACTOR)

    events = session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "hurdle").order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in events] == ["hurdle.create", "hurdle.update", "hurdle.delete"]
    assert events[1].before == {"status": "open", "focus_areas": ["munitions"]}
    assert events[1].after == {"status": "resolved", "focus_areas": ["munitions", "space"]}


def test_hurdle_keys_are_unique_and_focus_areas_must_exist(session: Session) -> None:
    hurdle_service.create_hurdle(
        session=session, actor=ACTOR, hurdle_in=HurdleCreate(key="one", title="First hurdle")
    )
    with pytest.raises(Conflict):
        hurdle_service.create_hurdle(
            session=session, actor=ACTOR, hurdle_in=HurdleCreate(key="one", title="Second hurdle")
        )
    with pytest.raises(Invalid, match="focus_areas"):
        hurdle_service.create_hurdle(
            session=session,
            actor=ACTOR,
            hurdle_in=HurdleCreate(title="Third hurdle", focus_areas=["underwater-basket-weaving"]),
        )


def test_the_report_counts_hurdles_by_area_and_status(session: Session) -> None:
    demo.load_demo_hurdles(session=session, actor=ACTOR)
    hurdle_service.create_hurdle(
        session=session, actor=ACTOR, hurdle_in=HurdleCreate(title="Without an area")
    )

    report = hurdle_service.report(session=session)

    rows = {row.area: row for row in report.rows}
    assert rows["jet-propulsion"].counts == {
        HurdleStatus.OPEN: 2,
        HurdleStatus.IN_PROGRESS: 1,
        HurdleStatus.RESOLVED: 0,
    }
    assert rows["munitions"].total == 2 and rows[None].total == 1
    assert report.totals == {
        HurdleStatus.OPEN: 4,
        HurdleStatus.IN_PROGRESS: 2,
        HurdleStatus.RESOLVED: 0,
    }
    assert report.total == 6


def test_the_register_filters_sorts_and_pages(session: Session) -> None:
    demo.load_demo_hurdles(session=session, actor=ACTOR)

    rows, total = hurdle_service.list_hurdles(
        session=session, flt=HurdleFilter(status=(HurdleStatus.IN_PROGRESS,))
    )
    assert total == 2 and {h.key for h in rows} == {"rdp-not-concluded", "scomet-cat6-ddp"}
    rows, total = hurdle_service.list_hurdles(
        session=session, flt=HurdleFilter(area=("space",), q="DDP")
    )
    assert [h.key for h in rows] == ["scomet-cat6-ddp"]
    first, total = hurdle_service.list_hurdles(session=session, flt=HurdleFilter(), page_size=2)
    assert total == 5 and len(first) == 2
    assert [h.status for h in first] == [HurdleStatus.OPEN, HurdleStatus.OPEN]


def test_demo_hurdles_load_once(session: Session) -> None:
    assert demo.load_demo_hurdles(session=session, actor=ACTOR) == 5
    assert demo.load_demo_hurdles(session=session, actor=ACTOR) == 0
