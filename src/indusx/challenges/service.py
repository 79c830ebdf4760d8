"""Challenges: create and change them, move them through their phases, list and read them.

Every date is stored in UTC and shown in the challenge's own time zone. `now()` is the one
clock of this domain (tests move it).
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.orm import Session

from indusx.accounts.permissions import Principal
from indusx.audit import service as audit
from indusx.audit.service import Actor
from indusx.challenges import access
from indusx.challenges.models import (
    PHASE_ORDER,
    Challenge,
    Criterion,
    Phase,
    Question,
    challenge_focus_area,
)
from indusx.challenges.schemas import (
    ChallengeCreate,
    ChallengeRead,
    ChallengeSummary,
    ChallengeUpdate,
    CriterionRead,
    QuestionRead,
)
from indusx.db import utcnow
from indusx.errors import Conflict, Forbidden, Invalid, NotFound
from indusx.orgs import service as org_service
from indusx.orgs.models import FocusArea, Organisation
from indusx.orgs.taxonomy import OrgKind

PHASE_LABELS: dict[Phase, str] = {
    Phase.DRAFT: "Draft",
    Phase.OPEN: "Open for proposals",
    Phase.SUBMISSIONS_CLOSED: "Submissions closed",
    Phase.REVIEW: "Review",
    Phase.SHORTLIST: "Shortlist",
    Phase.PITCH: "Pitch",
    Phase.AWARDED: "Awarded",
    Phase.CLOSED: "Closed",
}
FROZEN = "The rubric and questions are frozen once the challenge is open"


def now() -> datetime:
    """Return the current instant (UTC): the one clock that deadlines are checked against."""
    return utcnow()


def local(moment: datetime | None, tz: str, fmt: str = "%d %b %Y, %H:%M %Z") -> str:
    """Return an instant as the challenge's time zone shows it ('' for none)."""
    if moment is None:
        return ""
    return moment.astimezone(ZoneInfo(tz)).strftime(fmt)


def as_utc(moment: datetime | None, tz: str) -> datetime | None:
    """Return an instant in UTC; a time without an offset is read in the time zone given."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(tz))
    return moment.astimezone(UTC)


# --- reading ----------------------------------------------------------------------------------


def get_challenge(*, session: Session, challenge_id: int) -> Challenge:
    """Return a challenge by id, or raise NotFound."""
    challenge = session.get(Challenge, challenge_id)
    if challenge is None:
        raise NotFound(f"No challenge with id {challenge_id}")
    return challenge


def get_by_slug(*, session: Session, slug: str) -> Challenge:
    """Return a challenge by slug (or numeric id), or raise NotFound."""
    where = Challenge.id == int(slug) if slug.isdigit() else Challenge.slug == slug
    challenge = session.scalar(select(Challenge).where(where))
    if challenge is None:
        raise NotFound(f"No challenge '{slug}'")
    return challenge


def visible(*, session: Session, principal: Principal | None, challenge: Challenge) -> Challenge:
    """Return the challenge if the caller may read it, else raise NotFound (drafts hide)."""
    if challenge.phase is Phase.DRAFT and (
        principal is None or not access.can_view_challenge(session, principal, challenge)
    ):
        raise NotFound(f"No challenge '{challenge.slug}'")
    return challenge


def criteria_of(session: Session, challenge_id: int) -> list[Criterion]:
    """Return the challenge's rubric in order."""
    return list(
        session.scalars(
            select(Criterion)
            .where(Criterion.challenge_id == challenge_id)
            .order_by(Criterion.position, Criterion.id)
        )
    )


def questions_of(session: Session, challenge_id: int) -> list[Question]:
    """Return the challenge's proposal questions in order."""
    return list(
        session.scalars(
            select(Question)
            .where(Question.challenge_id == challenge_id)
            .order_by(Question.position, Question.id)
        )
    )


def focus_areas_of(session: Session, challenge_ids: list[int]) -> dict[int, list[FocusArea]]:
    """Return each challenge's focus areas."""
    out: dict[int, list[FocusArea]] = {i: [] for i in challenge_ids}
    if not challenge_ids:
        return out
    rows = session.execute(
        select(challenge_focus_area.c.challenge_id, FocusArea)
        .join(FocusArea, FocusArea.id == challenge_focus_area.c.focus_area_id)
        .where(challenge_focus_area.c.challenge_id.in_(challenge_ids))
        .order_by(FocusArea.name)
    ).all()
    for challenge_id, area in rows:
        out[challenge_id].append(area)
    return out


