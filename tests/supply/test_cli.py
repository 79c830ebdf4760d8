"""`indusx supply`: import, systems, analyse, simulate, export against a fresh database."""

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from indusx.cli import app

EXAMPLES = Path(__file__).parents[2] / "examples" / "supply"


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["supply", *args])
    return result.exit_code, result.stdout, result.stderr


def test_the_example_imports_and_is_analysed_and_simulated(cli_db: str, tmp_path: Path) -> None:
    code, out, _ = _run("import", str(EXAMPLES))
    assert code == 0, out
    assert "imported 1 new and 0 existing systems: 9 parts, 10 BOM lines, 10 sources" in out

    code, out, _ = _run("systems")
    assert code == 0 and "EOG-9" in out

    code, out, _ = _run("analyse", "EOG-9", "--json")
    assert code == 0
    risk = json.loads(out)
    rows = {r["number"]: r for r in risk["rows"]}
    assert rows["G-111"]["single_source"] and rows["G-111"]["watch_share"] == 1.0
    assert rows["G-110"]["hhi"] == 5800.0  # 70^2 + 30^2

    code, out, _ = _run("analyse", "EOG-9")
    assert code == 0 and "longest lead-time path" in out

    code, out, _ = _run("simulate", str(EXAMPLES / "china-out.yaml"), "--json", "--save")
    assert code == 0, out
    result = json.loads(out)
    assert {s["number"] for s in result["shortfalls"]} >= {"G-111", "G-131"}
    assert result["scenario_id"] > 0

    code, out, _ = _run("export", str(tmp_path / "out"), "--system", "EOG-9")
    assert code == 0
    assert (tmp_path / "out" / "bom.csv").read_text().count("\n") == 11


def test_a_bad_bundle_exits_non_zero_naming_each_row(cli_db: str, tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    shutil.copytree(EXAMPLES, folder)
    (folder / "sources.csv").write_text(
        "system,part_number,supplier,country,share,lead_time_days\n"
        "EOG-9,G-120,X,GB,2,30\nEOG-9,G-120,Y,ZZ,1,30\n")

    code, _, err = _run("import", str(folder))

    assert code == 1
    assert "sources.csv:2: share:" in err and "sources.csv:3: country:" in err
    assert "nothing was imported" in err
    assert _run("systems")[1].startswith("no supply systems yet")


def test_a_bad_scenario_file_exits_2_with_its_fields(cli_db: str, tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text("countries_out: [XX]\ndays: 0\n")

    code, _, err = _run("simulate", str(scenario))

    assert code == 2
    assert "countries_out.0" in err or "countries_out" in err
    assert "days" in err
