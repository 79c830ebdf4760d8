"""Three fictional co-production supply chains for the demo, labelled "(demo)".

A turbofan engine, a towed howitzer and an infantry carrier vehicle, each a BOM of 40-odd
parts over three to four levels. Sources mix demo directory organisations of both countries
(picked deterministically by kind and country), invented external suppliers in allied
countries and a few in watched ones. Integrators are demo primes; the Indian and US demo
founders' start-ups supply a part each (so they see those systems, other suppliers' figures
masked); a demo organisation with an open screening case supplies a turbofan part.

The saved scenarios suggest alternate sources from the matching engine, so the directory's
profiles are embedded first (what the background indexer or `indusx match reindex` would do
later); without the embedding model the scenarios are saved with the note that says so.
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.orgs.models import Organisation
from indusx.orgs.taxonomy import Country, OrgKind
from indusx.screening import service as screening_service
from indusx.screening.models import CaseStatus, ScreeningCase, ScreeningSubject
from indusx.supply import service, simulation
from indusx.supply.models import SupplySystem
from indusx.supply.schemas import PartCreate, ScenarioSpec, SourceCreate, SystemCreate

# External suppliers: all invented.
EXTERNAL = {
    "JP": ("Kansai Precision Metals", "Shinkawa Ceramics"),
    "DE": ("Rheinwerk Antriebstechnik", "Allgau Sensorik"),
    "FR": ("Aubrac Composites", "Sologne Hydraulique"),
    "GB": ("Pennine Bearings", "Severn Castings"),
    "IL": ("Negev Optronics",),
    "KR": ("Hanbit Power Electronics",),
    "SE": ("Norrland Specialstal",),
    "CA": ("Laurentian Forge",),
    "CN": ("Huaxin Rare Earth Materials", "Lingnan Magnet Works"),
    "RU": ("Uralsk Titanium Works",),
}


@dataclass(frozen=True, slots=True)
class Spec:
    code: str
    name: str
    focus: str
    demand: float
    integrator: tuple[Country, int]  # the n-th demo prime of that country
    description: str
    bom: str  # depth|number|name|kind|qty|sources|description; "!" marks a long lead time
    scenario: tuple[str, str, dict[str, object]]


TURBOFAN = Spec(
    "TF-40D", "Turbofan engine TF-40 (demo)", "jet-propulsion", 60, (Country.IN, 0),
    "Fictional low-bypass turbofan for a light combat aircraft, co-produced in India and the US.",
    """\
