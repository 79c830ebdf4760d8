"""Data rooms: members, marked and versioned documents, the access log, and eligibility.

Who may see what is decided afresh on every call from the database (memberships, officer
assignments, the latest assessment), never from anything kept in the browser session. Views and
downloads that are refused are logged too, so the callers return the refusal as a response
rather than raising (raising would roll the log row back).
"""

import csv
import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from indusx import uploads
from indusx.accounts.models import Eligibility, Membership, User
from indusx.accounts.permissions import EDIT_ROLES, Principal
from indusx.audit import service as audit
from indusx.audit.service import Actor
from indusx.config import Settings
from indusx.db import utcnow
from indusx.errors import Conflict, Forbidden, Invalid, NotFound
from indusx.orgs.models import Organisation
from indusx.partnerships import access as partnership_access
from indusx.partnerships import dataroom_access as rules
from indusx.partnerships import markings
from indusx.partnerships.dataroom_access import Decision, RoomRules, Viewer
from indusx.partnerships.dataroom_models import (
    AccessAction,
    AccessLog,
    AccessOutcome,
    DataRoom,
    DataRoomMember,
    Document,
    DocumentVersion,
)
from indusx.partnerships.markings import Marking
from indusx.partnerships.models import Partnership
from indusx.partnerships.timeline import TimelineEvent
from indusx.pathway.models import Assessment

ACCEPTED = uploads.DOCUMENTS_AND_TEXT
COUNTRIES = ("US", "IN")
ELIGIBILITIES = tuple(e.value for e in Eligibility)


@dataclass(frozen=True, slots=True)
class RoomContext:
    """A room as one caller sees it on one request."""

    partnership: Partnership
    room: DataRoom
    principal: Principal
    viewer: Viewer
    rules: RoomRules
    verdict: str | None
    manager: bool
    sets_rules: bool
    party_org_ids: tuple[int, ...]

    @property
    def is_member(self) -> bool:
        return self.viewer.is_member

    def decide(self, marking: Marking, today: date | None = None) -> Decision:
        """Return whether the caller may open a document with this marking."""
        return rules.decide(marking=marking, viewer=self.viewer, rules=self.rules,
                            verdict=self.verdict, today=today or utcnow().date())

    def coverage(self, today: date | None = None) -> Decision:
        """Return whether the assessment covers sharing Controlled Technical Data."""
        return rules.coverage(verdict=self.verdict, rules=self.rules,
                              today=today or utcnow().date())


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


@dataclass(frozen=True, slots=True)
class MemberRow:
    user_id: int
    name: str
    email: str
    orgs: str
    eligibility: str
    active: bool  # still a party member or assigned officer
    officer: bool


def rules_of(room: DataRoom) -> RoomRules:
    """Return the pure rule's view of a room."""
    return RoomRules(
        allowed_countries=frozenset(room.allowed_countries),
        allowed_eligibilities=frozenset(room.allowed_eligibilities),
        authorisation_reference=room.authorisation_reference,
        authorisation_expires_on=room.authorisation_expires_on,
    )


def latest_verdict(session: Session, partnership_id: int) -> str | None:
    """Return the verdict of the partnership's latest saved assessment, if any."""
    verdict = session.scalar(
        select(Assessment.verdict).where(Assessment.partnership_id == partnership_id)
        .order_by(Assessment.created_at.desc(), Assessment.id.desc()).limit(1))
    return verdict.value if verdict is not None else None


def _room(session: Session, partnership_id: int, actor: Actor) -> DataRoom:
    room = session.scalar(select(DataRoom).where(DataRoom.partnership_id == partnership_id))
    if room is None:
        room = DataRoom(partnership_id=partnership_id, created_at=utcnow())
        session.add(room)
        session.flush()
        audit.record(session=session, actor=actor, action="dataroom.create",
                     object_type="partnership", object_id=partnership_id,
                     summary="data room opened",
                     after={"allowed_countries": room.allowed_countries,
                            "allowed_eligibilities": room.allowed_eligibilities})
    return room


def _org_countries(session: Session, org_ids: list[int]) -> frozenset[str]:
    if not org_ids:
        return frozenset()
    return frozenset(str(c) for c in session.scalars(
        select(Organisation.country).where(Organisation.id.in_(org_ids))))


