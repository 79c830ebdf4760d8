"""The directory's facet columns in memory, so that counting and ordering skip the database.

Each process keeps, per database, numpy arrays of every organisation's id, facet bits, focus
bits, most mature TRL, timestamps and its position in each sort order. A search checks a
marker (newest id, newest update; the row count when due) and, when it moved, reads only the
rows updated since the last look; counting facets over 100,000 organisations is then a few
vectorised passes instead of a scan of the table. The database stays the truth for text
matching and for the organisations shown.
"""

import math
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from indusx.db import PerEngine
from indusx.orgs.models import Organisation

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Rows stamped this long before the newest one seen are read again at each change: a
# transaction stamps `updated_at` before it commits, so edits may become visible out of order.
LAG = timedelta(seconds=60)

_COLUMNS = (
    Organisation.id,
    Organisation.name,
    Organisation.facet_mask,
    Organisation.focus_mask,
    Organisation.max_trl,
    Organisation.created_at,
    Organisation.updated_at,
)

Marker = tuple[int | None, datetime | None]
# Counting every row, which reveals a deletion, takes 10 ms on PostgreSQL with 100,000
# organisations: it runs when the newest id or update moved, after this process deleted an
# organisation, and otherwise at most this often (seconds), for deletions by other processes.
COUNT_EVERY = 1.0
_DELETED = "indusx.orgs.columns.deleted"


def _micros(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(microseconds=1)


def _rank(order: np.ndarray) -> np.ndarray:
    """Return each row's position in an ordering given as row indexes."""
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order), dtype=np.int64)
    return rank


