"""Overdue reminders: a routed supplier that has not answered in time hears once per episode.

A supplier's overdue episode starts when its first answer falls due (routing time plus
`INDUSX_SUPPLY_RESPONSE_DAYS`) while the request is unsettled, and ends with its first answer
or when the request is settled; both are final, so an episode happens once per routing. Each
round (the outbox worker's, or `indusx supply remind`) tells the active owners and editors of
every overdue supplier not yet reminded since it was routed. The outbox is the record: a
`sos_overdue` message whose link names the party (`/supply/requests/7#party-12`), kept even
when a user's settings silence it. On PostgreSQL the party rows are locked (skipping those
another round holds), so two rounds running at once do not both send.
"""

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.notifications import service as outbox
from indusx.notifications.models import Notification
from indusx.orgs.models import Organisation
from indusx.supply.sos import notices, timing
from indusx.supply.sos.models import ACTIVE_STATUSES, SosParty, SosRequest


def party_link(request: SosRequest, party: SosParty) -> str:
    """Return the address a reminder points to; it also identifies the party's reminder."""
    return f"{notices.link(request)}#party-{party.id}"


def overdue_parties(
    *, session: Session, response_days: int, at: datetime | None = None
) -> list[tuple[SosParty, SosRequest, Organisation]]:
    """Return the overdue suppliers that were not reminded since they were routed."""
    cutoff = (at or timing.now()) - timedelta(days=response_days)
    rows = session.execute(
        select(SosParty, SosRequest, Organisation)
        .join(SosRequest, SosRequest.id == SosParty.request_id)
        .join(Organisation, Organisation.id == SosParty.org_id)
        .where(SosRequest.status.in_(ACTIVE_STATUSES), SosParty.first_response_at.is_(None),
               SosParty.routed_at < cutoff)
        .order_by(SosParty.id)
        .with_for_update(of=SosParty, skip_locked=True)
    ).all()
    if not rows:
        return []
    links = {party_link(request, party): party for party, request, _ in rows}
    told = {
        link for link, created_at in session.execute(
            select(Notification.link, Notification.created_at).where(
                Notification.kind == notices.OVERDUE, Notification.link.in_(list(links)))
        )
        if created_at >= links[link].routed_at
    }
    return [(p, r, o) for p, r, o in rows if party_link(r, p) not in told]


def _body(request: SosRequest, party: SosParty, org: Organisation, name: str,
          response_days: int, at: datetime) -> str:
    due = timing.due_at(party.routed_at, response_days)
    late = max(1, (at - due).days) if at > due else 0
    return (
        f"Hello {name},\n\n{org.name} was asked on {party.routed_at:%d %b %Y} to answer "
        f"Security of Supply request {request.reference}: {request.quantity:g} {request.unit} "
        f"of {request.item}, needed by {request.needed_on:%d %b %Y}. A first answer was due "
        f"within {response_days} days, by {due:%d %b %Y %H:%M} UTC "
        f"({late} day{'' if late == 1 else 's'} ago), and none has come. Acknowledge the "
        "request, commit to a delivery date, or explain a constraint."
    )


def send_reminders(
    *, session: Session, response_days: int, at: datetime | None = None
) -> int:
    """Queue a reminder to each newly overdue supplier's owners and editors; return how many."""
    at = at or timing.now()
    queued = 0
    for party, request, org in overdue_parties(session=session, response_days=response_days,
                                               at=at):
        for user in notices.supplier_editors(session, [org.id]):
            outbox.enqueue(
                session=session, to_email=user.email, user_id=user.id, kind=notices.OVERDUE,
                subject=notices.subject(request, f"answer overdue from {org.name}")[:200],
                body=_body(request, party, org, user.full_name, response_days, at),
                link=party_link(request, party),
            )
            queued += 1
    return queued
