import json
from pathlib import Path

import pytest

from indusx.screening.engine.types import EntityType
from indusx.screening.lists.csl import read_csl
from indusx.screening.lists.entry import Address, Alias, ListFormatError


def test_a_json_download_keeps_source_programmes_aliases_and_licence_facts(
    fixtures: Path,
) -> None:
    entity, person, isn = read_csl(fixtures / "consolidated.json")
    assert entity.entry_id.startswith("4f1c0de5")
    assert entity.source == "Entity List (EL) - Bureau of Industry and Security"
    assert entity.aliases == (Alias("Quillon Micro"), Alias("QMS"))
    assert entity.addresses[0] == Address(
        "8 Lantern Road", "Shenzhen, Guangdong, 518000", "CN", "CN"
    )
    assert entity.countries == ("CN", "HK")
    assert entity.listed_on == "2024-05-09"
    assert entity.extra["federal_register_notice"] == "89 FR 99999"
    assert entity.extra["license_requirement"] == "For all items subject to the EAR."
    assert entity.extra["license_policy"] == "Presumption of denial."
    assert entity.extra["source_list_url"] == "https://example.invalid/entity-list"

    assert person.entity_type is EntityType.PERSON
    assert person.programs == ("SDGT", "IRGC")
    assert person.birth_dates == ("1975-03-14", "1976")
    assert person.countries == ("IR",)
    assert person.extra["place_of_birth"] == "Isfahan, Iran"
    assert person.extra["ids"] == "Passport X0000001 (IR)"
    assert person.remarks == "Gender Male."

    assert isn.name == "Saltmarsh Chemicals"
    assert isn.countries == ("TH",)  # a record-level country
    assert isn.programs == ("Fictional Nonproliferation Act",)


def test_a_bare_json_list_reads_like_results(fixtures: Path, tmp_path: Path) -> None:
    records = json.loads((fixtures / "consolidated.json").read_text())["results"]
    bare = tmp_path / "bare.json"
    bare.write_text(json.dumps(records))
    assert read_csl(bare) == read_csl(fixtures / "consolidated.json")


def test_a_csv_download_splits_lists_and_addresses_on_semicolons(fixtures: Path) -> None:
    vessel, company = read_csl(fixtures / "consolidated.csv")
    assert vessel.entry_id == "90002"
    assert vessel.entity_type is EntityType.VESSEL
    assert vessel.programs == ("IRAN", "SDGT")
    assert vessel.countries == ("PA",)
    assert vessel.extra["call_sign"] == "9ZZ01"
    assert company.aliases == (Alias("Corvid Dyn."), Alias("CD LLC"))
    assert company.addresses == (
        Address("1 Elm Street, Minsk", "", "BY", "BY"),
        Address("22 Birch Avenue, Moscow, 101000", "", "RU", "RU"),
    )
    assert company.extra["license_policy"] == "Case-by-case review."


@pytest.mark.parametrize(
    ("content", "line", "reason"),
    [
        ('{"results": [{"id": "1", "name": "A"},\n  {"id": "2", "name": }]}', 2, "not valid JSON"),
        ('{"results": [{"id": "1", "name": ""}]}', None, "record 0: record 1 has no name"),
        ('{"results": [{"name": "A"}]}', None, "has no id"),
        ('{"results": [{"id": "1", "name": "A"}, {"id": "1", "name": "B"}]}', None, "twice"),
        ('{"results": ["A"]}', None, "not a JSON object"),
        ('{"results": 3}', 1, "expected"),
        ("_id,name\n1,A\n2,B,C\n", 3, "expected 2 columns, found 3"),
        ("_id,name\n1,\n", 2, "has no name"),
        ("foo,bar\n1,2\n", 1, "not a CSL CSV header"),
    ],
)
def test_malformed_input_raises_a_list_format_error(
    tmp_path: Path, content: str, line: int | None, reason: str
) -> None:
    path = tmp_path / "consolidated.json"
    path.write_text(content)
    with pytest.raises(ListFormatError) as caught:
        read_csl(path)
    assert (caught.value.path, caught.value.line) == (str(path), line)
    assert reason in caught.value.reason
