"""Three fictional Security of Supply requests on the demo supply systems, marked Demo.

One is open and overdue (raised eight days ago, nobody has answered), one committed, one
constrained. The demo officer raises them; the suppliers' answers are recorded by the officer
on their behalf (demo suppliers have no members). Nothing is loaded without demo systems whose
parts have directory sources, nor twice.
"""

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts.models import PlatformRole, User
from indusx.accounts.permissions import Principal
from indusx.orgs.taxonomy import Country
from indusx.screening import service as screening
from indusx.supply.models import Part, Source, SupplySystem
from indusx.supply.sos import service, timing
from indusx.supply.sos.models import AnswerAction, Marking, SosParty, SosRequest
from indusx.supply.sos.schemas import AnswerIn, RequestCreate

DEMO_OFFICER = "officer@indusx.example"
JUSTIFICATION = (
    "Fictional demonstration request: the receiving service's readiness for a joint exercise "
    "depends on this delivery, and stocks cover less than the period to the needed-by date."
)


def _officer(session: Session) -> User | None:
    user = session.scalar(select(User).where(User.email == DEMO_OFFICER))
    return user or session.scalar(
        select(User).where(User.platform_role == PlatformRole.OFFICER).order_by(User.id).limit(1))


def _parts(session: Session, blocked: set[int]) -> list[tuple[Part, list[int]]]:
    """Return up to three demo parts with clear directory sources, from different systems."""
    rows = session.execute(
        select(Part, Source.supplier_org_id)
        .join(Source, Source.part_id == Part.id)
        .join(SupplySystem, SupplySystem.id == Part.system_id)
        .where(SupplySystem.is_demo.is_(True), Source.supplier_org_id.is_not(None))
        .order_by(SupplySystem.id, Part.id, Source.share.desc())
    )
    by_part: dict[int, tuple[Part, list[int]]] = {}
    for part, org_id in rows:
        if org_id is not None and org_id not in blocked:
            by_part.setdefault(part.id, (part, []))[1].append(org_id)
    candidates = list(by_part.values())
    # One part per system first, so that the requests spread over the demo systems.
    firsts = list({part.system_id: (part, orgs) for part, orgs in reversed(candidates)}.values())
    chosen = (firsts + [c for c in candidates if c not in firsts])[:3]
    return [(part, orgs[:2]) for part, orgs in chosen]


def load_demo_requests(*, session: Session) -> list[str]:
    """Raise the demo requests; return their references (none if already loaded)."""
    if session.scalar(select(SosRequest.id).where(SosRequest.is_demo.is_(True)).limit(1)):
        return []
    officer = _officer(session)
    parts = _parts(session, screening.blocked_org_ids(session=session))
    if officer is None or len(parts) < 3:
        return []
    principal = Principal.load(session=session, user=officer, via="cli")
    today = timing.now().date()
    plans = (("IN", 21, "open"), ("US", 45, "commit"), ("IN", 30, "constraint"))
    references = []
    for (part, orgs), (country, days, outcome) in zip(parts, plans, strict=True):
        request = service.create_request(
            session=session, principal=principal, is_demo=True,
            request_in=RequestCreate(
                requesting_country=Country(country), supply_part_id=part.id, quantity=24,
                needed_on=today + timedelta(days=days), justification=JUSTIFICATION,
                marking=Marking.UNCLASSIFIED if country == "IN" else Marking.CUI,
                supplier_org_ids=orgs,
            ),
        )
        references.append(request.reference)
        if outcome == "open":
            # Raised eight days ago and still unanswered: overdue against the target.
            past = request.created_at - timedelta(days=8)
            request.created_at = request.updated_at = past
            for party in session.scalars(select(SosParty).where(
                    SosParty.request_id == request.id)):
                party.routed_at = past
            session.flush()
            continue
        loaded = service.load(session=session, principal=principal, request_id=request.id)
        on_behalf = replace(loaded, rights=replace(loaded.rights, answer_org_ids=tuple(orgs)))
        for n, org_id in enumerate(orgs):
            if outcome == "commit":
                answer = AnswerIn(org_id=org_id, action=AnswerAction.COMMIT,
                                  committed_on=today + timedelta(days=days - 5 + 10 * n),
                                  note="Fictional: slot reserved on the production line.")
            elif n == 0:
                answer = AnswerIn(org_id=org_id, action=AnswerAction.CONSTRAINT,
                                  note="Fictional: forging capacity is booked until next "
                                  "quarter; a partial delivery of 10 is possible.")
            else:
                answer = AnswerIn(org_id=org_id, action=AnswerAction.ACKNOWLEDGE)
            service.answer_request(session=session, principal=principal, loaded=on_behalf,
                                   answer_in=answer)
    return references
