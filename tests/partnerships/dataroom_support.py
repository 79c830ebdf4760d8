"""A partnership between alice's Indian organisation and dave's US firm, with a data room,
built straight from the models so that the data-room tests stand on their own."""

import io
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy.orm import Session

from indusx.accounts import service as account_service
from indusx.accounts.models import Eligibility, User
from indusx.accounts.permissions import Principal
from indusx.config import Settings
from indusx.orgs.models import Organisation
from indusx.partnerships import dataroom_documents as docs
from indusx.partnerships import dataroom_eligibility as declarations
from indusx.partnerships import dataroom_service as rooms
from indusx.partnerships.dataroom_models import DocumentVersion
from indusx.partnerships.models import (
    Origin,
    Partnership,
    PartnershipOfficer,
    PartnershipParty,
    PartnershipType,
    PartyRole,
)
from indusx.pathway.engine.evaluate import Verdict
from indusx.pathway.models import Assessment
from tests.conftest import ACTOR, make_settings


def pdf(*sizes: tuple[float, float], rotate: int = 0) -> bytes:
    """Return a real PDF with one page of each size (points), each saying its number."""
    from pypdf import PdfReader, PdfWriter
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out)
    for n, size in enumerate(sizes, start=1):
        canvas.setPageSize(size)
        canvas.drawString(72, size[1] / 2, f"Body of page {n}")
        canvas.showPage()
    canvas.save()
    if not rotate:
        return out.getvalue()
    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(out.getvalue())).pages:
        writer.add_page(page.rotate(rotate))
    rotated = io.BytesIO()
    writer.write(rotated)
    return rotated.getvalue()


def principal(session: Session, user: User) -> Principal:
    """Return a user's principal, loaded afresh (as every request does)."""
    return Principal.load(session=session, user=user, via="test")


def assess(session: Session, partnership_id: int, verdict: Verdict) -> Assessment:
    """Save a regulatory assessment for the partnership."""
    row = Assessment(title="Review", verdict=verdict, ruleset_version="test", input={},
                     result={}, partnership_id=partnership_id)
    session.add(row)
    session.commit()
    return row


def build(
    session: Session,
    people: SimpleNamespace,
    make_user: Callable[..., User],
    make_org: Callable[..., Organisation],
    tmp_path: Path,
    database_url: str,
) -> SimpleNamespace:
    """Return alice (IN owner, indian-national), bob (IN viewer, undeclared), dave (US owner,
    us-person), erin (an Indian owner who is no party), an assigned officer (olga, of a US
    agency, us-person), an unassigned officer (otto) and admin, around one partnership."""
    dave = make_user(name="Dave US Owner", password=None)
    us_org = make_org(owner=dave, name="Harbour Acoustics Inc", country="US",
                      kind="large_company")
    agency = make_org(owner=people.officer, name="Defense Innovation Office", country="US",
                      kind="government")
    erin = make_user(name="Erin Elsewhere", password=None)
    make_org(owner=erin, name="Elsewhere Robotics", country="IN")
    otto = make_user(role="officer", name="Otto Unassigned", password=None)
    pact = Partnership(title="Undersea modem co-development", type=PartnershipType.CO_DEVELOPMENT,
                       origin=Origin.MANUAL, created_by_id=people.alice.id)
    session.add(pact)
    session.flush()
    session.add_all([
        PartnershipParty(partnership_id=pact.id, org_id=people.org.id, role=PartyRole.LEAD),
        PartnershipParty(partnership_id=pact.id, org_id=us_org.id, role=PartyRole.PARTNER),
        PartnershipOfficer(partnership_id=pact.id, user_id=people.officer.id),
    ])
    for user, eligibility in ((people.alice, Eligibility.INDIAN_NATIONAL),
                              (dave, Eligibility.US_PERSON),
                              (people.officer, Eligibility.US_PERSON),
                              (people.admin, Eligibility.US_PERSON)):
        declarations.declare_eligibility(session=session, user=user, eligibility=eligibility.value,
                                  actor=ACTOR)
    session.commit()
    settings: Settings = make_settings(database_url, upload_dir=tmp_path / "uploads",
                                       upload_max_bytes=64 * 1024)
    return SimpleNamespace(
        alice=people.alice, bob=people.bob, charlie=people.charlie, dave=dave, erin=erin,
        officer=people.officer, otto=otto, admin=people.admin, org=people.org, us_org=us_org,
        agency=agency, pact=pact, settings=settings,
    )


def ctx(session: Session, w: SimpleNamespace, user: User) -> rooms.RoomContext:
    """Return the room as a user sees it now."""
    return rooms.load_room(session=session, principal=principal(session, user),
                           partnership_id=w.pact.id)


def name_members(session: Session, w: SimpleNamespace, *users: User) -> None:
    """Have alice (an owner of a party) name members."""
    room = ctx(session, w, w.alice)
    for user in users:
        rooms.add_member(session=session, ctx=room, user_id=user.id)
    session.commit()


def put(
    session: Session, w: SimpleNamespace, user: User, *, marking: str, data: bytes,
    filename: str = "spec.txt", title: str = "Modem interface spec", document_id: int | None = None,
) -> DocumentVersion:
    """Upload a document (or a version) as a member."""
    version = docs.upload(session=session, settings=w.settings, ctx=ctx(session, w, user),
                           title=title, description="", marking=marking, filename=filename,
                           data=data, document_id=document_id)
    session.commit()
    return version


def leave_org(session: Session, user: User, org_id: int) -> None:
    """Take a user out of an organisation."""
    from sqlalchemy import select

    from indusx.accounts.models import Membership

    membership = session.scalar(select(Membership).where(Membership.user_id == user.id,
                                                         Membership.org_id == org_id))
    assert membership is not None
    account_service.remove_member(session=session, membership=membership, actor=ACTOR)
    session.commit()
