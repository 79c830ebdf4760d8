"""`indusx pathway assess FILE.yaml` and `indusx pathway rules` from the command line."""

import json
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from indusx.cli import app
from indusx.db import make_engine, make_sessionmaker, session_scope
from indusx.pathway.models import Assessment
from tests.conftest import make_settings

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "pathway"
runner = CliRunner()


def test_assess_prints_the_verdict_the_authorisations_and_their_sources(cli_db: str) -> None:
    result = runner.invoke(app, ["pathway", "assess", str(EXAMPLES / "usml-xix-coproduction.yaml")])

    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "NOTICE: Decision support, not legal advice." in out
    assert "AUTHORISATIONS REQUIRED" in out
    assert "[US] ITAR Manufacturing Licence Agreement (MLA)" in out
    assert "us-itar-mla-manufacture-abroad" in out and "22 CFR 124" in out
    assert "because: item.regime=usml" in out


def test_assess_json_for_each_example_and_save(cli_db: str) -> None:
    verdicts = {}
    for path in sorted(EXAMPLES.glob("*.yaml")):
        result = runner.invoke(app, ["pathway", "assess", str(path), "--json"])
        assert result.exit_code == 0, result.output
        verdicts[path.name] = json.loads(result.stdout)["verdict"]
    assert verdicts == {
        "600-series-sta.yaml": "authorisations-required",
        "ear99-codevelopment.yaml": "no-licence-required",
        "scomet-cat6-export.yaml": "authorisations-required",
        "unknown-classification.yaml": "incomplete",
        "usml-xix-coproduction.yaml": "authorisations-required",
    }

    saved = runner.invoke(
        app, ["pathway", "assess", str(EXAMPLES / "ear99-codevelopment.yaml"), "--save"]
    )
    assert "saved as assessment" in saved.stdout
    engine = make_engine(make_settings(cli_db))
    with session_scope(make_sessionmaker(engine)) as session:
        assert session.scalar(select(func.count()).select_from(Assessment)) == 1
    engine.dispose()


def test_a_bad_assessment_file_is_reported_with_its_line(cli_db: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "activity: co-production\nparties:\n  - name: Someone\n"
        "items:\n  - name: Blade\n    classification: Category Z\n"
    )

    result = runner.invoke(app, ["pathway", "assess", str(bad)])

    assert result.exit_code == 2
    assert f"{bad}:3: parties[0]: a named party needs its country" in result.stderr
    assert f"{bad}:6: items[0].classification:" in result.stderr


def test_an_unknown_directory_organisation_fails_naming_the_party(
    cli_db: str, tmp_path: Path
) -> None:
    path = tmp_path / "org.yaml"
    path.write_text("activity: research\nparties:\n  - org: no-such-org\n")

    result = runner.invoke(app, ["pathway", "assess", str(path)])

    assert result.exit_code == 1
    assert "parties.0.org: no organisation 'no-such-org'" in result.stderr


def test_rules_lists_every_rule_with_its_source() -> None:
    result = runner.invoke(app, ["pathway", "rules"])

    assert result.exit_code == 0, result.output
    assert "us-itar-mla-manufacture-abroad  [US, authorisation]  us-itar.yaml:" in result.stdout
    as_json = json.loads(runner.invoke(app, ["pathway", "rules", "--json"]).stdout)
    assert {"id", "citation", "source_url", "effective", "confidence", "when"} <= set(
        as_json["rules"][0]
    )
