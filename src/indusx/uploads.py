"""Uploaded files: what a file really is (by its content, not its name) and where it lives.

Files are kept under `INDUSX_UPLOAD_DIR`, outside the web root, each under a random storage key
that says nothing of its name or owner; they are served only through access-checked routes.
Each is sealed with AES-256-GCM under `INDUSX_FILE_KEYS` (filecrypt.py), so a copied upload
folder or backup reveals nothing; `read` is the one way back to a file's bytes.
Each feature names what it accepts (an `Accepted`): proposal attachments take PDF and Office
files, data rooms also plain text.
"""

import hashlib
import hmac
import io
import logging
import os
import re
import secrets
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from urllib.parse import quote

import filetype

from indusx import filecrypt, malware
from indusx.config import Settings
from indusx.errors import Invalid

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"


@dataclass(frozen=True, slots=True)
class Kind:
    label: str
    extension: str
    part: str | None = None  # the part an Office Open XML zip must hold


# Detected MIME type -> what it is.
PDF_AND_OFFICE_KINDS: dict[str, Kind] = {
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
# Text has no magic number: UTF-8 without binary control characters is text, and the name's
# extension only chooses which flavour.
TEXT_KINDS: dict[str, Kind] = {
    "text/plain": Kind("text file", "txt"),
    "text/csv": Kind("CSV file", "csv"),
    "text/markdown": Kind("Markdown file", "md"),
}
ALL_KINDS = {**PDF_AND_OFFICE_KINDS, **TEXT_KINDS}


@dataclass(frozen=True, slots=True)
class Accepted:
    """What one feature accepts: MIME types, how to name them to people, the input's accept."""

    mimes: frozenset[str]
    text: str
    accept: str

    @property
    def takes_text(self) -> bool:
        return bool(self.mimes & TEXT_KINDS.keys())


PDF_AND_OFFICE = Accepted(
    mimes=frozenset(PDF_AND_OFFICE_KINDS),
    text="PDF, Word, Excel or PowerPoint",
    accept=".pdf,.docx,.xlsx,.pptx,.doc,.xls,.ppt",
)
DOCUMENTS_AND_TEXT = Accepted(
    mimes=frozenset(ALL_KINDS),
    text="PDF, Word, Excel, PowerPoint or plain text (txt, csv, md)",
    accept=PDF_AND_OFFICE.accept + ",.txt,.csv,.md",
)
_KEY = re.compile(r"[0-9a-f]{32}")
FILE_MODE = 0o600
FOLDER_MODE = 0o700
# Tab, line feed, form feed, carriage return: the control characters text files hold.
_TEXT_CONTROLS = frozenset(b"\t\n\x0c\r")


def megabytes(size: int) -> str:
    """Return a size for people: '20 MB', '1.4 MB', '312 KB'."""
    if size >= 1024 * 1024:
        value = size / (1024 * 1024)
        return f"{value:.0f} MB" if value == int(value) else f"{value:.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def is_text(data: bytes) -> bool:
    """Return whether the bytes are UTF-8 text without binary control characters."""
    if any(b < 32 and b not in _TEXT_CONTROLS for b in data[:65536]):
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _text_mime(accepted: Accepted, name: str) -> str | None:
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    for mime, kind in TEXT_KINDS.items():
        if kind.extension == extension and mime in accepted.mimes:
            return mime
    return "text/plain" if "text/plain" in accepted.mimes else None


def detect(data: bytes, accepted: Accepted = PDF_AND_OFFICE, *, name: str = "") -> str:
    """Return the MIME type of an accepted file, judged by its content; else raise Invalid."""
    guess = filetype.guess(data[:8192]) if data else None
    mime = guess.mime if guess is not None else None
    if mime is None and accepted.takes_text and is_text(data):
        mime = _text_mime(accepted, name)
    if mime is None or mime not in accepted.mimes:
        found = f"looks like {guess.extension.upper()}" if guess is not None else "is not"
        raise Invalid.field(
            "file", f"the file {found} a {accepted.text} file (checked by its content)"
        )
    kind = ALL_KINDS[mime]
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
    return mime


def safe_filename(name: str, mime: str, *, default: str = "attachment") -> str:
    """Return a display name without paths or control characters, with the right extension."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>:|?*').strip(" .")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{(stem or default)[:200]}.{ALL_KINDS[mime].extension}"


def content_disposition(filename: str) -> str:
    """Return an attachment Content-Disposition with an ASCII and a UTF-8 name."""
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


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


@dataclass(frozen=True, slots=True)
class Checked:
    """An upload `check` accepted: its MIME type and the sha256 of the very bytes judged."""

    mime: str
    sha256: str


def check(
    settings: Settings, data: bytes, accepted: Accepted = PDF_AND_OFFICE, *, name: str = ""
) -> Checked:
    """Return what an upload that may be kept is; raise Invalid naming the problem."""
    if not data:
        raise Invalid.field("file", "the file is empty")
    if len(data) > settings.upload_max_bytes:
        raise Invalid.field(
            "file",
            f"the file is {megabytes(len(data))}; the limit is "
            f"{megabytes(settings.upload_max_bytes)}",
        )
    mime = detect(data, accepted, name=name)
    malware.ensure_clean(settings, data)  # last: the costliest check, on accepted files only
    return Checked(mime=mime, sha256=hashlib.sha256(data).hexdigest())


def store(
    settings: Settings, data: bytes, accepted: Accepted = PDF_AND_OFFICE, *, name: str = "",
    checked: Checked | None = None,
) -> Stored:
    """Check an upload and write it under a fresh random key.

    `checked` is what `check` already returned for these same bytes: a caller that had to
    judge the file first passes it, so the file is not scanned for malware twice. Its digest
    must be that of `data`, so no file is kept that was not checked.
    """
    if checked is None:
        checked = check(settings, data, accepted, name=name)
    digest = hashlib.sha256(data).hexdigest()
    if not isinstance(checked, Checked) or not hmac.compare_digest(checked.sha256, digest):
        raise ValueError("store: these bytes are not the ones `check` accepted")
    mime = checked.mime
    key = secrets.token_hex(16)
    path = path_for(settings, key)
    # The upload folder is made private when the app makes it (an operator's own is left as
    # it is); the shard folders are the app's, tightened if an older version made them.
    path.parent.parent.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    path.parent.mkdir(mode=FOLDER_MODE, exist_ok=True)
    path.parent.chmod(FOLDER_MODE)
    _write(path, filecrypt.seal(settings.file_key_ring, data, storage_key=key))
    return Stored(key=key, mime=mime, size=len(data), sha256=digest)


def _write(path: Path, blob: bytes, *, only_if_present: bool = False) -> None:
    # Written whole to a temporary file, on disk (fsync), then renamed over: a crash leaves
    # the old file or the new, never half of one. The temporary name is unique (O_EXCL), so
    # two writers of one file (`uploads encrypt` on two hosts) never write into each other's.
    # mkstemp makes it readable by the app's own user only: other accounts see no file.
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            os.fchmod(out.fileno(), FILE_MODE)
            out.write(blob)
            out.flush()
            os.fsync(out.fileno())
        if only_if_present and not path.exists():  # deleted meanwhile: not brought back
            tmp.unlink()
            return
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)  # the rename itself survives a crash
    finally:
        os.close(folder)


def read(settings: Settings, key: str, *, sha256: str) -> bytes:
    """Return a stored file's bytes, opened, authenticated and matching the sha256 its row
    recorded; Invalid (410) if it is gone, filecrypt.Unreadable if it is not the file kept."""
    try:
        blob = path_for(settings, key).read_bytes()
    except FileNotFoundError:
        raise Invalid("The file is missing from storage; ask an administrator",
                      status=410) from None
    try:
        data = filecrypt.open_sealed(settings.file_key_ring, blob, storage_key=key)
        # Legacy plaintext has no tag: without this, whoever can write the upload folder could
        # put any bytes in a sealed file's place (or have `uploads encrypt` seal them). The
        # digest recorded at upload is the check, for sealed files too.
        if not hmac.compare_digest(hashlib.sha256(data).hexdigest(), sha256):
            raise filecrypt.Unreadable(f"stored file {key} is not the file uploaded "
                                       "(its sha256 differs from the recorded one)")
    except filecrypt.Unreadable:
        # A server error, never the bytes: the log names the file for the operator.
        log.error("stored file %s cannot be read", key)
        raise
    return data


def remove(settings: Settings, key: str) -> None:
    """Delete a stored file (nothing if it is already gone)."""
    path_for(settings, key).unlink(missing_ok=True)


def stored_keys(settings: Settings) -> list[str]:
    """Return the storage keys of every file in the upload folder."""
    folder = root(settings)
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.glob("*/*")
                  if _KEY.fullmatch(p.name) and p.parent.name == p.name[:2] and p.is_file())


class Resealed(StrEnum):
    """What `reseal` did with one stored file (the values read as a summary's lines)."""

    CURRENT = "already under the first key"
    PLAINTEXT = "encrypted (were plaintext)"
    OLDER_KEY = "re-encrypted from an older key"
    GONE = "deleted meanwhile"
    UNREADABLE = "unreadable (left as they were)"

    @property
    def changes(self) -> bool:
        """Return whether the file is (in a dry run: would be) rewritten."""
        return self in (Resealed.PLAINTEXT, Resealed.OLDER_KEY)


def reseal(settings: Settings, key: str, *, dry_run: bool = False) -> Resealed:
    """Seal a stored file under the first key if it is not already (plaintext or older key)."""
    ring = settings.file_key_ring
    path = path_for(settings, key)
    try:
        blob = path.read_bytes()
    except FileNotFoundError:
        return Resealed.GONE
    try:
        key_id = filecrypt.key_id_of(blob)
        if key_id == ring.current:
            return Resealed.CURRENT
        data = filecrypt.open_sealed(ring, blob, storage_key=key)
    except filecrypt.Unreadable as exc:
        log.error("stored file %s cannot be read: %s", key, exc)
        return Resealed.UNREADABLE
    if not dry_run:
        _write(path, filecrypt.seal(ring, data, storage_key=key), only_if_present=True)
    return Resealed.PLAINTEXT if key_id is None else Resealed.OLDER_KEY

