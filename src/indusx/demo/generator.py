"""Deterministic generator of a fictional India-US defence ecosystem for demos and benchmarks.

`generate(orgs=N, seed=S)` yields N invented organisations (start-ups, MSMEs, large companies,
primes, investors, accelerators, academic labs, government offices and test facilities of both
countries) with texts composed from per-focus-area phrase banks, plausible identifiers, contacts,
offerings and, for investors, a thesis. Everything is fictional: names are built from invented
roots, web and mail domains use the reserved `.example` TLD, and US phone numbers use the
555-01xx range reserved for fiction. Pure standard library; no database, no I/O.
"""

from __future__ import annotations

import random
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _typeshed import SupportsLenAndGetItem

from indusx.orgs.taxonomy import (
    SEED_FOCUS_AREAS,
    STAGED_KINDS,
    Country,
    FundingStage,
    OrgKind,
    Seeking,
)

__all__ = [
    "REAL_NAME_BLOCKLIST",
    "DemoOffering",
    "DemoOrg",
    "DemoThesis",
    "generate",
]


@dataclass(frozen=True, slots=True)
class DemoOffering:
    name: str
    description: str
    trl: int
    export_control: str | None


@dataclass(frozen=True, slots=True)
class DemoThesis:
    focus_areas: list[str]
    stages: list[FundingStage]
    countries: list[Country]
    ticket_min_usd: int
    ticket_max_usd: int


@dataclass(frozen=True, slots=True)
class DemoOrg:
    name: str
    country: Country
    kind: OrgKind
    description: str
    capabilities: str
    focus_areas: list[str]
    seeking: list[Seeking]
    funding_stage: FundingStage | None
    headcount: int | None
    city: str
    state: str
    website: str
    identifiers: dict[str, str]
    contact_name: str
    contact_email: str
    contact_phone: str
    needs: str
    offerings: list[DemoOffering]
    thesis: DemoThesis | None


# Well-known real defence, aerospace and research names that must never appear in a generated
# name. Short acronyms are matched as whole words, longer entries as substrings.
REAL_NAME_BLOCKLIST: tuple[str, ...] = (
    # India
    "HAL",
    "Hindustan Aeronautics",
    "BEL",
    "Bharat Electronics",
    "BEML",
    "BDL",
    "Bharat Dynamics",
    "DRDO",
    "ISRO",
    "IIT",
    "IISc",
    "IIIT",
    "NIT",
    "Tata",
    "Mahindra",
    "Larsen",
    "L&T",
    "Adani",
    "Kalyani",
    "Bharat Forge",
    "Godrej",
    "Mazagon",
    "Cochin Shipyard",
    "Garden Reach",
    "GRSE",
    "Goa Shipyard",
    "Hindustan Shipyard",
    "Mishra Dhatu",
    "Midhani",
    "Ordnance Factory",
    "Munitions India",
    "Armoured Vehicles Nigam",
    "Yantra India",
    "Solar Industries",
    "Zen Technologies",
    "Paras Defence",
    "Data Patterns",
    "Astra Microwave",
    "Alpha Design",
    "ideaForge",
    "Tonbo",
    "Agnikul",
    "Skyroot",
    "Pixxel",
    "Dhruva",
    "Bellatrix",
    "Garuda",
    "NewSpace Research",
    "Sagar Defence",
    "Tejas",
    "Reliance",
    "Ashok Leyland",
    "Bharat",
    # United States
    "Lockheed",
    "Martin Marietta",
    "Raytheon",
    "RTX",
    "Northrop",
    "Grumman",
    "Boeing",
    "General Dynamics",
    "General Atomics",
    "General Electric",
    "BAE",
    "L3Harris",
    "Harris Corp",
    "Leidos",
    "SAIC",
    "Booz Allen",
    "Textron",
    "Bell Helicopter",
    "Sikorsky",
    "Honeywell",
    "Pratt",
    "Whitney",
    "Rolls-Royce",
    "Kratos",
    "AeroVironment",
    "Sierra Nevada",
    "Anduril",
    "Palantir",
    "Shield AI",
    "Saronic",
    "Epirus",
    "Hermeus",
    "Hadrian",
    "Skydio",
    "Rocket Lab",
    "SpaceX",
    "Blue Origin",
    "Maxar",
    "BlackSky",
    "Capella",
    "HawkEye",
    "Umbra",
    "Saildrone",
    "Teledyne",
    "Oshkosh",
    "AM General",
    "Mercury Systems",
    "Curtiss-Wright",
    "Parsons",
    "Huntington Ingalls",
    "Electric Boat",
    "Bath Iron Works",
    "Ball Aerospace",
    "Aerojet",
    "Rocketdyne",
    "Moog",
    "Collins Aerospace",
    "MIT",
    "Caltech",
    "Georgia Tech",
    "Johns Hopkins",
    "DARPA",
    "NASA",
    "Sandia",
    "Los Alamos",
    "Lincoln Laboratory",
    "MITRE",
    "RAND",
    # Elsewhere
    "Thales",
    "Safran",
    "Dassault",
    "Airbus",
    "Leonardo",
    "Saab",
    "Rheinmetall",
    "Hanwha",
    "Elbit",
    "Rafael",
    "Kongsberg",
    "Embraer",
    "MBDA",
    "Nexter",
    "KNDS",
    "Naval Group",
    # Programme and product names
    "Orion",
    "Oryx",
    "Brahmos",
    "Akash",
    "Agni",
    "Prithvi",
    "Arjun",
    "Pinaka",
    "Dhanush",
    "Vedanta",
)

_BLOCK_WORDS = frozenset(b.lower() for b in REAL_NAME_BLOCKLIST if len(b) <= 4)
_BLOCK_SUBSTRINGS = tuple(b.lower() for b in REAL_NAME_BLOCKLIST if len(b) > 4)
_WORD_RE = re.compile(r"[a-z0-9&]+")


def _blocked(text: str) -> bool:
    low = text.lower()
    if any(b in low for b in _BLOCK_SUBSTRINGS):
        return True
    return any(w in _BLOCK_WORDS for w in _WORD_RE.findall(low))


# --------------------------------------------------------------------------------------------
# Phrase banks. Written in Indian/British English; a US copy is derived once at import.
# --------------------------------------------------------------------------------------------

# (product, description, US control, IN control); an IN control of None means not on SCOMET.
_Offer = tuple[str, str, str | None, str | None]
_NOT_LISTED = "Not controlled"


@dataclass(frozen=True, slots=True)
class _Area:
    slug: str
    label: str  # noun phrase: "undersea systems"
    title: str  # for office names: "Undersea Systems"
    words: tuple[str, ...]  # company-name descriptors
    caps: tuple[str, ...]
    platforms: tuple[str, ...]
    parts: tuple[tuple[str, str], ...]  # (part, process)
    part_codes: tuple[str | None, str | None]
    research: tuple[str, ...]
    tests: tuple[str, ...]
    facility_words: tuple[str, ...]
    labs: tuple[str, ...]
    offers: tuple[_Offer, ...]
    users: tuple[str, ...]
    related: tuple[str, ...]
    hubs_in: tuple[str, ...]
    hubs_us: tuple[str, ...]
    nic: tuple[str, ...]


