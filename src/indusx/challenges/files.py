"""Proposal attachments: what a file really is (by its content, not its name) and where it lives.

Files are kept under `INDUSX_UPLOAD_DIR`, outside the web root, each under a random storage key
that says nothing of its name or owner; they are served only through an access-checked route.
"""

import hashlib
import io
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

import filetype

from indusx.config import Settings
from indusx.errors import Invalid

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


@dataclass(frozen=True, slots=True)
class Kind:
    label: str
    extension: str
    part: str | None = None  # the part an Office Open XML zip must hold


# Detected MIME type -> what it is; anything else is refused.
ALLOWED: dict[str, Kind] = {
    "application/pdf": Kind("PDF", "pdf"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": Kind(
        "Word document", "docx", "word/document.xml"
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": Kind(
        "Excel workbook", "xlsx", "xl/workbook.xml"
    ),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": Kind(
        "PowerPoint presentation", "pptx", "ppt/presentation.xml"
    ),
    "application/msword": Kind("Word 97-2003 document", "doc"),
    "application/vnd.ms-excel": Kind("Excel 97-2003 workbook", "xls"),
    "application/vnd.ms-powerpoint": Kind("PowerPoint 97-2003 presentation", "ppt"),
}
ACCEPT = ".pdf,.docx,.xlsx,.pptx,.doc,.xls,.ppt"
ALLOWED_TEXT = "PDF, Word, Excel or PowerPoint"
_KEY = re.compile(r"[0-9a-f]{32}")


def megabytes(size: int) -> str:
    """Return a size for people: '20 MB', '1.4 MB', '312 KB'."""
    if size >= 1024 * 1024:
        value = size / (1024 * 1024)
        return f"{value:.0f} MB" if value == int(value) else f"{value:.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def detect(data: bytes) -> str:
    """Return the MIME type of an allowed file, judged by its content; else raise Invalid."""
    guess = filetype.guess(data[:8192]) if data else None
    mime = guess.mime if guess is not None else None
    kind = ALLOWED.get(mime or "")
    if kind is None:
        found = f"looks like {guess.extension.upper()}" if guess is not None else "is not"
        raise Invalid.field(
            "file", f"the file {found} a {ALLOWED_TEXT} file (checked by its content)"
        )
    if kind.part is not None:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile as exc:
            raise Invalid.field(
                "file", f"the {kind.label} is damaged (not a readable zip)"
            ) from exc
        if "[Content_Types].xml" not in names or kind.part not in names:
            raise Invalid.field(
                "file", f"the file claims to be a {kind.label} but lacks its {kind.part} part"
            )
    return mime  # type: ignore[return-value]


def safe_filename(name: str, mime: str) -> str:
    """Return a display name without paths or control characters, with the right extension."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>:|?*').strip(" .")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{(stem or 'attachment')[:200]}.{ALLOWED[mime].extension}"


def root(settings: Settings) -> Path:
    """Return the upload folder, refusing one inside the static (served) folder."""
    folder = settings.upload_dir.resolve()
    if folder == STATIC_DIR or STATIC_DIR in folder.parents:
        raise RuntimeError(f"INDUSX_UPLOAD_DIR ({folder}) must be outside the web root")
    return folder


def path_for(settings: Settings, key: str) -> Path:
    """Return where a stored file lives."""
    if not _KEY.fullmatch(key):
        raise ValueError("not a storage key")
    return root(settings) / key[:2] / key


@dataclass(frozen=True, slots=True)
class Stored:
    key: str
    mime: str
    size: int
    sha256: str


def check(settings: Settings, data: bytes) -> str:
    """Return the MIME type of an upload that may be kept; raise Invalid naming the problem."""
    if not data:
        raise Invalid.field("file", "the file is empty")
    if len(data) > settings.upload_max_bytes:
        raise Invalid.field(
            "file",
            f"the file is {megabytes(len(data))}; the limit is "
            f"{megabytes(settings.upload_max_bytes)}",
        )
    return detect(data)


def store(settings: Settings, data: bytes) -> Stored:
    """Check an upload and write it under a fresh random key."""
    mime = check(settings, data)
    key = secrets.token_hex(16)
    path = path_for(settings, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    tmp.write_bytes(data)
    tmp.replace(path)
    return Stored(key=key, mime=mime, size=len(data), sha256=hashlib.sha256(data).hexdigest())


def remove(settings: Settings, key: str) -> None:
    """Delete a stored file (nothing if it is already gone)."""
    path_for(settings, key).unlink(missing_ok=True)
