"""List import: versions, deltas, history, and nothing half-written on a bad file."""

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from indusx.errors import Invalid
from indusx.screening import imports
from indusx.screening.lists import ListFormat
from indusx.screening.models import ChangeKind, ListEntryRecord, ListVersion, ScreeningList
from tests.conftest import ACTOR
from tests.screening.support import SDN_ROWS, write_ofac, write_simple


def _import(session: Session, paths: list[Path], fmt: ListFormat = ListFormat.OFAC,
            **kwargs: str | bool) -> imports.ImportResult:
    result = imports.import_list(session=session, fmt=fmt, paths=paths, actor=ACTOR, **kwargs)
    session.flush()
    return result


def test_a_first_import_records_version_one_with_every_entry_added(
    session: Session, tmp_path: Path
) -> None:
    result = _import(session, write_ofac(tmp_path))

    assert (result.list_key, result.version, result.entries) == ("ofac-sdn", 1, 3)
    assert (result.added, result.changed, result.removed) == (3, 0, 0)
    version = session.scalar(select(ListVersion))
    assert version is not None and [f["name"] for f in version.files] == [
        "sdn.csv", "alt.csv", "add.csv"]
    zenith = session.scalar(select(ListEntryRecord).where(ListEntryRecord.entry_id == "9001"))
    assert zenith is not None and zenith.source == "OFAC SDN"
    assert zenith.data["programs"] == ["NPWMD"]
    assert [a["name"] for a in zenith.data["aliases"]] == ["ZSA ARMAMENTS"]
    assert zenith.data["countries"] == ["BY"]


def test_re_importing_the_same_files_records_no_new_version(
    session: Session, tmp_path: Path
) -> None:
    paths = write_ofac(tmp_path)
    _import(session, paths)

    again = _import(session, paths)

    assert again.version is None and again.entries == 3
    assert session.scalar(select(func.count()).select_from(ListVersion)) == 1


def test_a_newer_version_records_what_was_added_changed_and_removed(
    session: Session, tmp_path: Path
) -> None:
    _import(session, write_ofac(tmp_path / "v1"))
    rows = [list(r) for r in SDN_ROWS[:2]]  # 9003 leaves the list
    rows[1][3] = "[RUSSIA-EO14024] [UKRAINE-EO13660]"  # 9002 gains a programme
    rows.append(["9004", "NORTHWIND AVIONICS LLC", "-0-", "[NPWMD]", "-0-", "-0-", "-0-", "-0-",
                 "-0-", "-0-", "-0-", "-0-"])

    result = _import(session, write_ofac(tmp_path / "v2", sdn=rows))

    assert (result.version, result.added, result.changed, result.removed) == (2, 1, 1, 1)
    v2 = session.scalar(select(ListVersion).where(ListVersion.number == 2))
    assert v2 is not None
    changes, total = imports.changes_in(session=session, version_id=v2.id)
    assert total == 3
    by_kind = {c.kind: e for c, e in changes}
    assert by_kind[ChangeKind.ADDED].entry_id == "9004"
    assert by_kind[ChangeKind.REMOVED].entry_id == "9003"
    changed = next(c for c, e in changes if c.kind is ChangeKind.CHANGED)
    assert changed.before is not None and changed.before["programs"] == ["RUSSIA-EO14024"]
    removed = by_kind[ChangeKind.REMOVED]
    assert removed.removed_version == 2  # kept for the history, no longer live
    [summary] = imports.list_summaries(session=session)
    assert (summary.versions, summary.live_entries) == (2, 3)


def test_an_entry_that_returns_to_the_list_is_live_again(
    session: Session, tmp_path: Path
) -> None:
    _import(session, write_ofac(tmp_path / "v1"))
    _import(session, write_ofac(tmp_path / "v2", sdn=SDN_ROWS[:1]))

    back = _import(session, write_ofac(tmp_path / "v3"))

    assert (back.version, back.added, back.removed) == (3, 2, 0)
    live = session.scalar(select(func.count()).select_from(ListEntryRecord)
                          .where(ListEntryRecord.removed_version.is_(None)))
    assert live == 3


def test_a_malformed_file_is_refused_and_nothing_is_written(
    session: Session, tmp_path: Path
) -> None:
    paths = write_ofac(tmp_path)
    paths[0].write_text('9001,"ZENITH\n', encoding="utf-8")  # an unterminated row

    with pytest.raises(Invalid) as raised:
        _import(session, paths)

    assert raised.value.errors[0]["field"] == "files"
    assert "sdn.csv" in raised.value.errors[0]["message"]
    assert session.scalar(select(func.count()).select_from(ScreeningList)) == 0


def test_a_simple_csv_list_takes_its_key_from_the_file_name_or_the_caller(
    session: Session, tmp_path: Path
) -> None:
    path = write_simple(tmp_path / "section_1260h.csv", [
        {"schema": "Company", "name": "Crimson Lotus Aerospace Group", "aliases": "CLAG",
         "country": "China", "program": "1260H", "notes": ""},
    ])

    by_name = _import(session, [path], ListFormat.CSV)
    named = _import(session, [path], ListFormat.CSV, key="dod-1260h",
                    name="DoD Section 1260H")

    assert by_name.list_key == "section-1260h"
    assert (named.list_key, named.list_name, named.version) == (
        "dod-1260h", "DoD Section 1260H", 1)
    with pytest.raises(Invalid) as raised:
        _import(session, [path], ListFormat.CSV, key="Bad Key!")
    assert raised.value.errors[0]["field"] == "list"


def test_a_list_cannot_change_its_format(session: Session, tmp_path: Path) -> None:
    _import(session, write_ofac(tmp_path))
    path = write_simple(tmp_path / "x.csv", [
        {"schema": "Company", "name": "Some Listed Company", "aliases": "", "country": "",
         "program": "", "notes": ""}])

    with pytest.raises(Invalid) as raised:
        _import(session, [path], ListFormat.CSV, key="ofac-sdn")

    assert raised.value.errors[0]["field"] == "format"


def test_rows_that_cannot_be_read_are_left_out_and_reported_or_refuse_a_strict_import(
    session: Session, tmp_path: Path
) -> None:
    paths = write_ofac(tmp_path)
    with paths[1].open("a", encoding="utf-8") as fh:
        fh.write("7777,102,aka,ORPHAN ALIAS,-0-\n")  # belongs to no SDN entry

    with pytest.raises(Invalid) as raised:
        _import(session, paths, strict=True)
    assert "alt.csv:2" in raised.value.errors[0]["message"]

    result = _import(session, paths)

    assert result.entries == 3 and result.version == 1
    assert len(result.skipped) == 1 and result.skipped[0].startswith("alt.csv:2: ")