def load_room(*, session: Session, principal: Principal, partnership_id: int) -> RoomContext:
    """Return the partnership's room as the caller sees it; 404 unless they may enter it
    (named members, the parties' owners and editors, assigned officers, admins)."""
    partnership = session.get(Partnership, partnership_id)
    if partnership is None:
        raise NotFound("No such partnership")
    ctx = _context(session, principal, partnership)
    if not (ctx.manager or ctx.viewer.is_member):
        raise NotFound("No such partnership")
    return ctx


def _context(session: Session, principal: Principal, partnership: Partnership) -> RoomContext:
    room = _room(session, partnership.id, principal.actor)
    party_ids = tuple(partnership_access.party_org_ids(session, partnership.id))
    mine = [org_id for org_id in party_ids if principal.role_in(org_id) is not None]
    assigned = principal.is_officer and partnership_access.is_assigned_officer(
        session, partnership.id, principal.user.id)
    named = session.scalar(select(DataRoomMember.id).where(
        DataRoomMember.room_id == room.id, DataRoomMember.user_id == principal.user.id)) is not None
    # An officer who is no party acts for the organisations they belong to (their agency).
    countries = _org_countries(session, mine or list(principal.org_roles))
    user = principal.user
    viewer = Viewer(named=named and user.is_active, in_party_org=bool(mine),
                    assigned_officer=assigned, org_countries=countries,
                    eligibility=user.eligibility.value if user.eligibility else None)
    edits = any(principal.role_in(org_id) in EDIT_ROLES for org_id in party_ids)
    return RoomContext(
        partnership=partnership, room=room, principal=principal, viewer=viewer,
        rules=rules_of(room), verdict=latest_verdict(session, partnership.id),
        manager=rules.is_manager(is_admin=principal.is_admin, assigned_officer=assigned,
                                 edits_a_party=edits),
        sets_rules=rules.sets_rules(is_admin=principal.is_admin, assigned_officer=assigned),
        party_org_ids=party_ids,
    )


# --- members ----------------------------------------------------------------------------------


def _require_manager(ctx: RoomContext, doing: str) -> None:
    if not ctx.manager:
        raise Forbidden(f"Only the parties' owners and editors, assigned officers and admins "
                        f"may {doing}")


def _eligible_user_ids(session: Session, ctx: RoomContext) -> set[int]:
    """Return who may be named: members of a party organisation and assigned officers."""
    party_members = session.scalars(select(Membership.user_id).where(
        Membership.org_id.in_(ctx.party_org_ids or (-1,))))
    officers = session.scalars(select(User.id).where(
        User.id.in_(partnership_access.assigned_officer_ids(session, ctx.partnership.id)),
        User.platform_role.in_(("officer", "admin"))))
    return {*party_members, *officers}


def members(*, session: Session, ctx: RoomContext) -> list[MemberRow]:
    """Return the room's named members, each marked active or not (lost their basis)."""
    rows = session.execute(
        select(User).join(DataRoomMember, DataRoomMember.user_id == User.id)
        .where(DataRoomMember.room_id == ctx.room.id).order_by(User.full_name, User.id)
    ).scalars().all()
    eligible = _eligible_user_ids(session, ctx)
    officers = set(partnership_access.assigned_officer_ids(session, ctx.partnership.id))
    orgs = _org_names(session, [u.id for u in rows], ctx.party_org_ids)
    return [MemberRow(
        user_id=u.id, name=u.full_name, email=u.email, orgs=", ".join(orgs.get(u.id, [])),
        eligibility=u.eligibility.value if u.eligibility else rules.UNDECLARED,
        active=u.id in eligible and u.is_active, officer=u.id in officers,
    ) for u in rows]


def _org_names(
    session: Session, user_ids: list[int], org_ids: tuple[int, ...]
) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    if not user_ids or not org_ids:
        return out
    for user_id, name in session.execute(
        select(Membership.user_id, Organisation.name)
        .join(Organisation, Organisation.id == Membership.org_id)
        .where(Membership.user_id.in_(user_ids), Membership.org_id.in_(org_ids))
        .order_by(Organisation.name)
    ):
        out.setdefault(user_id, []).append(name)
    return out


