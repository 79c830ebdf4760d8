"""Matchmaking wired to the directory: the engines kept in step with the database.

Each process holds one `EngineState`: the suggestion and solver engines over every
organisation's stored vectors. Before answering, `current` compares a cheap marker of
`org_vector` (row count and newest write of the profile rows) with what it loaded and
applies only the difference, so an edited profile shows up on the next request without a
rebuild, in every worker process.
"""

import dataclasses
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from indusx.accounts.models import Membership, User
from indusx.accounts.permissions import Principal
from indusx.db import PerEngine
from indusx.errors import Conflict, NotFound
from indusx.matching import introductions as intro_service
from indusx.matching import vectors
from indusx.matching.engine.profile import Match, Mentor, Passage, Profile
from indusx.matching.models import (
    DismissReason,
    FeedbackAction,
    Introduction,
    IntroductionStatus,
    MatchFeedback,
    MatchMode,
    OrgVector,
)
from indusx.matching.schemas import (
    CandidateRead,
    EvidenceRead,
    IntroductionRead,
    MatchList,
    MatchRead,
    SolverResult,
)
from indusx.orgs.models import FocusArea, Organisation
from indusx.screening import service as screening_service

if TYPE_CHECKING:
    from indusx.matching.engine.solver import SolverEngine
    from indusx.matching.engine.suggest import Penalties, SuggestionEngine

# Stale profiles embedded inline before answering; beyond this the background indexer
# (or `indusx match reindex`) catches up and the answer says how many are pending.
INLINE_SYNC_LIMIT = 32
# Capability terms rarer than this (BM25 IDF) may be named as overlap in a reason.
MIN_TERM_IDF = 1.5


@dataclass
class EngineState:
    """The engines of one process and the database state they reflect."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    suggest: "SuggestionEngine | None" = None
    solver: "SolverEngine | None" = None
    profiles: dict[int, Profile] = field(default_factory=dict)
    seen_count: int = -1
    seen_newest: datetime | None = None
    mentor_key: tuple[tuple[int, str], ...] = ()
    mentors: dict[int, Mentor] = field(default_factory=dict)


_STATES: PerEngine[EngineState] = PerEngine(EngineState)


def _marker(session: Session) -> tuple[int, datetime | None]:
    count, newest = session.execute(
        select(func.count(), func.max(OrgVector.updated_at)).where(OrgVector.ordinal == 0)
    ).one()
    return int(count), newest


def _load_vectors(
    session: Session, org_ids: Sequence[int] | None
) -> dict[int, tuple[np.ndarray, list[Passage], np.ndarray]]:
    """Return {org_id: (profile vector, passages, passage vectors)} from org_vector."""
    stmt = select(OrgVector.org_id, OrgVector.ordinal, OrgVector.label, OrgVector.text,
                  OrgVector.vector).order_by(OrgVector.org_id, OrgVector.ordinal)
    if org_ids is not None:
        stmt = stmt.where(OrgVector.org_id.in_(list(org_ids)))
    grouped: dict[int, list[Any]] = {}
    for row in session.execute(stmt):
        grouped.setdefault(row.org_id, []).append(row)
    out = {}
    for org_id, rows in grouped.items():
        if rows[0].ordinal != 0:
            continue  # half-written by a concurrent writer; the next marker change retries
        passages = [Passage(r.label, r.text) for r in rows[1:]]
        matrix = (np.vstack([vectors.decode(r.vector) for r in rows[1:]])
                  if len(rows) > 1 else np.zeros((0, vectors.DIM), np.float32))
        out[org_id] = (vectors.decode(rows[0].vector), passages, matrix)
    return out


def _apply(state: EngineState, session: Session, org_ids: Sequence[int] | None) -> None:
    """Load the stored vectors and profiles of some (None: all) organisations into the engines."""
    assert state.suggest is not None and state.solver is not None
    ids = list(org_ids) if org_ids is not None else None
    for start in range(0, len(ids) if ids is not None else 1, 2000):
        chunk = ids[start:start + 2000] if ids is not None else None
        loaded = _load_vectors(session, chunk)
        bases = vectors.load_profiles(session, list(loaded))
        profiles, profile_vectors, passage_vectors = [], [], []
        for org_id, (vector, passages, matrix) in loaded.items():
            base = bases.get(org_id)
            if base is None:
                continue
            profiles.append(dataclasses.replace(base, passages=tuple(passages)))
            profile_vectors.append(vector)
            passage_vectors.append(matrix)
        if profiles:
            state.suggest.upsert_many(profiles, np.vstack(profile_vectors))
            state.solver.upsert_many(profiles, profile_vectors, passage_vectors)
            state.profiles.update((p.id, p) for p in profiles)


def current(session: Session) -> EngineState:
    """Return this process's engines, brought up to date with the stored vectors."""
    state = _STATES.get(session)
    count, newest = _marker(session)
    if state.suggest is not None and (count, newest) == (state.seen_count, state.seen_newest):
        return state
    with state.lock:
        if state.suggest is None:
            from indusx.matching.engine.solver import SolverEngine
            from indusx.matching.engine.suggest import SuggestionEngine

            labels = dict(session.execute(select(FocusArea.slug, FocusArea.name)).all())
            solver = SolverEngine()
            # Shared terms worth naming in a reason are the rarer ones across all profiles.
            state.suggest = SuggestionEngine(focus_labels=labels, term_weight=solver.term_idf,
                                             min_term_weight=MIN_TERM_IDF)
            state.solver = solver
            _apply(state, session, None)
        elif (count, newest) != (state.seen_count, state.seen_newest):
            changed = list(session.scalars(
                select(OrgVector.org_id).where(
                    OrgVector.ordinal == 0,
                    OrgVector.updated_at >= (state.seen_newest or datetime.min.replace(tzinfo=UTC)),
                )
            ))
            _apply(state, session, changed)
            if len(state.profiles) != count:
                present = set(session.scalars(
                    select(OrgVector.org_id).where(OrgVector.ordinal == 0)
                ))
                gone = [i for i in state.profiles if i not in present]
                for org_id in gone:
                    state.profiles.pop(org_id, None)
                    assert state.suggest is not None and state.solver is not None
                    state.suggest.remove(org_id)
                    state.solver.remove(org_id)
        state.seen_count, state.seen_newest = count, newest
    _refresh_mentors(state, session)
    return state