_AREAS_RAW: tuple[_Area, ...] = (
    _Area(
        slug="air-combat",
        label="air combat",
        title="Air Combat Systems",
        words=(
            "Avionics",
            "Aerosystems",
            "Flight Systems",
            "Air Systems",
            "Aero",
            "Mission Systems",
        ),
        caps=(
            "mission computers with partitioned DO-178C software",
            "AESA radar transmit/receive modules",
            "helmet-mounted display symbology and cueing",
            "weapons-bay integration and store-separation analysis",
            "MIL-STD-1553 and ARINC 429 avionics interfaces",
            "electronic-warfare self-protection suites",
            "digital radar warning receivers",
            "digital fly-by-wire flight-control computers",
            "infrared search-and-track sensors",
            "air-to-air missile seeker electronics",
            "short-range air-defence fire units",
            "counter-UAS detection and defeat",
            "open-architecture avionics aligned with the FACE standard",
            "aircraft survivability and signature reduction",
            "pylon and launcher-rail design",
        ),
        platforms=(
            "fighter upgrade programmes",
            "light combat aircraft",
            "advanced jet trainers",
            "collaborative combat aircraft",
            "short-range air-defence batteries",
            "attack helicopters",
        ),
        parts=(
            ("pylon fittings and launcher rails", "mach"),
            ("avionics LRU chassis", "mach"),
            ("radar T/R module housings", "mach"),
            ("cockpit wiring harnesses", "elec"),
            ("radome laminates", "comp"),
            ("landing-gear forgings", "forge"),
            ("investment-cast actuator housings", "cast"),
        ),
        part_codes=("ECCN 9A610.x", "SCOMET 6A"),
        research=(
            "adaptive and fault-tolerant flight control",
            "radar cross-section reduction by shaping",
            "cognitive electronic warfare",
            "pilot workload and human-machine teaming",
            "radar-absorbing structural materials",
            "manned-unmanned teaming tactics",
        ),
        tests=(
            "radar cross-section measurement ranges",
            "avionics hardware-in-the-loop rigs",
            "EMI/EMC chambers for MIL-STD-461G testing",
            "store-separation wind tunnels",
            "flight-test telemetry stations",
        ),
        facility_words=("Avionics Test Centre", "EMC Test Centre", "Flight Test Centre"),
        labs=(
            "Flight Control Laboratory",
            "Avionics Systems Group",
            "Electronic Warfare Research Centre",
            "Low-Observables Laboratory",
        ),
        offers=(
            (
                "Mission Computer",
                "Rugged multi-core mission computer with a partitioned RTOS for avionics and "
                "weapons-management functions.",
                "ECCN 9A610",
                "SCOMET 6A",
            ),
            (
                "Radar Warning Receiver",
                "Wideband digital radar warning receiver with an emitter library and threat "
                "prioritisation for fast jets and helicopters.",
                "USML Cat. XI",
                "SCOMET 6A",
            ),
            (
                "GaN T/R Module",
                "X-band gallium-nitride transmit/receive module for active electronically "
                "scanned fire-control radars.",
                "USML Cat. XI",
                "SCOMET 6A",
            ),
            (
                "Helmet-Mounted Display",
                "Binocular helmet-mounted display with head tracking for off-boresight cueing "
                "in within-visual-range engagements.",
                "USML Cat. XII",
                "SCOMET 6A",
            ),
            (
                "Counter-UAS Radar",
                "Compact 3D surveillance radar that detects and tracks small drones out to "
                "several kilometres.",
                "ECCN 6A008",
                "SCOMET 8A",
            ),
            (
                "Missile Launcher Rail",
                "Lightweight rail launcher for short-range air-to-air missiles with umbilical "
                "and arming interfaces.",
                "USML Cat. IV",
                "SCOMET 6A",
            ),
            (
                "Tactical Data-Link Terminal",
                "Secure line-of-sight data-link terminal for air-to-air and air-to-ground "
                "messaging.",
                "USML Cat. XI",
                "SCOMET 6A",
            ),
        ),
        users=("air", "air", "army"),
        related=("jet-propulsion", "isr", "munitions", "ai-autonomy"),
        hubs_in=("Bengaluru", "Hyderabad", "Nashik"),
        hubs_us=("Fort Worth", "St. Louis", "Dayton", "Melbourne"),
        nic=("35300", "33120"),
    ),
    _Area(
        slug="land-mobility",
        label="land mobility",
        title="Land Mobility",
        words=(
            "Mobility",
            "Vehicle Systems",
            "Drivetrain",
            "Terrain Systems",
            "Automotive",
            "Powertrain",
        ),
        caps=(
            "hybrid-electric drivetrains for tactical vehicles",
            "independent suspension for high-mobility trucks",
            "central tyre inflation systems",
            "rugged vehicle electronics architectures",
            "silent-watch battery packs",
            "articulated all-terrain tracked carriers",
            "leader-follower convoy autonomy",
            "heavy-equipment transporters",
            "bridging and gap-crossing equipment",
            "high-altitude diesel engine calibration",
            "run-flat tyre inserts",
            "vehicle health and usage monitoring",
            "modular logistics trailers",
            "off-road transmissions and transfer cases",
        ),
        platforms=(
            "light tactical vehicles",
            "high-mobility logistics trucks",
            "all-terrain vehicles for mountain formations",
            "special-operations vehicles",
            "unmanned ground vehicles",
            "heavy-equipment transporters",
        ),
        parts=(
            ("axle housings and hubs", "forge"),
            ("transfer-case housings", "cast"),
            ("chassis frames and cross-members", "fab"),
            ("vehicle wiring looms", "elec"),
            ("suspension arms", "forge"),
            ("gear blanks and shafts", "mach"),
        ),
        part_codes=("ECCN 0A606.x", None),
        research=(
            "terramechanics and soft-soil mobility",
            "battery thermal management at high altitude",
            "vehicle dynamics on unprepared terrain",
            "fuel-cell range extenders",
            "predictive maintenance from vehicle telemetry",
            "lightweight chassis materials",
        ),
        tests=(
            "off-road mobility test tracks",
            "high-altitude and cold-climate trial sites",
            "vehicle durability rigs",
            "fording and gradient test beds",
            "powertrain dynamometers",
        ),
        facility_words=("Mobility Test Track", "Proving Ground", "Vehicle Test Centre"),
        labs=(
            "Vehicle Dynamics Laboratory",
            "Centre for Electric Mobility",
            "Terramechanics Group",
            "Powertrain Research Laboratory",
        ),
        offers=(
            (
                "Hybrid-Electric Drive Kit",
                "Retrofit series-hybrid drive for 4x4 tactical vehicles, giving silent mobility "
                "and exportable power.",
                "ECCN 0A606",
                "SCOMET 6A",
            ),
            (
                "Central Tyre Inflation System",
                "Driver-controlled tyre-pressure system that improves traction in sand, mud and "
                "snow.",
                "EAR99",
                None,
            ),
            (
                "Silent-Watch Battery Pack",
                "Vehicle-integrated lithium-iron-phosphate battery pack sized for eight hours of "
                "silent watch.",
                "EAR99",
                None,
            ),
            (
                "Tracked All-Terrain Carrier",
                "Articulated tracked carrier for snow, marsh and high-altitude logistics.",
                "ECCN 0A606",
                "SCOMET 6A",
            ),
            (
                "Vehicle Health Monitoring Unit",
                "Rugged on-board unit that logs engine, transmission and usage data for "
                "condition-based maintenance.",
                "EAR99",
                None,
            ),
            (
                "Leader-Follower Convoy Kit",
                "Drive-by-wire and perception kit that lets supply trucks follow a crewed lead "
                "vehicle.",
                "ECCN 0A606",
                "SCOMET 8A",
            ),
            (
                "Modular Bridging System",
                "Rapidly deployable modular bridge for gap crossing by tactical wheeled vehicles.",
                "ECCN 0A606",
                "SCOMET 6A",
            ),
        ),
        users=("army", "army", "joint"),
        related=("armoured-vehicles", "ai-autonomy", "artillery"),
        hubs_in=("Pune", "Chennai", "Jabalpur", "Hosur"),
        hubs_us=("Sterling Heights", "York", "San Antonio"),
        nic=("34100", "34300"),
    ),
    _Area(
        slug="isr",
        label="ISR",
        title="ISR Systems",
        words=("Imaging", "Sensing", "Optronics", "Surveillance", "Radar", "Photonics"),
        caps=(
            "stabilised EO/IR gimbals with multi-sensor payloads",
            "SAR processing for airborne and spaceborne radars",
            "cooled MWIR thermal imaging",
            "uncooled LWIR microbolometer cameras",
            "ground moving-target indication",
            "wide-area motion imagery",
            "signals-intelligence receivers",
            "hyperspectral imaging and target detection",
            "laser rangefinders and designators",
            "ISR data links and ground-station software",
            "onboard video tracking and geo-pointing",
            "persistent aerostat surveillance",
            "passive RF emitter geolocation",
            "sensor integration on tactical UAVs",
        ),
        platforms=(
            "MALE UAVs",
            "tactical UAVs",
            "maritime patrol aircraft",
            "border surveillance towers",
            "aerostats",
            "utility helicopters",
        ),
        parts=(
            ("gimbal housings and yokes", "mach"),
            ("optical benches", "mach"),
            ("precision lens cells", "mach"),
            ("sensor electronics PCB assemblies", "elec"),
            ("composite radomes", "comp"),
            ("aluminium investment-cast enclosures", "cast"),
        ),
        part_codes=("ECCN 6A993", "SCOMET 8A"),
        research=(
            "compressive sensing for SAR imaging",
            "infrared detector materials",
            "multi-target tracking",
            "hyperspectral unmixing",
            "automatic target recognition under occlusion",
            "low-SWaP image stabilisation",
        ),
        tests=(
            "optical and thermal-imager calibration benches",
            "antenna pattern ranges",
            "instrumented UAV flight-test ranges",
            "vibration and shock tables for gimbals",
            "radar target-simulation test beds",
        ),
        facility_words=("Electro-Optics Test Centre", "Antenna Test Range", "Sensor Test Centre"),
        labs=(
            "Imaging Systems Laboratory",
            "Radar Signal Processing Group",
            "Infrared Sensors Laboratory",
            "Centre for Remote Sensing",
        ),
        offers=(
            (
                "EO/IR Gimbal",
                "Four-axis stabilised gimbal with HD day camera, cooled MWIR imager and laser "
                "rangefinder for tactical UAVs.",
                "USML Cat. XII",
                "SCOMET 6A",
            ),
            (
                "SAR Image Processor",
                "Real-time synthetic-aperture radar image-formation processor for airborne "
                "strip-map and spotlight modes.",
                "ECCN 6A008",
                "SCOMET 8A",
            ),
            (
                "LWIR Camera Core",
                "Uncooled 640x512 microbolometer core for handheld and weapon-mounted thermal "
                "sights.",
                "ECCN 6A003",
                "SCOMET 8A",
            ),
            (
                "ESM Receiver",
                "Wideband electronic-support receiver for emitter detection and direction finding.",
                "USML Cat. XI",
                "SCOMET 6A",
            ),
            (
                "Ground Surveillance Radar",
                "Man-portable radar that detects walking personnel and vehicles along borders.",
                "ECCN 6A008",
                "SCOMET 8A",
            ),
            (
                "Video Exploitation Suite",
                "Ground-station software for full-motion video tagging, tracking and reporting.",
                "EAR99",
                None,
            ),
            (
                "Hyperspectral Payload",
                "Push-broom hyperspectral imager for camouflage detection from small aircraft.",
                "ECCN 6A003",
                "SCOMET 8A",
            ),
        ),
        users=("army", "air", "navy", "joint"),
        related=("ai-autonomy", "space", "maritime-domain-awareness", "air-combat"),
        hubs_in=("Bengaluru", "Hyderabad", "Dehradun"),
        hubs_us=("Dayton", "Melbourne", "Columbia", "San Diego"),
        nic=("33200", "32300"),
    ),
    _Area(
        slug="munitions",
        label="munitions",
        title="Munitions",
        words=(
            "Energetics",
            "Ordnance",
            "Precision Munitions",
            "Fuze Technologies",
            "Munition Systems",
            "Propellants",
        ),
        caps=(
            "insensitive-munition explosive formulations",
            "programmable proximity and time fuzes",
            "precision-guidance kits for unguided bombs",
            "loitering munitions",
            "solid rocket-motor casting and propellant grain design",
            "melt-cast and press-fill warhead loading",
            "safe-arm devices and MEMS initiators",
            "shaped-charge and explosively formed penetrator liners",
            "semi-active laser seekers",
            "lot-acceptance testing and ballistic evaluation",
            "pyrotechnics and obscurant smokes",
            "mortar bomb bodies and tail units",
            "electronic safety and arming units",
            "automated ammunition filling lines",
        ),
        platforms=(
            "155 mm artillery ammunition",
            "air-delivered bombs",
            "loitering-munition programmes",
            "rocket artillery",
            "infantry weapons",
            "naval guns",
        ),
        parts=(
            ("shell bodies", "forge"),
            ("fuze housings", "mach"),
            ("rocket-motor casings", "fab"),
            ("tail-fin assemblies", "cast"),
            ("safe-arm PCB assemblies", "elec"),
            ("filament-wound motor cases", "comp"),
        ),
        part_codes=("USML Cat. III", "SCOMET 6A"),
        research=(
            "nano-energetic materials",
            "detonation physics and modelling",
            "insensitive high-explosive formulations",
            "terminal ballistics",
            "green propellants",
            "MEMS fuze design",
        ),
        tests=(
            "ballistic ranges with Doppler radar",
            "insensitive-munitions test pads",
            "arena and fragmentation test sites",
            "static-firing stands for rocket motors",
            "environmental conditioning chambers for ammunition",
        ),
        facility_words=("Ballistics Test Range", "Proof Range", "Energetics Test Centre"),
        labs=(
            "High Energy Materials Laboratory",
            "Terminal Ballistics Group",
            "Detonics Research Centre",
            "Propulsion and Combustion Laboratory",
        ),
        offers=(
            (
                "Multi-Function Fuze",
                "Programmable proximity, point-detonating and delay fuze for 105 mm and 155 mm "
                "artillery rounds.",
                "USML Cat. III",
                "SCOMET 6A",
            ),
            (
                "Precision-Guidance Kit",
                "GPS/INS tail kit with deployable wings that turns unguided 250 kg bombs into "
                "guided weapons.",
                "USML Cat. IV",
                "SCOMET 6A",
            ),
            (
                "Loitering Munition",
                "Tube-launched loitering munition with EO seeker, 40-minute endurance and "
                "operator abort.",
                "USML Cat. IV",
                "SCOMET 6A",
            ),
            (
                "Insensitive Explosive Fill",
                "Melt-cast insensitive explosive qualified for artillery and mortar fills.",
                "USML Cat. V",
                "SCOMET 6A",
            ),
            (
                "Electronic Safe-Arm Device",
                "Electronic safe-and-arm device with two independent environmental interlocks.",
                "USML Cat. III",
                "SCOMET 6A",
            ),
            (
                "Rocket Motor",
                "Composite-propellant solid rocket motor for 122 mm artillery rockets.",
                "USML Cat. IV",
                "SCOMET 5A",
            ),
            (
                "Practice Round",
                "Inert practice round with spotting charge for low-cost training.",
                "USML Cat. III",
                "SCOMET 6A",
            ),
        ),
        users=("army", "air", "navy"),
        related=("artillery", "air-combat", "ai-autonomy"),
        hubs_in=("Nagpur", "Pune", "Kanpur", "Jabalpur"),
        hubs_us=("Huntsville", "Tucson", "Orlando", "Minneapolis"),
        nic=("29270", "24292"),
    ),
    _Area(
        slug="undersea",
        label="undersea systems",
        title="Undersea Systems",
        words=(
            "Marine Robotics",
            "Subsea Systems",
            "Ocean Technologies",
            "Underwater Acoustics",
            "Sonar",
            "Ocean Robotics",
        ),
        caps=(
            "acoustic modems for undersea communications",
            "synthetic-aperture sonar",
            "UUV endurance and energy systems",
            "towed-array and hull-mounted sonar signal processing",
            "piezoceramic transducer design",
            "underwater navigation with DVL-aided inertial systems",
            "mine countermeasures with autonomous vehicles",
            "seabed sensor networks",
            "pressure-tolerant electronics",
            "sonobuoy design and processing",
            "torpedo countermeasures",
            "underwater docking and recharging for UUVs",
            "ocean acoustic propagation modelling",
            "diver-detection sonars",
        ),
        platforms=(
            "extra-large UUVs",
            "submarines",
            "mine-countermeasure vessels",
            "anti-submarine warfare corvettes",
            "seabed surveillance networks",
            "harbour defence systems",
        ),
        parts=(
            ("titanium pressure housings", "mach"),
            ("syntactic-foam buoyancy modules", "comp"),
            ("transducer potting and encapsulation", "comp"),
            ("subsea connectors and penetrators", "mach"),
            ("sonar array cable harnesses", "elec"),
            ("propeller and shroud castings", "cast"),
        ),
        part_codes=("ECCN 8A620.x", "SCOMET 8A"),
        research=(
            "underwater acoustic channel modelling",
            "cooperative navigation of UUV swarms",
            "low-frequency transducer materials",
            "machine learning for passive sonar classification",
            "long-endurance undersea energy storage",
            "biofouling-resistant coatings",
        ),
        tests=(
            "acoustic test tanks for transducer calibration",
            "lake and open-water test ranges",
            "hyperbaric pressure chambers",
            "anechoic water tanks",
            "UUV launch and recovery test berths",
        ),
        facility_words=("Acoustic Test Facility", "Ocean Test Range", "Underwater Test Centre"),
        labs=(
            "Ocean Acoustics Laboratory",
            "Underwater Robotics Group",
            "Centre for Marine Autonomy",
            "Sonar Signal Processing Laboratory",
        ),
        offers=(
            (
                "Acoustic Modem",
                "Multi-band underwater acoustic modem with adaptive coding for links of several "
                "kilometres.",
                "ECCN 5A991",
                "SCOMET 8A",
            ),
            (
                "Synthetic-Aperture Sonar",
                "Interferometric synthetic-aperture sonar payload for seabed mapping and mine "
                "detection from UUVs.",
                "ECCN 6A001",
                "SCOMET 8A",
            ),
            (
                "Man-Portable UUV",
                "Two-person portable UUV with side-scan sonar and 20-hour endurance for mine "
                "countermeasure surveys.",
                "ECCN 8A001",
                "SCOMET 8A",
            ),
            (
                "Directional Sonobuoy",
                "Passive directional sonobuoy with digital uplink for airborne anti-submarine "
                "warfare.",
                "USML Cat. XI",
                "SCOMET 6A",
            ),
            (
                "Diver Detection Sonar",
                "Harbour-protection sonar that detects and tracks divers and swimmer delivery "
                "vehicles.",
                "ECCN 6A001",
                "SCOMET 8A",
            ),
            (
                "Pressure-Tolerant Battery",
                "Pressure-compensated lithium battery module rated to 3,000 m for "
                "long-endurance UUVs.",
                "EAR99",
                None,
            ),
            (
                "DVL-Aided INS",
                "Compact inertial navigation system aided by a Doppler velocity log for "
                "submerged navigation.",
                "ECCN 7A003",
                "SCOMET 8A",
            ),
        ),
        users=("navy", "navy", "coast"),
        related=("maritime-domain-awareness", "ai-autonomy", "isr"),
        hubs_in=("Visakhapatnam", "Kochi", "Mumbai"),
        hubs_us=("Groton", "Newport", "San Diego", "Norfolk"),
        nic=("35110", "33120"),
    ),
    _Area(
        slug="jet-propulsion",
        label="jet propulsion",
        title="Aero-Engine",
        words=(
            "Turbomachinery",
            "Propulsion",
            "Gas Turbines",
            "Superalloys",
            "Aero Engines",
            "Thermal Systems",
        ),
        caps=(
            "hot-section blade casting",
            "single-crystal superalloys",
            "FADEC software",
            "thermal-barrier coatings",
            "blisk machining and repair",
            "combustor liner fabrication",
            "engine health monitoring",
            "additive manufacturing of fuel nozzles",
            "compressor aerodynamic design",
            "ceramic-matrix composite components",
            "small turbojets for UAVs and missiles",
            "engine MRO and overhaul",
            "bearing and seal design for high-speed rotors",
            "afterburner and variable-nozzle actuation",
        ),
        platforms=(
            "combat aircraft engines",
            "turbofan co-production programmes",
            "helicopter turboshafts",
            "UAV turbojets",
            "cruise-missile propulsion",
            "engine MRO programmes",
        ),
        parts=(
            ("turbine blades and vanes", "cast"),
            ("compressor discs", "forge"),
            ("combustor liners", "fab"),
            ("shafts and casings", "mach"),
            ("FADEC harnesses", "elec"),
            ("CMC shrouds", "comp"),
        ),
        part_codes=("ECCN 9A619.x", "SCOMET 6A"),
        research=(
            "film cooling of turbine blades",
            "combustion instability",
            "creep of high-temperature alloys",
            "digital twins of engine modules",
            "sustainable aviation fuel combustion",
            "rotordynamics",
        ),
        tests=(
            "altitude test cells",
            "sea-level engine test beds",
            "spin pits for rotor testing",
            "high-temperature materials test labs",
            "combustor rigs",
        ),
        facility_words=("Propulsion Test Facility", "Engine Test Centre", "Turbine Test Centre"),
        labs=(
            "Gas Turbine Laboratory",
            "Combustion Research Centre",
            "High-Temperature Materials Laboratory",
            "Turbomachinery Group",
        ),
        offers=(
            (
                "Single-Crystal Turbine Blade",
                "Single-crystal nickel-superalloy HP turbine blades cast to customer drawings.",
                "USML Cat. XIX",
                "SCOMET 6A",
            ),
            (
                "FADEC Unit",
                "Dual-channel full-authority digital engine control with DO-178C Level A software.",
                "USML Cat. XIX",
                "SCOMET 6A",
            ),
            (
                "Small Turbojet",
                "200 N-class turbojet for target drones and loitering munitions.",
                "ECCN 9A101",
                "SCOMET 5A",
            ),
            (
                "Thermal-Barrier Coating Process",
                "EB-PVD yttria-stabilised zirconia coating for turbine blades and vanes.",
                "ECCN 9E003",
                "SCOMET 8E",
            ),
            (
                "Engine Health Monitoring Unit",
                "On-engine vibration and performance monitoring unit with fleet trend analytics.",
                "ECCN 9A610",
                "SCOMET 8A",
            ),
            (
                "Additively Manufactured Fuel Nozzle",
                "Laser powder-bed fused fuel-nozzle tip that consolidates 18 brazed parts into "
                "one.",
                "ECCN 9A619",
                "SCOMET 8A",
            ),
            (
                "Titanium Blisk",
                "Five-axis milled titanium blisk for fan and low-pressure compressor stages.",
                "USML Cat. XIX",
                "SCOMET 6A",
            ),
        ),
        users=("air", "air", "navy"),
        related=("air-combat", "munitions", "space"),
        hubs_in=("Bengaluru", "Hyderabad", "Coimbatore"),
        hubs_us=("Cincinnati", "East Hartford", "Indianapolis", "Dayton"),
        nic=("35300", "29110"),
    ),
    _Area(
        slug="artillery",
        label="artillery",
        title="Long-Range Fires",
        words=(
            "Fire Control",
            "Ballistics",
            "Gun Systems",
            "Artillery Systems",
            "Fires",
            "Barrel Technologies",
        ),
        caps=(
            "155 mm 52-calibre gun barrel manufacture",
            "autofrettage and chrome plating of barrels",
            "muzzle velocity radars",
            "digital fire-control computers",
            "automated ammunition handling",
            "self-propelled howitzer integration",
            "ultra-light towed howitzers",
            "rocket launcher pods and reloaders",
            "NATO-compatible ballistic kernel software",
            "recoil systems and muzzle brakes",
            "weapon-locating radars",
            "inertial gun-laying and pointing systems",
            "base-bleed extended-range projectiles",
            "truck-mounted shoot-and-scoot guns",
        ),
        platforms=(
            "towed howitzers",
            "self-propelled guns",
            "truck-mounted guns",
            "multi-barrel rocket launchers",
            "long-range fires programmes",
            "mountain artillery",
        ),
        parts=(
            ("barrel forgings", "forge"),
            ("breech blocks", "mach"),
            ("recoil cylinders", "mach"),
            ("trail and cradle weldments", "fab"),
            ("fire-control harnesses", "elec"),
            ("muzzle brake castings", "cast"),
        ),
        part_codes=("USML Cat. II", "SCOMET 6A"),
        research=(
            "interior ballistics modelling",
            "barrel wear and erosion",
            "guided projectile aerodynamics",
            "counter-battery sensing",
            "propellant charge optimisation",
            "recoil mitigation",
        ),
        tests=(
            "proof-firing ranges",
            "long-range firing ranges with trajectory tracking",
            "recoil test rigs",
            "climatic chambers for gun endurance trials",
        ),
        facility_words=("Firing Range", "Proof Range", "Gun Test Centre"),
        labs=(
            "Interior Ballistics Group",
            "Gun Dynamics Laboratory",
            "Centre for Fire Control Systems",
            "Applied Mechanics Laboratory",
        ),
        offers=(
            (
                "Digital Fire-Control Computer",
                "Rugged fire-control computer with a NATO-compatible ballistic kernel for towed "
                "and self-propelled guns.",
                "USML Cat. XII",
                "SCOMET 6A",
            ),
            (
                "Muzzle Velocity Radar",
                "Doppler radar that measures muzzle velocity round by round for fire-control "
                "correction.",
                "USML Cat. XII",
                "SCOMET 6A",
            ),
            (
                "155 mm Gun Barrel",
                "Autofrettaged 52-calibre barrel with chrome-plated bore.",
                "USML Cat. II",
                "SCOMET 6A",
            ),
            (
                "Ammunition Handling System",
                "Semi-automatic projectile and charge loading system for self-propelled howitzers.",
                "USML Cat. II",
                "SCOMET 6A",
            ),
            (
                "Gun-Laying System",
                "Inertial gun-laying and pointing system with GNSS aiding.",
                "USML Cat. XII",
                "SCOMET 6A",
            ),
            (
                "Rocket Launcher Pod",
                "Reloadable launcher pod for 122 mm rockets on a wheeled chassis.",
                "USML Cat. IV",
                "SCOMET 6A",
            ),
            (
                "Extended-Range Projectile",
                "Base-bleed 155 mm projectile for ranges beyond 40 km.",
                "USML Cat. III",
                "SCOMET 6A",
            ),
        ),
        users=("army",),
        related=("munitions", "land-mobility", "armoured-vehicles"),
        hubs_in=("Kanpur", "Jabalpur", "Pune"),
        hubs_us=("Rock Island", "Huntsville", "York"),
        nic=("29270", "28999"),
    ),
    _Area(
        slug="armoured-vehicles",
        label="armoured vehicles",
        title="Armoured Systems",
        words=(
            "Armour Technologies",
            "Protection Systems",
            "Combat Vehicles",
            "Survivability",
            "Ballistic Protection",
            "Turret Systems",
        ),
        caps=(
            "ceramic-composite add-on armour",
            "active protection systems",
            "remote weapon stations",
            "blast-mitigating seats and floors",
            "turret drives and stabilisation",
            "tracked infantry combat vehicle integration",
            "wheeled 8x8 armoured vehicle design",
            "NBC filtration and overpressure systems",
            "vetronics and battlefield management systems",
            "crew-compartment fire suppression",
            "signature management and multispectral camouflage",
            "armour-steel welding and fabrication",
            "360-degree situational-awareness camera systems",
            "V-shaped mine-protected hulls",
        ),
        platforms=(
            "infantry combat vehicles",
            "wheeled armoured personnel carriers",
            "main battle tank upgrades",
            "light tanks",
            "mine-protected vehicles",
            "armoured recovery vehicles",
        ),
        parts=(
            ("armour-steel hull weldments", "fab"),
            ("torsion bars", "forge"),
            ("track links", "forge"),
            ("road wheels", "cast"),
            ("turret ring bearings", "mach"),
            ("vetronics harnesses", "elec"),
            ("ceramic armour tiles in composite backings", "comp"),
        ),
        part_codes=("ECCN 0A606.x", "SCOMET 6A"),
        research=(
            "high-hardness armour steels",
            "blast loading on vehicle hulls",
            "transparent armour",
            "active protection kill mechanisms",
            "crew ergonomics in armoured vehicles",
            "lightweight composite armour",
        ),
        tests=(
            "ballistic and blast test ranges for armour",
            "mine-blast trial pits",
            "automotive test tracks for tracked vehicles",
            "turret stabilisation test rigs",
        ),
        facility_words=("Proving Ground", "Armour Test Range", "Vehicle Test Centre"),
        labs=(
            "Protective Structures Laboratory",
            "Armour Materials Group",
            "Vehicle Survivability Centre",
            "Impact Mechanics Laboratory",
        ),
        offers=(
            (
                "Remote Weapon Station",
                "Stabilised remote weapon station for 7.62 mm and 12.7 mm guns with day and "
                "thermal sights.",
                "USML Cat. II",
                "SCOMET 6A",
            ),
            (
                "Add-On Armour Kit",
                "Ceramic-composite appliqué armour kit protecting wheeled APCs against "
                "medium-calibre threats.",
                "USML Cat. XIII",
                "SCOMET 6A",
            ),
            (
                "Active Protection System",
                "Hard-kill active protection system with radar cueing against anti-tank guided "
                "missiles.",
                "USML Cat. VII",
                "SCOMET 6A",
            ),
            (
                "Blast-Mitigating Seat",
                "Energy-attenuating troop seat that cuts spinal loads in under-vehicle blasts.",
                "ECCN 0A606",
                "SCOMET 6A",
            ),
            (
                "Battlefield Management System",
                "Vehicle computer and software for blue-force tracking and fire-support requests.",
                "USML Cat. XI",
                "SCOMET 6A",
            ),
            (
                "Fire-Suppression System",
                "Optical-sensor fire detection and suppression for crew and engine compartments.",
                "ECCN 0A606",
                None,
            ),
            (
                "Electric Turret Drive",
                "Electric turret traverse and elevation drive with gyro stabilisation.",
                "ECCN 0A606",
                "SCOMET 6A",
            ),
        ),
        users=("army",),
        related=("land-mobility", "artillery", "isr"),
        hubs_in=("Chennai", "Pune", "Jabalpur"),
        hubs_us=("Sterling Heights", "York", "Anniston"),
        nic=("29270", "34200"),
    ),
    _Area(
        slug="maritime-domain-awareness",
        label="maritime domain awareness",
        title="Maritime Domain Awareness",
        words=(
            "Maritime Analytics",
            "Coastal Surveillance",
            "Ocean Intelligence",
            "Marine Sensing",
            "Maritime Systems",
            "Seawatch",
        ),
        caps=(
            "coastal surveillance radar networks",
            "AIS and satellite-AIS data fusion",
            "dark-vessel detection from SAR imagery",
            "vessel behaviour anomaly detection",
            "maritime patrol mission systems",
            "over-the-horizon HF surface-wave radar",
            "long-range EO/IR for coastal towers",
            "RF geolocation of vessels from orbit",
            "maritime common operational picture software",
            "port and harbour security integration",
            "uncrewed surface vessel patrols",
            "transponders and tracking for small fishing vessels",
            "maritime information sharing across agencies",
            "ship-borne surveillance radars",
        ),
        platforms=(
            "coastal radar chains",
            "maritime operations centres",
            "offshore patrol vessels",
            "maritime patrol aircraft",
            "uncrewed surface vessel fleets",
            "port security systems",
        ),
        parts=(
            ("lattice radar towers", "fab"),
            ("pan-tilt housings", "mach"),
            ("marine-grade equipment enclosures", "fab"),
            ("antenna radomes", "comp"),
            ("sensor interface boards", "elec"),
            ("cast antenna pedestals", "cast"),
        ),
        part_codes=("EAR99", None),
        research=(
            "multi-sensor track fusion",
            "anomaly detection in vessel trajectories",
            "deep-learning ship detection in SAR imagery",
            "HF radar sea-clutter modelling",
            "data provenance in multi-agency information sharing",
            "small-target detection in sea clutter",
        ),
        tests=(
            "coastal radar test sites",
            "sea-trial ranges with instrumented target vessels",
            "long-range EO/IR test ranges",
            "EMC chambers for shipborne systems",
        ),
        facility_words=("Coastal Test Site", "Maritime Test Range", "Sea Trials Centre"),
        labs=(
            "Maritime Surveillance Laboratory",
            "Ocean Data Analytics Group",
            "Centre for Maritime Security Studies",
            "Coastal Radar Laboratory",
        ),
        offers=(
            (
                "Coastal Surveillance Radar",
                "X-band solid-state coastal radar optimised for small-craft detection in high "
                "sea states.",
                "ECCN 6A008",
                "SCOMET 8A",
            ),
            (
                "Maritime Fusion Platform",
                "Software that fuses radar, AIS, satellite and EO/IR tracks into a common "
                "maritime picture with anomaly alerts.",
                "EAR99",
                None,
            ),
            (
                "Dark-Vessel Detection Service",
                "Analytics service that flags vessels in SAR imagery that are not broadcasting "
                "AIS.",
                "EAR99",
                None,
            ),
            (
                "Long-Range Tower Camera",
                "Continuous-zoom cooled thermal camera for coastal surveillance towers.",
                "ECCN 6A003",
                "SCOMET 8A",
            ),
            (
                "Small-Vessel Transponder",
                "Low-cost transponder with satellite backhaul for small fishing vessels.",
                "EAR99",
                None,
            ),
            (
                "Uncrewed Surface Vessel",
                "Seven-metre uncrewed surface vessel for persistent patrol with radar and EO "
                "payload.",
                "ECCN 8A609",
                "SCOMET 6A",
            ),
            (
                "HF Surface-Wave Radar",
                "Over-the-horizon HF surface-wave radar for EEZ surveillance beyond 200 km.",
                "ECCN 6A008",
                "SCOMET 8A",
            ),
        ),
        users=("navy", "coast", "coast"),
        related=("undersea", "isr", "space", "ai-autonomy"),
        hubs_in=("Kochi", "Mumbai", "Visakhapatnam", "Panaji"),
        hubs_us=("Norfolk", "San Diego", "Seattle", "Honolulu"),
        nic=("32200", "72200"),
    ),
    _Area(
        slug="space",
        label="space",
        title="Space Systems",
        words=(
            "Space Systems",
            "Orbital",
            "Spacecraft",
            "Satellite Systems",
            "Astronautics",
            "Launch Systems",
        ),
        caps=(
            "smallsat buses",
            "space situational awareness",
            "electric propulsion thrusters",
            "star trackers and reaction wheels",
            "radiation-tolerant onboard computers",
            "spaceborne SAR payloads",
            "optical inter-satellite links",
            "small-lift launch vehicles",
            "ground-station networks",
            "on-orbit servicing and rendezvous",
            "deployable antennas and solar arrays",
            "constellation mission planning",
            "optical telescopes for Earth observation",
            "satellite link encryption and cybersecurity",
        ),
        platforms=(
            "LEO constellation satellites",
            "small-lift launch vehicles",
            "ISR satellites",
            "GEO communications satellites",
            "space-domain awareness sensors",
            "technology demonstration satellites",
        ),
        parts=(
            ("honeycomb structure panels", "comp"),
            ("reaction-wheel housings", "mach"),
            ("flight harnesses", "elec"),
            ("propellant tanks", "fab"),
            ("injector plates", "mach"),
            ("thruster bodies", "cast"),
        ),
        part_codes=("ECCN 9A515.x", "SCOMET 8A"),
        research=(
            "orbital debris tracking",
            "electric propulsion plasma physics",
            "onboard AI for Earth observation",
            "radiation effects on electronics",
            "formation flying",
            "space weather",
        ),
        tests=(
            "thermal-vacuum chambers",
            "vibration and acoustic test halls for spacecraft",
            "compact antenna test ranges",
            "EMC chambers for satellites",
            "ISO 8 clean rooms for satellite integration",
        ),
        facility_words=(
            "Space Environment Test Centre",
            "Satellite Test Facility",
            "Spacecraft Integration Centre",
        ),
        labs=(
            "Space Systems Laboratory",
            "Spacecraft Engineering Group",
            "Centre for Space Technology",
            "Astrodynamics Laboratory",
        ),
        offers=(
            (
                "6U Smallsat Bus",
                "6U CubeSat bus with ADCS, S-band radio and 40 W power, ready for payload "
                "integration.",
                "ECCN 9A515",
                "SCOMET 8A",
            ),
            (
                "Nano Star Tracker",
                "Nano star tracker with 5 arcsecond accuracy for smallsats.",
                "ECCN 7A004",
                "SCOMET 8A",
            ),
            (
                "Hall-Effect Thruster",
                "Krypton Hall-effect thruster with power processing unit for orbit raising.",
                "ECCN 9A515",
                "SCOMET 5A",
            ),
            (
                "SSA Tracking Service",
                "Optical and radar tracking of LEO objects with conjunction alerts.",
                "EAR99",
                None,
            ),
            (
                "X-Band SAR Payload",
                "Lightweight X-band SAR payload for sub-metre imaging from 150 kg satellites.",
                "ECCN 9A515",
                "SCOMET 8A",
            ),
            (
                "Small Launch Vehicle",
                "Three-stage launcher placing 300 kg into sun-synchronous orbit.",
                "USML Cat. IV",
                "SCOMET 5A",
            ),
            (
                "Radiation-Tolerant OBC",
                "Onboard computer with latch-up protection and EDAC memory.",
                "ECCN 9A515",
                "SCOMET 8A",
            ),
        ),
        users=("space", "space", "joint"),
        related=("isr", "cyber", "maritime-domain-awareness"),
        hubs_in=("Bengaluru", "Hyderabad", "Thiruvananthapuram", "Ahmedabad"),
        hubs_us=("Colorado Springs", "Denver", "Huntsville", "El Segundo", "Albuquerque"),
        nic=("35300", "73100"),
    ),
    _Area(
        slug="cyber",
        label="cyber security",
        title="Cyber Security",
        words=(
            "Cyber Defence",
            "Secure Networks",
            "Cybersecurity",
            "Cryptography",
            "Secure Systems",
            "Cyber Labs",
        ),
        caps=(
            "high-assurance cryptographic modules",
            "tactical network intrusion detection",
            "OT and SCADA security for defence plants",
            "zero-trust architectures for classified networks",
            "software bills of materials and supply-chain assurance",
            "red teaming and penetration testing",
            "post-quantum cryptography",
            "secure boot and firmware hardening for embedded systems",
            "cyber ranges for training",
            "threat intelligence and malware analysis",
            "cross-domain solutions",
            "key management for tactical radios",
            "security of weapon-system software",
            "CMMC and NIST SP 800-171 compliance tooling",
        ),
        platforms=(
            "naval combat management systems",
            "command and control systems",
            "tactical radio networks",
            "classified networks",
            "military satellite terminals",
            "weapon-system mission software",
        ),
        parts=(
            ("rugged network appliances", "elec"),
            ("encryptor enclosures", "mach"),
            ("tamper-evident enclosures", "fab"),
        ),
        part_codes=("ECCN 5A992", None),
        research=(
            "post-quantum key exchange",
            "formal verification of security protocols",
            "adversarial machine learning",
            "side-channel analysis",
            "intrusion detection for 5G tactical networks",
            "binary analysis",
        ),
        tests=(
            "cyber ranges",
            "TEMPEST test chambers",
            "hardware security evaluation labs",
            "interoperability test beds for tactical radios",
        ),
        facility_words=("Cyber Range", "Security Evaluation Centre", "Cyber Test Centre"),
        labs=(
            "Information Security Laboratory",
            "Cryptography Research Group",
            "Centre for Cyber Resilience",
            "Systems Security Laboratory",
        ),
        offers=(
            (
                "IP Network Encryptor",
                "High-assurance IP network encryptor for classified links at 10 Gbit/s.",
                "USML Cat. XIII",
                "SCOMET 8A",
            ),
            (
                "Tactical IDS Sensor",
                "Lightweight intrusion-detection sensor for tactical edge networks with offline "
                "signature updates.",
                "ECCN 5D002",
                "SCOMET 8D",
            ),
            (
                "Cyber Range Platform",
                "Virtualised cyber range with a scenario library for defence network operators.",
                "EAR99",
                None,
            ),
            (
                "SBOM Assurance Platform",
                "Tool that builds and checks software bills of materials for embedded defence "
                "software.",
                "ECCN 5D992",
                None,
            ),
            (
                "Cross-Domain Guard",
                "Hardware-enforced one-way data diode with content filtering.",
                "ECCN 5A002",
                "SCOMET 8A",
            ),
            (
                "Post-Quantum VPN Gateway",
                "VPN gateway with hybrid post-quantum key exchange.",
                "ECCN 5A002",
                "SCOMET 8A",
            ),
            (
                "OT Security Monitor",
                "Passive monitoring of industrial control networks in munitions plants and "
                "shipyards.",
                "ECCN 5D002",
                "SCOMET 8D",
            ),
        ),
        users=("joint", "army", "navy", "air"),
        related=("ai-autonomy", "space"),
        hubs_in=("Bengaluru", "Hyderabad", "Pune", "Gurugram", "New Delhi"),
        hubs_us=("Columbia", "Arlington", "San Antonio", "Augusta"),
        nic=("72200", "72900"),
    ),
    _Area(
        slug="ai-autonomy",
        label="AI/autonomy",
        title="Autonomous Systems",
        words=(
            "Autonomy",
            "Robotics",
            "Machine Intelligence",
            "Autonomous Systems",
            "AI",
            "Perception",
        ),
        caps=(
            "multi-sensor fusion",
            "edge inference on SWaP-constrained hardware",
            "GNSS-denied navigation",
            "swarm coordination for small UAVs",
            "automatic target recognition",
            "autonomy software for uncrewed ground vehicles",
            "synthetic training data generation",
            "visual-inertial odometry",
            "decision-support tools for commanders",
            "predictive maintenance models for fleets",
            "language models for intelligence reporting",
            "test and evaluation of autonomous behaviours",
            "path planning in contested environments",
            "human-machine teaming interfaces",
        ),
        platforms=(
            "small UAV swarms",
            "uncrewed ground vehicles",
            "command post vehicles",
            "loitering munitions",
            "uncrewed surface vessels",
            "logistics fleets",
        ),
        parts=(
            ("rugged edge-compute enclosures", "mach"),
            ("sensor-fusion PCB assemblies", "elec"),
            ("small UAV airframes", "comp"),
        ),
        part_codes=("EAR99", None),
        research=(
            "explainable AI for decision support",
            "robust perception under adversarial conditions",
            "multi-agent reinforcement learning",
            "verification of learning-enabled systems",
            "sim-to-real transfer",
            "few-shot target recognition",
        ),
        tests=(
            "autonomy test ranges for UGVs",
            "GNSS-jamming test areas",
            "drone flight-test corridors",
            "simulation and hardware-in-the-loop rigs for autonomy",
        ),
        facility_words=("Autonomy Test Range", "Drone Test Corridor", "Robotics Test Centre"),
        labs=(
            "Robotics and Autonomy Laboratory",
            "Machine Perception Group",
            "Centre for Trustworthy AI",
            "Multi-Agent Systems Laboratory",
        ),
        offers=(
            (
                "Vehicle Autonomy Kit",
                "Drive-by-wire and perception kit that adds waypoint and follow-me autonomy to "
                "existing vehicles.",
                "ECCN 0A606",
                "SCOMET 8A",
            ),
            (
                "Edge AI Module",
                "Rugged edge-inference module running target-detection models at under 15 W.",
                "ECCN 4A994",
                None,
            ),
            (
                "Swarm Control Software",
                "Ground-control software to task and monitor swarms of 50 or more small UAVs.",
                "ECCN 9D610",
                "SCOMET 8D",
            ),
            (
                "Visual Navigation Unit",
                "Camera-and-IMU navigation unit that holds position when GNSS is jammed.",
                "ECCN 7A994",
                "SCOMET 8A",
            ),
            (
                "ATR Model Suite",
                "Trained target-recognition models for vehicles and vessels in EO, IR and SAR "
                "imagery.",
                "EAR99",
                None,
            ),
            (
                "Synthetic Data Engine",
                "Physics-based generator of labelled EO/IR imagery for training detection models.",
                "EAR99",
                None,
            ),
            (
                "Course-of-Action Planner",
                "Decision-support tool that scores plans against logistics and threat data.",
                "EAR99",
                None,
            ),
        ),
        users=("army", "navy", "air", "joint"),
        related=("isr", "cyber", "undersea", "land-mobility"),
        hubs_in=("Bengaluru", "Hyderabad", "Pune", "Chennai"),
        hubs_us=("Pittsburgh", "Boston", "Austin", "Mountain View", "Arlington"),
        nic=("72200", "73100"),
    ),
)