def _sponsor_names(session: Session, org_ids: set[int]) -> dict[int, str]:
    if not org_ids:
        return {}
    rows = session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.id.in_(org_ids))
    ).all()
    return {i: n for i, n in rows}


def _summary_data(challenge: Challenge, sponsor: str, areas: list[FocusArea]) -> dict[str, Any]:
    return {
        "id": challenge.id,
        "slug": challenge.slug,
        "title": challenge.title,
        "summary": challenge.summary,
        "phase": challenge.phase,
        "sponsor_org_id": challenge.sponsor_org_id,
        "sponsor": sponsor,
        "co_sponsors": list(challenge.co_sponsors or []),
        "prize": challenge.prize,
        "funding_usd": challenge.funding_usd,
        "focus_areas": [a.slug for a in areas],
        "eligible_countries": list(challenge.eligible_countries or []),
        "joint_team_required": challenge.joint_team_required,
        "timezone": challenge.timezone,
        "deadline_at": challenge.deadline_at,
        "deadline_local": local(challenge.deadline_at, challenge.timezone),
        "is_demo": challenge.is_demo,
    }


def summaries(session: Session, challenges: list[Challenge]) -> list[ChallengeSummary]:
    """Return the listing rows of challenges."""
    names = _sponsor_names(session, {c.sponsor_org_id for c in challenges})
    areas = focus_areas_of(session, [c.id for c in challenges])
    return [
        ChallengeSummary.model_validate(
            _summary_data(c, names.get(c.sponsor_org_id, ""), areas[c.id])
        )
        for c in challenges
    ]


def weight_shares(criteria: list[Criterion]) -> list[float]:
    """Return each criterion's weight as a share of the total."""
    total = sum(c.weight for c in criteria) or 1.0
    return [c.weight / total for c in criteria]


def read(session: Session, challenge: Challenge, principal: Principal | None) -> ChallengeRead:
    """Return everything about a challenge that an applicant needs."""
    criteria = criteria_of(session, challenge.id)
    data = _summary_data(
        challenge,
        _sponsor_names(session, {challenge.sponsor_org_id}).get(challenge.sponsor_org_id, ""),
        focus_areas_of(session, [challenge.id])[challenge.id],
    )
    data.update(
        problem_statement=challenge.problem_statement,
        eligible_kinds=list(challenge.eligible_kinds or []),
        trl_min=challenge.trl_min,
        trl_max=challenge.trl_max,
        opens_at=challenge.opens_at,
        schedule={k: datetime.fromisoformat(v) for k, v in (challenge.schedule or {}).items()},
        blind_review=challenge.blind_review,
        reviews_per_proposal=challenge.reviews_per_proposal,
        criteria=[
            CriterionRead(
                id=c.id,
                position=c.position,
                name=c.name,
                description=c.description,
                weight=c.weight,
                weight_share=share,
                scale_max=c.scale_max,
            )
            for c, share in zip(criteria, weight_shares(criteria), strict=True)
        ],
        questions=[
            QuestionRead.model_validate(q, from_attributes=True)
            for q in questions_of(session, challenge.id)
        ],
        can_manage=principal is not None and access.can_manage(session, principal, challenge),
        created_at=challenge.created_at,
        updated_at=challenge.updated_at,
    )
    return ChallengeRead.model_validate(data)


@dataclass(frozen=True, slots=True)
class ChallengeFilter:
    phase: tuple[Phase, ...] = ()
    q: str = ""
    focus_area: str = ""
    country: str = ""  # challenges open to organisations of this country
    joint: bool | None = None


