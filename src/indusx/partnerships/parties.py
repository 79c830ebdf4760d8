"""A partnership's parties after it is recorded: adding a directory organisation, and removing
one with a reason.

The rules are those of creation: a party is a directory organisation without a confirmed
restricted-party match, and at least one US and one Indian party remain. Owners and editors of
a party organisation and programme officers change the parties. Each change is audited, shown
on the timeline (read back from the audit log: no other table records it) and notified; a
party that leaves takes its people out of the data room at once.
"""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts.permissions import Principal
from indusx.audit import service as audit
from indusx.audit.models import AuditEvent
from indusx.db import utcnow
from indusx.errors import Conflict, Forbidden, Invalid, NotFound
from indusx.orgs.models import Organisation
from indusx.orgs.taxonomy import Country
from indusx.partnerships import access, dataroom_service, service
from indusx.partnerships.models import Partnership, PartnershipParty, PartyRole
from indusx.partnerships.timeline import TimelineEvent
from indusx.screening import service as screening

ADDED = "partnership.party.add"
REMOVED = "partnership.party.remove"
COUNTRY_NAMES = {Country.US.value: "US", Country.IN.value: "Indian"}
REASON_MAX = 500


def can_change(session: Session, principal: Principal, partnership: Partnership) -> bool:
    """Return whether the principal may add and remove the partnership's parties."""
    if principal.is_officer:
        return True
    return any(principal.can_edit_org(org_id)
               for org_id in access.party_org_ids(session, partnership.id))


def _changeable(session: Session, principal: Principal, partnership_id: int) -> Partnership:
    partnership = access.viewable(session, principal, partnership_id)
    if not can_change(session, principal, partnership):
        raise Forbidden("Only the parties' owners and editors and programme officers may change "
                        "the parties")
    return partnership


def removal_blocker(parties: Sequence[service.PartyView], org_id: int) -> str | None:
    """Return why the party may not leave (the last of its country), or None if it may."""
    leaving = next((p for p in parties if p.org_id == org_id), None)
    if leaving is None:
        return None
    if not any(p.country == leaving.country for p in parties if p.org_id != org_id):
        kind = COUNTRY_NAMES.get(leaving.country, leaving.country)
        return (f"{leaving.name} is the partnership's only {kind} party; add another {kind} "
                "organisation before it leaves")
    return None


def add_party(
    *, session: Session, principal: Principal, partnership_id: int, org_id: int
) -> Organisation:
    """Add a directory organisation as a party (screened first; a confirmed hit is refused)."""
    partnership = _changeable(session, principal, partnership_id)
    org = session.get(Organisation, org_id)
    if org is None:
        raise Invalid.field("org_id", f"No organisation with id {org_id} in the directory")
    if org_id in access.party_org_ids(session, partnership.id):
        raise Conflict(f"{org.name} is already a party to this partnership")
    screening.ensure_clear(session=session, org_ids=[org.id], action="joining a partnership",
                           actor=principal.actor)
    session.add(PartnershipParty(partnership_id=partnership.id, org_id=org.id,
                                 role=PartyRole.PARTNER))
    partnership.updated_at = utcnow()
    session.flush()
    audit.record(session=session, actor=principal.actor, action=ADDED,
                 object_type="partnership", object_id=partnership.id,
                 summary=f"added {org.name} as a party to '{partnership.title}'",
                 after={"org_id": org.id, "name": org.name, "country": org.country})
    service.notify(session, partnership, kind="partnership_party",
                   subject=f"{partnership.title}: {org.name} joined",
                   body=f"{principal.user.email} added {org.name} as a party.",
                   actor_id=principal.user.id)
    return org


def remove_party(
    *, session: Session, principal: Principal, partnership_id: int, org_id: int, reason: str
) -> Organisation:
    """Remove a party with a reason; its people leave the data room at once."""
    partnership = _changeable(session, principal, partnership_id)
    reason = reason.strip()
    row = session.scalar(select(PartnershipParty).where(
        PartnershipParty.partnership_id == partnership.id, PartnershipParty.org_id == org_id))
    org = session.get(Organisation, org_id)
    if row is None or org is None:
        raise NotFound("That organisation is not a party to this partnership")
    blocker = removal_blocker(service.parties(session, partnership.id), org_id)
    if blocker:
        raise Conflict(blocker)
    if not reason:
        raise Invalid.field("reason", "Say why the party leaves the partnership")
    if len(reason) > REASON_MAX:
        raise Invalid.field("reason", f"Use at most {REASON_MAX} characters")
    # Told before it goes, so that the leaving organisation's owners and editors hear of it.
    told = access.stakeholder_user_ids(session, partnership.id)
    role = row.role
    session.delete(row)
    session.flush()
    if role is PartyRole.LEAD:
        successor = session.scalar(select(PartnershipParty).where(
            PartnershipParty.partnership_id == partnership.id).order_by(PartnershipParty.id))
        if successor is not None:
            successor.role = PartyRole.LEAD
    partnership.updated_at = utcnow()
    session.flush()
    dropped = dataroom_service.drop_former_members(session=session, partnership_id=partnership.id,
                                                   actor=principal.actor)
    audit.record(session=session, actor=principal.actor, action=REMOVED,
                 object_type="partnership", object_id=partnership.id,
                 summary=f"removed {org.name} from '{partnership.title}': {reason}",
                 before={"org_id": org.id, "name": org.name, "country": org.country,
                         "role": role},
                 after={"reason": reason, "left_data_room": dropped})
    service.notify(session, partnership, kind="partnership_party",
                   subject=f"{partnership.title}: {org.name} left",
                   body=f"{principal.user.email} removed {org.name} as a party. Reason: {reason}",
                   actor_id=principal.user.id, user_ids=told)
    return org


def party_events(session: Session, partnership_id: int) -> list[TimelineEvent]:
    """Return the parties added and removed after creation as timeline events."""
    rows = session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "partnership", AuditEvent.object_id == str(partnership_id),
        AuditEvent.action.in_((ADDED, REMOVED))))
    out = []
    for event in rows:
        if event.action == ADDED:
            name = (event.after or {}).get("name", "an organisation")
            out.append(TimelineEvent(event.at, "party-added", f"Party added: {name}", "",
                                     event.actor_email or None))
        else:
            name = (event.before or {}).get("name", "an organisation")
            out.append(TimelineEvent(event.at, "party-removed", f"Party removed: {name}",
                                     (event.after or {}).get("reason", ""),
                                     event.actor_email or None))
    return out
