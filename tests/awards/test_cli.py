"""`indusx import sbir` end to end against a fresh database of each dialect."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from indusx.awards.models import Award
from indusx.cli import app
from indusx.config import get_settings
from indusx.db import make_engine, make_sessionmaker, session_scope
from indusx.orgs.models import Organisation
from tests.awards.support import award, write_jsonl
from tests.conftest import SECRET, make_settings

runner = CliRunner()
ROWS = [award(1, year=2004), award(2, year=2012, firm="Acme Sonar Inc"),
        award(3, year=2009, firm="BETA TURBINES LLC", title="Turbine blade coatings")]


@pytest.fixture
def cli_db(fresh_database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("INDUSX_DATABASE_URL", fresh_database_url)
    monkeypatch.setenv("INDUSX_ENV", "test")
    monkeypatch.setenv("INDUSX_SECRET_KEY", SECRET)
    get_settings.cache_clear()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    yield fresh_database_url
    get_settings.cache_clear()


def _counts(url: str) -> tuple[int, int]:
    engine = make_engine(make_settings(url))
    with session_scope(make_sessionmaker(engine)) as session:
        orgs = session.scalar(select(func.count()).select_from(Organisation)) or 0
        awards = session.scalar(select(func.count()).select_from(Award)) or 0
    engine.dispose()
    return orgs, awards


def test_import_sbir_reports_what_it_did_and_a_second_run_does_nothing(
    cli_db: str, tmp_path: Path
) -> None:
    path = write_jsonl(tmp_path / "awards.jsonl.gz", ROWS, gz=True)
    first = runner.invoke(app, ["import", "sbir", str(path), "--until-year", "2010"])
    assert first.exit_code == 0, first.output
    assert "1 later ones left out" in first.stdout
    assert "firms: 2 created, 0 updated" in first.stdout
    assert "awards: 2 created, 0 updated" in first.stdout
    assert "read 3 lines" in first.stderr
    assert _counts(cli_db) == (2, 2)

    later = runner.invoke(app, ["import", "sbir", str(path), "--json"])
    summary = json.loads(later.stdout)
    assert (summary["orgs_updated"], summary["awards_created"]) == (1, 1)
    again = runner.invoke(app, ["import", "sbir", str(path), "--json"])
    summary = json.loads(again.stdout)
    assert (summary["orgs_created"], summary["orgs_updated"], summary["awards_created"],
            summary["awards_updated"]) == (0, 0, 0, 0)
    assert _counts(cli_db) == (2, 3)


def test_a_bad_line_writes_nothing_unless_partial(cli_db: str, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "awards.jsonl", [*ROWS, {"year": 2010, "title": "No firm"}])
    refused = runner.invoke(app, ["import", "sbir", str(path)])
    assert refused.exit_code == 1
    assert "line 4: missing firm" in refused.stderr
    assert "1 of 4 lines failed; nothing was imported" in refused.stderr
    assert _counts(cli_db) == (0, 0)

    partial = runner.invoke(app, ["import", "sbir", str(path), "--partial"])
    assert partial.exit_code == 1
    assert "1 bad lines skipped" in partial.stdout
    assert _counts(cli_db) == (2, 3)


def test_an_unusable_file_gets_a_clear_message(cli_db: str, tmp_path: Path) -> None:
    wrong = tmp_path / "awards.csv"
    wrong.write_text("year,firm\n")
    result = runner.invoke(app, ["import", "sbir", str(wrong)])
    assert result.exit_code == 1 and "use a .jsonl or .jsonl.gz file" in result.stderr
    missing = runner.invoke(app, ["import", "sbir", str(tmp_path / "gone.jsonl")])
    assert missing.exit_code == 2 and "does not exist" in missing.output
