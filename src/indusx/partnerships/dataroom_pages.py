"""Web pages for data rooms: the room (members, documents, upload, rules, access log), a
document with its versions and banners, downloads, and the user's declared eligibility."""

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from indusx import pacing, templating, uploads
from indusx.accounts.models import Eligibility
from indusx.accounts.permissions import Principal
from indusx.deps import SessionDep, SettingsDep, SignedIn
from indusx.errors import DomainError, Invalid
from indusx.forms import FormDep, field_errors, form_text
from indusx.ops import quotas
from indusx.orgs.taxonomy import COUNTRY_LABELS, Country
from indusx.partnerships import dataroom_documents as docs
from indusx.partnerships import dataroom_eligibility as declarations
from indusx.partnerships import dataroom_log as room_log
from indusx.partnerships import dataroom_service as service
from indusx.partnerships import markings
from indusx.partnerships.dataroom_access import ELIGIBILITY_LABELS
from indusx.partnerships.dataroom_documents import Opened
from indusx.partnerships.dataroom_models import AccessAction, AccessOutcome
from indusx.partnerships.dataroom_service import RoomContext
from indusx.partnerships.markings import MARKING_LABELS, Marking

router = APIRouter(include_in_schema=False)
MARKING_OPTIONS = [(m.value, label) for m, label in MARKING_LABELS.items()]
BADGE_CLASSES = {
    Marking.PUBLIC.value: "text-bg-secondary",
    Marking.BUSINESS_CONFIDENTIAL.value: "text-bg-warning",
    Marking.CONTROLLED_TECHNICAL_DATA.value: "text-bg-danger",
}


def _common() -> dict[str, Any]:
    return {
        "marking_labels": {m.value: label for m, label in MARKING_LABELS.items()},
        "marking_options": MARKING_OPTIONS,
        "badge_classes": BADGE_CLASSES,
        "eligibility_labels": ELIGIBILITY_LABELS,
        "megabytes": uploads.megabytes,
        "accept": docs.ACCEPTED.accept,
        "allowed_text": docs.ACCEPTED.text,
    }


def _log_filter(request: Request) -> tuple[room_log.LogFilter, dict[str, str], dict[str, str]]:
    params = request.query_params
    values = {k: params.get(k, "").strip() for k in ("user", "action", "outcome", "since",
                                                      "until")}
    errors: dict[str, str] = {}
    days: dict[str, date | None] = {}
    for key in ("since", "until"):
        try:
            days[key] = room_log.parse_day(values[key], key)
        except Invalid as exc:
            errors.update(field_errors(exc))
            days[key] = None
    action = values["action"] if values["action"] in {a.value for a in AccessAction} else ""
    outcome = values["outcome"] if values["outcome"] in {o.value for o in AccessOutcome} else ""
    flt = room_log.LogFilter(
        user=values["user"][:254],
        action=AccessAction(action) if action else None,
        outcome=AccessOutcome(outcome) if outcome else None,
        since=days["since"], until=days["until"],
    )
    return flt, values, errors


