"""Regulatory-pathway assessments: resolve the parties, screen them, apply the rules, keep.

The rule set is loaded and validated once per process (`ruleset()`; the app loads it at
start, so a bad rule file stops the server with its file and line).
"""

from collections.abc import Sequence
from functools import cache
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select, true
from sqlalchemy.orm import Session, selectinload

from indusx.accounts.models import User
from indusx.accounts.permissions import Principal
from indusx.audit import service as audit
from indusx.audit.service import Actor
from indusx.errors import Invalid, NotFound
from indusx.orgs import service as org_service
from indusx.orgs.models import Organisation
from indusx.orgs.taxonomy import OrgKind
from indusx.pathway.engine import classification
from indusx.pathway.engine.evaluate import NOTICE, Outcome, assess
from indusx.pathway.engine.facts import (
    Facts,
    InvestmentFacts,
    ItemFacts,
    PartyFacts,
    PartyKind,
    ProcurementFacts,
    Screening,
)
from indusx.pathway.engine.rules import RuleSet, load_ruleset
from indusx.pathway.models import Assessment, Hurdle, assessment_hurdle
from indusx.pathway.schemas import (
    AssessmentIn,
    AssessmentPage,
    AssessmentResult,
    AssessmentSummary,
    AuthorisationRead,
    ConclusionRead,
    HurdleRef,
    ItemRead,
    PartyRead,
    RuleRead,
    RuleSetRead,
    ScreeningRead,
)
from indusx.screening import service as screening_service

ORG_KIND_PARTY = {
    OrgKind.GOVERNMENT: PartyKind.GOVERNMENT,
    OrgKind.ACADEMIC: PartyKind.ACADEMIC,
    OrgKind.INVESTOR: PartyKind.INVESTOR,
    OrgKind.TEST_FACILITY: PartyKind.OTHER,
    OrgKind.ACCELERATOR: PartyKind.OTHER,
}


@cache
def ruleset() -> RuleSet:
    """Return the packaged rule set, loaded and validated once per process."""
    return load_ruleset()


def rules_read(rules: RuleSet) -> RuleSetRead:
    """Return the rule set as officers read it."""
    return RuleSetRead(
        version=rules.version,
        rules=[RuleRead(**r.spec.model_dump(), file=r.file, line=r.line) for r in rules.rules],
    )


def _resolve_org(session: Session, ref: str, index: int) -> Organisation:
    try:
        return org_service.get_org_by_slug(session=session, slug=ref)
    except NotFound as exc:
        raise Invalid.field(
            f"parties.{index}.org", f"no organisation '{ref}' in the directory"
        ) from exc


def _parties(
    session: Session, assessment_in: AssessmentIn
) -> tuple[list[PartyFacts], list[PartyRead]]:
    """Return each party's facts (with its screening status) and how it is shown."""
    orgs = {
        i: _resolve_org(session, p.org, i)
        for i, p in enumerate(assessment_in.parties)
        if p.org is not None
    }
    statuses = screening_service.org_statuses(
        session=session, org_ids=[o.id for o in orgs.values()]
    )
    facts: list[PartyFacts] = []
    shown: list[PartyRead] = []
    for index, party in enumerate(assessment_in.parties):
        org = orgs.get(index)
        if org is not None:
            name, country = org.name, org.country.value
            kind = party.kind or ORG_KIND_PARTY.get(org.kind, PartyKind.COMPANY)
            standing = statuses.get(org.id) or screening_service.PartyScreening(
                screening_service.ScreeningStatus.NOT_SCREENED, "Not screened yet"
            )
        else:
            name, country = party.name or "", party.country or ""
            kind = party.kind or PartyKind.COMPANY
            standing = screening_service.check_party(
                session=session,
                name=name,
                country=country,
                entity_type="person" if kind is PartyKind.INDIVIDUAL else "entity",
            )
        status = Screening(standing.status.value)
        facts.append(
            PartyFacts(
                name=name,
                country=country,
                kind=kind,
                screening=status,
                screening_summary=standing.summary,
            )
        )
        shown.append(
            PartyRead(
                name=name,
                country=country,
                kind=kind.value,
                role=party.role,
                org_id=org.id if org else None,
                org_slug=org.slug if org else None,
                screening=ScreeningRead(
                    status=status.value, summary=standing.summary, case_ids=list(standing.case_ids)
                ),
            )
        )
    return facts, shown


