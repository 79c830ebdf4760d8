"""Document markings: their labels, the banner line, and how a marked download is named and
stamped. Pure: bytes and strings in, bytes and strings out."""

from enum import StrEnum


class Marking(StrEnum):
    """How a data-room document may be shared, from least to most restricted."""

    PUBLIC = "public"
    BUSINESS_CONFIDENTIAL = "business-confidential"
    CONTROLLED_TECHNICAL_DATA = "controlled-technical-data"


MARKING_LABELS: dict[Marking, str] = {
    Marking.PUBLIC: "Public",
    Marking.BUSINESS_CONFIDENTIAL: "Business Confidential",
    Marking.CONTROLLED_TECHNICAL_DATA: "Controlled Technical Data",
}
MARKING_ORDER: tuple[Marking, ...] = tuple(Marking)
# Text files whose downloads carry the banner line inside the file itself (stamp_text).
STAMPABLE_TEXT = frozenset({"text/plain", "text/csv", "text/markdown"})
# Every type stamped inside: text here, PDF in pdf_stamp.py. Office files and others are
# marked in the download's name only.
STAMPED_INSIDE = STAMPABLE_TEXT | {"application/pdf"}


def label(marking: Marking) -> str:
    """Return a marking's label for people ("Business Confidential")."""
    return MARKING_LABELS[marking]


def filename_prefix(marking: Marking) -> str:
    """Return the prefix a marked download's file name starts with ("BUSINESS-CONFIDENTIAL")."""
    return marking.value.upper()


def marked_filename(marking: Marking, filename: str) -> str:
    """Return the download name carrying the marking: "BUSINESS-CONFIDENTIAL_spec-v2.pdf"."""
    return f"{filename_prefix(marking)}_{filename}"


def banner(marking: Marking, *, partnership: str = "") -> str:
    """Return the banner line shown above and below a document and stamped into downloads."""
    line = label(marking).upper()
    if marking is Marking.CONTROLLED_TECHNICAL_DATA:
        line += " - export-controlled: share only with the data room's eligible members"
    elif marking is Marking.BUSINESS_CONFIDENTIAL:
        line += " - share only within the partnership"
    return f"{line} ({partnership})" if partnership else line


def stamped_inside(mime: str) -> bool:
    """Return whether downloads of this type carry the banner inside the file."""
    return mime in STAMPED_INSIDE


def is_upgrade(before: Marking, after: Marking) -> bool:
    """Return whether a new version is marked more restrictively than the one before."""
    return MARKING_ORDER.index(after) > MARKING_ORDER.index(before)


def stamp_text(data: bytes, mime: str, line: str) -> bytes:
    """Return a text file with the banner line added at its top and bottom.

    CSV files get it as a one-cell row so that spreadsheet programs still read the table.
    """
    if mime not in STAMPABLE_TEXT:
        return data
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    body = data.removeprefix(bom).decode("utf-8")
    newline = "\r\n" if "\r\n" in body else "\n"
    cell = '"' + line.replace('"', '""') + '"' if mime == "text/csv" else line
    ending = "" if not body or body.endswith(("\n", "\r")) else newline
    stamped = f"{cell}{newline}{body}{ending}{cell}{newline}"
    return bom + stamped.encode("utf-8")
