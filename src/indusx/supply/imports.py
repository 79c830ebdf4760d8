"""CSV import and export of systems, bills of materials and sources (formats in docs/supply.md).

A bundle is up to three files: systems.csv, bom.csv, sources.csv. Every row is checked first
and every problem reported as `file:row: field: reason` (rows counted as a spreadsheet shows
them, the header being row 1); if there is any, nothing is written. Importing a system named
in bom.csv replaces its whole BOM and its sources; one named only in sources.csv keeps its
BOM and has its sources replaced.
"""

import csv
import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from indusx.accounts.permissions import Principal
from indusx.audit import service as audit
from indusx.db import utcnow
from indusx.errors import Invalid
from indusx.orgs.models import FocusArea, Organisation
from indusx.supply import access
from indusx.supply.engine.network import BomError, SupplyNetwork
from indusx.supply.engine.types import LineRow, PartRow, SystemRow
from indusx.supply.models import BomLine, Part, PartKind, Source, SupplySystem
from indusx.supply.regions import is_country
from indusx.supply.service import actor_of, supplier_key

SYSTEMS, BOM, SOURCES = "systems.csv", "bom.csv", "sources.csv"
COLUMNS = {
    SYSTEMS: ["code", "name", "description", "integrator", "annual_demand", "focus_area"],
    BOM: ["system", "parent", "part_number", "name", "kind", "quantity", "unit", "description"],
    SOURCES: ["system", "part_number", "supplier", "supplier_org", "country", "share",
              "lead_time_days", "annual_capacity", "unit_cost", "stock_on_hand"],
}
REQUIRED = {
    SYSTEMS: ("code", "name"),
    BOM: ("system", "part_number"),
    SOURCES: ("system", "part_number", "share", "lead_time_days"),
}
KINDS = {k.value for k in PartKind}


class ImportProblems(Invalid):
    """Rows that cannot be imported; nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        errors = []
        for line in problems:
            where, _, reason = line.rpartition(": ")
            errors.append({"field": where or "file", "message": reason})
        super().__init__(f"{len(problems)} problem(s); nothing was imported: "
                         + "; ".join(problems[:5]), errors=errors)
        self.problems = problems


@dataclass
class ImportSummary:
    systems_created: list[str] = field(default_factory=list)
    systems_updated: list[str] = field(default_factory=list)
    parts: int = 0
    lines: int = 0
    sources: int = 0
    dry_run: bool = False


@dataclass
class _SystemIn:
    row: int
    code: str
    name: str
    description: str
    integrator_org_id: int | None
    annual_demand: float
    focus_area_id: int | None


@dataclass
class _PartIn:
    row: int
    number: str
    name: str = ""
    kind: str = ""
    unit: str = ""
    description: str = ""


@dataclass
class _SourceIn:
    row: int
    system: str
    part: str
    org_id: int | None
    name: str
    country: str
    share: float
    lead: int
    capacity: float | None
    cost: float | None
    stock: float


@dataclass
class _Bundle:
    problems: list[str] = field(default_factory=list)
    systems: dict[str, _SystemIn] = field(default_factory=dict)
    parts: dict[str, dict[str, _PartIn]] = field(default_factory=dict)  # system -> number
    lines: dict[str, dict[tuple[str, str], tuple[int, float]]] = field(default_factory=dict)
    sources: dict[str, list[_SourceIn]] = field(default_factory=dict)

    def problem(self, name: str, row: int, column: str, reason: str) -> None:
        self.problems.append(f"{name}:{row}: {column}: {reason}")


def read_dir(directory: Path) -> dict[str, str]:
    """Return the texts of the bundle's files present in a directory."""
    if not directory.is_dir():
        raise ImportProblems([f"{directory}: file: not a directory"])
    texts = {name: (directory / name).read_text("utf-8-sig")
             for name in COLUMNS if (directory / name).is_file()}
    if not texts:
        raise ImportProblems([f"{directory}: file: none of {', '.join(COLUMNS)} is there"])
    return texts


