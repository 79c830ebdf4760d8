"""Web pages for the audit log (admins): browse, filter, compare and export."""

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, StreamingResponse

from indusx import templating
from indusx.audit import service as audit
from indusx.audit.models import AuditEvent
from indusx.audit.service import AuditFilter
from indusx.deps import Admin, SessionDep
from indusx.ops import quotas

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
FILTER_FIELDS = ("actor", "action", "object_type", "object_id", "since", "until")


class AuditFilterForm:
    """The filter form's values as typed, the filter they make, and any date errors."""

    def __init__(
        self,
        actor: Annotated[str, Query(max_length=254)] = "",
        action: Annotated[str, Query(max_length=64)] = "",
        object_type: Annotated[str, Query(max_length=64)] = "",
        object_id: Annotated[str, Query(max_length=64)] = "",
        since: Annotated[str, Query(max_length=10)] = "",
        until: Annotated[str, Query(max_length=10)] = "",
    ) -> None:
        self.values = {"actor": actor.strip(), "action": action.strip(),
                       "object_type": object_type.strip(), "object_id": object_id.strip(),
                       "since": since.strip(), "until": until.strip()}
        self.errors: dict[str, str] = {}
        dates: dict[str, date | None] = {}
        for name in ("since", "until"):
            try:
                dates[name] = date.fromisoformat(self.values[name]) if self.values[name] else None
            except ValueError:
                dates[name] = None
                self.errors[name] = "Enter a date as YYYY-MM-DD"
        self.flt = AuditFilter(
            actor=self.values["actor"] or None, action=self.values["action"] or None,
            object_type=self.values["object_type"] or None,
            object_id=self.values["object_id"] or None,
            since=dates["since"], until=dates["until"],
        )

    def query_string(self, **extra: Any) -> str:
        """Return the filters (and extras) as a query string, empty values left out."""
        items = {**{k: v for k, v in self.values.items() if v}, **extra}
        return urlencode({k: v for k, v in items.items() if v not in (None, "")})


FilterDep = Annotated[AuditFilterForm, Depends()]


def _changes(event: AuditEvent) -> list[tuple[str, Any, Any]]:
    """Return (field, before, after) for every field an event recorded."""
    before, after = event.before or {}, event.after or {}
    keys = list(dict.fromkeys([*before, *after]))
    return [(k, before.get(k), after.get(k)) for k in keys]


@router.get("/admin/audit")
def audit_log(
    request: Request, principal: Admin, session: SessionDep, filters: FilterDep,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> HTMLResponse:
    """Browse the audit log, newest first (admins); HTMX requests get just the table."""
    events, total = audit.list_events(
        session=session, flt=filters.flt, page=page, page_size=PAGE_SIZE
    )
    first = (page - 1) * PAGE_SIZE + 1
    context = {
        "events": [(e, _changes(e)) for e in events],
        "total": total,
        "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "first": first,
        "last": min(first + len(events) - 1, total),
        "filters": filters,
        "actions": audit.action_names(session=session),
        "export_url": "/admin/audit/export.csv"
        + (f"?{filters.query_string()}" if filters.query_string() else ""),
    }
    partial = templating.wants_partial(request)
    name = "audit/_table.html" if partial else "audit/list.html"
    return templating.render(request, name, context)


@router.get("/admin/audit/export.csv")
def export_csv(
    principal: Admin, session: SessionDep, filters: FilterDep,
    _export: Annotated[None, Depends(quotas.Exporting("audit"))],
) -> StreamingResponse:
    """Download the events that match the filters as CSV (admins)."""
    # Rendered before returning: the session closes when the route returns.
    return StreamingResponse(
        iter(list(audit.export_csv(session=session, flt=filters.flt))),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="indusx-audit.csv"'},
    )
