"""The indusx command line, end to end against a fresh database of each dialect."""

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from indusx.accounts.models import ApiToken, PlatformRole, User
from indusx.accounts.secrets import token_hash
from indusx.cli import app
from indusx.config import get_settings
from indusx.db import make_engine, make_sessionmaker, session_scope
from indusx.orgs.models import Organisation
from tests.conftest import make_settings

runner = CliRunner()


def _count(url: str, model: type) -> int:
    engine = make_engine(make_settings(url))
    with session_scope(make_sessionmaker(engine)) as session:
        n = session.scalar(select(func.count()).select_from(model)) or 0
    engine.dispose()
    return n


def test_production_mode_refuses_the_default_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INDUSX_ENV", "production")
    monkeypatch.delenv("INDUSX_SECRET_KEY", raising=False)
    get_settings.cache_clear()
    result = runner.invoke(app, ["db", "upgrade"])
    get_settings.cache_clear()
    assert result.exit_code == 2
    assert "INDUSX_SECRET_KEY must be set" in result.output


def test_users_create_with_a_password_from_stdin_then_a_token(cli_db: str) -> None:
    result = runner.invoke(app, ["users", "create", "--email", "Root@Example.org", "--role",
                                 "admin", "--password-stdin"], input="a-long-password\n")
    assert result.exit_code == 0, result.output
    token = runner.invoke(app, ["tokens", "create", "--email", "root@example.org",
                                "--expires-days", "7"])
    assert token.exit_code == 0
    raw = token.output.strip()
    assert raw.startswith("ixp_")
    engine = make_engine(make_settings(cli_db))
    with session_scope(make_sessionmaker(engine)) as session:
        user = session.scalars(select(User)).one()
        assert user.platform_role is PlatformRole.ADMIN and user.email == "root@example.org"
        stored = session.scalars(select(ApiToken)).one()
        assert stored.token_hash == token_hash(raw)
    engine.dispose()


def test_users_create_rejects_bad_input_with_a_message(cli_db: str) -> None:
    bad_email = runner.invoke(app, ["users", "create", "--email", "nope"])
    assert bad_email.exit_code == 2 and "not a valid e-mail" in bad_email.output
    short = runner.invoke(app, ["users", "create", "--email", "a@example.org",
                                "--password-stdin"], input="short\n")
    assert short.exit_code == 1 and "password: must be at least" in short.output
    bad_role = runner.invoke(app, ["users", "create", "--email", "a@example.org",
                                   "--role", "king"])
    assert bad_role.exit_code == 2
    no_user = runner.invoke(app, ["tokens", "create", "--email", "ghost@example.org"])
    assert no_user.exit_code == 1 and "no active user" in no_user.output
    assert _count(cli_db, User) == 0


def test_users_create_without_a_password_sends_an_invitation(cli_db: str) -> None:
    result = runner.invoke(app, ["users", "create", "--email", "inv@example.org"])
    assert result.exit_code == 0 and "invitation is in the outbox" in result.output
    delivered = runner.invoke(app, ["outbox", "deliver"])
    assert delivered.exit_code == 0 and "1 delivered" in delivered.output
    retried = runner.invoke(app, ["outbox", "retry-failed"])
    assert retried.exit_code == 0 and "0 failed notifications queued again" in retried.output


GOOD = {"name": "Kaveri Castings Pvt Ltd", "country": "IN", "kind": "msme",
        "focus_areas": ["jet-propulsion"], "udyam": "UDYAM-KR-03-0012345",
        "offerings": [{"name": "Turbine blade castings", "trl": 7, "export_control": "SCOMET 8A"}]}