def _refresh_mentors(state: EngineState, session: Session) -> None:
    rows = session.execute(
        select(User.id, User.full_name, User.expertise).where(User.is_mentor, User.is_active)
        .order_by(User.id)
    ).all()
    key = tuple((r.id, r.expertise) for r in rows)
    if key == state.mentor_key:
        return
    countries: dict[int, str] = {}
    for user_id, country in session.execute(
        select(Membership.user_id, Organisation.country)
        .join(Organisation, Organisation.id == Membership.org_id)
        .where(Membership.user_id.in_([r.id for r in rows]))
    ):
        countries.setdefault(user_id, country.value)
    mentors = [Mentor(id=r.id, name=r.full_name, country=countries.get(r.id),
                      expertise=r.expertise) for r in rows]
    from indusx.matching.engine.embedder import get_embedder

    matrix = (get_embedder().embed([m.expertise or m.name for m in mentors])
              if mentors else np.zeros((0, vectors.DIM), np.float32))
    with state.lock:
        assert state.suggest is not None
        state.suggest.set_mentors(mentors, matrix)
        state.mentors = {m.id: m for m in mentors}
        state.mentor_key = key


def index_status(*, session: Session) -> tuple[int, int]:
    """Return (profiles waiting to be embedded, all profiles)."""
    return vectors.stale_count(session)


def _catch_up(session: Session, source_id: int | None = None) -> int:
    """Embed a few stale profiles inline (always the source's); return how many still wait."""
    stale = vectors.stale_org_ids(session, limit=INLINE_SYNC_LIMIT + 1)
    if not stale:
        return 0
    if len(stale) <= INLINE_SYNC_LIMIT:
        vectors.sync(session, stale)
        return 0
    if source_id is not None and source_id in vectors.stale_org_ids(session):
        vectors.sync(session, [source_id])
    return vectors.stale_count(session)[0]


# --- suggestions ----------------------------------------------------------------------------

# Dismissals that say nothing about fit: the candidate never returns, but its kind,
# country and areas are not learnt as unwanted.
_NEUTRAL_REASONS = (DismissReason.ALREADY_PARTNERS, DismissReason.NOT_NOW)


