"""Who may see and change which supply systems: the one place that says.

- **Read** a system (its BOM, sources, risk, simulations over it): programme officers and
  admins; members (any role) of its integrator organisation; members of an organisation that
  supplies any of its parts. A supplier's member sees the system but not other suppliers'
  unit cost, capacity and stock (`sees_commercials`, `masked`).
- **Edit** a system (details, BOM, sources, imports, delete): officers, admins, and owners and
  editors of the integrator organisation.
- **Scenarios**: whoever may read every system in one may run it; saving needs the edit right
  on every system in it; saved scenarios are listed to those who may read all their systems.

`principal=None` stands for the command line and the demo loader: full access.
"""

from collections.abc import Collection, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts.permissions import EDIT_ROLES, Principal
from indusx.errors import Forbidden, NotFound
from indusx.supply.models import Part, Source, SupplySystem


def _is_all_seeing(principal: Principal | None) -> bool:
    return principal is None or principal.is_officer


def supplied_system_ids(session: Session, org_ids: Collection[int]) -> set[int]:
    """Return the systems with at least one part sourced from one of the organisations."""
    if not org_ids:
        return set()
    return set(session.scalars(
        select(Part.system_id).distinct()
        .join(Source, Source.part_id == Part.id)
        .where(Source.supplier_org_id.in_(list(org_ids)))
    ))


def visible_system_ids(session: Session, principal: Principal | None) -> set[int] | None:
    """Return the ids of the systems the principal may read; None means every system."""
    if principal is None or _is_all_seeing(principal):
        return None
    orgs = list(principal.org_roles)
    if not orgs:
        return set()
    integrated = set(session.scalars(
        select(SupplySystem.id).where(SupplySystem.integrator_org_id.in_(orgs))
    ))
    return integrated | supplied_system_ids(session, orgs)


def can_read_system(session: Session, principal: Principal | None, system: SupplySystem) -> bool:
    """Return whether the principal may read the system."""
    if principal is None or _is_all_seeing(principal):
        return True
    if system.integrator_org_id is not None and system.integrator_org_id in principal.org_roles:
        return True
    return _supplies(session, system.id, principal.org_roles)


def _supplies(session: Session, system_id: int, org_ids: Collection[int]) -> bool:
    if not org_ids:
        return False
    found = session.scalar(
        select(Part.system_id)
        .join(Source, Source.part_id == Part.id)
        .where(Part.system_id == system_id, Source.supplier_org_id.in_(list(org_ids)))
        .limit(1)
    )
    return found is not None


def can_edit_system(principal: Principal | None, system: SupplySystem) -> bool:
    """Return whether the principal may change the system, its BOM and its sources."""
    if principal is None or _is_all_seeing(principal):
        return True
    org = system.integrator_org_id
    return org is not None and principal.role_in(org) in EDIT_ROLES


def can_create_system(principal: Principal | None, integrator_org_id: int | None) -> bool:
    """Return whether the principal may create a system for this integrator."""
    if principal is None or _is_all_seeing(principal):
        return True
    return integrator_org_id is not None and principal.role_in(integrator_org_id) in EDIT_ROLES


def sees_commercials(principal: Principal | None, system: SupplySystem) -> bool:
    """Return whether the principal sees every source's unit cost, capacity and stock."""
    if principal is None or _is_all_seeing(principal):
        return True
    org = system.integrator_org_id
    return org is not None and org in principal.org_roles


def masked(principal: Principal | None, system: SupplySystem, supplier_org_id: int | None) -> bool:
    """Return whether a source's commercial fields are hidden from the principal."""
    if sees_commercials(principal, system):
        return False
    return principal is None or supplier_org_id not in principal.org_roles


def _load(session: Session, system_id: int) -> SupplySystem:
    system = session.get(SupplySystem, system_id)
    if system is None:
        raise NotFound("There is no such supply system")
    return system


def require_read(*, session: Session, principal: Principal | None, system_id: int) -> SupplySystem:
    """Return the system if the principal may read it; a system they may not read is 404."""
    system = _load(session, system_id)
    if not can_read_system(session, principal, system):
        raise NotFound("There is no such supply system")
    return system


def require_edit(*, session: Session, principal: Principal | None, system_id: int) -> SupplySystem:
    """Return the system if the principal may change it; 404 if unreadable, else 403."""
    system = require_read(session=session, principal=principal, system_id=system_id)
    if not can_edit_system(principal, system):
        raise Forbidden(
            "Only officers and the integrator's owners and editors may change this system"
        )
    return system


def may_read_all(visible: set[int] | None, system_ids: Iterable[int]) -> bool:
    """Return whether every one of the systems is in the visible set (None = all)."""
    return visible is None or all(i in visible for i in system_ids)
