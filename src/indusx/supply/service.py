"""Supply systems and their bills of materials: list, read, create, correct by hand.

Bulk changes go through the CSV import (imports.py). Every write is audited and bumps the
system's `updated_at`, which keys the risk-analysis cache.
"""

from typing import Any

from sqlalchemy import ColumnElement, case, delete, func, or_, select, true, update
from sqlalchemy.orm import Session

from indusx.accounts.permissions import Principal
from indusx.audit import service as audit
from indusx.audit.service import Actor
from indusx.config import Settings
from indusx.db import utcnow
from indusx.errors import Conflict, Forbidden, Invalid, NotFound
from indusx.orgs.models import FocusArea, Organisation
from indusx.screening import service as screening_service
from indusx.supply import access
from indusx.supply.models import BomLine, Part, Source, SupplySystem
from indusx.supply.schemas import (
    BomView,
    LineCreate,
    LineRead,
    Page,
    PartCreate,
    PartRead,
    PartUpdate,
    SourceCreate,
    SourceRead,
    SourceUpdate,
    SystemCreate,
    SystemRead,
    SystemSummary,
    SystemUpdate,
    TreeRow,
)

SORTS = ("name", "criticality", "parts")


def actor_of(principal: Principal | None) -> Actor:
    """Return the audit actor: the signed-in principal, or the command line."""
    return principal.actor if principal is not None else Actor.system("cli")


def supplier_key(org_id: int | None, name: str, country: str) -> str:
    """Return the engine's stable supplier key of a source."""
    if org_id is not None:
        return f"org:{org_id}"
    return f"ext:{name.strip().lower()}|{country.upper()}"


def touch(session: Session, system_id: int) -> None:
    """Mark the system changed (its analysis is recomputed on the next read)."""
    session.execute(
        update(SupplySystem).where(SupplySystem.id == system_id).values(updated_at=utcnow())
    )


# --- systems --------------------------------------------------------------------------------


def _scope(session: Session, principal: Principal | None) -> ColumnElement[bool]:
    visible = access.visible_system_ids(session, principal)
    return true() if visible is None else SupplySystem.id.in_(sorted(visible) or [-1])


def system_read(
    *, session: Session, principal: Principal | None, system: SupplySystem
) -> SystemRead:
    """Return a system as the API and pages show it."""
    integrator = (
        session.scalar(select(Organisation.name).where(Organisation.id == system.integrator_org_id))
        if system.integrator_org_id is not None
        else None
    )
    focus = (
        session.scalar(select(FocusArea.slug).where(FocusArea.id == system.focus_area_id))
        if system.focus_area_id is not None
        else None
    )
    return SystemRead(
        id=system.id, code=system.code, name=system.name, description=system.description,
        integrator_org_id=system.integrator_org_id, integrator_name=integrator,
        focus_area=focus, annual_demand=system.annual_demand, is_demo=system.is_demo,
        created_at=system.created_at, updated_at=system.updated_at,
        can_edit=access.can_edit_system(principal, system),
    )


def _counts(session: Session, system_ids: list[int]) -> dict[int, tuple[int, int, int]]:
    """Return {system id: (parts, sources, single-source parts)}."""
    if not system_ids:
        return {}
    per_part = (
        select(Part.system_id, Part.id.label("part_id"), func.count(Source.id).label("n"))
        .outerjoin(Source, (Source.part_id == Part.id) & (Source.share > 0))
        .where(Part.system_id.in_(system_ids))
        .group_by(Part.system_id, Part.id)
        .subquery()
    )
    rows = session.execute(
        select(
            per_part.c.system_id,
            func.count(),
            func.coalesce(func.sum(per_part.c.n), 0),
            func.coalesce(func.sum(case((per_part.c.n == 1, 1), else_=0)), 0),
        ).group_by(per_part.c.system_id)
    ).all()
    return {r[0]: (int(r[1]), int(r[2]), int(r[3])) for r in rows}


