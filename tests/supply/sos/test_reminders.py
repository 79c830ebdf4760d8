"""Overdue reminders: a supplier past the response target is reminded once, its editors only."""

from collections.abc import Callable
from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.notifications.models import Notification
from indusx.supply.sos import reminders, service
from indusx.supply.sos.models import SosRequest
from indusx.supply.sos.schemas import AnswerIn, StatusIn
from tests.supply.sos.conftest import Clock, principal

Raise = Callable[..., SosRequest]


def _reminded(session: Session) -> list[tuple[str, str]]:
    rows = session.execute(
        select(Notification.to_email, Notification.link)
        .where(Notification.kind == "sos_overdue").order_by(Notification.id))
    return [(email, link) for email, link in rows]


def test_each_overdue_supplier_s_owners_and_editors_are_reminded_once(
    session: Session, world: SimpleNamespace, raise_request: Raise, clock: Clock
) -> None:
    request = raise_request()
    clock.advance(days=5, minutes=-1)
    assert reminders.send_reminders(session=session, response_days=5) == 0

    clock.advance(minutes=2)
    assert reminders.send_reminders(session=session, response_days=5) == 2
    session.commit()
    told = _reminded(session)
    assert sorted(email for email, _ in told) == sorted([world.alice.email, world.dave.email])
    assert world.bob.email not in {email for email, _ in told}  # a viewer does not answer
    assert all(link.startswith(f"/supply/requests/{request.id}#party-") for _, link in told)
    assert len({link for _, link in told}) == 2  # one reminder per supplier

    clock.advance(days=3)
    assert reminders.send_reminders(session=session, response_days=5) == 0
    assert len(_reminded(session)) == 2


def test_a_supplier_that_answered_or_a_settled_request_is_not_reminded(
    session: Session, world: SimpleNamespace, raise_request: Raise, clock: Clock
) -> None:
    answered, withdrawn = raise_request(), raise_request()
    alice = principal(session, world.alice)
    service.answer_request(
        session=session, principal=alice,
        loaded=service.load(session=session, principal=alice, request_id=answered.id),
        answer_in=AnswerIn(org_id=world.supplier.id, action="acknowledge"))
    gina = principal(session, world.gina)
    service.change_status(
        session=session, principal=gina,
        loaded=service.load(session=session, principal=gina, request_id=withdrawn.id),
        status_in=StatusIn(status="withdrawn", reason="The exercise was called off."))
    session.commit()
    clock.advance(days=6)

    assert reminders.send_reminders(session=session, response_days=5) == 1

    [(email, link)] = _reminded(session)
    assert email == world.dave.email and link.startswith(f"/supply/requests/{answered.id}#")


def test_the_response_target_decides_when_a_supplier_is_overdue(
    session: Session, world: SimpleNamespace, raise_request: Raise, clock: Clock
) -> None:
    raise_request()
    clock.advance(days=6)

    assert reminders.overdue_parties(session=session, response_days=7) == []
    overdue = reminders.overdue_parties(session=session, response_days=5)
    assert {org.id for _, _, org in overdue} == {world.supplier.id, world.granite.id}
