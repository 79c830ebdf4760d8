"""Who may see and change a partnership: the one place that says.

- **View**: members (any role) of a party organisation, officers assigned to it, and every
  programme officer and admin (officers steer the pipeline). Anyone else gets 404, so that
  a partnership's existence is not disclosed.
- **Edit** (details, stage, tasks, assessments): owners and editors of a party organisation,
  assigned officers, and admins.
- **Assign officers**: programme officers and admins.
"""

from sqlalchemy import ColumnElement, or_, select, true
from sqlalchemy.orm import Session

from indusx.accounts.models import Membership, OrgRole, User
from indusx.accounts.permissions import Principal
from indusx.errors import Forbidden, NotFound
from indusx.partnerships.models import Partnership, PartnershipOfficer, PartnershipParty

EDIT_ROLES = (OrgRole.OWNER, OrgRole.EDITOR)


def party_org_ids(session: Session, partnership_id: int) -> list[int]:
    """Return the ids of the partnership's party organisations."""
    return list(session.scalars(
        select(PartnershipParty.org_id).where(PartnershipParty.partnership_id == partnership_id)
        .order_by(PartnershipParty.id)))


def assigned_officer_ids(session: Session, partnership_id: int) -> list[int]:
    """Return the ids of the officers assigned to the partnership."""
    return list(session.scalars(
        select(PartnershipOfficer.user_id)
        .where(PartnershipOfficer.partnership_id == partnership_id)
        .order_by(PartnershipOfficer.id)))


def is_assigned_officer(session: Session, partnership_id: int, user_id: int) -> bool:
    """Return whether the user is an officer assigned to the partnership."""
    return session.scalar(select(PartnershipOfficer.id).where(
        PartnershipOfficer.partnership_id == partnership_id,
        PartnershipOfficer.user_id == user_id)) is not None


def can_view(session: Session, principal: Principal, partnership: Partnership) -> bool:
    """Return whether the principal may see the partnership."""
    if principal.is_officer:
        return True
    orgs = party_org_ids(session, partnership.id)
    if any(principal.role_in(org_id) is not None for org_id in orgs):
        return True
    return is_assigned_officer(session, partnership.id, principal.user.id)


def can_edit(session: Session, principal: Principal, partnership: Partnership) -> bool:
    """Return whether the principal may change the partnership (details, stage, tasks)."""
    if principal.is_admin:
        return True
    orgs = party_org_ids(session, partnership.id)
    if any(principal.role_in(org_id) in EDIT_ROLES for org_id in orgs):
        return True
    return is_assigned_officer(session, partnership.id, principal.user.id)


def can_assign_officers(principal: Principal) -> bool:
    """Return whether the principal may assign officers to partnerships."""
    return principal.is_officer


def visible(principal: Principal) -> ColumnElement[bool]:
    """Return the condition on Partnership that keeps what the principal may list."""
    if principal.is_officer:
        return true()
    as_party = select(PartnershipParty.partnership_id).where(
        PartnershipParty.org_id.in_(list(principal.org_roles) or [-1]))
    as_officer = select(PartnershipOfficer.partnership_id).where(
        PartnershipOfficer.user_id == principal.user.id)
    return or_(Partnership.id.in_(as_party), Partnership.id.in_(as_officer))


def user_can_view(session: Session, user: User, partnership: Partnership) -> bool:
    """Return whether a user (not necessarily the caller) may see the partnership."""
    if not user.is_active:
        return False
    if user.is_officer:
        return True
    orgs = party_org_ids(session, partnership.id)
    member = session.scalar(select(Membership.id).where(
        Membership.user_id == user.id, Membership.org_id.in_(orgs or [-1])).limit(1))
    return member is not None or is_assigned_officer(session, partnership.id, user.id)


def viewable(session: Session, principal: Principal, partnership_id: int) -> Partnership:
    """Return the partnership if the principal may see it, else raise 404."""
    partnership = session.get(Partnership, partnership_id)
    if partnership is None or not can_view(session, principal, partnership):
        raise NotFound("No such partnership")
    return partnership


def editable(session: Session, principal: Principal, partnership_id: int) -> Partnership:
    """Return the partnership if the principal may change it; 404 if unseen, else 403."""
    partnership = viewable(session, principal, partnership_id)
    if not can_edit(session, principal, partnership):
        raise Forbidden("Only the parties' owners and editors and assigned officers may change "
                        "this partnership")
    return partnership


def stakeholder_user_ids(session: Session, partnership_id: int) -> list[int]:
    """Return owners and editors of the parties and the assigned officers (who are notified)."""
    orgs = party_org_ids(session, partnership_id)
    editors = session.scalars(select(Membership.user_id).where(
        Membership.org_id.in_(orgs or [-1]), Membership.role.in_(EDIT_ROLES)))
    ids = dict.fromkeys([*editors, *assigned_officer_ids(session, partnership_id)])
    return list(ids)
