"""Data rooms: who is in, what they may open, versions, and the log of every view and download."""

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.audit.models import AuditEvent
from indusx.errors import Forbidden, Invalid, NotFound
from indusx.orgs.models import Organisation
from indusx.partnerships import dataroom_documents as docs
from indusx.partnerships import dataroom_eligibility as declarations
from indusx.partnerships import dataroom_log as room_log
from indusx.partnerships import dataroom_service as rooms
from indusx.partnerships.dataroom_models import AccessAction, AccessLog, AccessOutcome
from indusx.partnerships.models import PartnershipOfficer
from indusx.pathway.engine.evaluate import Verdict
from tests.partnerships.dataroom_support import (
    assess,
    build,
    ctx,
    leave_org,
    name_members,
    principal,
    put,
)

TEXT = b"Modem interface: 9600 baud acoustic link.\n"
CTD = "controlled-technical-data"


@pytest.fixture
def w(
    session: Session,
    people: SimpleNamespace,
    make_user: Callable[..., User],
    make_org: Callable[..., Organisation],
    tmp_path: Path,
    database_url: str,
) -> SimpleNamespace:
    return build(session, people, make_user, make_org, tmp_path, database_url)


def open_as(session: Session, w: SimpleNamespace, user: User, document_id: int,
            action: AccessAction = AccessAction.VIEW) -> docs.Opened:
    opened = docs.open_version(session=session, principal=principal(session, user),
                                partnership_id=w.pact.id, document_id=document_id, number=None,
                                action=action)
    session.commit()
    return opened


def test_a_named_member_opens_a_business_confidential_document(
    session: Session, w: SimpleNamespace
) -> None:
    name_members(session, w, w.alice, w.dave)
    doc = put(session, w, w.alice, marking="business-confidential", data=TEXT)

    opened = open_as(session, w, w.dave, doc.document_id)

    assert opened.found and opened.decision.allowed


def test_a_removed_member_loses_access_on_the_very_next_request(
    session: Session, w: SimpleNamespace
) -> None:
    name_members(session, w, w.alice, w.dave)
    doc = put(session, w, w.alice, marking="public", data=TEXT)
    assert open_as(session, w, w.dave, doc.document_id).decision.allowed

    rooms.remove_member(session=session, ctx=ctx(session, w, w.alice), user_id=w.dave.id)
    session.commit()
    opened = open_as(session, w, w.dave, doc.document_id, AccessAction.DOWNLOAD)

    assert not opened.decision.allowed
    assert opened.decision.reason == "you are not a named member of this data room"


def test_a_member_who_leaves_the_party_organisation_loses_access_at_once(
    session: Session, w: SimpleNamespace
) -> None:
    name_members(session, w, w.alice, w.bob)
    doc = put(session, w, w.alice, marking="public", data=TEXT)

    leave_org(session, w.bob, w.org.id)

    opened = open_as(session, w, w.bob, doc.document_id)
    assert not opened.found and not opened.decision.allowed
    assert [m.active for m in rooms.members(session=session, ctx=ctx(session, w, w.alice))
            if m.user_id == w.bob.id] == [False]


def test_an_officer_loses_access_when_unassigned(session: Session, w: SimpleNamespace) -> None:
    name_members(session, w, w.alice, w.officer)
    doc = put(session, w, w.alice, marking="public", data=TEXT)
    assert open_as(session, w, w.officer, doc.document_id).decision.allowed

    session.execute(PartnershipOfficer.__table__.delete().where(
        PartnershipOfficer.user_id == w.officer.id))
    session.commit()

    assert not open_as(session, w, w.officer, doc.document_id).found


def test_an_unassigned_officer_and_an_outsider_cannot_enter_the_room(
    session: Session, w: SimpleNamespace
) -> None:
    name_members(session, w, w.alice)
    doc = put(session, w, w.alice, marking="public", data=TEXT)

    for user in (w.otto, w.charlie, w.erin):
        with pytest.raises(NotFound):
            ctx(session, w, user)
        assert not open_as(session, w, user, doc.document_id).found


def test_only_party_members_and_assigned_officers_can_be_named(
    session: Session, w: SimpleNamespace
) -> None:
    room = ctx(session, w, w.alice)
    for outsider in (w.erin, w.otto, w.charlie):
        with pytest.raises(Invalid, match="only members of a party organisation"):
            rooms.add_member(session=session, ctx=room, user_id=outsider.id)
    assert {u.id for u in rooms.candidates(session=session, ctx=room)} >= {
        w.alice.id, w.bob.id, w.dave.id, w.officer.id}


