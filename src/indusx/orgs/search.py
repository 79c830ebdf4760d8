"""Directory search: full text (PostgreSQL tsvector or SQLite FTS5), facets with counts.

Facets are disjunctive: the counts of one facet apply every filter except its own, so a
user can widen a selection within a facet and see what each choice would add.
"""

import re
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
from sqlalchemy import (
    ARRAY,
    BigInteger,
    ColumnElement,
    Text,
    bindparam,
    cast,
    func,
    literal_column,
    select,
    text,
)
from sqlalchemy.orm import Session, selectinload

from indusx.db import PerEngine
from indusx.orgs import columns, facets
from indusx.orgs.models import FocusArea, Organisation
from indusx.orgs.taxonomy import (
    COUNTRY_LABELS,
    KIND_LABELS,
    SEEKING_LABELS,
    STAGE_LABELS,
    Country,
    FundingStage,
    OrgKind,
    Seeking,
)

MAX_PAGE_SIZE = 100
MAX_TERMS = 12
# fmt: off
STOPWORDS = frozenset(
    [
        "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is",
        "it", "of", "on", "or", "the", "to", "with",
    ]
)
# fmt: on


class Sort(StrEnum):
    RELEVANCE = "relevance"
    NAME = "name"
    NEWEST = "newest"
    UPDATED = "updated"
    TRL = "trl"


SORT_LABELS = {
    Sort.RELEVANCE: "Best match",
    Sort.NAME: "Name (A-Z)",
    Sort.NEWEST: "Newest",
    Sort.UPDATED: "Recently updated",
    Sort.TRL: "Highest TRL",
}


@dataclass(slots=True)
class OrgQuery:
    """A directory query: text, facet selections, TRL range, sort and page."""

    q: str = ""
    country: list[Country] = field(default_factory=list)
    kind: list[OrgKind] = field(default_factory=list)
    focus_area: list[str] = field(default_factory=list)
    seeking: list[Seeking] = field(default_factory=list)
    stage: list[FundingStage] = field(default_factory=list)
    trl_min: int | None = None
    trl_max: int | None = None
    sort: Sort | None = None
    page: int = 1
    page_size: int = 20

    @property
    def effective_sort(self) -> Sort:
        if self.sort is None or (self.sort is Sort.RELEVANCE and not terms(self.q)):
            return Sort.RELEVANCE if terms(self.q) else Sort.NAME
        return self.sort


@dataclass(slots=True)
class SearchResult:
    items: list[Organisation]
    total: int
    facets: dict[str, list[tuple[str, str, int]]]  # facet -> [(value, label, count)]


def terms(q: str) -> list[str]:
    """Return the search words of a query: lower-cased, without stop words, at most 12."""
    words = [w for w in re.findall(r"\w+", q.lower()) if w]
    kept = [w for w in words if w not in STOPWORDS] or words
    return kept[:MAX_TERMS]


def _id_list(value: str | None) -> np.ndarray:
    return np.array(value.split(","), dtype=np.int64) if value else np.zeros(0, np.int64)


def _text_matches(session: Session, words: list[str]) -> np.ndarray:
    """Return the ids of the organisations matching every word (stemmed)."""
    # One comma-separated string instead of a row per match: 20,000 rows cost more to
    # fetch than to find.
    if session.get_bind().dialect.name == "postgresql":
        tsq = func.to_tsquery("english", " & ".join(words))
        stmt = select(func.string_agg(cast(Organisation.id, Text), ",")).where(
            _VECTOR.op("@@")(tsq)
        )
    else:
        stmt = (
            select(func.group_concat(literal_column("rowid"), ","))
            .select_from(text("organisation_fts"))
            .where(_fts_match(words))
        )
    return _id_list(session.scalar(stmt))


