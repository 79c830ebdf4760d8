"""REST API for joint challenges and proposals (reviews and decisions live in their own module)."""

from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, Response, UploadFile, status

from indusx import uploads
from indusx.challenges import proposals as proposal_service
from indusx.challenges import reads, service
from indusx.challenges.models import Challenge, Phase
from indusx.challenges.proposals import Loaded
from indusx.challenges.schemas import (
    AttachmentRead,
    ChallengeCreate,
    ChallengePage,
    ChallengeRead,
    ChallengeUpdate,
    CoApplicantIn,
    ConfirmIn,
    PartyRead,
    PhaseChange,
    ProposalCreate,
    ProposalPage,
    ProposalRead,
    ProposalUpdate,
)
from indusx.challenges.service import ChallengeFilter
from indusx.deps import Officer, SessionDep, SettingsDep, SignedIn

router = APIRouter(prefix="/api/v1", tags=["challenges"])


def load_challenge(challenge_id: int, principal: SignedIn, session: SessionDep) -> Challenge:
    """Return the challenge named in the path if the caller may see it, or 404."""
    challenge = service.get_challenge(session=session, challenge_id=challenge_id)
    return service.visible(session=session, principal=principal, challenge=challenge)


def load_proposal(proposal_id: int, principal: SignedIn, session: SessionDep) -> Loaded:
    """Return the proposal named in the path if the caller may see it, or 404."""
    return proposal_service.load(session=session, principal=principal, proposal_id=proposal_id)


ChallengeById = Annotated[Challenge, Depends(load_challenge)]
ProposalById = Annotated[Loaded, Depends(load_proposal)]


# --- challenges -------------------------------------------------------------------------------