def facts_of(assessment_in: AssessmentIn, parties: Sequence[PartyFacts]) -> Facts:
    """Return the engine's facts for an assessment whose parties are resolved."""
    inv = assessment_in.investment
    proc = assessment_in.procurement
    return Facts(
        activities=tuple(assessment_in.activity),
        parties=tuple(parties),
        items=tuple(
            ItemFacts(
                name=i.name,
                classification=classification.parse(i.classification),
                origin=i.origin,
                missile_technology=i.missile_technology,
                temporary=i.temporary,
            )
            for i in assessment_in.items
        ),
        investment=InvestmentFacts(inv.investor_country, inv.investee_country, inv.equity_share)
        if inv
        else None,
        red_flags=tuple(assessment_in.red_flags),
        end_customer=assessment_in.end_customer,
        procurement=ProcurementFacts(proc.category, proc.value_inr_crore, proc.route)
        if proc
        else None,
        sp_segment=assessment_in.sp_segment,
    )


def result_of(
    assessment_in: AssessmentIn, outcome: Outcome, parties: list[PartyRead]
) -> AssessmentResult:
    """Return the API shape of an engine outcome."""
    return AssessmentResult(
        title=assessment_in.title,
        verdict=outcome.verdict,
        verdict_label=outcome.verdict_label,
        notice=NOTICE,
        ruleset_version=outcome.ruleset_version,
        activity=[a.value for a in assessment_in.activity],
        authorisations=[
            AuthorisationRead(
                side=c.side, name=c.authorisation or c.title, subject=c.subject, rule_id=c.rule_id
            )
            for c in outcome.authorisations
        ],
        to_determine=list(outcome.to_determine),
        blocked_by=list(outcome.blocked_by),
        parties=parties,
        items=[
            ItemRead(
                name=i.name,
                classification=parsed.text,
                regime=parsed.regime.value,
                origin=i.origin or parsed.origin,
            )
            for i in assessment_in.items
            for parsed in [classification.parse(i.classification)]
        ],
        conclusions=[
            ConclusionRead(
                rule_id=c.rule_id,
                kind=c.kind.value,
                side=c.side,
                title=c.title,
                text=c.text,
                subject=c.subject,
                authorisation=c.authorisation,
                determine=c.determine,
                conditions=list(c.conditions),
                steps=list(c.steps),
                hurdles=list(c.hurdles),
                citation=c.citation,
                source_url=c.source_url,
                effective=c.effective,
                confidence=c.confidence,
                confidence_note=c.confidence_note,
                facts=c.facts,
            )
            for c in outcome.conclusions
        ],
    )


def _hurdles_hit(session: Session, keys: Sequence[str]) -> list[Hurdle]:
    if not keys:
        return []
    found = {h.key: h for h in session.scalars(select(Hurdle).where(Hurdle.key.in_(keys)))}
    return [found[k] for k in keys if k in found]


def run_assessment(
    *,
    session: Session,
    assessment_in: AssessmentIn,
    actor: Actor | None = None,
    save: bool = False,
    rules: RuleSet | None = None,
    partnership_id: int | None = None,
) -> AssessmentResult:
    """Assess a proposed collaboration; with `save`, keep it (audited) and link its hurdles.

    A `partnership_id` files the saved assessment as that partnership's regulatory review
    (the caller checks that the user may edit the partnership).
    """
    party_facts, parties = _parties(session, assessment_in)
    outcome = assess(rules or ruleset(), facts_of(assessment_in, party_facts))
    result = result_of(assessment_in, outcome, parties)
    hurdles = _hurdles_hit(session, outcome.hurdle_keys)
    result.hurdles = [
        HurdleRef(id=h.id, key=h.key, title=h.title, status=h.status) for h in hurdles
    ]
    if not save:
        return result
    actor = actor or Actor.system()
    row = Assessment(
        title=assessment_in.title,
        verdict=outcome.verdict,
        ruleset_version=outcome.ruleset_version,
        input=assessment_in.model_dump(mode="json", exclude={"save"}),
        result=result.model_dump(mode="json", exclude={"id", "created_at", "created_by"}),
        created_by_id=actor.user_id,
        hurdles=hurdles,
        partnership_id=partnership_id,
    )
    session.add(row)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="pathway.assessment.create",
        object_type="pathway_assessment",
        object_id=row.id,
        summary=f"assessed '{assessment_in.title or 'untitled'}': {outcome.verdict_label}",
        after={
            "verdict": outcome.verdict.value,
            "ruleset_version": outcome.ruleset_version,
            "parties": [p.name for p in parties],
            "hurdles": [h.id for h in hurdles],
            "partnership_id": partnership_id,
        },
    )
    result.id, result.created_at, result.created_by = row.id, row.created_at, actor.email
    return result


