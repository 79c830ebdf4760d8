"""The demo requests: one open and overdue, one committed, one constrained, loaded once."""

from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.supply.models import Part, PartKind, Source
from indusx.supply.sos import demo, service, views
from indusx.supply.sos.models import SosRequest
from tests.supply.sos.conftest import Clock, principal


def test_the_demo_raises_three_requests_in_three_states_once(
    session: Session, world: SimpleNamespace, clock: Clock
) -> None:
    world.system.is_demo = True
    for number in ("P2", "P3"):
        part = Part(system_id=world.system.id, number=number, name=f"Part {number}",
                    kind=PartKind.PART)
        session.add(part)
        session.flush()
        session.add(Source(part_id=part.id, supplier_org_id=world.granite.id, country="US",
                           share=1.0, lead_time_days=30))
    session.commit()

    references = demo.load_demo_requests(session=session)

    assert len(references) == 3
    assert demo.load_demo_requests(session=session) == []
    who = principal(session, world.officer)
    found = {}
    for request in session.scalars(select(SosRequest).order_by(SosRequest.id)):
        loaded = service.load(session=session, principal=who, request_id=request.id)
        found[request.status.value] = views.read_request(
            session=session, principal=who, loaded=loaded, response_days=5)
        assert request.is_demo
    assert set(found) == {"open", "committed", "constrained"}
    assert all(p.overdue for p in found["open"].parties)
    assert not any(p.overdue for p in found["committed"].parties)