@router.get("/challenges", response_model=ChallengePage, summary="List challenges")
def list_challenges(
    principal: SignedIn,
    session: SessionDep,
    status_: Annotated[list[Phase], Query(alias="status", description="phases to list")] = [],  # noqa: B006
    q: Annotated[str, Query(max_length=200, description="words in title or text")] = "",
    focus_area: Annotated[str, Query(max_length=64)] = "",
    country: Annotated[str, Query(max_length=2, description="open to this country")] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> ChallengePage:
    """Challenges the caller may see (drafts only their managers), open ones first, by
    deadline. `status=open` lists those taking proposals."""
    rows, total = service.list_challenges(
        session=session,
        principal=principal,
        flt=ChallengeFilter(
            phase=tuple(status_), q=q, focus_area=focus_area, country=country.upper()
        ),
        page=page,
        page_size=page_size,
    )
    return ChallengePage(
        items=service.summaries(session, rows), total=total, page=page, page_size=page_size
    )


@router.post(
    "/challenges",
    response_model=ChallengeRead,
    status_code=status.HTTP_201_CREATED,
    summary="Create a challenge",
)
def create_challenge(
    body: ChallengeCreate, principal: Officer, session: SessionDep
) -> ChallengeRead:
    """Create a challenge as a draft (officers; the sponsor is a government organisation the
    officer is a member of). Times without an offset are read in the challenge's time zone."""
    challenge = service.create_challenge(session=session, challenge_in=body, principal=principal)
    return service.read(session, challenge, principal)


@router.get("/challenges/{challenge_id}", response_model=ChallengeRead, summary="Read a challenge")
def get_challenge(
    principal: SignedIn, challenge: ChallengeById, session: SessionDep
) -> ChallengeRead:
    """Everything an applicant needs: problem, eligibility, prize, schedule, rubric, questions."""
    return service.read(session, challenge, principal)


@router.patch(
    "/challenges/{challenge_id}", response_model=ChallengeRead, summary="Change a challenge"
)
def update_challenge(
    principal: SignedIn, challenge: ChallengeById, body: ChallengeUpdate, session: SessionDep
) -> ChallengeRead:
    """Change the fields given (its managers). The rubric and questions are frozen once the
    challenge is open (409)."""
    service.update_challenge(
        session=session, challenge=challenge, challenge_in=body, principal=principal
    )
    return service.read(session, challenge, principal)


@router.post(
    "/challenges/{challenge_id}/phase",
    response_model=ChallengeRead,
    summary="Move a challenge to another phase",
)
def change_phase(
    principal: SignedIn, challenge: ChallengeById, body: PhaseChange, session: SessionDep
) -> ChallengeRead:
    """Move to the next phase, or back one with a reason (its managers). Opening needs the
    problem statement, a rubric criterion and a deadline in the future (409 naming each)."""
    service.change_phase(
        session=session, challenge=challenge, to=body.phase, reason=body.reason, principal=principal
    )
    return service.read(session, challenge, principal)


# --- proposals --------------------------------------------------------------------------------


@router.get(
    "/challenges/{challenge_id}/proposals",
    response_model=ProposalPage,
    summary="List a challenge's proposals",
)
def list_proposals(
    principal: SignedIn, challenge: ChallengeById, session: SessionDep
) -> ProposalPage:
    """Managers see every proposal; applicants those of their organisations."""
    rows = proposal_service.list_for_challenge(
        session=session, principal=principal, challenge=challenge
    )
    return ProposalPage(items=proposal_service.summaries(session, rows), total=len(rows))


@router.post(
    "/challenges/{challenge_id}/proposals",
    response_model=ProposalRead,
    status_code=status.HTTP_201_CREATED,
    summary="Start a proposal",
)
def start_proposal(
    principal: SignedIn, challenge: ChallengeById, body: ProposalCreate, session: SessionDep
) -> ProposalRead:
    """Start a draft led by one of your organisations (owners and editors). If it already has
    one for this challenge, that draft is returned."""
    proposal = proposal_service.start(
        session=session,
        principal=principal,
        challenge=challenge,
        lead_org_id=body.lead_org_id,
        title=body.title,
    )
    loaded = proposal_service.load(session=session, principal=principal, proposal_id=proposal.id)
    return proposal_service.read(session, loaded)


@router.get("/proposals/{proposal_id}", response_model=ProposalRead, summary="Read a proposal")
def get_proposal(principal: SignedIn, loaded: ProposalById, session: SessionDep) -> ProposalRead:
    """The proposal with its parties, files and the checklist of what blocks submission."""
    if loaded.can.read:
        reads.record_proposal_read(session=session, principal=principal,
                                   proposal_id=loaded.proposal.id)
    return proposal_service.read(session, loaded)


@router.patch("/proposals/{proposal_id}", response_model=ProposalRead, summary="Save a proposal")
def save_proposal(
    principal: SignedIn, loaded: ProposalById, body: ProposalUpdate, session: SessionDep
) -> ProposalRead:
    """Save the fields given. `version` must be the stored one: a save based on an older
    version is refused with 409 and nothing is overwritten. Refused after the deadline."""
    proposal_service.save(session=session, principal=principal, loaded=loaded, update_in=body)
    return proposal_service.read(session, loaded)


@router.post(
    "/proposals/{proposal_id}/co-applicants",
    response_model=PartyRead,
    status_code=status.HTTP_201_CREATED,
    summary="Invite a co-applicant",
)
def invite_co_applicant(
    principal: SignedIn, loaded: ProposalById, body: CoApplicantIn, session: SessionDep
) -> PartyRead:
    """Name an organisation of either country as co-applicant; its owners and editors are
    notified and must confirm before the proposal can be submitted."""
    proposal_service.invite(session=session, principal=principal, loaded=loaded, org_id=body.org_id)
    return _party(session, loaded, body.org_id)


@router.delete(
    "/proposals/{proposal_id}/co-applicants/{org_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove a co-applicant",
)
def remove_co_applicant(
    principal: SignedIn, loaded: ProposalById, org_id: int, session: SessionDep
) -> Response:
    """Take a co-applicant off the proposal (the lead's owners and editors)."""
    proposal_service.remove_party(
        session=session, principal=principal, loaded=loaded, org_id=org_id
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _party(session: SessionDep, loaded: Loaded, org_id: int) -> PartyRead:
    read = proposal_service.read(session, loaded)
    return next(p for p in read.parties if p.org_id == org_id)


@router.post(
    "/proposals/{proposal_id}/confirm", response_model=PartyRead, summary="Confirm participation"
)
def confirm(
    principal: SignedIn, loaded: ProposalById, session: SessionDep, body: ConfirmIn | None = None
) -> PartyRead:
    """Confirm that your organisation takes part as co-applicant (its owners and editors)."""
    party = proposal_service.respond(
        session=session,
        principal=principal,
        loaded=loaded,
        accept=True,
        org_id=body.org_id if body else None,
    )
    return _party(session, loaded, party.org_id)


@router.post(
    "/proposals/{proposal_id}/decline", response_model=PartyRead, summary="Decline participation"
)
def decline(
    principal: SignedIn, loaded: ProposalById, session: SessionDep, body: ConfirmIn | None = None
) -> PartyRead:
    """Decline to take part as co-applicant (its owners and editors); the lead is notified."""
    party = proposal_service.respond(
        session=session,
        principal=principal,
        loaded=loaded,
        accept=False,
        org_id=body.org_id if body else None,
    )
    return _party(session, loaded, party.org_id)


@router.post(
    "/proposals/{proposal_id}/submit", response_model=ProposalRead, summary="Submit a proposal"
)
def submit(principal: SignedIn, loaded: ProposalById, session: SessionDep) -> ProposalRead:
    """Submit before the deadline. After it: 409 with the deadline in the challenge's time
    zone, and the draft is kept. Each eligibility rule that fails is its own error (422); a
    party with a confirmed restricted-party match blocks submission (409)."""
    proposal_service.submit(session=session, principal=principal, loaded=loaded)
    return proposal_service.read(session, loaded)


@router.post(
    "/proposals/{proposal_id}/withdraw", response_model=ProposalRead, summary="Withdraw a proposal"
)
def withdraw(principal: SignedIn, loaded: ProposalById, session: SessionDep) -> ProposalRead:
    """Withdraw the proposal (the lead's owners and editors). It is kept and may be started
    again from the challenge before the deadline."""
    proposal_service.withdraw(session=session, principal=principal, loaded=loaded)
    return proposal_service.read(session, loaded)


# --- attachments ------------------------------------------------------------------------------


@router.get(
    "/proposals/{proposal_id}/attachments",
    response_model=list[AttachmentRead],
    summary="List a proposal's files",
)
def list_attachments(
    principal: SignedIn, loaded: ProposalById, session: SessionDep
) -> list[AttachmentRead]:
    """The proposal's files (everyone who may read the proposal)."""
    if not loaded.can.read:
        return []
    return [
        proposal_service.attachment_read(a, proposal_service.shown_filename(session, loaded, a))
        for a in proposal_service.attachments_of(session, loaded.proposal.id)
    ]


@router.post(
    "/proposals/{proposal_id}/attachments",
    response_model=AttachmentRead,
    status_code=status.HTTP_201_CREATED,
    summary="Attach a file",
)
def upload_attachment(
    principal: SignedIn,
    loaded: ProposalById,
    session: SessionDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="PDF, docx, xlsx, pptx (or doc, xls, ppt)")],
) -> AttachmentRead:
    """Attach a PDF or office document (its type is checked by content, not by name; at most
    `INDUSX_UPLOAD_MAX_BYTES`, 20 MB by default)."""
    # One byte past the limit is enough to refuse the file as too large.
    data = file.file.read(settings.upload_max_bytes + 1)
    attachment = proposal_service.attach(
        session=session,
        settings=settings,
        principal=principal,
        loaded=loaded,
        filename=file.filename or "attachment",
        data=data,
    )
    return proposal_service.attachment_read(attachment)