def candidates(*, session: Session, ctx: RoomContext) -> list[User]:
    """Return the users a manager may still name: party members and assigned officers."""
    named = select(DataRoomMember.user_id).where(DataRoomMember.room_id == ctx.room.id)
    ids = _eligible_user_ids(session, ctx)
    return list(session.scalars(
        select(User).where(User.id.in_(ids or {-1}), User.id.not_in(named),
                           User.is_active.is_(True))
        .order_by(User.full_name, User.id)))


def add_member(*, session: Session, ctx: RoomContext, user_id: int) -> User:
    """Name a user a member of the room (party members and assigned officers only)."""
    _require_manager(ctx, "name the data room's members")
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        raise Invalid.field("user_id", "no such active user")
    if user_id not in _eligible_user_ids(session, ctx):
        raise Invalid.field("user_id", "only members of a party organisation and officers "
                                       "assigned to the partnership can be members")
    exists = session.scalar(select(DataRoomMember.id).where(
        DataRoomMember.room_id == ctx.room.id, DataRoomMember.user_id == user_id))
    if exists is not None:
        raise Conflict(f"{user.full_name} is already a member of this data room")
    session.add(DataRoomMember(room_id=ctx.room.id, user_id=user_id,
                               added_by_id=ctx.principal.user.id, added_at=utcnow()))
    session.flush()
    audit.record(session=session, actor=ctx.principal.actor, action="dataroom.member.add",
                 object_type="partnership", object_id=ctx.partnership.id,
                 summary=f"named {user.email} a data-room member",
                 after={"user_id": user_id, "email": user.email})
    return user


def remove_member(*, session: Session, ctx: RoomContext, user_id: int) -> None:
    """Take a member off the room; their access ends with this request."""
    _require_manager(ctx, "remove the data room's members")
    row = session.scalar(select(DataRoomMember).where(
        DataRoomMember.room_id == ctx.room.id, DataRoomMember.user_id == user_id))
    if row is None:
        raise NotFound("That user is not a member of this data room")
    email = session.scalar(select(User.email).where(User.id == user_id)) or ""
    session.delete(row)
    session.flush()
    audit.record(session=session, actor=ctx.principal.actor, action="dataroom.member.remove",
                 object_type="partnership", object_id=ctx.partnership.id,
                 summary=f"removed {email} from the data room",
                 before={"user_id": user_id, "email": email})


# --- rules and authorisation ------------------------------------------------------------------


def _require_rule_setter(ctx: RoomContext) -> None:
    if not ctx.sets_rules:
        raise Forbidden("Only officers assigned to the partnership and admins may set the data "
                        "room's rules and authorisation")


def set_rules(
    *, session: Session, ctx: RoomContext, countries: list[str], eligibilities: list[str]
) -> DataRoom:
    """Set which countries and declared eligibilities may receive Controlled Technical Data."""
    _require_rule_setter(ctx)
    bad = [c for c in countries if c not in COUNTRIES]
    if bad or not countries:
        raise Invalid.field("allowed_countries", f"choose from {', '.join(COUNTRIES)}")
    bad = [e for e in eligibilities if e not in ELIGIBILITIES]
    if bad or not eligibilities:
        raise Invalid.field("allowed_eligibilities", f"choose from {', '.join(ELIGIBILITIES)}")
    room = ctx.room
    before = {"allowed_countries": room.allowed_countries,
              "allowed_eligibilities": room.allowed_eligibilities}
    room.allowed_countries = [c for c in COUNTRIES if c in countries]
    room.allowed_eligibilities = [e for e in ELIGIBILITIES if e in eligibilities]
    session.flush()
    audit.record(session=session, actor=ctx.principal.actor, action="dataroom.rules",
                 object_type="partnership", object_id=ctx.partnership.id,
                 summary="changed the data room's rules for Controlled Technical Data",
                 before=before, after={"allowed_countries": room.allowed_countries,
                                       "allowed_eligibilities": room.allowed_eligibilities})
    return room


