"""A small, hand-computable supply chain for the supply domain's tests.

System "TS-1" (demand 120 a year), integrated by alice's organisation:

    A  assembly  x1 (top level)
      P1 part      x2   US supplier org 60% (supplier_org), Kaiju Metals JP 40%
      M1 material  x3   Dragon Alloys CN 100%  (single source, watched country)

P1: HHI over countries 60^2 + 40^2 = 5,200; M1: 10,000, all from a watched country.
"""

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from sqlalchemy.orm import Session

from indusx.orgs.models import Organisation
from indusx.supply import service
from indusx.supply.models import PartKind
from indusx.supply.schemas import PartCreate, SourceCreate, SystemCreate

NICKEL = dict(
    country="US", kind="msme",
    description="Vacuum-melted nickel superalloy bar and billet for aerospace forgings.",
    capabilities="Nickel superalloy bar stock, vacuum induction melting, alloy billet.",
    focus_areas=["jet-propulsion"], seeking=["co_production"],
)


def small_chain(
    session: Session, people: SimpleNamespace, make_org: Callable[..., Organisation],
    **system: Any,
) -> SimpleNamespace:
    """Create the small chain above; return its system, parts, sources and supplier org."""
    supplier = make_org(name="Granite Forge Components", country="US", kind="msme")
    fields: dict[str, Any] = dict(code="TS-1", name="Test system", annual_demand=120.0,
                                  integrator_org_id=people.org.id)
    fields.update(system)
    s = service.create_system(session=session, principal=None,
                              system_in=SystemCreate(**fields))
    a = service.add_part(session=session, principal=None, system_id=s.id, part_in=PartCreate(
        number="A", name="Housing assembly", kind=PartKind.ASSEMBLY))
    p1 = service.add_part(session=session, principal=None, system_id=s.id, part_in=PartCreate(
        number="P1", name="Turbine disc", kind=PartKind.PART, parent_id=a.id, quantity=2,
        description="Forged turbine disc"))
    m1 = service.add_part(session=session, principal=None, system_id=s.id, part_in=PartCreate(
        number="M1", name="Nickel superalloy bar", kind=PartKind.MATERIAL, parent_id=a.id,
        quantity=3, description="Vacuum-melted nickel superalloy bar stock"))
    own = service.add_source(session=session, principal=None, part_id=p1.id,
                             source_in=SourceCreate(
                                 supplier_org_id=supplier.id, share=0.6, lead_time_days=120,
                                 annual_capacity=200, unit_cost=5000, stock_on_hand=10))
    kaiju = service.add_source(session=session, principal=None, part_id=p1.id,
                               source_in=SourceCreate(
                                   supplier_name="Kaiju Metals", country="JP", share=0.4,
                                   lead_time_days=90, annual_capacity=150, unit_cost=4000,
                                   stock_on_hand=5))
    dragon = service.add_source(session=session, principal=None, part_id=m1.id,
                                source_in=SourceCreate(
                                    supplier_name="Dragon Alloys", country="CN", share=1.0,
                                    lead_time_days=200, annual_capacity=500, unit_cost=80,
                                    stock_on_hand=0))
    session.commit()
    return SimpleNamespace(system=s, a=a, p1=p1, m1=m1, supplier=supplier, own=own,
                           kaiju=kaiju, dragon=dragon)