# Manufacturing processes of build-to-print suppliers.
_PROCESSES: dict[str, dict[str, tuple[str, ...]]] = {
    "mach": {
        "verb": ("machines", "precision-machines"),
        "kit": (
            "5-axis vertical machining centres",
            "CNC turn-mill centres",
            "wire and sinker EDM",
            "jig grinding",
            "a temperature-controlled CMM room",
        ),
        "parts": (
            "hydraulic manifolds",
            "gearbox housings",
            "connector shells",
            "precision brackets",
        ),
        "words": (
            "Precision Engineering",
            "Precision Components",
            "Machine Works",
            "Engineering Works",
            "Precision Machining",
            "Precision Products",
        ),
        "mats": (
            "aluminium 7075",
            "Ti-6Al-4V",
            "17-4PH stainless steel",
            "Inconel 718",
            "maraging steel",
        ),
        "desc": (
            "Machined to customer drawings from {mat}, with CMM reports and full material "
            "traceability.",
        ),
    },
    "forge": {
        "verb": ("forges", "die-forges"),
        "kit": (
            "closed-die forging presses up to 2,500 t",
            "ring-rolling mills",
            "in-house heat treatment",
            "ultrasonic testing of forgings",
            "rough and finish machining",
        ),
        "parts": ("flanges and rings", "crankshafts", "hubs and spindles"),
        "words": ("Forgings", "Forge", "Forge Works", "Forging Industries", "Metal Forming"),
        "mats": ("alloy steel", "titanium alloy", "nickel superalloy", "aluminium alloy"),
        "desc": (
            "Closed-die forged from {mat}, heat-treated and ultrasonically inspected; "
            "supplied rough or finish-machined.",
        ),
    },
    "cast": {
        "verb": ("casts", "investment-casts"),
        "kit": (
            "vacuum investment casting",
            "sand and gravity die casting",
            "digital radiography and FPI inspection",
            "solidification simulation",
            "in-house pattern making",
        ),
        "parts": ("pump and valve bodies", "impellers", "cast brackets and housings"),
        "words": ("Castings", "Foundry", "Alloys", "Precision Castings", "Cast Products"),
        "mats": ("aluminium A356", "stainless steel", "nickel superalloy", "ductile iron"),
        "desc": (
            "Cast in {mat} with radiographic inspection and first-article inspection reports.",
        ),
    },
    "fab": {
        "verb": ("fabricates", "fabricates and welds"),
        "kit": (
            "CNC plasma and laser cutting",
            "500 t press brakes",
            "qualified MIG/TIG welders",
            "robotic welding cells",
            "stress-relieving furnaces",
        ),
        "parts": ("equipment shelters", "skids and frames", "pressure vessels"),
        "words": (
            "Fabricators",
            "Engineering",
            "Structures",
            "Metalworks",
            "Steel Fabricators",
            "Fabrication",
        ),
        "mats": (
            "armour steel",
            "marine-grade aluminium",
            "stainless steel",
            "high-strength low-alloy steel",
        ),
        "desc": (
            "Fabricated and welded from {mat} by qualified welders, with NDT and "
            "dimensional reports.",
        ),
    },
    "elec": {
        "verb": ("builds", "assembles"),
        "kit": (
            "SMT lines with AOI and X-ray inspection",
            "an IPC/WHMA-A-620 cable and harness shop",
            "conformal coating",
            "environmental stress screening",
            "flying-probe testing",
        ),
        "parts": (
            "cable harnesses and wiring looms",
            "PCB assemblies to IPC-A-610 Class 3",
            "power supply units",
        ),
        "words": (
            "Electronics",
            "Interconnect",
            "Electro Systems",
            "Cable Systems",
            "Electronic Assemblies",
            "Harness Systems",
        ),
        "mats": ("",),
        "desc": (
            "Built to print with full traceability, electrical test and environmental "
            "stress screening.",
        ),
    },
    "comp": {
        "verb": ("moulds", "lays up and cures"),
        "kit": (
            "autoclaves up to 3 m diameter",
            "prepreg lay-up clean rooms",
            "RTM presses",
            "ultrasonic C-scan inspection",
            "5-axis trimming",
        ),
        "parts": ("radomes", "fairings and access panels", "composite enclosures"),
        "words": (
            "Composites",
            "Advanced Materials",
            "Composite Structures",
            "Composite Technologies",
            "Polymers",
        ),
        "mats": ("carbon-epoxy prepreg", "glass-epoxy", "quartz-cyanate ester", "aramid laminate"),
        "desc": ("Laid up in {mat} and autoclave-cured, with ultrasonic C-scan inspection.",),
    },
}
_PROCESS_NIC: dict[str, tuple[str, ...]] = {
    "mach": ("28999", "29199"),
    "forge": ("28910",),
    "cast": ("27310", "27320"),
    "fab": ("28110", "28999"),
    "elec": ("32109", "31300"),
    "comp": ("25209", "24299"),
}