def list_systems(
    *,
    session: Session,
    principal: Principal | None,
    q: str = "",
    sort: str = "name",
    page: int = 1,
    page_size: int = 20,
    settings: Settings | None = None,
) -> Page[SystemSummary]:
    """Return a page of the systems the principal may read, with their headline figures.

    Criticality is filled in when `settings` is given (analyses are cached per process).
    """
    if sort not in SORTS:
        raise Invalid.field("sort", f"sort by one of {', '.join(SORTS)}")
    stmt = select(SupplySystem.id, SupplySystem.code, SupplySystem.name,
                  SupplySystem.integrator_org_id, Organisation.name.label("integrator"),
                  SupplySystem.annual_demand, SupplySystem.is_demo).outerjoin(
        Organisation, Organisation.id == SupplySystem.integrator_org_id
    ).where(_scope(session, principal))
    text = q.strip()
    if text:
        like = f"%{text.lower()}%"
        stmt = stmt.where(or_(func.lower(SupplySystem.name).like(like),
                              func.lower(SupplySystem.code).like(like)))
    rows = session.execute(stmt.order_by(func.lower(SupplySystem.name), SupplySystem.id)).all()
    total = len(rows)
    start = (page - 1) * page_size
    # Sorting by a computed figure needs every row's figure; by name, only the page's.
    chosen = rows[start:start + page_size] if sort == "name" else rows
    counts = _counts(session, [r.id for r in chosen])
    crit: dict[int, float] = {}
    if settings is not None and chosen:
        from indusx.supply import analysis

        crit = analysis.system_criticality(
            session=session, settings=settings, system_ids=[r.id for r in chosen]
        )
    items = [
        SystemSummary(
            id=r.id, code=r.code, name=r.name, integrator_org_id=r.integrator_org_id,
            integrator_name=r.integrator, annual_demand=r.annual_demand,
            parts=counts.get(r.id, (0, 0, 0))[0], sources=counts.get(r.id, (0, 0, 0))[1],
            single_source=counts.get(r.id, (0, 0, 0))[2], criticality=crit.get(r.id),
            is_demo=r.is_demo,
        )
        for r in chosen
    ]
    if sort == "criticality":
        items.sort(key=lambda s: -(s.criticality or 0.0))
        items = items[start:start + page_size]
    elif sort == "parts":
        items.sort(key=lambda s: -s.parts)
        items = items[start:start + page_size]
    return Page[SystemSummary](items=items, total=total, page=page, page_size=page_size)


def get_system(*, session: Session, principal: Principal | None, system_id: int) -> SupplySystem:
    """Return a system the principal may read, or raise 404."""
    return access.require_read(session=session, principal=principal, system_id=system_id)


def get_system_by_code(
    *, session: Session, principal: Principal | None, code: str
) -> SupplySystem:
    """Return a system by its code (or numeric id) if the principal may read it, else 404."""
    system = session.scalar(select(SupplySystem).where(SupplySystem.code == code.strip()))
    if system is None and code.strip().isdigit():
        system = session.get(SupplySystem, int(code))
    if system is None:
        raise NotFound(f"There is no supply system '{code}'")
    return access.require_read(session=session, principal=principal, system_id=system.id)


def _focus_id(session: Session, slug: str | None) -> int | None:
    if not slug:
        return None
    found = session.scalar(select(FocusArea.id).where(FocusArea.slug == slug))
    if found is None:
        raise Invalid.field("focus_area", f"no focus area '{slug}'")
    return found


def _check_integrator(session: Session, org_id: int | None) -> None:
    if org_id is not None and session.get(Organisation, org_id) is None:
        raise Invalid.field("integrator_org_id", "no such organisation in the directory")


def _check_code(session: Session, code: str, system_id: int | None = None) -> None:
    clash = session.scalar(select(SupplySystem.id).where(SupplySystem.code == code))
    if clash is not None and clash != system_id:
        raise Invalid.field("code", f"the code '{code}' is used by another system")


def _snapshot(system: SupplySystem) -> dict[str, Any]:
    return {"code": system.code, "name": system.name, "description": system.description,
            "integrator_org_id": system.integrator_org_id,
            "focus_area_id": system.focus_area_id, "annual_demand": system.annual_demand}


