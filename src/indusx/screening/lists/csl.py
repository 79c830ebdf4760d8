"""Read the US Consolidated Screening List (trade.gov) from its JSON or CSV download.

JSON (`consolidated.json`): {"results": [record, ...]} or a bare list of records, each with id,
source, entity_number, type, programs[], name, title, addresses[{address, city, state,
postal_code, country}], federal_register_notice, start_date, end_date, standard_order,
license_requirement, license_policy, call_sign, vessel_type, gross_tonnage,
gross_registered_tonnage, vessel_flag, vessel_owner, remarks, source_list_url,
source_information_url, alt_names[], citizenships[], dates_of_birth[], nationalities[],
places_of_birth[], ids[{type, number, country, issue_date, expiration_date}] and, on some
records, country. CSV (`consolidated.csv`): a header row with `_id` (or `id`) and the same
field names, lists separated by ";" and each address written "street, city, state, postal
code, COUNTRY".
"""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from indusx.screening.engine.types import EntityType
from indusx.screening.lists.countries import to_iso2
from indusx.screening.lists.dates import birth_dates, normalise_date
from indusx.screening.lists.drafts import Draft
from indusx.screening.lists.entry import Address, ListEntry, ListFormatError
from indusx.screening.lists.reading import csv_records, read_text, report

DEFAULT_SOURCE = "Consolidated Screening List"
_TYPES = {
    "individual": EntityType.PERSON,
    "entity": EntityType.ENTITY,
    "vessel": EntityType.VESSEL,
    "aircraft": EntityType.AIRCRAFT,
}
_EXTRA = (
    "title",
    "entity_number",
    "federal_register_notice",
    "standard_order",
    "license_requirement",
    "license_policy",
    "source_list_url",
    "source_information_url",
    "call_sign",
    "vessel_type",
    "gross_tonnage",
    "gross_registered_tonnage",
    "vessel_flag",
    "vessel_owner",
)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _values(value: Any) -> list[Any]:
    """Return the items of a JSON list or of a ";"-separated CSV cell."""
    if value is None:
        return []
    if isinstance(value, list):
        return [v for v in value if v not in (None, "")]
    if isinstance(value, str):
        return [v.strip() for v in value.split(";") if v.strip()]
    return [value]


def _address(value: Any) -> Address:
    if isinstance(value, dict):
        country_name = _text(value.get("country"))
        city = ", ".join(
            p for p in (_text(value.get(k)) for k in ("city", "state", "postal_code")) if p
        )
        return Address(
            text=_text(value.get("address")),
            city=city,
            country=to_iso2(country_name) if country_name else None,
            country_name=country_name,
        )
    text = _text(value)
    head, _, last = text.rpartition(",")
    code = to_iso2(last) if head else None
    if code:
        return Address(text=head.strip(), country=code, country_name=last.strip())
    return Address(text=text)


def _id_text(value: Any) -> str:
    if isinstance(value, dict):
        kind, number = _text(value.get("type")), _text(value.get("number"))
        country = _text(value.get("country"))
        text = f"{kind} {number}".strip()
        return f"{text} ({country})" if country else text
    return _text(value)


def _draft(record: dict[str, Any], line: int | None) -> Draft | str:
    """Return the record as a draft, or why it cannot be one."""
    name = _text(record.get("name"))
    entry_id = _text(record.get("id")) or _text(record.get("_id"))
    entry_id = entry_id or _text(record.get("entity_number"))
    if not name:
        return f"record {entry_id or '?'} has no name"
    if not entry_id:
        return f"record {name!r} has no id, _id or entity_number"
    kind = _text(record.get("type"))
    draft = Draft(
        entry_id=entry_id,
        name=name,
        entity_type=_TYPES.get(kind.casefold()),
        source=_text(record.get("source")) or DEFAULT_SOURCE,
        line=line,
    )
    for program in _values(record.get("programs")):
        draft.add_program(_text(program))
    for alias in _values(record.get("alt_names")):
        draft.add_alias(_text(alias))
    for address in _values(record.get("addresses")):
        draft.add_address(_address(address))
    for key in ("country", "nationalities", "citizenships", "vessel_flag"):
        for country in _values(record.get(key)):
            draft.add_country(to_iso2(_text(country)))
    for place in _values(record.get("places_of_birth")):
        draft.add_extra("place_of_birth", _text(place))
        draft.add_country(to_iso2(_text(place)))
    for value in _values(record.get("dates_of_birth")):
        draft.add_birth_dates(birth_dates(_text(value)))
    draft.listed_on = normalise_date(_text(record.get("start_date")))
    draft.end_date = normalise_date(_text(record.get("end_date")))
    draft.add_remarks(_text(record.get("remarks")))
    for key in _EXTRA:
        draft.add_extra(key, _text(record.get(key)))
    for key in ("nationalities", "citizenships"):
        for value in _values(record.get(key)):
            draft.add_extra(key, _text(value))
    for value in _values(record.get("ids")):
        draft.add_extra("ids", _id_text(value))
    if kind and draft.entity_type is None:
        draft.add_extra("type", kind)
    return draft


def _json_records(path: Path, text: str) -> Iterator[tuple[int | None, Any]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ListFormatError(str(path), exc.lineno, f"not valid JSON: {exc.msg}") from exc
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        data = data["results"]
    if not isinstance(data, list):
        raise ListFormatError(str(path), 1, 'expected {"results": [...]} or a list of records')
    for index, record in enumerate(data):
        # JSON records have no line of their own; say which record instead.
        yield None, (record, index)


def _csv_records(path: Path, text: str) -> Iterator[tuple[int | None, Any]]:
    records = csv_records(path, text)
    first = next(records, None)
    if first is None:
        raise ListFormatError(str(path), None, "the file is empty")
    header_line, header = first
    columns = [h.strip().casefold() for h in header]
    if "name" not in columns or not {"_id", "id", "entity_number"} & set(columns):
        raise ListFormatError(
            str(path), header_line, "not a CSL CSV header (needs name and _id, id or entity_number)"
        )
    for line, fields in records:
        if len(fields) != len(columns):
            yield line, f"expected {len(columns)} columns, found {len(fields)}"
            continue
        yield line, (dict(zip(columns, fields, strict=True)), None)


def read_csl(path: Path, *, skipped: list[ListFormatError] | None = None) -> list[ListEntry]:
    """Return the entries of a CSL JSON or CSV download (told apart by the first character).

    The entry id is the record's `id` (CSV `_id`), else its `entity_number`. A record without a
    name or an id, or with an id seen before, raises ListFormatError; with a `skipped` list
    the error is recorded there and the record left out instead.
    """
    text = read_text(path)
    is_json = text.lstrip()[:1] in ("{", "[")
    rows = _json_records(path, text) if is_json else _csv_records(path, text)
    drafts: dict[str, Draft] = {}
    for line, item in rows:
        if isinstance(item, str):
            report(ListFormatError(str(path), line, item), skipped)
            continue
        record, index = item
        where = f"record {index}: " if index is not None else ""
        if not isinstance(record, dict):
            report(ListFormatError(str(path), line, f"{where}not a JSON object"), skipped)
            continue
        draft = _draft(record, line)
        if isinstance(draft, str):
            report(ListFormatError(str(path), line, where + draft), skipped)
            continue
        if draft.entry_id in drafts:
            message = f"{where}id {draft.entry_id} appears twice"
            report(ListFormatError(str(path), line, message), skipped)
            continue
        drafts[draft.entry_id] = draft
    return [draft.freeze() for draft in drafts.values()]