def penalties_for(session: Session, org_id: int, state: EngineState) -> "Penalties":
    """Return the plain feedback the engine uses: never re-suggest, down-weight patterns."""
    from indusx.matching.engine.suggest import penalties_from_feedback

    rows = session.execute(
        select(MatchFeedback.candidate_org_id, MatchFeedback.candidate_user_id,
               MatchFeedback.action, MatchFeedback.reason)
        .where(MatchFeedback.org_id == org_id,
               MatchFeedback.action.in_([FeedbackAction.DISMISSED, FeedbackAction.DECLINED]))
    ).all()
    dismissed = [r for r in rows if r.action is FeedbackAction.DISMISSED]
    declined = [r for r in rows if r.action is FeedbackAction.DECLINED]
    telling = [state.profiles[r.candidate_org_id] for r in dismissed
               if r.candidate_org_id in state.profiles and r.reason not in _NEUTRAL_REASONS]
    introduced = session.execute(
        select(Introduction.to_org_id, Introduction.to_user_id, Introduction.status)
        .where(Introduction.from_org_id == org_id)
    ).all()
    accepted = [state.profiles[i.to_org_id] for i in introduced
                if i.status is IntroductionStatus.ACCEPTED and i.to_org_id in state.profiles]
    penalties = penalties_from_feedback(
        telling,
        [r.candidate_org_id for r in declined if r.candidate_org_id],
        dismissed_ids=[r.candidate_org_id for r in dismissed if r.candidate_org_id],
        dismissed_mentor_ids=[r.candidate_user_id for r in dismissed if r.candidate_user_id],
        declined_mentor_ids=[r.candidate_user_id for r in declined if r.candidate_user_id],
        introduced_ids=[i.to_org_id for i in introduced if i.to_org_id],
        introduced_mentor_ids=[i.to_user_id for i in introduced if i.to_user_id],
        accepted=accepted,
    )
    # Parties with a confirmed restricted-party match are never suggested.
    blocked = screening_service.blocked_org_ids(session=session)
    return dataclasses.replace(penalties, never_ids=penalties.never_ids | blocked)


def _candidate(state: EngineState, match: Match, mentor: bool) -> CandidateRead:
    if mentor:
        m = state.mentors[match.candidate_id]
        return CandidateRead(kind="mentor", id=m.id, name=m.name, country=m.country)
    p = state.profiles[match.candidate_id]
    return CandidateRead(kind="org", id=p.id, name=p.name, country=p.country, org_kind=p.kind,
                         focus_areas=sorted(p.focus), max_trl=p.max_trl,
                         slug=None)


def _read(state: EngineState, session: Session, matches: list[Match], mentor: bool = False
          ) -> list[MatchRead]:
    slugs = dict(session.execute(
        select(Organisation.id, Organisation.slug).where(
            Organisation.id.in_([m.candidate_id for m in matches]))
    ).all()) if not mentor else {}
    out = []
    for m in matches:
        candidate = _candidate(state, m, mentor)
        candidate.slug = slugs.get(m.candidate_id)
        out.append(MatchRead(
            candidate=candidate, score=round(m.score, 4),
            components={k: round(v, 4) for k, v in m.components.items()},
            reason=m.reason, shared_focus=list(m.shared_focus),
            shared_terms=list(m.shared_terms),
            evidence=[EvidenceRead(label=e.label, text=e.text, score=round(e.score, 4))
                      for e in m.evidence],
        ))
    return out