def test_a_viewer_of_a_party_cannot_name_members(session: Session, w: SimpleNamespace) -> None:
    name_members(session, w, w.bob)
    with pytest.raises(Forbidden):
        rooms.add_member(session=session, ctx=ctx(session, w, w.bob), user_id=w.dave.id)


def test_controlled_data_is_blocked_without_an_assessment(
    session: Session, w: SimpleNamespace
) -> None:
    name_members(session, w, w.alice)
    doc = put(session, w, w.alice, marking=CTD, data=TEXT)

    opened = open_as(session, w, w.alice, doc.document_id)

    assert not opened.decision.allowed
    assert "no regulatory assessment is saved" in opened.decision.reason


def test_controlled_data_needs_a_current_authorisation_when_authorisations_are_required(
    session: Session, w: SimpleNamespace
) -> None:
    from datetime import timedelta

    from indusx.db import utcnow

    name_members(session, w, w.alice)
    doc = put(session, w, w.alice, marking=CTD, data=TEXT)
    assess(session, w.pact.id, Verdict.AUTHORISATIONS_REQUIRED)
    assert "records none" in open_as(session, w, w.alice, doc.document_id).decision.reason

    with pytest.raises(Forbidden):  # a party owner may not record it
        rooms.set_authorisation(session=session, ctx=ctx(session, w, w.alice),
                                reference="DSP-5 050-1", expires_on=utcnow().date())
    with pytest.raises(Invalid, match="has passed"):
        rooms.set_authorisation(session=session, ctx=ctx(session, w, w.officer),
                                reference="DSP-5 050-1",
                                expires_on=utcnow().date() - timedelta(days=1))
    session.rollback()
    room = ctx(session, w, w.officer).room
    room.authorisation_reference = "DSP-5 050-1"
    room.authorisation_expires_on = utcnow().date() - timedelta(days=1)
    session.commit()
    assert "expired on" in open_as(session, w, w.alice, doc.document_id).decision.reason

    rooms.set_authorisation(session=session, ctx=ctx(session, w, w.officer),
                            reference="DSP-5 050-1", expires_on=utcnow().date())
    session.commit()
    assert open_as(session, w, w.alice, doc.document_id).decision.allowed


def test_controlled_data_needs_an_allowed_country_and_a_declared_eligibility(
    session: Session, w: SimpleNamespace
) -> None:
    name_members(session, w, w.alice, w.bob, w.dave)
    doc = put(session, w, w.alice, marking=CTD, data=TEXT)
    assess(session, w.pact.id, Verdict.NO_LICENCE_REQUIRED)

    assert open_as(session, w, w.dave, doc.document_id).decision.allowed
    bob = open_as(session, w, w.bob, doc.document_id).decision
    assert bob.reasons == ("Controlled Technical Data: your declared eligibility is undeclared; "
                           "the room allows us-person, indian-national",)

    rooms.set_rules(session=session, ctx=ctx(session, w, w.officer), countries=["US"],
                    eligibilities=["us-person", "indian-national"])
    session.commit()
    alice = open_as(session, w, w.alice, doc.document_id).decision
    assert alice.reasons == ("Controlled Technical Data: your organisation's country is IN; "
                             "the room allows US",)


def test_an_assigned_officer_sees_controlled_data_only_under_the_same_rules(
    session: Session, w: SimpleNamespace
) -> None:
    name_members(session, w, w.alice, w.officer)
    doc = put(session, w, w.alice, marking=CTD, data=TEXT)
    assess(session, w.pact.id, Verdict.NO_LICENCE_REQUIRED)
    assert open_as(session, w, w.officer, doc.document_id).decision.allowed

    declarations.declare_eligibility(session=session, user=w.officer, eligibility="",
                                     actor=principal(session, w.officer).actor)
    session.commit()

    assert "undeclared" in open_as(session, w, w.officer, doc.document_id).decision.reason


