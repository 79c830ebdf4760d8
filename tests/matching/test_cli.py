"""`indusx match`: suggestions, batch solver search and re-indexing from the command line."""

import json
from pathlib import Path

from typer.testing import CliRunner

from indusx.cli import app
from indusx.db import make_engine, make_sessionmaker, session_scope
from indusx.orgs import service as org_service
from indusx.orgs.schemas import OrgCreate
from tests.conftest import ACTOR, make_settings

runner = CliRunner()


def _orgs(url: str) -> dict[str, int]:
    specs = {
        "Bay Sonics": ("IN", "startup", "Acoustic modems and sonar for undersea networks.",
                       ["undersea"]),
        "Harbour Acoustics": ("US", "large_company",
                              "Undersea acoustic communications, sonar arrays, sea trials.",
                              ["undersea"]),
        "Orbital Ledger": ("US", "startup", "Satellite bus software, orbit determination.",
                           ["space"]),
    }
    engine = make_engine(make_settings(url))
    ids = {}
    with session_scope(make_sessionmaker(engine)) as session:
        for name, (country, kind, text, areas) in specs.items():
            org = org_service.create_org(session=session, actor=ACTOR, org_in=OrgCreate(
                name=name, country=country, kind=kind, description=text, capabilities=text,
                focus_areas=areas, seeking=["co_development"]))
            ids[name] = org.id
    engine.dispose()
    return ids


def test_reindex_embeds_every_stale_profile_then_has_nothing_to_do(cli_db: str) -> None:
    _orgs(cli_db)
    first = runner.invoke(app, ["match", "reindex"])
    assert first.exit_code == 0, first.output
    assert "embedded 3 profile(s)" in first.stdout
    assert "every profile is up to date" in runner.invoke(app, ["match", "reindex"]).stdout


def test_match_prints_explained_suggestions_or_json(cli_db: str) -> None:
    ids = _orgs(cli_db)
    text = runner.invoke(app, ["match", "bay-sonics", "--mode", "co-development", "-k", "2"])
    assert text.exit_code == 0, text.output
    assert "co-development suggestions for Bay Sonics (IN)" in text.stdout
    assert "1." in text.stdout and "Harbour Acoustics" in text.stdout

    as_json = runner.invoke(app, ["match", str(ids["Bay Sonics"]), "--json", "-k", "1"])
    body = json.loads(as_json.stdout)
    assert body["items"][0]["candidate"]["id"] == ids["Harbour Acoustics"]
    assert body["items"][0]["reason"]


def test_solvers_answers_each_query_line_in_order(cli_db: str, tmp_path: Path) -> None:
    ids = _orgs(cli_db)
    queries = tmp_path / "q.jsonl"
    queries.write_text(
        json.dumps({"id": "sat", "text": "software for a satellite bus"}) + "\n\n"
        + json.dumps({"id": 7, "text": "acoustic modem for undersea networks"}) + "\n"
    )

    result = runner.invoke(app, ["match", "solvers", "--queries", str(queries), "-k", "2"])

    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["sat", 7]
    assert lines[0]["matches"][0] == {"org_id": ids["Orbital Ledger"], "name": "Orbital Ledger",
                                      "score": lines[0]["matches"][0]["score"]}
    assert lines[1]["matches"][0]["org_id"] in {ids["Bay Sonics"], ids["Harbour Acoustics"]}
    assert len(lines[1]["matches"]) == 2
    assert "queries: 2/2" in result.stderr


def test_bad_input_exits_non_zero_with_a_message(cli_db: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1, "text": "fine"}\nnot json\n')

    cases = [
        (["match", "solvers"], "give --queries"),
        (["match", "solvers", "--queries", str(tmp_path / "missing.jsonl")], "no such file"),
        (["match", "solvers", "--queries", str(bad)], "bad.jsonl:2: not JSON"),
        (["match", "no-such-org"], "No organisation 'no-such-org'"),
        (["match", "1", "--mode", "friendship"], "friendship"),
    ]
    for args, message in cases:
        result = runner.invoke(app, args)
        assert result.exit_code != 0, args
        assert message in result.stderr, (args, result.stderr)