0|TF-100|Fan and low-pressure compressor module|assembly|1||Three-stage fan with LP compressor
1|TF-110|Fan blade set|part|1|US+IN|Titanium wide-chord fan blades, machined and shot-peened
1|TF-111|Fan disc|part|1|US!|Forged titanium fan disc, ultrasonically inspected
1|TF-112|Fan case|part|1|IN+FR|Containment fan case, aramid-wrapped aluminium
1|TF-113|LP compressor stator vanes|part|1|IN|Variable stator vanes, stainless steel
1|TF-114|Fan blade titanium billet|material|6|RU+JP!|Ti-6Al-4V billet for fan blade forging
0|TF-200|High-pressure compressor module|assembly|1||Six-stage high-pressure compressor
1|TF-210|HP compressor blisk|part|3|US!|Integrally bladed rotor, five-axis milled
1|TF-211|HP compressor casing|part|1|IN+US|Split casing, nickel alloy, with bleed ports
1|TF-212|Variable-geometry actuator|part|2|DE|Fuel-draulic actuator for variable stator vanes
1|TF-213|Abradable seal coating|material|1|GB+US|Thermal-spray abradable coating powder
0|TF-300|Combustor module|assembly|1||Annular combustor with fuel injectors
1|TF-310|Combustor liner|part|1|IN|Effusion-cooled liner, cobalt alloy sheet
1|TF-311|Fuel injector|part|18|US+IN|Air-blast fuel injector with heat shield
1|TF-312|Igniter plug|part|2|GB|High-energy igniter plug
1|TF-313|Thermal barrier coating powder|material|1|JP+US|Yttria-stabilised zirconia powder
0|TF-400|High-pressure turbine module|assembly|1||Single-stage cooled HP turbine
1|TF-410|HP turbine blade|part|1|US!|High-pressure turbine blade, single-crystal nickel superalloy
2|TF-411|Single-crystal superalloy ingot|material|2|US+CN!|Rhenium-bearing nickel superalloy ingot
2|TF-412|Ceramic casting core|part|1|JP|Silica ceramic core for blade cooling passages
1|TF-420|HP turbine disc|part|1|US!|Powder-metallurgy nickel disc, isothermally forged
1|TF-430|HP nozzle guide vane segment|part|12|IN+US|Cast cooled nozzle guide vane doublet
1|TF-440|Turbine shroud segment|part|24|IN|Honeycomb-lined turbine shroud segment
0|TF-500|Low-pressure turbine and exhaust|assembly|1||Two-stage LP turbine with exhaust
1|TF-510|LP turbine blade set|part|1|IN+GB|Equiaxed cast LP turbine blades
1|TF-520|LP shaft|part|1|US|Maraging steel low-pressure shaft
1|TF-530|Exhaust mixer|part|1|IN|Lobed exhaust mixer, titanium sheet
0|TF-600|Accessories and controls|assembly|1||Gearbox, fuel system and engine control
1|TF-610|Accessory gearbox|assembly|1||Engine-driven accessory gearbox
2|TF-611|Gearbox housing|part|1|IN|Magnesium alloy sand-cast housing
2|TF-612|Spiral bevel gear set|part|1|DE+US|Carburised spiral bevel gears, ground
2|TF-613|Main shaft bearing|part|3|GB+US!|M50 steel main-shaft ball bearing
1|TF-620|Fuel metering unit|part|1|US+IN|Hydromechanical fuel metering unit
1|TF-630|FADEC|assembly|1||Dual-channel full-authority digital engine control
2|TF-631|FADEC processor board|part|2|US+IN|Radiation-tolerant processor board
2|TF-632|Power supply module|part|2|KR|Engine control power supply
2|TF-633|FADEC software|part|1|IN|Certified engine control software load
1|TF-640|Engine sensors set|part|1|IN+IL|Temperature, pressure and speed sensors
1|TF-650|Permanent-magnet alternator|part|1|US|Dedicated alternator for the engine control
2|TF-651|Samarium-cobalt magnet|material|8|CN|Sintered samarium-cobalt magnet segments
0|TF-700|Engine dressing|assembly|1||Harnesses, pipes and mounts
1|TF-710|Electrical harness|part|1|IN|Fire-resistant engine wiring harness
1|TF-720|Engine mount|part|2|IN+US|Forged steel engine mount link
""",
    ("China out (demo)", "What the turbofan can still build if Chinese supply stops for 180 "
     "days.", {"countries_out": ["CN"], "days": 180}),
)

HOWITZER = Spec(
    "HWZ-155D", "155 mm towed howitzer (demo)", "artillery", 40, (Country.IN, 1),
    "Fictional 155 mm/52-calibre lightweight towed howitzer, co-produced.",
    """\
