"""Read the UN Security Council consolidated list in its XML form.

CONSOLIDATED_LIST holds INDIVIDUALS/INDIVIDUAL and ENTITIES/ENTITY records with DATAID,
FIRST_NAME..FOURTH_NAME, UN_LIST_TYPE, REFERENCE_NUMBER, LISTED_ON, NAME_ORIGINAL_SCRIPT,
COMMENTS1, NATIONALITY/VALUE, *_ALIAS (QUALITY Good/Low, ALIAS_NAME), *_ADDRESS (STREET,
CITY, STATE_PROVINCE, ZIP_CODE, COUNTRY), INDIVIDUAL_DATE_OF_BIRTH (TYPE_OF_DATE EXACT,
APPROXIMATELY or BETWEEN with DATE, YEAR, FROM_YEAR, TO_YEAR), INDIVIDUAL_PLACE_OF_BIRTH and
LAST_DAY_UPDATED/VALUE. The file is parsed with defusedxml (no entities, no external
references) as a stream; only the record being read is held in memory.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from indusx.screening.engine.types import EntityType
from indusx.screening.lists.countries import to_iso2
from indusx.screening.lists.dates import birth_dates, normalise_date, year_range
from indusx.screening.lists.drafts import Draft
from indusx.screening.lists.entry import Address, ListEntry, ListFormatError
from indusx.screening.lists.reading import iter_chunks, report

SOURCE = "UN Security Council"
ROOT = "CONSOLIDATED_LIST"
_RECORDS = {"INDIVIDUAL": EntityType.PERSON, "ENTITY": EntityType.ENTITY}
_NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text(element: Element | None) -> str:
    if element is None or element.text is None:
        return ""
    return " ".join(element.text.split())


def _child(element: Element, tag: str) -> str:
    return _text(element.find(tag))


class _RecordTarget:
    """Parser target that builds one record at a time and hands it on when it closes."""

    def __init__(self, on_record: Callable[[Element, int], None], line: Callable[[], int]):
        self._on_record = on_record
        self._line = line
        self._builder: TreeBuilder | None = None
        self._depth = 0
        self._start_line = 0
        self.root: str | None = None

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        tag = _local(tag)
        if self.root is None:
            self.root = tag
        if self._builder is None:
            if tag not in _RECORDS:
                return
            self._builder = TreeBuilder()
            self._start_line = self._line()
        self._builder.start(tag, {})
        self._depth += 1

    def end(self, tag: str) -> None:
        if self._builder is None:
            return
        self._builder.end(_local(tag))
        self._depth -= 1
        if self._depth == 0:
            record = self._builder.close()
            self._builder = None
            self._on_record(record, self._start_line)

    def data(self, text: str) -> None:
        if self._builder is not None:
            self._builder.data(text)

    def close(self) -> None:
        return None


def _dates_of_birth(element: Element) -> tuple[str, ...]:
    kind = _child(element, "TYPE_OF_DATE").upper()
    first, last = _child(element, "FROM_YEAR"), _child(element, "TO_YEAR")
    if kind == "BETWEEN" and first.isdigit() and last.isdigit():
        return year_range(int(first), int(last))
    for tag in ("DATE", "YEAR"):
        found = birth_dates(_child(element, tag))
        if found:
            return found
    return tuple(d for d in (normalise_date(first), normalise_date(last)) if d)


def _address(element: Element) -> Address:
    country_name = _child(element, "COUNTRY")
    city = ", ".join(
        p for p in (_child(element, t) for t in ("CITY", "STATE_PROVINCE", "ZIP_CODE")) if p
    )
    return Address(
        text=_child(element, "STREET"),
        city=city,
        country=to_iso2(country_name) if country_name else None,
        country_name=country_name,
    )


def _draft(record: Element, line: int) -> Draft | str:
    """Return the record as a draft, or why it cannot be one."""
    kind = _local(record.tag)
    data_id = _child(record, "DATAID")
    name = " ".join(p for p in (_child(record, t) for t in _NAME_PARTS) if p)
    if not data_id:
        return f"{kind} without DATAID"
    if not name:
        return f"{kind} {data_id} has no name"
    draft = Draft(entry_id=data_id, name=name, entity_type=_RECORDS[kind], source=SOURCE, line=line)
    draft.add_program(_child(record, "UN_LIST_TYPE"))
    draft.listed_on = normalise_date(_child(record, "LISTED_ON"))
    draft.add_remarks(_child(record, "COMMENTS1"))
    draft.add_alias(_child(record, "NAME_ORIGINAL_SCRIPT"))
    draft.add_extra("reference_number", _child(record, "REFERENCE_NUMBER"))
    draft.add_extra("gender", _child(record, "GENDER"))
    for tag in ("TITLE", "DESIGNATION"):
        for value in record.iterfind(f"{tag}/VALUE"):
            draft.add_extra(tag.lower(), _text(value))
    for value in record.iterfind("NATIONALITY/VALUE"):
        draft.add_country(to_iso2(_text(value)))
        draft.add_extra("nationality", _text(value))
    for alias in record.iterfind(f"{kind}_ALIAS"):
        quality = _child(alias, "QUALITY").casefold()
        draft.add_alias(
            _child(alias, "ALIAS_NAME"),
            "fka" if quality.startswith("f.k.a") else "aka",
            weak=quality == "low",
        )
    for address in record.iterfind(f"{kind}_ADDRESS"):
        draft.add_address(_address(address))
    for born in record.iterfind("INDIVIDUAL_DATE_OF_BIRTH"):
        draft.add_birth_dates(_dates_of_birth(born))
    for place in record.iterfind("INDIVIDUAL_PLACE_OF_BIRTH"):
        where = _address(place)
        draft.add_country(where.country)
        parts = (where.city, where.country_name)
        draft.add_extra("place_of_birth", ", ".join(p for p in parts if p))
    updated = (normalise_date(_text(v)) for v in record.iterfind("LAST_DAY_UPDATED/VALUE"))
    updates = sorted(d for d in updated if d)
    if updates:
        draft.add_extra("last_updated", updates[-1])
    return draft


def read_un(path: Path, *, skipped: list[ListFormatError] | None = None) -> list[ListEntry]:
    """Return the individuals and entities of the UN consolidated list, in the file's order.

    Malformed XML, a DTD entity, or a root other than CONSOLIDATED_LIST raises ListFormatError
    with the line. A record without DATAID or name, or with a DATAID seen before, raises too;
    with a `skipped` list the error is recorded there and the record left out instead.
    """
    drafts: dict[str, Draft] = {}

    def on_record(record: Element, line: int) -> None:
        draft = _draft(record, line)
        if isinstance(draft, str):
            report(ListFormatError(str(path), line, draft), skipped)
        elif draft.entry_id in drafts:
            message = f"DATAID {draft.entry_id} appears twice"
            report(ListFormatError(str(path), line, message), skipped)
        else:
            drafts[draft.entry_id] = draft

    parser: Any = None
    target = _RecordTarget(on_record, lambda: int(parser.parser.CurrentLineNumber))
    parser = DefusedXMLParser(target=target, forbid_dtd=True)
    empty = True
    try:
        for chunk in iter_chunks(path):
            empty = empty and not chunk.strip()
            parser.feed(chunk)
            if target.root is not None and target.root != ROOT:
                raise ListFormatError(
                    str(path), 1, f"not a UN consolidated list (root element {target.root})"
                )
        if empty:
            raise ListFormatError(str(path), None, "the file is empty")
        parser.close()
    except ParseError as exc:
        raise ListFormatError(str(path), exc.position[0], f"malformed XML: {exc}") from exc
    except DefusedXmlException as exc:
        line = int(parser.parser.CurrentLineNumber)
        raise ListFormatError(str(path), line, f"refused XML: {exc}") from exc
    except (LookupError, UnicodeError) as exc:  # an encoding the declaration names wrongly
        line = int(parser.parser.CurrentLineNumber)
        raise ListFormatError(str(path), line, f"unreadable XML: {exc}") from exc
    return [draft.freeze() for draft in drafts.values()]
