import gzip
from pathlib import Path

import pytest

from indusx.screening.engine.types import EntityType
from indusx.screening.lists.entry import Address, Alias, ListEntry, ListFormatError
from indusx.screening.lists.ofac import parse_programs, read_ofac


def _by_id(entries: list[ListEntry]) -> dict[str, ListEntry]:
    return {entry.entry_id: entry for entry in entries}


def _read(fixtures: Path) -> dict[str, ListEntry]:
    return _by_id(read_ofac(fixtures / "sdn.csv", fixtures / "alt.csv", fixtures / "add.csv"))


def test_it_reads_every_entry_in_file_order_with_its_type(fixtures: Path) -> None:
    entries = read_ofac(fixtures / "sdn.csv", None, None)
    assert [e.entry_id for e in entries] == ["101", "102", "103", "104", "105", "106", "107"]
    kinds = {e.entry_id: e.entity_type for e in entries}
    assert kinds["101"] is EntityType.PERSON
    assert kinds["102"] is EntityType.ENTITY
    assert kinds["103"] is EntityType.VESSEL
    assert kinds["104"] is EntityType.AIRCRAFT
    assert {e.source for e in entries} == {"OFAC SDN"}


def test_it_keeps_the_name_as_written_and_splits_programmes(fixtures: Path) -> None:
    person = _read(fixtures)["101"]
    assert person.name == "ZORVANI, Teodor Ilyas"
    assert person.programs == ("SDGT", "IRGC")
    assert parse_programs("[SDGT] [IRGC]") == ("SDGT", "IRGC")
    assert parse_programs("-0- ") == ()


def test_aliases_come_from_alt_csv_with_their_kind_and_from_remarks_as_weak(
    fixtures: Path,
) -> None:
    entries = _read(fixtures)
    assert entries["101"].aliases == (
        Alias("THE HERON", "aka", weak=True),
        Alias("ABU-'ZAYD", "aka", weak=True),
        Alias("ZORVANI, Teodor", "aka"),
        Alias("ZORVANY, Theodore Ilias", "fka"),
    )
    # BOT is both a weak remark alias and a plain alt.csv alias: it stays strong, once.
    assert entries["102"].aliases == (
        Alias("BOT", "aka", weak=False),
        Alias("BLUE ORCHID GLOBAL", "nka"),
    )
    assert entries["105"].aliases == (Alias("KESTREL, M.", "aka", weak=True),)


def test_remarks_give_birth_dates_countries_and_gender_and_are_kept_whole(
    fixtures: Path,
) -> None:
    entries = _read(fixtures)
    person = entries["101"]
    assert person.birth_dates == ("1960-01-01", "1961")
    assert person.countries == ("LB", "IR")  # place of birth and nationality, then citizenship
    assert person.extra["gender"] == "Male"
    assert person.extra["place_of_birth"] == "Qartaba, Lebanon"
    assert person.remarks.startswith("DOB 01 Jan 1960; alt. DOB 1961;")
    assert entries["105"].birth_dates == ("1970",)
    assert entries["105"].countries == ("KP",)
    assert entries["106"].birth_dates == ("1958", "1959", "1960")
    assert entries["106"].countries == ("RU",)
    assert entries["107"].remarks == ""


def test_addresses_come_from_add_csv_with_iso_countries(fixtures: Path) -> None:
    company = _read(fixtures)["102"]
    assert company.addresses == (
        Address("Unit 4, Harbour Plaza", "Hong Kong", "HK", "Hong Kong"),
        Address("", "Dubai", "AE", "United Arab Emirates"),
    )
    assert company.countries == ("HK", "AE")


def test_vessel_fields_go_to_extra_and_its_flag_to_countries(fixtures: Path) -> None:
    vessel = _read(fixtures)["103"]
    assert vessel.extra == {
        "call_sign": "9XY77",
        "vessel_type": "Crude Oil Tanker",
        "gross_registered_tonnage": "81000",
        "vessel_flag": "Panama",
        "vessel_owner": "BLUE ORCHID TRADING CO., LTD.",
    }
    assert vessel.countries == ("PA",)
    assert _read(fixtures)["105"].extra["title"] == "Finance Officer"


def test_it_reads_gzip_and_windows_1252_files(tmp_path: Path) -> None:
    row = '201,"M\xdcLLER, J\xf6rg",individual,SDGT,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'
    plain = tmp_path / "sdn.csv"
    plain.write_bytes(row.encode("cp1252"))
    packed = tmp_path / "sdn.csv.gz"
    packed.write_bytes(gzip.compress(row.encode("cp1252")))
    assert read_ofac(plain)[0].name == "MÜLLER, Jörg"
    assert read_ofac(packed)[0].name == "MÜLLER, Jörg"


@pytest.mark.parametrize(
    ("content", "line", "reason"),
    [
        ("1,A,-0- ,X,-0- \n", 1, "expected 12 columns, found 5"),
        ("1,A" + ",-0- " * 10 + "\n2,,individual" + ",-0- " * 9 + "\n", 2, "has no name"),
        ("x1,A" + ",-0- " * 10 + "\n", 1, "is not a number"),
        ("1,A,spaceship" + ",-0- " * 9 + "\n", 1, "unknown SDN_Type"),
        ("1,A" + ",-0- " * 10 + "\n1,B" + ",-0- " * 10 + "\n", 2, "appears twice"),
        ('1,"A' + ",-0- " * 10 + "\n", 1, "malformed CSV"),
    ],
)
def test_a_bad_sdn_row_raises_a_list_format_error_naming_file_and_line(
    tmp_path: Path, content: str, line: int, reason: str
) -> None:
    path = tmp_path / "sdn.csv"
    path.write_text(content)
    with pytest.raises(ListFormatError) as caught:
        read_ofac(path)
    assert caught.value.path == str(path)
    assert caught.value.line == line
    assert reason in caught.value.reason


def test_an_empty_file_raises(tmp_path: Path) -> None:
    path = tmp_path / "sdn.csv"
    path.write_bytes(b"\x1a")
    with pytest.raises(ListFormatError, match="empty"):
        read_ofac(path)


def test_an_alias_for_an_unknown_entry_raises_or_is_skipped_on_request(
    fixtures: Path, tmp_path: Path
) -> None:
    alt = tmp_path / "alt.csv"
    alt.write_text('101,1,aka,"ZORVANI, T.",-0- \n999,2,aka,"NOBODY",-0- \n')
    with pytest.raises(ListFormatError) as caught:
        read_ofac(fixtures / "sdn.csv", alt)
    assert (caught.value.path, caught.value.line) == (str(alt), 2)

    skipped: list[ListFormatError] = []
    entries = _by_id(read_ofac(fixtures / "sdn.csv", alt, skipped=skipped))
    assert [e.line for e in skipped] == [2]
    assert Alias("ZORVANI, T.") in entries["101"].aliases
