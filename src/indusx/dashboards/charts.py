"""What a dashboard is made of: key figures and charts, each chart a table of numbers that
the page draws, the API returns, the CSV export writes and the PDF report prints."""

import csv
import io
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from indusx.csvcells import safe_cell
from indusx.dashboards.period import Period

# One palette for the pages and the PDF: distinguishable with the common colour-vision
# deficiencies; the pages add patterns, and every chart has its table, so colour is never
# the only signal.
PALETTE = ("#1d4e9e", "#d98c1f", "#138a6e", "#a4459b", "#5fa8d3", "#8c6d1f", "#d1495b",
           "#4b5563", "#7fb800", "#2f2f2f")


class ChartKind(StrEnum):
    BAR = "bar"  # one or more series side by side
    STACKED = "stacked"  # series stacked in each category
    FUNNEL = "funnel"  # one series, each category a step
    LINE = "line"  # categories are months


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: list[float]  # one per category


@dataclass(frozen=True, slots=True)
class Chart:
    key: str
    title: str
    kind: ChartKind
    label: str  # what the categories are, e.g. "country"
    unit: str  # what the values count, e.g. "organisations"
    categories: list[str]
    series: list[Series]
    summary: str  # the chart in a sentence, for those who cannot or would rather not see it

    def rows(self) -> list[list[Any]]:
        """Return one row per category: its label, then each series' value."""
        return [
            [category, *(_number(s.values[i]) for s in self.series)]
            for i, category in enumerate(self.categories)
        ]

    def header(self) -> list[str]:
        """Return the table's column names."""
        return [self.label, *(s.name for s in self.series)]

    def total(self) -> float:
        """Return the sum of every value in the chart."""
        return sum(sum(s.values) for s in self.series)


@dataclass(frozen=True, slots=True)
class Figure:
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Dashboard:
    name: str
    title: str
    period: Period
    figures: list[Figure]
    charts: list[Chart]
    notes: list[str] = field(default_factory=list)  # what the numbers do and do not include

    def chart(self, key: str) -> Chart | None:
        """Return the chart with this key, if any."""
        return next((c for c in self.charts if c.key == key), None)


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 2)


def as_json(dashboard: Dashboard) -> dict[str, Any]:
    """Return the dashboard's numbers as the API's JSON document."""
    return {
        "name": dashboard.name,
        "title": dashboard.title,
        "from": dashboard.period.start.isoformat(),
        "to": dashboard.period.end.isoformat(),
        "figures": [{"label": f.label, "value": f.value} for f in dashboard.figures],
        "notes": dashboard.notes,
        "charts": [
            {
                "key": c.key,
                "title": c.title,
                "kind": c.kind.value,
                "label": c.label,
                "unit": c.unit,
                "summary": c.summary,
                "categories": c.categories,
                "series": [
                    {"name": s.name, "values": [_number(v) for v in s.values]} for s in c.series
                ],
                "columns": c.header(),
                "rows": c.rows(),
            }
            for c in dashboard.charts
        ],
    }


def as_csv(chart: Chart) -> str:
    """Return one chart's numbers as CSV, with formula-like cells neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(v) for v in chart.header()])
    for row in chart.rows():
        writer.writerow([safe_cell(v) for v in row])
    return buffer.getvalue()


def count(value: float) -> str:
    """Return a whole number with thousands separators."""
    return f"{int(value):,}"


def percent(part: float, whole: float) -> str:
    """Return part/whole as a percentage, or "n/a" when there is no whole."""
    return f"{100 * part / whole:.0f}%" if whole else "n/a"


def usd(value: float) -> str:
    """Return a dollar amount in words a reader takes in at a glance ($12.5M)."""
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"${value / size:.1f}{suffix}"
    return f"${value:,.0f}"
