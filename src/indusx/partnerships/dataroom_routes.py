"""REST API for data rooms: documents (list, upload, read, download), members, the room's rules
and authorisation, the access log, and the caller's declared eligibility."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Response, UploadFile, status
from fastapi.responses import JSONResponse

from indusx import uploads
from indusx.deps import SessionDep, SettingsDep, SignedIn
from indusx.errors import problem
from indusx.ops import quotas
from indusx.partnerships import dataroom_documents as docs
from indusx.partnerships import dataroom_eligibility as declarations
from indusx.partnerships import dataroom_log as room_log
from indusx.partnerships import dataroom_service as service
from indusx.partnerships import markings
from indusx.partnerships.dataroom_documents import Opened
from indusx.partnerships.dataroom_models import AccessAction, AccessOutcome
from indusx.partnerships.dataroom_schemas import (
    AuthorisationIn,
    DocumentDetail,
    DocumentRead,
    EligibilityIn,
    EligibilityRead,
    LogEntryRead,
    MemberIn,
    MemberRead,
    RoomRead,
    RulesIn,
    VersionRead,
)

router = APIRouter(prefix="/api/v1", tags=["data rooms"])
REFUSED: dict[int | str, dict[str, Any]] = {
    403: {"description": "Refused; `reasons` says why (logged)"},
    404: {"description": "No such partnership or document, or not for the caller"},
}


def refusal(opened: Opened) -> JSONResponse | None:
    """Return the problem response for a refused view or download, or None when allowed."""
    if not opened.found:
        return problem(404, "No such partnership")
    if not opened.decision.allowed:
        return problem(403, opened.decision.reason, reasons=list(opened.decision.reasons))
    return None


@router.get("/partnerships/{partnership_id}/documents", response_model=RoomRead,
            summary="List a data room's documents")
def list_documents(
    principal: SignedIn, partnership_id: int, session: SessionDep
) -> RoomRead:
    """The room's documents with their markings and whether the caller may open each (every
    document listed is logged as a view)."""
    ctx = service.load_room(session=session, principal=principal, partnership_id=partnership_id)
    return RoomRead.of(ctx, docs.documents(session=session, ctx=ctx))


@router.post("/partnerships/{partnership_id}/documents", response_model=DocumentRead,
             status_code=status.HTTP_201_CREATED, summary="Upload a document or a new version")
def upload_document(
    principal: SignedIn,
    partnership_id: int,
    session: SessionDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="PDF, Office or plain text")],
    title: Annotated[str, Form(max_length=200)],
    marking: Annotated[markings.Marking, Form()],
    description: Annotated[str, Form(max_length=5000)] = "",
    document_id: Annotated[int | None, Form(description="a new version of this document")] = None,
) -> DocumentRead:
    """Add a document (members only), or with `document_id` a new version of one: title,
    description and marking change only this way, and earlier versions are kept."""
    ctx = service.load_room(session=session, principal=principal, partnership_id=partnership_id)
    # One byte past the limit is enough to refuse the file as too large.
    data = file.file.read(settings.upload_max_bytes + 1)
    version = docs.upload(session=session, settings=settings, ctx=ctx, title=title,
                             description=description, marking=marking,
                             filename=file.filename or "document", data=data,
                             document_id=document_id)
    decision = ctx.decide(version.marking)
    return DocumentRead(id=version.document_id, latest=VersionRead.of(partnership_id, version),
                        may_open=decision.allowed, reasons=list(decision.reasons))


@router.get("/partnerships/{partnership_id}/documents/{document_id}",
            response_model=DocumentDetail, responses=REFUSED, summary="Read a document")
def read_document(
    principal: SignedIn,
    partnership_id: int,
    document_id: int,
    session: SessionDep,
    version: Annotated[int | None, Query(ge=1)] = None,
) -> DocumentDetail | JSONResponse:
    """A document's details and all its versions (logged as a view, allowed or refused)."""
    opened = docs.open_version(session=session, principal=principal,
                                  partnership_id=partnership_id, document_id=document_id,
                                  number=version, action=AccessAction.VIEW)
    refused = refusal(opened)
    if refused is not None:
        return refused
    return DocumentDetail(
        id=opened.document.id, partnership_id=partnership_id,
        version=VersionRead.of(partnership_id, opened.version),
        versions=[VersionRead.of(partnership_id, v)
                  for v in docs.versions(session=session, document=opened.document)],
        banner=markings.banner(opened.version.marking, partnership=opened.partnership.title),
    )


@router.get("/partnerships/{partnership_id}/documents/{document_id}/download",
            response_class=Response, summary="Download a document version",
            responses={200: {"content": {"application/octet-stream": {}}}, **REFUSED})
def download_document(
    principal: SignedIn,
    partnership_id: int,
    document_id: int,
    session: SessionDep,
    settings: SettingsDep,
    version: Annotated[int | None, Query(ge=1, description="the latest by default")] = None,
) -> Response:
    """Download a version, its marking in the file name (and in text files a banner line);
    logged, allowed or refused."""
    opened = docs.open_version(session=session, principal=principal,
                                  partnership_id=partnership_id, document_id=document_id,
                                  number=version, action=AccessAction.DOWNLOAD)
    return refusal(opened) or file_response(settings, opened)


def file_response(settings: SettingsDep, opened: Opened) -> Response:
    """Return the marked file of an allowed download (never cached)."""
    marked = docs.download(settings=settings, opened=opened)
    return Response(marked.data, media_type=marked.content_type, headers={
        "Content-Disposition": uploads.content_disposition(marked.filename),
        "Cache-Control": "private, no-store",
    })


