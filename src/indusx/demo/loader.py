"""Load the fictional demo ecosystem (and its demo users) into the database, in bulk."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import islice
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from indusx.accounts import service as account_service
from indusx.accounts.models import OrgRole, PlatformRole
from indusx.audit import service as audit
from indusx.audit.service import Actor
from indusx.challenges import demo as challenge_demo
from indusx.db import utcnow
from indusx.demo.generator import DemoOrg, generate
from indusx.orgs import facets
from indusx.orgs import service as org_service
from indusx.orgs.identifiers import IDENTIFIERS
from indusx.orgs.models import (
    FocusArea,
    InvestorThesis,
    Offering,
    Organisation,
    OrgSeeking,
    org_focus_area,
)
from indusx.orgs.service import slugify
from indusx.partnerships import demo as partnership_demo
from indusx.pathway import demo as pathway_demo
from indusx.roadmap import demo as roadmap_demo
from indusx.screening import demo as screening_demo
from indusx.supply import demo as supply_demo
from indusx.supply.sos import demo as sos_demo

DEMO_PASSWORD = "indusx-demo-2026"
IDENTIFIER_FIELDS = tuple(IDENTIFIERS)
BATCH = 1000


@dataclass(frozen=True, slots=True)
class DemoUser:
    email: str
    full_name: str
    role: PlatformRole
    org_index: int | None  # owner of the n-th demo organisation of the wanted kind/country
    description: str
    expertise: str = ""  # set for mentors (matchmaking's mentoring mode)


DEMO_USERS = (
    DemoUser("admin@indusx.example", "Asha Admin", PlatformRole.ADMIN, None,
             "platform administrator"),
    DemoUser("officer@indusx.example", "Owen Officer", PlatformRole.OFFICER, None,
             "programme officer (iDEX / DIU)"),
    DemoUser("founder.in@indusx.example", "Priya Founder", PlatformRole.MEMBER, 0,
             "owner of an Indian start-up"),
    DemoUser("founder.us@indusx.example", "Sam Founder", PlatformRole.MEMBER, 1,
             "owner of a US start-up"),
    DemoUser("member@indusx.example", "Maya Member", PlatformRole.MEMBER, None,
             "member without an organisation"),
    DemoUser("reviewer1@indusx.example", "Meera Iyer", PlatformRole.MEMBER, None,
             "challenge reviewer"),
    DemoUser("reviewer2@indusx.example", "Daniel Brooks", PlatformRole.MEMBER, None,
             "challenge reviewer"),
    DemoUser("reviewer3@indusx.example", "Farah Khan", PlatformRole.MEMBER, None,
             "challenge reviewer"),
    DemoUser("mentor.in@indusx.example", "Kavita Rao", PlatformRole.MEMBER, None,
             "mentor (India)",
             expertise="Former naval scientist: underwater acoustics, sonar signal processing, "
                       "autonomous underwater vehicles; taking defence start-ups through iDEX "
                       "trials and DRDO qualification."),
    DemoUser("mentor.us@indusx.example", "James Miller", PlatformRole.MEMBER, None,
             "mentor (US)",
             expertise="Retired Air Force programme manager: SBIR Phase II to Phase III "
                       "transition, ISR payloads, space systems, export control (ITAR) and "
                       "DoD contracting for small businesses."),
)


def _search_text(org: DemoOrg, area_names: dict[str, str]) -> str:
    parts = [org.description, org.capabilities, " ".join(area_names[a] for a in org.focus_areas)]
    parts += [f"{o.name}. {o.description}" for o in org.offerings]
    return "\n".join(p for p in parts if p)


def _batches(items: Iterable[DemoOrg], size: int) -> Iterable[list[DemoOrg]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def insert_orgs(
    *, session: Session, orgs: Iterable[DemoOrg], progress: Callable[[int], None] | None = None
) -> list[int]:
    """Insert generated organisations in bulk (derived columns included); return their ids."""
    areas = {a.slug: (a.id, a.name, a.bit) for a in session.scalars(select(FocusArea))}
    area_names = {slug: name for slug, (_, name, _) in areas.items()}
    taken = set(session.scalars(select(Organisation.slug)))
    # A second load (or a real organisation) may already hold a generated identifier.
    used = {
        name: set(session.scalars(select(getattr(Organisation, name)).where(
            getattr(Organisation, name).is_not(None))))
        for name in IDENTIFIER_FIELDS
    }
    ids: list[int] = []
    now = utcnow()
    for batch in _batches(orgs, BATCH):
        rows = []
        for org in batch:
            slug = base = slugify(org.name)
            n = 2
            while slug in taken:
                slug, n = f"{base}-{n}", n + 1
            taken.add(slug)
            max_trl = max((o.trl for o in org.offerings), default=None)
            idents = {}
            for name in IDENTIFIER_FIELDS:
                value = org.identifiers.get(name)
                if value is not None and value not in used[name]:
                    used[name].add(value)
                    idents[name] = value
            rows.append({
                "slug": slug, "name": org.name, "country": org.country, "kind": org.kind,
                "description": org.description, "capabilities": org.capabilities,
                "funding_stage": org.funding_stage, "headcount": org.headcount,
                "city": org.city, "state": org.state, "website": org.website,
                **{name: idents.get(name) for name in IDENTIFIER_FIELDS},
                "contact_name": org.contact_name,
                "contact_email": org.contact_email, "contact_phone": org.contact_phone,
                "needs": org.needs, "private_notes": "", "is_demo": True,
                "max_trl": max_trl,
                "focus_mask": facets.focus_mask(areas[a][2] for a in org.focus_areas),
                "facet_mask": facets.facet_mask(
                    country=org.country, kind=org.kind, funding_stage=org.funding_stage,
                    max_trl=max_trl, seeking=org.seeking),
                "search_text": _search_text(org, area_names),
                "created_at": now, "updated_at": now,
            })
        batch_ids = list(session.scalars(
            insert(Organisation).returning(Organisation.id, sort_by_parameter_order=True), rows
        ))
        links, seeking, offerings, theses = [], [], [], []
        for org_id, org in zip(batch_ids, batch, strict=True):
            links += [{"org_id": org_id, "focus_area_id": areas[a][0]} for a in org.focus_areas]
            seeking += [{"org_id": org_id, "seeking": s} for s in org.seeking]
            offerings += [
                {"org_id": org_id, "name": o.name, "description": o.description, "trl": o.trl,
                 "export_control": o.export_control}
                for o in org.offerings
            ]
            if org.thesis is not None:
                t = org.thesis
                theses.append({
                    "org_id": org_id, "focus_areas": list(t.focus_areas),
                    "stages": [s.value for s in t.stages],
                    "countries": [c.value for c in t.countries],
                    "ticket_min_usd": t.ticket_min_usd, "ticket_max_usd": t.ticket_max_usd,
                })
        tables: tuple[tuple[Any, list[dict[str, Any]]], ...] = (
            (org_focus_area, links), (OrgSeeking, seeking), (Offering, offerings),
            (InvestorThesis, theses),
        )
        for table, values in tables:
            if values:
                session.execute(insert(table), values)
        ids += batch_ids
        if progress is not None:
            progress(len(batch))
    return ids


def load_demo(
    *,
    session: Session,
    orgs: int = 2000,
    seed: int = 7,
    actor: Actor | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[DemoUser]:
    """Load the demo ecosystem and its users; return the users that were created."""
    actor = actor or Actor.system()
    org_service.seed_focus_areas(session=session)
    generated = list(generate(orgs=orgs, seed=seed))
    ids = insert_orgs(session=session, orgs=generated, progress=progress)
    audit.record(
        session=session, actor=actor, action="demo.load", object_type="organisation",
        summary=f"loaded {len(ids)} fictional demo organisations (seed {seed})",
        after={"orgs": len(ids), "seed": seed},
    )
    pathway_demo.load_demo_hurdles(session=session, actor=actor)  # real hurdles, marked Demo
    startups = {
        country: next(
            (i for i, o in zip(ids, generated, strict=True)
             if o.kind.value == "startup" and o.country.value == country),
            None,
        )
        for country in ("IN", "US")
    }
    created = []
    for demo in DEMO_USERS:
        if account_service.find_user_by_email(session=session, email=demo.email) is not None:
            continue
        user = account_service.create_user(
            session=session, email=demo.email, full_name=demo.full_name,
            platform_role=demo.role, password=DEMO_PASSWORD, actor=actor,
        )
        if demo.expertise:
            user.is_mentor, user.expertise = True, demo.expertise
        org_id = startups["IN" if demo.org_index == 0 else "US"] if demo.org_index is not None \
            else None
        if org_id is not None:
            account_service.add_member(
                session=session, org_id=org_id, user=user, role=OrgRole.OWNER, actor=actor
            )
        created.append(demo)
    screening_demo.load_demo_list(session=session, actor=actor)
    challenge_demo.load_demo_challenges(session=session, actor=actor, password=DEMO_PASSWORD)
    supply_demo.load_demo_supply(session=session)
    sos_demo.load_demo_requests(session=session)  # on the demo systems just loaded
    roadmap_demo.load_demo_roadmap(session=session, actor=actor)
    partnership_demo.load_demo_partnerships(session=session, actor=actor)
    return created


def is_empty(*, session: Session) -> bool:
    """Return whether the directory has no organisations yet."""
    return (session.scalar(select(func.count()).select_from(Organisation)) or 0) == 0
