"""Data-room documents: uploads and versions, opening one (decided and logged), the marked
download, and uploads as events on the partnership's timeline.

Refused views and downloads are logged too, so `open_version` returns the refusal rather than
raising (raising would roll the log row back).
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx import uploads
from indusx.accounts.models import User
from indusx.accounts.permissions import Principal
from indusx.audit import service as audit
from indusx.config import Settings
from indusx.db import utcnow
from indusx.errors import Conflict, Forbidden, Invalid, NotFound
from indusx.ops import quotas
from indusx.partnerships import dataroom_log, markings, pdf_stamp
from indusx.partnerships.dataroom_access import Decision
from indusx.partnerships.dataroom_models import AccessAction, DataRoom, Document, DocumentVersion
from indusx.partnerships.dataroom_service import RoomContext, room_context
from indusx.partnerships.markings import Marking
from indusx.partnerships.models import Partnership
from indusx.partnerships.timeline import TimelineEvent

ACCEPTED = uploads.DOCUMENTS_AND_TEXT


@dataclass(frozen=True, slots=True)
class DocumentRow:
    document: Document
    latest: DocumentVersion
    decision: Decision


@dataclass(frozen=True, slots=True)
class Opened:
    """The outcome of opening a document version: the version, and the rule's answer.

    `found` is false for callers who may not enter the room (they get a 404).
    """

    partnership: Partnership
    document: Document
    version: DocumentVersion
    decision: Decision
    found: bool



def upload(
    *,
    session: Session,
    settings: Settings,
    ctx: RoomContext,
    title: str,
    description: str,
    marking: str,
    filename: str,
    data: bytes,
    document_id: int | None = None,
) -> DocumentVersion:
    """Add a document, or a new version of one (the old versions are kept)."""
    if not ctx.is_member:
        raise Forbidden("Only the data room's members may upload documents")
    title = title.strip()
    if not title:
        raise Invalid.field("title", "give the document a title")
    if len(title) > 200:
        raise Invalid.field("title", "use at most 200 characters")
    try:
        mark = Marking(marking)
    except ValueError as exc:
        raise Invalid.field("marking", "choose a marking") from exc
    # Judged before anything is written: a PDF must take the banner its downloads will carry.
    checked = uploads.check(settings, data, ACCEPTED, name=filename)
    if checked.mime == pdf_stamp.MIME:
        pdf_stamp.check(data)
    previous: DocumentVersion | None = None
    if document_id is None:
        document = Document(room_id=ctx.room.id, latest_number=0,
                            created_by_id=ctx.principal.user.id, created_at=utcnow())
        session.add(document)
        session.flush()
    else:
        document = _document(session, ctx, document_id)
        previous = _version(session, document, None)
    quotas.ensure_room_storage(session=session, settings=settings, principal=ctx.principal,
                               party_org_ids=ctx.party_org_ids, adding=len(data))
    stored = uploads.store(settings, data, ACCEPTED, name=filename, checked=checked)
    version = DocumentVersion(
        document_id=document.id, number=document.latest_number + 1, title=title,
        description=description.strip(), marking=mark,
        filename=uploads.safe_filename(filename, stored.mime, default="document"),
        content_type=stored.mime, size_bytes=stored.size, sha256=stored.sha256,
        storage_key=stored.key, uploaded_by_id=ctx.principal.user.id, created_at=utcnow(),
    )
    session.add(version)
    document.latest_number = version.number
    document.updated_at = version.created_at
    session.flush()
    after = {"version": version.number, "title": title, "marking": mark,
             "filename": version.filename, "sha256": stored.sha256}
    if previous is None:
        summary = f"uploaded '{title}' marked {markings.label(mark)}"
        before = None
    else:
        summary = f"uploaded version {version.number} of '{title}'"
        if previous.marking is not mark:
            way = "upgraded" if markings.is_upgrade(previous.marking, mark) else "downgraded"
            summary += (f"; marking {way} from {markings.label(previous.marking)} to "
                        f"{markings.label(mark)}")
        before = {"version": previous.number, "title": previous.title,
                  "marking": previous.marking, "filename": previous.filename,
                  "sha256": previous.sha256}
    audit.record(session=session, actor=ctx.principal.actor, action="dataroom.document.upload",
                 object_type="data_room_document", object_id=document.id, summary=summary,
                 before=before, after=after)
    return version


def _document(session: Session, ctx: RoomContext, document_id: int) -> Document:
    document = session.get(Document, document_id)
    if document is None or document.room_id != ctx.room.id:
        raise NotFound(f"No document with id {document_id} in this data room")
    return document


def _version(session: Session, document: Document, number: int | None) -> DocumentVersion:
    version = session.scalar(select(DocumentVersion).where(
        DocumentVersion.document_id == document.id,
        DocumentVersion.number == (number if number is not None else document.latest_number)))
    if version is None:
        raise NotFound(f"Document {document.id} has no version {number}")
    return version


def versions(*, session: Session, document: Document) -> list[DocumentVersion]:
    """Return every version of a document, newest first."""
    return list(session.scalars(select(DocumentVersion)
                                .where(DocumentVersion.document_id == document.id)
                                .order_by(DocumentVersion.number.desc())))


def documents(*, session: Session, ctx: RoomContext) -> list[DocumentRow]:
    """Return the room's documents (latest versions) with what the caller may open, logging
    a view of each one shown."""
    rows = session.execute(
        select(Document, DocumentVersion)
        .join(DocumentVersion, (DocumentVersion.document_id == Document.id)
              & (DocumentVersion.number == Document.latest_number))
        .where(Document.room_id == ctx.room.id)
        .order_by(Document.updated_at.desc(), Document.id.desc())
    ).all()
    out = []
    for document, latest in rows:
        decision = ctx.decide(latest.marking)
        dataroom_log.record(session, ctx, latest, AccessAction.VIEW, decision)
        out.append(DocumentRow(document, latest, decision))
    session.flush()
    return out


def open_version(
    *,
    session: Session,
    principal: Principal,
    partnership_id: int,
    document_id: int,
    number: int | None,
    action: AccessAction,
) -> Opened:
    """Decide and log one view or download of a document version.

    Refusals are logged and returned, not raised: `found` false means answer 404 (the caller
    may not enter the room), a false decision means 403 with its reasons.
    """
    partnership = session.get(Partnership, partnership_id)
    if partnership is None:
        raise NotFound("No such partnership")
    ctx = room_context(session, principal, partnership)
    document = _document(session, ctx, document_id)
    version = _version(session, document, number)
    found = ctx.manager or ctx.viewer.is_member
    decision = ctx.decide(version.marking)
    dataroom_log.record(session, ctx, version, action, decision)
    session.flush()
    return Opened(partnership=partnership, document=document, version=version,
                  decision=decision, found=found)


@dataclass(frozen=True, slots=True)
class Download:
    filename: str
    content_type: str
    data: bytes


def download(*, settings: Settings, opened: Opened) -> Download:
    """Return an opened version's bytes: marked in its name, and for text and PDF files in
    its content (a banner line at the top and bottom of the text, or of every page)."""
    version = opened.version
    data = uploads.read(settings, version.storage_key, sha256=version.sha256)
    line = markings.banner(version.marking, partnership=opened.partnership.title)
    if version.content_type == pdf_stamp.MIME:
        try:
            data = pdf_stamp.stamp(data, line)
        except pdf_stamp.Unstampable as exc:
            # Only files kept before uploads were checked can get here.
            raise Conflict(f"This PDF cannot carry its marking ({exc}); upload a readable "
                           "version of it") from exc
    else:
        data = markings.stamp_text(data, version.content_type, line)
    return Download(
        filename=markings.marked_filename(version.marking, version.filename),
        content_type=version.content_type,
        data=data,
    )


def room_events(session: Session, partnership_id: int) -> list[TimelineEvent]:
    """Return the room's uploads as timeline events (Controlled Technical Data untitled: the
    timeline is read by everyone who sees the partnership)."""
    rows = session.execute(
        select(DocumentVersion, User.email)
        .join(Document, Document.id == DocumentVersion.document_id)
        .join(DataRoom, DataRoom.id == Document.room_id)
        .outerjoin(User, User.id == DocumentVersion.uploaded_by_id)
        .where(DataRoom.partnership_id == partnership_id)).all()
    out = []
    for version, email in rows:
        label = markings.label(version.marking)
        shown = ("a document" if version.marking is Marking.CONTROLLED_TECHNICAL_DATA
                 else f"'{version.title}'")
        title = (f"Data room: {shown} uploaded" if version.number == 1
                 else f"Data room: version {version.number} of {shown}")
        out.append(TimelineEvent(version.created_at, "document", title, label, email,
                                 f"/partnerships/{partnership_id}/room"))
    return out
