"""Web pages for challenges: the public listing, the challenge page, the officers' form and
phase controls. The proposal pages are in proposal_pages.py."""

import re
from datetime import datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo, available_timezones

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from indusx import templating
from indusx.accounts.permissions import Principal
from indusx.challenges import access, proposals, service
from indusx.challenges.models import PHASE_ORDER, Challenge, Phase, ProposalStatus
from indusx.challenges.schemas import SCHEDULED_PHASES, ChallengeCreate, ChallengeUpdate
from indusx.challenges.service import PHASE_LABELS, ChallengeFilter
from indusx.deps import MaybeSignedIn, Officer, SessionDep, SignedIn
from indusx.errors import DomainError, Invalid
from indusx.forms import FormDep, field_errors, form_text
from indusx.orgs import service as org_service
from indusx.orgs.models import Organisation
from indusx.orgs.taxonomy import COUNTRY_LABELS, KIND_LABELS, OrgKind

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 12
COMMON_ZONES = (
    "Asia/Kolkata",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "Pacific/Honolulu",
    "UTC",
)
LOCAL_INPUT = "%Y-%m-%dT%H:%M"
_ROW_KEY = re.compile(r"(criteria|questions)-(\d+)-([a-z_]+)")
CRITERION_FIELDS = ("name", "description", "weight", "scale_max")
QUESTION_FIELDS = ("prompt", "help", "required", "max_chars")
FIELD_LABELS = {
    "title": "Title",
    "summary": "Summary",
    "problem_statement": "Problem statement",
    "sponsor_org_id": "Sponsoring agency",
    "timezone": "Time zone",
    "deadline_at": "Submission deadline",
    "opens_at": "Opens",
    "trl_max": "Highest TRL",
    "trl_min": "Lowest TRL",
    "funding_usd": "Funding (USD)",
    "criteria": "Rubric",
    "questions": "Questions",
}


def zone_options() -> list[tuple[str, str]]:
    """Return time zones for a select: the usual ones first, then every IANA zone."""
    rest = sorted(z for z in available_timezones() if "/" in z and z not in COMMON_ZONES)
    return [(z, z) for z in COMMON_ZONES] + [(z, z) for z in rest]


def countdown(deadline: datetime | None) -> str:
    """Return how long until the deadline, in words ('closed' once past)."""
    if deadline is None:
        return ""
    left = deadline - service.now()
    if left <= timedelta(0):
        return "closed"
    days, hours = left.days, left.seconds // 3600
    minutes = (left.seconds % 3600) // 60
    if days >= 2:
        return f"{days} days left"
    if days == 1:
        return f"1 day {hours} h left"
    return f"{hours} h {minutes} min left" if hours else f"{minutes} min left"


def common() -> dict[str, Any]:
    """Return labels every challenge page uses."""
    return {
        "phase_labels": {p.value: label for p, label in PHASE_LABELS.items()},
        "phase_order": [p.value for p in PHASE_ORDER],
        "country_labels": {k.value: v for k, v in COUNTRY_LABELS.items()},
        "kind_labels": {k.value: v for k, v in KIND_LABELS.items()},
        "countdown": countdown,
        "local": service.local,
    }


def load_by_slug(slug: str, principal: MaybeSignedIn, session: SessionDep) -> Challenge:
    """Return the challenge named in the path if the caller may see it, or 404."""
    challenge = service.get_by_slug(session=session, slug=slug)
    return service.visible(session=session, principal=principal, challenge=challenge)


ChallengeBySlug = Annotated[Challenge, Depends(load_by_slug)]


# --- the listing ------------------------------------------------------------------------------


