"""Read a simple CSV list with a header row: one party per row, columns found by name.

Written for the shapes of the DoD Section 1260H list (Name, Clean Name, Alias, Previous Name,
Parent Name, Note, Start date, End date, Source Url), the special-legislation lists such as
Section 1286 (schema, name, aliases, topics, program, authority, reason, report-date,
start-date, end-date, country, notes, source_url), the PRC counter-sanctions list (Type, QID,
Name, Alias, Chinese name, Country, ...) and BIS's MIEU list. Header names match
case-insensitively; a column this reader does not know is kept in `extra` under its name.
"""

import hashlib
import re
from pathlib import Path

from indusx.screening.engine.types import EntityType
from indusx.screening.lists.countries import to_iso2
from indusx.screening.lists.dates import normalise_date
from indusx.screening.lists.drafts import Draft
from indusx.screening.lists.entry import Address, ListEntry, ListFormatError
from indusx.screening.lists.reading import csv_records, read_text, report

_NAME = ("clean name", "name")
_ALIASES = {"alias": "aka", "aliases": "aka", "previous name": "fka", "chinese name": "aka"}
_TYPE = ("schema", "type")
_COUNTRY = ("country", "countries")
_PROGRAM = ("program", "programs", "list")
_LISTED_ON = ("start-date", "start date", "report-date", "date")
_END = ("end-date", "end date")
_REMARKS = ("notes", "note", "reason", "summary", "chinese summary")
_ID = ("id", "qid")
_EXTRA_NAMES = {"source url": "source_url", "source_url": "source_url"}
_KNOWN = {
    *_NAME,
    *_ALIASES,
    *_TYPE,
    *_COUNTRY,
    *_PROGRAM,
    *_LISTED_ON,
    *_END,
    *_REMARKS,
    *_ID,
    "address",
}

_TYPES = {
    "person": EntityType.PERSON,
    "individual": EntityType.PERSON,
    "company": EntityType.ENTITY,
    "organization": EntityType.ENTITY,
    "organisation": EntityType.ENTITY,
    "legalentity": EntityType.ENTITY,
    "legal entity": EntityType.ENTITY,
    "entity": EntityType.ENTITY,
    "publicbody": EntityType.ENTITY,
    "vessel": EntityType.VESSEL,
    "airplane": EntityType.AIRCRAFT,
    "aircraft": EntityType.AIRCRAFT,
}
_DECORATION = "*. \t"


def name_key(name: str) -> str:
    """Return the stable entry id of a list party known only by name ("n:" + 16 hex)."""
    folded = " ".join(name.casefold().split())
    return "n:" + hashlib.sha1(folded.encode("utf-8")).hexdigest()[:16]


def split_values(value: str) -> list[str]:
    """Return the non-blank values of a ";"-separated cell."""
    return [v.strip() for v in value.split(";") if v.strip()]


def trailing_parenthetical(raw: str) -> tuple[str, str | None]:
    """Split "Acme Co. (ACME)*" into ("Acme Co.", "ACME"); a name without one gives None."""
    text = raw.rstrip(_DECORATION)
    if not text.endswith((")", "]")):
        return text, None
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        if text[i] in ")]":
            depth += 1
        elif text[i] in "([":
            depth -= 1
            if depth == 0:
                return text[:i].rstrip(), text[i + 1 : -1].strip() or None
    return text, None


