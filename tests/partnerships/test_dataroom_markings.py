"""Markings on file names, in text files and on every page of PDFs; data rooms take plain text
judged by content."""

import io
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4, landscape

from indusx import uploads
from indusx.errors import Invalid
from indusx.partnerships import markings, pdf_stamp
from indusx.partnerships.markings import Marking
from tests.conftest import make_settings
from tests.partnerships.dataroom_support import pdf


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
    assert uploads.check(settings, "Zugriff ✓\n".encode(), accepted,
                         name="x.txt").mime == "text/plain"
    assert uploads.check(settings, b"a,b\n1,2\n", accepted, name="t.csv").mime == "text/csv"


def test_binary_data_posing_as_text_is_refused(tmp_path: Path) -> None:
    settings = make_settings("sqlite://", upload_dir=tmp_path)
    with pytest.raises(Invalid, match="checked by its content"):
        uploads.check(settings, b"\x00\x01\x02binary" * 10, uploads.DOCUMENTS_AND_TEXT,
                      name="notes.txt")


def test_proposal_attachments_still_refuse_plain_text(tmp_path: Path) -> None:
    settings = make_settings("sqlite://", upload_dir=tmp_path)
    with pytest.raises(Invalid, match="is not a PDF, Word, Excel or PowerPoint file"):
        uploads.check(settings, b"plain words\n", name="notes.txt")


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_a_pdf_gets_the_banner_at_the_top_and_bottom_of_every_page() -> None:
    line = markings.banner(Marking.BUSINESS_CONFIDENTIAL, partnership="Undersea modem")
    stamped = pdf_stamp.stamp(pdf(A4, landscape(A4), (300, 200)), line)

    texts = page_texts(stamped)
    assert len(texts) == 3
    for n, text in enumerate(texts, start=1):
        assert text.count(line) == 2
        assert f"Body of page {n}" in text


def test_a_rotated_page_is_stamped_too() -> None:
    stamped = pdf_stamp.stamp(pdf(A4, rotate=90), "PUBLIC")
    assert page_texts(stamped)[0].count("PUBLIC") == 2


def test_a_long_banner_shrinks_to_fit_a_narrow_page() -> None:
    line = markings.banner(Marking.CONTROLLED_TECHNICAL_DATA, partnership="A" * 60)
    stamped = pdf_stamp.stamp(pdf((150, 150)), line)
    assert line.replace(" ", "") in page_texts(stamped)[0].replace(" ", "")


def test_a_damaged_pdf_cannot_be_stamped() -> None:
    with pytest.raises(pdf_stamp.Unstampable):
        pdf_stamp.stamp(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\n%%EOF", "PUBLIC")


def test_a_password_protected_pdf_is_refused_at_the_check() -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf(A4))))
    writer.encrypt(user_password="secret", owner_password="owner")
    locked = io.BytesIO()
    writer.write(locked)
    with pytest.raises(Invalid, match="password"):
        pdf_stamp.check(locked.getvalue())


def test_only_text_and_pdf_downloads_are_stamped_inside() -> None:
    assert markings.stamped_inside("application/pdf")
    assert markings.stamped_inside("text/csv")
    assert not markings.stamped_inside(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
