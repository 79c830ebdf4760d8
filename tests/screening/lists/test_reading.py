"""A gzip list file may decompress only so far: a decompression bomb is refused, not read."""

import gzip
from pathlib import Path

import pytest

from indusx.screening.lists import ListFormat, ListFormatError, read_list
from indusx.screening.lists.reading import iter_chunks, read_bytes


def _gzip(tmp_path: Path, data: bytes, name: str = "list.csv.gz") -> Path:
    path = tmp_path / name
    path.write_bytes(gzip.compress(data))
    return path


def test_a_gzip_file_within_the_cap_is_read_whole(tmp_path: Path) -> None:
    path = _gzip(tmp_path, b"a" * 5000)

    assert read_bytes(path, limit=5000) == b"a" * 5000
    assert b"".join(iter_chunks(path, limit=5000)) == b"a" * 5000


def test_a_gzip_file_that_decompresses_past_the_cap_is_refused(tmp_path: Path) -> None:
    path = _gzip(tmp_path, b"\0" * 200_000)  # a few hundred bytes on disk

    with pytest.raises(ListFormatError, match="decompression bomb"):
        read_bytes(path, limit=100_000)
    with pytest.raises(ListFormatError, match="more than 100,000 bytes"):
        b"".join(iter_chunks(path, limit=100_000))


def test_the_cap_is_a_setting_that_the_list_readers_apply(
    fixtures: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _gzip(tmp_path, (fixtures / "un.xml").read_bytes(), "un.xml.gz")
    assert read_list(ListFormat.UN, [path])

    monkeypatch.setenv("INDUSX_LIST_MAX_UNPACKED_BYTES", "1024")

    with pytest.raises(ListFormatError, match="INDUSX_LIST_MAX_UNPACKED_BYTES"):
        read_list(ListFormat.UN, [path])


def test_an_uncompressed_file_is_not_capped(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(b"b" * 5000)

    assert read_bytes(path, limit=1024) == b"b" * 5000
