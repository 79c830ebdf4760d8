"""Restricted-party screening of the platform's parties: subjects, hits and their standing.

Every organisation, its named contact and every user is a *subject*. Screening a subject
searches the name index of the live list entries; a hit at or above the review threshold
opens a *case* unless a decision on the same list entry, with the entry unchanged, already
covers it. An officer decides each case; a confirmed hit blocks the party (see
`ensure_clear`) until an officer clears it.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.audit import service as audit
from indusx.audit.service import Actor
from indusx.db import utcnow
from indusx.errors import Conflict, Invalid
from indusx.orgs.models import Organisation
from indusx.screening import index as name_index
from indusx.screening.engine import REVIEW_THRESHOLD, ScreeningIndex
from indusx.screening.engine.types import EntityType, Hit, Query
from indusx.screening.models import (
    CaseStatus,
    ListEntryRecord,
    ListVersion,
    ScreeningCase,
    ScreeningList,
    ScreeningSubject,
    SubjectKind,
)


class ScreeningStatus(StrEnum):
    CLEAR = "clear"
    REVIEW = "review"  # an open case awaits an officer
    CONFIRMED = "confirmed"  # blocks the party
    NOT_SCREENED = "not screened"


@dataclass(frozen=True, slots=True)
class PartyScreening:
    """A party's screening standing, in a form other domains show and act on."""

    status: ScreeningStatus
    summary: str
    case_ids: tuple[int, ...] = ()
    hits: tuple["HitView", ...] = ()


@dataclass(frozen=True, slots=True)
class HitView:
    """A hit with the list entry it points at."""

    record_id: int
    list_key: str
    list_name: str
    source: str
    entry_id: str
    name: str
    matched_name: str
    score: float
    name_score: float
    reasons: tuple[str, ...]
    matched_fields: tuple[str, ...]
    programs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SubjectFacts:
    kind: SubjectKind
    ref_id: int
    org_id: int | None
    name: str
    country: str | None
    entity_type: EntityType
    birth_date: str | None = None

    def query(self) -> Query:
        return Query(name=self.name, country=self.country, entity_type=self.entity_type,
                     birth_date=self.birth_date)


@dataclass(frozen=True, slots=True)
class ScreenSummary:
    subjects: int
    opened: int
    withdrawn: int


# A decision that covers later hits on the same, unchanged list entry.
_SETTLED = (CaseStatus.FALSE_POSITIVE, CaseStatus.CLEARED)
_ACTIVE = (CaseStatus.OPEN, CaseStatus.CONFIRMED)


# --- checks -----------------------------------------------------------------------------------

def hit_views(session: Session, hits: Sequence[Hit]) -> list[HitView]:
    """Return hits with the list entries they point at, in the same order."""
    if not hits:
        return []
    rows = {
        r.id: r for r in session.execute(
            select(ListEntryRecord.id, ListEntryRecord.entry_id, ListEntryRecord.name,
                   ListEntryRecord.source, ListEntryRecord.data, ScreeningList.key,
                   ScreeningList.name.label("list_name"))
            .join(ScreeningList, ScreeningList.id == ListEntryRecord.list_id)
            .where(ListEntryRecord.id.in_([h.key for h in hits]))
        )
    }
    out = []
    for h in hits:
        r = rows.get(h.key)
        if r is None:  # removed by a concurrent import since the index was built
            continue
        out.append(HitView(
            record_id=r.id, list_key=r.key, list_name=r.list_name, source=r.source,
            entry_id=r.entry_id, name=r.name, matched_name=h.matched_name,
            score=round(h.score, 4), name_score=round(h.name_score, 4), reasons=h.reasons,
            matched_fields=h.matched_fields,
            programs=tuple(str(p) for p in r.data.get("programs", ())),
        ))
    return out


def check(
    *, session: Session, query: Query, threshold: float = REVIEW_THRESHOLD, limit: int = 10
) -> list[HitView]:
    """Return the list entries a name may be, best first (nothing is recorded)."""
    if not query.name.strip():
        raise Invalid.field("name", "must not be blank")
    hits = name_index.current(session).search(query, threshold=threshold, limit=limit)
    return hit_views(session, hits)


def check_many(
    *, session: Session, queries: Sequence[Query], threshold: float = REVIEW_THRESHOLD,
    limit: int = 10,
) -> list[list[HitView]]:
    """Return the hits of many names, in input order (the batch command)."""
    found = name_index.current(session).search_many(queries, threshold=threshold, limit=limit)
    return [hit_views(session, hits) for hits in found]