def _room_page(
    request: Request,
    session: Session,
    ctx: RoomContext,
    settings: Any,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    flt, log_values, log_errors = _log_filter(request)
    context = {
        **_common(),
        "ctx": ctx,
        "partnership": ctx.partnership,
        "room": ctx.room,
        "coverage": ctx.coverage(),
        "members": service.members(session=session, ctx=ctx),
        "candidates": service.candidates(session=session, ctx=ctx) if ctx.manager else [],
        "documents": docs.documents(session=session, ctx=ctx),
        "log": room_log.access_log(session=session, ctx=ctx, flt=flt, limit=200)
        if ctx.manager else [],
        "log_values": log_values,
        "log_errors": log_errors,
        "errors": errors or {},
        "values": values or {},
        "max_size": uploads.megabytes(settings.upload_max_bytes),
        "country_options": [(c, COUNTRY_LABELS[Country(c)]) for c in service.COUNTRIES],
        "eligibility_options": [(e, ELIGIBILITY_LABELS[e]) for e in service.ELIGIBILITIES],
        "today": date.today().isoformat(),
    }
    return templating.render(request, "partnerships/dataroom/room.html", context,
                             status_code=status_code)


def _load(session: Session, principal: Principal, partnership_id: int) -> RoomContext:
    return service.load_room(session=session, principal=principal, partnership_id=partnership_id)


@router.get("/partnerships/{partnership_id}/room")
def room(
    request: Request, principal: SignedIn, partnership_id: int, session: SessionDep,
    settings: SettingsDep,
) -> HTMLResponse:
    """Show the data room: its documents with their markings, members, rules and access log."""
    ctx = _load(session, principal, partnership_id)
    return _room_page(request, session, ctx, settings)


def _redo(
    request: Request, session: Session, principal: Principal, partnership_id: int,
    settings: Any, exc: DomainError, values: dict[str, str],
) -> HTMLResponse:
    """Show the room again with the form's errors (the failed change rolled back)."""
    session.rollback()
    ctx = _load(session, principal, partnership_id)
    return _room_page(request, session, ctx, settings, errors=field_errors(exc), values=values,
                      status_code=exc.status)


@router.post("/partnerships/{partnership_id}/room/documents")
def upload(
    request: Request, principal: SignedIn, partnership_id: int, session: SessionDep,
    settings: SettingsDep, form: FormDep,
) -> Response:
    """Upload a document, or a new version of one (checked by content and size)."""
    ctx = _load(session, principal, partnership_id)
    values = {k: form_text(form, k) for k in ("title", "description", "marking", "document_id")}
    document_id = int(values["document_id"]) if values["document_id"].isdigit() else None
    file = form.get("file")
    try:
        pacing.check(request, pacing.Flow.DATAROOM_UPLOAD, form_text(form, pacing.FIELD))
        if not isinstance(file, UploadFile) or not file.filename:
            raise Invalid.field("file", "choose a file to upload")
        version = docs.upload(
            session=session, settings=settings, ctx=ctx, title=values["title"],
            description=values["description"], marking=values["marking"],
            filename=file.filename, data=file.file.read(settings.upload_max_bytes + 1),
            document_id=document_id,
        )
    except DomainError as exc:
        if document_id is not None:
            session.rollback()
            return _document_page_after_error(request, session, principal, partnership_id,
                                              document_id, exc, values)
        return _redo(request, session, principal, partnership_id, settings, exc, values)
    return templating.redirect(
        f"/partnerships/{partnership_id}/room/documents/{version.document_id}",
        flash=f"'{version.title}' version {version.number} uploaded, marked "
              f"{markings.label(version.marking)}.",
        request=request,
    )


@router.post("/partnerships/{partnership_id}/room/members")
def add_member(
    request: Request, principal: SignedIn, partnership_id: int, session: SessionDep,
    settings: SettingsDep, form: FormDep,
) -> Response:
    """Name a member (party members and assigned officers)."""
    ctx = _load(session, principal, partnership_id)
    raw = form_text(form, "user_id")
    try:
        if not raw.isdigit():
            raise Invalid.field("user_id", "choose a person")
        user = service.add_member(session=session, ctx=ctx, user_id=int(raw))
    except DomainError as exc:
        return _redo(request, session, principal, partnership_id, settings, exc,
                     {"user_id": raw})
    return templating.redirect(f"/partnerships/{partnership_id}/room#members",
                               flash=f"{user.full_name} is now a member of the data room.",
                               request=request)


@router.post("/partnerships/{partnership_id}/room/members/{user_id}/remove")
def remove_member(
    request: Request, principal: SignedIn, partnership_id: int, user_id: int,
    session: SessionDep,
) -> Response:
    """Take a member off the room; their access ends at once."""
    ctx = _load(session, principal, partnership_id)
    service.remove_member(session=session, ctx=ctx, user_id=user_id)
    return templating.redirect(f"/partnerships/{partnership_id}/room#members",
                               flash="The member was removed; their access has ended.",
                               request=request)


@router.post("/partnerships/{partnership_id}/room/authorisation")
def save_authorisation(
    request: Request, principal: SignedIn, partnership_id: int, session: SessionDep,
    settings: SettingsDep, form: FormDep,
) -> Response:
    """Record (or clear) the export authorisation covering Controlled Technical Data."""
    ctx = _load(session, principal, partnership_id)
    values = {k: form_text(form, k) for k in ("reference", "expires_on")}
    try:
        expires = room_log.parse_day(values["expires_on"], "expires_on")
        service.set_authorisation(session=session, ctx=ctx, reference=values["reference"],
                                  expires_on=expires)
    except DomainError as exc:
        return _redo(request, session, principal, partnership_id, settings, exc, values)
    return templating.redirect(f"/partnerships/{partnership_id}/room#rules",
                               flash="The authorisation was saved.", request=request)


@router.post("/partnerships/{partnership_id}/room/rules")
def save_rules(
    request: Request, principal: SignedIn, partnership_id: int, session: SessionDep,
    settings: SettingsDep, form: FormDep,
) -> Response:
    """Set which countries and eligibilities may receive Controlled Technical Data."""
    ctx = _load(session, principal, partnership_id)
    countries = [v for v in form.getlist("allowed_countries") if isinstance(v, str)]
    eligibilities = [v for v in form.getlist("allowed_eligibilities") if isinstance(v, str)]
    try:
        service.set_rules(session=session, ctx=ctx, countries=countries,
                          eligibilities=eligibilities)
    except DomainError as exc:
        return _redo(request, session, principal, partnership_id, settings, exc, {})
    return templating.redirect(f"/partnerships/{partnership_id}/room#rules",
                               flash="The room's rules were saved.", request=request)


@router.get("/partnerships/{partnership_id}/room/access-log.csv")
def access_log_csv(
    request: Request, principal: SignedIn, partnership_id: int, session: SessionDep,
    _export: Annotated[None, Depends(quotas.Exporting("room_log"))],
) -> Response:
    """Download the room's access log (as filtered) as CSV."""
    ctx = _load(session, principal, partnership_id)
    flt, _, _ = _log_filter(request)
    rows = room_log.access_log(session=session, ctx=ctx, flt=flt, limit=100_000)
    return Response("".join(room_log.access_log_csv(rows)), media_type="text/csv",
                    headers={"Content-Disposition": uploads.content_disposition(
                        f"data-room-{partnership_id}-access-log.csv")})


def _refused_page(request: Request, opened: Opened) -> HTMLResponse | None:
    if not opened.found:
        return templating.render(request, "error.html", {
            "status": 404, "title": "Not found", "detail": "No such partnership"},
            status_code=404)
    if not opened.decision.allowed:
        return templating.render(request, "partnerships/dataroom/refused.html", {
            **_common(), "opened": opened, "partnership": opened.partnership,
        }, status_code=403)
    return None


def _document_context(session: Session, opened: Opened) -> dict[str, Any]:
    return {
        **_common(),
        "opened": opened,
        "partnership": opened.partnership,
        "document": opened.document,
        "version": opened.version,
        "versions": docs.versions(session=session, document=opened.document),
        "banner": markings.banner(opened.version.marking, partnership=opened.partnership.title),
        "stamped_inside": markings.stamped_inside(opened.version.content_type),
    }


@router.get("/partnerships/{partnership_id}/room/documents/{document_id}")
def document(
    request: Request, principal: SignedIn, partnership_id: int, document_id: int,
    session: SessionDep, settings: SettingsDep,
    version: Annotated[int | None, Query(ge=1)] = None,
) -> HTMLResponse:
    """Show a document version between marking banners, with all its versions (logged)."""
    opened = docs.open_version(session=session, principal=principal,
                                  partnership_id=partnership_id, document_id=document_id,
                                  number=version, action=AccessAction.VIEW)
    refused = _refused_page(request, opened)
    if refused is not None:
        return refused
    context = _document_context(session, opened)
    context.update(errors={}, values={}, max_size=uploads.megabytes(settings.upload_max_bytes),
                   is_member=True)
    return templating.render(request, "partnerships/dataroom/document.html", context)


def _document_page_after_error(
    request: Request, session: Session, principal: Principal, partnership_id: int,
    document_id: int, exc: DomainError, values: dict[str, str],
) -> HTMLResponse:
    opened = docs.open_version(session=session, principal=principal,
                                  partnership_id=partnership_id, document_id=document_id,
                                  number=None, action=AccessAction.VIEW)
    refused = _refused_page(request, opened)
    if refused is not None:
        return refused
    context = _document_context(session, opened)
    settings = request.app.state.settings
    context.update(errors=field_errors(exc), values=values, is_member=True,
                   max_size=uploads.megabytes(settings.upload_max_bytes))
    return templating.render(request, "partnerships/dataroom/document.html", context,
                             status_code=exc.status)


@router.get("/partnerships/{partnership_id}/room/documents/{document_id}/download")
def download(
    request: Request, principal: SignedIn, partnership_id: int, document_id: int,
    session: SessionDep, settings: SettingsDep,
    version: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    """Download a version with its marking in the file name (logged, allowed or refused)."""
    opened = docs.open_version(session=session, principal=principal,
                                  partnership_id=partnership_id, document_id=document_id,
                                  number=version, action=AccessAction.DOWNLOAD)
    refused = _refused_page(request, opened)
    if refused is not None:
        return refused
    marked = docs.download(settings=settings, opened=opened)
    return Response(marked.data, media_type=marked.content_type, headers={
        "Content-Disposition": uploads.content_disposition(marked.filename),
        "Cache-Control": "private, no-store",
    })


# --- declared eligibility ---------------------------------------------------------------------


def _eligibility_page(
    request: Request, principal: Principal, *, errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    user = principal.user
    return templating.render(request, "partnerships/dataroom/eligibility.html", {
        "current": user.eligibility.value if user.eligibility else "",
        "declared_at": user.eligibility_declared_at,
        "options": [(e.value, ELIGIBILITY_LABELS[e.value]) for e in Eligibility],
        "errors": errors or {},
    }, status_code=status_code)


@router.get("/account/eligibility")
def eligibility(request: Request, principal: SignedIn) -> HTMLResponse:
    """Show the user's declaration for export-controlled data."""
    return _eligibility_page(request, principal)


@router.post("/account/eligibility")
def save_eligibility(
    request: Request, principal: SignedIn, session: SessionDep, form: FormDep
) -> Response:
    """Save the user's declaration (dated and audited)."""
    try:
        declarations.declare_eligibility(session=session, user=principal.user,
                                    eligibility=form_text(form, "eligibility"),
                                    actor=principal.actor)
    except DomainError as exc:
        session.rollback()
        return _eligibility_page(request, principal, errors=field_errors(exc),
                                 status_code=exc.status)
    return templating.redirect("/account/eligibility", flash="Your declaration was saved.",
                               request=request)