@router.get("/partnerships/{partnership_id}/room/members", response_model=list[MemberRead],
            summary="List a data room's members")
def list_members(principal: SignedIn, partnership_id: int, session: SessionDep) -> list[MemberRead]:
    """The named members; `active` is false for those who left the party or were unassigned
    (they have no access)."""
    ctx = service.load_room(session=session, principal=principal, partnership_id=partnership_id)
    return [MemberRead.of(m) for m in service.members(session=session, ctx=ctx)]


@router.post("/partnerships/{partnership_id}/room/members", response_model=list[MemberRead],
             status_code=status.HTTP_201_CREATED, summary="Name a member")
def add_member(
    principal: SignedIn, partnership_id: int, member_in: MemberIn, session: SessionDep
) -> list[MemberRead]:
    """Name a member of a party organisation or an assigned officer (the room's managers)."""
    ctx = service.load_room(session=session, principal=principal, partnership_id=partnership_id)
    service.add_member(session=session, ctx=ctx, user_id=member_in.user_id)
    return [MemberRead.of(m) for m in service.members(session=session, ctx=ctx)]


@router.delete("/partnerships/{partnership_id}/room/members/{user_id}",
               status_code=status.HTTP_204_NO_CONTENT, summary="Remove a member")
def remove_member(
    principal: SignedIn, partnership_id: int, user_id: int, session: SessionDep
) -> Response:
    """Take a member off the room; their access ends at once."""
    ctx = service.load_room(session=session, principal=principal, partnership_id=partnership_id)
    service.remove_member(session=session, ctx=ctx, user_id=user_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put("/partnerships/{partnership_id}/room/authorisation", response_model=RoomRead,
            summary="Record the export authorisation")
def put_authorisation(
    principal: SignedIn, partnership_id: int, authorisation_in: AuthorisationIn,
    session: SessionDep,
) -> RoomRead:
    """Record the licence or agreement (DSP-5, TAA, SCOMET) that covers sharing Controlled
    Technical Data when the assessment requires authorisations (assigned officers, admins)."""
    ctx = service.load_room(session=session, principal=principal, partnership_id=partnership_id)
    service.set_authorisation(session=session, ctx=ctx, reference=authorisation_in.reference,
                              expires_on=authorisation_in.expires_on)
    ctx = service.load_room(session=session, principal=principal, partnership_id=partnership_id)
    return RoomRead.of(ctx, [])


@router.put("/partnerships/{partnership_id}/room/rules", response_model=RoomRead,
            summary="Set the rules for Controlled Technical Data")
def put_rules(
    principal: SignedIn, partnership_id: int, rules_in: RulesIn, session: SessionDep
) -> RoomRead:
    """Set the countries and declared eligibilities that may receive Controlled Technical Data
    (assigned officers, admins)."""
    ctx = service.load_room(session=session, principal=principal, partnership_id=partnership_id)
    service.set_rules(session=session, ctx=ctx, countries=rules_in.allowed_countries,
                      eligibilities=[e.value for e in rules_in.allowed_eligibilities])
    ctx = service.load_room(session=session, principal=principal, partnership_id=partnership_id)
    return RoomRead.of(ctx, [])


@router.get("/partnerships/{partnership_id}/room/access-log", response_model=list[LogEntryRead],
            summary="Read the access log",
            responses={200: {"content": {"text/csv": {}}}})
def get_access_log(
    principal: SignedIn,
    partnership_id: int,
    session: SessionDep,
    user: Annotated[str, Query(max_length=254, description="e-mail contains")] = "",
    action: AccessAction | None = None,
    outcome: AccessOutcome | None = None,
    since: Annotated[str, Query(description="YYYY-MM-DD")] = "",
    until: Annotated[str, Query(description="YYYY-MM-DD")] = "",
    format_: Annotated[Literal["json", "csv"], Query(alias="format")] = "json",
    _export: Annotated[None, Depends(quotas.Exporting("room_log", when_format="csv"))] = None,
) -> list[LogEntryRead] | Response:
    """Every view and download in the room, allowed or refused, newest first (managers)."""
    ctx = service.load_room(session=session, principal=principal, partnership_id=partnership_id)
    flt = room_log.LogFilter(user=user, action=action, outcome=outcome,
                            since=room_log.parse_day(since, "since"),
                            until=room_log.parse_day(until, "until"))
    rows = room_log.access_log(session=session, ctx=ctx, flt=flt)
    if format_ == "csv":
        return Response("".join(room_log.access_log_csv(rows)), media_type="text/csv",
                        headers={"Content-Disposition": uploads.content_disposition(
                            f"data-room-{partnership_id}-access-log.csv")})
    return [LogEntryRead.of(r) for r in rows]


@router.put("/users/me/eligibility", response_model=EligibilityRead,
            summary="Declare my eligibility for controlled data")
def put_eligibility(
    principal: SignedIn, eligibility_in: EligibilityIn, session: SessionDep
) -> EligibilityRead:
    """Declare yourself a US person, an Indian national or another foreign person (null
    withdraws it); data rooms share Controlled Technical Data by it. Dated and audited."""
    user = declarations.declare_eligibility(
        session=session, user=principal.user,
        eligibility=eligibility_in.eligibility.value if eligibility_in.eligibility else "",
        actor=principal.actor)
    return EligibilityRead(eligibility=user.eligibility, declared_at=user.eligibility_declared_at)
