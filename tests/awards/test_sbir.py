"""Reading SBIR award files: JSON Lines, gzipped or not, checked line by line."""

from pathlib import Path

import pytest

from indusx.awards.sbir import SbirFileError, read_sbir
from tests.awards.support import award, write_jsonl


def test_it_reads_plain_and_gzipped_files_alike(tmp_path: Path) -> None:
    rows = [award(1), award(2, firm="Acme Sonar Inc")]
    plain = read_sbir(write_jsonl(tmp_path / "a.jsonl", rows))
    gzipped = read_sbir(write_jsonl(tmp_path / "a.jsonl.gz", rows, gz=True))
    assert [a.source_key for a in plain.awards] == [a.source_key for a in gzipped.awards]
    assert {a.firm_key for a in plain.awards} == {"acme-sonar"}
    assert plain.lines == 2 and not plain.errors


def test_bad_lines_are_reported_with_their_number_and_reason(tmp_path: Path) -> None:
    rows = [award(1), "{not json", award(2, year=None), '["a list"]', award(3, year="soon"),
            award(4, link="javascript:alert(1)"), award(5, branch="x" * 101), "",
            award(6, firm="!!!")]
    data = read_sbir(write_jsonl(tmp_path / "bad.jsonl", rows))
    assert len(data.awards) == 1
    assert [n for n, _ in data.errors] == [2, 3, 4, 5, 6, 7, 9]
    reasons = dict(data.errors)
    assert reasons[2].startswith("not valid JSON")
    assert reasons[3] == "missing year"
    assert reasons[4] == "not a JSON object"
    assert reasons[5].startswith("year: must be a year")
    assert reasons[6] == "link: must be an http(s) address"
    assert reasons[7] == "branch: longer than 100 characters"
    assert reasons[9] == "firm: has no letters or digits"


def test_a_repeated_line_is_read_once(tmp_path: Path) -> None:
    data = read_sbir(write_jsonl(tmp_path / "a.jsonl", [award(1), award(2), award(1)]))
    assert len(data.awards) == 2
    assert data.duplicates == [(3, 1)]


def test_awards_that_differ_only_by_link_are_distinct(tmp_path: Path) -> None:
    rows = [award(1, title="Same"), award(2, title="Same")]
    assert len(read_sbir(write_jsonl(tmp_path / "a.jsonl", rows)).awards) == 2


def test_text_is_unescaped_and_placeholders_dropped(tmp_path: Path) -> None:
    row = award(1, title="Sonar &amp; radar  arrays", research_institution="Stub")
    (read,) = read_sbir(write_jsonl(tmp_path / "a.jsonl", [row])).awards
    assert read.title == "Sonar & radar arrays"
    assert read.research_institution == ""


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("awards.csv", b"year,firm\n", "use a .jsonl or .jsonl.gz file"),
        ("awards.jsonl.gz", b"not gzip at all", "cannot be read"),
        ("awards.jsonl", b"\xff\xfe\x00bad", "not UTF-8 text"),
        ("awards.jsonl", b"\n\n", "holds no awards"),
    ],
)
def test_an_unusable_file_is_refused_with_a_clear_message(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SbirFileError, match=message):
        read_sbir(path)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(SbirFileError, match="no such file"):
        read_sbir(tmp_path / "gone.jsonl")