def _text_ranks(session: Session, words: list[str], ids: np.ndarray) -> np.ndarray:
    """Return how well each of some matching organisations matches (higher is better)."""
    listed = ids.tolist()
    if session.get_bind().dialect.name == "postgresql":
        tsq = func.to_tsquery("english", " & ".join(words))
        rank = cast(func.ts_rank(_VECTOR, tsq), Text)
        found, ranks = session.execute(
            select(
                func.string_agg(cast(Organisation.id, Text), ","), func.string_agg(rank, ",")
            ).where(Organisation.id == func.any(bindparam("ids", listed, type_=ARRAY(BigInteger))))
        ).one()
        # PostgreSQL writes a float4 in the shortest form that reads back as the same
        # value, so distinct ranks keep their order.
        pairs: Iterable[tuple[int, float]] = zip(
            _id_list(found).tolist(), map(float, (ranks or "").split(",")), strict=False
        )
    else:
        # bm25 is lower-is-better; the name column weighs ten times the rest. FTS5 ranks
        # every match faster than it can filter them by a list of ids.
        bm25: ColumnElement[float] = literal_column("bm25(organisation_fts, 10.0, 1.0)")
        pairs = session.execute(
            select(literal_column("rowid"), -bm25)
            .select_from(text("organisation_fts"))
            .where(_fts_match(words))
        ).all()
    scores = np.full(len(ids), -np.inf)
    at = {org_id: i for i, org_id in enumerate(listed)}
    for org_id, score in pairs:
        if org_id in at:
            scores[at[org_id]] = score
    return scores


_VECTOR: ColumnElement[Any] = literal_column("organisation.search_vector")

# Distinct word sets kept per process. An entry holds its matching rows and their ranks (16
# bytes a match): a common word at 100,000 organisations matches 20,000, so 64 entries stay
# within about 20 MB.
TEXT_CACHE_SIZE = 64


@dataclass
class _Text:
    """What one set of words matched in one snapshot: rows, and the ranks asked for so far."""

    snapshot: columns.Columns
    rows: np.ndarray
    ranks: np.ndarray | None = None  # aligned with rows; NaN where not ranked yet


@dataclass
class _TextCache:
    lock: threading.Lock = field(default_factory=threading.Lock)
    entries: OrderedDict[tuple[str, ...], _Text] = field(default_factory=OrderedDict)


_TEXT: PerEngine[_TextCache] = PerEngine(_TextCache)


def _text(session: Session, snapshot: columns.Columns, words: list[str]) -> _Text:
    """Return the rows matching the words, from this process's cache while the snapshot holds.

    Any change to the directory gives a new snapshot (`columns.current`), which turns every
    cached entry stale: the cache never answers for data it did not see.
    """
    cache, key = _TEXT.get(session), tuple(words)
    with cache.lock:
        found = cache.entries.get(key)
        if found is not None and found.snapshot is snapshot:
            cache.entries.move_to_end(key)
            return found
    rows, _ = snapshot.positions(_text_matches(session, words))
    found = _Text(snapshot, rows)
    with cache.lock:
        cache.entries[key] = found
        cache.entries.move_to_end(key)
        while len(cache.entries) > TEXT_CACHE_SIZE:
            cache.entries.popitem(last=False)
    return found


def _ranks(
    session: Session, words: list[str], snapshot: columns.Columns, text: _Text, want: np.ndarray
) -> np.ndarray:
    """Return the ranks of some matching rows (`want` indexes `text.rows`), each computed once.

    Ranking reads each row's text vector, so PostgreSQL ranks only the rows a query's filters
    kept that no earlier query ranked: a first search for a common word with a facet ranks a
    few thousand rows, not all twenty thousand matches. FTS5 ranks every match at once as fast
    as a few, so SQLite fills them all in one go.
    """
    if text.ranks is None:
        text.ranks = np.full(len(text.rows), np.nan)
    missing = want[np.isnan(text.ranks[want])]
    if len(missing):
        if session.get_bind().dialect.name != "postgresql":
            missing = np.arange(len(text.rows))
        text.ranks[missing] = _text_ranks(session, words, snapshot.ids[text.rows[missing]])
    ranks: np.ndarray = text.ranks[want]
    return ranks


