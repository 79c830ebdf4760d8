"""Fixtures of the challenges tests: two agencies and their officers, applicants in India and
the United States, a challenge factory, and real small files."""

import io
import zipfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy.orm import Session

from indusx.accounts import service as account_service
from indusx.accounts.models import OrgRole, User
from indusx.accounts.permissions import Principal
from indusx.challenges import service
from indusx.challenges.models import Challenge, Phase
from indusx.challenges.schemas import ChallengeCreate
from indusx.config import Settings
from indusx.db import utcnow
from indusx.orgs.models import Organisation
from tests.conftest import ACTOR, make_settings

MakeChallenge = Callable[..., Challenge]


def principal_of(session: Session, user: User) -> Principal:
    """Return the principal of a user, as a request would load it."""
    return Principal.load(session=session, user=user, via="api")


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Test settings with uploads in the test's own folder and a small size limit."""
    return make_settings(database_url, upload_dir=tmp_path / "uploads", upload_max_bytes=64 * 1024)


@pytest.fixture
def world(
    session: Session,
    make_user: Callable[..., User],
    make_org: Callable[..., Organisation],
) -> SimpleNamespace:
    """Two agencies with an officer each; an Indian start-up (alice owns it, bob views it,
    erin edits it), a US firm (dave owns it), charlie with no organisation, an admin."""
    olga = make_user(role="officer", name="Olga Officer", password=None)
    oscar = make_user(role="officer", name="Oscar Other-Agency", password=None)
    admin = make_user(role="admin", name="Adam Admin", password=None)
    alice = make_user(name="Alice Owner", password=None)
    bob = make_user(name="Bob Viewer", password=None)
    erin = make_user(name="Erin Editor", password=None)
    dave = make_user(name="Dave US Owner", password=None)
    charlie = make_user(name="Charlie Outsider", password=None)
    agency = make_org(
        owner=olga, name="Innovations for Defence Excellence", kind="government", country="IN"
    )
    other_agency = make_org(
        owner=oscar, name="Defense Innovation Unit", kind="government", country="US"
    )
    india = make_org(owner=alice, name="Alice Undersea Systems", country="IN", kind="startup")
    us = make_org(owner=dave, name="Dave Maritime Robotics", country="US", kind="msme")
    for user, role in ((bob, OrgRole.VIEWER), (erin, OrgRole.EDITOR)):
        account_service.add_member(
            session=session, org_id=india.id, user=user, role=role, actor=ACTOR
        )
    session.commit()
    return SimpleNamespace(
        olga=olga,
        oscar=oscar,
        admin=admin,
        alice=alice,
        bob=bob,
        erin=erin,
        dave=dave,
        charlie=charlie,
        agency=agency,
        other_agency=other_agency,
        india=india,
        us=us,
    )


def challenge_body(sponsor_org_id: int, **fields: Any) -> dict[str, Any]:
    """Return a complete challenge: a problem, a rubric of two, two questions, a deadline."""
    body: dict[str, Any] = {
        "title": "Undersea acoustic communications",
        "summary": "Reliable data links for unmanned undersea vehicles.",
        "problem_statement": "Submarines and UUVs need low-probability-of-intercept links.",
        "sponsor_org_id": sponsor_org_id,
        "co_sponsors": ["DIU"],
        "prize": "Up to USD 250,000 shared among winners",
        "funding_usd": 250_000,
        "focus_areas": ["undersea"],
        "eligible_countries": ["IN", "US"],
        "eligible_kinds": ["startup", "msme"],
        "trl_min": 3,
        "trl_max": 7,
        "timezone": "Asia/Kolkata",
        "deadline_at": (utcnow() + timedelta(days=30)).isoformat(),
        "criteria": [
            {"name": "Technical merit", "weight": 3},
            {"name": "Team", "weight": 1, "scale_max": 5},
        ],
        "questions": [
            {"prompt": "Describe your approach", "max_chars": 500},
            {"prompt": "Anything else?", "required": False},
        ],
    }
    body.update(fields)
    return body


@pytest.fixture
def make_challenge(session: Session, world: SimpleNamespace) -> MakeChallenge:
    """Create a challenge through the service, sponsored by olga's agency, in a phase."""

    def _make(phase: Phase = Phase.OPEN, **fields: Any) -> Challenge:
        olga = principal_of(session, world.olga)
        challenge = service.create_challenge(
            session=session,
            challenge_in=ChallengeCreate.model_validate(challenge_body(world.agency.id, **fields)),
            principal=olga,
        )
        order = list(Phase)
        for step in order[1 : order.index(phase) + 1]:
            service.change_phase(
                session=session, challenge=challenge, to=step,
                reason="Test set-up: moving on before the deadline", principal=olga,
            )
        session.commit()
        return challenge

    return _make


def pdf_bytes() -> bytes:
    """Return a real, minimal one-page PDF."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (n, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def office_bytes(part: str = "word/document.xml") -> bytes:
    """Return an Office Open XML zip with its content types and one main part."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        archive.writestr(part, '<?xml version="1.0"?><document/>')
    return buffer.getvalue()