def create_system(
    *, session: Session, principal: Principal | None, system_in: SystemCreate,
    is_demo: bool = False,
) -> SupplySystem:
    """Create a system (officers, or owners and editors of its integrator)."""
    if not access.can_create_system(principal, system_in.integrator_org_id):
        raise Forbidden("Only officers and the integrator's owners and editors may add systems")
    _check_code(session, system_in.code)
    _check_integrator(session, system_in.integrator_org_id)
    system = SupplySystem(
        code=system_in.code, name=system_in.name, description=system_in.description,
        integrator_org_id=system_in.integrator_org_id,
        focus_area_id=_focus_id(session, system_in.focus_area),
        annual_demand=system_in.annual_demand, is_demo=is_demo,
        created_by_id=principal.user.id if principal is not None else None,
        created_at=utcnow(), updated_at=utcnow(),
    )
    session.add(system)
    session.flush()
    audit.record(session=session, actor=actor_of(principal), action="supply.system.create",
                 object_type="supply_system", object_id=system.id,
                 summary=f"added supply system {system.code}", after=_snapshot(system))
    return system


def update_system(
    *, session: Session, principal: Principal | None, system_id: int, system_in: SystemUpdate
) -> SupplySystem:
    """Change a system's details; fields left out are kept."""
    system = access.require_edit(session=session, principal=principal, system_id=system_id)
    before = _snapshot(system)
    changes = system_in.model_dump(exclude_unset=True)
    if "code" in changes and changes["code"] is not None:
        _check_code(session, changes["code"], system.id)
        system.code = changes["code"]
    if "integrator_org_id" in changes:
        _check_integrator(session, changes["integrator_org_id"])
        if not access.can_create_system(principal, changes["integrator_org_id"]):
            raise Forbidden("You may only hand a system to an organisation you edit for")
        system.integrator_org_id = changes["integrator_org_id"]
    if "focus_area" in changes:
        system.focus_area_id = _focus_id(session, changes["focus_area"])
    for name in ("name", "description", "annual_demand"):
        if changes.get(name) is not None:
            setattr(system, name, changes[name])
    system.updated_at = utcnow()
    session.flush()
    audit.record(session=session, actor=actor_of(principal), action="supply.system.update",
                 object_type="supply_system", object_id=system.id,
                 summary=f"changed supply system {system.code}", before=before,
                 after=_snapshot(system))
    return system


def delete_system(*, session: Session, principal: Principal | None, system_id: int) -> None:
    """Delete a system with its BOM and sources (saved scenarios keep their results)."""
    system = access.require_edit(session=session, principal=principal, system_id=system_id)
    snapshot = _snapshot(system)
    parts = select(Part.id).where(Part.system_id == system.id).scalar_subquery()
    counts = _counts(session, [system.id]).get(system.id, (0, 0, 0))
    session.execute(delete(Source).where(Source.part_id.in_(parts)))
    session.execute(delete(BomLine).where(BomLine.system_id == system.id))
    session.execute(delete(Part).where(Part.system_id == system.id))
    session.delete(system)
    session.flush()
    audit.record(session=session, actor=actor_of(principal), action="supply.system.delete",
                 object_type="supply_system", object_id=system_id,
                 summary=f"deleted supply system {snapshot['code']} with {counts[0]} parts "
                         f"and {counts[1]} sources", before=snapshot)


# --- bill of materials ----------------------------------------------------------------------


def tree_rows(lines: list[tuple[int, int | None, int, float]]) -> list[TreeRow]:
    """Return depth-first tree rows from (line id, parent, child, quantity), roots first."""
    children: dict[int | None, list[tuple[int, int, float]]] = {}
    for line_id, parent, child, quantity in sorted(lines):
        children.setdefault(parent, []).append((line_id, child, quantity))
    out: list[TreeRow] = []
    stack: list[tuple[int, int | None, float, int, frozenset[int]]] = [
        (child, None, qty, 0, frozenset()) for _, child, qty in reversed(children.get(None, []))
    ]
    while stack:
        part, parent, qty, depth, path = stack.pop()
        out.append(TreeRow(part_id=part, parent_id=parent, depth=depth, quantity=qty))
        if part in path:
            continue  # a cycle (refused on entry, but never loop on bad data)
        for _, child, child_qty in reversed(children.get(part, [])):
            stack.append((child, part, child_qty, depth + 1, path | {part}))
    return out


