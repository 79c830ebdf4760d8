"""Challenges: creation by an agency's officers, the phases in order, the frozen rubric."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.audit.models import AuditEvent
from indusx.challenges import service
from indusx.challenges.models import PHASE_ORDER, ChallengeMember, Phase
from indusx.challenges.schemas import ChallengeCreate, ChallengeUpdate
from indusx.challenges.service import ChallengeFilter
from indusx.db import utcnow
from indusx.errors import Conflict, Forbidden, Invalid, NotFound
from tests.challenges.conftest import MakeChallenge, challenge_body, principal_of


def test_an_officer_creates_a_draft_for_their_agency_with_times_in_its_time_zone(
    session: Session, world: SimpleNamespace
) -> None:
    body = challenge_body(world.agency.id, deadline_at="2031-03-15T17:00:00")

    challenge = service.create_challenge(
        session=session,
        challenge_in=ChallengeCreate.model_validate(body),
        principal=principal_of(session, world.olga),
    )

    assert challenge.phase is Phase.DRAFT
    assert challenge.slug == "undersea-acoustic-communications"
    # 17:00 in Kolkata (UTC+05:30) is 11:30 UTC.
    assert challenge.deadline_at is not None and challenge.deadline_at.hour == 11
    assert challenge.deadline_at.minute == 30
    read = service.read(session, challenge, principal_of(session, world.olga))
    assert read.deadline_local == "15 Mar 2031, 17:00 IST"
    assert [c.name for c in read.criteria] == ["Technical merit", "Team"]
    assert [round(c.weight_share, 2) for c in read.criteria] == [0.75, 0.25]
    assert read.focus_areas == ["undersea"] and read.can_manage


def test_an_officer_cannot_create_a_challenge_for_an_agency_they_do_not_belong_to(
    session: Session, world: SimpleNamespace
) -> None:
    body = ChallengeCreate.model_validate(challenge_body(world.agency.id))

    with pytest.raises(Forbidden, match="only for an agency you are a member of"):
        service.create_challenge(
            session=session, challenge_in=body, principal=principal_of(session, world.oscar)
        )


def test_an_admin_may_create_for_any_agency_but_only_a_government_one(
    session: Session, world: SimpleNamespace
) -> None:
    admin = principal_of(session, world.admin)
    made = service.create_challenge(
        session=session,
        challenge_in=ChallengeCreate.model_validate(challenge_body(world.other_agency.id)),
        principal=admin,
    )
    assert made.sponsor_org_id == world.other_agency.id

    with pytest.raises(Invalid, match="not a government organisation") as caught:
        service.create_challenge(
            session=session,
            challenge_in=ChallengeCreate.model_validate(challenge_body(world.india.id)),
            principal=admin,
        )
    assert caught.value.errors[0]["field"] == "sponsor_org_id"


def test_a_member_who_is_not_an_officer_cannot_create_a_challenge(
    session: Session, world: SimpleNamespace
) -> None:
    with pytest.raises(Forbidden):
        service.create_challenge(
            session=session,
            challenge_in=ChallengeCreate.model_validate(challenge_body(world.agency.id)),
            principal=principal_of(session, world.alice),
        )


@pytest.mark.parametrize("target", PHASE_ORDER[1:])
def test_a_challenge_moves_forward_one_phase_at_a_time(
    session: Session, world: SimpleNamespace, make_challenge: MakeChallenge, target: Phase
) -> None:
    before = PHASE_ORDER[PHASE_ORDER.index(target) - 1]
    challenge = make_challenge(phase=before)

    service.change_phase(
        session=session,
        challenge=challenge,
        to=target,
        reason="Moving on before the deadline",
        principal=principal_of(session, world.olga),
    )

    assert challenge.phase is target
    event = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == "challenge.phase", AuditEvent.object_id == str(challenge.id))
        .order_by(AuditEvent.id.desc())
    ).first()
    early = target is Phase.SUBMISSIONS_CLOSED  # the fixture's deadline is still ahead
    expected = {"phase": target.value} | (
        {"reason": "Moving on before the deadline"} if early else {})
    assert event is not None and event.after == expected


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (Phase.DRAFT, Phase.SUBMISSIONS_CLOSED),
        (Phase.OPEN, Phase.REVIEW),
        (Phase.REVIEW, Phase.AWARDED),
        (Phase.SHORTLIST, Phase.OPEN),
        (Phase.OPEN, Phase.OPEN),
        (Phase.CLOSED, Phase.DRAFT),
    ],
)
def test_a_challenge_refuses_to_skip_phases_or_jump_back_more_than_one(
    session: Session,
    world: SimpleNamespace,
    make_challenge: MakeChallenge,
    start: Phase,
    target: Phase,
) -> None:
    challenge = make_challenge(phase=start)

    with pytest.raises(Conflict, match=f"not to {target.value}"):
        service.change_phase(
            session=session,
            challenge=challenge,
            to=target,
            reason="a long enough reason",
            principal=principal_of(session, world.olga),
        )
    assert challenge.phase is start


def test_the_last_phase_has_nowhere_forward_to_go(
    session: Session, world: SimpleNamespace, make_challenge: MakeChallenge
) -> None:
    challenge = make_challenge(phase=Phase.CLOSED)
    with pytest.raises(Conflict, match="it is the last phase"):
        service.change_phase(
            session=session,
            challenge=challenge,
            to=Phase.DRAFT,
            reason="",
            principal=principal_of(session, world.olga),
        )


def test_stepping_back_one_phase_needs_a_reason_and_is_audited(
    session: Session, world: SimpleNamespace, make_challenge: MakeChallenge
) -> None:
    challenge = make_challenge(phase=Phase.REVIEW)
    olga = principal_of(session, world.olga)

    with pytest.raises(Invalid, match="reason"):
        service.change_phase(
            session=session,
            challenge=challenge,
            to=Phase.SUBMISSIONS_CLOSED,
            reason=" ",
            principal=olga,
        )
    service.change_phase(
        session=session,
        challenge=challenge,
        to=Phase.SUBMISSIONS_CLOSED,
        reason="Two reviewers withdrew",
        principal=olga,
    )

    assert challenge.phase is Phase.SUBMISSIONS_CLOSED
    event = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == "challenge.phase")
        .order_by(AuditEvent.id.desc())
    ).first()
    assert event is not None
    assert event.after == {"phase": "submissions-closed", "reason": "Two reviewers withdrew"}
    assert "back: Two reviewers withdrew" in event.summary


def test_opening_names_each_missing_piece(
    session: Session, world: SimpleNamespace, make_challenge: MakeChallenge
) -> None:
    challenge = make_challenge(
        phase=Phase.DRAFT,
        problem_statement="",
        criteria=[],
        deadline_at=(utcnow() - timedelta(minutes=1)).isoformat(),
    )

    with pytest.raises(Conflict, match="cannot open yet") as caught:
        service.change_phase(
            session=session,
            challenge=challenge,
            to=Phase.OPEN,
            reason="",
            principal=principal_of(session, world.olga),
        )

    assert [e["field"] for e in caught.value.errors] == [
        "problem_statement",
        "deadline_at",
        "criteria",
    ]
    assert "must be in the future" in caught.value.errors[1]["message"]
    assert challenge.phase is Phase.DRAFT


def test_opening_without_a_deadline_asks_for_one(
    session: Session, world: SimpleNamespace, make_challenge: MakeChallenge
) -> None:
    challenge = make_challenge(phase=Phase.DRAFT, deadline_at=None)
    with pytest.raises(Conflict) as caught:
        service.change_phase(
            session=session,
            challenge=challenge,
            to=Phase.OPEN,
            reason="",
            principal=principal_of(session, world.olga),
        )
    assert caught.value.errors == [
        {"field": "deadline_at", "message": "set the submission deadline"}
    ]


def test_the_rubric_and_questions_are_frozen_once_open_but_other_fields_change(
    session: Session, world: SimpleNamespace, make_challenge: MakeChallenge
) -> None:
    challenge = make_challenge(phase=Phase.OPEN)
    olga = principal_of(session, world.olga)

    with pytest.raises(Conflict, match="frozen once the challenge is open") as caught:
        service.update_challenge(
            session=session,
            challenge=challenge,
            principal=olga,
            challenge_in=ChallengeUpdate.model_validate(
                {"criteria": [{"name": "Cost", "weight": 1}], "questions": []}
            ),
        )
    assert [e["field"] for e in caught.value.errors] == ["criteria", "questions"]

    service.update_challenge(
        session=session,
        challenge=challenge,
        principal=olga,
        challenge_in=ChallengeUpdate(prize="USD 300,000"),
    )
    assert challenge.prize == "USD 300,000"
    assert [c.name for c in service.criteria_of(session, challenge.id)] == [
        "Technical merit",
        "Team",
    ]


def test_a_draft_rubric_can_be_replaced(
    session: Session, world: SimpleNamespace, make_challenge: MakeChallenge
) -> None:
    challenge = make_challenge(phase=Phase.DRAFT)
    service.update_challenge(
        session=session,
        challenge=challenge,
        principal=principal_of(session, world.olga),
        challenge_in=ChallengeUpdate.model_validate({"criteria": [{"name": "Cost", "weight": 2}]}),
    )
    assert [c.name for c in service.criteria_of(session, challenge.id)] == ["Cost"]


@pytest.mark.parametrize("who", ["oscar", "alice", "charlie"])
def test_only_managers_change_a_challenge_or_its_phase(
    session: Session, world: SimpleNamespace, make_challenge: MakeChallenge, who: str
) -> None:
    challenge = make_challenge(phase=Phase.OPEN)
    principal = principal_of(session, getattr(world, who))

    with pytest.raises(Forbidden):
        service.update_challenge(
            session=session,
            challenge=challenge,
            principal=principal,
            challenge_in=ChallengeUpdate(prize="nothing"),
        )
    with pytest.raises(Forbidden):
        service.change_phase(
            session=session,
            challenge=challenge,
            to=Phase.SUBMISSIONS_CLOSED,
            reason="",
            principal=principal,
        )


def test_an_officer_of_another_agency_added_as_manager_may_run_it(
    session: Session, world: SimpleNamespace, make_challenge: MakeChallenge
) -> None:
    challenge = make_challenge(phase=Phase.OPEN)
    session.add(ChallengeMember(challenge_id=challenge.id, user_id=world.oscar.id, role="manager"))
    session.flush()

    service.change_phase(
        session=session,
        challenge=challenge,
        to=Phase.SUBMISSIONS_CLOSED,
        reason="Closing early on the sponsor's instruction",
        principal=principal_of(session, world.oscar),
    )
    assert challenge.phase is Phase.SUBMISSIONS_CLOSED


def test_drafts_are_listed_only_for_their_managers_and_hidden_from_everyone_else(
    session: Session, world: SimpleNamespace, make_challenge: MakeChallenge
) -> None:
    draft = make_challenge(phase=Phase.DRAFT, title="Secret draft")
    open_one = make_challenge(phase=Phase.OPEN, title="Space ISR")

    def titles(user: object) -> list[str]:
        principal = principal_of(session, user) if user is not None else None  # type: ignore[arg-type]
        rows, _ = service.list_challenges(
            session=session, principal=principal, flt=ChallengeFilter()
        )
        return [c.title for c in rows]

    assert titles(world.olga) == ["Space ISR", "Secret draft"]
    assert titles(world.admin) == ["Space ISR", "Secret draft"]
    assert titles(world.oscar) == ["Space ISR"]
    assert titles(world.alice) == ["Space ISR"]
    assert titles(None) == ["Space ISR"]
    with pytest.raises(NotFound):
        service.visible(
            session=session, principal=principal_of(session, world.oscar), challenge=draft
        )
    assert service.visible(session=session, principal=None, challenge=open_one) is open_one


def test_the_listing_searches_words_and_filters_by_phase_area_and_country(
    session: Session, make_challenge: MakeChallenge
) -> None:
    make_challenge(phase=Phase.OPEN, title="Maritime ISR", eligible_countries=["IN"])
    make_challenge(phase=Phase.OPEN, title="Space situational awareness", focus_areas=["space"])
    make_challenge(phase=Phase.REVIEW, title="Counter-drone sensors")

    def titles(**flt: object) -> list[str]:
        rows, total = service.list_challenges(
            session=session, principal=None, flt=ChallengeFilter(**flt)
        )  # type: ignore[arg-type]
        assert total == len(rows)
        return sorted(c.title for c in rows)

    assert titles(phase=(Phase.OPEN,)) == ["Maritime ISR", "Space situational awareness"]
    assert titles(q="maritime isr") == ["Maritime ISR"]
    assert titles(q="situational SPACE") == ["Space situational awareness"]
    assert titles(focus_area="space") == ["Space situational awareness"]
    assert titles(country="US", phase=(Phase.OPEN,)) == ["Space situational awareness"]
