"""Formats of organisation identifiers and export-control classifications."""

import re

from indusx.orgs.taxonomy import Country

# (field, label, country, pattern, example)
IDENTIFIERS: dict[str, tuple[str, Country, re.Pattern[str], str]] = {
    "uei": ("SAM Unique Entity ID (UEI)", Country.US,
            re.compile(r"[A-HJ-NP-Z1-9][A-HJ-NP-Z0-9]{11}"), "J7M9HPTGJ1S9"),
    "cage": ("CAGE code", Country.US, re.compile(r"[0-9A-HJ-NP-Z]{5}"), "1ABC2"),
    "cin": ("Corporate Identification Number (CIN)", Country.IN,
            re.compile(r"[LU]\d{5}[A-Z]{2}\d{4}[A-Z]{3}\d{6}"), "U72900KA2015PTC012345"),
    "udyam": ("Udyam registration number", Country.IN,
              re.compile(r"UDYAM-[A-Z]{2}-\d{2}-\d{7}"), "UDYAM-KR-03-0012345"),
    "dpiit": ("DPIIT start-up recognition number", Country.IN,
              re.compile(r"DIPP\d{3,7}"), "DIPP12345"),
}


def identifier_problem(field: str, value: str, country: Country) -> str | None:
    """Return why an identifier is invalid for an organisation of this country, or None."""
    _label, id_country, pattern, example = IDENTIFIERS[field]
    if id_country is not country:
        where = "India" if id_country is Country.IN else "the United States"
        return f"applies only to organisations in {where}"
    if not pattern.fullmatch(value):
        return f"is not in the expected form (for example {example})"
    return None


def normalise_identifier(value: str | None) -> str | None:
    """Return an identifier trimmed and upper-cased, or None when blank."""
    if value is None:
        return None
    value = value.strip().upper()
    return value or None


_ROMAN = "I|II|III|IV|V|VI|VII|VIII|IX|X|XI|XII|XIII|XIV|XV|XVI|XVII|XVIII|XIX|XX|XXI"
_EXPORT_FORMS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"EAR ?99", re.I), "EAR99"),
    (re.compile(r"(?:ECCN\s*)?(\d[A-E]\d{3}(?:\.[A-Za-z0-9.]+)?)", re.I), "ECCN {0}"),
    (re.compile(rf"(?:USML\s*)?(?:CAT(?:EGORY)?\.?\s*)({_ROMAN})", re.I), "USML Cat. {0}"),
    (re.compile(r"SCOMET\s*(?:CAT(?:EGORY)?\.?\s*)?([0-8][A-Z]?\d{0,3})", re.I), "SCOMET {0}"),
    (re.compile(r"NOT CONTROLLED|NLR|NO LICEN[CS]E REQUIRED", re.I), "Not controlled"),
]
EXPORT_CONTROL_HELP = (
    "use EAR99, an ECCN such as 5A991 or 0A606, a USML category such as Cat. XI, "
    "a SCOMET category such as 6A or 8A, 'Not controlled', or leave blank when unknown"
)


def normalise_export_control(value: str | None) -> str | None:
    """Return the canonical form of a classification, None when unknown; raise if malformed."""
    if value is None or not value.strip() or value.strip().lower() == "unknown":
        return None
    text = value.strip()
    for pattern, form in _EXPORT_FORMS:
        match = pattern.fullmatch(text)
        if match:
            groups = [g.upper() for g in match.groups()]
            if form.startswith("ECCN") and "." in groups[0]:
                head, _, tail = match.group(1).partition(".")
                groups = [f"{head.upper()}.{tail.lower()}"]
            return form.format(*groups)
    raise ValueError(EXPORT_CONTROL_HELP)
