"""Who may raise, read, answer and settle Security of Supply requests: the one place that says.

- **Raisers**: programme officers, admins, and owners and editors of a government organisation.
- **The requesting side** (the raiser, members of the requesting organisation) and officers read
  everything about a request.
- **Suppliers** (members of an organisation the request is routed to) read the request and
  where every supplier stands, but not another supplier's notes (a constraint may reveal a
  commercial weakness); their owners and editors answer for the organisation.
- Officers mark a request fulfilled or close it; the raiser or an officer withdraws it.
- Everyone else is told the request does not exist (404).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, or_, select, true
from sqlalchemy.orm import Session

from indusx.accounts.permissions import EDIT_ROLES, Principal
from indusx.orgs.models import Organisation
from indusx.orgs.taxonomy import OrgKind
from indusx.supply.sos.models import SosParty, SosRequest


def raising_orgs(session: Session, principal: Principal) -> list[Organisation]:
    """Return the government organisations the principal may raise requests for."""
    ids = [org_id for org_id, role in principal.org_roles.items() if role in EDIT_ROLES]
    if not ids:
        return []
    return list(session.scalars(
        select(Organisation)
        .where(Organisation.id.in_(ids), Organisation.kind == OrgKind.GOVERNMENT)
        .order_by(Organisation.name)
    ))


def can_raise(session: Session, principal: Principal) -> bool:
    """Return whether the principal may raise a priority-delivery request."""
    return principal.is_officer or bool(raising_orgs(session, principal))


@dataclass(frozen=True, slots=True)
class RequestAccess:
    """What the principal may do with one request."""

    read: bool
    full: bool  # every supplier's notes: the requesting side and officers
    answer_org_ids: tuple[int, ...]  # routed suppliers the principal answers for
    manage: bool  # mark fulfilled, close (officers)
    withdraw: bool  # the raiser and officers


def request_access(
    principal: Principal, request: SosRequest, party_org_ids: Iterable[int]
) -> RequestAccess:
    """Return what the principal may do with a request routed to these organisations."""
    parties = set(party_org_ids)
    raiser = request.raised_by_id == principal.user.id
    requesting = raiser or (
        request.requester_org_id is not None and request.requester_org_id in principal.org_roles
    )
    supplier = bool(parties & set(principal.org_roles))
    full = requesting or principal.is_officer
    answer = tuple(sorted(
        org_id for org_id in parties if principal.role_in(org_id) in EDIT_ROLES
    ))
    return RequestAccess(
        read=full or supplier,
        full=full,
        answer_org_ids=answer,
        manage=principal.is_officer,
        withdraw=raiser or principal.is_officer,
    )


def visible_requests(principal: Principal) -> ColumnElement[bool]:
    """Return the condition on SosRequest that keeps what the principal may list."""
    if principal.is_officer:
        return true()
    orgs = list(principal.org_roles) or [-1]
    return or_(
        SosRequest.raised_by_id == principal.user.id,
        SosRequest.requester_org_id.in_(orgs),
        SosRequest.id.in_(select(SosParty.request_id).where(SosParty.org_id.in_(orgs))),
    )
