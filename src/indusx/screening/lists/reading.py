"""Bytes, text and CSV rows of a list file, whatever its compression and encoding."""

import csv
import gzip
import io
import zlib
from collections.abc import Iterator
from pathlib import Path

from indusx.config import ListReading
from indusx.screening.lists.entry import ListFormatError

_GZIP_MAGIC = b"\x1f\x8b"
_EOF_MARKER = "\x1a"  # OFAC's files end with a DOS end-of-file character
_CHUNK = 1 << 16


def report(error: ListFormatError, skipped: list[ListFormatError] | None) -> None:
    """Raise `error`, or record it in `skipped` when the caller collects bad rows instead."""
    if skipped is None:
        raise error
    skipped.append(error)


def is_gzip(path: Path) -> bool:
    """Return whether the file is gzip-compressed (by its first bytes, not its name)."""
    try:
        with path.open("rb") as handle:
            return handle.read(2) == _GZIP_MAGIC
    except OSError as exc:
        raise ListFormatError(str(path), None, f"cannot open the file: {exc.strerror}") from exc


def unpacked_limit() -> int:
    """Return the most bytes a gzip list file may decompress to (a setting)."""
    return ListReading().list_max_unpacked_bytes


def _too_big(path: Path, limit: int) -> ListFormatError:
    return ListFormatError(
        str(path), None,
        f"the file decompresses to more than {limit:,} bytes (INDUSX_LIST_MAX_UNPACKED_BYTES);"
        " refused as a possible decompression bomb",
    )


def read_bytes(path: Path, *, limit: int | None = None) -> bytes:
    """Return the file's content, decompressed when it is gzip (at most `limit` bytes)."""
    try:
        if is_gzip(path):
            cap = unpacked_limit() if limit is None else limit
            with gzip.open(path, "rb") as handle:
                # One byte past the cap tells a file at the cap from one beyond it, without
                # ever holding more than that in memory.
                data = handle.read(cap + 1)
            if len(data) > cap:
                raise _too_big(path, cap)
            return data
        return path.read_bytes()
    except (OSError, EOFError, zlib.error) as exc:
        raise ListFormatError(str(path), None, f"cannot read the file: {exc}") from exc


def iter_chunks(path: Path, *, limit: int | None = None) -> Iterator[bytes]:
    """Yield the file's (decompressed) content in chunks, for parsers that take a stream."""
    try:
        packed = is_gzip(path)
        cap = unpacked_limit() if limit is None else limit
        total = 0
        with gzip.open(path, "rb") if packed else path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                total += len(chunk)
                if packed and total > cap:
                    raise _too_big(path, cap)
                yield chunk
    except (OSError, EOFError, zlib.error) as exc:
        raise ListFormatError(str(path), None, f"cannot read the file: {exc}") from exc


def decode(data: bytes) -> str:
    """Return text from UTF-8 (with or without BOM), else Windows-1252, else Latin-1."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")  # never fails: every byte is a character


def read_text(path: Path) -> str:
    """Return the file's text; raise ListFormatError when it holds nothing."""
    text = decode(read_bytes(path)).rstrip(_EOF_MARKER + " \t\r\n")
    if not text.strip():
        raise ListFormatError(str(path), None, "the file is empty")
    return text


def csv_records(path: Path, text: str) -> Iterator[tuple[int, list[str]]]:
    """Yield (first line number, fields) for each non-blank CSV record of `text`."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    while True:
        line = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ListFormatError(str(path), line, f"malformed CSV: {exc}") from exc
        if not fields or all(not f.strip() or f == _EOF_MARKER for f in fields):
            continue
        yield line, fields