def suggestions(
    *,
    session: Session,
    principal: Principal | None,
    org_id: int,
    mode: MatchMode,
    k: int = 10,
    cross_border: bool = True,
    countries: Sequence[str] = (),
    kinds: Sequence[str] = (),
    focus: Sequence[str] = (),
    trl_min: int | None = None,
    trl_max: int | None = None,
) -> MatchList:
    """Return the suggested partners of an organisation (principal None: the CLI)."""
    org = session.get(Organisation, org_id)
    if org is None:
        raise NotFound(f"No organisation with id {org_id}")
    if principal is not None:
        principal.require(principal.can_view_suggestions(org_id),
                          "Only the organisation's members and programme officers see its "
                          "suggestions")
    if org_id in screening_service.blocked_org_ids(session=session):
        raise Conflict(f"{org.name} has a confirmed restricted-party match: suggestions are "
                       "blocked until a programme officer clears it")
    pending = _catch_up(session, source_id=org_id)
    state = current(session)
    source = state.profiles.get(org_id)
    if source is None:  # its vectors are not written yet (a large import is catching up)
        return MatchList(org_id=org_id, mode=mode, cross_border=cross_border, items=[],
                         index_pending=max(pending, 1))
    penalties = penalties_for(session, org_id, state)
    with state.lock:  # updates regrow the engine's arrays: never read them half-grown
        matches = state.suggest.suggest(  # type: ignore[union-attr]
            source, mode.value, k=k, cross_border=cross_border,
            countries=[str(c) for c in countries] or None,
            kinds=[str(x) for x in kinds] or None,
            focus=list(focus) or None, trl_min=trl_min, trl_max=trl_max, penalties=penalties,
        )
    return MatchList(
        org_id=org_id, mode=mode, cross_border=cross_border,
        items=_read(state, session, matches, mentor=mode is MatchMode.MENTORING),
        index_pending=pending,
    )


# --- solver search --------------------------------------------------------------------------

def solvers(
    *,
    session: Session,
    text: str,
    k: int = 10,
    countries: Sequence[str] = (),
    kinds: Sequence[str] = (),
    focus: Sequence[str] = (),
) -> SolverResult:
    """Return the organisations best able to solve a problem statement, with evidence."""
    pending = _catch_up(session)
    state = current(session)
    assert state.solver is not None
    blocked = screening_service.blocked_org_ids(session=session)
    with state.lock:
        matches = state.solver.search(
            text, k=k + len(blocked), countries=list(countries) or None,
            kinds=list(kinds) or None, focus=list(focus) or None,
        )
    matches = [m for m in matches if m.candidate_id not in blocked][:k]
    return SolverResult(items=_read(state, session, matches), index_pending=pending)


def solvers_many(
    *,
    session: Session,
    texts: Sequence[str],
    k: int = 10,
    progress: Callable[[int, int], None] | None = None,
    batch: int = 256,
) -> list[list[dict[str, Any]]]:
    """Return, per problem statement, its top-k organisations (embedding batched)."""
    state = current(session)
    assert state.solver is not None
    out: list[list[dict[str, Any]]] = []
    for start in range(0, len(texts), batch):
        chunk = texts[start:start + batch]
        with state.lock:
            found = state.solver.search_many(list(chunk), k=k, explain=False)
        for matches in found:
            out.append([
                {"org_id": m.candidate_id, "name": state.profiles[m.candidate_id].name,
                 "score": round(m.score, 4)}
                for m in matches
            ])
        if progress is not None:
            progress(min(start + batch, len(texts)), len(texts))
    return out


# --- introductions ----------------------------------------------------------------------------

def request_introduction(
    *,
    session: Session,
    principal: Principal,
    from_org_id: int,
    mode: MatchMode,
    to_org_id: int | None = None,
    to_user_id: int | None = None,
    note: str = "",
) -> Introduction:
    """Request an introduction, keeping the suggestion's score and reason with it."""
    score, reason, components = 0.0, "", {}
    _catch_up(session, source_id=from_org_id)
    state = current(session)
    source = state.profiles.get(from_org_id)
    if source is not None and state.suggest is not None:
        with state.lock:
            explained = state.suggest.explain_pair(
                source, mode.value, candidate_id=to_org_id or to_user_id or 0,
                mentor=to_user_id is not None,
            )
        if explained is not None:
            score, reason, components = explained.score, explained.reason, explained.components
    return intro_service.request(
        session=session, principal=principal, from_org_id=from_org_id, mode=mode,
        to_org_id=to_org_id, to_user_id=to_user_id, note=note, score=score, reason=reason,
        components=components,
    )


def introduction_read(view: intro_service.IntroductionView) -> IntroductionRead:
    """Return the API shape of an introduction as its viewer may see it."""
    i = view.introduction
    return IntroductionRead(
        id=i.id, mode=i.mode, status=i.status, direction=view.direction,
        sender=view.sender, recipient=view.recipient,
        note=i.note, response_note=i.response_note, score=i.score, reason=i.reason,
        components=i.components, created_at=i.created_at, responded_at=i.responded_at,
        can_respond=view.can_respond, can_withdraw=view.can_withdraw,
    )
