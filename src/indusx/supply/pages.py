"""Web pages of the supply chains: the systems list and one system's risk, heat map and BOM."""

from itertools import pairwise
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from indusx import templating
from indusx.deps import SessionDep, SettingsDep, SignedIn
from indusx.supply import analysis, service
from indusx.supply.schemas import BomView, RiskRow, RiskView

router = APIRouter(include_in_schema=False)

SYSTEM_SORTS = {"name": "Name", "criticality": "Criticality, highest first",
                "parts": "Parts, most first"}
# The analysis sorts worst first (part numbers A to Z); the pages add the reverse order.
RISK_SORTS = {
    "criticality": "criticality",
    "number": "part number",
    "hhi": "concentration (HHI)",
    "outside": "share outside allies",
    "watch": "share from watched countries",
    "lead": "lead-time path",
}
DIMENSION_LABELS = {
    "single_source": "Single source",
    "concentration": "Concentration",
    "outside": "Outside allies",
    "watch": "Watch list",
    "screening": "Screening",
    "lead_time": "Lead time",
}
# A part is "risky" on the pages (warning icon, outline in the graph) from this criticality,
# or whenever one of its suppliers has a screening hit.
RISKY_FROM = 60.0
PAGE_SIZE = 20
# Cytoscape stays responsive to about this many nodes; bigger BOMs show their most critical
# parts with everything above them.
GRAPH_NODES = 400
BOM_ROWS = 2000
ALL_ROWS = 10_000_000


def is_risky(row: RiskRow) -> bool:
    """Return whether a part gets the risky mark: high criticality or a flagged supplier."""
    return row.criticality >= RISKY_FROM or bool(row.flagged_suppliers)