def test_every_view_and_download_is_logged_and_audited_with_its_outcome(
    session: Session, w: SimpleNamespace
) -> None:
    name_members(session, w, w.alice, w.bob)
    doc = put(session, w, w.alice, marking=CTD, data=TEXT)
    assess(session, w.pact.id, Verdict.NO_LICENCE_REQUIRED)

    open_as(session, w, w.alice, doc.document_id, AccessAction.DOWNLOAD)
    open_as(session, w, w.bob, doc.document_id, AccessAction.VIEW)
    docs.documents(session=session, ctx=ctx(session, w, w.alice))
    session.commit()

    rows = session.execute(select(AccessLog.user_id, AccessLog.action, AccessLog.outcome)
                           .order_by(AccessLog.id)).all()
    assert rows == [(w.alice.id, AccessAction.DOWNLOAD, AccessOutcome.ALLOWED),
                    (w.bob.id, AccessAction.VIEW, AccessOutcome.DENIED),
                    (w.alice.id, AccessAction.VIEW, AccessOutcome.ALLOWED)]
    audited = session.scalars(select(AuditEvent.action).where(
        AuditEvent.action.like("dataroom.document.%")).order_by(AuditEvent.id)).all()
    assert audited == ["dataroom.document.upload", "dataroom.document.download",
                       "dataroom.document.view", "dataroom.document.view"]
    log = room_log.access_log(session=session, ctx=ctx(session, w, w.alice),
                           flt=room_log.LogFilter(outcome=AccessOutcome.DENIED))
    assert [(r.email, r.reason[:26]) for r in log] == [(w.bob.email, "Controlled Technical Data:")]


def test_new_versions_keep_the_old_ones_and_a_marking_change_is_audited(
    session: Session, w: SimpleNamespace
) -> None:
    name_members(session, w, w.alice)
    first = put(session, w, w.alice, marking="public", data=TEXT)
    second = put(session, w, w.alice, marking="business-confidential", data=TEXT + b"v2\n",
                 title="Modem interface spec v2", document_id=first.document_id)

    room = ctx(session, w, w.alice)
    [row] = docs.documents(session=session, ctx=room)
    kept = docs.versions(session=session, document=row.document)
    assert [v.number for v in kept] == [2, 1] and row.latest.id == second.id
    assert kept[1].storage_key != kept[0].storage_key
    summary = session.scalar(select(AuditEvent.summary).where(
        AuditEvent.action == "dataroom.document.upload").order_by(AuditEvent.id.desc()).limit(1))
    assert summary is not None
    assert "marking upgraded from Public to Business Confidential" in summary


def test_an_upload_is_checked_by_content_and_size_and_needs_membership(
    session: Session, w: SimpleNamespace
) -> None:
    name_members(session, w, w.alice)
    with pytest.raises(Invalid, match="checked by its content"):
        put(session, w, w.alice, marking="public", data=b"MZ\x90\x00" + b"\x00" * 300,
            filename="tool.pdf")
    with pytest.raises(Invalid, match="the limit is 64 KB"):
        put(session, w, w.alice, marking="public", data=b"a" * (65 * 1024))
    with pytest.raises(Forbidden):  # dave is a party owner but was not named
        put(session, w, w.dave, marking="public", data=TEXT)


def test_declaring_eligibility_is_dated_and_audited(session: Session, w: SimpleNamespace) -> None:
    declarations.declare_eligibility(session=session, user=w.bob,
                                     eligibility="other-foreign-person",
                                     actor=principal(session, w.bob).actor)
    session.commit()
    assert w.bob.eligibility_declared_at is not None
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "user.eligibility",
                                                    AuditEvent.object_id == str(w.bob.id)))
    assert event is not None and event.after == {
        "eligibility": "other-foreign-person",
        "declared_at": w.bob.eligibility_declared_at.isoformat()}
    with pytest.raises(Invalid):
        declarations.declare_eligibility(session=session, user=w.bob, eligibility="martian",
                                         actor=principal(session, w.bob).actor)


def test_room_stats_count_documents_by_marking_and_logged_access(
    session: Session, w: SimpleNamespace
) -> None:
    name_members(session, w, w.alice, w.bob)
    doc = put(session, w, w.alice, marking=CTD, data=TEXT)
    put(session, w, w.alice, marking="public", data=TEXT, title="Brochure")
    open_as(session, w, w.alice, doc.document_id, AccessAction.DOWNLOAD)
    open_as(session, w, w.bob, doc.document_id)

    stats = room_log.room_stats(session=session)

    logged = session.scalar(select(func.count()).select_from(AccessLog))
    assert stats.documents_by_marking == {"public": 1, "business-confidential": 0, CTD: 1}
    assert (stats.views, stats.downloads, stats.denied) == (0, 0, 2) and logged == 2


def test_uploads_appear_on_the_partnership_timeline_without_controlled_titles(
    session: Session, w: SimpleNamespace
) -> None:
    from indusx.partnerships.timeline import timeline

    name_members(session, w, w.alice)
    put(session, w, w.alice, marking="controlled-technical-data", data=TEXT, title="Drawings")
    put(session, w, w.alice, marking="public", data=TEXT, title="Brochure")

    events, _ = timeline(session=session, partnership_id=w.pact.id)

    titles = {e.title for e in events if e.kind == "document"}
    assert titles == {"Data room: a document uploaded", "Data room: 'Brochure' uploaded"}
