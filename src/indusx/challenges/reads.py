"""Which reads of proposals are audited (audit/reads.py): those by anyone outside the
proposal's organisations (reviewers, the challenge's managers, admins), who read another
organisation's plans. Members of its organisations read their own, unaudited."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts.permissions import Principal
from indusx.audit import reads
from indusx.challenges.models import Proposal, ProposalParty

PROPOSAL = "proposal"
ATTACHMENT = "proposal_attachment"


def _is_party(session: Session, principal: Principal, proposal_id: int) -> bool:
    orgs = set(session.scalars(
        select(ProposalParty.org_id).where(ProposalParty.proposal_id == proposal_id)))
    # A proposal made before its parties were recorded has only its lead.
    orgs.update(session.scalars(select(Proposal.lead_org_id).where(Proposal.id == proposal_id)))
    return any(principal.role_in(org_id) is not None for org_id in orgs)


def record_proposal_read(
    *, session: Session, principal: Principal, proposal_id: int, how: str = "view"
) -> bool:
    """Audit a read of a proposal's content by someone outside its organisations."""
    if _is_party(session, principal, proposal_id):
        return False
    return reads.record_read(session=session, actor=principal.actor, object_type=PROPOSAL,
                             object_id=proposal_id, how=how)


def record_attachment_read(
    *, session: Session, principal: Principal, proposal_id: int, attachment_id: int
) -> bool:
    """Audit a download of a proposal's file by someone outside its organisations."""
    if _is_party(session, principal, proposal_id):
        return False
    return reads.record_read(session=session, actor=principal.actor, object_type=ATTACHMENT,
                             object_id=attachment_id, how="download",
                             summary=f"download of proposal_attachment {attachment_id} "
                                     f"(proposal {proposal_id})")
