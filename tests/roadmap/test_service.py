"""Roadmap services: validation, audit, links, roll-up, visibility and overdue reminders."""

from types import SimpleNamespace

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts.permissions import Principal
from indusx.audit.models import AuditEvent
from indusx.errors import Invalid, NotFound
from indusx.notifications.models import Notification
from indusx.roadmap import reads, reminders, service
from indusx.roadmap.models import MilestoneStatus
from indusx.roadmap.schemas import (
    EvidenceLink,
    InitiativeCreate,
    InitiativeUpdate,
    LinkKind,
    MilestoneCreate,
    MilestoneUpdate,
)
from tests.conftest import ACTOR
from tests.roadmap.conftest import TODAY, days, initiative_body


def _principal(session: Session, user: object) -> Principal:
    return Principal.load(session=session, user=user, via="web")  # type: ignore[arg-type]


def _notes(session: Session) -> list[Notification]:
    return list(session.scalars(
        select(Notification).where(Notification.kind == reminders.OVERDUE_KIND)
        .order_by(Notification.id)
    ))


def test_an_initiative_needs_a_known_focus_area(session: Session) -> None:
    with pytest.raises(Invalid) as caught:
        service.create_initiative(
            session=session,
            initiative_in=InitiativeCreate.model_validate(initiative_body(focus_area="nope")),
            actor=ACTOR,
        )
    assert caught.value.errors[0]["field"] == "focus_area"


def test_the_target_date_cannot_come_before_the_start(session: Session) -> None:
    body = initiative_body(starts_on=days(10).isoformat(), target_on=days(5).isoformat())
    with pytest.raises(Invalid) as caught:
        service.create_initiative(
            session=session, initiative_in=InitiativeCreate.model_validate(body), actor=ACTOR
        )
    assert caught.value.errors[0]["field"] == "target_on"


def test_a_change_that_puts_the_target_before_the_start_is_refused(
    session: Session, plan: SimpleNamespace
) -> None:
    engine = service.get_initiative(session=session, initiative_id=plan.engine.id)
    with pytest.raises(Invalid):
        service.update_initiative(
            session=session, initiative=engine,
            initiative_in=InitiativeUpdate(target_on=days(-200)), actor=ACTOR,
        )


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://example.org/x", "example.org/page", "https://", ""]
)
def test_evidence_links_must_be_http_or_https_addresses(url: str) -> None:
    with pytest.raises(ValidationError):
        EvidenceLink(label="Proof", url=url)


def test_evidence_links_keep_their_label_and_address() -> None:
    link = EvidenceLink(label=" Press release ", url="https://example.org/a?b=1")
    assert (link.label, link.url) == ("Press release", "https://example.org/a?b=1")


def test_unknown_statuses_and_implausible_dates_are_refused() -> None:
    with pytest.raises(ValidationError):
        MilestoneCreate.model_validate({"title": "Trials", "due_on": "2026-01-01",
                                        "status": "finished"})
    with pytest.raises(ValidationError):
        MilestoneCreate.model_validate({"title": "Trials", "due_on": "1926-01-01"})


def test_marking_a_milestone_done_records_today_as_its_completion(
    session: Session, plan: SimpleNamespace
) -> None:
    milestone = service.get_milestone(session=session, milestone_id=plan.working.id)
    service.update_milestone(
        session=session, milestone=milestone,
        milestone_in=MilestoneUpdate(status=MilestoneStatus.DONE), actor=ACTOR,
    )
    assert milestone.completed_on == TODAY
    service.update_milestone(
        session=session, milestone=milestone,
        milestone_in=MilestoneUpdate(status=MilestoneStatus.IN_PROGRESS), actor=ACTOR,
    )
    assert milestone.completed_on is None


def test_a_completion_date_is_refused_in_the_future_or_on_an_open_milestone(
    session: Session, plan: SimpleNamespace
) -> None:
    milestone = service.get_milestone(session=session, milestone_id=plan.working.id)
    with pytest.raises(Invalid) as future:
        service.update_milestone(
            session=session, milestone=milestone,
            milestone_in=MilestoneUpdate(status=MilestoneStatus.DONE, completed_on=days(2)),
            actor=ACTOR,
        )
    assert future.value.errors[0]["field"] == "completed_on"
    session.rollback()
    milestone = service.get_milestone(session=session, milestone_id=plan.working.id)
    with pytest.raises(Invalid):
        service.update_milestone(
            session=session, milestone=milestone,
            milestone_in=MilestoneUpdate(completed_on=days(-2)), actor=ACTOR,
        )


