"""Importing SBIR awards into the directory: firms, awards, profiles, idempotence, audit."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from indusx.accounts import service as account_service
from indusx.accounts.models import OrgRole, User
from indusx.audit.models import AuditEvent
from indusx.audit.service import Actor
from indusx.awards import service as award_service
from indusx.awards.models import Award
from indusx.awards.sbir import read_sbir
from indusx.orgs import facets
from indusx.orgs import service as org_service
from indusx.orgs.models import Organisation
from indusx.orgs.schemas import OrgUpdate
from indusx.orgs.taxonomy import Country, OrgKind
from tests.awards.support import award, write_jsonl

ACTOR = Actor.system("test")
TURBINES = {"firm": "BETA TURBINES LLC", "title": "Thermal barrier coatings for turbine blades",
            "abstract": "Coatings for gas turbine engines.", "branch": "Air Force"}
ROWS = [
    award(1, year=2004),
    award(2, year=2008, firm="Acme Sonar Inc"),
    award(3, year=2012, firm="ACME SONAR, INCORPORATED", branch="Army"),
    award(4, year=2009, **TURBINES),
]


def _import(session: Session, path: Path, **options: Any) -> award_service.SbirReport:
    return award_service.import_sbir(session=session, data=read_sbir(path), actor=ACTOR,
                                     source_name=path.name, **options)


def _sbir_org(session: Session, ref: str = "sbir:acme-sonar") -> Organisation:
    org = session.scalars(select(Organisation).where(Organisation.external_ref == ref)).one()
    return org_service.get_org(session=session, org_id=org.id)


def _awards(session: Session, org_id: int) -> list[Award]:
    return list(award_service.list_for_org(session=session, org_id=org_id)[0])


def _sbir_org_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Organisation).where(
        Organisation.external_ref.startswith("sbir:"))) or 0


def test_an_import_makes_one_us_organisation_per_firm_with_its_awards(
    session: Session, tmp_path: Path
) -> None:
    report = _import(session, write_jsonl(tmp_path / "a.jsonl", ROWS))
    assert (len(report.orgs_created), report.awards_created) == (2, 4)
    org = _sbir_org(session)
    assert org.name == "Acme Sonar Inc"  # three spellings once each: mixed case wins
    assert (org.country, org.kind, org.is_demo) == (Country.US, OrgKind.MSME, False)
    assert [a.slug for a in org.focus_areas] == ["undersea"]
    assert org.description.startswith(
        "US small business with 3 DoD SBIR Phase II awards (2004-2012) from Navy (2) and "
        "Army (1).")
    assert "- 2012: Broadband sonar array 3" in org.capabilities
    assert [a.year for a in _awards(session, org.id)] == [2012, 2008, 2004]
    # the directory's derived columns are kept as the orgs service keeps them
    assert "Broadband sonar array 1" in org.search_text
    assert org.focus_mask == facets.focus_mask(a.bit for a in org.focus_areas)
    assert org.facet_mask & facets.bit("country", Country.US)
    turbines = _sbir_org(session, "sbir:beta-turbines")
    assert [a.slug for a in turbines.focus_areas] == ["jet-propulsion"]


def test_importing_the_same_file_again_changes_nothing(
    session: Session, tmp_path: Path
) -> None:
    path = write_jsonl(tmp_path / "a.jsonl.gz", ROWS, gz=True)
    _import(session, path)
    before = _sbir_org(session).updated_at
    events = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    again = _import(session, path)
    counts = again.counts()
    assert (counts["orgs_created"], counts["orgs_updated"], counts["awards_created"],
            counts["awards_updated"]) == (0, 0, 0, 0)
    assert (counts["orgs_unchanged"], counts["awards_unchanged"]) == (2, 4)
    assert _sbir_org(session).updated_at == before
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_until_year_leaves_later_awards_for_a_later_import(
    session: Session, tmp_path: Path
) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", ROWS)
    first = _import(session, path, until_year=2008)
    assert (first.left_out, first.awards_created) == (2, 2)
    org = _sbir_org(session)
    assert "(2004-2008)" in org.description
    assert session.scalars(select(Organisation).where(
        Organisation.external_ref == "sbir:beta-turbines")).first() is None

    later = _import(session, path)
    assert (later.awards_created, later.awards_unchanged) == (2, 2)
    assert len(later.orgs_created) == 1 and later.orgs_updated == [org.id]
    org = _sbir_org(session)
    assert "(2004-2012)" in org.description
    assert "Broadband sonar array 3" in org.capabilities
    # an earlier cut-off keeps what is stored: nothing is removed or changed
    assert _import(session, path, until_year=2008).changed is False


def test_an_award_whose_details_changed_is_updated_not_doubled(
    session: Session, tmp_path: Path
) -> None:
    _import(session, write_jsonl(tmp_path / "a.jsonl", ROWS))
    changed = [award(1, year=2004, branch="Missile Defense Agency"), *ROWS[1:]]
    report = _import(session, write_jsonl(tmp_path / "b.jsonl", changed))
    assert (report.awards_created, report.awards_updated) == (0, 1)
    org = _sbir_org(session)
    assert {a.branch for a in _awards(session, org.id)} == {"Missile Defense Agency", "Navy",
                                                             "Army"}
    assert "Missile Defense Agency (1)" in org.description


def test_a_bad_line_stops_the_import_unless_partial(session: Session, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", [*ROWS, award(9, title="")])
    refused = _import(session, path)
    assert refused.errors == [(5, "missing title")] and not refused.written
    assert _sbir_org_count(session) == 0
    assert session.scalar(select(func.count()).select_from(Award)) == 0

    partial = _import(session, path, partial=True)
    assert partial.written and partial.awards_created == 4 and partial.errors
    assert _sbir_org_count(session) == 2


def test_a_profile_someone_edited_keeps_their_words_but_gains_awards(
    session: Session, tmp_path: Path
) -> None:
    _import(session, write_jsonl(tmp_path / "a.jsonl", ROWS[:2]))
    org = _sbir_org(session)
    org_service.update_org(session=session, org=org, actor=ACTOR,
                           org_in=OrgUpdate(description="We build sonar arrays."))
    report = _import(session, write_jsonl(tmp_path / "b.jsonl", ROWS))
    org = _sbir_org(session)
    assert org.description == "We build sonar arrays."
    assert report.orgs_kept == [org.id] and report.awards_created == 2
    assert len(_awards(session, org.id)) == 3


def test_a_claimed_profile_is_not_refreshed(
    session: Session, tmp_path: Path, make_user: Callable[..., User]
) -> None:
    _import(session, write_jsonl(tmp_path / "a.jsonl", ROWS[:2]))
    org = _sbir_org(session)
    description = org.description
    account_service.add_member(session=session, org_id=org.id, user=make_user(),
                               role=OrgRole.OWNER, actor=ACTOR)
    report = _import(session, write_jsonl(tmp_path / "b.jsonl", ROWS))
    assert report.orgs_kept == [org.id]
    assert _sbir_org(session).description == description


def test_organisations_not_from_sbir_are_never_touched(
    session: Session, tmp_path: Path, make_org: Callable[..., Organisation]
) -> None:
    own = make_org(name="Acme Sonar Inc", country="US", description="Our own profile.")
    _import(session, write_jsonl(tmp_path / "a.jsonl", ROWS))
    session.refresh(own)
    assert (own.description, own.external_ref) == ("Our own profile.", None)
    assert _awards(session, own.id) == []
    assert _sbir_org(session).slug == "acme-sonar-inc-2"


def test_the_import_is_recorded_as_one_audit_event(session: Session, tmp_path: Path) -> None:
    report = _import(session, write_jsonl(tmp_path / "a.jsonl", ROWS), until_year=2010)
    (event,) = session.scalars(select(AuditEvent).where(AuditEvent.action == "sbir.import"))
    assert event.actor_email == "test" and event.object_type == "organisation"
    assert event.after is not None
    assert event.after["file"] == "a.jsonl" and event.after["until_year"] == 2010
    assert event.after["awards_created"] == 3
    assert sorted(event.after["created_org_ids"]) == sorted(report.orgs_created)
    assert "2 firms created" in event.summary


def test_an_organisations_awards_are_listed_newest_first_up_to_a_limit(
    session: Session, tmp_path: Path
) -> None:
    _import(session, write_jsonl(tmp_path / "a.jsonl", ROWS))
    org = _sbir_org(session)
    awards, total = award_service.list_for_org(session=session, org_id=org.id, limit=2)
    assert total == 3 and [a.year for a in awards] == [2012, 2008]
