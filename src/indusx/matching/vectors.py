"""Profiles as the engine sees them, and their stored embeddings kept in step.

Each organisation's profile is cut into passages (description, capabilities, each offering,
its most recent awards). Every passage is embedded once and stored in `org_vector` with the
hash of its text; ordinal 0 holds the profile vector (the normalised mean of the passages).
`sync` re-embeds only the passages whose text changed, for the organisations edited since
their vectors were last written, so an edit costs one small batch, not a rebuild.
"""

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import and_, delete, func, insert, or_, select
from sqlalchemy.orm import Session, selectinload

from indusx.awards.models import Award
from indusx.db import utcnow
from indusx.matching.engine.profile import Passage, Profile, Thesis
from indusx.matching.models import OrgVector
from indusx.orgs.models import Organisation

if TYPE_CHECKING:
    from indusx.matching.engine.embedder import Embedder

# An organisation with decades of awards is represented by its most recent ones.
MAX_AWARD_PASSAGES = 40
DIM = 384
Progress = Callable[[int, int], None]


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def passages_of(org: Organisation, awards: Sequence[Award] = ()) -> list[Passage]:
    """Return the passages of a loaded organisation's public profile, in a stable order."""
    out: list[Passage] = []
    if org.description.strip():
        out.append(Passage("Description", org.description.strip()))
    if org.capabilities.strip():
        out.append(Passage("Capabilities", org.capabilities.strip()))
    for offering in org.offerings:
        text = f"{offering.name}. {offering.description}".strip()
        out.append(Passage(f"Offering: {offering.name} (TRL {offering.trl})", text))
    recent = sorted(awards, key=lambda a: (a.year, a.id), reverse=True)[:MAX_AWARD_PASSAGES]
    for award in recent:
        out.append(Passage(f"Award {award.year}: {award.title}",
                           f"{award.title}. {award.abstract}".strip()))
    if not out:
        out.append(Passage("Name", org.name))
    return out


def profile_of(org: Organisation, passages: Sequence[Passage]) -> Profile:
    """Return the engine's view of a loaded organisation (public fields only)."""
    thesis = None
    if org.thesis is not None:
        thesis = Thesis(
            focus=frozenset(org.thesis.focus_areas), stages=frozenset(org.thesis.stages),
            countries=frozenset(org.thesis.countries),
            ticket_min_usd=org.thesis.ticket_min_usd, ticket_max_usd=org.thesis.ticket_max_usd,
        )
    return Profile(
        id=org.id, name=org.name, country=org.country.value, kind=org.kind.value,
        focus=frozenset(a.slug for a in org.focus_areas),
        seeking=frozenset(s.value for s in org.seeking),
        stage=org.funding_stage.value if org.funding_stage else None,
        max_trl=org.max_trl, description=org.description, capabilities=org.capabilities,
        passages=tuple(passages), thesis=thesis,
    )


LOAD = (
    selectinload(Organisation.focus_areas),
    selectinload(Organisation.seeking_links),
    selectinload(Organisation.offerings),
    selectinload(Organisation.thesis),
)


def load_profiles(session: Session, org_ids: Iterable[int]) -> dict[int, Profile]:
    """Return the engine profiles of some organisations, loaded in few queries."""
    ids = list(org_ids)
    result: dict[int, Profile] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        orgs = session.scalars(
            select(Organisation).where(Organisation.id.in_(chunk)).options(*LOAD)
        ).all()
        awards: dict[int, list[Award]] = {}
        for award in session.scalars(select(Award).where(Award.org_id.in_(chunk))):
            awards.setdefault(award.org_id, []).append(award)
        for org in orgs:
            result[org.id] = profile_of(org, passages_of(org, awards.get(org.id, ())))
    return result


def stale_org_ids(session: Session, limit: int | None = None) -> list[int]:
    """Return the organisations whose vectors are missing or older than their profile."""
    v = OrgVector
    stmt = (
        select(Organisation.id)
        .outerjoin(v, and_(v.org_id == Organisation.id, v.ordinal == 0))
        .where(or_(v.id.is_(None), v.updated_at < Organisation.updated_at))
        .order_by(Organisation.id)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))


