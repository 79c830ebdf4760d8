"""`indusx partnerships list` and `show` against a migrated database."""

import json

from typer.testing import CliRunner

from indusx.cli import app
from indusx.config import get_settings
from indusx.db import make_engine, make_sessionmaker, session_scope

runner = CliRunner()


def test_list_and_show_print_the_pipeline(cli_db: str) -> None:
    from indusx.accounts import service as account_service
    from indusx.accounts.models import PlatformRole
    from indusx.accounts.permissions import Principal
    from indusx.orgs import service as org_service
    from indusx.orgs.schemas import OrgCreate
    from indusx.partnerships import service
    from indusx.partnerships.models import PartnershipType
    from indusx.partnerships.schemas import PartnershipCreate
    from tests.conftest import ACTOR

    engine = make_engine(get_settings())
    with session_scope(make_sessionmaker(engine)) as session:
        admin = account_service.create_user(session=session, email="root@example.org",
                                            full_name="Root", platform_role=PlatformRole.ADMIN,
                                            password=None, actor=ACTOR)
        orgs = [org_service.create_org(session=session, actor=ACTOR, org_in=OrgCreate(
            name=name, country=country, kind="startup", description="Sonar")).id
            for name, country in (("Sagar Sonics", "IN"), ("Harbor Acoustics", "US"))]
        service.create(session=session, principal=Principal.load(session=session, user=admin,
                                                                 via="cli"),
                       partnership_in=PartnershipCreate(title="Sonar buoys",
                                                        type=PartnershipType.CO_PRODUCTION,
                                                        org_ids=orgs, value_usd=5_000))
    engine.dispose()

    listed = runner.invoke(app, ["partnerships", "list", "--json"])
    shown = runner.invoke(app, ["partnerships", "show", "1"])
    empty = runner.invoke(app, ["partnerships", "list", "--stage", "agreement"])
    wrong = runner.invoke(app, ["partnerships", "list", "--stage", "nowhere"])

    assert listed.exit_code == 0, listed.output
    assert json.loads(listed.output)[0]["parties"] == ["Sagar Sonics (IN)",
                                                       "Harbor Acoustics (US)"]
    assert "Sonar buoys" in shown.output and "gate: No regulatory-pathway" in shown.output
    assert "0 partnership(s)" in empty.output
    assert wrong.exit_code == 2