0|HZ-100|Ordnance assembly|assembly|1||Barrel, breech and muzzle brake
1|HZ-110|Barrel|part|1|IN+US!|Autofrettaged 52-calibre barrel, chrome-lined bore
2|HZ-111|Gun steel forging|material|1|SE+IN!|Vacuum-degassed high-strength gun steel
1|HZ-120|Breech mechanism|assembly|1||Semi-automatic screw breech
2|HZ-121|Breech block|part|1|IN|Interrupted-screw breech block, machined
2|HZ-122|Obturator pad|part|1|US|Obturator pad, resilient composite
2|HZ-123|Firing mechanism|part|1|IN+GB|Percussion firing mechanism
1|HZ-130|Muzzle brake|part|1|IN|Double-baffle muzzle brake, cast steel
0|HZ-200|Recoil system|assembly|1||Hydro-pneumatic recoil and recuperator
1|HZ-210|Recoil cylinder|part|2|IN+FR|Honed recoil cylinder with piston rod
1|HZ-211|Recuperator|part|1|FR!|Nitrogen recuperator assembly
1|HZ-212|Hydraulic seal kit|part|1|DE+US|High-pressure seal kit for recoil system
1|HZ-213|Recoil fluid|material|40|US+IN|Hydraulic recoil fluid, litres
0|HZ-300|Carriage|assembly|1||Split-trail carriage with cradle
1|HZ-310|Cradle|part|1|IN|Welded steel cradle with trunnions
1|HZ-320|Trail legs|part|2|IN+US|High-strength steel trail leg weldment
1|HZ-330|Elevating mechanism|part|1|IN|Elevating gear with hand-wheel drive
1|HZ-331|Traversing mechanism|part|1|IN|Traversing gear with slew ring
2|HZ-332|Slew ring bearing|part|1|DE!|Large-diameter slewing ring bearing
1|HZ-340|Equilibrator|part|2|IN+GB|Pneumatic equilibrator
1|HZ-350|Armour steel plate|material|6|IN+SE|Rolled high-hardness steel plate, square metres
0|HZ-400|Mobility|assembly|1||Wheels, brakes and auxiliary power
1|HZ-410|Road wheel and tyre|part|4|IN|Run-flat road wheel with tyre
1|HZ-420|Brake unit|part|2|IN+US|Hydraulic brake with parking brake
1|HZ-430|Auxiliary power unit|assembly|1||Diesel APU for self-propelled movement
2|HZ-431|APU diesel engine|part|1|DE+US!|Compact liquid-cooled diesel engine
2|HZ-432|Hydraulic motor|part|2|IN+KR|Wheel hub hydraulic motor
2|HZ-433|APU control box|part|1|IN|APU control electronics
0|HZ-500|Fire control|assembly|1||Digital fire control and sighting
1|HZ-510|Inertial navigation unit|part|1|US+IL!|Ring-laser-gyro inertial navigation and gun pointing
2|HZ-511|Ring laser gyro|part|3|US!|Ring laser gyroscope
1|HZ-520|Muzzle velocity radar|part|1|IL|Doppler muzzle velocity radar
1|HZ-530|Gunner display unit|part|1|IN+US|Rugged sunlight-readable display
2|HZ-531|Display glass|material|1|CN+JP|Chemically strengthened display glass
1|HZ-540|Ballistic computer|part|1|IN|Ballistic computer with fire-control software
1|HZ-550|Direct-fire sight|part|1|IN+FR|Day/night direct-fire telescopic sight
1|HZ-560|Cable harness|part|1|IN|Fire-control cable harness
1|HZ-570|Battery pack|part|2|KR+CN|Lithium-ion battery pack, 24 V
0|HZ-600|Ammunition handling|assembly|1||Loading tray and rammer
1|HZ-610|Loading tray|part|1|IN|Swing-in loading tray
1|HZ-620|Flick rammer|part|1|IN+GB|Spring-powered flick rammer
""",
    ("Europe out for 120 days (demo)", "European suppliers (Germany, France, Sweden, UK) "
     "stop for 120 days.", {"regions_out": ["Europe"], "days": 120}),
)

ICV = Spec(
    "ICV-8D", "8x8 infantry carrier vehicle (demo)", "armoured-vehicles", 80, (Country.US, 0),
    "Fictional wheeled 8x8 infantry carrier for land mobility, co-produced.",
    """\