def source_reads(
    *, session: Session, principal: Principal | None, system: SupplySystem, part_ids: list[int]
) -> dict[int, list[SourceRead]]:
    """Return each part's sources, commercial fields masked for suppliers of other parts."""
    rows = session.execute(
        select(Source.id, Source.part_id, Source.supplier_org_id, Source.supplier_name,
               Organisation.name.label("org_name"), Source.country, Source.share,
               Source.lead_time_days, Source.annual_capacity, Source.unit_cost,
               Source.stock_on_hand)
        .outerjoin(Organisation, Organisation.id == Source.supplier_org_id)
        .join(Part, Part.id == Source.part_id)
        .where(Part.system_id == system.id)
        .order_by(Source.part_id, Source.share.desc(), Source.id)
    ).all()
    wanted = set(part_ids)
    org_ids = {r.supplier_org_id for r in rows if r.supplier_org_id is not None}
    flags = {
        org_id: standing.status.value
        for org_id, standing in screening_service.org_statuses(
            session=session, org_ids=org_ids).items()
        if standing.status in (screening_service.ScreeningStatus.REVIEW,
                               screening_service.ScreeningStatus.CONFIRMED)
    }
    out: dict[int, list[SourceRead]] = {}
    for r in rows:
        if r.part_id not in wanted:
            continue
        hide = access.masked(principal, system, r.supplier_org_id)
        out.setdefault(r.part_id, []).append(SourceRead(
            id=r.id, part_id=r.part_id,
            supplier_key=supplier_key(r.supplier_org_id, r.supplier_name, r.country),
            supplier_org_id=r.supplier_org_id, supplier_name=r.org_name or r.supplier_name,
            country=r.country, share=r.share, lead_time_days=r.lead_time_days,
            annual_capacity=None if hide else r.annual_capacity,
            unit_cost=None if hide else r.unit_cost,
            stock_on_hand=None if hide else r.stock_on_hand, masked=hide,
            screening=flags.get(r.supplier_org_id) if r.supplier_org_id else None,
        ))
    return out


def bom_view(
    *, session: Session, principal: Principal | None, system_id: int,
    settings: Settings | None = None,
) -> BomView:
    """Return a system's parts, lines and tree rows, with sources and (given settings) risk."""
    system = access.require_read(session=session, principal=principal, system_id=system_id)
    parts = {
        r.id: r for r in session.execute(
            select(Part.id, Part.number, Part.name, Part.kind, Part.unit, Part.description)
            .where(Part.system_id == system.id)
        )
    }
    lines: list[tuple[int, int | None, int, float]] = [
        (r.id, r.parent_id, r.child_id, r.quantity) for r in session.execute(
            select(BomLine.id, BomLine.parent_id, BomLine.child_id, BomLine.quantity)
            .where(BomLine.system_id == system.id)
        )
    ]
    tree = tree_rows(lines)
    order = list(dict.fromkeys([row.part_id for row in tree] + sorted(parts)))
    sources = source_reads(session=session, principal=principal, system=system, part_ids=order)
    crit: dict[int, float] = {}
    if settings is not None:
        from indusx.supply import analysis

        crit = analysis.part_criticality(session=session, settings=settings, system_id=system.id)
    return BomView(
        system=system_read(session=session, principal=principal, system=system),
        parts=[
            PartRead(id=p.id, number=p.number, name=p.name, kind=p.kind, unit=p.unit,
                     description=p.description, criticality=crit.get(p.id),
                     sources=sources.get(p.id, []))
            for p in (parts[i] for i in order if i in parts)
        ],
        lines=[LineRead(id=i, parent_id=p, child_id=c, quantity=q) for i, p, c, q in lines],
        tree=tree,
    )


def _part_for_edit(session: Session, principal: Principal | None, part_id: int) -> Part:
    part = session.get(Part, part_id)
    if part is None:
        raise NotFound("There is no such part")
    access.require_edit(session=session, principal=principal, system_id=part.system_id)
    return part


def _check_number(session: Session, system_id: int, number: str, part_id: int | None) -> None:
    clash = session.scalar(
        select(Part.id).where(Part.system_id == system_id, Part.number == number)
    )
    if clash is not None and clash != part_id:
        raise Invalid.field("number", f"part number '{number}' is already in this system")


def _ancestors(session: Session, system_id: int, part_id: int) -> set[int]:
    parents: dict[int, list[int]] = {}
    for parent, child in session.execute(
        select(BomLine.parent_id, BomLine.child_id).where(
            BomLine.system_id == system_id, BomLine.parent_id.is_not(None))
    ):
        if parent is not None:
            parents.setdefault(child, []).append(parent)
    seen: set[int] = set()
    todo = [part_id]
    while todo:
        for p in parents.get(todo.pop(), []):
            if p not in seen:
                seen.add(p)
                todo.append(p)
    return seen


