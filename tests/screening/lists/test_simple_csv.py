from pathlib import Path

import pytest

from indusx.screening.engine.types import EntityType
from indusx.screening.lists.entry import Address, Alias, ListEntry, ListFormatError
from indusx.screening.lists.simple_csv import name_key, read_simple_csv, trailing_parenthetical


def _by_name(entries: list[ListEntry]) -> dict[str, ListEntry]:
    return {entry.name: entry for entry in entries}


def test_the_1260h_shape_prefers_the_clean_name_and_merges_repeated_rows(
    fixtures: Path,
) -> None:
    entries = read_simple_csv(fixtures / "dod_1260h.csv", source="DoD 1260H")
    assert [e.name for e in entries] == ["Northwind Avionics Co. Ltd.", "Greyfen Optics Company"]
    northwind = entries[0]
    assert northwind.entry_id == name_key("northwind  avionics co. ltd.")
    assert northwind.source == "DoD 1260H"
    assert northwind.entity_type is None
    assert northwind.aliases == (
        Alias("NWA"),
        Alias("Northwind Avionics"),
        Alias("Old Northwind Works", "fka"),
    )
    assert northwind.listed_on == "2021-06-03"  # the earliest of its rows
    assert northwind.end_date is None
    assert northwind.remarks == "No apparent U.S. nexus"
    assert northwind.extra["parent_name"] == "Northwind Group"
    assert northwind.extra["source_url"] == (
        "https://example.invalid/1260h-2021.pdf; https://example.invalid/1260h-2024.pdf"
    )


def test_a_formerly_decoration_becomes_a_former_name(fixtures: Path) -> None:
    greyfen = read_simple_csv(fixtures / "dod_1260h.csv", source="1260H")[1]
    assert greyfen.aliases == (Alias("Greyfen Lens Works", "fka"), Alias("GLW", "fka"))
    assert greyfen.end_date == "2024-01-31"


def test_the_1286_shape_keeps_programme_country_dates_and_notes(fixtures: Path) -> None:
    entries = _by_name(read_simple_csv(fixtures / "section_1286.csv", source="Section 1286"))
    assert len(entries) == 2
    institute = entries["Institute of Imaginary Ballistics"]
    assert institute.entity_type is EntityType.ENTITY
    assert institute.aliases == (Alias("IIB"), Alias("Imaginary Ballistics Institute"))
    assert institute.programs == ("Section 1286 of a fictional act",)
    assert institute.countries == ("CN",)
    assert institute.listed_on == "2022"
    assert institute.extra["topics"] == "debarment"
    assert institute.extra["authority"] == "United States Congress"
    university = entries["Lumen Polytechnic University"]
    assert university.countries == ("RU",)
    assert university.end_date == "2026-07-23"
    assert university.remarks == "affiliated with nothing real"


def test_the_prc_shape_uses_the_qid_and_keeps_chinese_names_and_addresses(
    fixtures: Path,
) -> None:
    entries = read_simple_csv(fixtures / "cn_sanctions.csv", source="PRC")
    assert [e.entry_id for e in entries] == ["Q99000001", name_key("Tessellate Drones LLC")]
    person, company = entries
    assert person.entity_type is EntityType.PERSON
    assert [a.name for a in person.aliases] == ["O. Vale", "Orrin Vale", "奥林·维尔"]
    assert person.countries == ("US",)
    assert person.listed_on == "2019-12-02"
    assert person.remarks == "Legislator\n议员\nCountermeasures renewed"
    assert person.programs == ("List of Targets of Countermeasures",)
    assert company.listed_on == "2023-07-13"
    assert company.countries == ("JP",)
    assert company.addresses == (Address(text="1 Imaginary Rd, Springfield, USA"),)
    assert company.extra["body"] == "Ministry of Commerce"


def test_the_mieu_shape_reads_iso_countries_and_programme(fixtures: Path) -> None:
    first, second = read_simple_csv(fixtures / "mieu.csv", source="MIEU")
    assert (first.countries, second.countries) == (("IR",), ("KP",))
    assert first.programs == ("US-BIS-MIEU",)
    assert first.aliases == (Alias("DII"),)
    assert first.extra["source_url"] == "https://example.invalid/fr/2021-00001"


def test_the_same_list_read_twice_gives_the_same_ids(fixtures: Path) -> None:
    once = read_simple_csv(fixtures / "section_1286.csv", source="x")
    again = read_simple_csv(fixtures / "section_1286.csv", source="x")
    assert [e.entry_id for e in once] == [e.entry_id for e in again]
    assert [e.fingerprint() for e in once] == [e.fingerprint() for e in again]


def test_trailing_parenthetical_handles_brackets_and_stars() -> None:
    assert trailing_parenthetical("Acme Co. (ACME)*") == ("Acme Co.", "ACME")
    assert trailing_parenthetical("Acme (Tianjin) Co. (AT]") == ("Acme (Tianjin) Co.", "AT")
    assert trailing_parenthetical("Acme Co.") == ("Acme Co", None)


@pytest.mark.parametrize(
    ("content", "line", "reason"),
    [
        ("name,country\nAcme,CN\n,RU\n", 3, "no name"),
        ("name,country\nAcme,CN,extra\n", 2, "expected 2 columns, found 3"),
        ("country,notes\nCN,x\n", 1, "no name column"),
    ],
)
def test_a_bad_row_raises_a_list_format_error_naming_file_and_line(
    tmp_path: Path, content: str, line: int, reason: str
) -> None:
    path = tmp_path / "list.csv"
    path.write_text(content)
    with pytest.raises(ListFormatError) as caught:
        read_simple_csv(path, source="x")
    assert (caught.value.path, caught.value.line) == (str(path), line)
    assert reason in caught.value.reason


def test_an_empty_csv_raises(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("\n\n")
    with pytest.raises(ListFormatError, match="empty"):
        read_simple_csv(path, source="x")