0|IC-100|Hull|assembly|1||Welded armoured hull with mine protection
1|IC-110|Hull armour plate|material|18|US+IN+SE|Ballistic steel plate, square metres
1|IC-120|Add-on ceramic armour panel|part|12|IL+US!|Boron-carbide ceramic armour tile panel
2|IC-121|Boron carbide powder|material|30|CN+US!|Hot-press grade boron carbide powder, kg
1|IC-130|Mine blast floor|part|1|US|Double-V mine blast floor plate
1|IC-140|Blast-attenuating seat|part|10|US+IN|Energy-absorbing troop seat
0|IC-200|Powerpack|assembly|1||Engine, transmission and cooling
1|IC-210|Diesel engine|part|1|DE+US!|600 hp V8 diesel engine
2|IC-211|Turbocharger|part|2|US+JP|Variable-geometry turbocharger
2|IC-212|Common-rail injector|part|8|DE+JP|High-pressure common-rail injector
1|IC-220|Automatic transmission|part|1|US!|Seven-speed automatic transmission
1|IC-230|Cooling pack|part|1|IN+US|Radiator and charge-air cooler pack
1|IC-240|Fuel tank|part|2|IN|Self-sealing fuel tank
0|IC-300|Driveline and suspension|assembly|1||Axles, suspension and tyres
1|IC-310|Axle assembly|part|4|IN+US|Driven steer axle with hub reduction
1|IC-320|Hydropneumatic suspension strut|part|8|FR+US|Hydropneumatic suspension unit
1|IC-330|Run-flat tyre|part|8|IN+KR|Run-flat tyre with central inflation
1|IC-340|Central tyre inflation system|part|1|US|Central tyre inflation controller
1|IC-350|Brake disc and caliper|part|8|IN+DE|Ventilated brake disc with caliper
0|IC-400|Remote weapon station|assembly|1||Stabilised remote weapon station
1|IC-410|Weapon cradle|part|1|IN|Weapon cradle for 12.7 mm machine gun
1|IC-420|Stabilisation drive|part|2|US+IL|Gyro-stabilised azimuth and elevation drive
2|IC-421|Brushless torque motor|part|2|US+CN|Frameless brushless torque motor
3|IC-422|Neodymium magnet|material|12|CN!|Sintered neodymium-iron-boron magnet segments
1|IC-430|Thermal imager|part|1|US+IL!|Cooled mid-wave infrared thermal imager
2|IC-431|Infrared detector|part|1|US!|Cooled mercury-cadmium-telluride focal plane array
2|IC-432|Germanium lens|material|2|CN+US|Germanium optical blank for infrared lenses
1|IC-440|Laser rangefinder|part|1|IN+IL|Eye-safe laser rangefinder
0|IC-500|Electrical and vetronics|assembly|1||Power, networking and crew displays
1|IC-510|Vehicle battery|part|4|KR+US|Lithium iron phosphate vehicle battery
1|IC-520|Power distribution unit|part|1|IN|Solid-state power distribution unit
1|IC-530|Vetronics computer|part|1|US+IN|Open-architecture vetronics computer
2|IC-531|Processor module|part|2|US|Rugged embedded processor module
1|IC-540|Crew display|part|3|IN+US|Multi-function crew display
1|IC-550|Intercom system|part|1|IN|Vehicle intercom with radio interface
1|IC-560|Wiring harness set|part|1|IN|Vehicle wiring harness set
0|IC-600|Crew protection|assembly|1||NBC, fire suppression and air conditioning
1|IC-610|NBC filtration unit|part|1|GB+US|Nuclear, biological and chemical filtration unit
1|IC-620|Fire suppression system|part|1|US+IN|Automatic crew-compartment fire suppression
1|IC-630|Air-conditioning unit|part|1|IN|Vehicle air-conditioning unit
""",
    ("Demand doubles with Japan out (demo)", "A surge: twice the planned build rate for 90 "
     "days while Japanese suppliers are out.", {"countries_out": ["JP"], "demand_factor": 2.0}),
)

SPECS = (TURBOFAN, HOWITZER, ICV)
KIND_LEAD = {"material": 90, "part": 75, "assembly": 45}
KIND_COST = {"material": 120.0, "part": 4_500.0, "assembly": 20_000.0}


def _orgs(session: Session, country: Country, kinds: tuple[OrgKind, ...]) -> list[int]:
    return list(session.scalars(
        select(Organisation.id).where(Organisation.is_demo.is_(True),
                                      Organisation.country == country,
                                      Organisation.kind.in_(kinds))
        .order_by(Organisation.id)))


def _open_case_org(session: Session) -> int | None:
    return session.scalar(
        select(ScreeningSubject.org_id)
        .join(ScreeningCase, ScreeningCase.subject_id == ScreeningSubject.id)
        .join(Organisation, Organisation.id == ScreeningSubject.org_id)
        .where(ScreeningCase.status == CaseStatus.OPEN, Organisation.is_demo.is_(True))
        .order_by(ScreeningSubject.org_id).limit(1))


class _Picker:
    """Deterministic choice of directory suppliers, cycling through each country's pool."""

    def __init__(self, session: Session, skip: set[int]) -> None:
        kinds = (OrgKind.MSME, OrgKind.LARGE_COMPANY, OrgKind.STARTUP)
        self.pools = {c: [i for i in _orgs(session, c, kinds) if i not in skip]
                      for c in (Country.IN, Country.US)}
        self.next = dict.fromkeys(self.pools, 0)

    def take(self, country: Country) -> int | None:
        pool = self.pools[country]
        if not pool:
            return None
        org_id = pool[self.next[country] % len(pool)]
        self.next[country] += 1
        return org_id


