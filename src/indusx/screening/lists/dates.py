"""Dates as lists write them, normalised to "YYYY", "YYYY-MM" or "YYYY-MM-DD"."""

import re
from datetime import date

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
# The widest birth-year range spelled out year by year; wider ones keep their two ends.
_MAX_RANGE_YEARS = 20

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[t ][\d:.]+(?:z|[+-]\d\d:?\d\d)?)?")
_ISO_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_YEAR = re.compile(r"(\d{4})")
_SLASHED_YMD = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})")
_DOTTED_DMY = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})\s+([a-z]+)\.?,?\s+(\d{4})")
_MONTH_DAY_YEAR = re.compile(r"([a-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})")
_MONTH_YEAR = re.compile(r"([a-z]+)\.?,?\s+(\d{4})")
_YEAR_SPAN = re.compile(r"(\d{4})\s*[-/]\s*(\d{4})")
_RANGE = re.compile(r"(.+?)\s+(?:to|-|\u2013)\s+(.+)")
_CIRCA = re.compile(r"^(?:circa|ca\.?|c\.|approx(?:imately|\.)?|about)\s*", re.IGNORECASE)


def _format(year: int, month: int | None = None, day: int | None = None) -> str | None:
    if not 1000 <= year <= 2999:
        return None
    if month is None:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _two_digit_year(text: str) -> int:
    year = int(text)
    if len(text) == 4:
        return year
    # Lists that abbreviate years (13.07.23) do so for this century's designations.
    return 2000 + year if year < 70 else 1900 + year


def normalise_date(value: str | None) -> str | None:
    """Return the date as "YYYY", "YYYY-MM" or "YYYY-MM-DD", or None when it is not one."""
    text = " ".join((value or "").split()).strip(" .;,").casefold()
    if not text:
        return None
    if m := _ISO.fullmatch(text):
        return _format(int(m[1]), int(m[2]), int(m[3]))
    if m := _ISO_MONTH.fullmatch(text):
        return _format(int(m[1]), int(m[2]))
    if m := _YEAR.fullmatch(text):
        return _format(int(m[1]))
    if m := _SLASHED_YMD.fullmatch(text):
        return _format(int(m[1]), int(m[2]), int(m[3]))
    if m := _DOTTED_DMY.fullmatch(text):
        return _format(_two_digit_year(m[3]), int(m[2]), int(m[1]))
    if (m := _DAY_MONTH_YEAR.fullmatch(text)) and m[2] in _MONTHS:
        return _format(int(m[3]), _MONTHS[m[2]], int(m[1]))
    if (m := _MONTH_DAY_YEAR.fullmatch(text)) and m[1] in _MONTHS:
        return _format(int(m[3]), _MONTHS[m[1]], int(m[2]))
    if (m := _MONTH_YEAR.fullmatch(text)) and m[1] in _MONTHS:
        return _format(int(m[2]), _MONTHS[m[1]])
    return None


def year_range(first: int, last: int) -> tuple[str, ...]:
    """Return the years from `first` to `last` (either order); only the ends when very wide."""
    low, high = sorted((first, last))
    if high - low > _MAX_RANGE_YEARS:
        return tuple(y for y in (_format(low), _format(high)) if y)
    return tuple(y for y in (_format(year) for year in range(low, high + 1)) if y)


def birth_dates(value: str | None) -> tuple[str, ...]:
    """Return the dates a birth-date text allows: "circa 1960" is 1960, "1958 to 1960" each year.

    A range of two different dates becomes the years it spans (a screening date then matches
    any of them); a range whose ends are the same date is that date. Unreadable text gives ().
    """
    text = _CIRCA.sub("", " ".join((value or "").split())).strip(" .;,")
    if not text:
        return ()
    if single := normalise_date(text):
        return (single,)
    if m := _YEAR_SPAN.fullmatch(text):
        return year_range(int(m[1]), int(m[2]))
    if m := _RANGE.fullmatch(text):
        start = normalise_date(_CIRCA.sub("", m[1]))
        end = normalise_date(_CIRCA.sub("", m[2]))
        if start and end:
            if start == end:
                return (start,)
            return year_range(int(start[:4]), int(end[:4]))
        return tuple(d for d in (start, end) if d)
    return ()