@router.get("/challenges")
def listing(
    request: Request,
    principal: MaybeSignedIn,
    session: SessionDep,
    q: Annotated[str, Query(max_length=200)] = "",
    show: Annotated[str, Query(max_length=10)] = "open",
    area: Annotated[str, Query(max_length=64)] = "",
    country: Annotated[str, Query(max_length=2)] = "",
    joint: Annotated[str, Query(max_length=3)] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    """List challenges open for proposals (or every published one), with search and filters."""
    phases: tuple[Phase, ...] = (Phase.OPEN,) if show != "all" else ()
    flt = ChallengeFilter(
        phase=phases,
        q=q,
        focus_area=area,
        country=country.upper() if country.upper() in ("IN", "US") else "",
        joint={"yes": True, "no": False}.get(joint),
    )
    rows, total = service.list_challenges(
        session=session, principal=principal, flt=flt, page=page, page_size=PAGE_SIZE
    )
    context = {
        **common(),
        "items": service.summaries(session, rows),
        "total": total,
        "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "q": q,
        "show": "all" if show == "all" else "open",
        "area": area,
        "country": flt.country,
        "joint": joint if joint in ("yes", "no") else "",
        "areas": org_service.list_focus_areas(session=session),
        "area_names": {a.slug: a.name for a in org_service.list_focus_areas(session=session)},
        "can_create": principal is not None and principal.is_officer,
    }
    name = "challenges/_cards.html" if templating.wants_partial(request) else "challenges/list.html"
    return templating.render(request, name, context)


# --- the officers' form -----------------------------------------------------------------------


def _local_input(moment: datetime | None, tz: str) -> str:
    return moment.astimezone(ZoneInfo(tz)).strftime(LOCAL_INPUT) if moment else ""


def _blank_values(session: Session, principal: Principal) -> dict[str, Any]:
    sponsors = service.sponsor_choices(session=session, principal=principal)
    return {
        "title": "",
        "summary": "",
        "problem_statement": "",
        "sponsor_org_id": str(sponsors[0].id) if len(sponsors) == 1 else "",
        "co_sponsors": "",
        "prize": "",
        "funding_usd": "",
        "focus_areas": [],
        "eligible_countries": ["IN", "US"],
        "eligible_kinds": [],
        "trl_min": "",
        "trl_max": "",
        "joint_team_required": False,
        "timezone": "Asia/Kolkata",
        "opens_at": "",
        "deadline_at": "",
        "schedule": {p.value: "" for p in SCHEDULED_PHASES},
        "blind_review": False,
        "reviews_per_proposal": "3",
        "criteria": [dict.fromkeys(CRITERION_FIELDS, "") | {"scale_max": "10"}],
        "questions": [dict.fromkeys(QUESTION_FIELDS, "") | {"required": "on", "max_chars": "3000"}],
    }


def _values_of(session: Session, challenge: Challenge) -> dict[str, Any]:
    tz = challenge.timezone
    areas = service.focus_areas_of(session, [challenge.id])[challenge.id]
    schedule = {k: datetime.fromisoformat(v) for k, v in (challenge.schedule or {}).items()}
    return {
        "title": challenge.title,
        "summary": challenge.summary,
        "problem_statement": challenge.problem_statement,
        "sponsor_org_id": str(challenge.sponsor_org_id),
        "co_sponsors": ", ".join(challenge.co_sponsors or []),
        "prize": challenge.prize,
        "funding_usd": "" if challenge.funding_usd is None else str(challenge.funding_usd),
        "focus_areas": [a.slug for a in areas],
        "eligible_countries": list(challenge.eligible_countries or []),
        "eligible_kinds": list(challenge.eligible_kinds or []),
        "trl_min": str(challenge.trl_min or ""),
        "trl_max": str(challenge.trl_max or ""),
        "joint_team_required": challenge.joint_team_required,
        "timezone": tz,
        "opens_at": _local_input(challenge.opens_at, tz),
        "deadline_at": _local_input(challenge.deadline_at, tz),
        "schedule": {p.value: _local_input(schedule.get(p.value), tz) for p in SCHEDULED_PHASES},
        "blind_review": challenge.blind_review,
        "reviews_per_proposal": str(challenge.reviews_per_proposal),
        "criteria": [
            {
                "name": c.name,
                "description": c.description,
                "weight": f"{c.weight:g}",
                "scale_max": str(c.scale_max),
            }
            for c in service.criteria_of(session, challenge.id)
        ],
        "questions": [
            {
                "prompt": q.prompt,
                "help": q.help,
                "required": "on" if q.required else "",
                "max_chars": str(q.max_chars),
            }
            for q in service.questions_of(session, challenge.id)
        ],
    }


def _form_values(form: FormData) -> dict[str, Any]:
    values: dict[str, Any] = {
        name: form_text(form, name)
        for name in (
            "title",
            "summary",
            "problem_statement",
            "sponsor_org_id",
            "co_sponsors",
            "prize",
            "funding_usd",
            "trl_min",
            "trl_max",
            "timezone",
            "opens_at",
            "deadline_at",
            "reviews_per_proposal",
        )
    }
    for name in ("focus_areas", "eligible_countries", "eligible_kinds"):
        values[name] = [v for v in form.getlist(name) if isinstance(v, str)]
    for name in ("joint_team_required", "blind_review"):
        values[name] = form_text(form, name) == "on"
    values["schedule"] = {p.value: form_text(form, f"schedule-{p.value}") for p in SCHEDULED_PHASES}
    rows: dict[str, dict[int, dict[str, str]]] = {"criteria": {}, "questions": {}}
    for key in form:
        if match := _ROW_KEY.fullmatch(key):
            rows[match[1]].setdefault(int(match[2]), {})[match[3]] = form_text(form, key)
    values["criteria"] = [
        {f: r.get(f, "") for f in CRITERION_FIELDS} for _, r in sorted(rows["criteria"].items())
    ]
    values["questions"] = [
        {f: r.get(f, "") for f in QUESTION_FIELDS} for _, r in sorted(rows["questions"].items())
    ]
    return values


def _payload(values: dict[str, Any], *, with_rubric: bool) -> dict[str, Any]:
    """Return the challenge input of the form's values; blank rows are left out."""

    def number(text: str) -> str | None:
        return text.replace(",", "").replace("_", "") or None

    data: dict[str, Any] = {
        "title": values["title"],
        "summary": values["summary"],
        "problem_statement": values["problem_statement"],
        "co_sponsors": [s for s in values["co_sponsors"].split(",") if s.strip()],
        "prize": values["prize"],
        "funding_usd": number(values["funding_usd"]),
        "focus_areas": values["focus_areas"],
        "eligible_countries": values["eligible_countries"],
        "eligible_kinds": values["eligible_kinds"],
        "trl_min": values["trl_min"] or None,
        "trl_max": values["trl_max"] or None,
        "joint_team_required": values["joint_team_required"],
        "timezone": values["timezone"] or "UTC",
        "opens_at": values["opens_at"] or None,
        "deadline_at": values["deadline_at"] or None,
        "schedule": {k: v for k, v in values["schedule"].items() if v},
        "blind_review": values["blind_review"],
        "reviews_per_proposal": values["reviews_per_proposal"] or 3,
    }
    if with_rubric:
        data["criteria"] = [
            {
                "name": c["name"],
                "description": c["description"],
                "weight": number(c["weight"]),
                "scale_max": c["scale_max"] or 10,
            }
            for c in values["criteria"]
            if c["name"] or c["description"] or c["weight"]
        ]
        data["questions"] = [
            {
                "prompt": q["prompt"],
                "help": q["help"],
                "required": q["required"] == "on",
                "max_chars": q["max_chars"] or 3000,
            }
            for q in values["questions"]
            if q["prompt"] or q["help"]
        ]
    return data


def _map_errors(errors: dict[str, str], values: dict[str, Any]) -> dict[str, str]:
    """Point errors on the payload's rows back at the form's rows (blank rows were skipped)."""
    kept = {
        "criteria": [
            n
            for n, c in enumerate(values["criteria"])
            if c["name"] or c["description"] or c["weight"]
        ],
        "questions": [n for n, q in enumerate(values["questions"]) if q["prompt"] or q["help"]],
    }
    out = {}
    for key, message in errors.items():
        parts = key.split("-")
        if parts[0] in kept and len(parts) >= 2 and parts[1].isdigit():
            index = int(parts[1])
            if index < len(kept[parts[0]]):
                parts[1] = str(kept[parts[0]][index])
        if parts[0] == "schedule" and len(parts) >= 2:
            parts = ["schedule", parts[1]]
        out["-".join(parts)] = message
    return out


def _error_labels(errors: dict[str, str]) -> dict[str, str]:
    labels = {}
    for key in errors:
        parts = key.split("-")
        if parts[0] in ("criteria", "questions") and len(parts) >= 2 and parts[1].isdigit():
            thing = "Criterion" if parts[0] == "criteria" else "Question"
            field = f", {parts[2].replace('_', ' ')}" if len(parts) > 2 else ""
            labels[key] = f"{thing} {int(parts[1]) + 1}{field}"
        elif parts[0] == "schedule" and len(parts) == 2:
            labels[key] = f"Schedule, {PHASE_LABELS.get(Phase(parts[1]), parts[1]).lower()}"
        else:
            labels[key] = FIELD_LABELS.get(key, key.replace("_", " ").capitalize())
    return labels


def _render_form(
    request: Request,
    session: Session,
    principal: Principal,
    *,
    values: dict[str, Any],
    challenge: Challenge | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    errors = errors or {}
    sponsors = service.sponsor_choices(session=session, principal=principal)
    if challenge is not None and challenge.sponsor_org_id not in {s.id for s in sponsors}:
        sponsor = session.get(Organisation, challenge.sponsor_org_id)
        sponsors = [*sponsors, *([sponsor] if sponsor else [])]
    return templating.render(
        request,
        "challenges/form.html",
        {
            **common(),
            "values": values,
            "errors": errors,
            "error_labels": _error_labels(errors),
            "challenge": challenge,
            "frozen": challenge is not None and challenge.phase is not Phase.DRAFT,
            "sponsor_options": [(str(s.id), s.name) for s in sponsors],
            "zone_options": zone_options(),
            "area_options": [
                (a.slug, a.name) for a in org_service.list_focus_areas(session=session)
            ],
            "country_options": [(k.value, v) for k, v in COUNTRY_LABELS.items()],
            "kind_options": [
                (k.value, v) for k, v in KIND_LABELS.items() if k is not OrgKind.GOVERNMENT
            ],
            "trl_options": [(str(n), f"TRL {n}") for n in range(1, 10)],
            "scheduled_phases": [(p.value, PHASE_LABELS[p]) for p in SCHEDULED_PHASES],
        },
        status_code=status_code,
    )


@router.get("/challenges/new")
def new_form(request: Request, principal: Officer, session: SessionDep) -> HTMLResponse:
    """Show the form for a new challenge (officers)."""
    return _render_form(request, session, principal, values=_blank_values(session, principal))


@router.post("/challenges/new")
def create(request: Request, principal: Officer, session: SessionDep, form: FormDep) -> Response:
    """Create the challenge as a draft (officers)."""
    values = _form_values(form)
    payload = _payload(values, with_rubric=True)
    try:
        if not values["sponsor_org_id"].isdigit():
            raise Invalid.field("sponsor_org_id", "choose the sponsoring agency")
        challenge_in = ChallengeCreate.model_validate(
            {**payload, "sponsor_org_id": values["sponsor_org_id"]}
        )
        challenge = service.create_challenge(
            session=session, challenge_in=challenge_in, principal=principal
        )
    except (ValidationError, DomainError) as exc:
        session.rollback()
        errors = _map_errors(field_errors(exc), values)
        return _render_form(
            request, session, principal, values=values, errors=errors, status_code=422
        )
    return templating.redirect(
        f"/challenges/{challenge.slug}",
        flash="Challenge saved as a draft. Open it when it is ready.",
        request=request,
    )


@router.get("/challenges/{slug}/edit")
def edit_form(
    request: Request, principal: Officer, challenge: ChallengeBySlug, session: SessionDep
) -> HTMLResponse:
    """Show the form for changing a challenge (its managers)."""
    service.require_manager(session, principal, challenge)
    return _render_form(
        request, session, principal, values=_values_of(session, challenge), challenge=challenge
    )


@router.post("/challenges/{slug}/edit")
def update(
    request: Request,
    principal: Officer,
    challenge: ChallengeBySlug,
    session: SessionDep,
    form: FormDep,
) -> Response:
    """Save the form; the rubric and questions only while a draft (its managers)."""
    values = _form_values(form)
    draft = challenge.phase is Phase.DRAFT
    try:
        challenge_in = ChallengeUpdate.model_validate(_payload(values, with_rubric=draft))
        service.update_challenge(
            session=session, challenge=challenge, challenge_in=challenge_in, principal=principal
        )
    except (ValidationError, DomainError) as exc:
        session.rollback()
        fresh = service.get_challenge(session=session, challenge_id=challenge.id)
        if not draft:
            kept = _values_of(session, fresh)
            values.update(criteria=kept["criteria"], questions=kept["questions"])
        errors = _map_errors(field_errors(exc), values)
        return _render_form(
            request,
            session,
            principal,
            values=values,
            challenge=fresh,
            errors=errors,
            status_code=422,
        )
    return templating.redirect(
        f"/challenges/{challenge.slug}", flash="Changes saved.", request=request
    )


@router.post("/challenges/{slug}/phase")
def change_phase(
    request: Request,
    principal: Officer,
    challenge: ChallengeBySlug,
    session: SessionDep,
    form: FormDep,
) -> Response:
    """Move the challenge to the next phase, or back one with a reason (its managers)."""
    target = form_text(form, "phase")
    if target not in Phase._value2member_map_:
        raise Invalid.field("phase", "choose a phase")
    try:
        service.change_phase(
            session=session,
            challenge=challenge,
            to=Phase(target),
            reason=form_text(form, "reason"),
            principal=principal,
        )
    except DomainError as exc:
        session.rollback()
        fresh = service.get_challenge(session=session, challenge_id=challenge.id)
        detail = "; ".join(e["message"] for e in exc.errors) or exc.message
        return _render_detail(
            request, session, principal, fresh, phase_error=detail, status_code=exc.status
        )
    return templating.redirect(
        f"/challenges/{challenge.slug}",
        flash=f"The challenge is now: {PHASE_LABELS[Phase(target)].lower()}.",
        request=request,
    )


# --- the challenge page -----------------------------------------------------------------------


def _apply_options(
    session: Session, principal: Principal | None, challenge: Challenge
) -> list[dict[str, Any]]:
    """Return the caller's organisations that may lead a proposal, with their draft if any."""
    if principal is None:
        return []
    org_ids = access.editable_org_ids(principal)
    if not org_ids:
        return []
    orgs = [
        o
        for o in org_service.orgs_of_user(session=session, user_id=principal.user.id)
        if o[0].id in org_ids and o[0].kind is not OrgKind.GOVERNMENT
    ]
    existing = proposals.existing_for(
        session=session, challenge_id=challenge.id, org_ids=[o.id for o, _ in orgs]
    )
    countries = challenge.eligible_countries or []
    kinds = challenge.eligible_kinds or []
    out = []
    for org, _ in orgs:
        reasons = []
        if countries and org.country.value not in countries:
            reasons.append(f"not open to organisations in {COUNTRY_LABELS[org.country]}")
        if kinds and org.kind.value not in kinds:
            reasons.append(f"not open to a {KIND_LABELS[org.kind].lower()}")
        proposal = existing.get(org.id)
        out.append(
            {
                "org": org,
                "proposal": proposal,
                "active": proposal is not None and proposal.status is not ProposalStatus.WITHDRAWN,
                "reasons": reasons,
            }
        )
    return out


def _render_detail(
    request: Request,
    session: Session,
    principal: Principal | None,
    challenge: Challenge,
    *,
    phase_error: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    data = service.read(session, challenge, principal)
    index = PHASE_ORDER.index(challenge.phase)
    schedule = [(Phase.OPEN.value, challenge.opens_at), ("deadline", challenge.deadline_at)]
    schedule += [(p.value, data.schedule.get(p.value)) for p in SCHEDULED_PHASES]
    areas = org_service.list_focus_areas(session=session)
    return templating.render(
        request,
        "challenges/detail.html",
        {
            **common(),
            "c": data,
            "challenge": challenge,
            "schedule": schedule,
            "area_names": {a.slug: a.name for a in areas},
            "apply": _apply_options(session, principal, challenge),
            "accepting": challenge.phase is Phase.OPEN and not proposals.past_deadline(challenge),
            "next_phase": PHASE_ORDER[index + 1].value if index + 1 < len(PHASE_ORDER) else "",
            "previous_phase": PHASE_ORDER[index - 1].value if index > 0 else "",
            "opening_problems": service.opening_problems(session, challenge)
            if data.can_manage and challenge.phase is Phase.DRAFT
            else [],
            "phase_error": phase_error,
            "proposal_count": len(
                proposals.list_for_challenge(
                    session=session, principal=principal, challenge=challenge
                )
            )
            if data.can_manage and principal is not None
            else 0,
        },
        status_code=status_code,
    )


@router.get("/challenges/{slug}")
def detail(
    request: Request, principal: MaybeSignedIn, challenge: ChallengeBySlug, session: SessionDep
) -> HTMLResponse:
    """Show everything an applicant needs: problem, eligibility, prize, schedule, rubric."""
    return _render_detail(request, session, principal, challenge)


@router.post("/challenges/{slug}/apply")
def apply(
    request: Request,
    principal: SignedIn,
    challenge: ChallengeBySlug,
    session: SessionDep,
    form: FormDep,
) -> Response:
    """Start (or continue) a proposal led by one of the caller's organisations."""
    org_id = form_text(form, "org_id")
    if not org_id.isdigit():
        raise Invalid.field("org_id", "choose the organisation that leads the proposal")
    proposal = proposals.start(
        session=session, principal=principal, challenge=challenge, lead_org_id=int(org_id)
    )
    return templating.redirect(f"/proposals/{proposal.id}", request=request)
