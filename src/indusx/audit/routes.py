"""REST API for the audit log (admins only): browse, filter and export."""

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from indusx.audit import service as audit
from indusx.audit.service import AuditFilter
from indusx.deps import Admin, SessionDep
from indusx.ops import quotas

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


def audit_filter(
    actor: Annotated[str | None, Query(max_length=254, description="e-mail contains")] = None,
    action: Annotated[
        str | None, Query(max_length=64, description="exact, or prefix ending in '.'")
    ] = None,
    object_type: Annotated[str | None, Query(max_length=64)] = None,
    object_id: Annotated[str | None, Query(max_length=64)] = None,
    since: date | None = None,
    until: date | None = None,
) -> AuditFilter:
    """Return the audit filter from the query string."""
    return AuditFilter(actor=actor or None, action=action or None,
                       object_type=object_type or None, object_id=object_id or None,
                       since=since, until=until)


AuditFilterDep = Annotated[AuditFilter, Depends(audit_filter)]


@router.get("")
def list_events(
    principal: Admin, session: SessionDep, flt: AuditFilterDep,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, Any]:
    """Return one page of audit events, newest first."""
    rows, total = audit.list_events(session=session, flt=flt, page=page, page_size=page_size)
    return {"items": [audit.event_dict(e) for e in rows], "total": total, "page": page,
            "page_size": page_size}


@router.get("/export.csv")
def export_events(
    principal: Admin, session: SessionDep, flt: AuditFilterDep,
    _export: Annotated[None, Depends(quotas.Exporting("audit"))],
) -> StreamingResponse:
    """Download the matching audit events as CSV."""
    return StreamingResponse(
        iter(list(audit.export_csv(session=session, flt=flt))),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="indusx-audit.csv"'},
    )
