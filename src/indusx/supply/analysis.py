"""Supply risk over the database: engine rows from plain column queries, cached per process.

An analysis is keyed on the systems, their `updated_at` values (every write to a system, its
parts, lines or sources bumps it), a marker of the screening cases and the country policy,
so a repeated read of an unchanged system costs a few small queries.
"""

import threading
from collections import OrderedDict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from indusx.accounts.permissions import Principal
from indusx.config import Settings
from indusx.db import PerEngine
from indusx.errors import Invalid
from indusx.orgs.models import Organisation
from indusx.screening import service as screening_service
from indusx.screening.models import ScreeningCase
from indusx.supply import access
from indusx.supply import service as supply_service
from indusx.supply.engine.network import SupplyNetwork
from indusx.supply.engine.risk import analyse
from indusx.supply.engine.types import (
    LineRow,
    PartRow,
    RiskPolicy,
    RiskReport,
    SourceRow,
    SystemRow,
)
from indusx.supply.models import BomLine, Part, Source, SupplySystem
from indusx.supply.schemas import (
    HeatCellRead,
    HeatRow,
    PartRef,
    RiskRow,
    RiskView,
    SupplierRef,
    SystemRiskRead,
)

DIMENSIONS = ("single_source", "concentration", "outside", "watch", "screening", "lead_time")
SORT_KEYS = ("criticality", "hhi", "lead", "outside", "watch", "number")
CACHE_SIZE = 64


@dataclass(frozen=True, slots=True)
class Supplier:
    name: str
    country: str
    org_id: int | None


@dataclass
class Loaded:
    """A network with the names that the engine does not carry."""

    network: SupplyNetwork
    parts: dict[int, tuple[str, str, int, str]]  # id -> (number, name, system, description)
    systems: dict[int, tuple[str, str]]  # id -> (code, name)
    suppliers: dict[str, Supplier]  # supplier key -> who
    source_keys: dict[int, str]  # source id -> supplier key
    part_sources: dict[int, list[tuple[str, float]]]  # part -> [(supplier key, share)]
    reports: dict[tuple[Any, ...], RiskReport] = field(default_factory=dict)


@dataclass
class _Cache:
    lock: threading.Lock = field(default_factory=threading.Lock)
    entries: OrderedDict[tuple[Any, ...], Loaded] = field(default_factory=OrderedDict)


_CACHES: PerEngine[_Cache] = PerEngine(_Cache)


def _source_rows(session: Session, system_ids: list[int]) -> Iterable[Any]:
    return session.execute(
        select(Source.id, Source.part_id, Source.supplier_org_id, Source.supplier_name,
               Organisation.name, Source.country, Source.share, Source.lead_time_days,
               Source.annual_capacity, Source.unit_cost, Source.stock_on_hand)
        .join(Part, Part.id == Source.part_id)
        .outerjoin(Organisation, Organisation.id == Source.supplier_org_id)
        .where(Part.system_id.in_(system_ids))
        .order_by(Source.id)
    )


def load(*, session: Session, system_ids: Collection[int]) -> Loaded:
    """Return the network of the systems with part and supplier names (uncached)."""
    ids = sorted(set(system_ids))
    systems = session.execute(
        select(SupplySystem.id, SupplySystem.code, SupplySystem.name, SupplySystem.annual_demand)
        .where(SupplySystem.id.in_(ids))
    ).all()
    part_rows = session.execute(
        select(Part.id, Part.system_id, Part.number, Part.name, Part.kind, Part.description)
        .where(Part.system_id.in_(ids))
    ).all()
    lines = session.execute(
        select(BomLine.parent_id, BomLine.child_id, BomLine.quantity)
        .where(BomLine.system_id.in_(ids))
    )
    suppliers: dict[str, Supplier] = {}
    source_keys: dict[int, str] = {}
    part_sources: dict[int, list[tuple[str, float]]] = {}
    sources: list[SourceRow] = []
    for sid, part, org_id, ext_name, org_name, country, share, lead, cap, cost, stock in (
        _source_rows(session, ids)
    ):
        key = supply_service.supplier_key(org_id, ext_name, country)
        name = org_name if org_id is not None else ext_name
        suppliers.setdefault(key, Supplier(name or key, country, org_id))
        source_keys[sid] = key
        part_sources.setdefault(part, []).append((key, share))
        sources.append(SourceRow(sid, part, key, name or key, country, share, lead, cap, cost,
                                 stock))
    network = SupplyNetwork.build(
        [SystemRow(r.id, r.name, r.annual_demand) for r in systems],
        [PartRow(r.id, r.system_id, r.number, r.name, str(r.kind)) for r in part_rows],
        [LineRow(*r) for r in lines],
        sources,
    )
    return Loaded(
        network=network,
        parts={r.id: (r.number, r.name, r.system_id, r.description) for r in part_rows},
        systems={r.id: (r.code, r.name) for r in systems},
        suppliers=suppliers, source_keys=source_keys, part_sources=part_sources,
    )


