"""Which reads of an organisation's private details (contacts, needs, notes, members) are
audited (audit/reads.py): those by officers and admins who are not its members. Its members
read their own, unaudited; everyone else sees only the public profile."""

from sqlalchemy.orm import Session

from indusx.accounts.permissions import Principal
from indusx.audit import reads
from indusx.orgs.models import Organisation


def record_private_read(
    *, session: Session, principal: Principal, org: Organisation, how: str = "view"
) -> bool:
    """Audit a read of an organisation's private details by an officer who is not a member."""
    if org.id in principal.org_roles or not principal.can_view_private(org.id):
        return False
    return reads.record_read(session=session, actor=principal.actor, object_type="organisation",
                             object_id=org.id, how=how,
                             summary=f"{how} of the private details of organisation {org.id}")