def _sources(
    picker: _Picker, sources: str, index: int, qty: float, demand: float, kind: str,
    special: int | None,
) -> list[SourceCreate]:
    long_lead = sources.endswith("!")
    countries = [c for c in sources.rstrip("!").split("+") if c]
    shares = {1: [1.0], 2: [0.6, 0.4], 3: [0.5, 0.3, 0.2]}[len(countries)]
    out = []
    for n, (country, share) in enumerate(zip(countries, shares, strict=True)):
        lead = KIND_LEAD[kind] + 15 * ((index + n) % 5) + (300 if long_lead else 0)
        need = demand * qty * share
        common = dict(
            country=country, share=share, lead_time_days=lead,
            annual_capacity=round(need * (1.1 + 0.1 * ((index + n) % 4))),
            unit_cost=round(KIND_COST[kind] * (1 + (index % 7) / 3), 2),
            stock_on_hand=round(need * ((index + n) % 3) / 12),
        )
        if country in ("IN", "US"):
            org_id = special if (special is not None and n == 0) else picker.take(Country(country))
            if org_id is not None:
                out.append(SourceCreate(supplier_org_id=org_id, **common))  # type: ignore[arg-type]
                continue
            name = f"{'Bharat' if country == 'IN' else 'Liberty'} Components {index}"
        else:
            names = EXTERNAL[country]
            name = names[(index + n) % len(names)]
        out.append(SourceCreate(supplier_name=f"{name} (demo)", **common))  # type: ignore[arg-type]
    return out


def _load_one(session: Session, spec: Spec, picker: _Picker, specials: dict[str, int]
              ) -> SupplySystem:
    country, n = spec.integrator
    primes = _orgs(session, country, (OrgKind.PRIME,)) or _orgs(
        session, country, (OrgKind.LARGE_COMPANY,))
    integrator = primes[n % len(primes)] if primes else None
    system = service.create_system(session=session, principal=None, is_demo=True,
                                   system_in=SystemCreate(
                                       code=spec.code, name=spec.name,
                                       description=spec.description, focus_area=spec.focus,
                                       integrator_org_id=integrator,
                                       annual_demand=spec.demand))
    parents: list[int] = []
    for index, line in enumerate(spec.bom.splitlines()):
        depth_s, number, name, kind, qty_s, sources, description = line.split("|")
        depth, qty = int(depth_s), float(qty_s)
        del parents[depth:]
        part = service.add_part(session=session, principal=None, system_id=system.id,
                                part_in=PartCreate(
                                    number=number, name=name, kind=kind,  # type: ignore[arg-type]
                                    description=description, quantity=qty,
                                    unit="kg" if kind == "material" else "ea",
                                    parent_id=parents[-1] if parents else None))
        parents.append(part.id)
        if sources:
            for source_in in _sources(picker, sources, index, qty, spec.demand, kind,
                                      specials.get(number)):
                service.add_source(session=session, principal=None, part_id=part.id,
                                   source_in=source_in)
    return system


def load_demo_supply(*, session: Session) -> list[str]:
    """Add the demo systems and one saved scenario each unless loaded; return codes added.

    Writes are audited as the command line, like the rest of the demo load.
    """
    if session.scalar(select(SupplySystem.id).where(SupplySystem.is_demo.is_(True)).limit(1)):
        return []
    if not _orgs(session, Country.IN, (OrgKind.PRIME, OrgKind.LARGE_COMPANY)):
        return []  # no demo directory to draw suppliers from
    founders = {c: _orgs(session, c, (OrgKind.STARTUP,))[:1] for c in (Country.IN, Country.US)}
    specials: dict[str, int] = {}
    if founders[Country.IN]:
        specials["TF-633"] = founders[Country.IN][0]  # FADEC software: the Indian founder
    if founders[Country.US]:
        specials["IC-531"] = founders[Country.US][0]  # processor module: the US founder
    flagged = _open_case_org(session)
    if flagged is not None:
        specials["TF-620"] = flagged  # fuel metering unit: a supplier under review
    blocked = screening_service.blocked_org_ids(session=session)
    picker = _Picker(session, skip=blocked | set(specials.values()))
    systems = [_load_one(session, spec, picker, specials) for spec in SPECS]
    for spec, system in zip(SPECS, systems, strict=True):
        name, description, fields = spec.scenario
        scenario = ScenarioSpec.model_validate(
            {"name": name, "description": description, "systems": [system.code], **fields})
        simulation.save_scenario(session=session, principal=None, spec=scenario, is_demo=True)
    return [system.code for system in systems]