def check_party(
    *, session: Session, name: str, country: str | None, entity_type: str | None = "entity"
) -> PartyScreening:
    """Screen a party that is not in the directory; opens no case."""
    if not name_index.has_lists(session):
        return PartyScreening(ScreeningStatus.NOT_SCREENED, "No restricted-party list is loaded")
    hits = check(session=session, query=Query(
        name=name, country=country, entity_type=name_index.entity_type(entity_type)))
    if not hits:
        return PartyScreening(ScreeningStatus.CLEAR, "No list entry matches")
    best = hits[0]
    return PartyScreening(
        ScreeningStatus.REVIEW,
        f"May be '{best.name}' on {best.source} (score {best.score:.2f}); "
        "an officer must review it",
        hits=tuple(hits),
    )


# --- subjects ---------------------------------------------------------------------------------

def org_subjects(org: Organisation) -> list[SubjectFacts]:
    """Return what is screened of an organisation: its name and its named contact."""
    country = org.country.value
    facts = [SubjectFacts(SubjectKind.ORGANISATION, org.id, org.id, org.name, country,
                          EntityType.ENTITY)]
    if org.contact_name.strip():
        # A person's nationality is not their employer's country: none is claimed.
        facts.append(SubjectFacts(SubjectKind.CONTACT, org.id, org.id, org.contact_name.strip(),
                                  None, EntityType.PERSON))
    return facts


def user_subject(user: User) -> SubjectFacts:
    """Return what is screened of a user: their full name, as a person."""
    return SubjectFacts(SubjectKind.USER, user.id, None, user.full_name, None, EntityType.PERSON)


def _upsert_subject(session: Session, facts: SubjectFacts) -> ScreeningSubject:
    subject = session.scalar(select(ScreeningSubject).where(
        ScreeningSubject.kind == facts.kind, ScreeningSubject.ref_id == facts.ref_id))
    if subject is None:
        subject = ScreeningSubject(kind=facts.kind, ref_id=facts.ref_id)
        session.add(subject)
    subject.org_id = facts.org_id
    subject.name = facts.name
    subject.country = facts.country
    subject.entity_type = facts.entity_type.value
    subject.birth_date = facts.birth_date
    subject.screened_at = utcnow()
    session.flush()
    return subject


def _facts_of(subject: ScreeningSubject) -> SubjectFacts:
    return SubjectFacts(subject.kind, subject.ref_id, subject.org_id, subject.name,
                        subject.country, EntityType(subject.entity_type), subject.birth_date)


def latest_versions(session: Session, record_ids: Iterable[int]) -> dict[int, tuple[int, str]]:
    """Return {record id: (newest version id of its list, entry fingerprint)}."""
    newest = (select(ListVersion.list_id, func.max(ListVersion.id).label("version_id"))
              .group_by(ListVersion.list_id).subquery())
    rows = session.execute(
        select(ListEntryRecord.id, newest.c.version_id, ListEntryRecord.fingerprint)
        .join(newest, newest.c.list_id == ListEntryRecord.list_id)
        .where(ListEntryRecord.id.in_(list(record_ids)))
    )
    return {r.id: (r.version_id, r.fingerprint) for r in rows}


def _raise_cases(
    session: Session, subject: ScreeningSubject, hits: Sequence[Hit], actor: Actor
) -> int:
    """Open a case for each hit no earlier decision covers; return how many opened."""
    if not hits:
        return 0
    versions = latest_versions(session, [h.key for h in hits])
    history: dict[int, list[ScreeningCase]] = {}
    for case in session.scalars(select(ScreeningCase).where(
            ScreeningCase.subject_id == subject.id,
            ScreeningCase.entry_record_id.in_([h.key for h in hits]))
            .order_by(ScreeningCase.id)):
        history.setdefault(case.entry_record_id, []).append(case)
    opened = 0
    for hit in hits:
        if hit.key not in versions:
            continue
        version_id, fingerprint = versions[hit.key]
        earlier = history.get(hit.key, [])
        active = [c for c in earlier if c.status in _ACTIVE]
        if active:  # already before an officer, or confirmed: keep the evidence current
            for c in active:
                c.score, c.matched_name = hit.score, hit.matched_name
                c.reasons, c.matched_fields = list(hit.reasons), list(hit.matched_fields)
                c.subject_name = subject.name
                c.updated_at = utcnow()
            continue
        if any(c.status in _SETTLED and c.entry_fingerprint == fingerprint for c in earlier):
            continue  # decided before, and the entry has not changed since
        case = ScreeningCase(
            subject_id=subject.id, entry_record_id=hit.key, list_version_id=version_id,
            entry_fingerprint=fingerprint, subject_name=subject.name,
            matched_name=hit.matched_name, score=hit.score, reasons=list(hit.reasons),
            matched_fields=list(hit.matched_fields), status=CaseStatus.OPEN,
        )
        session.add(case)
        session.flush()
        audit.record(session=session, actor=actor, action="screening.case_opened",
                     object_type="screening_case", object_id=case.id,
                     # The subject by kind and id, never by name: the audit log outlives
                     # erasure, and a user or contact is a person (security.md 7.1.2).
                     summary=f"{subject.kind} subject {subject.id} may be "
                             f"'{hit.matched_name}' (score {hit.score:.2f})",
                     after={"subject_kind": str(subject.kind), "subject_id": subject.id,
                            "entry_record_id": hit.key,
                            "list_version_id": version_id, "score": round(hit.score, 4)})
        opened += 1
    return opened