# The users (services) a focus area sells to, per country.
_USERS: dict[Country, dict[str, str]] = {
    Country.IN: {
        "army": "the Indian Army",
        "navy": "the Indian Navy",
        "air": "the Indian Air Force",
        "coast": "the Indian Coast Guard",
        "space": "the Defence Space Agency",
        "joint": "tri-service users",
    },
    Country.US: {
        "army": "the US Army",
        "navy": "the US Navy",
        "air": "the US Air Force",
        "coast": "the US Coast Guard",
        "space": "the US Space Force",
        "joint": "joint-service users",
    },
}

# (city, state, CIN state code, Udyam state code, STD code, weight)
_IN_CITIES: tuple[tuple[str, str, str, str, str, int], ...] = (
    ("Bengaluru", "Karnataka", "KA", "KR", "80", 12),
    ("Hyderabad", "Telangana", "TG", "TS", "40", 9),
    ("Pune", "Maharashtra", "MH", "MH", "20", 7),
    ("Mumbai", "Maharashtra", "MH", "MH", "22", 5),
    ("Nagpur", "Maharashtra", "MH", "MH", "712", 3),
    ("Nashik", "Maharashtra", "MH", "MH", "253", 2),
    ("Chennai", "Tamil Nadu", "TN", "TN", "44", 6),
    ("Coimbatore", "Tamil Nadu", "TN", "TN", "422", 3),
    ("Hosur", "Tamil Nadu", "TN", "TN", "4344", 2),
    ("Ahmedabad", "Gujarat", "GJ", "GJ", "79", 3),
    ("Vadodara", "Gujarat", "GJ", "GJ", "265", 2),
    ("Kanpur", "Uttar Pradesh", "UP", "UP", "512", 2),
    ("Lucknow", "Uttar Pradesh", "UP", "UP", "522", 2),
    ("Noida", "Uttar Pradesh", "UP", "UP", "120", 3),
    ("Kochi", "Kerala", "KL", "KL", "484", 3),
    ("Thiruvananthapuram", "Kerala", "KL", "KL", "471", 2),
    ("Visakhapatnam", "Andhra Pradesh", "AP", "AP", "891", 2),
    ("New Delhi", "Delhi", "DL", "DL", "11", 4),
    ("Gurugram", "Haryana", "HR", "HR", "124", 3),
    ("Kolkata", "West Bengal", "WB", "WB", "33", 2),
    ("Bhubaneswar", "Odisha", "OR", "OD", "674", 1),
    ("Jaipur", "Rajasthan", "RJ", "RJ", "141", 1),
    ("Bhopal", "Madhya Pradesh", "MP", "MP", "755", 1),
    ("Jabalpur", "Madhya Pradesh", "MP", "MP", "761", 1),
    ("Dehradun", "Uttarakhand", "UR", "UK", "135", 1),
    ("Chandigarh", "Chandigarh", "CH", "CH", "172", 1),
    ("Mysuru", "Karnataka", "KA", "KR", "821", 1),
    ("Panaji", "Goa", "GA", "GA", "832", 1),
)

# (city, state, area code, weight)
_US_CITIES: tuple[tuple[str, str, str, int], ...] = (
    ("Huntsville", "Alabama", "256", 6),
    ("Anniston", "Alabama", "256", 1),
    ("San Diego", "California", "619", 6),
    ("El Segundo", "California", "310", 3),
    ("Mountain View", "California", "650", 3),
    ("Dayton", "Ohio", "937", 4),
    ("Cincinnati", "Ohio", "513", 2),
    ("Arlington", "Virginia", "703", 6),
    ("Reston", "Virginia", "703", 3),
    ("Norfolk", "Virginia", "757", 2),
    ("Colorado Springs", "Colorado", "719", 4),
    ("Denver", "Colorado", "303", 3),
    ("Boston", "Massachusetts", "617", 4),
    ("Burlington", "Massachusetts", "781", 2),
    ("Tucson", "Arizona", "520", 3),
    ("Austin", "Texas", "512", 4),
    ("Fort Worth", "Texas", "817", 3),
    ("San Antonio", "Texas", "210", 2),
    ("Seattle", "Washington", "206", 3),
    ("Melbourne", "Florida", "321", 3),
    ("Orlando", "Florida", "407", 3),
    ("Albuquerque", "New Mexico", "505", 2),
    ("Pittsburgh", "Pennsylvania", "412", 3),
    ("York", "Pennsylvania", "717", 1),
    ("Sterling Heights", "Michigan", "586", 2),
    ("Ann Arbor", "Michigan", "734", 2),
    ("Groton", "Connecticut", "860", 1),
    ("East Hartford", "Connecticut", "860", 1),
    ("Newport", "Rhode Island", "401", 1),
    ("Columbia", "Maryland", "410", 3),
    ("St. Louis", "Missouri", "314", 2),
    ("Indianapolis", "Indiana", "317", 1),
    ("Minneapolis", "Minnesota", "612", 1),
    ("Rock Island", "Illinois", "309", 1),
    ("Honolulu", "Hawaii", "808", 1),
    ("Salt Lake City", "Utah", "801", 2),
    ("Wichita", "Kansas", "316", 1),
    ("Augusta", "Georgia", "706", 1),
    ("New York", "New York", "212", 1),
    ("San Francisco", "California", "415", 1),
    ("Washington", "District of Columbia", "202", 1),
)

# kind -> (probability of sitting in one of the area's hub cities, sits in a finance hub)
_HUB_SHARE: dict[OrgKind, tuple[float, bool]] = {
    OrgKind.STARTUP: (0.45, False),
    OrgKind.MSME: (0.45, False),
    OrgKind.LARGE_COMPANY: (0.5, False),
    OrgKind.PRIME: (0.6, False),
    OrgKind.INVESTOR: (0.0, True),
    OrgKind.ACCELERATOR: (0.5, False),
    OrgKind.ACADEMIC: (0.5, False),
    OrgKind.GOVERNMENT: (0.8, False),
    OrgKind.TEST_FACILITY: (0.75, False),
}
_FINANCE_HUBS_IN = (
    "Bengaluru",
    "Bengaluru",
    "Mumbai",
    "Mumbai",
    "New Delhi",
    "Gurugram",
    "Hyderabad",
    "Pune",
    "Chennai",
)
_FINANCE_HUBS_US = (
    "New York",
    "San Francisco",
    "Mountain View",
    "Boston",
    "Arlington",
    "Austin",
    "El Segundo",
    "Washington",
)

_IN_FIRST = (
    "Aarav",
    "Ananya",
    "Arjun",
    "Deepa",
    "Divya",
    "Gaurav",
    "Harini",
    "Ishaan",
    "Kavya",
    "Karthik",
    "Lakshmi",
    "Manish",
    "Meera",
    "Nikhil",
    "Neha",
    "Pooja",
    "Pranav",
    "Priya",
    "Rahul",
    "Ramesh",
    "Rohan",
    "Sandeep",
    "Shreya",
    "Siddharth",
    "Sneha",
    "Sunil",
    "Swati",
    "Tanvi",
    "Varun",
    "Vikram",
    "Vidya",
    "Yash",
    "Zoya",
    "Farhan",
    "Imran",
    "Anjali",
    "Suresh",
    "Venkatesh",
    "Gurpreet",
    "Harpreet",
    "Joseph",
    "Anand",
    "Kiran",
    "Madhavi",
    "Nandini",
    "Abhishek",
    "Rekha",
    "Sanjay",
    "Preeti",
    "Arvind",
)
_IN_LAST = (
    "Sharma",
    "Iyer",
    "Reddy",
    "Nair",
    "Kulkarni",
    "Deshpande",
    "Rao",
    "Menon",
    "Patel",
    "Shah",
    "Singh",
    "Gupta",
    "Banerjee",
    "Chatterjee",
    "Mukherjee",
    "Das",
    "Pillai",
    "Krishnan",
    "Subramanian",
    "Joshi",
    "Agarwal",
    "Bhat",
    "Hegde",
    "Naidu",
    "Verma",
    "Mishra",
    "Srivastava",
    "Chauhan",
    "Gill",
    "Sethi",
    "Kapoor",
    "Malhotra",
    "Khan",
    "Qureshi",
    "Fernandes",
    "Thomas",
    "Varghese",
    "Kurian",
    "Ghosh",
    "Jain",
    "Saxena",
    "Pandey",
    "Dubey",
    "Rathore",
    "Bose",
    "Sen",
)
_US_FIRST = (
    "James",
    "Mary",
    "Michael",
    "Jennifer",
    "David",
    "Sarah",
    "Robert",
    "Emily",
    "Daniel",
    "Jessica",
    "Matthew",
    "Ashley",
    "Christopher",
    "Amanda",
    "Andrew",
    "Rachel",
    "Joshua",
    "Megan",
    "Kevin",
    "Laura",
    "Brian",
    "Nicole",
    "Ryan",
    "Stephanie",
    "Jason",
    "Rebecca",
    "Eric",
    "Katherine",
    "Marcus",
    "Olivia",
    "Carlos",
    "Maria",
    "Jose",
    "Ana",
    "Wei",
    "Mei",
    "Kenji",
    "Aisha",
    "Tyrone",
    "Keisha",
    "Priya",
    "Raj",
    "Anil",
    "Hannah",
    "Tyler",
    "Grace",
)
_US_LAST = (
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Miller",
    "Davis",
    "Garcia",
    "Rodriguez",
    "Wilson",
    "Martinez",
    "Anderson",
    "Taylor",
    "Moore",
    "Jackson",
    "Lee",
    "Thompson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Nguyen",
    "Chen",
    "Kim",
    "Patel",
    "Shah",
    "Raman",
    "O'Brien",
    "Murphy",
    "Kowalski",
    "Novak",
    "Schmidt",
    "Hernandez",
    "Lopez",
    "Bennett",
    "Hughes",
    "Foster",
    "Brooks",
    "Reyes",
)

# Invented name roots: syllable pairs, filtered against the blocklist at import.
_NEUTRAL_HEADS = (
    "Ald",
    "Bren",
    "Cael",
    "Cor",
    "Dal",
    "Dorn",
    "Elar",
    "Fal",
    "Gar",
    "Hes",
    "Ir",
    "Jor",
    "Kel",
    "Lor",
    "Mar",
    "Nor",
    "Or",
    "Pel",
    "Quor",
    "Ral",
    "Sel",
    "Tal",
    "Ul",
    "Var",
    "Wes",
    "Zan",
    "Bry",
    "Cend",
    "Dav",
    "Eth",
    "Fer",
    "Gil",
    "Hav",
    "Kes",
    "Lyn",
    "Mer",
    "Ner",
    "Ost",
    "Pry",
    "Rhen",
    "Sten",
    "Tor",
    "Vel",
    "Wyn",
    "Aev",
    "Bel",
    "Cal",
    "Dex",
    "Emb",
    "Hal",
)
_NEUTRAL_TAILS = (
    "ane",
    "ara",
    "ex",
    "ion",
    "ora",
    "yx",
    "wick",
    "ford",
    "stone",
    "field",
    "gate",
    "ridge",
    "line",
    "moor",
    "vale",
    "en",
    "is",
    "ant",
    "eon",
    "ova",
    "ix",
    "ent",
    "ith",
    "mark",
    "haven",
    "crest",
    "well",
    "port",
)
_INDIC_HEADS = (
    "Aarv",
    "Adhv",
    "Anv",
    "Bhav",
    "Chak",
    "Dhar",
    "Ek",
    "Gav",
    "Hir",
    "Ish",
    "Jyot",
    "Kav",
    "Kir",
    "Lav",
    "Mad",
    "Nak",
    "Nir",
    "Oj",
    "Pav",
    "Prat",
    "Rudh",
    "Sam",
    "Shauv",
    "Suv",
    "Tav",
    "Udh",
    "Vaj",
    "Vay",
    "Vyan",
    "Yash",
    "Ved",
    "Shres",
    "Anu",
    "Dev",
    "Taj",
    "Ras",
    "Ruch",
    "Mrid",
    "Nav",
    "Pran",
)
_INDIC_TAILS = (
    "a",
    "ara",
    "ika",
    "ira",
    "ita",
    "ant",
    "esh",
    "yan",
    "ak",
    "ini",
    "aja",
    "ansh",
    "ira",
    "endra",
    "isha",
    "ayu",
    "anta",
    "ora",
)