def test_a_milestone_owner_must_be_an_active_user(session: Session, plan: SimpleNamespace) -> None:
    engine = service.get_initiative(session=session, initiative_id=plan.engine.id)
    with pytest.raises(Invalid) as caught:
        service.add_milestone(
            session=session, initiative=engine,
            milestone_in=MilestoneCreate(title="Trials", due_on=days(5), owner_id=999_999),
            actor=ACTOR,
        )
    assert caught.value.errors[0]["field"] == "owner_id"


def test_every_write_is_audited_with_what_changed(
    session: Session, plan: SimpleNamespace
) -> None:
    milestone = service.get_milestone(session=session, milestone_id=plan.working.id)
    service.update_milestone(
        session=session, milestone=milestone,
        milestone_in=MilestoneUpdate(due_on=days(40)), actor=ACTOR,
    )
    engine = service.get_initiative(session=session, initiative_id=plan.engine.id)
    service.delete_initiative(session=session, initiative=engine, actor=ACTOR)
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.object_type.in_(["initiative", "milestone"]))
        .order_by(AuditEvent.id)
    ).all()
    actions = [e.action for e in events]
    assert actions.count("initiative.create") == 2
    assert actions.count("milestone.create") == 5
    update = next(e for e in events if e.action == "milestone.update")
    assert update.before == {"due_on": days(30).isoformat()}
    assert update.after == {"due_on": days(40).isoformat()}
    assert actions[-1] == "initiative.delete"


def test_deleting_an_initiative_takes_its_milestones_and_links(
    session: Session, plan: SimpleNamespace, people: SimpleNamespace
) -> None:
    engine = service.get_initiative(session=session, initiative_id=plan.engine.id)
    service.add_link(session=session, initiative=engine, kind=LinkKind.ORG,
                     target_id=people.org.id, actor=ACTOR)
    service.delete_initiative(session=session, initiative=engine, actor=ACTOR)
    session.expire_all()
    with pytest.raises(NotFound):
        service.get_milestone(session=session, milestone_id=plan.late.id)
    assert reads.links_of(session=session, initiative_id=plan.engine.id, principal=None).orgs == []


def test_links_are_added_once_and_removed(
    session: Session, plan: SimpleNamespace, people: SimpleNamespace
) -> None:
    engine = service.get_initiative(session=session, initiative_id=plan.engine.id)
    assert service.add_link(session=session, initiative=engine, kind=LinkKind.ORG,
                            target_id=people.org.id, actor=ACTOR)
    assert not service.add_link(session=session, initiative=engine, kind=LinkKind.ORG,
                                target_id=people.org.id, actor=ACTOR)
    links = reads.links_of(session=session, initiative_id=engine.id, principal=None)
    assert [(link.name, link.url) for link in links.orgs] == [
        ("Alice Undersea Systems", f"/orgs/{people.org.slug}")
    ]
    service.remove_link(session=session, initiative=engine, kind=LinkKind.ORG,
                        target_id=people.org.id, actor=ACTOR)
    assert reads.links_of(session=session, initiative_id=engine.id, principal=None).orgs == []
    with pytest.raises(NotFound):
        service.remove_link(session=session, initiative=engine, kind=LinkKind.ORG,
                            target_id=people.org.id, actor=ACTOR)


def test_linking_something_that_does_not_exist_is_refused(
    session: Session, plan: SimpleNamespace
) -> None:
    engine = service.get_initiative(session=session, initiative_id=plan.engine.id)
    for kind in LinkKind:
        with pytest.raises(Invalid):
            service.add_link(session=session, initiative=engine, kind=kind, target_id=999_999,
                             actor=ACTOR)


def test_the_roadmap_rolls_progress_up_to_initiatives_and_areas(
    session: Session, plan: SimpleNamespace
) -> None:
    data = reads.roadmap(session=session, principal=None, flt=reads.RoadmapFilter(), on=TODAY)
    areas = {a.area: a for a in data.areas}
    engine = areas["jet-propulsion"].initiatives[0]
    # done 1 + in progress 0.5 + at risk 0 over three (the cancelled one is left out)
    assert engine.progress == pytest.approx(0.5)
    assert (engine.milestones_counted, engine.milestones_done, engine.overdue) == (3, 1, 1)
    assert areas["jet-propulsion"].progress == pytest.approx(0.5)
    assert areas["ai-autonomy"].progress == 0.0
    assert areas["space"].initiatives == []  # every area is listed, empty ones too


def test_members_see_only_public_initiatives_and_officers_all(
    session: Session, plan: SimpleNamespace, people: SimpleNamespace
) -> None:
    for user, expected in ((people.bob, {"Jet engine co-production"}),
                           (people.officer, {"Jet engine co-production",
                                             "Trusted autonomy testbed"})):
        listed = reads.list_initiatives(session=session, principal=_principal(session, user),
                                        flt=reads.RoadmapFilter(), on=TODAY)
        assert {i.title for i in listed.items} == expected
    with pytest.raises(NotFound):
        service.get_initiative(session=session, initiative_id=plan.hidden.id,
                               principal=_principal(session, people.bob))