def stale_count(session: Session) -> tuple[int, int]:
    """Return (organisations needing vectors, all organisations)."""
    v = OrgVector
    stale = session.scalar(
        select(func.count()).select_from(Organisation)
        .outerjoin(v, and_(v.org_id == Organisation.id, v.ordinal == 0))
        .where(or_(v.id.is_(None), v.updated_at < Organisation.updated_at))
    ) or 0
    total = session.scalar(select(func.count()).select_from(Organisation)) or 0
    return stale, total


@dataclass(frozen=True, slots=True)
class SyncResult:
    orgs: int
    embedded: int  # passages embedded (the rest were unchanged)


def sync(
    session: Session,
    org_ids: Sequence[int] | None = None,
    *,
    embedder: "Embedder | None" = None,
    batch_orgs: int = 64,
    progress: Progress | None = None,
) -> SyncResult:
    """Bring the stored vectors of the given (default: all stale) organisations up to date.

    Flushes but does not commit; callers commit per batch when they want partial progress
    to survive (the CLI and the background indexer do).
    """
    ids = list(org_ids) if org_ids is not None else stale_org_ids(session)
    if embedder is None:
        from indusx.matching.engine.embedder import get_embedder

        embedder = get_embedder()
    embedded = 0
    for start in range(0, len(ids), batch_orgs):
        chunk = ids[start:start + batch_orgs]
        embedded += _sync_chunk(session, chunk, embedder)
        if progress is not None:
            progress(min(start + batch_orgs, len(ids)), len(ids))
    return SyncResult(orgs=len(ids), embedded=embedded)


def _sync_chunk(session: Session, org_ids: list[int], embedder: "Embedder") -> int:
    profiles = load_profiles(session, org_ids)
    existing: dict[int, dict[str, bytes]] = {}
    for row in session.execute(
        select(OrgVector.org_id, OrgVector.text_hash, OrgVector.vector)
        .where(OrgVector.org_id.in_(org_ids), OrgVector.ordinal > 0,
               OrgVector.model == embedder.name)
    ):
        existing.setdefault(row.org_id, {})[row.text_hash] = row.vector
    todo: list[str] = []
    todo_keys: list[tuple[int, str]] = []
    for org_id, profile in profiles.items():
        known = existing.get(org_id, {})
        for passage in profile.passages:
            digest = _hash(passage.text)
            if digest not in known and (org_id, digest) not in todo_keys:
                todo.append(passage.text)
                todo_keys.append((org_id, digest))
    fresh = embedder.embed(todo) if todo else np.zeros((0, DIM), np.float32)
    for (org_id, digest), vector in zip(todo_keys, fresh, strict=True):
        existing.setdefault(org_id, {})[digest] = vector.astype(np.float32).tobytes()
    session.execute(delete(OrgVector).where(OrgVector.org_id.in_(list(profiles))))
    now = utcnow()
    rows = []
    for org_id, profile in profiles.items():
        known = existing.get(org_id, {})
        vectors, digests = [], []
        for ordinal, passage in enumerate(profile.passages, start=1):
            digest = _hash(passage.text)
            raw = known[digest]
            vectors.append(np.frombuffer(raw, dtype=np.float32))
            digests.append(digest)
            rows.append(dict(org_id=org_id, ordinal=ordinal, label=passage.label[:300],
                             text=passage.text, text_hash=digest, model=embedder.name,
                             vector=raw, updated_at=now))
        mean = np.mean(vectors, axis=0)
        mean /= max(float(np.linalg.norm(mean)), 1e-12)
        rows.append(dict(org_id=org_id, ordinal=0, label="Profile", text="",
                         text_hash=_hash("".join(digests)),
                         model=embedder.name, vector=mean.astype(np.float32).tobytes(),
                         updated_at=now))
    if rows:
        session.execute(insert(OrgVector), rows)
    session.flush()
    return len(todo)


def decode(raw: bytes) -> np.ndarray:
    """Return a stored vector as a float32 array."""
    return np.frombuffer(raw, dtype=np.float32)