def set_authorisation(
    *, session: Session, ctx: RoomContext, reference: str, expires_on: date | None
) -> DataRoom:
    """Record the export authorisation covering the room (a DSP-5, TAA or SCOMET licence), or
    clear it with an empty reference."""
    _require_rule_setter(ctx)
    reference = reference.strip()
    if len(reference) > 120:
        raise Invalid.field("reference", "use at most 120 characters")
    if reference and expires_on is None:
        raise Invalid.field("expires_on", "give the date the authorisation expires")
    if reference and expires_on is not None and expires_on < utcnow().date():
        raise Invalid.field("expires_on", "the date has passed; record a current authorisation")
    room = ctx.room
    before = {"reference": room.authorisation_reference,
              "expires_on": room.authorisation_expires_on}
    room.authorisation_reference = reference
    room.authorisation_expires_on = expires_on if reference else None
    room.authorisation_set_by_id = ctx.principal.user.id
    room.authorisation_set_at = utcnow()
    session.flush()
    audit.record(session=session, actor=ctx.principal.actor, action="dataroom.authorisation",
                 object_type="partnership", object_id=ctx.partnership.id,
                 summary=(f"recorded authorisation {reference}" if reference
                          else "cleared the data room's authorisation"),
                 before=before, after={"reference": room.authorisation_reference,
                                       "expires_on": room.authorisation_expires_on})
    return room


# --- documents --------------------------------------------------------------------------------


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
    previous: DocumentVersion | None = None
    if document_id is None:
        document = Document(room_id=ctx.room.id, latest_number=0,
                            created_by_id=ctx.principal.user.id, created_at=utcnow())
        session.add(document)
        session.flush()
    else:
        document = _document(session, ctx, document_id)
        previous = _version(session, document, None)
    stored = uploads.store(settings, data, ACCEPTED, name=filename)
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


def _log(
    session: Session,
    ctx: RoomContext,
    version: DocumentVersion,
    action: AccessAction,
    decision: Decision,
) -> None:
    outcome = AccessOutcome.ALLOWED if decision.allowed else AccessOutcome.DENIED
    session.add(AccessLog(room_id=ctx.room.id, document_id=version.document_id,
                          version_id=version.id, user_id=ctx.principal.user.id, action=action,
                          outcome=outcome, reason=decision.reason, at=utcnow()))
    audit.record(session=session, actor=ctx.principal.actor,
                 action=f"dataroom.document.{action.value}", object_type="data_room_document",
                 object_id=version.document_id,
                 summary=f"{action.value} of '{version.title}' v{version.number} "
                         f"({markings.label(version.marking)}): {outcome.value}"
                         + (f" ({decision.reason})" if decision.reason else ""),
                 after={"version": version.number, "marking": version.marking,
                        "outcome": outcome})


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
        _log(session, ctx, latest, AccessAction.VIEW, decision)
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
    ctx = _context(session, principal, partnership)
    document = _document(session, ctx, document_id)
    version = _version(session, document, number)
    found = ctx.manager or ctx.viewer.is_member
    decision = ctx.decide(version.marking)
    _log(session, ctx, version, action, decision)
    session.flush()
    return Opened(partnership=partnership, document=document, version=version,
                  decision=decision, found=found)


@dataclass(frozen=True, slots=True)
class Download:
    filename: str
    content_type: str
    data: bytes


def download(*, settings: Settings, opened: Opened) -> Download:
    """Return an opened version's bytes: marked in its name, and for text files in its content
    (a banner line at the top and bottom)."""
    version = opened.version
    path = uploads.path_for(settings, version.storage_key)
    if not path.is_file():
        raise Invalid("The file is missing from storage; ask an administrator", status=410)
    data = path.read_bytes()
    line = markings.banner(version.marking, partnership=opened.partnership.title)
    return Download(
        filename=markings.marked_filename(version.marking, version.filename),
        content_type=version.content_type,
        data=markings.stamp_text(data, version.content_type, line),
    )


# --- access log -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LogFilter:
    user: str = ""  # e-mail substring
    action: AccessAction | None = None
    outcome: AccessOutcome | None = None
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True, slots=True)
class LogRow:
    at: datetime
    email: str
    document_id: int
    title: str
    version: int
    marking: Marking
    action: AccessAction
    outcome: AccessOutcome
    reason: str