# Combinations that are ordinary words, famous brands or awkward to read.
_NOT_ROOTS = frozenset(
    {
        "Orion",
        "Iris",
        "Haven",
        "Davis",
        "Talent",
        "Bryant",
        "Margate",
        "Orwell",
        "Keswick",
        "Garfield",
        "Marion",
        "Samara",
        "Vedanta",
        "Veda",
        "Ethane",
        "Calyx",
        "Oryx",
        "Norwell",
        "Alden",
        "Aldridge",
        "Aldgate",
        "Norwick",
        "Coren",
        "Maris",
        "Garant",
        "Halford",
        "Dharant",
        "Devant",
        "Samant",
        "Kirant",
    }
)
_DOUBLED_RE = re.compile(r"(..)\1")
_VOWELS = frozenset("aeiouy")


def _make_roots(heads: Sequence[str], tails: Sequence[str]) -> tuple[str, ...]:
    out: dict[str, None] = {}
    for h in heads:
        for t in tails:
            root = h + t
            if (
                h[-1] == t[0]
                or h[-1] == t[-1]
                or (h[-1] in _VOWELS and t[0] in _VOWELS)
                or "yi" in root
                or _DOUBLED_RE.search(root.lower())
                or root in _NOT_ROOTS
                or _blocked(root)
            ):
                continue
            out[root] = None
    return tuple(out)


_NEUTRAL_ROOTS = _make_roots(_NEUTRAL_HEADS, _NEUTRAL_TAILS)
_INDIC_ROOTS = _make_roots(_INDIC_HEADS, _INDIC_TAILS)

# Sentence templates per kind. Placeholders are filled from a per-org context.
_TEMPLATES: dict[str, tuple[str, ...]] = {
    "startup_desc": (
        "{short} is a {city}-based start-up working on {c1} for {p1}.",
        "Founded in {year}, {short} specialises in {c12} for {p1}.",
        "{short} is a {backing} {city} company working on {c1}, with prototypes in trials "
        "with {user}.",
        "Deep-tech start-up from {city} focused on {c1} for {p12}.",
    ),
    "startup_a": (
        "Core expertise: {c123}.",
        "In-house know-how in {c1} has been applied to {p2}, alongside work on {c2}.",
        "Engineering work spans {c12}, with a dedicated software team for {c3}.",
    ),
    "startup_b": (
        "Prototypes have completed field trials with {user}.",
        "Founding engineers come from {pedigree}; the team of {eng} holds {patents} patents.",
        "A demonstrator was shown to {user} in {demo_year} and is now being ruggedised.",
        "Won a {prize} for {c2} in {demo_year}.",
    ),
    "adjacent": ("Adjacent work covers {x1}.",),
    "startup_c": (
        "Current R&D targets {c4}.",
        "Next milestone: MIL-STD-810H environmental qualification of the first production units.",
        "Work is under way on {c4} for {p2}.",
    ),
    "msme_desc": (
        "{short} is a {city} {smb} that {verb} {part12} to print for {p1}.",
        "Established in {year}, {short} {verb} {part1} for integrators of {p1}.",
        "Family-owned {city} supplier that {verb} {part123}.",
    ),
    "msme_a": (
        "Facilities include {kit123}.",
        "The shop runs {kit1} and {kit2} across two shifts, with {kit3}.",
    ),
    "msme_b": (
        "Certified to {qms}; {cert}.",
        "Quality system certified to {qms}, with {cert}.",
    ),
    "msme_c": (
        "Typical work: {part123}, in batches of 10 to 5,000.",
        "Tier-2 supplier to integrators of {p12}.",
        "Has delivered {part1} for {p1} since {since}.",
    ),
    "large_desc": (
        "{short} is a diversified engineering group whose defence business covers {c12}.",
        "{city}-headquartered manufacturer with a defence division active in {c1} for {p1}.",
        "{ownership} engineering company with defence work in {c1} for {user}.",
    ),
    "large_a": (
        "The defence division works in {c12} across {plants} plants.",
        "Capabilities in {c12} are in-house, backed by {kit1} and qualification test labs.",
    ),
    "large_b": (
        "Licence-production and co-production experience on {p12}.",
        "Tier-1 supplier to {user}, with a product line in {c3}.",
        "Exports defence sub-systems to {n_export} countries.",
    ),
    "large_c": (
        "Growing capability in {c4}.",
        "Adjacent businesses cover {x1}.",
        "Invests about {rnd}% of revenue in R&D, most of it in {c4}.",
    ),
    "prime_desc": (
        "{short} is a prime contractor and system integrator for {p12}.",
        "Defence prime responsible for design, integration and through-life support of {p1}.",
        "{short} leads major {label} programmes for {user}, from design to fleet support.",
    ),
    "prime_a": (
        "Acts as design authority for {c1}, bringing together {c23} from a supplier base of "
        "{suppliers} firms.",
        "Systems-engineering, integration and acceptance-test teams for {p1}, with design "
        "centres in {city} and {city2}.",
    ),
    "prime_b": (
        "Runs industrial-participation programmes that qualify {partner_adj} suppliers.",
        "Through-life support, obsolescence management and mid-life upgrades for fielded {p2}.",
        "Delivers {p1} to {user}, with production and integration under one roof.",
    ),
    "prime_c": (
        "Scouts start-ups working on {c4}.",
        "Internal R&D focuses on {c4x1}.",
        "Co-development of {c4} with {partner_adj} partners is a stated priority.",
    ),
    "academic_desc": (
        "The {lab} at {inst} researches {r12}.",
        "{inst_poss} {lab} works on {r1}, with sponsored projects from defence and industry.",
        "Research group at {inst} in {city} studying {r1} for {label} applications.",
    ),
    "academic_a": (
        "A group of {faculty} faculty and {students} doctoral researchers works on {r123}.",
        "Current projects cover {r23}.",
    ),
    "academic_b": (
        "Facilities include {t12}.",
        "Runs shared {t1} that industry partners can book.",
    ),
    "academic_c": (
        "Applied projects with industry on {c1}.",
        "Open to sponsored research and joint doctoral programmes on {c2}.",
        "Has licensed work on {c1} to two companies.",
    ),
    "gov_desc": (
        "{short} sponsors development of {c1} and runs user trials for {p1}.",
        "Government office that defines requirements and funds work on {c12} for {p1}.",
        "Technology office that connects {user} with industry working on {c1}.",
    ),
    "gov_a": (
        "Manages a portfolio of technology-development projects in {c123}.",
        "Funds prototype contracts in {c23}.",
    ),
    "gov_b": (
        "Runs open challenges and prototype contracts for start-ups and {smbs}.",
        "Arranges access to {t1} and user trials with {user}.",
    ),
    "gov_c": (
        "Evaluates co-development proposals with {partner_adj} industry.",
        "Transfers government-developed technology in {c4} to industry.",
    ),
    "test_desc": (
        "{short} operates {t12} for {label} programmes.",
        "{city} test facility offering {t1} to industry and government.",
        "Independent test house with {t12}.",
    ),
    "test_a": (
        "Runs {t123}, from development testing to qualification.",
        "Test campaigns use {t12}, with data packages delivered within days.",
    ),
    "test_b": (
        "Accredited to ISO/IEC 17025; reports are accepted by certification authorities.",
        "Instrumentation includes {instr}.",
    ),
    "test_c": (
        "Slots can be booked by {partner_adj} firms under a single test-services agreement.",
        "Supports {user} with acceptance testing.",
        "Can host classified trials with cleared staff.",
    ),
    "inv_desc": (
        "{short} is a {city}-based {inv_type} investing in {areas} companies {stage_phrase}.",
        "{inv_type_cap} backing founders in {areas} {stage_phrase}.",
    ),
    "inv_a": (
        "Invests {ticket} per company {stage_phrase}, leading or co-leading rounds.",
        "Typical cheque: {ticket}, {stage_phrase}.",
    ),
    "inv_b": (
        "Thesis: {thesis_line}.",
        "Looks for teams strong in {c1} or {c2} with a path to a programme of record.",
    ),
    "inv_c": (
        "Portfolio support includes {support}.",
        "Has made {deals} investments since {year}.",
    ),
    "acc_desc": (
        "{short} runs a {weeks}-week accelerator for start-ups in {areas}.",
        "{city} incubator for early-stage ventures in {areas}.",
    ),
    "acc_a": (
        "Runs {cohorts} cohorts a year of {cohort_size} companies, with {mentors} mentors from "
        "industry and the armed services.",
        "Each cohort gets {mentors} mentors, lab space in {city} and access to {t1}.",
    ),
    "acc_b": (
        "Demo days with investors and defence buyers; grants of up to {grant} per company.",
        "Helps start-ups prepare bids for joint India-US challenges.",
    ),
    "acc_c": (
        "Alumni include {alumni} companies.",
        "Corporate partners include primes and {partner_adj} funds.",
    ),
}

_NEEDS: dict[str, tuple[str, ...]] = {
    "startup": (
        "Seeking {partner_a} co-development partner for {c2}, and access to {t1} for "
        "qualification.",
        "Raising a {next_stage} round of {raise_amt}; also needs a manufacturing partner for "
        "rugged hardware.",
        "Needs an anchor customer for its work on {c1}, and test time on {t1}.",
        "Looking for {partner_a} integrator to carry its {c1} work into {p1}.",
    ),
    "msme": (
        "Wants {partner_adj} primes to qualify it as a supplier of {part1}.",
        "Needs long-term orders for {part1}; about {idle}% of capacity is idle.",
        "Looking for a technology partner to add {kit_new} to its line.",
    ),
    "large_company": (
        "Seeks {partner_adj} technology partners for co-production in {c1}.",
        "Looking to acquire or partner with start-ups in {c4}.",
        "Needs help with export licensing for its {c2} business with {partner_adj} customers.",
    ),
    "prime": (
        "Looking for qualified {partner_adj} suppliers of {part1} and start-ups working on {c4}.",
        "Needs second-source suppliers of {part1} to de-risk {p1} deliveries.",
        "Seeks co-production partners for {p2} under reciprocal procurement.",
    ),
    "investor": (
        "Looking for deal flow in {areas} {stage_phrase}, especially cross-border teams.",
        "Wants co-investors for rounds in {areas} {stage_phrase}.",
    ),
    "accelerator": (
        "Needs {partner_adj} mentors and corporate partners for its next cohort.",
        "Looking for test-range access for cohort companies working on {c1}.",
    ),
    "academic": (
        "Seeks industry partners to take {r1} to field prototypes.",
        "Needs funding to upgrade its {t1}, and {partner_adj} co-supervisors for doctoral "
        "students.",
    ),
    "government": (
        "Needs start-ups and {smbs} able to deliver prototypes in {c1} within 18 months.",
        "Wants {partner_adj} partners for joint trials of {c2}.",
    ),
    "test_facility": (
        "Wants more commercial users for its {t1}; spare capacity from {month}.",
        "Seeks partners to co-invest in upgrading its {t1}.",
    ),
}

_US_SPELLING: tuple[tuple[str, str], ...] = (
    ("Defence", "Defense"),
    ("defence", "defense"),
    ("Armour", "Armor"),
    ("armour", "armor"),
    ("Centre", "Center"),
    ("centre", "center"),
    ("Programme", "Program"),
    ("programme", "program"),
    ("optimis", "optimiz"),
    ("stabilis", "stabiliz"),
    ("prioritis", "prioritiz"),
    ("ruggedis", "ruggediz"),
    ("virtualis", "virtualiz"),
    ("modell", "model"),
    ("labelled", "labeled"),
    ("tyre", "tire"),
    ("Tyre", "Tire"),
    ("aluminium", "aluminum"),
    ("metre", "meter"),
    ("behaviour", "behavior"),
    ("calibre", "caliber"),
    ("cheque", "check"),
    ("moulds", "molds"),
    ("Licence", "License"),
    ("licence", "license"),
    ("harbour", "harbor"),
    ("Harbour", "Harbor"),
    ("fibre", "fiber"),
    ("colour", "color"),
)


_US_SPELLING_ALL: tuple[tuple[str, str], ...] = tuple(
    dict.fromkeys(_US_SPELLING + tuple((b.capitalize(), u.capitalize()) for b, u in _US_SPELLING))
)


def _americanise(text: str) -> str:
    for brit, us in _US_SPELLING_ALL:
        if brit in text:
            text = text.replace(brit, us)
    return text


_T = TypeVar("_T")


def _deep_map(value: _T, fn: Callable[[str], str]) -> _T:
    if isinstance(value, str):
        return fn(value)  # type: ignore[return-value]
    if isinstance(value, tuple):
        return tuple(_deep_map(v, fn) for v in value)  # type: ignore[return-value]
    if isinstance(value, dict):
        return {k: _deep_map(v, fn) for k, v in value.items()}  # type: ignore[return-value]
    return value


def _localise_area(area: _Area, country: Country) -> _Area:
    if country is Country.IN:
        return area
    changes: dict[str, Any] = {}
    for f in fields(area):
        if f.name in ("slug", "hubs_in", "hubs_us", "nic", "users", "related"):
            continue
        changes[f.name] = _deep_map(getattr(area, f.name), _americanise)
    return replace(area, **changes)


_AREA_SLUGS: tuple[str, ...] = tuple(slug for slug, _name, _desc in SEED_FOCUS_AREAS)
_AREAS: dict[Country, dict[str, _Area]] = {
    c: {a.slug: _localise_area(a, c) for a in _AREAS_RAW} for c in (Country.IN, Country.US)
}
_TPL: dict[Country, dict[str, tuple[str, ...]]] = {
    Country.IN: _TEMPLATES,
    Country.US: _deep_map(_TEMPLATES, _americanise),
}
_NEED_TPL: dict[Country, dict[str, tuple[str, ...]]] = {
    Country.IN: _NEEDS,
    Country.US: _deep_map(_NEEDS, _americanise),
}
_PROC: dict[Country, dict[str, dict[str, tuple[str, ...]]]] = {
    Country.IN: _PROCESSES,
    Country.US: _deep_map(_PROCESSES, _americanise),
}

# Share of each kind, in percent; the order fixes the allocation of remainders.
_KIND_SHARES: tuple[tuple[OrgKind, int], ...] = (
    (OrgKind.STARTUP, 30),
    (OrgKind.MSME, 20),
    (OrgKind.LARGE_COMPANY, 10),
    (OrgKind.INVESTOR, 10),
    (OrgKind.ACADEMIC, 10),
    (OrgKind.ACCELERATOR, 6),
    (OrgKind.TEST_FACILITY, 6),
    (OrgKind.PRIME, 4),
    (OrgKind.GOVERNMENT, 4),
)

# Relative weight of each focus area as the primary area, per kind.
_AREA_WEIGHTS: dict[OrgKind, dict[str, float]] = {
    OrgKind.STARTUP: {
        "ai-autonomy": 3.0,
        "space": 2.2,
        "cyber": 2.0,
        "isr": 2.0,
        "undersea": 1.6,
        "maritime-domain-awareness": 1.4,
    },
    OrgKind.MSME: {
        "ai-autonomy": 0.3,
        "cyber": 0.2,
        "maritime-domain-awareness": 0.5,
        "land-mobility": 1.6,
        "armoured-vehicles": 1.5,
        "jet-propulsion": 1.5,
        "artillery": 1.3,
        "munitions": 1.3,
    },
    OrgKind.INVESTOR: {
        "ai-autonomy": 3.0,
        "space": 2.5,
        "cyber": 2.0,
        "isr": 1.5,
        "artillery": 0.3,
        "armoured-vehicles": 0.3,
        "munitions": 0.6,
    },
    OrgKind.ACCELERATOR: {"ai-autonomy": 3.0, "space": 2.0, "cyber": 2.0, "isr": 1.5},
}

_LEGAL_IN_PVT = "Pvt Ltd"
_AIR_AREAS = frozenset({"air-combat", "jet-propulsion", "space", "isr"})
_HEAVY_AREAS = frozenset({"land-mobility", "armoured-vehicles", "artillery", "undersea"})
_SLUG_RE = re.compile(r"[^a-z0-9]+")
_ALNUM_RE = re.compile(r"[^a-z]")
_UEI_FIRST = "ABCDEFGHJKLMNPQRSTUVWXYZ123456789"
_UEI_REST = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
_CAGE_MID = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"

