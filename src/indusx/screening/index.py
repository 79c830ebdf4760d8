"""The name index of every live list entry, kept in step with the database per process.

Building the index over the OFAC list with its aliases takes a second or two, so each
process keeps one per database and rebuilds it only when a list version was imported since
(the marker is the count, newest id and newest time of list_version). Searches run
concurrently; a rebuild swaps the new index in whole.
"""

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from indusx.db import PerEngine
from indusx.screening.engine import ScreeningIndex
from indusx.screening.engine.types import EntityType, IndexEntry
from indusx.screening.lists.entry import ListEntry
from indusx.screening.models import ListEntryRecord, ListVersion, ScreeningList


@dataclass
class IndexState:
    lock: threading.Lock = field(default_factory=threading.Lock)
    index: ScreeningIndex | None = None
    marker: tuple[object, ...] | None = None


_STATES: PerEngine[IndexState] = PerEngine(IndexState)


def state(session: Session) -> IndexState:
    """Return this process's index state for the database behind a session."""
    return _STATES.get(session)


def index_entry(key: int, entry: ListEntry) -> IndexEntry:
    """Return what the engine indexes of one list entry."""
    strong = [a.name for a in entry.aliases if not a.weak and a.name]
    weak = [a.name for a in entry.aliases if a.weak and a.name]
    return IndexEntry(
        key=key,
        names=tuple(dict.fromkeys([entry.name, *strong])),
        entity_type=entry.entity_type,
        countries=frozenset(c.upper() for c in entry.countries if c),
        birth_dates=tuple(entry.birth_dates),
        weak_names=tuple(dict.fromkeys(weak)),
    )


def live_entries(
    session: Session, record_ids: Iterable[int] | None = None
) -> list[IndexEntry]:
    """Return the index entries of the live list entries (all, or only some records)."""
    stmt = select(ListEntryRecord.id, ListEntryRecord.data).where(
        ListEntryRecord.removed_version.is_(None)
    )
    if record_ids is not None:
        stmt = stmt.where(ListEntryRecord.id.in_(list(record_ids)))
    return [index_entry(rid, ListEntry.from_json(data)) for rid, data in session.execute(stmt)]


def _marker(session: Session) -> tuple[object, ...]:
    # The import time as well as the id: an id can be reused after a rolled-back import.
    return tuple(session.execute(
        select(func.count(ListVersion.id), func.max(ListVersion.id),
               func.max(ListVersion.imported_at))).one())


def current(session: Session) -> ScreeningIndex:
    """Return this process's index over the live entries, rebuilt if a list changed."""
    state = _STATES.get(session)
    marker = _marker(session)
    if state.index is not None and state.marker == marker:
        return state.index
    with state.lock:
        if state.index is None or state.marker != marker:
            state.index = ScreeningIndex(live_entries(session))
            state.marker = marker
        return state.index


def has_lists(session: Session) -> bool:
    """Return whether any list has been imported."""
    return session.scalar(select(func.count()).select_from(ScreeningList)) != 0


def entity_type(value: str | None) -> EntityType | None:
    """Return the engine's entity type for a stored or typed value."""
    if not value:
        return None
    try:
        return EntityType(value.lower())
    except ValueError:
        return None