def network_for(*, session: Session, system_ids: Collection[int]) -> SupplyNetwork:
    """Return the engine network of the systems, built from plain column queries."""
    return load(session=session, system_ids=system_ids).network


def _screening_marker(session: Session) -> tuple[Any, ...]:
    count, newest = session.execute(
        select(func.count(), func.max(ScreeningCase.updated_at))
    ).one()
    return int(count), newest


def _flags(session: Session, org_ids: Iterable[int]) -> dict[str, str]:
    wanted = {
        screening_service.ScreeningStatus.REVIEW: "review",
        screening_service.ScreeningStatus.CONFIRMED: "confirmed",
    }
    return {
        f"org:{org_id}": wanted[standing.status]
        for org_id, standing in screening_service.org_statuses(
            session=session, org_ids=org_ids).items()
        if standing.status in wanted
    }


def policy_for(
    *, session: Session, settings: Settings, system_ids: Collection[int] | None = None
) -> RiskPolicy:
    """Return the risk policy: partners US/IN, the settings' allies and watch list, and the
    screening flags of the directory organisations supplying the systems (None = all)."""
    stmt = select(Source.supplier_org_id).distinct().where(Source.supplier_org_id.is_not(None))
    if system_ids is not None:
        stmt = stmt.join(Part, Part.id == Source.part_id).where(
            Part.system_id.in_(list(system_ids)))
    org_ids = [i for i in session.scalars(stmt) if i is not None]
    return RiskPolicy(
        partners=frozenset({"US", "IN"}),
        allies=settings.supply_ally_countries,
        watch=settings.supply_watch_countries,
        flags=_flags(session, org_ids),
    )


def loaded(*, session: Session, system_ids: Collection[int]) -> Loaded:
    """Return the systems' network and names, from the process cache when unchanged."""
    ids = tuple(sorted(set(system_ids)))
    stamps: tuple[datetime, ...] = tuple(
        session.scalars(
            select(SupplySystem.updated_at).where(SupplySystem.id.in_(ids))
            .order_by(SupplySystem.id)
        )
    )
    key = (ids, stamps)
    cache = _CACHES.get(session)
    with cache.lock:
        hit = cache.entries.get(key)
        if hit is not None:
            cache.entries.move_to_end(key)
            return hit
    fresh = load(session=session, system_ids=ids)
    with cache.lock:
        cache.entries[key] = fresh
        while len(cache.entries) > CACHE_SIZE:
            cache.entries.popitem(last=False)
    return fresh


def report_for(
    *, session: Session, settings: Settings, system_ids: Collection[int]
) -> tuple[Loaded, RiskReport]:
    """Return the systems' risk report (cached on the data, screening and policy)."""
    data = loaded(session=session, system_ids=system_ids)
    key = (_screening_marker(session), settings.supply_allies, settings.supply_watch)
    report = data.reports.get(key)
    if report is None:
        policy = policy_for(session=session, settings=settings,
                            system_ids=list(data.systems))
        report = analyse(data.network, policy)
        data.reports.clear()  # one policy at a time is what a process serves
        data.reports[key] = report
    return data, report


def system_criticality(
    *, session: Session, settings: Settings, system_ids: Collection[int]
) -> dict[int, float]:
    """Return each system's criticality (0-100), one cached analysis per system."""
    out = {}
    for system_id in system_ids:
        _, report = report_for(session=session, settings=settings, system_ids=[system_id])
        risk = report.systems.get(system_id)
        if risk is not None:
            out[system_id] = risk.criticality
    return out