_INV_PROFILES: tuple[
    tuple[str, tuple[FundingStage, ...], tuple[int, ...], tuple[int, ...], tuple[str, ...]], ...
] = (
    (
        "angel network",
        (FundingStage.PRE_SEED, FundingStage.SEED),
        (25_000, 50_000, 100_000),
        (250_000, 500_000),
        ("Angels", "Angel Network"),
    ),
    (
        "early-stage venture fund",
        (FundingStage.PRE_SEED, FundingStage.SEED, FundingStage.SERIES_A),
        (100_000, 250_000, 500_000),
        (1_000_000, 2_000_000, 3_000_000),
        ("Ventures", "Capital", "Frontier Ventures"),
    ),
    (
        "deep-tech venture fund",
        (FundingStage.SEED, FundingStage.SERIES_A),
        (250_000, 500_000, 1_000_000),
        (3_000_000, 5_000_000),
        ("Deep Tech Fund", "Ventures", "Capital Partners"),
    ),
    (
        "dual-use technology fund",
        (FundingStage.SERIES_A, FundingStage.SERIES_B),
        (1_000_000, 2_000_000, 3_000_000),
        (10_000_000, 15_000_000, 20_000_000),
        ("Defence Ventures", "Dual-Use Partners", "Strategic Capital"),
    ),
    (
        "corporate venture arm",
        (FundingStage.SEED, FundingStage.SERIES_A, FundingStage.SERIES_B),
        (500_000, 1_000_000),
        (5_000_000, 10_000_000),
        ("Corporate Ventures", "Ventures"),
    ),
    (
        "growth-equity fund",
        (FundingStage.SERIES_B, FundingStage.SERIES_C_PLUS, FundingStage.GROWTH),
        (5_000_000, 10_000_000, 15_000_000),
        (40_000_000, 75_000_000, 100_000_000),
        ("Growth Partners", "Capital Partners", "Equity Partners"),
    ),
    (
        "family office",
        (FundingStage.SERIES_A, FundingStage.SERIES_B, FundingStage.GROWTH),
        (500_000, 1_000_000, 2_000_000),
        (5_000_000, 10_000_000),
        ("Family Office", "Holdings"),
    ),
)
# stage -> (min age, max age, min headcount, max headcount)
_STARTUP_PROFILE: dict[FundingStage, tuple[int, int, int, int]] = {
    FundingStage.PRE_SEED: (1, 3, 3, 15),
    FundingStage.SEED: (1, 5, 5, 35),
    FundingStage.SERIES_A: (3, 8, 15, 90),
    FundingStage.SERIES_B: (5, 10, 40, 220),
    FundingStage.SERIES_C_PLUS: (6, 12, 100, 600),
    FundingStage.BOOTSTRAPPED: (2, 12, 4, 120),
}
_STAGE_TEXT: dict[FundingStage, str] = {
    FundingStage.PRE_SEED: "pre-seed",
    FundingStage.SEED: "seed",
    FundingStage.SERIES_A: "Series A",
    FundingStage.SERIES_B: "Series B",
    FundingStage.SERIES_C_PLUS: "Series C and later",
    FundingStage.GROWTH: "growth",
    FundingStage.PUBLIC: "listed",
    FundingStage.BOOTSTRAPPED: "bootstrapped",
}
_MAX_STARTUP_OFFERS: dict[FundingStage, int] = {FundingStage.PRE_SEED: 1, FundingStage.SEED: 2}
# stage -> (next round, plausible round sizes in USD)
_NEXT_ROUND: dict[FundingStage, tuple[str, tuple[int, ...]]] = {
    FundingStage.PRE_SEED: ("seed", (500_000, 750_000, 1_000_000, 1_500_000, 2_000_000)),
    FundingStage.SEED: ("Series A", (3_000_000, 5_000_000, 8_000_000, 10_000_000)),
    FundingStage.SERIES_A: ("Series B", (12_000_000, 15_000_000, 20_000_000, 30_000_000)),
    FundingStage.SERIES_B: ("Series C", (30_000_000, 40_000_000, 60_000_000)),
    FundingStage.SERIES_C_PLUS: ("growth", (75_000_000, 100_000_000, 150_000_000)),
    FundingStage.BOOTSTRAPPED: ("seed", (500_000, 1_000_000, 2_000_000)),
}

_SEEKING_POOLS: dict[
    OrgKind, tuple[tuple[Seeking, ...], tuple[float, ...], tuple[int, ...], tuple[float, ...]]
] = {
    # (options, option weights, counts, count weights)
    OrgKind.STARTUP: (
        (
            Seeking.INVESTMENT,
            Seeking.CO_DEVELOPMENT,
            Seeking.CUSTOMERS,
            Seeking.TEST_FACILITIES,
            Seeking.MENTORING,
            Seeking.RESEARCH_PARTNER,
        ),
        (3, 3, 3, 2, 1, 1),
        (0, 1, 2, 3),
        (1, 3, 4, 3),
    ),
    OrgKind.MSME: (
        (Seeking.CO_PRODUCTION, Seeking.CUSTOMERS, Seeking.CO_DEVELOPMENT, Seeking.TEST_FACILITIES),
        (4, 4, 1, 1),
        (0, 1, 2, 3),
        (1, 4, 4, 1),
    ),
    OrgKind.LARGE_COMPANY: (
        (
            Seeking.CO_DEVELOPMENT,
            Seeking.CO_PRODUCTION,
            Seeking.RESEARCH_PARTNER,
            Seeking.CUSTOMERS,
        ),
        (3, 3, 2, 1),
        (1, 2, 3),
        (3, 4, 2),
    ),
    OrgKind.PRIME: (
        (Seeking.CO_PRODUCTION, Seeking.CO_DEVELOPMENT, Seeking.RESEARCH_PARTNER),
        (4, 3, 2),
        (1, 2, 3),
        (2, 4, 2),
    ),
    OrgKind.INVESTOR: ((Seeking.CO_DEVELOPMENT,), (1,), (0,), (1,)),
    OrgKind.ACCELERATOR: (
        (Seeking.MENTORING, Seeking.INVESTMENT, Seeking.TEST_FACILITIES),
        (3, 1, 1),
        (0, 1, 2),
        (3, 4, 1),
    ),
    OrgKind.ACADEMIC: (
        (
            Seeking.RESEARCH_PARTNER,
            Seeking.CO_DEVELOPMENT,
            Seeking.TEST_FACILITIES,
            Seeking.INVESTMENT,
        ),
        (4, 3, 1, 0.5),
        (1, 2, 3),
        (4, 4, 1),
    ),
    OrgKind.GOVERNMENT: (
        (Seeking.CO_DEVELOPMENT, Seeking.CO_PRODUCTION, Seeking.RESEARCH_PARTNER),
        (3, 2, 2),
        (0, 1, 2),
        (2, 4, 3),
    ),
    OrgKind.TEST_FACILITY: (
        (Seeking.CUSTOMERS, Seeking.RESEARCH_PARTNER, Seeking.CO_DEVELOPMENT),
        (4, 1, 1),
        (0, 1, 2),
        (2, 5, 2),
    ),
}

_TEST_OFFERS: tuple[_Offer, ...] = (
    (
        "Range Telemetry Ground Station",
        "Transportable S-band telemetry receiving and recording station for trials.",
        "EAR99",
        None,
    ),
    (
        "Mobile Instrumentation Radar",
        "Trailer-mounted tracking radar for trajectory measurement on test ranges.",
        "ECCN 6A008",
        "SCOMET 8A",
    ),
    (
        "Trials Data-Acquisition Suite",
        "Synchronised high-speed data acquisition and video for live-fire and blast trials.",
        "EAR99",
        None,
    ),
    (
        "Portable Calibration Kit",
        "Field kit for on-site calibration of sensors before acceptance tests.",
        "EAR99",
        None,
    ),
)


class _Rng(random.Random):
    """random.Random with cheaper choice/randint/sample (one random() call per draw)."""

    def choice(self, seq: SupportsLenAndGetItem[_T]) -> _T:
        return seq[int(self.random() * len(seq))]

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def sample(
        self, population: Sequence[_T], k: int, *, counts: Iterable[int] | None = None
    ) -> list[_T]:
        n = len(population)
        if counts is not None or k > n:
            raise ValueError("unsupported sample")
        picked: list[int] = []
        while len(picked) < k:
            i = int(self.random() * n)
            if i not in picked:
                picked.append(i)
        return [population[i] for i in picked]

    def wpick(self, population: Sequence[_T], weights: Sequence[float]) -> _T:
        """One weighted draw."""
        x = self.random() * sum(weights)
        for item, w in zip(population, weights, strict=True):
            x -= w
            if x < 0:
                return item
        return population[-1]


_ROMAN_DIGITS = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)


def _roman(i: int) -> str:
    out = []
    for value, digits in _ROMAN_DIGITS:
        count, i = divmod(i, value)
        out.append(digits * count)
    return "".join(out)


def _slugify(text: str) -> str:
    return _SLUG_RE.sub("-", text.lower().replace("&", "and")).strip("-")


def _title_first(text: str) -> str:
    return text[:1].upper() + text[1:]


_JOIN_CACHE: dict[tuple[str, ...], str] = {}


def _join(items: Sequence[str]) -> str:
    """Join a list in prose (memoised); items containing "and" are kept clearly apart."""
    key = tuple(items)
    hit = _JOIN_CACHE.get(key)
    if hit is None:
        hit = _JOIN_CACHE[key] = _join_uncached(key)
    return hit


# Joined placeholders ("{c123}") computed on demand from their parts.
_JOIN_KEYS: dict[str, tuple[str, ...]] = {
    "c12": ("c1", "c2"),
    "c23": ("c2", "c3"),
    "c123": ("c1", "c2", "c3"),
    "c4x1": ("c4", "x1"),
    "p12": ("p1", "p2"),
    "r12": ("r1", "r2"),
    "r23": ("r2", "r3"),
    "r123": ("r1", "r2", "r3"),
    "t12": ("t1", "t2"),
    "t123": ("t1", "t2", "t3"),
    "part12": ("part1", "part2"),
    "part123": ("part1", "part2", "part3"),
    "kit123": ("kit1", "kit2", "kit3"),
}


class _Ctx(dict[str, Any]):
    """Template context that builds joined placeholders lazily."""

    def __missing__(self, key: str) -> str:
        value = _join(tuple(self[k] for k in _JOIN_KEYS[key]))
        self[key] = value
        return value


def _join_uncached(items: Sequence[str]) -> str:
    if len(items) == 1:
        return items[0]
    if any(" and " in i for i in items):
        if len(items) == 2:
            return f"{items[0]}, and {items[1]}"
        return "; ".join(items[:-1]) + "; and " + items[-1]
    return ", ".join(items[:-1]) + " and " + items[-1]


def _money(usd: int) -> str:
    if usd >= 1_000_000:
        m = usd / 1_000_000
        return f"${m:g}M"
    return f"${usd // 1000}k"


def _allocate(orgs: int, rng: random.Random) -> list[tuple[OrgKind, Country]]:
    """Deterministic slot list: kind shares by largest remainder, half per country, shuffled."""
    raw = [(kind, orgs * share / 100) for kind, share in _KIND_SHARES]
    counts = {kind: int(x) for kind, x in raw}
    rest = orgs - sum(counts.values())
    by_frac = sorted(range(len(raw)), key=lambda i: -(raw[i][1] - int(raw[i][1])))
    for i in by_frac[:rest]:
        counts[raw[i][0]] += 1
    if orgs >= len(_KIND_SHARES):
        for kind, _ in _KIND_SHARES:
            if counts[kind] == 0:
                donor = max(counts, key=lambda k: counts[k])
                counts[donor] -= 1
                counts[kind] = 1
    slots: list[tuple[OrgKind, Country]] = []
    for kind, _ in _KIND_SHARES:
        n = counts[kind]
        n_in = n // 2 + (n % 2 if rng.random() < 0.5 else 0)
        slots.extend((kind, Country.IN) for _ in range(n_in))
        slots.extend((kind, Country.US) for _ in range(n - n_in))
    rng.shuffle(slots)
    return slots


_MODEL_LETTERS: dict[str, str] = {}
_MODEL_NUMBERS = (10, 20, 30, 40, 50, 100, 120, 200, 250, 300, 500, 700)