def test_import_with_a_bad_row_writes_nothing_and_reports_the_row(
    cli_db: str, tmp_path: Path
) -> None:
    rows = [GOOD, {"name": "No Country", "kind": "startup"},
            {**GOOD, "name": "Bad UEI", "uei": "X"}]
    path = tmp_path / "orgs.json"
    path.write_text(json.dumps(rows))
    result = runner.invoke(app, ["orgs", "import", str(path)])
    assert result.exit_code == 1
    assert "row 2: country: Field required" in result.output
    assert "row 3: uei" in result.output
    assert "nothing was imported" in result.output
    assert _count(cli_db, Organisation) == 0
    partial = runner.invoke(app, ["orgs", "import", str(path), "--partial"])
    assert partial.exit_code == 1
    assert "imported 1 of 3 organisations; 2 rows skipped" in partial.output
    assert _count(cli_db, Organisation) == 1


def test_csv_import_reports_duplicates_within_the_file(cli_db: str, tmp_path: Path) -> None:
    path = tmp_path / "orgs.csv"
    path.write_text(
        "name,country,kind,focus_areas,seeking,udyam,offerings\n"
        'Alpha Forge,IN,msme,artillery;munitions,co_production,UDYAM-MH-26-0000001,'
        '"[{""name"": ""Shell forging"", ""trl"": 8}]"\n'
        "Beta Forge,IN,msme,artillery,,UDYAM-MH-26-0000001,\n"
        "Gamma Labs,IN,startup,space,mentoring,,not json\n"
    )
    result = runner.invoke(app, ["orgs", "import", str(path)])
    assert result.exit_code == 1
    assert "row 3: udyam already registered to Alpha Forge" in result.output
    assert "row 4: offerings: not valid JSON" in result.output
    assert _count(cli_db, Organisation) == 0


def test_export_round_trips_through_import(cli_db: str, tmp_path: Path) -> None:
    source = tmp_path / "in.json"
    source.write_text(json.dumps([GOOD]))
    assert runner.invoke(app, ["orgs", "import", str(source)]).exit_code == 0
    for fmt in ("csv", "json"):
        out = tmp_path / f"out.{fmt}"
        result = runner.invoke(app, ["orgs", "export", "--format", fmt, "--output", str(out)])
        assert result.exit_code == 0 and "exported 1 organisations" in result.output
        if fmt == "json":
            exported = json.loads(out.read_text())[0]
            assert exported["offerings"][0]["export_control"] == "SCOMET 8A"
            assert exported["udyam"] == "UDYAM-KR-03-0012345"
        else:
            header, row = out.read_text().splitlines()[:2]
            assert header.startswith("name,country,kind")
            assert "jet-propulsion" in row
        # Re-importing the export conflicts on the identifier, naming the row.
        again = runner.invoke(app, ["orgs", "import", str(out)])
        assert again.exit_code == 1 and "udyam already registered" in again.output


def test_import_refuses_unknown_files_and_columns(cli_db: str, tmp_path: Path) -> None:
    odd = tmp_path / "orgs.txt"
    odd.write_text("x")
    result = runner.invoke(app, ["orgs", "import", str(odd)])
    assert result.exit_code == 1 and "use a .csv or .json file" in result.output
    cols = tmp_path / "orgs.csv"
    cols.write_text("name,colour\nA,red\n")
    result = runner.invoke(app, ["orgs", "import", str(cols)])
    assert result.exit_code == 1 and "unknown column(s): colour" in result.output


def test_demo_load_is_deterministic_labelled_and_skippable(cli_db: str) -> None:
    result = runner.invoke(app, ["demo", "load", "--orgs", "120", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "founder.in@indusx.example" in result.output
    assert _count(cli_db, Organisation) == 122  # and the two demo agencies
    again = runner.invoke(app, ["demo", "load", "--if-empty"])
    assert again.exit_code == 0 and "demo not loaded" in again.output
    assert _count(cli_db, Organisation) == 122  # and the two demo agencies
    engine = make_engine(make_settings(cli_db))
    with session_scope(make_sessionmaker(engine)) as session:
        assert session.scalar(select(func.count()).select_from(Organisation)
                              .where(Organisation.is_demo.is_(False))) == 0
        founder = session.scalars(select(User).where(
            User.email == "founder.in@indusx.example")).one()
        assert founder.password_hash is not None
    engine.dispose()