def parse_day(value: str, field: str) -> date | None:
    """Return a YYYY-MM-DD date from a filter, None when empty; raise Invalid otherwise."""
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise Invalid.field(field, "give a date as YYYY-MM-DD") from exc


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def access_log(
    *, session: Session, ctx: RoomContext, flt: LogFilter, limit: int = 500
) -> list[LogRow]:
    """Return the room's access log, newest first (managers and assigned officers)."""
    _require_manager(ctx, "read the data room's access log")
    query = (
        select(AccessLog, User.email, DocumentVersion)
        .join(DocumentVersion, DocumentVersion.id == AccessLog.version_id)
        .outerjoin(User, User.id == AccessLog.user_id)
        .where(AccessLog.room_id == ctx.room.id)
    )
    if flt.user:
        query = query.where(func.lower(User.email).contains(flt.user.lower()))
    if flt.action is not None:
        query = query.where(AccessLog.action == flt.action)
    if flt.outcome is not None:
        query = query.where(AccessLog.outcome == flt.outcome)
    if flt.since is not None:
        query = query.where(AccessLog.at >= _day_start(flt.since))
    if flt.until is not None:
        query = query.where(AccessLog.at < _day_start(flt.until + timedelta(days=1)))
    rows = session.execute(query.order_by(AccessLog.at.desc(), AccessLog.id.desc())
                           .limit(limit)).all()
    return [LogRow(at=log.at, email=email or "(deleted user)", document_id=log.document_id,
                   title=version.title, version=version.number, marking=version.marking,
                   action=log.action, outcome=log.outcome, reason=log.reason)
            for log, email, version in rows]


def access_log_csv(rows: list[LogRow]) -> Iterator[str]:
    """Yield the access log as CSV lines."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["at", "user", "document_id", "title", "version", "marking", "action",
                     "outcome", "reason"])
    for r in rows:
        writer.writerow([r.at.isoformat(), r.email, r.document_id, r.title, r.version,
                         markings.label(r.marking), r.action.value, r.outcome.value, r.reason])
    yield buffer.getvalue()


# --- eligibility ------------------------------------------------------------------------------


def declare_eligibility(
    *, session: Session, user: User, eligibility: str, actor: Actor
) -> User:
    """Record the user's own declaration (or "" to withdraw it), dated and audited."""
    try:
        value = Eligibility(eligibility) if eligibility else None
    except ValueError as exc:
        raise Invalid.field("eligibility", "choose one of the options") from exc
    before = {"eligibility": user.eligibility, "declared_at": user.eligibility_declared_at}
    user.eligibility = value
    user.eligibility_declared_at = utcnow() if value is not None else None
    session.flush()
    audit.record(session=session, actor=actor, action="user.eligibility", object_type="user",
                 object_id=user.id,
                 summary=f"declared eligibility: {value.value if value else rules.UNDECLARED}",
                 before=before, after={"eligibility": user.eligibility,
                                       "declared_at": user.eligibility_declared_at})
    return user


# --- the partnership's timeline ---------------------------------------------------------------


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


# --- figures for the dashboards ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RoomStats:
    documents_by_marking: dict[str, int]
    views: int
    downloads: int
    denied: int
    rooms: int


def room_stats(
    *, session: Session, since: date | None = None, until: date | None = None
) -> RoomStats:
    """Return documents by the marking of their latest version, and the views, downloads and
    refusals logged in a date range (inclusive; open ends when None)."""
    marks = session.execute(
        select(DocumentVersion.marking, func.count())
        .join(Document, (Document.id == DocumentVersion.document_id)
              & (Document.latest_number == DocumentVersion.number))
        .group_by(DocumentVersion.marking)).all()
    by_marking = {m.value: 0 for m in Marking}
    by_marking.update({m.value: int(n) for m, n in marks})
    query = select(AccessLog.action, AccessLog.outcome, func.count()).group_by(
        AccessLog.action, AccessLog.outcome)
    if since is not None:
        query = query.where(AccessLog.at >= _day_start(since))
    if until is not None:
        query = query.where(AccessLog.at < _day_start(until + timedelta(days=1)))
    counts: Counter[tuple[str, str]] = Counter()
    for action, outcome, n in session.execute(query):
        counts[(action.value, outcome.value)] += int(n)
    allowed = AccessOutcome.ALLOWED.value
    return RoomStats(
        documents_by_marking=by_marking,
        views=counts[(AccessAction.VIEW.value, allowed)],
        downloads=counts[(AccessAction.DOWNLOAD.value, allowed)],
        denied=sum(n for (_, outcome), n in counts.items() if outcome != allowed),
        rooms=session.scalar(select(func.count()).select_from(DataRoom)) or 0,
    )
