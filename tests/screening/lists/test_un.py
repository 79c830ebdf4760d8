from pathlib import Path

import pytest

from indusx.screening.engine.types import EntityType
from indusx.screening.lists.entry import Address, Alias, ListFormatError
from indusx.screening.lists.un import read_un


def test_individuals_keep_names_programme_dates_and_the_original_script(fixtures: Path) -> None:
    person, second, _ = read_un(fixtures / "un.xml")
    assert person.entry_id == "7000001"
    assert person.name == "AMARO TELLIS VONN"
    assert person.entity_type is EntityType.PERSON
    assert person.source == "UN Security Council"
    assert person.programs == ("DPRK",)
    assert person.listed_on == "2016-03-02"
    assert person.aliases == (
        Alias("아마로 텔리스"),
        Alias("Amaro Tellis"),
        Alias("The Clerk", weak=True),
    )
    assert person.birth_dates == ("1962-04-20", "1963", "1964")
    assert person.countries == ("KP",)
    assert person.remarks == "Fictional procurement official."
    assert person.extra["reference_number"] == "KPi.900"
    assert person.extra["place_of_birth"] == "Wonsan, Democratic People's Republic of Korea"
    assert person.extra["last_updated"] == "2019-06-30"
    assert second.birth_dates == ("1971",)
    assert second.countries == ("YE",)


def test_entities_keep_aliases_with_their_kind_and_addresses(fixtures: Path) -> None:
    entity = read_un(fixtures / "un.xml")[2]
    assert entity.entity_type is EntityType.ENTITY
    assert entity.aliases == (Alias("MRMC"), Alias("Marlow Mines", "fka"))
    assert entity.addresses == (
        Address("Avenue de la Paix 3", "Goma", "CD", "Democratic Republic of the Congo"),
    )


_HEAD = '<?xml version="1.0"?>\n<CONSOLIDATED_LIST><INDIVIDUALS>\n'


@pytest.mark.parametrize(
    ("content", "line", "reason"),
    [
        (
            _HEAD + "<INDIVIDUAL><DATAID>1</DATAID>\n<FIRST_NAME>A</FIRST_NAME>\n",
            5,
            "malformed XML",
        ),
        (_HEAD + "<INDIVIDUAL><DATAID>1</DATAID></INDIVIDUAL>\n</INDIVIDUALS>", 3, "has no name"),
        (_HEAD + "<INDIVIDUAL>\n<FIRST_NAME>A</FIRST_NAME></INDIVIDUAL>", 3, "without DATAID"),
        ("<?xml version='1.0'?>\n<sdnList><x/></sdnList>", 1, "not a UN consolidated list"),
        ("not xml at all", 1, "malformed XML"),
        ('<?xml version="1.0" encoding="UTF-Y"?>\n<CONSOLIDATED_LIST/>', 1, "unreadable XML"),
        (
            '<?xml version="1.0"?>\n<!DOCTYPE l [<!ENTITY a "aaaa">]>\n<CONSOLIDATED_LIST/>',
            2,
            "refused XML",
        ),
    ],
)
def test_malformed_xml_raises_a_list_format_error_with_the_line(
    tmp_path: Path, content: str, line: int, reason: str
) -> None:
    path = tmp_path / "un.xml"
    path.write_text(content)
    with pytest.raises(ListFormatError) as caught:
        read_un(path)
    assert (caught.value.path, caught.value.line) == (str(path), line)
    assert reason in caught.value.reason


def test_a_repeated_dataid_is_refused(tmp_path: Path) -> None:
    record = "<INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>A</FIRST_NAME></INDIVIDUAL>\n"
    path = tmp_path / "un.xml"
    path.write_text(_HEAD + record + record + "</INDIVIDUALS></CONSOLIDATED_LIST>")
    with pytest.raises(ListFormatError, match="appears twice") as caught:
        read_un(path)
    assert caught.value.line == 4
    skipped: list[ListFormatError] = []
    assert len(read_un(path, skipped=skipped)) == 1
    assert len(skipped) == 1


def test_an_empty_file_raises(tmp_path: Path) -> None:
    path = tmp_path / "un.xml"
    path.write_text("  \n")
    with pytest.raises(ListFormatError, match="empty"):
        read_un(path)