def list_challenges(
    *,
    session: Session,
    principal: Principal | None,
    flt: ChallengeFilter,
    page: int = 1,
    page_size: int = 20,
    everything: bool = False,
) -> tuple[list[Challenge], int]:
    """Return a page of the challenges the caller may see (`everything`: the command line),
    open ones first, soonest deadline first."""
    query = select(Challenge)
    if not everything:
        query = query.where(access.visible_challenges(principal))
    if flt.phase:
        query = query.where(Challenge.phase.in_(flt.phase))
    for word in flt.q.lower().split()[:8]:
        pattern = f"%{word}%"
        query = query.where(
            or_(
                func.lower(Challenge.title).like(pattern),
                func.lower(Challenge.summary).like(pattern),
                func.lower(Challenge.problem_statement).like(pattern),
            )
        )
    if flt.focus_area:
        query = query.where(
            Challenge.id.in_(
                select(challenge_focus_area.c.challenge_id)
                .join(FocusArea, FocusArea.id == challenge_focus_area.c.focus_area_id)
                .where(FocusArea.slug == flt.focus_area)
            )
        )
    if flt.joint is not None:
        query = query.where(Challenge.joint_team_required.is_(flt.joint))
    rows = list(session.scalars(query))
    if flt.country:
        # The eligibility lists are JSON: filtered here (challenges are few).
        rows = [c for c in rows if not c.eligible_countries or flt.country in c.eligible_countries]
    far = datetime.max.replace(tzinfo=UTC)
    rows.sort(key=lambda c: (PHASE_ORDER.index(c.phase) != 1, c.deadline_at or far, c.id))
    start = (page - 1) * page_size
    return rows[start : start + page_size], len(rows)


# --- writing ----------------------------------------------------------------------------------


def snapshot(challenge: Challenge) -> dict[str, Any]:
    """Return the stored fields of a challenge, for the audit log."""
    return {
        name: getattr(challenge, name)
        for name in (
            "title",
            "summary",
            "problem_statement",
            "sponsor_org_id",
            "co_sponsors",
            "prize",
            "funding_usd",
            "eligible_countries",
            "eligible_kinds",
            "trl_min",
            "trl_max",
            "joint_team_required",
            "timezone",
            "phase",
            "opens_at",
            "deadline_at",
            "schedule",
            "blind_review",
            "reviews_per_proposal",
        )
    }


def sponsor_choices(*, session: Session, principal: Principal) -> list[Organisation]:
    """Return the government organisations the caller may name as sponsor."""
    query = select(Organisation).where(Organisation.kind == OrgKind.GOVERNMENT)
    if not principal.is_admin:
        query = query.where(Organisation.id.in_(list(principal.org_roles) or [-1]))
    return list(session.scalars(query.order_by(Organisation.name)))


def _check_sponsor(session: Session, principal: Principal, org_id: int) -> None:
    org = session.get(Organisation, org_id)
    if org is None:
        raise Invalid.field("sponsor_org_id", f"there is no organisation with id {org_id}")
    if org.kind is not OrgKind.GOVERNMENT:
        raise Invalid.field(
            "sponsor_org_id", f"{org.name} is not a government organisation (sponsoring agency)"
        )
    if not principal.is_admin and principal.role_in(org_id) is None:
        raise Forbidden(
            f"You can create challenges only for an agency you are a member of, not {org.name}",
            errors=[{"field": "sponsor_org_id", "message": f"you are not a member of {org.name}"}],
        )


def _unique_slug(session: Session, title: str) -> str:
    base = org_service.slugify(title)[:100] or "challenge"
    slug, n = base, 1
    while session.scalar(select(Challenge.id).where(Challenge.slug == slug)) is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _set_areas(session: Session, challenge: Challenge, slugs: list[str]) -> None:
    areas = list(session.scalars(select(FocusArea).where(FocusArea.slug.in_(slugs))))
    unknown = sorted(set(slugs) - {a.slug for a in areas})
    if unknown:
        raise Invalid.field("focus_areas", f"unknown focus areas: {', '.join(unknown)}")
    session.execute(
        delete(challenge_focus_area).where(challenge_focus_area.c.challenge_id == challenge.id)
    )
    if areas:
        session.execute(
            insert(challenge_focus_area),
            [{"challenge_id": challenge.id, "focus_area_id": a.id} for a in areas],
        )


