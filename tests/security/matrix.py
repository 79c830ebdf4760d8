"""The permission matrix's world: one user per role and one of every object they act on.

Roles (each a user who signs in with a browser cookie and an access token):

- anonymous: nobody signed in;
- outsider: owns another organisation (a US firm) that takes part in nothing below;
- viewer and owner: a viewer and the owner of the Indian start-up at the centre of it all;
- reviewer: in the reviewer pool of the challenge, assigned the start-up's proposal;
- investor: owns an investor organisation;
- officer: a programme officer who owns the sponsoring agency (so manages the challenge);
- admin: a platform administrator.

Objects: a challenge in review with the start-up's submitted proposal (an attachment, an
award decision, the reviewer's assignment); a partnership of the start-up with a third
organisation (a comment, a task, an officer, a data room with a document); an introduction
from the start-up to that organisation; a supply system integrated by the start-up with a
part, a source, a saved scenario and a Security of Supply request; a roadmap initiative with
a milestone and a link; a pathway assessment and a hurdle; a restricted-party list and an
open screening case; a notification and a personal token of the owner.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from indusx.accounts import service as account_service
from indusx.accounts.models import Eligibility, OrgRole, PlatformRole, User
from indusx.accounts.permissions import Principal
from indusx.audit.service import Actor
from indusx.challenges import export as challenge_export
from indusx.challenges.models import Attachment, ReviewStatus
from indusx.challenges.models import Outcome as DecisionOutcome
from indusx.config import Settings
from indusx.dashboards import service as dashboard_service
from indusx.matching import introductions
from indusx.matching.models import MatchMode
from indusx.notifications import service as notification_service
from indusx.orgs import service as org_service
from indusx.orgs.models import Organisation
from indusx.orgs.schemas import OrgCreate
from indusx.partnerships import comments, tasks
from indusx.partnerships import dataroom_documents as room_documents
from indusx.partnerships import dataroom_eligibility as declarations
from indusx.partnerships import dataroom_service as rooms
from indusx.partnerships import service as partnership_service
from indusx.partnerships.models import PartnershipType
from indusx.partnerships.schemas import PartnershipCreate
from indusx.pathway import hurdles
from indusx.pathway import service as pathway_service
from indusx.pathway.schemas import AssessmentIn, HurdleCreate
from indusx.roadmap import service as roadmap_service
from indusx.roadmap.models import MilestoneStatus
from indusx.roadmap.schemas import InitiativeCreate, LinkKind, MilestoneCreate
from indusx.screening import cases as screening_cases
from indusx.screening import imports
from indusx.screening import service as screening_service
from indusx.screening.lists import ListFormat
from indusx.supply import service as supply_service
from indusx.supply import simulation
from indusx.supply.models import PartKind
from indusx.supply.schemas import PartCreate, SourceCreate, SystemCreate
from indusx.supply.sos import service as sos_service
from indusx.supply.sos.schemas import RequestCreate
from indusx.uploads import store
from tests.challenges.conftest import pdf_bytes
from tests.challenges.review_support import add_member, give_review, make_challenge, make_proposal
from tests.dashboards.support import decide
from tests.screening.support import write_ofac

ACTOR = Actor.system("matrix")
LISTED_NAME = "Zenith Strike Armaments Inc"


class Role(StrEnum):
    ANONYMOUS = "anonymous"
    OUTSIDER = "outsider"
    VIEWER = "viewer"
    OWNER = "owner"
    REVIEWER = "reviewer"
    INVESTOR = "investor"
    OFFICER = "officer"
    ADMIN = "admin"


ROLES = tuple(Role)


@dataclass
class World:
    """The seeded users, their credentials, and the value of every path parameter."""

    users: dict[Role, User]
    cookies: dict[Role, str] = field(default_factory=dict)
    tokens: dict[Role, str] = field(default_factory=dict)
    ids: dict[str, Any] = field(default_factory=dict)


def _user(session: Session, name: str, role: PlatformRole = PlatformRole.MEMBER) -> User:
    slug = re.sub(r"[^a-z]+", ".", name.lower())
    return account_service.create_user(
        session=session, email=f"{slug}@matrix.example", full_name=name, platform_role=role,
        password=None, actor=ACTOR,
    )


def _org(session: Session, owner: User | None, name: str, **fields: Any) -> Organisation:
    data: dict[str, Any] = {
        "name": name, "country": "IN", "kind": "startup",
        "description": "Builds acoustic modems for undersea communications.",
        "capabilities": "Acoustic modems, underwater networking, signal processing.",
        "focus_areas": ["undersea"], "seeking": ["co_development"],
        "contact_email": f"contact@{re.sub(r'[^a-z]+', '', name.lower())}.example",
        "needs": "A partner for sea trials.",
    }
    data.update(fields)
    return org_service.create_org(session=session, org_in=OrgCreate.model_validate(data),
                                  actor=ACTOR, owner=owner)


def _principal(session: Session, user: User) -> Principal:
    return Principal.load(session=session, user=user, via="api")


def build(session: Session, settings: Settings, tmp: Path) -> World:
    """Seed the world through the services and return it (the caller commits)."""
    users = {
        Role.OUTSIDER: _user(session, "Charlie Outsider"),
        Role.VIEWER: _user(session, "Bob Viewer"),
        Role.OWNER: _user(session, "Alice Owner"),
        Role.REVIEWER: _user(session, "Rita Reviewer"),
        Role.INVESTOR: _user(session, "Ivan Investor"),
        Role.OFFICER: _user(session, "Olga Officer", PlatformRole.OFFICER),
        Role.ADMIN: _user(session, "Adam Admin", PlatformRole.ADMIN),
    }
    owner, viewer, officer = users[Role.OWNER], users[Role.VIEWER], users[Role.OFFICER]
    dave = _user(session, "Dave Partner")
    world = World(users=users)
    ids = world.ids

    startup = _org(session, owner, "Alice Undersea Systems")
    account_service.add_member(session=session, org_id=startup.id, user=viewer,
                               role=OrgRole.VIEWER, actor=ACTOR)
    _org(session, users[Role.OUTSIDER], "Charlie Rival Robotics", country="US", kind="msme")
    _org(session, users[Role.INVESTOR], "Ivan Frontier Ventures", country="US",
         kind="investor", seeking=["investment"])
    partner = _org(session, dave, "Dave Harbour Acoustics", country="US",
                   kind="large_company")
    agency = _org(session, officer, "Innovations for Defence Excellence", kind="government")
    ids |= {"startup": startup, "partner": partner, "agency": agency}

    # A challenge in review: the start-up's proposal, the reviewer's assignment, an award.
    challenge = make_challenge(session, agency)
    proposal = make_proposal(session, challenge, startup, title="Acoustic mesh")
    add_member(session, challenge, users[Role.REVIEWER], "reviewer")
    review = give_review(session, proposal, users[Role.REVIEWER], status=ReviewStatus.ASSIGNED)
    stored = store(settings, pdf_bytes())
    attachment = Attachment(proposal_id=proposal.id, filename="plan.pdf",
                            content_type=stored.mime, size_bytes=stored.size,
                            sha256=stored.sha256, storage_key=stored.key,
                            uploaded_by_id=owner.id)
    session.add(attachment)
    decision = decide(session, proposal, DecisionOutcome.AWARDED, datetime.now(UTC),
                      award_usd=50_000)
    session.flush()
    report_keys = [c.key for c in challenge_export.report(
        session=session, principal=_principal(session, officer), challenge=challenge)]
    ids |= {"challenge": challenge, "proposal": proposal, "review": review,
            "attachment": attachment, "decision": decision, "report_key": report_keys[0]}

    # A partnership of the start-up and the US firm, with its officer and data room.
    alice = _principal(session, owner)
    pact = partnership_service.create(
        session=session, principal=alice,
        partnership_in=PartnershipCreate(title="Undersea modem co-development",
                                         type=PartnershipType.CO_DEVELOPMENT,
                                         org_ids=[startup.id, partner.id]))
    partnership_service.assign_officer(session=session, principal=_principal(session, officer),
                                       partnership_id=pact.id, email=officer.email)
    comment = comments.add(session=session, principal=alice, partnership_id=pact.id,
                           body="Sea trials in March.")
    task = tasks.create(session=session, principal=alice, partnership_id=pact.id,
                        title="Draft the NDA")
    for user, eligibility in ((owner, Eligibility.INDIAN_NATIONAL),
                              (officer, Eligibility.INDIAN_NATIONAL),
                              (users[Role.ADMIN], Eligibility.US_PERSON)):
        declarations.declare_eligibility(session=session, user=user,
                                         eligibility=eligibility.value, actor=ACTOR)
    room = rooms.load_room(session=session, principal=_principal(session, owner),
                           partnership_id=pact.id)
    for user in (owner, viewer):
        rooms.add_member(session=session, ctx=room, user_id=user.id)
    room = rooms.load_room(session=session, principal=_principal(session, owner),
                           partnership_id=pact.id)
    version = room_documents.upload(session=session, settings=settings, ctx=room,
                                    title="Modem spec", description="",
                                    marking="business-confidential", filename="spec.pdf",
                                    data=pdf_bytes())
    ids |= {"partnership": pact, "comment": comment, "task": task,
            "document_id": version.document_id}

    intro = introductions.request(session=session, principal=alice, from_org_id=startup.id,
                                  mode=MatchMode.CO_DEVELOPMENT, to_org_id=partner.id,
                                  note="Sea trials together?")
    ids["intro"] = intro

    # A supply system integrated by the start-up, sourced in part from the US firm.
    system = supply_service.create_system(session=session, principal=None, system_in=SystemCreate(
        code="MX-1", name="Matrix sonar", annual_demand=12.0, integrator_org_id=startup.id))
    part = supply_service.add_part(session=session, principal=None, system_id=system.id,
                                   part_in=PartCreate(number="P1", name="Transducer",
                                                      kind=PartKind.PART, quantity=2))
    source = supply_service.add_source(session=session, principal=None, part_id=part.id,
                                       source_in=SourceCreate(supplier_org_id=partner.id,
                                                              share=0.5, lead_time_days=90))
    # The start-up supplies the other half itself, so its members are parties to the request.
    supply_service.add_source(session=session, principal=None, part_id=part.id,
                              source_in=SourceCreate(supplier_org_id=startup.id, share=0.5,
                                                     lead_time_days=60))
    scenario = simulation.save_scenario(
        session=session, principal=alice, settings=settings,
        spec=simulation.ScenarioSpec(name="US supplier out", systems=["MX-1"],
                                     countries_out=["US"]))
    sos = sos_service.create_request(
        session=session, principal=_principal(session, officer),
        request_in=RequestCreate(requester_org_id=agency.id, supply_part_id=part.id,
                                 quantity=4, needed_on=date.today() + timedelta(days=60),
                                 justification="Readiness for the sea trials needs these.",
                                 marking="CUI"))
    ids |= {"system": system, "part": part, "source": source, "scenario": scenario, "sos": sos}

    # The roadmap, the pathway and the hurdle register.
    initiative = roadmap_service.create_initiative(
        session=session, actor=ACTOR, initiative_in=InitiativeCreate.model_validate({
            "title": "Undersea domain awareness", "focus_area": "undersea",
            "status": "active", "is_public": True}))
    milestone = roadmap_service.add_milestone(
        session=session, initiative=initiative, actor=ACTOR,
        milestone_in=MilestoneCreate(title="Sea trial", due_on=date.today() + timedelta(days=30),
                                     status=MilestoneStatus.PLANNED))
    roadmap_service.add_link(session=session, initiative=initiative, kind=LinkKind.ORG,
                             target_id=startup.id, actor=ACTOR)
    hurdle = hurdles.create_hurdle(session=session, actor=ACTOR, hurdle_in=HurdleCreate(
        title="Slow licence reviews"))
    assessment = pathway_service.run_assessment(
        session=session, actor=alice.actor, save=True,
        assessment_in=AssessmentIn.model_validate({
            "title": "Modem in India", "activity": ["co-production"],
            "parties": [{"org": str(partner.id), "role": "licensor"},
                        {"org": str(startup.id), "role": "manufacturer"}],
            "items": [{"name": "Acoustic modem", "classification": "EAR99"}]}))
    ids |= {"initiative": initiative, "milestone": milestone, "hurdle": hurdle,
            "assessment_id": assessment.id}

    # A restricted-party list and an open case against a listed firm.
    imports.import_list(session=session, fmt=ListFormat.OFAC, actor=ACTOR,
                        paths=write_ofac(tmp / "ofac"))
    listed = _org(session, None, LISTED_NAME, country="US", kind="large_company")
    screening_service.screen_org(session=session, org=listed, actor=ACTOR)
    case = screening_cases.subject_cases(session=session, org_id=listed.id)[0]
    lists = imports.list_summaries(session=session)
    ids |= {"case": case, "list_key": lists[0].list.key}

    note = notification_service.enqueue(session=session, to_email=owner.email,
                                        user_id=owner.id, kind="matrix.test",
                                        subject="Hello", body="A note.")
    token, _ = account_service.create_api_token(session=session, user=owner, actor=ACTOR)
    board = dashboard_service.entries()[0].name  # the ecosystem's, with a "kinds" chart
    ids |= {"notification": note, "token": token, "dashboard": board}

    for role, user in users.items():
        world.cookies[role] = account_service.start_web_session(session=session, user=user,
                                                                settings=settings)
        # What POST /api/v1/auth/login gives: personal tokens are refused on step-up routes.
        _, world.tokens[role] = account_service.issue_access_token(
            session=session, user=user, settings=settings, actor=ACTOR)
    session.flush()
    return world


def path_values(world: World, settings: Settings) -> dict[str, Callable[[str], object]]:
    """Return, for each path parameter name, how to fill it for a given path template."""
    ids = world.ids
    users = world.users

    def user_id(path: str) -> object:
        if "/reviewers/" in path:
            return users[Role.REVIEWER].id
        if "/officers/" in path:
            return users[Role.OFFICER].id
        return users[Role.VIEWER].id

    def slug(path: str) -> object:
        return ids["challenge"].slug if path.startswith("/challenges") else ids["startup"].slug

    def key(path: str) -> object:
        if path.startswith("/dashboards"):
            return "kinds"
        return ids["report_key"] if "/report/" in path else ids["list_key"]

    def org_id(path: str) -> object:
        other = "co-applicants" in path or "/parties/" in path
        return ids["partner"].id if other else ids["startup"].id

    return {
        "attachment_id": lambda p: ids["attachment"].id,
        "challenge_id": lambda p: ids["challenge"].id,
        "user_id": user_id,
        "intro_id": lambda p: ids["intro"].id,
        "org_id": org_id,
        "partnership_id": lambda p: ids["partnership"].id,
        "comment_id": lambda p: ids["comment"].id,
        "document_id": lambda p: ids["document_id"],
        "task_id": lambda p: ids["task"].id,
        "assessment_id": lambda p: ids["assessment_id"],
        "hurdle_id": lambda p: ids["hurdle"].id,
        "proposal_id": lambda p: ids["proposal"].id,
        "review_id": lambda p: ids["review"].id,
        "initiative_id": lambda p: ids["initiative"].id,
        "kind": lambda p: "org",
        "target_id": lambda p: ids["startup"].id,
        "milestone_id": lambda p: ids["milestone"].id,
        "case_id": lambda p: ids["case"].id,
        "request_id": lambda p: ids["sos"].id,
        "scenario_id": lambda p: ids["scenario"].id,
        "system_id": lambda p: ids["system"].id,
        "part_id": lambda p: ids["part"].id,
        "source_id": lambda p: ids["source"].id,
        "token_id": lambda p: ids["token"].id,
        "notification_id": lambda p: ids["notification"].id,
        "decision_id": lambda p: ids["decision"].id,
        "slug": slug,
        "key": key,
        "number": lambda p: 1,
        "name": lambda p: ids["dashboard"],
        "target": lambda p: "withdrawn",
        "fmt": lambda p: "csv",
    }


def fill(path: str, values: dict[str, Callable[[str], object]]) -> str:
    """Return a concrete URL for a path template; a parameter with no value fails loudly."""

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise KeyError(f"the permission matrix has no value for {{{name}}} in {path}")
        return str(values[name](path))

    return re.sub(r"\{(\w+)\}", one, path)


class Outcome(StrEnum):
    """What a response says about authorisation."""

    ALLOWED = "allowed"  # 2xx, or a redirect anywhere but the sign-in page
    INVALID = "invalid"  # 400, 409, 422: the caller got past authorisation
    REFUSED = "refused"  # 401, 403, 404, or a redirect to sign in
    ERROR = "error"  # 5xx, or anything else


def outcome_of(status: int, location: str = "") -> Outcome:
    """Classify a response by its status (and where a redirect goes)."""
    if 200 <= status < 300:
        return Outcome.ALLOWED
    if 300 <= status < 400:
        return Outcome.REFUSED if location.startswith("/login") else Outcome.ALLOWED
    if status in (401, 403, 404):
        return Outcome.REFUSED
    if status in (400, 409, 422):
        return Outcome.INVALID
    return Outcome.ERROR


def bodies(world: World) -> dict[tuple[str, str], dict[str, Any]]:
    """Return valid JSON bodies for the API writes whose access depends on the object named
    in the body or the path, so that the call reaches the object-level check."""
    ids = world.ids
    startup, partner = ids["startup"].id, ids["partner"].id
    users = world.users
    soon = (date.today() + timedelta(days=45)).isoformat()
    p = "/api/v1/partnerships/{partnership_id}"
    return {
        ("POST", "/api/v1/challenges/{challenge_id}/assignments"): {
            "proposal_id": ids["proposal"].id, "reviewer_id": users[Role.REVIEWER].id},
        ("POST", "/api/v1/challenges/{challenge_id}/phase"): {
            "phase": "shortlist", "reason": "The review is done."},
        ("POST", "/api/v1/challenges/{challenge_id}/proposals"): {"lead_org_id": startup},
        ("POST", "/api/v1/introductions"): {
            "from_org_id": startup, "mode": "co-development", "to_org_id": partner},
        ("POST", "/api/v1/orgs/{org_id}/matches/dismiss"): {
            "mode": "co-development", "candidate_org_id": partner},
        ("PATCH", "/api/v1/orgs/{org_id}/members/{user_id}"): {"role": "editor"},
        ("POST", "/api/v1/orgs/{org_id}/members"): {"email": "new.member@matrix.example"},
        ("POST", "/api/v1/partnerships"): {
            "title": "Another", "type": "co-development", "org_ids": [startup, partner]},
        ("POST", "/api/v1/partnerships/from-decision"): {"decision_id": ids["decision"].id},
        ("POST", "/api/v1/partnerships/from-introduction"): {"introduction_id": ids["intro"].id},
        ("POST", f"{p}/comments"): {"body": "Agreed."},
        ("POST", f"{p}/parties"): {"org_id": ids["agency"].id},
        ("PATCH", f"{p}/comments/{{comment_id}}"): {"body": "Edited."},
        ("POST", f"{p}/officers"): {"email": users[Role.OFFICER].email},
        ("POST", f"{p}/room/members"): {"user_id": users[Role.VIEWER].id},
        ("PUT", f"{p}/room/authorisation"): {"reference": "DSP-5 050-123456"},
        ("PUT", f"{p}/room/rules"): {"allowed_countries": ["IN", "US"],
                                     "allowed_eligibilities": []},
        ("POST", f"{p}/stage"): {"stage": "introduced", "reason": "Terms next."},
        ("POST", f"{p}/tasks"): {"title": "Book the range"},
        ("POST", f"{p}/tasks/{{task_id}}/done"): {"done": True},
        ("POST", "/api/v1/proposals/{proposal_id}/decisions"): {
            "outcome": "shortlisted", "reason": "Strong."},
        ("POST", "/api/v1/proposals/{proposal_id}/co-applicants"): {"org_id": partner},
        ("PATCH", "/api/v1/proposals/{proposal_id}"): {"version": 1, "title": "Renamed"},
        ("POST", "/api/v1/reviews/{review_id}/declare"): {"conflict": False},
        ("PUT", "/api/v1/reviews/{review_id}"): {"scores": [], "submit": False},
        ("POST", "/api/v1/reviewer-conflicts"): {"org_id": startup, "reason": "I advise them."},
        ("POST", "/api/v1/supply/requests"): {
            "supply_part_id": ids["part"].id, "quantity": 2, "needed_on": soon,
            "justification": "Readiness for the sea trials needs these.", "marking": "CUI"},
        ("POST", "/api/v1/supply/requests/{request_id}/answers"): {
            "org_id": startup, "action": "acknowledge"},
        ("POST", "/api/v1/supply/requests/{request_id}/status"): {
            "status": "withdrawn", "reason": "No longer needed."},
        ("POST", "/api/v1/supply/systems"): {
            "code": "MX-2", "name": "Another", "integrator_org_id": startup},
    }
