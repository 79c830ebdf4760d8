"""Proposal attachments: PDF and Office files only, checked and kept by indusx.uploads.

Files are kept under `INDUSX_UPLOAD_DIR`, outside the web root, each under a random storage key
that says nothing of its name or owner; they are served only through an access-checked route.
"""

from indusx import uploads
from indusx.config import Settings
from indusx.uploads import STATIC_DIR, Stored, megabytes, path_for, remove, root

ACCEPTED = uploads.PDF_AND_OFFICE
ALLOWED = uploads.PDF_AND_OFFICE_KINDS
ACCEPT = ACCEPTED.accept
ALLOWED_TEXT = ACCEPTED.text

__all__ = [
    "ACCEPT", "ALLOWED", "ALLOWED_TEXT", "STATIC_DIR", "Stored", "check", "detect", "megabytes",
    "path_for", "remove", "root", "safe_filename", "store",
]


def detect(data: bytes) -> str:
    """Return the MIME type of an allowed file, judged by its content; else raise Invalid."""
    return uploads.detect(data, ACCEPTED)


def safe_filename(name: str, mime: str) -> str:
    """Return a display name without paths or control characters, with the right extension."""
    return uploads.safe_filename(name, mime)


def check(settings: Settings, data: bytes) -> str:
    """Return the MIME type of an upload that may be kept; raise Invalid naming the problem."""
    return uploads.check(settings, data, ACCEPTED).mime


def store(settings: Settings, data: bytes) -> Stored:
    """Check an upload and write it under a fresh random key."""
    return uploads.store(settings, data, ACCEPTED)
