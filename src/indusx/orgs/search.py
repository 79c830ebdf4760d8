"""Directory search: full text (PostgreSQL tsvector or SQLite FTS5), facets with counts.

Facets are disjunctive: the counts of one facet apply every filter except its own, so a
user can widen a selection within a facet and see what each choice would add.
"""

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    ColumnElement,
    and_,
    bindparam,
    func,
    literal_column,
    or_,
    select,
    text,
    true,
)
from sqlalchemy.orm import Session, selectinload

from indusx.orgs import facets
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
STOPWORDS = frozenset(
    [
        "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is",
        "it", "of", "on", "or", "the", "to", "with",
    ]
)


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


MATCH_COLUMNS = ("id", "name", "created_at", "updated_at", "max_trl", "focus_mask", "facet_mask")


def _matches(session: Session, q: str, *, ranked: bool) -> Any | None:
    """Return the organisations matching q (every word, stemmed) as a materialised CTE.

    It holds the columns that filters, facets and sorting need, plus a rank (higher is
    better) when `ranked`. Materialising it makes the text index do the matching, once,
    whatever the filters, facet counts and sort that are applied on top.
    """
    words = terms(q)
    if not words:
        return None
    table = Organisation.__table__
    columns = [table.c[name] for name in MATCH_COLUMNS]
    if session.get_bind().dialect.name == "postgresql":
        tsq = func.to_tsquery("english", " & ".join(words))
        vector: ColumnElement[Any] = literal_column("organisation.search_vector")
        rank = func.ts_rank(vector, tsq) if ranked else literal_column("0")
        stmt = select(*columns, rank.label("rank")).where(vector.op("@@")(tsq))
    else:
        fts = (
            select(
                literal_column("organisation_fts.rowid").label("id"),
                # bm25 is lower-is-better; the name column weighs ten times the rest.
                (-literal_column("bm25(organisation_fts, 10.0, 1.0)")).label("rank"),
            )
            .select_from(text("organisation_fts"))
            .where(text("organisation_fts MATCH :fts_query").bindparams(
                fts_query=" AND ".join(f'"{w}"' for w in words)))
            .subquery()
        )
        stmt = select(*columns, fts.c.rank).join_from(table, fts, fts.c.id == table.c.id)
    return stmt.cte("matches").prefix_with("MATERIALIZED")


def _has_bits(column: Any, bits: int) -> ColumnElement[bool]:
    return column.bitwise_and(bits) != 0


def _facet_options(
    o: Any, areas: list[tuple[str, str, int]]
) -> dict[str, list[tuple[str, str, ColumnElement[bool]]]]:
    """Return, per facet, its values as (value, label, condition) over the columns o."""

    def values(group: str, labels: dict[Any, str]) -> list[tuple[str, str, ColumnElement[bool]]]:
        return [(str(v.value), label, _has_bits(o.facet_mask, facets.bit(group, v)))
                for v, label in labels.items()]

    return {
        "country": values("country", COUNTRY_LABELS),
        "kind": values("kind", KIND_LABELS),
        "focus_area": [(slug, name, _has_bits(o.focus_mask, 1 << position))
                       for slug, name, position in areas],
        "seeking": values("seeking", SEEKING_LABELS),
        "stage": values("stage", STAGE_LABELS),
        "trl": [(label, f"TRL {label}", _has_bits(o.facet_mask, facets.bit("trl", label)))
                for label, _, _ in facets.TRL_BANDS],
    }


def _filters(
    o: Any, query: OrgQuery, area_bits: dict[str, int]
) -> dict[str, ColumnElement[bool]]:
    """Return the facet filters of a query over the columns o: OR within, AND across facets.

    Every filter is always present and switched off by a parameter when unused, so that the
    statement has the same shape for every query and SQLAlchemy compiles it only once.
    """

    def switch(name: str, active: bool, cond: ColumnElement[bool]) -> ColumnElement[bool]:
        return or_(bindparam(f"{name}_off", not active, type_=Boolean), cond)

    def mask(name: str, value: int) -> Any:
        return bindparam(f"{name}_bits", value, type_=BigInteger)

    conds: dict[str, ColumnElement[bool]] = {}
    for name, chosen in (("country", query.country), ("kind", query.kind),
                         ("seeking", query.seeking), ("stage", query.stage)):
        wanted = facets.bits(name, chosen)
        conds[name] = switch(name, bool(chosen), _has_bits(o.facet_mask, mask(name, wanted)))
    # An unknown focus-area slug contributes no bit, so it matches nothing.
    wanted = facets.focus_mask(area_bits[s] for s in query.focus_area if s in area_bits)
    conds["focus_area"] = switch("focus_area", bool(query.focus_area),
                                 _has_bits(o.focus_mask, mask("focus_area", wanted)))
    trl_active = query.trl_min is not None or query.trl_max is not None
    conds["trl"] = switch("trl", trl_active, o.max_trl.between(
        bindparam("trl_min", query.trl_min or 1), bindparam("trl_max", query.trl_max or 9)))
    return conds


