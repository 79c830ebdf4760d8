"""`indusx supply requests` and `indusx supply remind` against a fresh database."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from indusx.accounts import service as account_service
from indusx.accounts.models import PlatformRole
from indusx.accounts.permissions import Principal
from indusx.cli import app
from indusx.db import make_engine, make_sessionmaker, session_scope, utcnow
from indusx.orgs import service as org_service
from indusx.orgs.schemas import OrgCreate
from indusx.supply.sos import service
from indusx.supply.sos.models import SosParty
from indusx.supply.sos.schemas import RequestCreate
from tests.conftest import ACTOR, make_settings
from tests.supply.sos.conftest import body

runner = CliRunner()


def _org(name: str, country: str, kind: str) -> OrgCreate:
    return OrgCreate.model_validate({
        "name": name, "country": country, "kind": kind, "description": "Test organisation.",
        "capabilities": "Forgings.", "focus_areas": ["undersea"], "seeking": [],
        "contact_email": "contact@example.org",
    })


@pytest.fixture
def seeded(cli_db: str) -> dict[str, str]:
    """Two requests to one supplier, one past the response target; return their references."""
    engine = make_engine(make_settings(cli_db))
    with session_scope(make_sessionmaker(engine)) as session:
        gina = account_service.create_user(session=session, email="gina@agency.example",
                                           full_name="Gina", password=None, actor=ACTOR)
        sam = account_service.create_user(session=session, email="sam@forge.example",
                                          full_name="Sam", password=None, actor=ACTOR)
        account_service.create_user(session=session, email="olga@agency.example",
                                    full_name="Olga", platform_role=PlatformRole.OFFICER,
                                    password=None, actor=ACTOR)
        org_service.create_org(session=session, org_in=_org("Test Agency", "US", "government"),
                               actor=ACTOR, owner=gina)
        forge = org_service.create_org(session=session, org_in=_org("Anvil Forge", "IN", "msme"),
                                       actor=ACTOR, owner=sam)
        raiser = Principal.load(session=session, user=gina, via="test")
        needed = (utcnow() + timedelta(days=30)).date().isoformat()
        late, fresh = (
            service.create_request(session=session, principal=raiser,
                                   request_in=RequestCreate.model_validate(
                                       body(item=item, needed_on=needed,
                                            supplier_org_ids=[forge.id])))
            for item in ("Breech rings", "Recoil buffers")
        )
        session.execute(update(SosParty).where(SosParty.request_id == late.id)
                        .values(routed_at=utcnow() - timedelta(days=8)))
        refs = {"late": late.reference, "fresh": fresh.reference}
    engine.dispose()
    return refs


def test_requests_lists_every_request_with_the_summary(seeded: dict[str, str]) -> None:
    result = runner.invoke(app, ["supply", "requests"])

    assert result.exit_code == 0, result.output
    assert seeded["late"] in result.output and seeded["fresh"] in result.output
    assert "Anvil Forge" in result.output
    assert "2 open, 1 overdue (target 5 days)" in result.output


def test_requests_filters_by_overdue_and_status_and_prints_json(
    seeded: dict[str, str]
) -> None:
    result = runner.invoke(app, ["supply", "requests", "--overdue", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [r["reference"] for r in data["items"]] == [seeded["late"]]
    assert data["items"][0]["overdue_parties"] == 1
    assert data["summary"]["overdue"] == 1

    result = runner.invoke(app, ["supply", "requests", "--status", "withdrawn"])
    assert result.exit_code == 0
    assert "no Security of Supply requests match" in result.output

    result = runner.invoke(app, ["supply", "requests", "--status", "pending"])
    assert result.exit_code == 2  # not a request status


def test_remind_queues_each_overdue_reminder_once(seeded: dict[str, str]) -> None:
    result = runner.invoke(app, ["supply", "remind"])
    assert result.exit_code == 0, result.output
    assert "1 overdue reminder queued" in result.output

    again = runner.invoke(app, ["supply", "remind"])
    assert "0 overdue reminders queued" in again.output
