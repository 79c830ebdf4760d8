"""The date range a dashboard covers, and the SQL that buckets timestamps by month."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func
from sqlalchemy.orm import InstrumentedAttribute, Session

from indusx.errors import Invalid

MAX_MONTHS = 120
# A timestamp column, mapped or computed.
Column = ColumnElement[Any] | InstrumentedAttribute[Any]


@dataclass(frozen=True, slots=True)
class Period:
    """From `start` to `end`, both days included."""

    start: date
    end: date

    @property
    def start_at(self) -> datetime:
        """Return the first instant of the range (UTC)."""
        return datetime.combine(self.start, time.min, tzinfo=UTC)

    @property
    def end_before(self) -> datetime:
        """Return the first instant after the range (UTC)."""
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=UTC)

    def months(self) -> list[str]:
        """Return the months the range touches, as YYYY-MM."""
        year, month = self.start.year, self.start.month
        out = []
        while (year, month) <= (self.end.year, self.end.month):
            out.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out

    def label(self) -> str:
        """Return the range in words, e.g. "1 Jan 2026 to 30 Nov 2026"."""
        return f"{_day(self.start)} to {_day(self.end)}"


def _day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


def default_period(today: date | None = None) -> Period:
    """Return the last twelve months: from the first of the month eleven months ago to today."""
    today = today or datetime.now(UTC).date()
    year, month = today.year, today.month - 11
    if month < 1:
        year, month = year - 1, month + 12
    return Period(date(year, month, 1), today)


def parse_period(start: str | None, end: str | None, today: date | None = None) -> Period:
    """Return the range from ISO dates (either may be blank: the default fills it in)."""
    fallback = default_period(today)
    start_on = _parse("from", start) or fallback.start
    end_on = _parse("to", end) or fallback.end
    if start_on > end_on:
        raise Invalid.field("from", "must be on or before the 'to' date")
    period = Period(start_on, end_on)
    if len(period.months()) > MAX_MONTHS:
        raise Invalid.field("from", f"the range may span at most {MAX_MONTHS // 12} years")
    return period


def _parse(name: str, text: str | None) -> date | None:
    if text is None or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise Invalid.field(name, "is not a date in the form YYYY-MM-DD") from None


def month_of(session: Session, column: Column) -> ColumnElement[str]:
    """Return SQL for the UTC month (YYYY-MM) of a timestamp column, for GROUP BY."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM")
    # SQLite keeps UTC timestamps as ISO text.
    return func.strftime("%Y-%m", column)


def days_between(session: Session, later: Column, earlier: Column) -> ColumnElement[Any]:
    """Return SQL for the days (fractional) from one timestamp to another."""
    if session.get_bind().dialect.name == "postgresql":
        return func.date_part("epoch", later - earlier) / 86400.0
    return func.julianday(later) - func.julianday(earlier)
