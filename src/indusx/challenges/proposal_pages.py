"""Web pages for proposals: the editor with autosave, co-applicants, attachments, the
eligibility checklist, submission and withdrawal; the co-applicant's confirmation; my proposals."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from indusx import pacing, templating
from indusx.accounts.permissions import Principal
from indusx.challenges import access, decisions, files, proposals, reads, service
from indusx.challenges.models import Attachment, ProposalStatus
from indusx.challenges.pages import common
from indusx.challenges.proposals import Loaded, StaleSave
from indusx.challenges.schemas import ProposalUpdate
from indusx.deps import SessionDep, SettingsDep, SignedIn
from indusx.errors import DomainError, Invalid
from indusx.forms import FormDep, field_errors, form_text
from indusx.orgs.models import Organisation
from indusx.orgs.taxonomy import OrgKind

router = APIRouter(include_in_schema=False)

STATUS_LABELS = {
    ProposalStatus.DRAFT.value: "Draft",
    ProposalStatus.SUBMITTED.value: "Submitted",
    ProposalStatus.WITHDRAWN.value: "Withdrawn",
}


def load_proposal(proposal_id: int, principal: SignedIn, session: SessionDep) -> Loaded:
    """Return the proposal named in the path if the caller may see it, or 404."""
    return proposals.load(session=session, principal=principal, proposal_id=proposal_id)


ProposalById = Annotated[Loaded, Depends(load_proposal)]


def _editor_context(session: Session, loaded: Loaded, settings: Any) -> dict[str, Any]:
    challenge = loaded.challenge
    read = proposals.read(session, loaded)
    questions = service.questions_of(session, challenge.id)
    return {
        **common(),
        "p": read,
        "proposal": loaded.proposal,
        "decisions": decisions.history(session=session, proposal_id=loaded.proposal.id)
        if access.sees_decisions(loaded.can) else [],
        "withdrawable": proposals.withdraw_refusal(session, loaded) is None,
        "challenge": challenge,
        "can": loaded.can,
        "questions": questions,
        "open_for_edits": challenge.phase.value == "open"
        and not proposals.past_deadline(challenge)
        and loaded.proposal.status is not ProposalStatus.WITHDRAWN,
        "deadline_text": proposals.deadline_text(challenge) if challenge.deadline_at else "",
        "blocking": [c for c in read.checklist if not c.ok],
        "status_labels": STATUS_LABELS,
        "accept": files.ACCEPT,
        "allowed_text": files.ALLOWED_TEXT,
        "max_size": files.megabytes(settings.upload_max_bytes),
        "megabytes": files.megabytes,
        "trl_options": [(str(n), f"TRL {n}") for n in range(1, 10)],
    }


def _render_editor(
    request: Request,
    session: Session,
    loaded: Loaded,
    settings: Any,
    *,
    errors: dict[str, str] | None = None,
    notice: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    context = _editor_context(session, loaded, settings)
    context.update(errors=errors or {}, notice=notice)
    return templating.render(request, "challenges/editor.html", context, status_code=status_code)


@router.get("/proposals")
def my_proposals(request: Request, principal: SignedIn, session: SessionDep) -> HTMLResponse:
    """List the proposals of every organisation the caller belongs to."""
    rows = proposals.my_proposals(session=session, principal=principal)
    leads = {
        org.id: org
        for org in session.scalars(
            select(Organisation).where(
                Organisation.id.in_({p.lead_org_id for p, _ in rows} or {-1})
            )
        )
    }
    return templating.render(
        request,
        "challenges/my_proposals.html",
        {
            **common(),
            "rows": [(p, c, leads.get(p.lead_org_id)) for p, c in rows],
            # The decision in force: the award if there is one, else the shortlist.
            "outcomes": {
                pid: state.award or state.shortlist
                for pid, state in decisions.current(
                    session=session, proposal_ids=[p.id for p, _ in rows]
                ).items()
            },
            "status_labels": STATUS_LABELS,
            "past_deadline": proposals.past_deadline,
        },
    )


@router.get("/proposals/{proposal_id}")
def editor(
    request: Request,
    principal: SignedIn,
    loaded: ProposalById,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    """Show the proposal: the editor for its lead, a read-only view for everyone else."""
    if not loaded.can.read:
        return templating.redirect(f"/proposals/{loaded.proposal.id}/confirm")
    reads.record_proposal_read(session=session, principal=principal,
                               proposal_id=loaded.proposal.id)
    return _render_editor(request, session, loaded, settings)


def _update_of(form: FormData, loaded: Loaded, session: Session) -> ProposalUpdate:
    questions = service.questions_of(session, loaded.challenge.id)
    version = form_text(form, "version", strip=False)
    return ProposalUpdate.model_validate(
        {
            "version": int(version) if version.isdigit() else 0,
            "title": form_text(form, "title", strip=False).strip(),
            "summary": form_text(form, "summary", strip=False),
            "trl": form_text(form, "trl") or None,
            "requested_usd": form_text(form, "requested_usd").replace(",", "") or None,
            "answers": {
                str(q.id): form_text(form, f"answer-{q.id}", strip=False)
                for q in questions
                if f"answer-{q.id}" in form
            },
        }
    )


@router.post("/proposals/{proposal_id}/autosave")
def autosave(
    request: Request,
    principal: SignedIn,
    loaded: ProposalById,
    session: SessionDep,
    settings: SettingsDep,
    form: FormDep,
) -> Response:
    """Save the draft from the editor: HTMX gets the save status (or, for a stale save, both
    texts side by side); a plain form post comes back to the editor."""
    htmx = request.headers.get("HX-Request") == "true"
    mine = {
        "title": form_text(form, "title", strip=False),
        "summary": form_text(form, "summary", strip=False),
        **{k: v for k, v in form.items() if k.startswith("answer-") and isinstance(v, str)},
    }
    try:
        proposals.save(
            session=session,
            principal=principal,
            loaded=loaded,
            update_in=_update_of(form, loaded, session),
        )
    except StaleSave as exc:
        session.rollback()
        fresh = proposals.load(session=session, principal=principal, proposal_id=exc.proposal.id)
        questions = service.questions_of(session, fresh.challenge.id)
        return templating.render(
            request,
            "challenges/_save_status.html",
            {
                "stale": True,
                "message": exc.message,
                "proposal": fresh.proposal,
                "questions": questions,
                "mine": mine,
                "full_page": not htmx,
            },
            status_code=409,
        )
    except (ValidationError, DomainError) as exc:
        session.rollback()
        errors = field_errors(exc)
        message = (
            exc.message
            if isinstance(exc, DomainError)
            else "Not saved: " + "; ".join(f"{k.replace('_', ' ')}: {v}" for k, v in errors.items())
        )
        status = exc.status if isinstance(exc, DomainError) else 422
        if not htmx:
            fresh = proposals.load(
                session=session, principal=principal, proposal_id=loaded.proposal.id
            )
            return _render_editor(
                request,
                session,
                fresh,
                settings,
                errors=errors,
                notice=message,
                status_code=status,
            )
        return templating.render(
            request,
            "challenges/_save_status.html",
            {"stale": False, "error": message, "proposal": loaded.proposal},
            status_code=status,
        )
    if not htmx:
        return templating.redirect(
            f"/proposals/{loaded.proposal.id}", flash="Draft saved.", request=request
        )
    return templating.render(
        request,
        "challenges/_save_status.html",
        {
            "stale": False,
            "proposal": loaded.proposal,
            "saved_at": loaded.proposal.updated_at,
            "p": proposals.read(session, loaded),
        },
    )


def _find_org(session: Session, text: str) -> Organisation:
    text = text.strip()
    if not text:
        raise Invalid.field("org", "name the organisation to invite")
    by_slug = session.scalar(select(Organisation).where(Organisation.slug == text))
    if by_slug is not None:
        return by_slug
    found = list(
        session.scalars(
            select(Organisation)
            .where(func.lower(Organisation.name) == text.lower())
            .where(Organisation.kind != OrgKind.GOVERNMENT)
            .limit(2)
        )
    )
    if len(found) == 1:
        return found[0]
    if found:
        raise Invalid.field("org", f"several organisations are called '{text}': use its slug")
    like = list(
        session.scalars(
            select(Organisation.name)
            .where(
                or_(
                    func.lower(Organisation.name).like(f"%{text.lower()}%"),
                    Organisation.slug.like(f"%{text.lower()}%"),
                )
            )
            .where(Organisation.kind != OrgKind.GOVERNMENT)
            .order_by(Organisation.name)
            .limit(3)
        )
    )
    hint = f" Did you mean {', '.join(like)}?" if like else ""
    raise Invalid.field("org", f"no organisation is called '{text}'.{hint}")


@router.post("/proposals/{proposal_id}/co-applicants")
def invite(
    request: Request,
    principal: SignedIn,
    loaded: ProposalById,
    session: SessionDep,
    settings: SettingsDep,
    form: FormDep,
) -> Response:
    """Invite a co-applicant by its name or slug in the directory."""
    try:
        org = _find_org(session, form_text(form, "org", strip=False))
        proposals.invite(session=session, principal=principal, loaded=loaded, org_id=org.id)
    except DomainError as exc:
        session.rollback()
        fresh = proposals.load(session=session, principal=principal, proposal_id=loaded.proposal.id)
        errors = {"org": "; ".join(e["message"] for e in exc.errors) or exc.message}
        return _render_editor(
            request, session, fresh, settings, errors=errors, status_code=exc.status
        )
    return templating.redirect(
        f"/proposals/{loaded.proposal.id}#consortium",
        flash=f"{org.name} is invited; its owners and editors are asked to confirm.",
        request=request,
    )


@router.post("/proposals/{proposal_id}/co-applicants/{org_id}/remove")
def remove_co_applicant(
    request: Request, principal: SignedIn, loaded: ProposalById, org_id: int, session: SessionDep
) -> Response:
    """Take a co-applicant off the proposal."""
    proposals.remove_party(session=session, principal=principal, loaded=loaded, org_id=org_id)
    return templating.redirect(
        f"/proposals/{loaded.proposal.id}#consortium",
        flash="The co-applicant was removed.",
        request=request,
    )


@router.post("/proposals/{proposal_id}/attachments")
def upload(
    request: Request,
    principal: SignedIn,
    loaded: ProposalById,
    session: SessionDep,
    settings: SettingsDep,
    form: FormDep,
) -> Response:
    """Attach a file (checked by content and size)."""
    upload_file = form.get("file")
    try:
        pacing.check(request, pacing.Flow.PROPOSAL_ATTACHMENT, form_text(form, pacing.FIELD))
        if not isinstance(upload_file, UploadFile) or not upload_file.filename:
            raise Invalid.field("file", "choose a file to attach")
        data = upload_file.file.read(settings.upload_max_bytes + 1)
        attachment = proposals.attach(
            session=session,
            settings=settings,
            principal=principal,
            loaded=loaded,
            filename=upload_file.filename,
            data=data,
        )
    except DomainError as exc:
        session.rollback()
        fresh = proposals.load(session=session, principal=principal, proposal_id=loaded.proposal.id)
        errors = {"file": "; ".join(e["message"] for e in exc.errors) or exc.message}
        return _render_editor(
            request, session, fresh, settings, errors=errors, status_code=exc.status
        )
    return templating.redirect(
        f"/proposals/{loaded.proposal.id}#attachments",
        flash=f"{attachment.filename} attached.",
        request=request,
    )


@router.post("/attachments/{attachment_id}/delete")
def delete_attachment(
    request: Request,
    principal: SignedIn,
    attachment_id: int,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    """Remove a file from a proposal."""
    attachment, loaded = proposals.load_attachment(
        session=session, principal=principal, attachment_id=attachment_id
    )
    name = attachment.filename
    proposals.delete_attachment(
        session=session,
        settings=settings,
        principal=principal,
        attachment=attachment,
        loaded=loaded,
    )
    return templating.redirect(
        f"/proposals/{loaded.proposal.id}#attachments", flash=f"{name} removed.", request=request
    )


@router.get("/proposals/{proposal_id}/submit")
def submit_confirm(
    request: Request,
    principal: SignedIn,
    loaded: ProposalById,
    session: SessionDep,
    settings: SettingsDep,
) -> HTMLResponse:
    """Ask for confirmation before submitting (or show what still blocks it)."""
    blocking = [c for c in proposals.read(session, loaded).checklist if not c.ok]
    if blocking or not loaded.can.edit:
        return _render_editor(
            request,
            session,
            loaded,
            settings,
            notice="The proposal cannot be submitted yet: see the checklist.",
            status_code=409 if blocking else 403,
        )
    challenge = loaded.challenge
    count = session.scalar(
        select(func.count())
        .select_from(Attachment)
        .where(Attachment.proposal_id == loaded.proposal.id)
    )
    return templating.render(
        request,
        "confirm.html",
        {
            "heading": f"Submit '{loaded.proposal.title}' to '{challenge.title}'?",
            "body": f"Every party of the proposal is notified. You can still edit it until the "
            f"deadline, {proposals.deadline_text(challenge)}, and withdraw it. "
            f"It has {count} attached file{'s' if count != 1 else ''}.",
            "action": f"/proposals/{loaded.proposal.id}/submit",
            "confirm_label": "Submit proposal",
            "confirm_class": "btn-primary",
            "confirm_icon": "send",
            "icon": "send-check",
            "cancel_url": f"/proposals/{loaded.proposal.id}",
            "stamp_form": pacing.Flow.PROPOSAL_SUBMIT.value,
        },
    )


@router.post("/proposals/{proposal_id}/submit")
def submit(
    request: Request,
    principal: SignedIn,
    loaded: ProposalById,
    session: SessionDep,
    settings: SettingsDep,
    form: FormDep,
) -> Response:
    """Submit the proposal; if refused (late, ineligible, screened), say why and keep it."""
    try:
        pacing.check(request, pacing.Flow.PROPOSAL_SUBMIT, form_text(form, pacing.FIELD))
        proposals.submit(session=session, principal=principal, loaded=loaded)
    except DomainError as exc:
        session.rollback()
        fresh = proposals.load(session=session, principal=principal, proposal_id=loaded.proposal.id)
        return _render_editor(
            request, session, fresh, settings, notice=exc.message, status_code=exc.status
        )
    return templating.redirect(
        f"/proposals/{loaded.proposal.id}",
        flash="Proposal submitted. Every party has been notified.",
        request=request,
    )


@router.get("/proposals/{proposal_id}/withdraw")
def withdraw_confirm(request: Request, principal: SignedIn, loaded: ProposalById) -> HTMLResponse:
    """Ask for confirmation before withdrawing."""
    return templating.render(
        request,
        "confirm.html",
        {
            "heading": f"Withdraw '{loaded.proposal.title or 'this proposal'}'?",
            "body": "It is no longer considered. The text and files are kept, and you can start "
            "it again from the challenge page before the deadline.",
            "action": f"/proposals/{loaded.proposal.id}/withdraw",
            "confirm_label": "Withdraw proposal",
            "confirm_icon": "x-circle",
            "cancel_url": f"/proposals/{loaded.proposal.id}",
        },
    )


@router.post("/proposals/{proposal_id}/withdraw")
def withdraw(
    request: Request, principal: SignedIn, loaded: ProposalById, session: SessionDep
) -> Response:
    """Withdraw the proposal."""
    proposals.withdraw(session=session, principal=principal, loaded=loaded)
    return templating.redirect(
        f"/proposals/{loaded.proposal.id}", flash="Proposal withdrawn.", request=request
    )


def _confirm_context(session: Session, loaded: Loaded, principal: Principal) -> dict[str, Any]:
    read = proposals.read(session, loaded)
    lead = next(p for p in read.parties if p.state == "lead")
    mine = [p for p in read.parties if p.org_id in loaded.can.confirm_org_ids]
    return {
        **common(),
        "p": read,
        "challenge": loaded.challenge,
        "lead": lead,
        "mine": mine,
        "deadline_text": proposals.deadline_text(loaded.challenge)
        if loaded.challenge.deadline_at
        else "",
    }


@router.get("/proposals/{proposal_id}/confirm")
def confirm_page(
    request: Request, principal: SignedIn, loaded: ProposalById, session: SessionDep
) -> HTMLResponse:
    """Show a co-applicant what it is asked to join, with confirm and decline."""
    return templating.render(
        request, "challenges/confirm.html", _confirm_context(session, loaded, principal)
    )


@router.post("/proposals/{proposal_id}/confirm")
def confirm(
    request: Request,
    principal: SignedIn,
    loaded: ProposalById,
    session: SessionDep,
    form: FormDep,
) -> Response:
    """Confirm or decline participation for one of the caller's organisations."""
    org_id = form_text(form, "org_id", strip=False)
    accept = form_text(form, "decision", strip=False) != "decline"
    party = proposals.respond(
        session=session,
        principal=principal,
        loaded=loaded,
        accept=accept,
        org_id=int(org_id) if org_id.isdigit() else None,
    )
    org = session.get_one(Organisation, party.org_id)
    verb = "confirmed" if accept else "declined"
    return templating.redirect(
        f"/proposals/{loaded.proposal.id}/confirm",
        flash=f"{org.name} {verb} its participation; the lead has been told.",
        request=request,
    )
