"""`indusx challenges list | show | phase` from the command line."""

import json

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from indusx.accounts import service as account_service
from indusx.accounts.models import PlatformRole
from indusx.accounts.permissions import Principal
from indusx.audit.models import AuditEvent
from indusx.challenges import service
from indusx.challenges.models import Challenge, Phase
from indusx.challenges.schemas import ChallengeCreate
from indusx.cli import app
from indusx.db import make_engine, make_sessionmaker, session_scope
from indusx.orgs import service as org_service
from indusx.orgs.schemas import OrgCreate
from tests.challenges.conftest import challenge_body
from tests.conftest import ACTOR, make_settings

runner = CliRunner()


@pytest.fixture
def seeded(cli_db: str) -> str:
    """An agency with an officer, an open challenge and a draft, in the CLI's database."""
    engine = make_engine(make_settings(cli_db))
    with session_scope(make_sessionmaker(engine)) as session:
        officer = account_service.create_user(
            session=session,
            email="olga@agency.example",
            full_name="Olga",
            platform_role=PlatformRole.OFFICER,
            password=None,
            actor=ACTOR,
        )
        agency = org_service.create_org(
            session=session,
            actor=ACTOR,
            owner=officer,
            org_in=OrgCreate.model_validate(
                {
                    "name": "Innovations for Defence Excellence",
                    "country": "IN",
                    "kind": "government",
                }
            ),
        )
        principal = Principal.load(session=session, user=officer, via="cli")
        open_one = service.create_challenge(
            session=session,
            principal=principal,
            challenge_in=ChallengeCreate.model_validate(challenge_body(agency.id)),
        )
        service.change_phase(
            session=session, challenge=open_one, to=Phase.OPEN, reason="", principal=principal
        )
        service.create_challenge(
            session=session,
            principal=principal,
            challenge_in=ChallengeCreate.model_validate(
                challenge_body(agency.id, title="Space ISR draft")
            ),
        )
    engine.dispose()
    return cli_db


def test_list_shows_every_challenge_and_filters_by_status(seeded: str) -> None:
    everything = runner.invoke(app, ["challenges", "list"])
    assert everything.exit_code == 0, everything.output
    assert "Undersea acoustic communications" in everything.stdout
    assert "Space ISR draft" in everything.stdout and "IST" in everything.stdout

    only_open = runner.invoke(app, ["challenges", "list", "--status", "open", "--json"])
    rows = [json.loads(line) for line in only_open.stdout.splitlines()]
    assert [(r["title"], r["phase"]) for r in rows] == [
        ("Undersea acoustic communications", "open")
    ]


def test_show_prints_eligibility_rubric_and_questions(seeded: str) -> None:
    result = runner.invoke(app, ["challenges", "show", "undersea-acoustic-communications"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Undersea acoustic communications  [open]" in out
    assert "countries IN, US; kinds startup, msme; TRL 3-7" in out
    assert "75%  Technical merit (0-10)" in out and "25%  Team (0-5)" in out
    assert "2. Anything else? (optional)" in out


def test_closing_early_needs_a_reason_and_is_audited_as_the_command_line(seeded: str) -> None:
    early = runner.invoke(
        app, ["challenges", "phase", "undersea-acoustic-communications", "submissions-closed"]
    )
    assert early.exit_code == 1 and "closing submissions early" in early.output
    result = runner.invoke(
        app, ["challenges", "phase", "undersea-acoustic-communications", "submissions-closed",
              "--reason", "Sponsor closes early"]
    )
    assert result.exit_code == 0, result.output
    assert "open -> submissions-closed" in result.stdout

    engine = make_engine(make_settings(seeded))
    with session_scope(make_sessionmaker(engine)) as session:
        challenge = session.scalars(
            select(Challenge).where(Challenge.title.like("Undersea%"))
        ).one()
        assert challenge.phase is Phase.SUBMISSIONS_CLOSED
        event = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "challenge.phase")
            .order_by(AuditEvent.id.desc())
        ).first()
        assert event is not None and event.actor_email == "cli"
    engine.dispose()


def test_a_refused_phase_change_exits_non_zero_with_the_reason(seeded: str) -> None:
    skipped = runner.invoke(app, ["challenges", "phase", "space-isr-draft", "review"])
    assert skipped.exit_code == 1
    assert "cannot move from draft to review" in skipped.output

    back = runner.invoke(app, ["challenges", "phase", "undersea-acoustic-communications", "draft"])
    assert back.exit_code == 1 and "reason" in back.output

    with_reason = runner.invoke(
        app,
        [
            "challenges",
            "phase",
            "undersea-acoustic-communications",
            "draft",
            "--reason",
            "Rubric needs another criterion",
        ],
    )
    assert with_reason.exit_code == 0, with_reason.output


def test_an_unknown_challenge_is_an_error(seeded: str) -> None:
    result = runner.invoke(app, ["challenges", "show", "no-such-thing"])
    assert result.exit_code == 1 and "No challenge 'no-such-thing'" in result.output