def _snake(header: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", header).strip("_")


def _first(row: dict[str, str], keys: tuple[str, ...]) -> str:
    for key in keys:
        value = row.get(key, "").strip()
        if value:
            return value
    return ""


def _draft_from_row(row: dict[str, str], *, source: str, line: int) -> Draft | None:
    name = " ".join(_first(row, _NAME).split())
    if not name:
        return None
    entry_id = _first(row, _ID) or name_key(name)
    kind = _first(row, _TYPE)
    draft = Draft(
        entry_id=entry_id,
        name=name,
        entity_type=_TYPES.get(kind.casefold()),
        source=source,
        line=line,
    )
    if kind and draft.entity_type is None:
        draft.add_extra("type", kind)
    raw = row.get("name", "").strip()
    if "clean name" in row and raw and raw != name:
        _, inner = trailing_parenthetical(raw)
        if inner and inner.casefold() not in name.casefold():
            if inner.casefold().startswith("formerly "):
                former, acronym = trailing_parenthetical(inner[len("formerly ") :])
                draft.add_alias(former, "fka")
                draft.add_alias(acronym or "", "fka")
            else:
                draft.add_alias(inner)
        draft.add_extra("listed_name", raw)
    for column, alias_kind in _ALIASES.items():
        for alias in split_values(row.get(column, "")):
            draft.add_alias(alias, alias_kind)
    for column in _COUNTRY:
        for country in split_values(row.get(column, "")):
            code = to_iso2(country)
            draft.add_country(code)
            if code is None:
                draft.add_extra("country", country)
    for column in _PROGRAM:
        for program in split_values(row.get(column, "")):
            draft.add_program(program)
    for column in _LISTED_ON:
        value = row.get(column, "").strip()
        if value and draft.listed_on is None:
            draft.listed_on = normalise_date(value)
        if value and normalise_date(value) is None:
            draft.add_extra(_snake(column), value)
    for column in _END:
        value = row.get(column, "").strip()
        if value:
            draft.end_date = draft.end_date or normalise_date(value)
            if normalise_date(value) is None:
                draft.add_extra(_snake(column), value)
    for column in _REMARKS:
        draft.add_remarks(row.get(column))
    address = row.get("address", "").strip()
    if address:
        draft.add_address(Address(text=address))
    for column, value in row.items():
        if column not in _KNOWN:
            draft.add_extra(_EXTRA_NAMES.get(column, _snake(column)), value)
    return draft


def _merge(first: Draft, later: Draft) -> None:
    """Fold a later row for the same party into the first one (see `read_simple_csv`)."""
    first.add_alias(later.name)
    for alias in later.aliases:
        first.add_alias(alias.name, alias.kind, weak=alias.weak)
    for program in later.programs:
        first.add_program(program)
    for address in later.addresses:
        first.add_address(address)
    for country in later.countries:
        first.add_country(country)
    first.add_birth_dates(tuple(later.birth_dates))
    if later.listed_on and (first.listed_on is None or later.listed_on < first.listed_on):
        first.listed_on = later.listed_on
    # Still listed if any of its rows is; otherwise it left the list on its latest end date.
    if first.end_date is None or later.end_date is None:
        first.end_date = None
    else:
        first.end_date = max(first.end_date, later.end_date)
    first.add_remarks(later.remarks)
    for key, value in later.extra.items():
        first.add_extra(key, value)
    if first.entity_type is None:
        first.entity_type = later.entity_type


def read_simple_csv(
    path: Path, *, source: str, skipped: list[ListFormatError] | None = None
) -> list[ListEntry]:
    """Return one entry per party of a simple CSV list, in the order each first appears.

    The entry id is the row's `id` or `QID` when it has one, else `name_key(name)`, so that a
    re-import of the same list yields the same ids. Rows with the same id are merged, because
    these lists repeat a party once per year or notice that names it: aliases, programmes,
    countries, addresses and remarks are united (a differing name becomes an alias), `listed_on`
    is the earliest date, `end_date` stays empty while any row is open-ended and is otherwise
    the latest, and `extra` keeps every distinct value joined by "; ".

    A row without a name or with the wrong number of cells raises ListFormatError; with a
    `skipped` list the error is recorded there and the row left out instead.
    """
    records = csv_records(path, read_text(path))
    first = next(records, None)
    if first is None:
        raise ListFormatError(str(path), None, "the file is empty")
    header_line, header = first
    columns = [" ".join(h.strip().casefold().split()) for h in header]
    if not any(c in columns for c in _NAME):
        raise ListFormatError(
            str(path), header_line, "no name column (expected 'name' or 'Clean Name')"
        )
    drafts: dict[str, Draft] = {}
    for line, fields in records:
        if len(fields) != len(columns):
            message = f"expected {len(columns)} columns, found {len(fields)}"
            report(ListFormatError(str(path), line, message), skipped)
            continue
        draft = _draft_from_row(dict(zip(columns, fields, strict=True)), source=source, line=line)
        if draft is None:
            report(ListFormatError(str(path), line, "the row has no name"), skipped)
            continue
        known = drafts.get(draft.entry_id)
        if known is None:
            drafts[draft.entry_id] = draft
        else:
            _merge(known, draft)
    return [draft.freeze() for draft in drafts.values()]
