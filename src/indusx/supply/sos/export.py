"""The request register as CSV: the filtered rows the reader may see, safe for spreadsheets."""

import csv
import io
from collections.abc import Iterator, Sequence

from indusx.csvcells import safe_cell
from indusx.supply.sos.schemas import RequestSummary

HEADER = (
    "reference", "status", "requesting_country", "requester", "item", "quantity", "unit",
    "needed_on", "marking", "suppliers", "overdue_suppliers", "raised_at", "demo",
)


def csv_lines(rows: Sequence[RequestSummary]) -> Iterator[str]:
    """Yield the register as CSV text, a header then one line per request."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow([safe_cell(value) for value in (
            row.reference, row.status.value, row.requesting_country.value,
            row.requester_org_name or "", row.item, f"{row.quantity:g}", row.unit,
            row.needed_on.isoformat(), row.marking.value, "; ".join(row.suppliers),
            row.overdue_parties, row.created_at.isoformat(timespec="seconds"),
            "yes" if row.is_demo else "",
        )])
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
