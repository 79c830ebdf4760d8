"""Who may see and change the roadmap: the one place that says.

- Officers and admins create, change and delete initiatives, milestones and links, and read
  every initiative.
- Everyone signed in reads public initiatives; a non-public one is, to them, not there (404).
- Links show what the reader may see anyway: challenges as the challenge rules allow,
  partnerships to officers and to members of the partnership's organisations.
"""

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from indusx.accounts.permissions import Principal
from indusx.errors import NotFound
from indusx.partnerships.models import PartnershipParty
from indusx.roadmap.models import Initiative


def can_edit(principal: Principal | None) -> bool:
    """Return whether the principal may change the roadmap."""
    return principal is not None and principal.is_officer


def sees_private(principal: Principal | None) -> bool:
    """Return whether the principal reads non-public initiatives (None: the server itself)."""
    return principal is None or principal.is_officer


def visible_initiatives(principal: Principal | None) -> ColumnElement[bool]:
    """Return the condition on Initiative that keeps what the principal may read."""
    return true() if sees_private(principal) else Initiative.is_public.is_(True)


def ensure_visible(principal: Principal | None, initiative: Initiative) -> None:
    """Raise NotFound unless the principal may read the initiative."""
    if not initiative.is_public and not sees_private(principal):
        raise NotFound(f"No initiative {initiative.id}")


def visible_partnership_ids(
    session: Session, principal: Principal | None, ids: list[int]
) -> set[int]:
    """Return those of the partnerships the principal may see."""
    if not ids or sees_private(principal):
        return set(ids)
    assert principal is not None
    return set(
        session.scalars(
            select(PartnershipParty.partnership_id).where(
                PartnershipParty.partnership_id.in_(ids),
                PartnershipParty.org_id.in_(list(principal.org_roles) or [-1]),
            )
        )
    )