def _replace_rubric(session: Session, challenge: Challenge, values: dict[str, Any]) -> None:
    if "criteria" in values and values["criteria"] is not None:
        session.execute(delete(Criterion).where(Criterion.challenge_id == challenge.id))
        for n, c in enumerate(values["criteria"]):
            session.add(Criterion(challenge_id=challenge.id, position=n, **c))
    if "questions" in values and values["questions"] is not None:
        session.execute(delete(Question).where(Question.challenge_id == challenge.id))
        for n, q in enumerate(values["questions"]):
            session.add(Question(challenge_id=challenge.id, position=n, **q))


def _apply(challenge: Challenge, values: dict[str, Any]) -> None:
    tz = values.get("timezone") or challenge.timezone or "UTC"
    challenge.timezone = tz
    for name in ("opens_at", "deadline_at"):
        if name in values:
            setattr(challenge, name, as_utc(values[name], tz))
    if "schedule" in values:
        challenge.schedule = {
            Phase(k).value: as_utc(v, tz).isoformat()  # type: ignore[union-attr]
            for k, v in (values["schedule"] or {}).items()
        }
    for name in (
        "title",
        "summary",
        "problem_statement",
        "co_sponsors",
        "prize",
        "funding_usd",
        "eligible_countries",
        "eligible_kinds",
        "trl_min",
        "trl_max",
        "joint_team_required",
        "blind_review",
        "reviews_per_proposal",
    ):
        if name in values:
            value = values[name]
            if value is None and name in ("title",):
                raise Invalid.field(name, "a challenge needs a title")
            if value is None and name in ("summary", "problem_statement", "prize"):
                value = ""
            if value is None and name in ("co_sponsors", "eligible_countries", "eligible_kinds"):
                value = []
            if value is None and name in ("joint_team_required", "blind_review"):
                value = False
            if value is None and name == "reviews_per_proposal":
                value = 3
            if isinstance(value, list):
                value = [str(v) for v in value]
            setattr(challenge, name, value)
    if (
        challenge.trl_min is not None
        and challenge.trl_max is not None
        and challenge.trl_min > challenge.trl_max
    ):
        raise Invalid.field("trl_max", "the highest TRL must not be below the lowest")


def create_challenge(
    *, session: Session, challenge_in: ChallengeCreate, principal: Principal, is_demo: bool = False
) -> Challenge:
    """Create a challenge as a draft, sponsored by the officer's agency."""
    principal.require(principal.is_officer, "Only programme officers create challenges")
    _check_sponsor(session, principal, challenge_in.sponsor_org_id)
    values = challenge_in.model_dump(exclude_unset=True)
    values["timezone"] = challenge_in.timezone
    challenge = Challenge(
        slug=_unique_slug(session, challenge_in.title),
        title=challenge_in.title,
        sponsor_org_id=challenge_in.sponsor_org_id,
        phase=Phase.DRAFT,
        is_demo=is_demo,
        created_by_id=principal.user.id,
        created_at=utcnow(),
        updated_at=utcnow(),
        co_sponsors=[],
        eligible_countries=[],
        eligible_kinds=[],
        schedule={},
    )
    _apply(challenge, values)
    session.add(challenge)
    session.flush()
    _set_areas(session, challenge, challenge_in.focus_areas or [])
    _replace_rubric(session, challenge, values)
    session.flush()
    audit.record(
        session=session,
        actor=principal.actor,
        action="challenge.create",
        object_type="challenge",
        object_id=challenge.id,
        summary=f"created the challenge '{challenge.title}'",
        after=snapshot(challenge),
    )
    return challenge


def require_manager(session: Session, principal: Principal, challenge: Challenge) -> None:
    """Raise Forbidden unless the caller runs this challenge."""
    if not access.can_manage(session, principal, challenge):
        raise Forbidden(
            "Only the sponsoring agency's programme officers and the challenge's managers "
            "may change this challenge"
        )