def _rows(bundle: _Bundle, name: str, text: str) -> Iterable[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    try:
        yield from _records(bundle, name, reader)
    except csv.Error as exc:
        # A stray carriage return or quote: a problem at its line, not a failed request.
        bundle.problem(name, reader.line_num or 1, "file", f"malformed CSV ({exc})")


def _records(bundle: _Bundle, name: str, reader: "csv.DictReader[str]"
             ) -> Iterable[tuple[int, dict[str, str]]]:
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED[name] if c not in header]
    unknown = [c for c in header if c not in COLUMNS[name]]
    if missing:
        bundle.problem(name, 1, "header", f"missing column(s) {', '.join(missing)}")
        return
    if unknown:
        bundle.problem(name, 1, "header", f"unknown column(s) {', '.join(unknown)}")
        return
    reader.fieldnames = header
    for n, raw in enumerate(reader, start=2):
        row = {k: (v or "").strip() for k, v in raw.items() if k is not None}
        if any(row.values()):
            yield n, row


def _number(bundle: _Bundle, name: str, row: int, column: str, text: str, *,
            default: float | None, positive: bool = False) -> float | None:
    if not text:
        if default is None and column in REQUIRED[name]:
            bundle.problem(name, row, column, "missing")
        return default
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        bundle.problem(name, row, column, f"{text!r} is not a number")
        return default
    if value != value or value in (float("inf"), float("-inf")):
        bundle.problem(name, row, column, f"{text!r} is not a number")
    elif positive and value <= 0:
        bundle.problem(name, row, column, "must be more than 0")
    elif value < 0:
        bundle.problem(name, row, column, "must not be negative")
    return value


def _share(bundle: _Bundle, row: int, text: str) -> float:
    percent = text.endswith("%")
    value = _number(bundle, SOURCES, row, "share", text.removesuffix("%").strip(),
                    default=None)
    if value is None:
        return 0.0
    if percent:
        value /= 100
    if not 0 <= value <= 1:
        bundle.problem(SOURCES, row, "share",
                       f"{text!r} is not a fraction 0-1 or a percent such as 60%")
    return value