def part_criticality(*, session: Session, settings: Settings, system_id: int) -> dict[int, float]:
    """Return each part's criticality (0-100) in one system."""
    _, report = report_for(session=session, settings=settings, system_ids=[system_id])
    return {p.part: p.criticality for p in report.parts.values() if p.system == system_id}


def _ref(data: Loaded, part_id: int) -> PartRef:
    number, name, _, _ = data.parts[part_id]
    return PartRef(id=part_id, number=number, name=name)


def supplier_ref(data: Loaded, key: str, share: float | None = None) -> SupplierRef:
    """Return who a supplier key stands for."""
    who = data.suppliers.get(key) or Supplier(key, "", None)
    return SupplierRef(key=key, name=who.name, country=who.country, share=share,
                       org_id=who.org_id)


_SORTS: dict[str, Any] = {
    "criticality": lambda r: (-r.criticality, r.number),
    "hhi": lambda r: (-r.hhi, -r.criticality, r.number),
    "lead": lambda r: (-r.path_lead_days, -r.lead_days, r.number),
    "outside": lambda r: (-r.outside_share, -r.criticality, r.number),
    "watch": lambda r: (-r.watch_share, -r.criticality, r.number),
    "number": lambda r: r.number,
}


def system_risk(
    *,
    session: Session,
    principal: Principal | None,
    settings: Settings,
    system_id: int,
    sort: str = "criticality",
    page: int = 1,
    page_size: int = 50,
) -> RiskView:
    """Return a system's risk: summary, a sorted page of the risk table and the heat map."""
    if sort not in _SORTS:
        raise Invalid.field("sort", f"sort by one of {', '.join(SORT_KEYS)}")
    system = access.require_read(session=session, principal=principal, system_id=system_id)
    data, report = report_for(session=session, settings=settings, system_ids=[system.id])
    risk = report.systems[system.id]
    rows = []
    for p in report.parts.values():
        if p.system != system.id:
            continue
        rows.append(RiskRow(
            part_id=p.part, number=p.number, name=p.name, kind=p.kind,
            criticality=round(p.criticality, 2), sources=p.sources, countries=p.countries,
            single_source=p.single_source, single_country=p.single_country,
            hhi=round(p.hhi, 1), outside_share=round(p.outside_share, 4),
            watch_share=round(p.watch_share, 4),
            flagged_suppliers=[supplier_ref(data, k) for k in p.flagged_suppliers],
            lead_days=p.lead_days, path_lead_days=p.path_lead_days,
            on_critical_path=p.on_critical_path, units_per_system=p.units_per_system,
            reasons=list(p.reasons),
            suppliers=[supplier_ref(data, k, s) for k, s in data.part_sources.get(p.part, [])],
        ))
    rows.sort(key=_SORTS[sort])
    start = (page - 1) * page_size
    cells: dict[int, list[HeatCellRead]] = {}
    for cell in risk.heat:
        cells.setdefault(cell.row, []).append(HeatCellRead(
            dimension=cell.dimension, value=round(cell.value, 4),
            part=_ref(data, cell.part) if cell.part is not None else None,
        ))
    order = {d: i for i, d in enumerate(DIMENSIONS)}
    heat = [
        HeatRow(part=_ref(data, row),
                cells=sorted(cells.get(row, []), key=lambda c: order.get(c.dimension, 99)))
        for row in risk.heat_rows
    ]
    return RiskView(
        system=supply_service.system_read(session=session, principal=principal, system=system),
        summary=SystemRiskRead(
            parts=risk.parts, sourced_parts=risk.sourced_parts,
            unsourced_leaves=risk.unsourced_leaves, single_source=risk.single_source,
            single_country=risk.single_country, mean_hhi=round(risk.mean_hhi, 1),
            max_hhi=round(risk.max_hhi, 1), outside_share=round(risk.outside_share, 4),
            watch_share=round(risk.watch_share, 4), flagged_parts=risk.flagged_parts,
            longest_path_days=risk.longest_path_days, criticality=round(risk.criticality, 2),
        ),
        critical_path=[_ref(data, p) for p in risk.critical_path],
        top_parts=[_ref(data, p) for p in risk.top_parts],
        rows=rows[start:start + page_size], total=len(rows), page=page, page_size=page_size,
        sort=sort, dimensions=list(DIMENSIONS), heat=heat,
    )
