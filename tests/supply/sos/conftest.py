"""Fixtures of the Security of Supply tests: a government buyer, two suppliers, a part, a clock.

- gina owns the US government organisation "Defense Logistics Test Agency" (gus views it);
- alice owns people.org (IN), bob views it: supplier one;
- dave owns "Granite Forge Components" (US): supplier two;
- system TS-9 is integrated by the agency; its part P1 is sourced from both directory
  suppliers and from Kaiju Metals (JP), which is not on the platform.
The clock stands at 2026-03-02 09:00 UTC unless a test moves it.
"""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy.orm import Session

from indusx.accounts import service as account_service
from indusx.accounts.models import OrgRole, User
from indusx.accounts.permissions import Principal
from indusx.orgs.models import Organisation
from indusx.supply.models import Part, PartKind, Source, SupplySystem
from indusx.supply.sos import service, timing
from indusx.supply.sos.models import SosRequest
from indusx.supply.sos.schemas import RequestCreate
from tests.conftest import ACTOR

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Clock:
    """A settable clock patched over timing.now()."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fixed = Clock(START)
    monkeypatch.setattr(timing, "now", fixed)
    return fixed


def principal(session: Session, user: User) -> Principal:
    """Return a user's principal, as a request would load it."""
    return Principal.load(session=session, user=user, via="api")


@pytest.fixture
def world(
    session: Session,
    people: SimpleNamespace,
    make_user: Callable[..., User],
    make_org: Callable[..., Organisation],
) -> SimpleNamespace:
    """The parties, a system and its part P1 with three sources (see the module docstring)."""
    gina = make_user(name="Gina Government", password=None)
    gus = make_user(name="Gus Viewer", password=None)
    dave = make_user(name="Dave Supplier", password=None)
    gov = make_org(owner=gina, name="Defense Logistics Test Agency", country="US",
                   kind="government")
    account_service.add_member(session=session, org_id=gov.id, user=gus, role=OrgRole.VIEWER,
                               actor=ACTOR)
    granite = make_org(owner=dave, name="Granite Forge Components", country="US", kind="msme")
    # The agency integrates the system in its own depot, so it may read the system's BOM.
    system = SupplySystem(code="TS-9", name="Test howitzer", annual_demand=12.0,
                          integrator_org_id=gov.id)
    session.add(system)
    session.flush()
    part = Part(system_id=system.id, number="P1", name="Breech ring", kind=PartKind.PART,
                unit="pc")
    session.add(part)
    session.flush()
    session.add_all([
        Source(part_id=part.id, supplier_org_id=people.org.id, country="IN", share=0.5,
               lead_time_days=60),
        Source(part_id=part.id, supplier_org_id=granite.id, country="US", share=0.3,
               lead_time_days=90),
        Source(part_id=part.id, supplier_name="Kaiju Metals", country="JP", share=0.2,
               lead_time_days=120),
    ])
    session.commit()
    return SimpleNamespace(**vars(people), gina=gina, gus=gus, dave=dave, gov=gov,
                           supplier=people.org, granite=granite, system=system, part=part)


def body(**changes: Any) -> dict[str, Any]:
    """Return a valid request body for part-less use; override fields with `changes`."""
    values: dict[str, Any] = {
        "item": "155 mm breech rings",
        "quantity": 40,
        "unit": "pc",
        "needed_on": (START + timedelta(days=30)).date().isoformat(),
        "justification": "Battery readiness for the spring exercise depends on these rings.",
        "marking": "CUI",
    }
    values.update(changes)
    return values


@pytest.fixture
def raise_request(session: Session, world: SimpleNamespace, clock: Clock) -> Callable[..., Any]:
    """Raise a request as gina (default: for part P1, routed to its directory sources)."""

    def _raise(user: User | None = None, **changes: Any) -> SosRequest:
        values = body(supply_part_id=world.part.id, item="")
        values.update(changes)
        request = service.create_request(
            session=session, principal=principal(session, user or world.gina),
            request_in=RequestCreate.model_validate(values),
        )
        session.commit()
        return request

    return _raise


def needed(days: int) -> date:
    """Return the date `days` after the fixed clock's day."""
    return (START + timedelta(days=days)).date()