def _new_line(
    session: Session, system_id: int, parent_id: int | None, child_id: int, quantity: float
) -> BomLine:
    if parent_id is not None:
        parent = session.get(Part, parent_id)
        if parent is None or parent.system_id != system_id:
            raise Invalid.field("parent_id", "the parent is not a part of this system")
        if parent_id == child_id or child_id in _ancestors(session, system_id, parent_id):
            raise Invalid.field("parent_id", "that would make the BOM a cycle")
    clash = session.scalar(select(BomLine.id).where(
        BomLine.system_id == system_id, BomLine.child_id == child_id,
        BomLine.parent_id.is_(None) if parent_id is None else BomLine.parent_id == parent_id))
    if clash is not None:
        raise Invalid.field("child_id", "the part is already under that parent")
    line = BomLine(system_id=system_id, parent_id=parent_id, child_id=child_id,
                   quantity=quantity)
    session.add(line)
    session.flush()
    return line


def add_part(
    *, session: Session, principal: Principal | None, system_id: int, part_in: PartCreate
) -> Part:
    """Add a part under a parent (or at the top level) of a system's BOM."""
    access.require_edit(session=session, principal=principal, system_id=system_id)
    _check_number(session, system_id, part_in.number, None)
    part = Part(system_id=system_id, number=part_in.number, name=part_in.name,
                kind=part_in.kind, unit=part_in.unit, description=part_in.description)
    session.add(part)
    session.flush()
    _new_line(session, system_id, part_in.parent_id, part.id, part_in.quantity)
    touch(session, system_id)
    audit.record(session=session, actor=actor_of(principal), action="supply.part.create",
                 object_type="supply_part", object_id=part.id,
                 summary=f"added part {part.number} to supply system {system_id}",
                 after=part_in.model_dump(mode="json"))
    return part


def update_part(
    *, session: Session, principal: Principal | None, part_id: int, part_in: PartUpdate
) -> Part:
    """Change a part's number, name, kind, unit or description."""
    part = _part_for_edit(session, principal, part_id)
    fields = ("number", "name", "kind", "unit", "description")
    before = {f: getattr(part, f) for f in fields}
    changes = {k: v for k, v in part_in.model_dump(exclude_unset=True).items() if v is not None}
    if "number" in changes:
        _check_number(session, part.system_id, changes["number"], part.id)
    for name, value in changes.items():
        setattr(part, name, value)
    session.flush()
    touch(session, part.system_id)
    audit.record(session=session, actor=actor_of(principal), action="supply.part.update",
                 object_type="supply_part", object_id=part.id,
                 summary=f"changed part {part.number}", before=before,
                 after={f: getattr(part, f) for f in fields})
    return part


def delete_part(*, session: Session, principal: Principal | None, part_id: int) -> None:
    """Remove a part with its lines and sources; an assembly must be emptied first."""
    part = _part_for_edit(session, principal, part_id)
    has_children = session.scalar(select(BomLine.id).where(BomLine.parent_id == part.id).limit(1))
    if has_children is not None:
        raise Conflict("Remove or move the parts under this assembly first")
    system_id, number = part.system_id, part.number
    session.execute(delete(Source).where(Source.part_id == part.id))
    session.execute(delete(BomLine).where(BomLine.child_id == part.id))
    session.delete(part)
    session.flush()
    touch(session, system_id)
    audit.record(session=session, actor=actor_of(principal), action="supply.part.delete",
                 object_type="supply_part", object_id=part_id,
                 summary=f"removed part {number} from supply system {system_id}",
                 before={"number": number, "system_id": system_id})


def add_line(
    *, session: Session, principal: Principal | None, system_id: int, line_in: LineCreate
) -> BomLine:
    """Put an existing part under another parent too (the BOM is a DAG; cycles refused)."""
    access.require_edit(session=session, principal=principal, system_id=system_id)
    child = session.get(Part, line_in.child_id)
    if child is None or child.system_id != system_id:
        raise Invalid.field("child_id", "the part is not in this system")
    line = _new_line(session, system_id, line_in.parent_id, line_in.child_id, line_in.quantity)
    touch(session, system_id)
    audit.record(session=session, actor=actor_of(principal), action="supply.line.create",
                 object_type="supply_bom_line", object_id=line.id,
                 summary=f"put part {child.number} under part {line_in.parent_id or 'top level'}",
                 after=line_in.model_dump())
    return line


