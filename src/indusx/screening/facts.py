"""What a caller may tell about a name to screen: its country and birth date, checked."""

import re

from indusx.screening.lists.countries import to_iso2

_BIRTH = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


def parse_country(value: str | None) -> str | None:
    """Return an ISO-2 code for an ISO code or an English country name; raise if unknown."""
    if value is None or not value.strip():
        return None
    code = to_iso2(value.strip())
    if code is None:
        raise ValueError(f"'{value}' is not an ISO country code or an English country name")
    return code


def parse_birth_date(value: str | None) -> str | None:
    """Return a birth date as YYYY, YYYY-MM or YYYY-MM-DD; raise if it is neither."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if not _BIRTH.fullmatch(value):
        raise ValueError(f"'{value}' is not a year (1960) or a date (1960-05-31)")
    return value
