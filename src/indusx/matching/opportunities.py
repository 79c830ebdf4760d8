"""The opportunity map: per focus area, where the two ecosystems complement each other.

For each focus area and country the map counts
- *capable* organisations: a prime, large company or test facility, or anyone with an
  offering at TRL 6 or above (demonstrated in a relevant environment);
- *seeking* organisations: those that state they seek a co-development, co-production or
  research partner, or test facilities;
- *partnerships*: accepted introductions between organisations that both work in the area,
  and *pending* introductions.
Capability on one side meeting needs on the other is the complementarity
(min(seeking in India, capable in the US) + min(seeking in the US, capable in India));
an area where one side seeks and the other side has no capable organisation is a gap.
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import asdict, dataclass

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from indusx.matching.models import Introduction, IntroductionStatus
from indusx.orgs import facets
from indusx.orgs.models import FocusArea, Organisation, org_focus_area
from indusx.orgs.taxonomy import Country, OrgKind, Seeking

CAPABLE_KINDS = (OrgKind.PRIME, OrgKind.LARGE_COMPANY, OrgKind.TEST_FACILITY)
CAPABLE_TRL = 6
NEED_SEEKING = (Seeking.CO_DEVELOPMENT, Seeking.CO_PRODUCTION, Seeking.RESEARCH_PARTNER,
                Seeking.TEST_FACILITIES)


@dataclass(frozen=True, slots=True)
class AreaOpportunity:
    slug: str
    name: str
    capable_in: int
    capable_us: int
    seeking_in: int
    seeking_us: int
    partnerships: int
    pending: int
    complementarity: int
    status: str  # "gap", "complementary", "thin" or "quiet"
    note: str


def _status(row: dict[str, int]) -> tuple[str, str]:
    gaps = []
    if row["seeking_in"] and not row["capable_us"]:
        gaps.append(f"{row['seeking_in']} in India seek partners and no US organisation "
                    "is capable")
    if row["seeking_us"] and not row["capable_in"]:
        gaps.append(f"{row['seeking_us']} in the US seek partners and no Indian organisation "
                    "is capable")
    if gaps:
        return "gap", "; ".join(gaps) + "."
    if row["complementarity"] >= 3:
        return "complementary", (
            f"Needs on one side meet capability on the other ({row['complementarity']} "
            f"possible pairings); {row['partnerships']} partnership(s) so far."
        )
    if row["complementarity"]:
        return "thin", f"Few pairings possible ({row['complementarity']})."
    return "quiet", "No stated needs in this area yet."


def opportunity_map(*, session: Session) -> list[AreaOpportunity]:
    """Return one row per focus area, in the taxonomy's order of names."""
    capable = or_(Organisation.kind.in_(CAPABLE_KINDS), Organisation.max_trl >= CAPABLE_TRL)
    need_bits = facets.bits("seeking", NEED_SEEKING)
    seeking = Organisation.facet_mask.op("&")(need_bits) != 0

    def count(country: Country, condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case(
            (and_(Organisation.country == country, condition), 1), else_=0)), 0)

    counts = {
        row.slug: row._asdict()
        for row in session.execute(
            select(
                FocusArea.slug,
                count(Country.IN, capable).label("capable_in"),
                count(Country.US, capable).label("capable_us"),
                count(Country.IN, seeking).label("seeking_in"),
                count(Country.US, seeking).label("seeking_us"),
            )
            .join(org_focus_area, org_focus_area.c.focus_area_id == FocusArea.id)
            .join(Organisation, Organisation.id == org_focus_area.c.org_id)
            .group_by(FocusArea.slug)
        )
    }
    links = _introductions_by_area(session)
    out = []
    for area in session.scalars(select(FocusArea).order_by(FocusArea.name)):
        row = {k: int(v) for k, v in counts.get(area.slug, {}).items() if k != "slug"}
        for key in ("capable_in", "capable_us", "seeking_in", "seeking_us"):
            row.setdefault(key, 0)
        row["partnerships"], row["pending"] = links.get(area.slug, (0, 0))
        row["complementarity"] = (min(row["seeking_in"], row["capable_us"])
                                  + min(row["seeking_us"], row["capable_in"]))
        status, note = _status(row)
        out.append(AreaOpportunity(slug=area.slug, name=area.name, status=status, note=note,
                                   **row))
    return out


def _introductions_by_area(session: Session) -> dict[str, tuple[int, int]]:
    """Return, per area, accepted and pending introductions whose two sides share it."""
    a, b = aliased(org_focus_area), aliased(org_focus_area)
    rows = session.execute(
        select(
            FocusArea.slug,
            func.sum(case((Introduction.status == IntroductionStatus.ACCEPTED, 1), else_=0)),
            func.sum(case((Introduction.status == IntroductionStatus.PENDING, 1), else_=0)),
        )
        .select_from(Introduction)
        .join(a, a.c.org_id == Introduction.from_org_id)
        .join(b, and_(b.c.org_id == Introduction.to_org_id,
                      b.c.focus_area_id == a.c.focus_area_id))
        .join(FocusArea, FocusArea.id == a.c.focus_area_id)
        .group_by(FocusArea.slug)
    )
    return {slug: (int(acc or 0), int(pend or 0)) for slug, acc, pend in rows}


CSV_FIELDS = list(AreaOpportunity.__dataclass_fields__)


def to_csv(rows: list[AreaOpportunity]) -> Iterator[str]:
    """Yield the map as CSV, header first."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS)
    writer.writeheader()
    for row in rows:
        writer.writerow(asdict(row))
    yield buffer.getvalue()
