"""Demo hurdles for the register, from the facts in the regulatory reference.

They are real hurdles (each cites its regulation), marked `is_demo` so the register labels
them; owners, statuses and remedies are illustrative.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.audit.service import Actor
from indusx.pathway import hurdles as hurdle_service
from indusx.pathway.models import Hurdle, HurdleStatus
from indusx.pathway.schemas import HurdleCreate

DEMO_HURDLES = (
    HurdleCreate(
        key="rdp-not-concluded",
        title="No Reciprocal Defence Procurement agreement yet",
        regulation="DFARS 225.872 (qualifying countries)",
        description="The US Department of Defense sought industry input on an RDP agreement "
        "with India in October 2023; none had been concluded by mid-2025. Until "
        "one is, India is not a DFARS qualifying country and Indian content in "
        "DoD purchases meets Buy American and related restrictions.",
        focus_areas=["air-combat", "land-mobility", "munitions", "jet-propulsion"],
        owner="OSD Acquisition and MoD (Department of Defence Production)",
        status=HurdleStatus.IN_PROGRESS,
        remedy="Conclude the RDP memorandum of understanding; meanwhile, structure supply "
        "to DoD primes through qualifying-country content where possible.",
    ),
    HurdleCreate(
        key="mla-coproduction-usml",
        title="Co-production of USML items in India needs a Manufacturing Licence Agreement",
        regulation="22 CFR 124 (ITAR agreements); DDTC Agreement Guidelines rev. 5.0",
        description="Every co-production in India of a defence article on the USML (e.g. "
        "Category XIX gas-turbine engine parts) needs an MLA approved by DDTC "
        "before technical data flows; drafting, review and any Congressional "
        "notification take months.",
        focus_areas=["jet-propulsion", "air-combat", "armoured-vehicles"],
        owner="DDTC (US Department of State)",
        status=HurdleStatus.OPEN,
        remedy="Template MLA clauses for INDUS-X co-production; early engagement with DDTC "
        "on the technical-data scope.",
    ),
    HurdleCreate(
        key="sta-600-series-end-use-checks",
        title="600-series exports: STA conditions and end-use checks",
        regulation="15 CFR 740.20 (licence exception STA)",
        description="India is STA Tier 1 since August 2018, but 600-series items need a "
        "licence or STA with a prior consignee statement, and non-government "
        "recipients must accept end-use checks, which Indian private firms are "
        "often not prepared for.",
        focus_areas=["jet-propulsion", "land-mobility", "isr"],
        owner="BIS (US Department of Commerce)",
        status=HurdleStatus.OPEN,
        remedy="Guidance and a model consignee statement for Indian MSMEs; a point of "
        "contact for end-use checks.",
    ),
    HurdleCreate(
        key="scomet-cat6-ddp",
        title="SCOMET Category 6 exports need DDP authorisation",
        regulation="SCOMET Category 6 (Appendix 3 to Schedule 2, ITC(HS)); DDP export SOP",
        description="Exports of munitions-list items from India need a DDP authorisation "
        "with an end-user certificate; records are kept five years. Samples for "
        "US trials and test ranges go through the same process.",
        focus_areas=["munitions", "undersea", "space"],
        owner="Department of Defence Production (MoD)",
        status=HurdleStatus.IN_PROGRESS,
        remedy="A fast track for INDUS-X challenge samples and test-range shipments.",
    ),
    HurdleCreate(
        title="Defence FDI above 74% needs government approval",
        regulation="Consolidated FDI Policy; DPIIT Press Note 4 (2020)",
        description="Foreign investment up to 74% is automatic for companies seeking new "
        "industrial licences; above it needs approval, and all of it is subject to "
        "national-security review, which slows US investors' larger stakes in "
        "Indian start-ups.",
        focus_areas=["ai-autonomy", "cyber", "space"],
        owner="DPIIT and MoD",
        status=HurdleStatus.OPEN,
        remedy="Published timelines for approving stakes above 74% in start-ups that bring "
        "modern technology.",
    ),
)


def load_demo_hurdles(*, session: Session, actor: Actor) -> int:
    """Add the demo hurdles that are not in the register yet; return how many were added."""
    keys = set(session.scalars(select(Hurdle.key).where(Hurdle.key.is_not(None))))
    titles = set(session.scalars(select(Hurdle.title)))
    added = 0
    for hurdle_in in DEMO_HURDLES:
        if hurdle_in.key in keys or hurdle_in.title in titles:
            continue
        hurdle_service.create_hurdle(
            session=session, hurdle_in=hurdle_in, actor=actor, is_demo=True
        )
        added += 1
    return added
