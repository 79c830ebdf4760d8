"""Screening cases: listing them, reading one, and the officers' decisions on them.

A case is opened by `service.screen` when a party may be a listed entry. An officer decides
it (false positive, or confirmed; a confirmed hit can later be cleared), with a reason; the
decision and the list version it was taken on go to the audit log.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from indusx.accounts.models import User
from indusx.accounts.permissions import Principal
from indusx.audit import service as audit
from indusx.db import utcnow
from indusx.errors import Conflict, Invalid, NotFound
from indusx.orgs.models import Organisation
from indusx.screening.models import (
    CaseStatus,
    ListEntryRecord,
    ListVersion,
    ScreeningCase,
    ScreeningList,
    ScreeningSubject,
    SubjectKind,
)
from indusx.screening.service import latest_versions

# Decisions an officer may take on a case in each status.
_TRANSITIONS: dict[CaseStatus, tuple[CaseStatus, ...]] = {
    CaseStatus.OPEN: (CaseStatus.FALSE_POSITIVE, CaseStatus.CONFIRMED),
    CaseStatus.FALSE_POSITIVE: (CaseStatus.CONFIRMED,),
    CaseStatus.CONFIRMED: (CaseStatus.CLEARED,),
    CaseStatus.CLEARED: (CaseStatus.CONFIRMED,),
    CaseStatus.WITHDRAWN: (),
}


@dataclass(frozen=True, slots=True)
class CaseFilter:
    status: CaseStatus | None = CaseStatus.OPEN
    q: str = ""
    list_key: str = ""
    sort: str = "newest"  # newest, oldest, score


_CASE_SORTS: dict[str, tuple[Any, ...]] = {
    "newest": (ScreeningCase.created_at.desc(), ScreeningCase.id.desc()),
    "oldest": (ScreeningCase.created_at.asc(), ScreeningCase.id.asc()),
    "score": (ScreeningCase.score.desc(), ScreeningCase.id.desc()),
}


def list_cases(
    *, session: Session, flt: CaseFilter, page: int = 1, per_page: int = 25
) -> tuple[list[ScreeningCase], int]:
    """Return one page of cases and the total that match the filter."""
    if flt.sort not in _CASE_SORTS:
        raise Invalid.field("sort", f"must be one of {', '.join(_CASE_SORTS)}")
    stmt = select(ScreeningCase)
    if flt.status is not None:
        stmt = stmt.where(ScreeningCase.status == flt.status)
    if flt.q.strip():
        like = f"%{flt.q.strip().lower()}%"
        stmt = stmt.where(func.lower(ScreeningCase.subject_name).like(like)
                          | func.lower(ScreeningCase.matched_name).like(like))
    if flt.list_key:
        stmt = stmt.join(ListEntryRecord, ListEntryRecord.id == ScreeningCase.entry_record_id)
        stmt = stmt.join(ScreeningList, ScreeningList.id == ListEntryRecord.list_id).where(
            ScreeningList.key == flt.list_key)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(*_CASE_SORTS[flt.sort])
                           .offset((page - 1) * per_page).limit(per_page))
    return list(rows), int(total)


def case_counts(*, session: Session) -> dict[CaseStatus, int]:
    """Return how many cases are in each status."""
    counts = dict(session.execute(
        select(ScreeningCase.status, func.count()).group_by(ScreeningCase.status)).all())
    return {s: int(counts.get(s, 0)) for s in CaseStatus}


def get_case(*, session: Session, case_id: int) -> ScreeningCase:
    """Return a case or raise NotFound."""
    case = session.get(ScreeningCase, case_id)
    if case is None:
        raise NotFound(f"No screening case with id {case_id}")
    return case


@dataclass(frozen=True, slots=True)
class CaseRow:
    """A case with what a list of cases shows of its party, entry and list."""

    case: ScreeningCase
    kind: SubjectKind
    org_id: int | None
    org_name: str | None
    org_slug: str | None
    entry_id: str
    entry_name: str
    source: str  # the entry's own list name, e.g. "OFAC SDN"
    list_key: str
    list_name: str
    version_number: int
    decided_by: str | None


def case_rows(session: Session, cases: Sequence[ScreeningCase]) -> list[CaseRow]:
    """Return cases with their party, list entry, list and version, in one query."""
    if not cases:
        return []
    decider = aliased(User)
    found = {r.id: r for r in session.execute(
        select(ScreeningCase.id, ScreeningSubject.kind, ScreeningSubject.org_id,
               Organisation.name.label("org_name"), Organisation.slug,
               ListEntryRecord.entry_id, ListEntryRecord.name.label("entry_name"),
               ListEntryRecord.source, ScreeningList.key, ScreeningList.name.label("list_name"),
               ListVersion.number, decider.full_name)
        .join(ScreeningSubject, ScreeningSubject.id == ScreeningCase.subject_id)
        .outerjoin(Organisation, Organisation.id == ScreeningSubject.org_id)
        .join(ListEntryRecord, ListEntryRecord.id == ScreeningCase.entry_record_id)
        .join(ScreeningList, ScreeningList.id == ListEntryRecord.list_id)
        .join(ListVersion, ListVersion.id == ScreeningCase.list_version_id)
        .outerjoin(decider, decider.id == ScreeningCase.decided_by_id)
        .where(ScreeningCase.id.in_([c.id for c in cases])))}
    return [CaseRow(c, (r := found[c.id]).kind, r.org_id, r.org_name, r.slug, r.entry_id,
                    r.entry_name, r.source, r.key, r.list_name, r.number, r.full_name)
            for c in cases]


@dataclass(frozen=True, slots=True)
class CaseDetail:
    case: ScreeningCase
    subject: ScreeningSubject
    entry: ListEntryRecord
    list: ScreeningList
    version_number: int
    decided_by: str | None
    allowed: tuple[CaseStatus, ...]
    org_slug: str | None
    history: tuple[ScreeningCase, ...]  # other cases of the same subject and entry


def case_detail(*, session: Session, case_id: int) -> CaseDetail:
    """Return a case with its subject, the list entry and what an officer may decide."""
    case = get_case(session=session, case_id=case_id)
    subject = session.get_one(ScreeningSubject, case.subject_id)
    entry = session.get_one(ListEntryRecord, case.entry_record_id)
    lst = session.get_one(ScreeningList, entry.list_id)
    version = session.get_one(ListVersion, case.list_version_id)
    decided_by = (session.scalar(select(User.full_name).where(User.id == case.decided_by_id))
                  if case.decided_by_id else None)
    slug = (session.scalar(select(Organisation.slug).where(Organisation.id == subject.org_id))
            if subject.org_id else None)
    history = tuple(session.scalars(select(ScreeningCase).where(
        ScreeningCase.subject_id == case.subject_id,
        ScreeningCase.entry_record_id == case.entry_record_id,
        ScreeningCase.id != case.id).order_by(ScreeningCase.id)))
    return CaseDetail(case, subject, entry, lst, version.number, decided_by,
                      _TRANSITIONS[case.status], slug, history)


def decide(
    *, session: Session, principal: Principal, case_id: int, decision: CaseStatus, reason: str
) -> ScreeningCase:
    """Record an officer's decision on a case, with the list version it was taken on."""
    principal.require(principal.is_officer, "Only programme officers adjudicate screening cases")
    case = get_case(session=session, case_id=case_id)
    if decision not in _TRANSITIONS[case.status]:
        allowed = ", ".join(s.value for s in _TRANSITIONS[case.status]) or "nothing"
        raise Conflict(f"A case that is {case.status.value} can become {allowed}, "
                       f"not {decision.value}")
    reason = reason.strip()
    if len(reason) < 5:
        raise Invalid.field("reason", "give the reason for the decision (at least 5 characters)")
    entry = session.get_one(ListEntryRecord, case.entry_record_id)
    version_id, fingerprint = latest_versions(session, [entry.id])[entry.id]
    version = session.get_one(ListVersion, version_id)
    before = {"status": case.status.value, "reason": case.decision_reason}
    case.status = decision
    case.decision_reason = reason
    case.decided_by_id = principal.user.id
    case.decided_at = case.updated_at = utcnow()
    case.decision_version_id = version_id
    case.entry_fingerprint = fingerprint
    lst = session.get_one(ScreeningList, entry.list_id)
    audit.record(
        session=session, actor=principal.actor, action="screening.case_decided",
        object_type="screening_case", object_id=case.id,
        summary=f"{case.subject_name} / '{entry.name}' on {lst.name}: {decision.value}",
        before=before,
        after={"status": decision.value, "reason": reason, "list": lst.key,
               "list_version": version.number, "entry_id": entry.entry_id},
    )
    session.flush()
    return case


def subject_cases(*, session: Session, org_id: int) -> list[ScreeningCase]:
    """Return the cases of an organisation and its contact, newest first."""
    return list(session.scalars(
        select(ScreeningCase).join(ScreeningSubject,
                                   ScreeningSubject.id == ScreeningCase.subject_id)
        .where(ScreeningSubject.org_id == org_id).order_by(ScreeningCase.id.desc())))

