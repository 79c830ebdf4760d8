"""The solver discovery page: who could solve a challenge, with invitations to apply."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from indusx import templating
from indusx.challenges import discovery
from indusx.challenges import service as challenge_service
from indusx.challenges.discovery import InviteCreate
from indusx.challenges.models import Challenge
from indusx.deps import Officer, SessionDep
from indusx.errors import DomainError
from indusx.forms import field_errors
from indusx.matching.engine.text import shared_terms
from indusx.matching.pages import COMPONENT_LABELS
from indusx.orgs.models import Organisation

router = APIRouter(include_in_schema=False)

K_CHOICES = (10, 20, 50)


def managed_challenge(slug: str, principal: Officer, session: SessionDep) -> Challenge:
    """Return the challenge in the path if the caller manages it (403), or 404."""
    challenge = challenge_service.get_by_slug(session=session, slug=slug)
    discovery.require_manager(session, principal, challenge)
    return challenge


ManagedChallenge = Annotated[Challenge, Depends(managed_challenge)]


def _page(
    request: Request,
    principal: Officer,
    session: SessionDep,
    challenge: Challenge,
    k: int,
    *,
    errors: dict[int, dict[str, str]] | None = None,
    messages: dict[int, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    error: str | None = None
    result = None
    try:
        result = discovery.solvers(session=session, principal=principal, challenge=challenge, k=k)
    except DomainError as exc:
        if exc.status != 409:
            raise
        error = exc.message
    terms = (
        {
            m.candidate.id: [
                sorted({*m.shared_terms, *shared_terms(result.query, e.text, limit=8)})
                for e in m.evidence
            ]
            for m in result.items
        }
        if result
        else {}
    )
    listed = {m.candidate.id for m in result.items} if result else set()
    # An error about an organisation not in the list (e.g. ineligible) shows above it.
    stray = [
        msg for oid, errs in (errors or {}).items() if oid not in listed for msg in errs.values()
    ]
    context: dict[str, Any] = {
        "stray_errors": stray,
        "challenge": challenge,
        "phase_label": challenge_service.PHASE_LABELS[challenge.phase],
        "can_invite": challenge.phase in discovery.INVITE_PHASES,
        "result": result,
        "error": error,
        "evidence_terms": terms,
        "invites": discovery.invites_of(session, challenge.id),
        "component_labels": COMPONENT_LABELS,
        "k": k,
        "k_choices": K_CHOICES,
        "message_max": discovery.MESSAGE_MAX,
        "errors": errors or {},
        "messages": messages or {},
    }
    return templating.render(
        request, "challenges/discovery/solvers.html", context, status_code=status_code
    )


@router.get("/challenges/{slug}/solvers")
def solvers_page(
    request: Request,
    principal: Officer,
    challenge: ManagedChallenge,
    session: SessionDep,
    k: Annotated[int, Query(ge=1, le=discovery.K_MAX)] = 20,
) -> HTMLResponse:
    """List the organisations best able to solve the challenge, to invite them to apply."""
    return _page(request, principal, session, challenge, k)


@router.post("/challenges/{slug}/solvers/invite")
def invite(
    request: Request,
    principal: Officer,
    challenge: ManagedChallenge,
    session: SessionDep,
    org_id: Annotated[int, Form()],
    message: Annotated[str, Form()] = "",
    k: Annotated[int, Form(ge=1, le=discovery.K_MAX)] = 20,
) -> Response:
    """Invite one organisation; HTMX gets the card's new footer, browsers the page again."""
    try:
        discovery.invite(
            session=session,
            principal=principal,
            challenge=challenge,
            invite_in=InviteCreate.model_validate({"org_id": org_id, "message": message}),
        )
    except (DomainError, ValidationError) as exc:
        session.rollback()
        errors = {org_id: field_errors(exc)}
        if templating.wants_partial(request):
            # HTMX swaps only successful responses: the error comes back with the form.
            return _footer(request, challenge, org_id, k, errors=errors[org_id], message=message)
        return _page(
            request,
            principal,
            session,
            challenge,
            k,
            errors=errors,
            messages={org_id: message},
            status_code=exc.status if isinstance(exc, DomainError) else 422,
        )
    org = session.get(Organisation, org_id)
    name = org.name if org else "The organisation"
    if templating.wants_partial(request):
        return _footer(request, challenge, org_id, k, invited=True)
    return templating.redirect(
        f"/challenges/{challenge.slug}/solvers?k={k}",
        flash=f"{name} is invited to apply; its owners and editors were notified.",
    )


def _footer(
    request: Request,
    challenge: Challenge,
    org_id: int,
    k: int,
    *,
    invited: bool = False,
    errors: dict[str, str] | None = None,
    message: str = "",
) -> HTMLResponse:
    return templating.render(
        request,
        "challenges/discovery/_invite.html",
        {
            "challenge": challenge,
            "org_id": org_id,
            "invited": invited,
            "can_invite": challenge.phase in discovery.INVITE_PHASES,
            "errs": errors or {},
            "message": message,
            "k": k,
            "message_max": discovery.MESSAGE_MAX,
        },
    )
