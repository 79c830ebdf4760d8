"""The ecosystem: organisations by country, kind and focus area, and how the directory grew."""

from collections import defaultdict
from collections.abc import Iterable
from enum import StrEnum

from sqlalchemy import ColumnElement, case, func, literal_column, select
from sqlalchemy.orm import Session

from indusx.dashboards.charts import Chart, ChartKind, Dashboard, Figure, Series, count
from indusx.dashboards.period import Period, month_of
from indusx.orgs import facets
from indusx.orgs.models import FocusArea, Organisation
from indusx.orgs.taxonomy import COUNTRY_LABELS, KIND_LABELS, Country, OrgKind

NAME = "ecosystem"
TITLE = "Ecosystem"
COUNTRIES = (Country.US, Country.IN)


def build(*, session: Session, period: Period) -> Dashboard:
    """Return the ecosystem dashboard for a date range."""
    listed = Organisation.created_at < period.end_before
    # Country, kind and focus areas are read from the derived bit masks the directory keeps
    # for its facets (orgs/facets.py): grouping by them is one index-only scan of
    # ix_organisation_facets, where joining org_focus_area costs a scan of both tables.
    area_bits: dict[str, int] = {
        name: position for name, position in
        session.execute(select(FocusArea.name, FocusArea.bit).order_by(FocusArea.name))
    }
    # One scan for kinds, focus areas and the size before the range: grouped by country and
    # kind (at most 18 groups), with a sum per focus area and one for the earlier joiners.
    key_of = _masked(_mask("country", COUNTRIES) | _mask("kind", OrgKind))
    in_area = [
        func.sum(case((Organisation.focus_mask.op("&")(literal_column(str(1 << b))) != 0, 1),
                      else_=0))
        for b in area_bits.values()
    ]
    earlier = func.sum(case((Organisation.created_at < period.start_at, 1), else_=0))
    by_kind: dict[tuple[OrgKind, Country], int] = {}
    by_bit: dict[tuple[int, Country], int] = defaultdict(int)
    before = 0
    for key, n, n_before, *sums in session.execute(
        select(key_of, func.count(), earlier, *in_area).where(listed).group_by(key_of)
    ):
        kind = next(k for k in OrgKind if key & facets.bit("kind", k))
        by_kind[(kind, _country(key))] = n
        before += int(n_before or 0)
        for position, in_it in zip(area_bits.values(), sums, strict=True):
            by_bit[(position, _country(key))] += int(in_it or 0)
    areas = list(area_bits)
    by_area = {(name, c): by_bit.get((b, c), 0) for name, b in area_bits.items()
               for c in COUNTRIES}
    month = month_of(session, Organisation.created_at)
    country_of = _masked(_mask("country", COUNTRIES))
    joined: dict[tuple[str, Country], int] = {
        (m, _country(key)): n
        for m, key, n in session.execute(
            select(month, country_of, func.count())
            .where(Organisation.created_at >= period.start_at, listed)
            .group_by(month, country_of)
        )
    }
    months = period.months()
    totals: dict[Country, int] = defaultdict(int)
    for (_, country), n in by_kind.items():
        totals[country] += n
    new_total = sum(joined.values())
    running, size = before, []
    for m in months:
        running += sum(joined.get((m, c), 0) for c in COUNTRIES)
        size.append(running)
    total = sum(totals.values())
    kinds = [k for k in OrgKind if any(by_kind.get((k, c)) for c in COUNTRIES)]
    busiest = max(areas, key=lambda a: sum(by_area.get((a, c), 0) for c in COUNTRIES),
                  default="")
    charts = [
        Chart(
            "kinds", "Organisations by kind and country", ChartKind.STACKED, "kind",
            "organisations", [KIND_LABELS[k] for k in kinds],
            [Series(COUNTRY_LABELS[c], [by_kind.get((k, c), 0) for k in kinds])
             for c in COUNTRIES],
            f"{count(total)} organisations at the end of the range: "
            f"{count(totals[Country.US])} in the United States and "
            f"{count(totals[Country.IN])} in India, across {len(kinds)} kinds.",
        ),
        Chart(
            "focus-areas", "Organisations by focus area and country", ChartKind.STACKED,
            "focus area", "organisations", areas,
            [Series(COUNTRY_LABELS[c], [by_area.get((a, c), 0) for a in areas])
             for c in COUNTRIES],
            (f"The busiest focus area is {busiest}, with "
             f"{count(sum(by_area.get((busiest, c), 0) for c in COUNTRIES))} organisations; "
             "an organisation may work in several areas." if busiest and by_area
             else "No organisation names a focus area yet."),
        ),
        Chart(
            "joined", "Organisations joining each month", ChartKind.STACKED, "month",
            "organisations", months,
            [Series(COUNTRY_LABELS[c], [joined.get((m, c), 0) for m in months])
             for c in COUNTRIES],
            f"{count(new_total)} organisations joined in the range.",
        ),
        Chart(
            "growth", "Directory size at the end of each month", ChartKind.LINE, "month",
            "organisations", months, [Series("Organisations", [float(n) for n in size])],
            f"The directory grew from {count(before)} to {count(running)} organisations.",
        ),
    ]
    figures = [
        Figure("Organisations", count(total)),
        Figure("In the United States", count(totals[Country.US])),
        Figure("In India", count(totals[Country.IN])),
        Figure("Joined in the range", count(new_total)),
    ]
    return Dashboard(NAME, TITLE, period, figures, charts,
                     ["Counts include every organisation listed by the end of the range."])


def _mask(group: str, values: Iterable[StrEnum]) -> int:
    return facets.bits(group, values)


def _masked(mask: int) -> ColumnElement[int]:
    # The mask is inlined (a computed integer, not input) so that PostgreSQL sees the same
    # expression in SELECT and GROUP BY.
    return Organisation.facet_mask.op("&")(literal_column(str(int(mask))))


def _country(key: int) -> Country:
    return next(c for c in COUNTRIES if key & facets.bit("country", c))
