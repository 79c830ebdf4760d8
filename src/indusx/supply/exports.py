"""CSV export of systems, bills of materials and sources in the import format (imports.py).

Text cells that a spreadsheet would run as a formula are neutralised; suppliers' members get
other suppliers' cost, capacity and stock cells empty.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts.permissions import Principal
from indusx.csvcells import safe_cell
from indusx.errors import Invalid
from indusx.orgs.models import FocusArea, Organisation
from indusx.supply import access
from indusx.supply.imports import BOM, COLUMNS, SOURCES, SYSTEMS
from indusx.supply.models import BomLine, Part, Source, SupplySystem


def _num(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _writer() -> tuple[io.StringIO, Any]:
    out = io.StringIO()
    return out, csv.writer(out, lineterminator="\n")


def export_texts(
    *, session: Session, principal: Principal | None, codes: Iterable[str] = ()
) -> dict[str, str]:
    """Return systems.csv, bom.csv and sources.csv of the named (or all readable) systems."""
    wanted = list(codes)
    visible = access.visible_system_ids(session, principal)
    stmt = select(SupplySystem).order_by(SupplySystem.code)
    if wanted:
        stmt = stmt.where(SupplySystem.code.in_(wanted))
    systems = [s for s in session.scalars(stmt) if visible is None or s.id in visible]
    missing = set(wanted) - {s.code for s in systems}
    if missing:
        raise Invalid.field("system", f"no supply system {', '.join(sorted(missing))}")
    orgs = dict(session.execute(select(Organisation.id, Organisation.name).where(
        Organisation.id.in_({s.integrator_org_id for s in systems if s.integrator_org_id}))).all())
    areas = dict(session.execute(select(FocusArea.id, FocusArea.slug)).all())
    sys_out, sys_csv = _writer()
    bom_out, bom_csv = _writer()
    src_out, src_csv = _writer()
    sys_csv.writerow(COLUMNS[SYSTEMS])
    bom_csv.writerow(COLUMNS[BOM])
    src_csv.writerow(COLUMNS[SOURCES])
    for system in systems:
        # An integrator is written by id: names need not be unique in the directory.
        sys_csv.writerow([safe_cell(system.code), safe_cell(system.name),
                          safe_cell(system.description),
                          system.integrator_org_id if system.integrator_org_id in orgs else "",
                          _num(system.annual_demand),
                          areas.get(system.focus_area_id, "") if system.focus_area_id else ""])
        parts = {r.id: r for r in session.execute(
            select(Part.id, Part.number, Part.name, Part.kind, Part.unit, Part.description)
            .where(Part.system_id == system.id))}
        lines = session.execute(
            select(BomLine.parent_id, BomLine.child_id, BomLine.quantity)
            .where(BomLine.system_id == system.id).order_by(BomLine.id)).all()
        for parent, child, quantity in _bom_order(lines):
            p = parts[child]
            bom_csv.writerow([safe_cell(system.code),
                              safe_cell(parts[parent].number) if parent else "",
                              safe_cell(p.number), safe_cell(p.name), p.kind.value,
                              _num(quantity), safe_cell(p.unit), safe_cell(p.description)])
        for r in session.execute(
            select(Source.part_id, Source.supplier_org_id, Source.supplier_name,
                   Source.country, Source.share, Source.lead_time_days, Source.annual_capacity,
                   Source.unit_cost, Source.stock_on_hand)
            .join(Part, Part.id == Source.part_id)
            .where(Part.system_id == system.id).order_by(Part.number, Source.id)
        ):
            hide = access.masked(principal, system, r.supplier_org_id)
            src_csv.writerow([
                safe_cell(system.code), safe_cell(parts[r.part_id].number),
                safe_cell(r.supplier_name) if r.supplier_org_id is None else "",
                r.supplier_org_id or "", r.country, _num(r.share), r.lead_time_days,
                "" if hide else _num(r.annual_capacity), "" if hide else _num(r.unit_cost),
                "" if hide else _num(r.stock_on_hand),
            ])
    return {SYSTEMS: sys_out.getvalue(), BOM: bom_out.getvalue(), SOURCES: src_out.getvalue()}


def _bom_order(lines: Sequence[Any]) -> list[tuple[int | None, int, float]]:
    """Return each line once, depth first from the top level (parents before children)."""
    children: dict[int | None, list[tuple[int, float]]] = {}
    for parent, child, quantity in lines:
        children.setdefault(parent, []).append((child, quantity))
    out: list[tuple[int | None, int, float]] = []
    expanded: set[int] = set()
    stack: list[tuple[int | None, int, float]] = [
        (None, c, q) for c, q in reversed(children.get(None, []))]
    while stack:
        parent, child, quantity = stack.pop()
        out.append((parent, child, quantity))
        if child in expanded:
            continue
        expanded.add(child)
        stack += [(child, c, q) for c, q in reversed(children.get(child, []))]
    if len(out) < len(lines):  # lines unreachable from the top level still get written
        done = {(p, c) for p, c, _ in out}
        out += [(p, c, q) for p, c, q in lines if (p, c) not in done]
    return out


def export_dir(
    *, session: Session, principal: Principal | None, directory: Path, codes: Iterable[str] = ()
) -> dict[str, int]:
    """Write the three files into a directory; return the rows written per file."""
    texts = export_texts(session=session, principal=principal, codes=codes)
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (directory / name).write_text(text, "utf-8")
    return {name: max(text.count("\n") - 1, 0) for name, text in texts.items()}
