"""The marking banner stamped into a PDF: one line at the top and bottom of every page.

Pure: bytes in, bytes out. The banner is drawn with reportlab on an overlay page of the same
size and merged onto each page with pypdf, so the text is real text (it survives printing and
can be read back), not an annotation a viewer may hide.
"""

import io

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from reportlab.lib.colors import Color, white
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from indusx.errors import Invalid

MIME = "application/pdf"
FONT = "Helvetica-Bold"
SIZE = 8.0
SMALLEST = 4.0
MARGIN = 6.0  # points between the banner and the page's edge
INK = Color(0.6, 0.0, 0.0)


class Unstampable(Exception):
    """The PDF cannot be read or written well enough to carry the banner."""


def _overlay(width: float, height: float, line: str) -> PageObject:
    size = SIZE
    room = width - 4 * MARGIN
    if stringWidth(line, FONT, size) > room:
        size = max(SMALLEST, size * room / stringWidth(line, FONT, size))
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(width, height))
    band = size + 4
    for y in (MARGIN, height - MARGIN - band):
        canvas.setFillColor(white)
        canvas.rect(MARGIN, y, width - 2 * MARGIN, band, stroke=0, fill=1)
        canvas.setFillColor(INK)
        canvas.setFont(FONT, size)
        canvas.drawCentredString(width / 2, y + 2.5, line)
    canvas.showPage()
    canvas.save()
    return PdfReader(io.BytesIO(out.getvalue())).pages[0]


def stamp(data: bytes, line: str) -> bytes:
    """Return the PDF with the banner line at the top and bottom of every page.

    Raise Unstampable when the file cannot be read (damaged, or locked with a password).
    """
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise Unstampable("the PDF is protected with a password")
        # Pages are changed where they belong to a writer (pypdf 7 requires it).
        writer = PdfWriter(clone_from=reader)
        overlays: dict[tuple[float, float, float, float], PageObject] = {}
        for page in writer.pages:
            # Rotated pages: turn the content upright first so the banner lands at the top.
            page.transfer_rotation_to_content()
            box = page.cropbox
            key = (float(box.left), float(box.bottom), float(box.width), float(box.height))
            if key not in overlays:
                overlays[key] = _overlay(key[2], key[3], line)
            if key[0] or key[1]:
                page.merge_translated_page(overlays[key], key[0], key[1])
            else:
                page.merge_page(overlays[key])
        if not writer.pages:
            raise Unstampable("the PDF has no pages")
        out = io.BytesIO()
        writer.write(out)
    except Unstampable:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            RecursionError) as exc:
        # pypdf reports a damaged file through many exception types.
        raise Unstampable(f"the PDF cannot be read ({type(exc).__name__})") from exc
    return out.getvalue()


def check(data: bytes) -> None:
    """Refuse a PDF that could not carry the banner when downloaded (raise Invalid on file)."""
    try:
        stamp(data, "CHECK")
    except Unstampable as exc:
        raise Invalid.field("file", f"{exc}; upload a readable PDF without a password, so that "
                                    "its downloads can carry the marking on every page") from exc