def test_filters_narrow_to_an_area_a_status_or_overdue_work(
    session: Session, plan: SimpleNamespace
) -> None:
    def titles(flt: reads.RoadmapFilter) -> set[str]:
        return {i.title for i in reads.list_initiatives(session=session, principal=None,
                                                        flt=flt, on=TODAY).items}

    assert titles(reads.RoadmapFilter(area="ai-autonomy")) == {"Trusted autonomy testbed"}
    assert titles(reads.RoadmapFilter(status=(reads.InitiativeStatus.PROPOSED,))) == set()
    engine = service.get_initiative(session=session, initiative_id=plan.engine.id)
    late = service.get_milestone(session=session, milestone_id=plan.late.id)
    service.update_milestone(session=session, milestone=late,
                             milestone_in=MilestoneUpdate(status=MilestoneStatus.DONE),
                             actor=ACTOR)
    assert engine.id not in {i.id for i in reads.list_initiatives(
        session=session, principal=None, flt=reads.RoadmapFilter(overdue=True), on=TODAY).items}


def test_progress_summary_counts_per_area_for_dashboards(
    session: Session, plan: SimpleNamespace
) -> None:
    rows = {r.area: r for r in service.progress_summary(session=session)}
    engine = rows["jet-propulsion"]
    assert (engine.initiatives, engine.milestones, engine.done, engine.overdue) == (1, 3, 1, 1)
    assert engine.progress == pytest.approx(0.5)
    assert rows["ai-autonomy"].overdue == 1


def test_overdue_milestones_lists_the_open_ones_past_due_longest_first(
    session: Session, plan: SimpleNamespace, people: SimpleNamespace
) -> None:
    rows = service.overdue_milestones(session=session, today=TODAY)
    assert [(r.title, r.days_overdue) for r in rows] == [
        ("Suppliers qualified", 3), ("Terms of reference", 1)
    ]
    assert rows[0].owner_name == "Bob Viewer"
    as_bob = service.overdue_milestones(session=session, today=TODAY,
                                        principal=_principal(session, people.bob))
    assert [r.title for r in as_bob] == ["Suppliers qualified"]


def test_owners_of_overdue_milestones_are_told_once_per_episode(
    session: Session, plan: SimpleNamespace, people: SimpleNamespace
) -> None:
    assert reminders.send_reminders(session=session, on=TODAY) == 2
    assert reminders.send_reminders(session=session, on=TODAY) == 0
    assert reminders.send_reminders(session=session, on=days(5)) == 0
    notes = _notes(session)
    assert sorted(n.user_id for n in notes) == sorted([people.bob.id, people.officer.id])
    to_bob = next(n for n in notes if n.user_id == people.bob.id)
    assert to_bob.link == f"/roadmap/initiatives/{plan.engine.id}#milestone-{plan.late.id}"
    assert "3 days ago" in to_bob.body

    # Moved to a later date, the episode ends; overdue again, the owner is told again.
    late = service.get_milestone(session=session, milestone_id=plan.late.id)
    service.update_milestone(session=session, milestone=late,
                             milestone_in=MilestoneUpdate(due_on=days(10)), actor=ACTOR)
    assert reminders.send_reminders(session=session, on=TODAY) == 0
    assert reminders.send_reminders(session=session, on=days(11)) == 1
    assert len(_notes(session)) == 3


def test_a_new_owner_of_an_overdue_milestone_is_told(
    session: Session, plan: SimpleNamespace, people: SimpleNamespace
) -> None:
    reminders.send_reminders(session=session, on=TODAY)
    late = service.get_milestone(session=session, milestone_id=plan.late.id)
    service.update_milestone(session=session, milestone=late,
                             milestone_in=MilestoneUpdate(owner_id=people.alice.id), actor=ACTOR)
    assert reminders.send_reminders(session=session, on=TODAY) == 1
    assert _notes(session)[-1].user_id == people.alice.id


def test_milestones_without_a_user_owner_or_done_are_not_reminded(
    session: Session, plan: SimpleNamespace
) -> None:
    due = {m.id for m, _, _ in reminders.due_reminders(session=session, on=TODAY)}
    assert plan.dropped.id not in due and plan.done.id not in due
    assert due == {plan.late.id, *(
        m.id for m, _, _ in reminders.due_reminders(session=session, on=TODAY)
        if m.initiative_id == plan.hidden.id
    )}