class _Directory:
    """Organisations and focus areas looked up by id or exact name, once each."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._orgs: dict[str, list[tuple[int, str]]] = {}

    def orgs(self, ref: str) -> list[tuple[int, str]]:
        if ref not in self._orgs:
            stmt = select(Organisation.id, Organisation.country)
            if ref.isdigit():
                stmt = stmt.where(Organisation.id == int(ref))
            else:
                stmt = stmt.where(func.lower(Organisation.name) == ref.lower())
            self._orgs[ref] = [(i, c.value) for i, c in self.session.execute(stmt)]
        return self._orgs[ref]

    def org(self, bundle: _Bundle, name: str, row: int, column: str, ref: str
            ) -> tuple[int, str] | None:
        found = self.orgs(ref)
        if not found:
            bundle.problem(name, row, column, f"no organisation {ref!r} in the directory")
            return None
        if len(found) > 1:
            bundle.problem(name, row, column, f"{ref!r} names {len(found)} organisations; "
                                              "give its id")
            return None
        return found[0]


def _parse_systems(bundle: _Bundle, text: str, directory: _Directory) -> None:
    areas = {slug: i for i, slug in directory.session.execute(
        select(FocusArea.id, FocusArea.slug))}
    areas |= {n.lower(): i for i, n in directory.session.execute(
        select(FocusArea.id, FocusArea.name))}
    for row, r in _rows(bundle, SYSTEMS, text):
        code, name = r.get("code", ""), r.get("name", "")
        if not code:
            bundle.problem(SYSTEMS, row, "code", "missing")
            continue
        if len(code) > 40:
            bundle.problem(SYSTEMS, row, "code", "longer than 40 characters")
        if code in bundle.systems:
            bundle.problem(SYSTEMS, row, "code",
                           f"duplicate system {code!r} (also row {bundle.systems[code].row})")
            continue
        if not name:
            bundle.problem(SYSTEMS, row, "name", "missing")
        integrator = None
        if r.get("integrator"):
            found = directory.org(bundle, SYSTEMS, row, "integrator", r["integrator"])
            integrator = found[0] if found else None
        focus = None
        if r.get("focus_area"):
            focus = areas.get(r["focus_area"]) or areas.get(r["focus_area"].lower())
            if focus is None:
                bundle.problem(SYSTEMS, row, "focus_area",
                               f"no focus area {r['focus_area']!r}")
        demand = _number(bundle, SYSTEMS, row, "annual_demand", r.get("annual_demand", ""),
                         default=0.0) or 0.0
        bundle.systems[code] = _SystemIn(row, code, name[:200], r.get("description", ""),
                                         integrator, demand, focus)


def _parse_bom(bundle: _Bundle, text: str, known: Callable[[str], bool]) -> None:
    for row, r in _rows(bundle, BOM, text):
        system, number, parent = r.get("system", ""), r.get("part_number", ""), r.get("parent", "")
        if not system or not known(system):
            bundle.problem(BOM, row, "system",
                           f"unknown system {system!r}" if system else "missing")
            continue
        if not number:
            bundle.problem(BOM, row, "part_number", "missing")
            continue
        parts = bundle.parts.setdefault(system, {})
        part = parts.setdefault(number, _PartIn(row, number))
        for column, limit in (("name", 200), ("kind", 20), ("unit", 20), ("description", 10_000)):
            value = r.get(column, "")
            if not value:
                continue
            if column == "kind" and value not in KINDS:
                bundle.problem(BOM, row, "kind", f"{value!r} is not one of {', '.join(KINDS)}")
                continue
            if len(value) > limit:
                bundle.problem(BOM, row, column, f"longer than {limit} characters")
                continue
            if getattr(part, column) and getattr(part, column) != value:
                bundle.problem(BOM, row, column, f"part {number} has another {column} on row "
                                                 f"{part.row}")
                continue
            setattr(part, column, value)
        quantity = _number(bundle, BOM, row, "quantity", r.get("quantity", ""), default=1.0,
                           positive=True) or 1.0
        lines = bundle.lines.setdefault(system, {})
        key = (parent, number)
        if key in lines:
            bundle.problem(BOM, row, "part_number",
                           f"duplicate row: {number} under {parent or 'the top level'} "
                           f"(also row {lines[key][0]})")
            continue
        if parent == number:
            bundle.problem(BOM, row, "parent", "a part cannot be its own parent")
            continue
        lines[key] = (row, quantity)
    for system, parts in bundle.parts.items():
        for part in parts.values():
            if not part.name:
                bundle.problem(BOM, part.row, "name", f"part {part.number} has no name")
        for (parent, _), (row, _) in bundle.lines.get(system, {}).items():
            if parent and parent not in parts:
                bundle.problem(BOM, row, "parent", f"unknown part {parent!r} in {system}")
        _check_cycles(bundle, system)


def _check_cycles(bundle: _Bundle, system: str) -> None:
    parts = bundle.parts[system]
    keys = {number: i for i, number in enumerate(parts, start=1)}
    lines = [LineRow(keys[p] if p else None, keys[c], q)
             for (p, c), (_, q) in bundle.lines.get(system, {}).items() if not p or p in keys]
    try:
        SupplyNetwork.build(
            [SystemRow(0, system, 0.0)],
            [PartRow(i, 0, n, parts[n].name or n, parts[n].kind or "part")
             for n, i in keys.items()],
            lines, [],
        )
    except BomError as exc:
        bundle.problems.append(f"{BOM}: system {system}: {exc}")


def _parse_sources(bundle: _Bundle, text: str, known: Callable[[str], bool],
                   db_parts: Callable[[str], set[str]], directory: _Directory) -> None:
    seen: dict[tuple[str, str, str], int] = {}
    for row, r in _rows(bundle, SOURCES, text):
        system, number = r.get("system", ""), r.get("part_number", "")
        if not system or not known(system):
            bundle.problem(SOURCES, row, "system",
                           f"unknown system {system!r}" if system else "missing")
            continue
        parts = set(bundle.parts[system]) if system in bundle.parts else db_parts(system)
        if number not in parts:
            bundle.problem(SOURCES, row, "part_number",
                           f"unknown part {number!r} in {system}" if number else "missing")
            continue
        org_id, country = None, r.get("country", "").upper()
        name = r.get("supplier", "")
        if r.get("supplier_org"):
            found = directory.org(bundle, SOURCES, row, "supplier_org", r["supplier_org"])
            if found is None:
                continue
            org_id, country = found[0], country or found[1]
        elif not name:
            bundle.problem(SOURCES, row, "supplier", "give supplier or supplier_org")
            continue
        if not country:
            bundle.problem(SOURCES, row, "country", "missing (an external supplier's country)")
            continue
        if not is_country(country):
            bundle.problem(SOURCES, row, "country", f"{country!r} is not an ISO 3166 code")
            continue
        share = _share(bundle, row, r.get("share", ""))
        lead = _number(bundle, SOURCES, row, "lead_time_days", r.get("lead_time_days", ""),
                       default=None)
        if lead is not None and lead != int(lead):
            bundle.problem(SOURCES, row, "lead_time_days", "must be whole days")
        capacity = _number(bundle, SOURCES, row, "annual_capacity",
                           r.get("annual_capacity", ""), default=None)
        cost = _number(bundle, SOURCES, row, "unit_cost", r.get("unit_cost", ""), default=None)
        stock = _number(bundle, SOURCES, row, "stock_on_hand", r.get("stock_on_hand", ""),
                        default=0.0) or 0.0
        key = supplier_key(org_id, name, country)
        if (system, number, key) in seen:
            bundle.problem(SOURCES, row, "supplier", f"duplicate source of {number} "
                                                     f"(also row {seen[(system, number, key)]})")
            continue
        seen[(system, number, key)] = row
        bundle.sources.setdefault(system, []).append(_SourceIn(
            row, system, number, org_id, "" if org_id else name[:200], country, share,
            int(lead or 0), capacity, cost, stock))


def _check_access(session: Session, principal: Principal | None, bundle: _Bundle,
                  existing: dict[str, SupplySystem]) -> None:
    touched = set(bundle.systems) | set(bundle.parts) | set(bundle.sources)
    for code in sorted(touched):
        system = existing.get(code)
        given = bundle.systems.get(code)
        if system is not None and not access.can_edit_system(principal, system):
            bundle.problems.append(f"{SYSTEMS if given else BOM}: system {code}: you may not "
                                   "change this system")
        elif system is None and given is not None and not access.can_create_system(
                principal, given.integrator_org_id):
            bundle.problem(SYSTEMS, given.row, "integrator",
                           "you may only add systems for an organisation you edit for")


def check(*, session: Session, principal: Principal | None, texts: Mapping[str, str]
          ) -> tuple[_Bundle, dict[str, SupplySystem]]:
    """Return the parsed bundle and the existing systems it names, or raise ImportProblems."""
    bundle = _Bundle()
    directory = _Directory(session)
    if SYSTEMS in texts:
        _parse_systems(bundle, texts[SYSTEMS], directory)
    codes: set[str] = set(bundle.systems)
    for name in (BOM, SOURCES):
        if name in texts:
            codes |= {r.get("system", "") for _, r in _rows(_Bundle(), name, texts[name])}
    existing = {s.code: s for s in session.scalars(
        select(SupplySystem).where(SupplySystem.code.in_(sorted(codes))))}

    def known(code: str) -> bool:
        return code in bundle.systems or code in existing

    def db_parts(code: str) -> set[str]:
        system = existing.get(code)
        if system is None:
            return set()
        return set(session.scalars(select(Part.number).where(Part.system_id == system.id)))

    if BOM in texts:
        _parse_bom(bundle, texts[BOM], known)
    if SOURCES in texts:
        _parse_sources(bundle, texts[SOURCES], known, db_parts, directory)
    _check_access(session, principal, bundle, existing)
    if bundle.problems:
        raise ImportProblems(bundle.problems)
    return bundle, existing


def _write_system(session: Session, principal: Principal | None, given: _SystemIn,
                  system: SupplySystem | None) -> SupplySystem:
    if system is None:
        system = SupplySystem(code=given.code, created_at=utcnow(),
                              created_by_id=principal.user.id if principal else None)
        session.add(system)
    system.name, system.description = given.name, given.description
    system.integrator_org_id, system.focus_area_id = given.integrator_org_id, given.focus_area_id
    system.annual_demand, system.updated_at = given.annual_demand, utcnow()
    session.flush()
    return system


def import_texts(
    *,
    session: Session,
    principal: Principal | None,
    texts: Mapping[str, str],
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Check a bundle and (unless a dry run) write it in the caller's transaction."""
    bundle, existing = check(session=session, principal=principal, texts=texts)
    summary = ImportSummary(dry_run=dry_run)
    codes = sorted(set(bundle.systems) | set(bundle.parts) | set(bundle.sources))
    for code in codes:
        (summary.systems_updated if code in existing else summary.systems_created).append(code)
    summary.parts = sum(len(p) for p in bundle.parts.values())
    summary.lines = sum(len(v) for v in bundle.lines.values())
    summary.sources = sum(len(v) for v in bundle.sources.values())
    if dry_run:
        return summary
    for code in codes:
        system = existing.get(code)
        if code in bundle.systems:
            system = _write_system(session, principal, bundle.systems[code], system)
        assert system is not None  # check() refused unknown systems
        _replace(session, system, bundle)
        audit.record(session=session, actor=actor_of(principal), action="supply.import",
                     object_type="supply_system", object_id=system.id,
                     summary=f"imported supply system {code}",
                     after={"parts": len(bundle.parts.get(code, {})),
                            "lines": len(bundle.lines.get(code, {})),
                            "sources": len(bundle.sources.get(code, [])),
                            "bom_replaced": code in bundle.parts,
                            "sources_replaced": code in bundle.parts or code in bundle.sources})
        if progress is not None:
            progress(1)
    return summary


