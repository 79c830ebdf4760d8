import gzip
import random
import shutil
from pathlib import Path

import pytest

from indusx.screening.lists import ListFormat, ListFormatError, read_list


def test_ofac_files_are_told_apart_by_name_in_any_order(fixtures: Path) -> None:
    paths = [fixtures / "add.csv", fixtures / "sdn.csv", fixtures / "alt.csv"]
    entries = read_list(ListFormat.OFAC, paths)
    assert len(entries) == 7
    assert any(entry.addresses for entry in entries)
    assert any(not alias.weak for entry in entries for alias in entry.aliases)


def test_ofac_files_without_telling_names_are_told_apart_by_column_count(
    fixtures: Path, tmp_path: Path
) -> None:
    copies = []
    for i, name in enumerate(("alt.csv", "sdn.csv", "add.csv")):
        copy = tmp_path / f"part{i}.csv"
        shutil.copy(fixtures / name, copy)
        copies.append(copy)
    assert read_list(ListFormat.OFAC, copies) == read_list(
        ListFormat.OFAC, [fixtures / "sdn.csv", fixtures / "alt.csv", fixtures / "add.csv"]
    )


def test_ofac_refuses_too_many_files_two_of_a_kind_or_no_sdn(fixtures: Path) -> None:
    sdn, alt = fixtures / "sdn.csv", fixtures / "alt.csv"
    with pytest.raises(ListFormatError, match="1 to 3 files"):
        read_list(ListFormat.OFAC, [sdn, alt, alt, alt])
    with pytest.raises(ListFormatError, match="two alt files"):
        read_list(ListFormat.OFAC, [sdn, alt, alt])
    with pytest.raises(ListFormatError, match="needs its sdn file"):
        read_list(ListFormat.OFAC, [alt])
    with pytest.raises(ListFormatError, match="1 to 3 files"):
        read_list(ListFormat.OFAC, [])


def test_single_file_formats_refuse_more_or_fewer_files(fixtures: Path) -> None:
    for fmt in (ListFormat.CSL, ListFormat.UN, ListFormat.CSV):
        with pytest.raises(ListFormatError, match="takes one file"):
            read_list(fmt, [fixtures / "mieu.csv", fixtures / "mieu.csv"])
        with pytest.raises(ListFormatError, match="takes one file"):
            read_list(fmt, [])


def test_a_csv_list_is_named_after_its_file_unless_a_source_is_given(fixtures: Path) -> None:
    assert {e.source for e in read_list(ListFormat.CSV, [fixtures / "mieu.csv"])} == {"mieu"}
    named = read_list(ListFormat.CSV, [fixtures / "mieu.csv"], source="BIS MIEU")
    assert {e.source for e in named} == {"BIS MIEU"}


def test_every_format_reads_gzip_transparently(fixtures: Path, tmp_path: Path) -> None:
    for fmt, name in (
        (ListFormat.CSL, "consolidated.json"),
        (ListFormat.UN, "un.xml"),
        (ListFormat.CSV, "mieu.csv"),
        (ListFormat.OFAC, "sdn.csv"),
    ):
        packed = tmp_path / f"{name}.gz"
        packed.write_bytes(gzip.compress((fixtures / name).read_bytes()))
        plain = read_list(fmt, [fixtures / name], source="s")
        assert read_list(fmt, [packed], source="s") == plain


def test_a_truncated_gzip_file_raises_a_list_format_error(fixtures: Path, tmp_path: Path) -> None:
    packed = tmp_path / "sdn.csv.gz"
    packed.write_bytes(gzip.compress((fixtures / "sdn.csv").read_bytes())[:40])
    with pytest.raises(ListFormatError, match="cannot read"):
        read_list(ListFormat.OFAC, [packed])


_CASES = [
    (ListFormat.OFAC, "sdn.csv"),
    (ListFormat.CSL, "consolidated.json"),
    (ListFormat.CSL, "consolidated.csv"),
    (ListFormat.UN, "un.xml"),
    (ListFormat.CSV, "dod_1260h.csv"),
    (ListFormat.CSV, "cn_sanctions.csv"),
]


@pytest.mark.parametrize(("fmt", "name"), _CASES)
def test_damaged_files_give_entries_or_a_list_format_error_never_another_error(
    fmt: ListFormat, name: str, fixtures: Path, tmp_path: Path
) -> None:
    original = (fixtures / name).read_bytes()
    rng = random.Random(name)
    damaged = tmp_path / name
    for trial in range(60):
        data = bytearray(original)
        if trial % 3 == 0:
            data = data[: rng.randrange(len(data))]
        else:
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(len(data))] = rng.choice(b'",;\n<>{}[]\x00\xff-0')
        damaged.write_bytes(bytes(data))
        try:
            entries = read_list(fmt, [damaged], source="s")
        except ListFormatError as error:
            assert error.path == str(damaged)
        else:
            assert len({e.entry_id for e in entries}) == len(entries)