def validate_input(data: Any) -> AssessmentIn:
    """Return the assessment input of a parsed file or form; raise Invalid naming fields."""
    try:
        return AssessmentIn.model_validate(data)
    except ValidationError as exc:
        errors = [
            {
                "field": ".".join(str(p) for p in e["loc"]) or "file",
                "message": str(e["msg"]).removeprefix("Value error, "),
            }
            for e in exc.errors()
        ]
        raise Invalid(
            "; ".join(f"{e['field']}: {e['message']}" for e in errors), errors=errors
        ) from exc


# --- saved assessments -----------------------------------------------------------------------


def _visible(principal: Principal) -> Any:
    """Return the filter of the assessments a caller may see: their own; officers all."""
    if principal.is_officer:
        return true()
    return Assessment.created_by_id == principal.user.id


def get_assessment(*, session: Session, principal: Principal, assessment_id: int) -> Assessment:
    """Return a saved assessment the caller may see, or raise NotFound."""
    row = session.scalar(
        select(Assessment)
        .where(Assessment.id == assessment_id, _visible(principal))
        .options(selectinload(Assessment.hurdles))
    )
    if row is None:
        raise NotFound(f"No assessment {assessment_id}")
    return row


def _author_emails(session: Session, rows: Sequence[Assessment]) -> dict[int, str]:
    ids = {r.created_by_id for r in rows if r.created_by_id is not None}
    if not ids:
        return {}
    rows_found = session.execute(select(User.id, User.email).where(User.id.in_(ids))).all()
    return {user_id: email for user_id, email in rows_found}


def assessment_read(session: Session, row: Assessment) -> AssessmentResult:
    """Return a saved assessment as the API shows it (hurdles with their current status)."""
    result = AssessmentResult.model_validate(row.result)
    result.id, result.created_at = row.id, row.created_at
    result.created_by = _author_emails(session, [row]).get(row.created_by_id or 0)
    result.hurdles = [
        HurdleRef(id=h.id, key=h.key, title=h.title, status=h.status) for h in row.hurdles
    ]
    return result


def list_assessments(
    *, session: Session, principal: Principal, page: int = 1, page_size: int = 20
) -> AssessmentPage:
    """Return one page of the saved assessments the caller may see, newest first."""
    where = _visible(principal)
    total = session.scalar(select(func.count()).select_from(Assessment).where(where)) or 0
    rows = session.scalars(
        select(Assessment)
        .where(where)
        .order_by(Assessment.created_at.desc(), Assessment.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    emails = _author_emails(session, rows)
    return AssessmentPage(
        items=[
            AssessmentSummary(
                id=r.id,
                title=r.title,
                verdict=r.verdict,
                verdict_label=r.result.get("verdict_label", r.verdict.value),
                activity=r.result.get("activity", []),
                parties=[p["name"] for p in r.result.get("parties", [])],
                created_at=r.created_at,
                created_by=emails.get(r.created_by_id or 0),
            )
            for r in rows
        ],
        total=total,
        page=page,
        page_size=page_size,
    )


def hurdle_assessments(
    *, session: Session, principal: Principal, hurdle_id: int
) -> Sequence[Assessment]:
    """Return the saved assessments the caller may see that hit a hurdle, newest first."""
    return session.scalars(
        select(Assessment)
        .join(assessment_hurdle, assessment_hurdle.c.assessment_id == Assessment.id)
        .where(assessment_hurdle.c.hurdle_id == hurdle_id, _visible(principal))
        .order_by(Assessment.created_at.desc(), Assessment.id.desc())
    ).all()


def org_choices(*, session: Session, typed: str, limit: int = 12) -> Sequence[Organisation]:
    """Return directory organisations whose name contains what was typed, by name."""
    return session.scalars(
        select(Organisation)
        .where(Organisation.name.ilike(f"%{typed}%"))
        .order_by(Organisation.name)
        .limit(limit)
    ).all()
