"""REST API of solver discovery: who could solve a challenge, and invitations to apply."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from indusx.challenges import discovery
from indusx.challenges import service as challenge_service
from indusx.challenges.discovery import InviteCreate, InviteRead, SolverList
from indusx.challenges.models import Challenge
from indusx.deps import Officer, SessionDep

router = APIRouter(prefix="/api/v1/challenges/{challenge_id}", tags=["challenges"])


def managed_challenge(challenge_id: int, principal: Officer, session: SessionDep) -> Challenge:
    """Return the challenge in the path if the caller manages it (403), or 404."""
    challenge = challenge_service.get_challenge(session=session, challenge_id=challenge_id)
    discovery.require_manager(session, principal, challenge)
    return challenge


ManagedChallenge = Annotated[Challenge, Depends(managed_challenge)]


@router.get("/solvers", summary="Organisations best able to solve a challenge")
def solvers(
    principal: Officer,
    challenge: ManagedChallenge,
    session: SessionDep,
    k: Annotated[int, Query(ge=1, le=discovery.K_MAX)] = 20,
) -> SolverList:
    """Rank organisations by how well they fit the challenge's title, problem statement and
    focus areas, kept to its eligible countries and kinds, each with a reason and the passages
    of its profile that fit. Organisations already in a proposal or invited are left out
    (the challenge's managers)."""
    return discovery.solvers(session=session, principal=principal, challenge=challenge, k=k)


@router.post(
    "/invites",
    status_code=status.HTTP_201_CREATED,
    summary="Invite an organisation to apply",
    responses={409: {"description": "already invited or applied, or the challenge is closed"}},
)
def create_invite(
    principal: Officer, challenge: ManagedChallenge, body: InviteCreate, session: SessionDep
) -> InviteRead:
    """Invite an eligible organisation to apply, with an optional message; its owners and
    editors are notified (the challenge's managers, while the challenge is a draft or open)."""
    discovery.invite(session=session, principal=principal, challenge=challenge, invite_in=body)
    return next(i for i in discovery.invites_of(session, challenge.id) if i.org_id == body.org_id)


@router.get("/invites", summary="A challenge's invitations to apply")
def list_invites(
    principal: Officer, challenge: ManagedChallenge, session: SessionDep
) -> list[InviteRead]:
    """The organisations invited, newest first, with their proposal once started."""
    return discovery.invites(session=session, principal=principal, challenge=challenge)