def _withdraw(
    session: Session, cases: Iterable[ScreeningCase], reason: str, actor: Actor
) -> int:
    count = 0
    for case in cases:
        if case.status is not CaseStatus.OPEN:
            continue
        case.status = CaseStatus.WITHDRAWN
        case.decision_reason = reason
        case.updated_at = utcnow()
        audit.record(session=session, actor=actor, action="screening.case_withdrawn",
                     object_type="screening_case", object_id=case.id, summary=reason,
                     before={"status": CaseStatus.OPEN.value},
                     after={"status": CaseStatus.WITHDRAWN.value})
        count += 1
    return count


def screen(
    *, session: Session, subjects: Sequence[SubjectFacts], actor: Actor,
    index: ScreeningIndex | None = None, full: bool = True,
) -> ScreenSummary:
    """Screen subjects against the index (default: every live entry); record cases.

    With `full` the subject was screened against every entry, so its open cases on entries
    that no longer match (the subject changed) are withdrawn; a delta screening (a partial
    index) leaves other cases alone.
    """
    if not subjects:
        return ScreenSummary(0, 0, 0)
    index = index if index is not None else name_index.current(session)
    found = index.search_many([s.query() for s in subjects], threshold=REVIEW_THRESHOLD)
    opened = withdrawn = 0
    for facts, hits in zip(subjects, found, strict=True):
        subject = _upsert_subject(session, facts)
        opened += _raise_cases(session, subject, hits, actor)
        if full:
            hit_keys = {h.key for h in hits}
            stale = session.scalars(select(ScreeningCase).where(
                ScreeningCase.subject_id == subject.id,
                ScreeningCase.status == CaseStatus.OPEN,
                ScreeningCase.entry_record_id.not_in(hit_keys or {0})))
            withdrawn += _withdraw(session, stale, "The party no longer matches this entry "
                                   "after its details changed", actor)
    return ScreenSummary(len(subjects), opened, withdrawn)


def screen_org(*, session: Session, org: Organisation, actor: Actor) -> ScreenSummary:
    """Screen an organisation and its named contact (on create and on change)."""
    facts = org_subjects(org)
    if len(facts) == 1:  # the contact was removed: its subject and open cases go too
        _forget(session, SubjectKind.CONTACT, org.id, actor)
    return screen(session=session, subjects=facts, actor=actor)


def screen_user(*, session: Session, user: User, actor: Actor) -> ScreenSummary:
    """Screen a user by their full name (on sign-up, invitation and change)."""
    return screen(session=session, subjects=[user_subject(user)], actor=actor)


def _forget(session: Session, kind: SubjectKind, ref_id: int, actor: Actor) -> None:
    subject = session.scalar(select(ScreeningSubject).where(
        ScreeningSubject.kind == kind, ScreeningSubject.ref_id == ref_id))
    if subject is None:
        return
    cases = session.scalars(select(ScreeningCase).where(ScreeningCase.subject_id == subject.id))
    _withdraw(session, cases, "The party was removed from the platform", actor)


def all_subjects(session: Session) -> list[SubjectFacts]:
    """Return every party of the platform as it stands now."""
    facts: list[SubjectFacts] = []
    for org in session.scalars(select(Organisation).order_by(Organisation.id)):
        facts.extend(org_subjects(org))
    for user in session.scalars(select(User).where(User.is_active).order_by(User.id)):
        facts.append(user_subject(user))
    return facts


def screen_unscreened(*, session: Session, actor: Actor) -> ScreenSummary:
    """Screen the organisations that have never been screened (e.g. after a bulk load)."""
    done = select(ScreeningSubject.ref_id).where(
        ScreeningSubject.kind == SubjectKind.ORGANISATION)
    orgs = session.scalars(select(Organisation).where(Organisation.id.not_in(done))
                           .order_by(Organisation.id))
    return screen(session=session, subjects=[f for o in orgs for f in org_subjects(o)],
                  actor=actor)


def rescreen_all(*, session: Session, actor: Actor) -> ScreenSummary:
    """Screen every party against every live entry (`indusx screening rescreen`)."""
    return screen(session=session, subjects=all_subjects(session), actor=actor)