class _Builder:
    """Holds the random stream and the uniqueness registers for one generated set."""

    def __init__(self, rng: _Rng) -> None:
        self.rng = rng
        self.names: set[str] = set()
        self.slugs: set[str] = set()
        self.ids: set[str] = set()
        self.in_cities = {c[0]: c for c in _IN_CITIES}
        self.us_cities = {c[0]: c for c in _US_CITIES}
        self.in_cum = self._cum(c[5] for c in _IN_CITIES)
        self.us_cum = self._cum(c[3] for c in _US_CITIES)
        self.area_cum: dict[OrgKind, list[float]] = {}
        for kind, _ in _KIND_SHARES:
            w = _AREA_WEIGHTS.get(kind, {})
            self.area_cum[kind] = self._cum(w.get(s, 1.0) for s in _AREA_SLUGS)

    @staticmethod
    def _cum(weights: Iterable[float]) -> list[float]:
        out: list[float] = []
        total = 0.0
        for w in weights:
            total += w
            out.append(total)
        return out

    # ---- small helpers --------------------------------------------------------------------

    def _wpick(self, options: Sequence[_T], cum: list[float]) -> _T:
        x = self.rng.random() * cum[-1]
        return options[bisect_right(cum, x)]

    def _loguni(self, lo: int, hi: int) -> int:
        r = self.rng.random()
        return int(lo * (hi / lo) ** r)

    def _trl(self, lo: int, hi: int) -> int:
        return min(9, max(1, round(self.rng.triangular(lo, hi))))

    def _city(self, country: Country, kind: OrgKind, area: _Area) -> tuple[str, str, str, str, str]:
        """Return (city, state, cin code, udyam code, phone prefix)."""
        rng = self.rng
        p_hub, finance = _HUB_SHARE[kind]
        if country is Country.IN:
            if finance:
                c = self.in_cities[rng.choice(_FINANCE_HUBS_IN)]
            elif rng.random() < p_hub:
                c = self.in_cities[rng.choice(area.hubs_in)]
            else:
                c = self._wpick(_IN_CITIES, self.in_cum)
            return c[0], c[1], c[2], c[3], c[4]
        if finance:
            u = self.us_cities[rng.choice(_FINANCE_HUBS_US)]
        elif rng.random() < p_hub:
            u = self.us_cities[rng.choice(area.hubs_us)]
        else:
            u = self._wpick(_US_CITIES, self.us_cum)
        return u[0], u[1], "", "", u[2]

    def _focus(self, kind: OrgKind, primary: _Area, lo: int, hi: int) -> list[str]:
        rng = self.rng
        n = rng.randint(lo, hi)
        out = [primary.slug]
        while len(out) < n:
            cand = rng.choice(primary.related) if rng.random() < 0.7 else rng.choice(_AREA_SLUGS)
            if cand not in out:
                out.append(cand)
        return out

    def _unique(
        self, build: Callable[[], tuple[str, str, str]], qualifier: str | None
    ) -> tuple[str, str]:
        """Draw (base, legal, slug-base) until unused; then add a place or numeral qualifier."""
        base, legal, slug_base = "", "", ""
        for _ in range(10):
            base, legal, slug_base = build()
            name = f"{base} {legal}".strip()
            slug = _slugify(slug_base)
            if name not in self.names and slug not in self.slugs:
                self.names.add(name)
                self.slugs.add(slug)
                return name, slug
        i = 1 if qualifier else 2
        while True:
            numeral = _roman(i)
            tag = (qualifier if i == 1 else f"{qualifier} {numeral}") if qualifier else numeral
            name = f"{base} ({tag}) {legal}".strip() if legal else f"{base} ({tag})"
            slug = _slugify(f"{slug_base} {tag}")
            if name not in self.names and slug not in self.slugs:
                self.names.add(name)
                self.slugs.add(slug)
                return name, slug
            i += 1

    def _root(self, country: Country) -> str:
        rng = self.rng
        if country is Country.IN and rng.random() < 0.6:
            return rng.choice(_INDIC_ROOTS)
        return rng.choice(_NEUTRAL_ROOTS)

    def _new_id(self, make: Callable[[], str]) -> str:
        while True:
            value = make()
            if value not in self.ids:
                self.ids.add(value)
                return value

    def _uei(self) -> str:
        rng = self.rng
        return self._new_id(lambda: rng.choice(_UEI_FIRST) + "".join(rng.choices(_UEI_REST, k=11)))

    def _cage(self) -> str:
        rng = self.rng
        return self._new_id(
            lambda: (
                str(rng.randint(1, 9))
                + "".join(rng.choices(_CAGE_MID, k=3))
                + str(rng.randint(0, 9))
            )
        )

    def _cin(self, listed: bool, nic: str, state: str, year: int, form: str) -> str:
        rng = self.rng
        lu = "L" if listed else "U"
        return self._new_id(lambda: f"{lu}{nic}{state}{year}{form}{rng.randint(1, 999_999):06d}")

    def _udyam(self, state: str) -> str:
        rng = self.rng
        return self._new_id(
            lambda: f"UDYAM-{state}-{rng.randint(1, 38):02d}-{rng.randint(1, 9_999_999):07d}"
        )

    def _dpiit(self) -> str:
        rng = self.rng
        return self._new_id(lambda: f"DIPP{rng.randint(1_000, 199_999)}")

    def _phone(self, country: Country, prefix: str) -> str:
        rng = self.rng
        if country is Country.US:
            return f"+1 {prefix}-555-01{rng.randint(0, 99):02d}"
        if rng.random() < 0.4:
            return f"+91 {rng.randint(70_000, 99_999)} {rng.randint(0, 99_999):05d}"
        digits = 10 - len(prefix)
        num = str(rng.randint(2 * 10 ** (digits - 1), 10**digits - 1))
        half = digits // 2
        return f"+91 {prefix} {num[:half]} {num[half:]}"

    def _contact(self, country: Country, slug: str) -> tuple[str, str]:
        rng = self.rng
        if country is Country.IN or rng.random() < 0.08:
            first, last = rng.choice(_IN_FIRST), rng.choice(_IN_LAST)
        else:
            first, last = rng.choice(_US_FIRST), rng.choice(_US_LAST)
        f, l_ = _ALNUM_RE.sub("", first.lower()), _ALNUM_RE.sub("", last.lower())
        r = rng.random()
        if r < 0.6:
            local = f"{f}.{l_}"
        elif r < 0.85:
            local = f"{f[0]}{l_}"
        else:
            local = rng.choice(("partnerships", "bd", "contact", "info"))
        return f"{first} {last}", f"{local}@{slug}.example"

    def _seeking(self, kind: OrgKind) -> list[Seeking]:
        rng = self.rng
        options, weights, counts, count_w = _SEEKING_POOLS[kind]
        n = min(rng.wpick(counts, count_w), len(options))
        chosen: list[Seeking] = []
        while len(chosen) < n:
            s = rng.wpick(options, weights)
            if s not in chosen:
                chosen.append(s)
        return [s for s in options if s in chosen]

    def _control(self, country: Country, offer: _Offer, unknown: float) -> str | None:
        if self.rng.random() < unknown:
            return None
        if country is Country.US:
            return offer[2]
        return offer[3] or _NOT_LISTED

    def _model(self, product: str) -> str:
        letters = _MODEL_LETTERS.get(product)
        if letters is None:
            initials = "".join(w[0] for w in product.replace("-", " ").split() if w[0].isalpha())
            letters = _MODEL_LETTERS[product] = (initials[:3] or "X").upper()
        return f"{letters}-{self.rng.choice(_MODEL_NUMBERS)}"

    def _product_offers(
        self,
        country: Country,
        brand: str | None,
        areas: list[_Area],
        n: int,
        trl: tuple[int, int],
        prefix: str = "",
        unknown: float = 0.12,
    ) -> list[DemoOffering]:
        rng = self.rng
        out: list[DemoOffering] = []
        seen: set[str] = set()
        for i in range(n):
            area = areas[0] if i == 0 or rng.random() < 0.6 else rng.choice(areas)
            offer = rng.choice(area.offers)
            if offer[0] in seen:
                continue
            seen.add(offer[0])
            product = offer[0]
            name = f"{brand} {self._model(product)} {product}" if brand else prefix + product
            out.append(
                DemoOffering(
                    name=name,
                    description=offer[1],
                    trl=self._trl(*trl),
                    export_control=self._control(country, offer, unknown),
                )
            )
        return out

    # ---- context shared by templates ----------------------------------------------------

    def _context(
        self, country: Country, area: _Area, second: _Area | None, short: str, city: str
    ) -> _Ctx:
        rng = self.rng
        c1, c2, c3, c4 = rng.sample(area.caps, 4)
        p1, p2 = rng.sample(area.platforms, 2)
        other = Country.US if country is Country.IN else Country.IN
        partner_adj = "US" if other is Country.US else "Indian"
        x1 = rng.choice(second.caps) if second else c3
        return _Ctx(
            {
                "short": short,
                "city": city,
                "c1": c1,
                "c2": c2,
                "c3": c3,
                "c4": c4,
                "x1": x1,
                "p1": p1,
                "p2": p2,
                "user": _USERS[country][rng.choice(area.users)],
                "partner_adj": partner_adj,
                "partner_a": "a US" if other is Country.US else "an Indian",
                "label": area.label,
                "smb": "MSME" if country is Country.IN else "small business",
                "smbs": "MSMEs" if country is Country.IN else "small businesses",
            }
        )

    def _compose(
        self, country: Country, prefix: str, ctx: dict[str, Any], extra: int
    ) -> tuple[str, str]:
        """Description from `<prefix>_desc`; capabilities from _a, _b and up to `extra` of _c."""
        rng = self.rng
        tpl = _TPL[country]
        desc = rng.choice(tpl[prefix + "_desc"]).format_map(ctx)
        parts = [rng.choice(tpl[prefix + "_a"]), rng.choice(tpl[prefix + "_b"])]
        if extra and rng.random() < 0.75:
            parts.append(rng.choice(tpl[prefix + "_c"]))
        caps = " ".join(
            _title_first(p.format_map(ctx)) if p[0] == "{" else p.format_map(ctx) for p in parts
        )
        return _title_first(desc), caps

    def _need(self, country: Country, kind: OrgKind, ctx: dict[str, Any]) -> str:
        return _title_first(self.rng.choice(_NEED_TPL[country][kind.value]).format_map(ctx))

    # ---- one organisation ----------------------------------------------------------------

    def org(self, kind: OrgKind, country: Country) -> DemoOrg:
        areas = _AREAS[country]
        primary = areas[self._wpick(_AREA_SLUGS, self.area_cum[kind])]
        if kind is OrgKind.INVESTOR or kind is OrgKind.ACCELERATOR:
            focus = self._focus(kind, primary, 2, 3)
        elif kind in (OrgKind.PRIME, OrgKind.LARGE_COMPANY, OrgKind.GOVERNMENT):
            focus = self._focus(kind, primary, 1, 3)
        else:
            focus = self._focus(kind, primary, 1, 2)
        second = areas[focus[1]] if len(focus) > 1 else None
        city, state, cin_state, ud_state, phone_prefix = self._city(country, kind, primary)
        build = _KIND_BUILDERS[kind]
        return build(
            self,
            kind,
            country,
            primary,
            second,
            focus,
            city,
            state,
            cin_state,
            ud_state,
            phone_prefix,
        )

    def _finish(
        self,
        *,
        name: str,
        slug: str,
        country: Country,
        kind: OrgKind,
        description: str,
        capabilities: str,
        focus: list[str],
        stage: FundingStage | None,
        headcount: int | None,
        city: str,
        state: str,
        identifiers: dict[str, str],
        phone_prefix: str,
        needs: str,
        offerings: list[DemoOffering],
        thesis: DemoThesis | None = None,
    ) -> DemoOrg:
        contact_name, email = self._contact(country, slug)
        if self.rng.random() < 0.04:
            headcount = None
        return DemoOrg(
            name=name,
            country=country,
            kind=kind,
            description=description[:500],
            capabilities=capabilities[:2000],
            focus_areas=focus,
            seeking=self._seeking(kind),
            funding_stage=stage if kind in STAGED_KINDS else None,
            headcount=headcount,
            city=city,
            state=state,
            website=f"https://{slug}.example",
            identifiers=identifiers,
            contact_name=contact_name,
            contact_email=email,
            contact_phone=self._phone(country, phone_prefix),
            needs=needs,
            offerings=offerings,
            thesis=thesis,
        )

    def _us_ids(self, p_uei: float, p_cage: float) -> dict[str, str]:
        ids: dict[str, str] = {}
        rng = self.rng
        if rng.random() < p_uei:
            ids["uei"] = self._uei()
            if rng.random() < p_cage:
                ids["cage"] = self._cage()
        return ids

    # ---- kinds ----------------------------------------------------------------------------

    def startup(
        self,
        kind: OrgKind,
        country: Country,
        area: _Area,
        second: _Area | None,
        focus: list[str],
        city: str,
        state: str,
        cin_state: str,
        ud_state: str,
        phone_prefix: str,
    ) -> DemoOrg:
        rng = self.rng
        root_box: list[str] = []

        def build() -> tuple[str, str, str]:
            root = self._root(country)
            word = (
                rng.choice(area.words)
                if rng.random() < 0.75
                else rng.choice(("Technologies", "Systems", "Labs", "Dynamics", "Innovations"))
            )
            if country is Country.IN:
                legal = _LEGAL_IN_PVT if rng.random() < 0.92 else "LLP"
            else:
                legal = "Inc." if rng.random() < 0.8 else "LLC"
            root_box[:] = [root, legal]
            return f"{root} {word}", legal, f"{root} {word}"

        name, slug = self._unique(build, city)
        root, legal = root_box
        stage = rng.wpick(
            (
                FundingStage.PRE_SEED,
                FundingStage.SEED,
                FundingStage.SERIES_A,
                FundingStage.SERIES_B,
                FundingStage.SERIES_C_PLUS,
                FundingStage.BOOTSTRAPPED,
            ),
            (2, 4, 3, 1.2, 0.4, 1.5),
        )
        age_lo, age_hi, head_lo, head_hi = _STARTUP_PROFILE[stage]
        year = 2025 - rng.randint(age_lo, age_hi)
        headcount = self._loguni(head_lo, head_hi)
        ctx = self._context(country, area, second, name.removesuffix(" " + legal), city)
        demo_year = min(2025, year + rng.randint(1, 3))
        ctx.update(
            year=year,
            demo_year=demo_year,
            pedigree=rng.choice(
                (
                    "government defence laboratories and aerospace majors",
                    "the armed forces and the space programme",
                    "defence electronics companies and leading universities",
                )
                if country is Country.IN
                else (
                    "national laboratories and defense primes",
                    "the armed services and federally funded research centers",
                    "defense primes and venture-backed robotics companies",
                )
            ),
            eng=max(3, int(headcount * 0.7)),
            patents=rng.randint(1, 3 + headcount // 10),
            backing="founder-funded" if stage is FundingStage.BOOTSTRAPPED else "venture-backed",
            prize=rng.choice(
                (
                    "national defence innovation challenge",
                    "service innovation prize",
                    "joint India-US challenge award",
                )
            ),
        )
        if country is Country.US:
            ctx["prize"] = _americanise(ctx["prize"])
        t1 = rng.choice(area.tests)
        next_stage, amounts = _NEXT_ROUND[stage]
        ctx.update(t1=t1, next_stage=next_stage, raise_amt=_money(rng.choice(amounts)))
        desc, caps = self._compose(country, "startup", ctx, 1)
        if second is not None and rng.random() < 0.5:
            caps += " " + _TPL[country]["adjacent"][0].format_map(ctx)
        ids: dict[str, str] = {}
        if country is Country.IN:
            if not name.endswith("LLP"):
                ids["cin"] = self._cin(False, rng.choice(area.nic), cin_state, year, "PTC")
            if rng.random() < 0.85:
                ids["dpiit"] = self._dpiit()
            if rng.random() < 0.5:
                ids["udyam"] = self._udyam(ud_state)
        else:
            ids = self._us_ids(0.9, 0.75)
        n_off = min(rng.wpick((0, 1, 2, 3), (5, 45, 35, 15)), _MAX_STARTUP_OFFERS.get(stage, 3))
        offerings = self._product_offers(country, root, [area], n_off, (3, 7))
        return self._finish(
            name=name,
            slug=slug,
            country=country,
            kind=kind,
            description=desc,
            capabilities=caps,
            focus=focus,
            stage=stage,
            headcount=headcount,
            city=city,
            state=state,
            identifiers=ids,
            phone_prefix=phone_prefix,
            needs=self._need(country, kind, ctx),
            offerings=offerings,
        )

    def msme(
        self,
        kind: OrgKind,
        country: Country,
        area: _Area,
        second: _Area | None,
        focus: list[str],
        city: str,
        state: str,
        cin_state: str,
        ud_state: str,
        phone_prefix: str,
    ) -> DemoOrg:
        rng = self.rng
        part1, process = rng.choice(area.parts)
        proc = _PROC[country][process]
        same = [p for p, pr in area.parts if pr == process and p != part1]
        extra = list(proc["parts"])
        rng.shuffle(extra)
        pool = same + extra
        part2, part3 = pool[0], pool[1]
        legal_box: list[str] = []

        def build() -> tuple[str, str, str]:
            root = self._root(country)
            word = (
                rng.choice(proc["words"])
                if rng.random() < 0.8
                else rng.choice(("Industries", "Engineering", "Manufacturing", "Enterprises"))
            )
            if word in ("Engineering Works", "Enterprises") and country is Country.US:
                word = "Manufacturing"
            if country is Country.IN:
                legal = _LEGAL_IN_PVT if rng.random() < 0.75 else "LLP"
            else:
                legal = rng.choice(("Inc.", "LLC", "Inc.", "Corp."))
            legal_box[:] = [legal]
            return f"{root} {word}", legal, f"{root} {word}"

        name, slug = self._unique(build, city)
        legal = legal_box[0]
        year = rng.randint(1978, 2021)
        ctx = self._context(country, area, second, name.removesuffix(" " + legal), city)
        kit = rng.sample(proc["kit"], 3)
        cert = rng.choice(
            (
                "an NABL-accredited in-house test lab",
                "NADCAP-accredited heat treatment",
                "approved-vendor status with defence shipyards and ordnance factories",
                "first-article inspection to AS9102",
            )
            if country is Country.IN
            else (
                "ITAR registration",
                "NADCAP-accredited special processes",
                "a CMMC Level 2 certification",
                "first-article inspection to AS9102",
            )
        )
        ctx.update(
            verb=rng.choice(proc["verb"]),
            part1=part1,
            part2=part2,
            part3=part3,
            year=year,
            since=rng.randint(max(year, 1995), 2022),
            kit1=kit[0],
            kit2=kit[1],
            kit3=kit[2],
            qms=rng.choice(("AS9100D", "AS9100D", "ISO 9001:2015")),
            cert=cert,
            idle=rng.choice((15, 20, 25, 30, 35, 40)),
            kit_new=rng.choice(
                (
                    "robotic welding",
                    "additive manufacturing",
                    "automated optical inspection",
                    "5-axis machining",
                    "vacuum heat treatment",
                )
            ),
        )
        desc, caps = self._compose(country, "msme", ctx, 1)
        stage = rng.wpick(
            (FundingStage.BOOTSTRAPPED, FundingStage.GROWTH, FundingStage.SEED), (7, 2.5, 0.5)
        )
        ids: dict[str, str] = {}
        if country is Country.IN:
            if legal != "LLP":
                ids["cin"] = self._cin(
                    False, rng.choice(_PROCESS_NIC[process]), cin_state, year, "PTC"
                )
            ids["udyam"] = self._udyam(ud_state)
        else:
            ids = self._us_ids(0.95, 0.92)
        offerings: list[DemoOffering] = []
        us_code, in_code = area.part_codes
        area_code = us_code if country is Country.US else (in_code or _NOT_LISTED)
        generic_code = "EAR99" if country is Country.US else _NOT_LISTED
        for part in (part1, part2, part3)[: rng.choice((1, 1, 2, 2, 3))]:
            code = area_code if part in same or part == part1 else generic_code
            offerings.append(
                DemoOffering(
                    name=_title_first(part)[:120],
                    description=rng.choice(proc["desc"]).format(mat=rng.choice(proc["mats"])),
                    trl=self._trl(6, 9),
                    export_control=None if rng.random() < 0.15 else code,
                )
            )
        return self._finish(
            name=name,
            slug=slug,
            country=country,
            kind=kind,
            description=desc,
            capabilities=caps,
            focus=focus,
            stage=stage,
            headcount=self._loguni(15, 450),
            city=city,
            state=state,
            identifiers=ids,
            phone_prefix=phone_prefix,
            needs=self._need(country, kind, ctx),
            offerings=offerings,
        )

    def large(
        self,
        kind: OrgKind,
        country: Country,
        area: _Area,
        second: _Area | None,
        focus: list[str],
        city: str,
        state: str,
        cin_state: str,
        ud_state: str,
        phone_prefix: str,
    ) -> DemoOrg:
        rng = self.rng
        listed = rng.random() < 0.55
        root_box: list[str] = []
        legal_box: list[str] = []

        def build() -> tuple[str, str, str]:
            root = self._root(country)
            root_box[:] = [root]
            word = (
                rng.choice(("Industries", "Engineering", "Technologies"))
                if rng.random() < 0.55
                else rng.choice(area.words)
            )
            if area.slug in _HEAVY_AREAS and rng.random() < 0.25:
                word = "Heavy Engineering"
            if country is Country.IN:
                legal = "Ltd" if listed or rng.random() < 0.5 else _LEGAL_IN_PVT
            else:
                legal = rng.choice(("Corp.", "Inc."))
            legal_box[:] = [legal]
            return f"{root} {word}", legal, f"{root} {word}"

        name, slug = self._unique(build, city)
        legal = legal_box[0]
        year = rng.randint(1948, 2008)
        ctx = self._context(country, area, second, name.removesuffix(" " + legal), city)
        ctx.update(
            plants=rng.randint(3, 14),
            n_export=rng.randint(4, 30),
            rnd=rng.choice((2, 3, 4, 5, 6)),
            kit1=rng.choice(_PROC[country][rng.choice(area.parts)[1]]["kit"]),
        )
        ctx["ownership"] = "Listed" if listed else "Privately held"
        desc, caps = self._compose(country, "large", ctx, 1)
        stage = (
            FundingStage.PUBLIC
            if listed
            else rng.wpick((FundingStage.GROWTH, FundingStage.BOOTSTRAPPED), (3, 2))
        )
        ids: dict[str, str] = {}
        if country is Country.IN:
            form = "PLC" if legal == "Ltd" else "PTC"
            ids["cin"] = self._cin(listed, area.nic[0], cin_state, year, form)
        else:
            ids = self._us_ids(1.0, 1.0)
        areas = [area] + ([second] if second else [])
        offerings = self._product_offers(country, root_box[0], areas, rng.randint(2, 4), (6, 9))
        return self._finish(
            name=name,
            slug=slug,
            country=country,
            kind=kind,
            description=desc,
            capabilities=caps,
            focus=focus,
            stage=stage,
            headcount=self._loguni(600, 25_000),
            city=city,
            state=state,
            identifiers=ids,
            phone_prefix=phone_prefix,
            needs=self._need(country, kind, ctx),
            offerings=offerings,
        )

    def prime(
        self,
        kind: OrgKind,
        country: Country,
        area: _Area,
        second: _Area | None,
        focus: list[str],
        city: str,
        state: str,
        cin_state: str,
        ud_state: str,
        phone_prefix: str,
    ) -> DemoOrg:
        rng = self.rng
        state_owned = country is Country.IN and rng.random() < 0.35
        listed = rng.random() < 0.8
        root_box: list[str] = []
        legal_box: list[str] = []
        domain_word = {
            "undersea": "Shipbuilders",
            "maritime-domain-awareness": "Naval Systems",
            "land-mobility": "Land Systems",
            "armoured-vehicles": "Land Systems",
            "artillery": "Land Systems",
            "space": "Space Systems",
            "jet-propulsion": "Aero Engines",
            "munitions": "Missiles",
        }.get(area.slug, "Mission Systems")
        other_words = ("Defence Systems", "Aerospace & Defence", domain_word, domain_word)
        air_words = (*other_words, "Aeronautics")

        def build() -> tuple[str, str, str]:
            root = self._root(country)
            root_box[:] = [root]
            word = rng.choice(air_words if area.slug in _AIR_AREAS else other_words)
            if country is Country.IN:
                legal = "Ltd"
            else:
                word = _americanise(word)
                legal = rng.choice(("Corp.", "Inc."))
            legal_box[:] = [legal]
            return f"{root} {word}", legal, f"{root} {word}"

        name, slug = self._unique(build, city)
        legal = legal_box[0]
        year = rng.randint(1940, 2000)
        ctx = self._context(country, area, second, name.removesuffix(" " + legal), city)
        pool = [c[0] for c in (_IN_CITIES if country is Country.IN else _US_CITIES) if c[0] != city]
        ctx.update(
            suppliers=rng.choice((300, 450, 600, 800, 1200, 1500, 2000)),
            city2=rng.choice(pool),
            part1=rng.choice(area.parts)[0],
        )
        desc, caps = self._compose(country, "prime", ctx, 1)
        if state_owned:
            desc += " It is a government-owned defence undertaking."
        stage = FundingStage.PUBLIC if listed else FundingStage.GROWTH
        ids: dict[str, str] = {}
        if country is Country.IN:
            ids["cin"] = self._cin(
                listed, area.nic[0], cin_state, year, "GOI" if state_owned else "PLC"
            )
        else:
            ids = self._us_ids(1.0, 1.0)
        areas = [area] + ([second] if second else [])
        offerings = self._product_offers(
            country, root_box[0], areas, rng.randint(2, 4), (7, 9), unknown=0.05
        )
        return self._finish(
            name=name,
            slug=slug,
            country=country,
            kind=kind,
            description=desc,
            capabilities=caps,
            focus=focus,
            stage=stage,
            headcount=self._loguni(4_000, 120_000),
            city=city,
            state=state,
            identifiers=ids,
            phone_prefix=phone_prefix,
            needs=self._need(country, kind, ctx),
            offerings=offerings,
        )

    def investor(
        self,
        kind: OrgKind,
        country: Country,
        area: _Area,
        second: _Area | None,
        focus: list[str],
        city: str,
        state: str,
        cin_state: str,
        ud_state: str,
        phone_prefix: str,
    ) -> DemoOrg:
        rng = self.rng
        inv_type, stages, mins, maxs, words = rng.choice(_INV_PROFILES)
        legal_box: list[str] = []

        def build() -> tuple[str, str, str]:
            root = self._root(country)
            word = rng.choice(words)
            if country is Country.IN:
                legal = rng.choice(("LLP", "LLP", "Advisors LLP", "Fund Managers Pvt Ltd"))
                if word in ("Angels", "Angel Network"):
                    legal = ""
                elif word in ("Family Office", "Holdings"):
                    legal = rng.choice(("LLP", "Pvt Ltd"))
            else:
                word = _americanise(word)
                legal = (
                    ""
                    if word in ("Angels", "Angel Network")
                    else rng.choice(("LLC", "Management LLC", "LLC"))
                )
            legal_box[:] = [legal]
            return f"{root} {word}", legal, f"{root} {word}"

        name, slug = self._unique(build, city)
        legal = legal_box[0]
        extra = rng.sample([s for s in _AREA_SLUGS if s not in focus], rng.randint(0, 2))
        thesis_areas = focus + extra
        other = Country.US if country is Country.IN else Country.IN
        countries = [country, other] if rng.random() < 0.42 else [country]
        lo, hi = rng.choice(mins), rng.choice(maxs)
        thesis = DemoThesis(
            focus_areas=thesis_areas,
            stages=list(stages),
            countries=countries,
            ticket_min_usd=lo,
            ticket_max_usd=hi,
        )
        areas = _AREAS[country]
        labels = [areas[s].label for s in thesis_areas[:3]]
        names = [_STAGE_TEXT[s] for s in stages]
        stage_phrase = (
            f"at {_join(names)}" if len(names) <= 2 else f"from {names[0]} to {names[-1]}"
        )
        where = (
            "India and the United States"
            if len(countries) == 2
            else ("India" if country is Country.IN else "the United States")
        )
        ctx = self._context(country, area, second, name.removesuffix(" " + legal).strip(), city)
        pick = rng.randint(0, 3 if len(countries) == 2 else 2)
        if pick == 0:
            line = (
                f"dual-use companies in {where} whose products sell to both defence and "
                "commercial buyers"
            )
        elif pick == 1:
            line = f"software-defined defence hardware from founders in {where}"
        elif pick == 2:
            line = (
                f"{labels[0]} companies in {where} that can reach a production contract "
                "within three years"
            )
        else:
            line = f"cross-border India-US teams building {ctx['c1']}"
        ctx.update(
            inv_type=inv_type,
            inv_type_cap=_title_first(inv_type),
            areas=_join(labels),
            stage_phrase=stage_phrase,
            ticket=f"{_money(lo)} to {_money(hi)}",
            year=rng.randint(2008, 2022),
            deals=rng.randint(6, 60),
            thesis_line=line,
            support=rng.choice(
                (
                    "introductions to programme offices and primes, export-control advice and "
                    "help with security clearances",
                    "a network of retired service officers, test-range access and follow-on "
                    "capital",
                    "go-to-market support with defence buyers and co-investment from partner funds",
                )
            ),
        )
        desc, caps = self._compose(country, "inv", ctx, 1)
        if len(countries) == 2 and rng.random() < 0.6:
            caps += f" Co-invests with {ctx['partner_adj']} funds in cross-border companies."
        if country is Country.US:
            caps = _americanise(caps)
        ids: dict[str, str] = {}
        if country is Country.IN:
            if legal.endswith("Pvt Ltd"):
                ids["cin"] = self._cin(
                    False, rng.choice(("65923", "67190")), cin_state, ctx["year"], "PTC"
                )
        else:
            ids = self._us_ids(0.1, 0.0)
        return self._finish(
            name=name,
            slug=slug,
            country=country,
            kind=kind,
            description=desc,
            capabilities=caps,
            focus=focus,
            stage=None,
            headcount=self._loguni(3, 45),
            city=city,
            state=state,
            identifiers=ids,
            phone_prefix=phone_prefix,
            needs=self._need(country, kind, ctx),
            offerings=[],
            thesis=thesis,
        )

    def accelerator(
        self,
        kind: OrgKind,
        country: Country,
        area: _Area,
        second: _Area | None,
        focus: list[str],
        city: str,
        state: str,
        cin_state: str,
        ud_state: str,
        phone_prefix: str,
    ) -> DemoOrg:
        rng = self.rng
        legal_box: list[str] = []

        def build() -> tuple[str, str, str]:
            root = self._root(country)
            if country is Country.IN:
                word = rng.choice(
                    (
                        "Defence Innovation Foundation",
                        "Incubation Centre",
                        "Deep-Tech Incubator",
                        "Innovation Hub",
                    )
                )
                legal = ""
            else:
                word = rng.choice(
                    ("Defense Accelerator", "Tech Bridge", "Venture Studio", "Innovation Hub")
                )
                legal = rng.choice(("Inc.", "", "LLC"))
            legal_box[:] = [legal]
            return f"{root} {word}", legal, f"{root} {word}"

        name, slug = self._unique(build, city)
        legal = legal_box[0]
        areas = _AREAS[country]
        labels = [areas[s].label for s in focus]
        ctx = self._context(country, area, second, name.removesuffix(" " + legal).strip(), city)
        ctx.update(
            areas=_join(labels),
            weeks=rng.choice((10, 12, 16, 20, 24)),
            cohorts=rng.choice(("two", "two", "three")),
            cohort_size=rng.choice(("8 to 10", "10 to 12", "12 to 15")),
            mentors=rng.randint(20, 90),
            t1=rng.choice(area.tests),
            alumni=rng.randint(15, 140),
            grant=_money(rng.choice((25_000, 50_000, 100_000, 150_000))),
        )
        desc, caps = self._compose(country, "acc", ctx, 1)
        ids: dict[str, str] = {}
        if country is Country.IN:
            if name.endswith("Foundation"):
                ids["cin"] = self._cin(False, "74140", cin_state, rng.randint(2012, 2023), "NPL")
        else:
            ids = self._us_ids(0.5, 0.3)
        return self._finish(
            name=name,
            slug=slug,
            country=country,
            kind=kind,
            description=desc,
            capabilities=caps,
            focus=focus,
            stage=None,
            headcount=self._loguni(4, 45),
            city=city,
            state=state,
            identifiers=ids,
            phone_prefix=phone_prefix,
            needs=self._need(country, kind, ctx),
            offerings=[],
        )

    def academic(
        self,
        kind: OrgKind,
        country: Country,
        area: _Area,
        second: _Area | None,
        focus: list[str],
        city: str,
        state: str,
        cin_state: str,
        ud_state: str,
        phone_prefix: str,
    ) -> DemoOrg:
        rng = self.rng
        box: list[str] = []

        def build() -> tuple[str, str, str]:
            root = self._root(country)
            lab = rng.choice(area.labs)
            if country is Country.IN:
                inst_type = rng.choice(
                    (
                        "Institute of Technology",
                        "University",
                        "Institute of Science and Technology",
                        "College of Engineering",
                        "Technological University",
                    )
                )
            else:
                inst_type = rng.choice(
                    (
                        "University",
                        "Institute of Technology",
                        "State University",
                        "Polytechnic Institute",
                        "College of Engineering",
                    )
                )
            inst = f"{root} {inst_type}"
            box[:] = [lab, inst]
            acronym = "".join(w[0] for w in lab.split() if w[0].isupper()).lower()
            return f"{lab}, {inst}, {city}", "", f"{root} {inst_type} {acronym}"

        name, slug = self._unique(build, None)
        lab, inst = box
        r1, r2, r3 = rng.sample(area.research, 3)
        tests = rng.sample(area.tests, 2)
        ctx = self._context(country, area, second, name, city)
        ctx.update(
            lab=lab,
            inst=inst,
            inst_poss=f"{inst}'s",
            r1=r1,
            r2=r2,
            r3=r3,
            t1=tests[0],
            t2=tests[1],
            faculty=rng.randint(3, 14),
            students=rng.randint(8, 60),
        )
        desc, caps = self._compose(country, "academic", ctx, 1)
        ids = self._us_ids(1.0, 0.6) if country is Country.US else {}
        n_off = rng.wpick((0, 1, 2), (5, 4, 1))
        offerings = self._product_offers(
            country, None, [area], n_off, (2, 4), prefix="Laboratory prototype: ", unknown=0.45
        )
        offerings = [
            replace(
                o,
                description=o.description.rstrip(".")
                + "; research prototype available for licensing.",
            )
            for o in offerings
        ]
        return self._finish(
            name=name,
            slug=slug,
            country=country,
            kind=kind,
            description=desc,
            capabilities=caps,
            focus=focus,
            stage=None,
            headcount=self._loguni(12, 260),
            city=city,
            state=state,
            identifiers=ids,
            phone_prefix=phone_prefix,
            needs=self._need(country, kind, ctx),
            offerings=offerings,
        )

    def government(
        self,
        kind: OrgKind,
        country: Country,
        area: _Area,
        second: _Area | None,
        focus: list[str],
        city: str,
        state: str,
        cin_state: str,
        ud_state: str,
        phone_prefix: str,
    ) -> DemoOrg:
        rng = self.rng
        tries = [0]

        def build() -> tuple[str, str, str]:
            tries[0] += 1
            if country is Country.IN:
                kinds = (
                    "Technology Directorate",
                    "Programme Office",
                    "Innovation Cell",
                    "Systems Evaluation Wing",
                    "Regional Technology Office",
                    "Development Directorate",
                )
            else:
                kinds = (
                    "Program Office",
                    "Rapid Capabilities Office",
                    "Technology Transition Office",
                    "Innovation Cell",
                    "Prototyping Office",
                    "Capability Development Directorate",
                )
            office = rng.choice(kinds)
            acronym = "".join(w[0] for w in f"{area.title} {office}".replace("-", " ").split())
            if tries[0] <= 3 and rng.random() < 0.5:
                return f"{area.title} {office}, {city}", "", f"{acronym} {city}"
            root = self._root(country)
            return f"Project {root} {area.title} {office}", "", f"project {root} {acronym}"

        name, slug = self._unique(build, None)
        ctx = self._context(country, area, second, "The " + name.split(",")[0], city)
        ctx["t1"] = rng.choice(area.tests)
        desc, caps = self._compose(country, "gov", ctx, 1)
        ids = self._us_ids(0.7, 0.0) if country is Country.US else {}
        offerings: list[DemoOffering] = []
        if rng.random() < 0.3:
            offerings = self._product_offers(
                country, None, [area], 1, (4, 7), prefix="Transferable technology: "
            )
        return self._finish(
            name=name,
            slug=slug,
            country=country,
            kind=kind,
            description=desc,
            capabilities=caps,
            focus=focus,
            stage=None,
            headcount=self._loguni(30, 2_500),
            city=city,
            state=state,
            identifiers=ids,
            phone_prefix=phone_prefix,
            needs=self._need(country, kind, ctx),
            offerings=offerings,
        )

    def test_facility(
        self,
        kind: OrgKind,
        country: Country,
        area: _Area,
        second: _Area | None,
        focus: list[str],
        city: str,
        state: str,
        cin_state: str,
        ud_state: str,
        phone_prefix: str,
    ) -> DemoOrg:
        rng = self.rng
        commercial = rng.random() < 0.6
        legal_box: list[str] = []

        def build() -> tuple[str, str, str]:
            root = self._root(country)
            word = rng.choice(area.facility_words)
            if commercial:
                legal = _LEGAL_IN_PVT if country is Country.IN else rng.choice(("LLC", "Inc."))
            else:
                legal = ""
            legal_box[:] = [legal]
            return f"{root} {word}", legal, f"{root} {word}"

        name, slug = self._unique(build, city)
        legal = legal_box[0]
        tests = list(area.tests)
        rng.shuffle(tests)
        ctx = self._context(country, area, second, name.removesuffix(" " + legal).strip(), city)
        ctx.update(
            t1=tests[0],
            t2=tests[1],
            t3=tests[2 % len(tests)],
            instr=rng.choice(
                (
                    "high-speed cameras, telemetry receivers and tracking radars",
                    "calibrated reference sensors traceable to national standards",
                    "multi-channel data acquisition at up to 1 MS/s per channel",
                )
            ),
            month=rng.choice(("January", "March", "April", "June", "September", "October")),
        )
        desc, caps = self._compose(country, "test", ctx, 1)
        if not commercial:
            desc += (
                " It is run by a government establishment."
                if country is Country.IN
                else " It is a government-owned test site."
            )
        ids: dict[str, str] = {}
        if country is Country.IN:
            if commercial:
                year = rng.randint(1995, 2022)
                ids["cin"] = self._cin(
                    False, rng.choice(("74300", "73100")), cin_state, year, "PTC"
                )
                if rng.random() < 0.4:
                    ids["udyam"] = self._udyam(ud_state)
        else:
            ids = self._us_ids(0.9, 0.7)
        offerings: list[DemoOffering] = []
        if rng.random() < 0.3:
            offer = rng.choice(_TEST_OFFERS)
            offerings.append(
                DemoOffering(
                    name=offer[0],
                    description=offer[1],
                    trl=self._trl(8, 9),
                    export_control=self._control(country, offer, 0.1),
                )
            )
        return self._finish(
            name=name,
            slug=slug,
            country=country,
            kind=kind,
            description=desc,
            capabilities=caps,
            focus=focus,
            stage=None,
            headcount=self._loguni(15, 700),
            city=city,
            state=state,
            identifiers=ids,
            phone_prefix=phone_prefix,
            needs=self._need(country, kind, ctx),
            offerings=offerings,
        )


_KindBuilder = Callable[
    [_Builder, OrgKind, Country, _Area, _Area | None, list[str], str, str, str, str, str],
    DemoOrg,
]
_KIND_BUILDERS: dict[OrgKind, _KindBuilder] = {
    OrgKind.STARTUP: _Builder.startup,
    OrgKind.MSME: _Builder.msme,
    OrgKind.LARGE_COMPANY: _Builder.large,
    OrgKind.PRIME: _Builder.prime,
    OrgKind.INVESTOR: _Builder.investor,
    OrgKind.ACCELERATOR: _Builder.accelerator,
    OrgKind.ACADEMIC: _Builder.academic,
    OrgKind.GOVERNMENT: _Builder.government,
    OrgKind.TEST_FACILITY: _Builder.test_facility,
}


def generate(*, orgs: int = 2000, seed: int = 7) -> Iterator[DemoOrg]:
    """Yield a deterministic fictional ecosystem of `orgs` organisations."""
    if orgs < 0:
        raise ValueError("orgs must be >= 0")
    rng = _Rng(seed)
    slots = _allocate(orgs, rng)
    builder = _Builder(rng)
    for kind, country in slots:
        yield builder.org(kind, country)
