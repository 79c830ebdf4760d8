"""Directory search: full text (PostgreSQL tsvector or SQLite FTS5), facets with counts.

Facets are disjunctive: the counts of one facet apply every filter except its own, so a
user can widen a selection within a facet and see what each choice would add.
"""

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    case,
    func,
    literal_column,
    select,
    text,
)
from sqlalchemy.orm import Session, selectinload

from indusx.orgs.models import FocusArea, Organisation, OrgSeeking, org_focus_area
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
    "a an and are as at be by for from in into is it of on or the to with".split()
)
TRL_BANDS = (("1-3", 1, 3), ("4-6", 4, 6), ("7-9", 7, 9))


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


def _prefix_last(q: str) -> bool:
    # Type-ahead: the last word is a prefix unless the user finished it with a space.
    return bool(q) and not q[-1].isspace()


def _ranked_matches(session: Session, q: str) -> Select[Any]:
    """Return a select of (id, rank) for organisations matching q; higher rank is better."""
    words = terms(q)
    prefix = _prefix_last(q)
    if session.get_bind().dialect.name == "postgresql":
        parts = [f"{w}:*" if prefix and i == len(words) - 1 else w for i, w in enumerate(words)]
        tsq = func.to_tsquery("english", " & ".join(parts))
        vector = literal_column("organisation.search_vector")
        return select(
            Organisation.id.label("id"), func.ts_rank_cd(vector, tsq).label("rank")
        ).where(vector.op("@@")(tsq))
    parts = [f'"{w}"*' if prefix and i == len(words) - 1 else f'"{w}"' for i, w in enumerate(words)]
    return (
        select(
            literal_column("organisation_fts.rowid").label("id"),
            (-literal_column("bm25(organisation_fts, 10.0, 1.0)")).label("rank"),
        )
        .select_from(text("organisation_fts"))
        .where(text("organisation_fts MATCH :fts_query").bindparams(fts_query=" AND ".join(parts)))
    )


def _conditions(session: Session, query: OrgQuery) -> dict[str, ColumnElement[bool]]:
    conds: dict[str, ColumnElement[bool]] = {}
    if terms(query.q):
        matches = _ranked_matches(session, query.q)
        conds["q"] = Organisation.id.in_(matches.with_only_columns(matches.selected_columns[0]))
    if query.country:
        conds["country"] = Organisation.country.in_(query.country)
    if query.kind:
        conds["kind"] = Organisation.kind.in_(query.kind)
    if query.stage:
        conds["stage"] = Organisation.funding_stage.in_(query.stage)
    if query.focus_area:
        conds["focus_area"] = Organisation.id.in_(
            select(org_focus_area.c.org_id)
            .join(FocusArea, FocusArea.id == org_focus_area.c.focus_area_id)
            .where(FocusArea.slug.in_(query.focus_area))
        )
    if query.seeking:
        conds["seeking"] = Organisation.id.in_(
            select(OrgSeeking.org_id).where(OrgSeeking.seeking.in_(query.seeking))
        )
    if query.trl_min is not None or query.trl_max is not None:
        lo, hi = query.trl_min or 1, query.trl_max or 9
        conds["trl"] = Organisation.max_trl.between(lo, hi)
    return conds


def _except(conds: dict[str, ColumnElement[bool]], name: str) -> list[ColumnElement[bool]]:
    return [c for k, c in conds.items() if k != name]


def _facets(
    session: Session, conds: dict[str, ColumnElement[bool]]
) -> dict[str, list[tuple[str, str, int]]]:
    facets: dict[str, list[tuple[str, str, int]]] = {}

    def grouped(column: Any, name: str, *, join: Any = None) -> dict[str, int]:
        stmt = select(column, func.count()).select_from(Organisation)
        if join is not None:
            stmt = stmt.join(*join)
        stmt = stmt.where(*_except(conds, name), column.is_not(None)).group_by(column)
        return {str(getattr(v, "value", v)): n for v, n in session.execute(stmt).all()}

    counts = grouped(Organisation.country, "country")
    facets["country"] = [(c.value, COUNTRY_LABELS[c], counts.get(c.value, 0)) for c in Country]
    counts = grouped(Organisation.kind, "kind")
    facets["kind"] = [(k.value, KIND_LABELS[k], counts.get(k.value, 0)) for k in OrgKind]
    counts = grouped(
        org_focus_area.c.focus_area_id, "focus_area",
        join=(org_focus_area, org_focus_area.c.org_id == Organisation.id),
    )
    areas = session.execute(select(FocusArea.id, FocusArea.slug, FocusArea.name)).all()
    facets["focus_area"] = sorted(
        ((slug, name, counts.get(str(fid), 0)) for fid, slug, name in areas),
        key=lambda row: (-row[2], row[1]),
    )
    counts = grouped(
        OrgSeeking.seeking, "seeking", join=(OrgSeeking, OrgSeeking.org_id == Organisation.id)
    )
    facets["seeking"] = [(s.value, SEEKING_LABELS[s], counts.get(s.value, 0)) for s in Seeking]
    counts = grouped(Organisation.funding_stage, "stage")
    facets["stage"] = [
        (s.value, STAGE_LABELS[s], counts.get(s.value, 0)) for s in FundingStage
    ]
    band = case(
        *((Organisation.max_trl <= hi, label) for label, _lo, hi in TRL_BANDS[:-1]),
        else_=TRL_BANDS[-1][0],
    )
    counts = grouped(band, "trl")
    facets["trl"] = [(label, f"TRL {label}", counts.get(label, 0)) for label, _, _ in TRL_BANDS]
    return facets


def search_orgs(
    *, session: Session, query: OrgQuery, with_facets: bool = True
) -> SearchResult:
    """Return one page of matching organisations, the total, and facet counts."""
    conds = _conditions(session, query)
    where = list(conds.values())
    total = session.scalar(select(func.count()).select_from(Organisation).where(*where)) or 0
    stmt = select(Organisation).where(*where)
    sort = query.effective_sort
    if sort is Sort.RELEVANCE:
        ranked = _ranked_matches(session, query.q).subquery()
        stmt = stmt.join(ranked, ranked.c.id == Organisation.id).order_by(
            ranked.c.rank.desc(), Organisation.name
        )
    elif sort is Sort.NAME:
        stmt = stmt.order_by(Organisation.name, Organisation.id)
    elif sort is Sort.NEWEST:
        stmt = stmt.order_by(Organisation.created_at.desc(), Organisation.id.desc())
    elif sort is Sort.UPDATED:
        stmt = stmt.order_by(Organisation.updated_at.desc(), Organisation.id.desc())
    else:
        stmt = stmt.order_by(Organisation.max_trl.desc().nulls_last(), Organisation.name)
    page_size = max(1, min(query.page_size, MAX_PAGE_SIZE))
    stmt = (
        stmt.options(selectinload(Organisation.focus_areas), selectinload(Organisation.seeking_links))
        .offset((max(query.page, 1) - 1) * page_size)
        .limit(page_size)
    )
    items = list(session.scalars(stmt).all())
    facets = _facets(session, conds) if with_facets else {}
    return SearchResult(items=items, total=total, facets=facets)