def update_challenge(
    *, session: Session, challenge: Challenge, challenge_in: ChallengeUpdate, principal: Principal
) -> Challenge:
    """Change the fields given; the rubric and questions only while a draft."""
    require_manager(session, principal, challenge)
    values = challenge_in.model_dump(exclude_unset=True)
    if challenge.phase is not Phase.DRAFT:
        frozen = [f for f in ("criteria", "questions") if values.get(f) is not None]
        if frozen:
            raise Conflict(
                f"{FROZEN} ({PHASE_LABELS[challenge.phase].lower()}): step it back to draft "
                "to change them",
                errors=[{"field": f, "message": FROZEN.lower()} for f in frozen],
            )
    before = snapshot(challenge)
    _apply(challenge, values)
    if "focus_areas" in values:
        _set_areas(session, challenge, values["focus_areas"] or [])
    _replace_rubric(session, challenge, values)
    challenge.updated_at = utcnow()
    session.flush()
    after = snapshot(challenge)
    changed = {k for k in after if after[k] != before[k]}
    audit.record(
        session=session,
        actor=principal.actor,
        action="challenge.update",
        object_type="challenge",
        object_id=challenge.id,
        summary=f"changed the challenge '{challenge.title}'",
        before={k: before[k] for k in changed},
        after={
            **{k: after[k] for k in changed},
            **{k: len(values[k]) for k in ("criteria", "questions") if values.get(k) is not None},
        },
    )
    return challenge


def opening_problems(session: Session, challenge: Challenge) -> list[dict[str, str]]:
    """Return what keeps a draft from opening, one entry per missing piece."""
    problems = []
    if not challenge.problem_statement.strip():
        problems.append(
            {"field": "problem_statement", "message": "write the problem statement first"}
        )
    if challenge.deadline_at is None:
        problems.append({"field": "deadline_at", "message": "set the submission deadline"})
    elif challenge.deadline_at <= now():
        problems.append(
            {
                "field": "deadline_at",
                "message": "the deadline "
                f"({local(challenge.deadline_at, challenge.timezone)}) must be in the future",
            }
        )
    if not criteria_of(session, challenge.id):
        problems.append({"field": "criteria", "message": "add at least one rubric criterion"})
    return problems


def change_phase(
    *, session: Session, challenge: Challenge, to: Phase, reason: str, principal: Principal | None
) -> Challenge:
    """Move the challenge to the next phase, or back one with a reason. Without a principal
    the command line acts (someone with the server's shell)."""
    if principal is not None:
        require_manager(session, principal, challenge)
    actor = principal.actor if principal is not None else Actor.system("cli")
    current = PHASE_ORDER.index(challenge.phase)
    target = PHASE_ORDER.index(to)
    reason = reason.strip()
    early = False
    if target == current + 1:
        if to is Phase.OPEN:
            problems = opening_problems(session, challenge)
            if problems:
                raise Conflict(
                    "The challenge cannot open yet: " + "; ".join(p["message"] for p in problems),
                    errors=problems,
                )
            if challenge.opens_at is None or challenge.opens_at > now():
                challenge.opens_at = now()
        early = (to is Phase.SUBMISSIONS_CLOSED and challenge.deadline_at is not None
                 and now() < challenge.deadline_at)
        if not early:
            reason = ""  # a reason is kept only where one is asked for
        elif len(reason) < 5:
            # Applicants plan to the published deadline: closing before it is an exception.
            raise Invalid.field(
                "reason", "the published deadline has not passed: give the reason for closing "
                "submissions early (at least 5 characters)")
    elif target == current - 1:
        if len(reason) < 5:
            raise Invalid.field(
                "reason", "give the reason for stepping back a phase (at least 5 characters)"
            )
    else:
        following = (
            f"{PHASE_LABELS[PHASE_ORDER[current + 1]].lower()} ({PHASE_ORDER[current + 1].value})"
            if current + 1 < len(PHASE_ORDER)
            else "nothing: it is the last phase"
        )
        raise Conflict(
            f"A challenge in {challenge.phase.value} moves on to {following}, or back one "
            f"phase with a reason; not to {to.value}",
            errors=[
                {
                    "field": "phase",
                    "message": f"cannot move from {challenge.phase.value} to {to.value}",
                }
            ],
        )
    before = challenge.phase
    challenge.phase = to
    challenge.updated_at = utcnow()
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="challenge.phase",
        object_type="challenge",
        object_id=challenge.id,
        summary=f"'{challenge.title}': {before.value} -> {to.value}"
        + (f" ({'back' if target < current else 'early'}: {reason})" if reason else ""),
        before={"phase": before.value},
        after={"phase": to.value, **({"reason": reason} if reason else {})},
    )
    return challenge