def screen_delta(
    *, session: Session, changed_record_ids: Sequence[int], removed_record_ids: Sequence[int],
    actor: Actor,
) -> ScreenSummary:
    """Re-screen after a list update, against only the entries the delta added or changed."""
    withdrawn = _withdraw(
        session,
        session.scalars(select(ScreeningCase).where(
            ScreeningCase.entry_record_id.in_(list(removed_record_ids)))),
        "The entry was removed from its list", actor,
    ) if removed_record_ids else 0
    if not changed_record_ids:
        return ScreenSummary(0, 0, withdrawn)
    delta = ScreeningIndex(name_index.live_entries(session, changed_record_ids))
    # Parties already screened are read back as they were screened; new ones are added.
    subjects = [_facts_of(s) for s in session.scalars(
        select(ScreeningSubject).order_by(ScreeningSubject.id))]
    known = {(s.kind, s.ref_id) for s in subjects}
    subjects += [f for f in all_subjects(session) if (f.kind, f.ref_id) not in known]
    result = screen(session=session, subjects=subjects, actor=actor, index=delta, full=False)
    return ScreenSummary(result.subjects, result.opened, withdrawn)


# --- standing ---------------------------------------------------------------------------------

def org_statuses(*, session: Session, org_ids: Iterable[int]) -> dict[int, PartyScreening]:
    """Return the screening standing of directory organisations."""
    ids = list(dict.fromkeys(org_ids))
    screened = set(session.scalars(select(ScreeningSubject.org_id).where(
        ScreeningSubject.org_id.in_(ids), ScreeningSubject.kind == SubjectKind.ORGANISATION)))
    cases: dict[int, list[tuple[int, CaseStatus]]] = {}
    for org_id, case_id, status in session.execute(
        select(ScreeningSubject.org_id, ScreeningCase.id, ScreeningCase.status)
        .join(ScreeningCase, ScreeningCase.subject_id == ScreeningSubject.id)
        .where(ScreeningSubject.org_id.in_(ids), ScreeningCase.status.in_(_ACTIVE))
    ):
        if org_id is not None:
            cases.setdefault(org_id, []).append((case_id, status))
    lists = name_index.has_lists(session)
    out = {}
    for org_id in ids:
        mine = cases.get(org_id, [])
        confirmed = tuple(c for c, s in mine if s is CaseStatus.CONFIRMED)
        open_ = tuple(c for c, s in mine if s is CaseStatus.OPEN)
        if confirmed:
            out[org_id] = PartyScreening(
                ScreeningStatus.CONFIRMED,
                "A restricted-party match was confirmed by an officer", confirmed + open_)
        elif open_:
            out[org_id] = PartyScreening(
                ScreeningStatus.REVIEW,
                f"{len(open_)} possible restricted-party match(es) await an officer", open_)
        elif not lists:
            out[org_id] = PartyScreening(ScreeningStatus.NOT_SCREENED,
                                         "No restricted-party list is loaded")
        elif org_id not in screened:
            out[org_id] = PartyScreening(ScreeningStatus.NOT_SCREENED, "Not screened yet")
        else:
            out[org_id] = PartyScreening(ScreeningStatus.CLEAR,
                                         "No open or confirmed restricted-party match")
    return out


def blocked_org_ids(*, session: Session) -> set[int]:
    """Return the organisations with a confirmed hit (on them or on their named contact)."""
    return set(session.scalars(
        select(ScreeningSubject.org_id)
        .join(ScreeningCase, ScreeningCase.subject_id == ScreeningSubject.id)
        .where(ScreeningCase.status == CaseStatus.CONFIRMED,
               ScreeningSubject.org_id.is_not(None))
    ))


def ensure_clear(*, session: Session, org_ids: Iterable[int], action: str,
                 actor: Actor | None = None) -> None:
    """Screen parties not screened yet, then refuse if any has a confirmed hit."""
    ids = [i for i in dict.fromkeys(org_ids) if i is not None]
    if not ids:
        return
    if name_index.has_lists(session):
        screened = set(session.scalars(select(ScreeningSubject.org_id).where(
            ScreeningSubject.org_id.in_(ids),
            ScreeningSubject.kind == SubjectKind.ORGANISATION)))
        for org in session.scalars(select(Organisation).where(
                Organisation.id.in_([i for i in ids if i not in screened]))):
            screen_org(session=session, org=org, actor=actor or Actor.system("screening"))
    blocked = blocked_org_ids(session=session) & set(ids)
    if blocked:
        names = ", ".join(sorted(session.scalars(
            select(Organisation.name).where(Organisation.id.in_(blocked)))))
        raise Conflict(f"{names} has a confirmed restricted-party match: {action} is blocked "
                       "until a programme officer clears it")
