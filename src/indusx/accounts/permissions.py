"""Who may do what: the one place where access rules live.

Platform roles (admin, officer, member) and organisation roles (owner, editor, viewer)
combine into a Principal loaded once per request; routes and services ask it questions.
"""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts.models import Membership, OrgRole, PlatformRole, User
from indusx.audit.service import Actor
from indusx.errors import Forbidden

EDIT_ROLES = frozenset({OrgRole.OWNER, OrgRole.EDITOR})


@dataclass(slots=True)
class Principal:
    """A signed-in user with their organisation roles and how they reached us."""

    user: User
    org_roles: dict[int, OrgRole] = field(default_factory=dict)
    via: str = "web"
    ip: str = ""

    @classmethod
    def load(cls, *, session: Session, user: User, via: str, ip: str = "") -> "Principal":
        """Return the principal for a user, with their memberships loaded."""
        rows = session.execute(
            select(Membership.org_id, Membership.role).where(Membership.user_id == user.id)
        ).all()
        return cls(user=user, org_roles={org_id: role for org_id, role in rows}, via=via, ip=ip)

    @property
    def actor(self) -> Actor:
        return Actor(user_id=self.user.id, email=self.user.email, via=self.via, ip=self.ip)

    @property
    def is_admin(self) -> bool:
        return self.user.platform_role is PlatformRole.ADMIN

    @property
    def is_officer(self) -> bool:
        """Programme officers and admins."""
        return self.user.platform_role in (PlatformRole.ADMIN, PlatformRole.OFFICER)

    def role_in(self, org_id: int) -> OrgRole | None:
        return self.org_roles.get(org_id)

    def can_view_private(self, org_id: int) -> bool:
        """Contact details, needs and notes: the organisation's members and officers."""
        return self.is_officer or org_id in self.org_roles

    def can_view_suggestions(self, org_id: int) -> bool:
        """An organisation's partner suggestions (shaped by its private feedback): its
        members and officers."""
        return self.can_view_private(org_id)

    def can_edit_org(self, org_id: int) -> bool:
        return self.is_admin or self.org_roles.get(org_id) in EDIT_ROLES

    def can_delete_org(self, org_id: int) -> bool:
        return self.is_admin or self.org_roles.get(org_id) is OrgRole.OWNER

    def can_manage_members(self, org_id: int) -> bool:
        return self.is_admin or self.org_roles.get(org_id) is OrgRole.OWNER

    def require(self, allowed: bool, message: str = "You do not have permission") -> None:
        """Raise Forbidden unless allowed."""
        if not allowed:
            raise Forbidden(message)