SORT_KEYS = {
    Sort.RELEVANCE: ("rank", "name", "id"),
    Sort.NEWEST: ("created_at", "id"),
    Sort.UPDATED: ("updated_at", "id"),
    Sort.TRL: ("max_trl", "name", "id"),
    Sort.NAME: ("name", "id"),
}


def _order(cols: Any, sort: Sort) -> list[Any]:
    if sort is Sort.RELEVANCE:
        return [cols.rank.desc(), cols.name, cols.id]
    if sort is Sort.NEWEST:
        return [cols.created_at.desc(), cols.id.desc()]
    if sort is Sort.UPDATED:
        return [cols.updated_at.desc(), cols.id.desc()]
    if sort is Sort.TRL:
        return [cols.max_trl.desc().nulls_last(), cols.name, cols.id]
    return [cols.name, cols.id]


def search_orgs(
    *, session: Session, query: OrgQuery, with_facets: bool = True
) -> SearchResult:
    """Return one page of matching organisations, the total, and facet counts.

    Facets are disjunctive: each facet's counts apply every filter but its own. The total
    and all counts come from one aggregate pass over the text matches (or the directory).
    """
    areas = [(slug, name, bit) for slug, name, bit in session.execute(
        select(FocusArea.slug, FocusArea.name, FocusArea.bit).order_by(FocusArea.name))]
    sort = query.effective_sort
    matches = _matches(session, query.q, ranked=sort is Sort.RELEVANCE)
    source: Any = matches if matches is not None else Organisation.__table__
    cols = source.c
    filters = _filters(cols, query, {slug: bit for slug, _, bit in areas})

    options = _facet_options(cols, areas) if with_facets else {}
    aggregates: list[Any] = [func.count().filter(and_(true(), *filters.values()))]
    for name, values in options.items():
        others = [c for k, c in filters.items() if k != name]
        aggregates += [func.count().filter(and_(cond, *others)) for _, _, cond in values]
    counts = (
        select(*(agg.label(f"c{i}") for i, agg in enumerate(aggregates)))
        .select_from(source)
        .cte("counts")
    )
    order = _order(cols, sort)
    page_size = max(1, min(query.page_size, MAX_PAGE_SIZE))
    sort_columns = {c.name: c for c in cols if c.name in SORT_KEYS[sort]}
    page = (
        select(*sort_columns.values())
        .where(*filters.values())
        .order_by(*order)
        .offset((max(query.page, 1) - 1) * page_size)
        .limit(page_size)
        .cte("page")
    )
    # One statement, so the text is matched once for the counts and the page together.
    rows = session.execute(
        select(page.c.id, *counts.c)
        .select_from(counts.outerjoin(page, true()))
        .order_by(*_order(page.c, sort))
    ).all()
    ids = [r[0] for r in rows if r[0] is not None]
    row = rows[0][1:]
    total = int(row[0])
    facets: dict[str, list[tuple[str, str, int]]] = {}
    position = 1
    for name, values in options.items():
        facets[name] = [(v, label, int(row[position + i])) for i, (v, label, _) in
                        enumerate(values)]
        position += len(values)
    if "focus_area" in facets:
        facets["focus_area"].sort(key=lambda item: (-item[2], item[1]))
    loaded = {
        org.id: org
        for org in session.scalars(
            select(Organisation).where(Organisation.id.in_(ids)).options(
                selectinload(Organisation.focus_areas), selectinload(Organisation.seeking_links)
            )
        )
    }
    return SearchResult(items=[loaded[i] for i in ids if i in loaded], total=total,
                        facets=facets)
