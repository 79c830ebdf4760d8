"""Data rooms: the room as one caller sees it, its named members, and its rules for Controlled
Technical Data. Documents are in dataroom_documents.py, the access log in dataroom_log.py.

Who may see what is decided afresh on every call from the database (memberships, officer
assignments, the latest assessment), never from anything kept in the browser session.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts.models import Eligibility, Membership, User
from indusx.accounts.permissions import EDIT_ROLES, Principal
from indusx.audit import service as audit
from indusx.audit.service import Actor
from indusx.db import utcnow
from indusx.errors import Conflict, Forbidden, Invalid, NotFound
from indusx.orgs.models import Organisation
from indusx.partnerships import access as partnership_access
from indusx.partnerships import dataroom_access as rules
from indusx.partnerships.dataroom_access import Decision, RoomRules, Viewer
from indusx.partnerships.dataroom_models import DataRoom, DataRoomMember
from indusx.partnerships.markings import Marking
from indusx.partnerships.models import Partnership
from indusx.pathway.models import Assessment

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
    ctx = room_context(session, principal, partnership)
    if not (ctx.manager or ctx.viewer.is_member):
        raise NotFound("No such partnership")
    return ctx


def room_context(
    session: Session, principal: Principal, partnership: Partnership
) -> RoomContext:
    """Return the partnership's room as the caller sees it, whether or not they may enter."""
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


def require_manager(ctx: RoomContext, doing: str) -> None:
    """Refuse callers who do not manage the room."""
    if not ctx.manager:
        raise Forbidden(f"Only the parties' owners and editors, assigned officers and admins "
                        f"may {doing}")


def _eligible_user_ids(session: Session, ctx: RoomContext) -> set[int]:
    """Return who may be named: members of a party organisation and assigned officers."""
    return _may_be_named(session, ctx.partnership.id, ctx.party_org_ids)


def _may_be_named(session: Session, partnership_id: int, party_org_ids: Sequence[int]) -> set[int]:
    party_members = session.scalars(select(Membership.user_id).where(
        Membership.org_id.in_(party_org_ids or (-1,))))
    officers = session.scalars(select(User.id).where(
        User.id.in_(partnership_access.assigned_officer_ids(session, partnership_id)),
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
    require_manager(ctx, "name the data room's members")
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
    require_manager(ctx, "remove the data room's members")
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


def drop_former_members(*, session: Session, partnership_id: int, actor: Actor) -> list[str]:
    """Take off the room every named member who is no longer a member of a party organisation
    or an assigned officer (after a party leaves); return their e-mails."""
    room_id = session.scalar(select(DataRoom.id).where(DataRoom.partnership_id == partnership_id))
    if room_id is None:
        return []
    keep = _may_be_named(session, partnership_id,
                         partnership_access.party_org_ids(session, partnership_id))
    rows = session.execute(
        select(DataRoomMember, User.email).join(User, User.id == DataRoomMember.user_id)
        .where(DataRoomMember.room_id == room_id, DataRoomMember.user_id.not_in(keep or {-1}))
        .order_by(User.email)).all()
    for row, email in rows:
        session.delete(row)
        audit.record(session=session, actor=actor, action="dataroom.member.remove",
                     object_type="partnership", object_id=partnership_id,
                     summary=f"removed {email} from the data room: their organisation is no "
                             "longer a party",
                     before={"user_id": row.user_id, "email": email})
    session.flush()
    return [email for _, email in rows]


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
