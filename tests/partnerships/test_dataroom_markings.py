"""Markings on file names and in text files; data rooms take plain text judged by content."""

from pathlib import Path

import pytest

from indusx import uploads
from indusx.errors import Invalid
from indusx.partnerships import markings
from indusx.partnerships.markings import Marking
from tests.conftest import make_settings


def test_the_marking_leads_the_download_name() -> None:
    assert (markings.marked_filename(Marking.BUSINESS_CONFIDENTIAL, "spec-v2.pdf")
            == "BUSINESS-CONFIDENTIAL_spec-v2.pdf")
    assert (markings.marked_filename(Marking.CONTROLLED_TECHNICAL_DATA, "a.txt")
            == "CONTROLLED-TECHNICAL-DATA_a.txt")


def test_a_text_file_is_stamped_at_its_top_and_bottom() -> None:
    stamped = markings.stamp_text(b"line one\nline two", "text/plain", "PUBLIC").decode()
    assert stamped == "PUBLIC\nline one\nline two\nPUBLIC\n"


def test_a_csv_file_gets_the_banner_as_a_quoted_one_cell_row() -> None:
    line = markings.banner(Marking.BUSINESS_CONFIDENTIAL)
    stamped = markings.stamp_text(b"a,b\r\n1,2\r\n", "text/csv", line).decode()
    assert stamped.startswith(f'"{line}"\r\na,b\r\n') and stamped.endswith(f'"{line}"\r\n')


def test_binary_files_are_not_altered() -> None:
    assert markings.stamp_text(b"%PDF-1.4 ...", "application/pdf", "PUBLIC") == b"%PDF-1.4 ..."


def test_moving_to_a_stricter_marking_is_an_upgrade() -> None:
    assert markings.is_upgrade(Marking.PUBLIC, Marking.CONTROLLED_TECHNICAL_DATA)
    assert not markings.is_upgrade(Marking.CONTROLLED_TECHNICAL_DATA, Marking.PUBLIC)


def test_data_rooms_accept_utf8_text_and_name_its_flavour_by_extension(tmp_path: Path) -> None:
    settings = make_settings("sqlite://", upload_dir=tmp_path)
    accepted = uploads.DOCUMENTS_AND_TEXT
    assert uploads.check(settings, "Zugriff ✓\n".encode(), accepted, name="x.txt") == "text/plain"
    assert uploads.check(settings, b"a,b\n1,2\n", accepted, name="t.csv") == "text/csv"


def test_binary_data_posing_as_text_is_refused(tmp_path: Path) -> None:
    settings = make_settings("sqlite://", upload_dir=tmp_path)
    with pytest.raises(Invalid, match="checked by its content"):
        uploads.check(settings, b"\x00\x01\x02binary" * 10, uploads.DOCUMENTS_AND_TEXT,
                      name="notes.txt")


def test_proposal_attachments_still_refuse_plain_text(tmp_path: Path) -> None:
    settings = make_settings("sqlite://", upload_dir=tmp_path)
    with pytest.raises(Invalid, match="is not a PDF, Word, Excel or PowerPoint file"):
        uploads.check(settings, b"plain words\n", name="notes.txt")
