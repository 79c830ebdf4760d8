"""`indusx challenges export` and `indusx challenges rank` on a fresh database."""

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from indusx.accounts import service as account_service
from indusx.challenges.models import Challenge, Criterion
from indusx.cli import app
from indusx.db import make_engine, make_sessionmaker, session_scope
from indusx.orgs import service as org_service
from indusx.orgs.models import Organisation
from indusx.orgs.schemas import OrgCreate
from tests.challenges.review_support import give_review, make_challenge, make_proposal
from tests.conftest import ACTOR, make_settings

runner = CliRunner()


def _org(session: Session, name: str, country: str) -> Organisation:
    org_in = OrgCreate.model_validate(
        {
            "name": name,
            "country": country,
            "kind": "startup",
            "description": "Sonar.",
            "capabilities": "Sonar.",
        }
    )
    return org_service.create_org(session=session, org_in=org_in, actor=ACTOR)


@pytest.fixture
def ranked(cli_db: str) -> str:
    """A challenge with two scored proposals in the CLI's database; returns its slug."""
    engine = make_engine(make_settings(cli_db))
    with session_scope(make_sessionmaker(engine)) as session:
        sponsor = _org(session, "Navy Innovation Cell", "IN")
        challenge = make_challenge(session, sponsor, slug="undersea-cli", funding_usd=500_000)
        reviewer = account_service.create_user(
            session=session, email="r@example.org", full_name="R", password=None, actor=ACTOR
        )
        merit, team = (
            session.query(Criterion)
            .filter_by(challenge_id=challenge.id)
            .order_by(Criterion.position)
        )
        for name, country, m, t in (("Sagar Acoustics", "IN", 9, 4), ("Harbor Labs", "US", 4, 2)):
            proposal = make_proposal(
                session, challenge, _org(session, name, country), title=f"{name} modem"
            )
            give_review(session, proposal, reviewer, {merit.id: m, team.id: t})
        slug = session.query(Challenge.slug).scalar()
    engine.dispose()
    assert slug == "undersea-cli"
    return slug


def test_export_writes_the_ranking_as_csv_with_filters(ranked: str, tmp_path: Path) -> None:
    out = tmp_path / "ranking.csv"

    result = runner.invoke(
        app, ["challenges", "export", ranked, "--format", "csv", "--output", str(out)]
    )

    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [r["lead_organisation"] for r in rows] == ["Sagar Acoustics", "Harbor Labs"]
    assert rows[0]["raw_score_pct"] == "86.7"
    only_us = runner.invoke(app, ["challenges", "export", ranked, "--country", "US"])
    assert [r["title"] for r in csv.DictReader(io.StringIO(only_us.stdout))] == [
        "Harbor Labs modem"
    ]


def test_rank_prints_the_order_and_scores(ranked: str) -> None:
    result = runner.invoke(app, ["challenges", "rank", ranked])

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "2 submitted proposals" in lines[0]
    assert "Sagar Acoustics modem" in lines[2] and "86.7" in lines[2]
    assert "Harbor Labs modem" in lines[3]


def test_an_unknown_challenge_exits_non_zero(cli_db: str) -> None:
    result = runner.invoke(app, ["challenges", "rank", "no-such-challenge"])

    assert result.exit_code != 0
    assert "no-such-challenge" in result.output