def _replace(session: Session, system: SupplySystem, bundle: _Bundle) -> None:
    code = system.code
    system.updated_at = utcnow()
    part_ids = select(Part.id).where(Part.system_id == system.id).scalar_subquery()
    if code in bundle.parts or code in bundle.sources:
        session.execute(delete(Source).where(Source.part_id.in_(part_ids)))
    if code in bundle.parts:
        session.execute(delete(BomLine).where(BomLine.system_id == system.id))
        session.execute(delete(Part).where(Part.system_id == system.id))
        parts = list(bundle.parts[code].values())
        ids = list(session.scalars(
            insert(Part).returning(Part.id, sort_by_parameter_order=True),
            [{"system_id": system.id, "number": p.number, "name": p.name,
              "kind": PartKind(p.kind or "part"), "unit": p.unit or "ea",
              "description": p.description} for p in parts],
        ))
        by_number = {p.number: i for p, i in zip(parts, ids, strict=True)}
        lines = [{"system_id": system.id, "parent_id": by_number[p] if p else None,
                  "child_id": by_number[c], "quantity": q}
                 for (p, c), (_, q) in bundle.lines[code].items()]
        if lines:
            session.execute(insert(BomLine), lines)
    else:
        by_number = dict(session.execute(
            select(Part.number, Part.id).where(Part.system_id == system.id)).all())
    rows = [{"part_id": by_number[s.part], "supplier_org_id": s.org_id, "supplier_name": s.name,
             "country": s.country, "share": s.share, "lead_time_days": s.lead,
             "annual_capacity": s.capacity, "unit_cost": s.cost, "stock_on_hand": s.stock}
            for s in bundle.sources.get(code, [])]
    if rows:
        session.execute(insert(Source), rows)
    session.flush()


def import_dir(
    *, session: Session, principal: Principal | None, directory: Path, dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Import the bundle in a directory (see import_texts)."""
    return import_texts(session=session, principal=principal, texts=read_dir(directory),
                        dry_run=dry_run, progress=progress)