def clear_text_cache(session: Session) -> None:
    """Forget the cached word matches (benchmarks measure the uncached path with it)."""
    cache = _TEXT.get(session)
    with cache.lock:
        cache.entries.clear()


def _fts_match(words: list[str]) -> Any:
    return text("organisation_fts MATCH :fts_query").bindparams(
        fts_query=" AND ".join(f'"{w}"' for w in words)
    )


# For each byte value, which of its eight bits are set.
_BYTE_BITS = np.unpackbits(
    np.arange(256, dtype=np.uint8)[:, None], axis=1, bitorder="little"
).astype(bool)


def _bit_counts(masks: np.ndarray, bits: list[int]) -> list[int]:
    """Return, for each single-bit value in bits, how many of the masks have it."""
    if not len(masks):
        return [0] * len(bits)
    data = masks.astype("<i8", copy=False).view(np.uint8).reshape(-1, 8)
    positions = [b.bit_length() - 1 for b in bits]
    # One histogram of byte values per byte that holds a wanted bit.
    hists = {
        byte: np.bincount(data[:, byte], minlength=256) for byte in {p // 8 for p in positions}
    }
    return [int(hists[p // 8][_BYTE_BITS[:, p % 8]].sum()) for p in positions]


@dataclass(slots=True)
class _Rows:
    """The facet columns of the candidate rows: every organisation, or the text matches."""

    facet_mask: np.ndarray
    focus_mask: np.ndarray
    max_trl: np.ndarray


FacetValues = list[tuple[str, str, int]]  # (value, label, bit)


def _facet_options(areas: FacetValues) -> dict[str, tuple[str, FacetValues]]:
    """Return, per facet, the mask it reads and its values as (value, label, bit)."""

    def values(group: str, labels: dict[Any, str]) -> FacetValues:
        return [(str(v.value), label, facets.bit(group, v)) for v, label in labels.items()]

    return {
        "country": ("facet_mask", values("country", COUNTRY_LABELS)),
        "kind": ("facet_mask", values("kind", KIND_LABELS)),
        "focus_area": (
            "focus_mask",
            [(slug, name, 1 << position) for slug, name, position in areas],
        ),
        "seeking": ("facet_mask", values("seeking", SEEKING_LABELS)),
        "stage": ("facet_mask", values("stage", STAGE_LABELS)),
        "trl": (
            "facet_mask",
            [(label, f"TRL {label}", facets.bit("trl", label)) for label, _, _ in facets.TRL_BANDS],
        ),
    }


def _filters(rows: _Rows, query: OrgQuery, area_bits: dict[str, int]) -> dict[str, np.ndarray]:
    """Return the query's active facet filters over the rows: OR within, AND across facets."""
    conds: dict[str, np.ndarray] = {}
    for name, chosen in (
        ("country", query.country),
        ("kind", query.kind),
        ("seeking", query.seeking),
        ("stage", query.stage),
    ):
        if chosen:
            conds[name] = (rows.facet_mask & facets.bits(name, chosen)) != 0
    if query.focus_area:
        # An unknown focus-area slug contributes no bit, so it matches nothing.
        wanted = facets.focus_mask(area_bits[s] for s in query.focus_area if s in area_bits)
        conds["focus_area"] = (rows.focus_mask & wanted) != 0
    if query.trl_min is not None or query.trl_max is not None:
        # max_trl is 0 for an organisation without offerings, which no TRL range matches.
        lo, hi = query.trl_min or 1, query.trl_max or 9
        conds["trl"] = (rows.max_trl != 0) & (rows.max_trl >= lo) & (rows.max_trl <= hi)
    return conds


def _all(conds: list[np.ndarray], size: int) -> np.ndarray:
    out = np.ones(size, dtype=bool)
    for cond in conds:
        out &= cond
    return out


def _sort_keys(snapshot: columns.Columns, rows: np.ndarray, sort: Sort) -> np.ndarray:
    """Return one integer key per row of the snapshot, ascending in the sort's order."""
    if sort is Sort.NEWEST:
        return snapshot.newest_order[rows]
    if sort is Sort.UPDATED:
        return snapshot.updated_order[rows]
    if sort is Sort.TRL:
        # Highest TRL first, organisations without offerings (0) last, then name and id.
        return ((9 - snapshot.max_trl[rows].astype(np.int64)) << 32) | snapshot.name_order[rows]
    return snapshot.name_order[rows]


def _first(keys: np.ndarray, count: int) -> np.ndarray:
    """Return the indexes of the `count` smallest keys, in ascending order of key."""
    if count < len(keys):
        chosen = np.argpartition(keys, count - 1)[:count]
        return chosen[np.argsort(keys[chosen], kind="stable")]
    return np.argsort(keys, kind="stable")


def search_orgs(*, session: Session, query: OrgQuery, with_facets: bool = True) -> SearchResult:
    """Return one page of matching organisations, the total, and facet counts.

    Facets are disjunctive: each facet's counts apply every filter but its own. The database
    matches the text; filters, counts and the order of the page come from this process's
    copy of the directory's facet columns (`orgs/columns.py`).
    """
    areas = [
        (slug, name, bit)
        for slug, name, bit in session.execute(
            select(FocusArea.slug, FocusArea.name, FocusArea.bit).order_by(FocusArea.name)
        )
    ]
    snapshot = columns.current(session)
    sort = query.effective_sort
    words = terms(query.q)
    text = _text(session, snapshot, words) if words else None
    if text is None:  # every organisation: the snapshot's own columns, not copies of them
        candidates = np.arange(len(snapshot))
        rows = _Rows(snapshot.facet_mask, snapshot.focus_mask, snapshot.max_trl)
    else:
        candidates = text.rows
        rows = _Rows(
            facet_mask=snapshot.facet_mask[candidates],
            focus_mask=snapshot.focus_mask[candidates],
            max_trl=snapshot.max_trl[candidates],
        )
    filters = _filters(rows, query, {slug: bit for slug, _, bit in areas})
    selected = _all(list(filters.values()), len(candidates))
    total = int(np.count_nonzero(selected))

    found_facets: dict[str, list[tuple[str, str, int]]] = {}
    for name, (mask, values) in _facet_options(areas).items() if with_facets else ():
        within = (
            selected
            if name not in filters
            else _all([c for k, c in filters.items() if k != name], len(candidates))
        )
        counts = _bit_counts(getattr(rows, mask)[within], [bit for _, _, bit in values])
        found_facets[name] = [
            (v, label, n) for (v, label, _), n in zip(values, counts, strict=True)
        ]
    if "focus_area" in found_facets:
        found_facets["focus_area"].sort(key=lambda item: (-item[2], item[1]))

    page_size = max(1, min(query.page_size, MAX_PAGE_SIZE))
    offset = (max(query.page, 1) - 1) * page_size
    chosen = np.flatnonzero(selected)
    if offset < len(chosen):
        names = snapshot.name_order[candidates[chosen]]
        if sort is Sort.RELEVANCE and text is not None:
            # Ranks are kept with the matches: later filters and pages reuse them.
            scores = _ranks(session, words, snapshot, text, chosen)
            order = np.lexsort((names, -scores))[: offset + page_size]
        else:
            order = _first(_sort_keys(snapshot, candidates[chosen], sort), offset + page_size)
        ids = snapshot.ids[candidates[chosen[order[offset:]]]].tolist()
    else:
        ids = []
    loaded = (
        {
            org.id: org
            for org in session.scalars(
                select(Organisation)
                .where(Organisation.id.in_(ids))
                .options(
                    selectinload(Organisation.focus_areas), selectinload(Organisation.seeking_links)
                )
            )
        }
        if ids
        else {}
    )
    return SearchResult(
        items=[loaded[i] for i in ids if i in loaded], total=total, facets=found_facets
    )