@router.get(
    "/attachments/{attachment_id}",
    response_class=Response,
    summary="Download a file",
    responses={200: {"content": {"application/octet-stream": {}}}},
)
def download_attachment(
    principal: SignedIn, attachment_id: int, session: SessionDep, settings: SettingsDep
) -> Response:
    """Download an attachment (everyone who may read its proposal); always as a download."""
    attachment, loaded = proposal_service.load_attachment(
        session=session, principal=principal, attachment_id=attachment_id
    )
    name = proposal_service.shown_filename(session, loaded, attachment)
    data = uploads.read(settings, attachment.storage_key, sha256=attachment.sha256)
    reads.record_attachment_read(session=session, principal=principal,
                                 proposal_id=loaded.proposal.id, attachment_id=attachment.id)
    return Response(
        data,
        media_type=attachment.content_type,
        headers={
            "Content-Disposition": uploads.content_disposition(name),
            "Cache-Control": "private, no-store",
        },
    )


@router.delete(
    "/attachments/{attachment_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove a file",
)
def delete_attachment(
    principal: SignedIn, attachment_id: int, session: SessionDep, settings: SettingsDep
) -> Response:
    """Remove a file from a proposal (the lead's owners and editors, before the deadline)."""
    attachment, loaded = proposal_service.load_attachment(
        session=session, principal=principal, attachment_id=attachment_id
    )
    proposal_service.delete_attachment(
        session=session,
        settings=settings,
        principal=principal,
        attachment=attachment,
        loaded=loaded,
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