@router.get("/supply")
def systems(
    request: Request,
    principal: SignedIn,
    session: SessionDep,
    settings: SettingsDep,
    q: Annotated[str, Query(max_length=200)] = "",
    sort: Annotated[str, Query(max_length=20)] = "name",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    """List the systems the caller may read; HTMX requests get just the table."""
    chosen = sort if sort in SYSTEM_SORTS else "name"
    found = service.list_systems(session=session, principal=principal, q=q, sort=chosen,
                                 page=page, page_size=PAGE_SIZE, settings=settings)
    first = (page - 1) * PAGE_SIZE + 1
    context = {
        "rows": found.items,
        "total": found.total,
        "page": page,
        "pages": max(1, -(-found.total // PAGE_SIZE)),
        "first": first,
        "last": first + len(found.items) - 1,
        "q": q,
        "sort": chosen,
        "default_sort": "name",
        "sort_options": list(SYSTEM_SORTS.items()),
    }
    name = "supply/_systems_table.html" if templating.wants_partial(request) else (
        "supply/systems.html")
    return templating.render(request, name, context)


def _sort_caption(sort: str, desc: bool) -> str:
    label = RISK_SORTS[sort]
    if sort == "number":
        return f"by {label}, {'Z to A' if desc else 'A to Z'}"
    return f"by {label}, {'highest' if desc else 'lowest'} first"


def _graph(bom: BomView, risk: RiskView, rows: dict[int, RiskRow]) -> dict[str, Any]:
    """Return the BOM graph's nodes and edges for the page's script, capped for big BOMs."""
    parents: dict[int, list[int]] = {}
    for line in bom.lines:
        if line.parent_id is not None:
            parents.setdefault(line.child_id, []).append(line.parent_id)
    keep = {p.id for p in bom.parts}
    truncated = len(keep) > GRAPH_NODES
    if truncated:
        ranked = sorted(bom.parts, key=lambda p: -(p.criticality or 0.0))
        keep = set()
        for part in ranked:
            if len(keep) >= GRAPH_NODES:
                break
            todo = [part.id]
            while todo:  # the part and every assembly above it, so that the tree stays whole
                pid = todo.pop()
                if pid not in keep:
                    keep.add(pid)
                    todo.extend(parents.get(pid, []))
    path = [p.id for p in risk.critical_path]
    path_edges = set(pairwise(path))
    nodes = []
    for part in bom.parts:
        if part.id not in keep:
            continue
        row = rows.get(part.id)
        crit = part.criticality if part.criticality is not None else (
            row.criticality if row else 0.0)
        nodes.append({
            "id": part.id, "number": part.number, "name": part.name, "kind": part.kind.value,
            "criticality": round(crit, 1),
            "risky": bool(row and is_risky(row)) or crit >= RISKY_FROM,
            "on_path": part.id in path,
            "reasons": list(row.reasons[:4]) if row else [],
            "sources": [
                {"name": s.supplier_name, "country": s.country, "share": s.share,
                 "lead": s.lead_time_days, "flag": s.screening or ""}
                for s in part.sources
            ],
        })
    edges = [
        {"parent": line.parent_id, "child": line.child_id, "quantity": line.quantity,
         "on_path": (line.parent_id, line.child_id) in path_edges}
        for line in bom.lines
        if line.parent_id is not None and line.parent_id in keep and line.child_id in keep
    ]
    roots = sorted({line.child_id for line in bom.lines
                    if line.parent_id is None and line.child_id in keep})
    return {"nodes": nodes, "edges": edges, "roots": roots, "truncated": truncated}


def _heat_json(risk: RiskView) -> dict[str, Any]:
    """Return the heat map as ECharts wants it: [column, row, value, worst part]."""
    cells = [
        [x, y, round(cell.value, 3), cell.part.name if cell.part else ""]
        for y, row in enumerate(risk.heat)
        for x, cell in enumerate(row.cells)
    ]
    return {
        "rows": [f"{row.part.number} · {row.part.name}" for row in risk.heat],
        "dimensions": [DIMENSION_LABELS.get(d, d) for d in risk.dimensions],
        "cells": cells,
    }


@router.get("/supply/systems/{system_id}")
def system_page(
    request: Request,
    principal: SignedIn,
    session: SessionDep,
    settings: SettingsDep,
    system_id: int,
    sort: Annotated[str, Query(max_length=20)] = "criticality",
    desc: Annotated[int, Query(ge=0, le=1)] = 1,
    risky: Annotated[int, Query(ge=0, le=1)] = 0,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    """Show a system's key risk figures, risk table, heat map and BOM; HTMX gets the table."""
    chosen = sort if sort in RISK_SORTS else "criticality"
    service_order = bool(desc) if chosen != "number" else not desc
    risk = analysis.system_risk(session=session, principal=principal, settings=settings,
                                system_id=system_id, sort=chosen, page=1, page_size=ALL_ROWS)
    rows = [row for row in risk.rows if is_risky(row)] if risky else list(risk.rows)
    if not service_order:
        rows.reverse()
    start = (page - 1) * PAGE_SIZE
    shown = rows[start:start + PAGE_SIZE]
    context: dict[str, Any] = {
        "system": risk.system,
        "summary": risk.summary,
        "table_rows": shown,
        "total": len(rows),
        "page": page,
        "pages": max(1, -(-len(rows) // PAGE_SIZE)),
        "first": start + 1,
        "last": start + len(shown),
        "sort": chosen,
        "desc": bool(desc),
        "sort_caption": _sort_caption(chosen, bool(desc)),
        "risky_only": bool(risky),
        "is_risky": is_risky,
    }
    if templating.wants_partial(request):
        return templating.render(request, "supply/_risk_table.html", context)
    by_part = {row.part_id: row for row in risk.rows}
    bom = service.bom_view(session=session, principal=principal, system_id=system_id,
                           settings=settings)
    names = {p.id: p for p in bom.parts}
    bom_rows = []
    for tree_row in bom.tree[:BOM_ROWS]:
        part = names[tree_row.part_id]
        row = by_part.get(part.id)
        bom_rows.append({
            "id": part.id, "depth": tree_row.depth, "number": part.number, "name": part.name,
            "kind": part.kind.value, "unit": part.unit, "quantity": tree_row.quantity,
            "sources": len(part.sources), "criticality": part.criticality,
            "risky": bool(row and is_risky(row)),
        })
    context.update({
        "integrator": (
            {"id": risk.system.integrator_org_id, "name": risk.system.integrator_name}
            if risk.system.integrator_org_id else None
        ),
        "can_edit": risk.system.can_edit,
        "heat": risk.heat,
        "dimensions": risk.dimensions,
        "dimension_labels": DIMENSION_LABELS,
        "heat_json": _heat_json(risk),
        "graph": _graph(bom, risk, by_part),
        "bom_rows": bom_rows,
        "bom_truncated": len(bom.tree) > BOM_ROWS,
    })
    return templating.render(request, "supply/system.html", context)
