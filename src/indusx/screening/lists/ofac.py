"""Read OFAC's SDN list in its CSV form: `sdn.csv`, `alt.csv` and `add.csv`, without headers.

Columns (OFAC's data specification):
    sdn.csv  ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage, GRT,
             Vess_flag, Vess_owner, Remarks
    alt.csv  ent_num, alt_num, alt_type, alt_name, alt_remarks
    add.csv  ent_num, add_num, address, city_state_zip, country, add_remarks
"-0-" (often followed by a space) means empty. Weak aliases are not in `alt.csv`: OFAC writes
them in the Remarks as "a.k.a. 'NAME'" (OFAC FAQ 123), so those become weak aliases here.
"""

import re
from pathlib import Path

from indusx.screening.engine.types import EntityType
from indusx.screening.lists.countries import to_iso2
from indusx.screening.lists.dates import birth_dates
from indusx.screening.lists.drafts import Draft
from indusx.screening.lists.entry import Address, ListEntry, ListFormatError
from indusx.screening.lists.reading import csv_records, read_text, report

SOURCE = "OFAC SDN"
SDN_COLUMNS = 12
ALT_COLUMNS = 5
ADD_COLUMNS = 6

_TYPES = {
    "": EntityType.ENTITY,
    "entity": EntityType.ENTITY,
    "individual": EntityType.PERSON,
    "vessel": EntityType.VESSEL,
    "aircraft": EntityType.AIRCRAFT,
}
_ALIAS_KINDS = {"aka": "aka", "fka": "fka", "nka": "nka"}
# a.k.a. 'ABU-'UMAR'. : the quote that closes the name is the one followed by punctuation or end.
_QUOTED_ALIAS = re.compile(r"\b([afn])\.k\.a\.,?\s*'(.+?)'(?=\s*(?:[.;,)]|$))")
_FACT = re.compile(r"^(?:alt\.\s+)?(DOB|POB|nationality|citizen|Gender)\b:?\s*(.+)$", re.IGNORECASE)
_VESSEL_EXTRA = (
    (4, "title"),
    (5, "call_sign"),
    (6, "vessel_type"),
    (7, "tonnage"),
    (8, "gross_registered_tonnage"),
    (9, "vessel_flag"),
    (10, "vessel_owner"),
)


def _value(field: str) -> str:
    """Return the field without OFAC's "-0-" empty marker and surrounding blanks."""
    text = field.strip()
    return "" if text == "-0-" else text


def parse_programs(value: str) -> tuple[str, ...]:
    """Return programme tags from "[SDGT] [IRGC]" or the CSV's "SDGT] [IRGC" form."""
    text = _value(value)
    return tuple(p for p in (part.strip(" []") for part in re.split(r"\]\s*\[", text)) if p)


def _apply_remarks(draft: Draft, remarks: str) -> None:
    """Take aliases, birth dates, countries and gender out of the Remarks; keep the text."""
    draft.remarks = remarks
    for kind, name in _QUOTED_ALIAS.findall(remarks):
        draft.add_alias(name, f"{kind}ka", weak=True)
    for part in remarks.split(";"):
        match = _FACT.match(part.strip().rstrip("."))
        if not match:
            continue
        key, value = match[1].casefold(), match[2].strip()
        if key == "dob":
            draft.add_birth_dates(birth_dates(value))
        elif key == "pob":
            draft.add_extra("place_of_birth", value)
            draft.add_country(to_iso2(value))
        elif key in ("nationality", "citizen"):
            draft.add_country(to_iso2(value))
            draft.add_extra("nationality" if key == "nationality" else "citizenship", value)
        elif key == "gender":
            draft.add_extra("gender", value)


def _read_sdn(path: Path, skipped: list[ListFormatError] | None) -> dict[str, Draft]:
    drafts: dict[str, Draft] = {}
    for line, fields in csv_records(path, read_text(path)):
        if len(fields) != SDN_COLUMNS:
            report(
                ListFormatError(
                    str(path), line, f"expected {SDN_COLUMNS} columns, found {len(fields)}"
                ),
                skipped,
            )
            continue
        ent_num, name, sdn_type = _value(fields[0]), _value(fields[1]), _value(fields[2])
        problem = None
        if not ent_num.isdigit():
            problem = f"ent_num {ent_num!r} is not a number"
        elif not name:
            problem = f"entry {ent_num} has no name"
        elif sdn_type.casefold() not in _TYPES:
            problem = f"entry {ent_num} has an unknown SDN_Type {sdn_type!r}"
        elif ent_num in drafts:
            problem = f"ent_num {ent_num} appears twice (first at line {drafts[ent_num].line})"
        if problem:
            report(ListFormatError(str(path), line, problem), skipped)
            continue
        draft = Draft(
            entry_id=ent_num,
            name=" ".join(name.split()),
            entity_type=_TYPES[sdn_type.casefold()],
            source=SOURCE,
            line=line,
        )
        for program in parse_programs(fields[3]):
            draft.add_program(program)
        for index, key in _VESSEL_EXTRA:
            draft.add_extra(key, _value(fields[index]))
        flag = _value(fields[9])
        if flag:
            draft.add_country(to_iso2(flag))
        _apply_remarks(draft, _value(fields[11]))
        drafts[ent_num] = draft
    return drafts


def _rows_for_entries(
    path: Path, columns: int, drafts: dict[str, Draft], skipped: list[ListFormatError] | None
) -> list[tuple[Draft, list[str]]]:
    """Return the rows of alt.csv or add.csv with the entry each belongs to."""
    rows: list[tuple[Draft, list[str]]] = []
    for line, fields in csv_records(path, read_text(path)):
        if len(fields) != columns:
            message = f"expected {columns} columns, found {len(fields)}"
            report(ListFormatError(str(path), line, message), skipped)
            continue
        ent_num = _value(fields[0])
        draft = drafts.get(ent_num)
        if draft is None:
            message = f"ent_num {ent_num!r} is not in the SDN file"
            report(ListFormatError(str(path), line, message), skipped)
            continue
        rows.append((draft, fields))
    return rows


def read_ofac(
    sdn: Path,
    alt: Path | None = None,
    add: Path | None = None,
    *,
    skipped: list[ListFormatError] | None = None,
) -> list[ListEntry]:
    """Return the SDN entries with their aliases and addresses, in the file's order.

    A row that cannot be read (wrong column count, no name, unknown type, an ent_num seen
    before, an alias or address for an ent_num not in `sdn`) raises ListFormatError; when the
    caller passes a `skipped` list, the error is recorded there and the row left out instead.
    """
    drafts = _read_sdn(sdn, skipped)
    if alt is not None:
        for draft, fields in _rows_for_entries(alt, ALT_COLUMNS, drafts, skipped):
            alt_type = _value(fields[2]).casefold().replace(".", "")
            alt_remarks = _value(fields[4])
            draft.add_alias(
                _value(fields[3]),
                _ALIAS_KINDS.get(alt_type, alt_type or "aka"),
                weak="weak" in alt_remarks.casefold(),
            )
    if add is not None:
        for draft, fields in _rows_for_entries(add, ADD_COLUMNS, drafts, skipped):
            country_name = _value(fields[4])
            draft.add_address(
                Address(
                    text=_value(fields[2]),
                    city=_value(fields[3]),
                    country=to_iso2(country_name) if country_name else None,
                    country_name=country_name,
                )
            )
    return [draft.freeze() for draft in drafts.values()]