@dataclass(frozen=True, slots=True)
class Columns:
    """One consistent snapshot of the directory's facet columns, rows in id order.

    `max_trl` is 0 where an organisation has no offering. The `*_order` arrays hold each
    row's position in a sort: name (name, id), newest (created_at desc, id desc) and
    updated (updated_at desc, id desc), so that any sort is one integer key.
    """

    ids: np.ndarray
    names: np.ndarray
    facet_mask: np.ndarray
    focus_mask: np.ndarray
    max_trl: np.ndarray
    created_at: np.ndarray
    updated_at: np.ndarray
    name_order: np.ndarray
    newest_order: np.ndarray
    updated_order: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    def positions(self, ids: Sequence[int] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return the rows of the given ids that the snapshot holds, and which ids they were."""
        wanted = np.asarray(ids, dtype=np.int64)
        at = np.searchsorted(self.ids, wanted)
        found = at < len(self.ids)
        found[found] = self.ids[at[found]] == wanted[found]
        return at[found], found


def _build(rows: Sequence[Any]) -> tuple[Columns, np.ndarray]:
    """Return a snapshot of rows (id, name, facets, focus, TRL, created, updated) as listed.

    Its name order is the order of the rows; also return, for each row of the snapshot, the
    index of its row in `rows`.
    """
    n = len(rows)
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=n)
    by_id = np.argsort(ids, kind="stable")
    names = np.empty(n, dtype=object)
    names[:] = [r[1] for r in rows]
    facet = np.fromiter((r[2] for r in rows), dtype=np.int64, count=n)
    focus = np.fromiter((r[3] for r in rows), dtype=np.int64, count=n)
    trl = np.fromiter((r[4] or 0 for r in rows), dtype=np.int8, count=n)
    created = np.fromiter((_micros(r[5]) for r in rows), dtype=np.int64, count=n)
    updated = np.fromiter((_micros(r[6]) for r in rows), dtype=np.int64, count=n)
    columns = _columns(
        ids[by_id],
        names[by_id],
        facet[by_id],
        focus[by_id],
        trl[by_id],
        created[by_id],
        updated[by_id],
        name_order=by_id.astype(np.int64),
    )
    return columns, by_id


def _columns(
    ids: np.ndarray,
    names: np.ndarray,
    facet: np.ndarray,
    focus: np.ndarray,
    trl: np.ndarray,
    created: np.ndarray,
    updated: np.ndarray,
    *,
    name_order: np.ndarray,
) -> Columns:
    return Columns(
        ids=ids,
        names=names,
        facet_mask=facet,
        focus_mask=focus,
        max_trl=trl,
        created_at=created,
        updated_at=updated,
        name_order=name_order,
        newest_order=_rank(np.lexsort((-ids, -created))),
        updated_order=_rank(np.lexsort((-ids, -updated))),
    )


def _name_order(ids: np.ndarray, name_ids: np.ndarray) -> np.ndarray:
    """Return each row's position in the database's (name, id) order, given as ids."""
    # An id the order lacks (added since it was read) sorts last until the next change.
    order = np.full(len(ids), len(name_ids), dtype=np.int64)
    at = np.searchsorted(ids, name_ids)
    known = at < len(ids)
    known[known] = ids[at[known]] == name_ids[known]
    order[at[known]] = np.flatnonzero(known)
    return order


@dataclass
class ColumnState:
    lock: threading.Lock = field(default_factory=threading.Lock)
    columns: Columns | None = None
    marker: Marker | None = None
    counted_at: float = -math.inf
    # This process committed the deletion of an organisation since the last count.
    deleted: bool = False


_STATES: PerEngine[ColumnState] = PerEngine(ColumnState)


def marker(session: Session) -> Marker:
    """Return what tells that rows were added or changed: the newest id and newest update."""
    org = Organisation.__table__
    newest_id, newest = session.execute(
        select(
            select(func.max(org.c.id)).scalar_subquery(),
            select(func.max(org.c.updated_at)).scalar_subquery(),
        )
    ).one()
    if newest is not None and newest.tzinfo is None:
        newest = newest.replace(tzinfo=UTC)  # SQLite drops the zone in an aggregate
    return newest_id, newest


@event.listens_for(Session, "after_flush")
def _note_deletions(session: Session, _context: Any) -> None:
    if any(isinstance(obj, Organisation) for obj in session.deleted):
        session.info[_DELETED] = True


@event.listens_for(Session, "after_commit")
def _count_after_deletions(session: Session) -> None:
    if session.info.pop(_DELETED, False):
        _STATES.get(session).deleted = True


@event.listens_for(Session, "after_soft_rollback")
def _forget_deletions(session: Session, _previous: Any) -> None:
    session.info.pop(_DELETED, None)


def load(session: Session) -> Columns:
    """Return a snapshot of every organisation's facet columns, read from the database."""
    rows = session.execute(select(*_COLUMNS).order_by(Organisation.name, Organisation.id)).all()
    return _build(rows)[0]


def _name_ids(session: Session) -> np.ndarray:
    return np.fromiter(
        session.scalars(select(Organisation.id).order_by(Organisation.name, Organisation.id)),
        dtype=np.int64,
    )


def refresh(session: Session, columns: Columns, since: datetime, count: int) -> Columns:
    """Return the snapshot with the rows updated since a moment, without deleted rows.

    `count` is the number of organisations now: when the snapshot would not hold as many,
    its ids are compared with the database's.
    """
    rows = list(session.execute(select(*_COLUMNS).where(Organisation.updated_at >= since)))
    at, found = columns.positions([r[0] for r in rows])
    found_rows = [r for r, f in zip(rows, found, strict=True) if f]
    renamed = not found.all() or any(
        columns.names[i] != r[1] for i, r in zip(at, found_rows, strict=True)
    )
    keep = np.ones(len(columns), dtype=bool)
    if len(columns) + int((~found).sum()) != count:
        present = np.fromiter(session.scalars(select(Organisation.id)), dtype=np.int64)
        keep = np.isin(columns.ids, present)
        extra = np.setdiff1d(present, np.concatenate([columns.ids, [r[0] for r in rows]]))
        if len(extra):
            rows += session.execute(
                select(*_COLUMNS).where(Organisation.id.in_(extra.tolist()))
            ).all()
            renamed = True
    keep[at] = False
    if not rows:
        name_order = columns.name_order[keep]
        fresh = None
    else:
        fresh, by_id = _build(rows)
        # Unchanged names keep their old positions; new or renamed ones need the database's.
        name_order = np.concatenate(
            [
                columns.name_order[keep],
                columns.name_order[at][by_id] if not renamed else np.zeros(len(rows), np.int64),
            ]
        )

    def merged(name: str) -> np.ndarray:
        kept = getattr(columns, name)[keep]
        return np.concatenate([kept, getattr(fresh, name)]) if fresh is not None else kept

    ids = merged("ids")
    by_id = np.argsort(ids, kind="stable")
    ids = ids[by_id]
    return _columns(
        ids,
        merged("names")[by_id],
        merged("facet_mask")[by_id],
        merged("focus_mask")[by_id],
        merged("max_trl")[by_id],
        merged("created_at")[by_id],
        merged("updated_at")[by_id],
        name_order=(
            _name_order(ids, _name_ids(session))
            if renamed
            else _rank(np.argsort(name_order[by_id], kind="stable"))
        ),
    )


def current(session: Session) -> Columns:
    """Return this process's snapshot of the directory, brought up to date if it changed."""
    state = _STATES.get(session)
    now = marker(session)
    clock = time.monotonic()
    if (
        state.columns is not None
        and state.marker == now
        and not state.deleted
        and clock - state.counted_at < COUNT_EVERY
    ):
        return state.columns
    with state.lock:
        state.deleted = False  # before counting, so that a deletion committed meanwhile counts
        count = session.scalar(select(func.count()).select_from(Organisation)) or 0
        if state.columns is None or state.marker is None or state.marker[1] is None:
            state.columns = load(session)
        elif state.marker != now or count != len(state.columns):
            state.columns = refresh(session, state.columns, state.marker[1] - LAG, count)
        state.marker, state.counted_at = now, clock
        return state.columns
