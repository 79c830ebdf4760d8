"""Attachments are judged by their content, limited in size, and kept outside the web root."""

from pathlib import Path

import pytest

from indusx import uploads
from indusx.challenges import files
from indusx.config import Settings
from indusx.errors import Invalid
from tests.challenges.conftest import office_bytes, pdf_bytes
from tests.conftest import make_settings


@pytest.fixture
def upload_settings(tmp_path: Path) -> Settings:
    return make_settings("sqlite://", upload_dir=tmp_path / "uploads", upload_max_bytes=4096)


def test_a_real_pdf_is_accepted_and_stored_under_a_random_key(upload_settings: Settings) -> None:
    data = pdf_bytes()

    stored = files.store(upload_settings, data)

    assert stored.mime == "application/pdf" and stored.size == len(data)
    path = files.path_for(upload_settings, stored.key)
    assert data not in path.read_bytes()  # sealed on disk (tests/test_uploads.py)
    assert uploads.read(upload_settings, stored.key, sha256=stored.sha256) == data
    assert len(stored.key) == 32 and stored.key not in {"report", "pdf"}
    assert files.STATIC_DIR not in path.resolve().parents


@pytest.mark.parametrize(
    ("part", "mime"),
    [
        ("word/document.xml", "wordprocessingml"),
        ("xl/workbook.xml", "spreadsheetml"),
        ("ppt/presentation.xml", "presentationml"),
    ],
)
def test_office_documents_are_accepted_when_they_hold_their_main_part(
    upload_settings: Settings, part: str, mime: str
) -> None:
    assert mime in files.check(upload_settings, office_bytes(part))


def test_a_text_file_renamed_to_pdf_is_refused_by_its_content(upload_settings: Settings) -> None:
    with pytest.raises(Invalid, match="is not a PDF, Word, Excel or PowerPoint file") as caught:
        files.check(upload_settings, b"just some text pretending to be report.pdf\n" * 3)
    assert caught.value.errors[0]["field"] == "file"


def test_a_windows_program_renamed_to_docx_is_refused_by_its_content(
    upload_settings: Settings,
) -> None:
    exe = b"MZ\x90\x00" + b"\x00" * 60 + b"PE\x00\x00" + b"\x00" * 200
    with pytest.raises(Invalid, match="looks like EXE"):
        files.check(upload_settings, exe)


def test_a_plain_zip_posing_as_a_word_document_is_refused(upload_settings: Settings) -> None:
    # filetype names this a docx from its first entry; the main part is missing.
    fake = office_bytes("word/styles.xml")
    with pytest.raises(Invalid, match=r"lacks its word/document\.xml part"):
        files.check(upload_settings, fake)


def test_an_oversized_file_is_refused_with_the_limit(upload_settings: Settings) -> None:
    data = pdf_bytes() + b"%" * 5000
    with pytest.raises(Invalid, match="the limit is 4 KB"):
        files.check(upload_settings, data)


def test_an_empty_file_is_refused(upload_settings: Settings) -> None:
    with pytest.raises(Invalid, match="empty"):
        files.check(upload_settings, b"")


def test_an_upload_folder_inside_the_static_folder_is_refused(tmp_path: Path) -> None:
    settings = make_settings("sqlite://", upload_dir=files.STATIC_DIR / "uploads")
    with pytest.raises(RuntimeError, match="outside the web root"):
        files.root(settings)


def test_storage_keys_cannot_walk_out_of_the_folder(upload_settings: Settings) -> None:
    with pytest.raises(ValueError):
        files.path_for(upload_settings, "../../etc/passwd")


def test_display_names_lose_paths_and_get_the_detected_extension() -> None:
    assert files.safe_filename("..\\..\\evil/Plan v2.exe", "application/pdf") == "Plan v2.pdf"
    assert files.safe_filename("", "application/msword") == "attachment.doc"