def delete_line(*, session: Session, principal: Principal | None, line_id: int) -> None:
    """Remove one parent-child link of a BOM."""
    line = session.get(BomLine, line_id)
    if line is None:
        raise NotFound("There is no such BOM line")
    access.require_edit(session=session, principal=principal, system_id=line.system_id)
    before = {"parent_id": line.parent_id, "child_id": line.child_id, "quantity": line.quantity}
    system_id = line.system_id
    session.delete(line)
    session.flush()
    touch(session, system_id)
    audit.record(session=session, actor=actor_of(principal), action="supply.line.delete",
                 object_type="supply_bom_line", object_id=line_id,
                 summary="removed a BOM line", before=before)


def _source_snapshot(source: Source) -> dict[str, Any]:
    return {f: getattr(source, f) for f in (
        "supplier_org_id", "supplier_name", "country", "share", "lead_time_days",
        "annual_capacity", "unit_cost", "stock_on_hand")}


def add_source(
    *, session: Session, principal: Principal | None, part_id: int, source_in: SourceCreate
) -> Source:
    """Add a qualified source to a part."""
    part = _part_for_edit(session, principal, part_id)
    country = source_in.country
    if source_in.supplier_org_id is not None:
        org = session.get(Organisation, source_in.supplier_org_id)
        if org is None:
            raise Invalid.field("supplier_org_id", "no such organisation in the directory")
        country = country or org.country.value
    assert country is not None  # the schema requires it for external suppliers
    key = supplier_key(source_in.supplier_org_id, source_in.supplier_name, country)
    existing = source_reads(session=session, principal=None,
                            system=session.get_one(SupplySystem, part.system_id),
                            part_ids=[part.id]).get(part.id, [])
    if any(s.supplier_key == key for s in existing):
        raise Invalid.field("supplier_name", "this supplier is already a source of the part")
    source = Source(
        part_id=part.id, supplier_org_id=source_in.supplier_org_id,
        supplier_name="" if source_in.supplier_org_id is not None else source_in.supplier_name,
        country=country, share=source_in.share, lead_time_days=source_in.lead_time_days,
        annual_capacity=source_in.annual_capacity, unit_cost=source_in.unit_cost,
        stock_on_hand=source_in.stock_on_hand,
    )
    session.add(source)
    session.flush()
    touch(session, part.system_id)
    audit.record(session=session, actor=actor_of(principal), action="supply.source.create",
                 object_type="supply_source", object_id=source.id,
                 summary=f"added source {key} to part {part.number}",
                 after=_source_snapshot(source))
    return source


def _source_for_edit(session: Session, principal: Principal | None, source_id: int
                     ) -> tuple[Source, Part]:
    source = session.get(Source, source_id)
    if source is None:
        raise NotFound("There is no such source")
    return source, _part_for_edit(session, principal, source.part_id)


def update_source(
    *, session: Session, principal: Principal | None, source_id: int, source_in: SourceUpdate
) -> Source:
    """Change a source's country, share, lead time, capacity, cost or stock."""
    source, part = _source_for_edit(session, principal, source_id)
    before = _source_snapshot(source)
    for name, value in source_in.model_dump(exclude_unset=True).items():
        if value is None and name in ("country", "share", "lead_time_days", "stock_on_hand"):
            continue  # required columns: null means "keep"
        setattr(source, name, value)
    session.flush()
    touch(session, part.system_id)
    audit.record(session=session, actor=actor_of(principal), action="supply.source.update",
                 object_type="supply_source", object_id=source.id,
                 summary=f"changed a source of part {part.number}", before=before,
                 after=_source_snapshot(source))
    return source


def delete_source(*, session: Session, principal: Principal | None, source_id: int) -> None:
    """Remove a source from a part."""
    source, part = _source_for_edit(session, principal, source_id)
    before = _source_snapshot(source)
    session.delete(source)
    session.flush()
    touch(session, part.system_id)
    audit.record(session=session, actor=actor_of(principal), action="supply.source.delete",
                 object_type="supply_source", object_id=source_id,
                 summary=f"removed a source of part {part.number}", before=before)
