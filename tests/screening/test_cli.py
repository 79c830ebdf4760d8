"""`indusx screening` end to end against a fresh database of each dialect."""

import json
from pathlib import Path

from typer.testing import CliRunner

from indusx.cli import app
from tests.screening.support import SDN_ROWS, write_ofac

runner = CliRunner()


def _load(tmp_path: Path) -> None:
    result = runner.invoke(app, ["screening", "import", "--format", "ofac",
                                 *map(str, write_ofac(tmp_path / "v1"))])
    assert result.exit_code == 0, result.output
    assert "version 1: 3 entries; 3 added, 0 changed, 0 removed" in result.output


def test_import_shows_the_delta_of_each_version(cli_db: str, tmp_path: Path) -> None:
    _load(tmp_path)
    same = runner.invoke(app, ["screening", "import", "--format", "ofac",
                               *map(str, write_ofac(tmp_path / "v1"))])
    newer = runner.invoke(app, ["screening", "import", "--format", "ofac",
                                *map(str, write_ofac(tmp_path / "v2", sdn=SDN_ROWS[:2]))])
    lists = runner.invoke(app, ["screening", "lists"])

    assert "unchanged since the last import" in same.output
    assert "version 2: 2 entries; 0 added, 0 changed, 1 removed" in newer.output
    assert "ofac-sdn" in lists.output and "v2" in lists.output


def test_import_refuses_a_missing_file_or_a_bad_format(cli_db: str, tmp_path: Path) -> None:
    missing = runner.invoke(app, ["screening", "import", "--format", "ofac",
                                  str(tmp_path / "sdn.csv")])
    bad = runner.invoke(app, ["screening", "import", "--format", "pdf", str(tmp_path)])

    assert missing.exit_code == 2 and "no such file" in missing.output
    assert bad.exit_code == 2


def test_check_prints_hits_with_reasons_and_json(cli_db: str, tmp_path: Path) -> None:
    _load(tmp_path)

    text = runner.invoke(app, ["screening", "check", "--name", "Zenith Strike Armaments Ltd"])
    as_json = runner.invoke(app, ["screening", "check", "--name", "Dmitri Volkov", "--type",
                                  "person", "--country", "RU", "--birth-date", "1961",
                                  "--json"])
    none = runner.invoke(app, ["screening", "check", "--name", "Harbour Acoustics"])
    bad = runner.invoke(app, ["screening", "check", "--name", "X", "--country", "Atlantis"])

    assert text.exit_code == 0 and "ZENITH STRIKE ARMAMENTS LIMITED" in text.output
    assert "[OFAC SDN, entry 9001]" in text.output and "      - " in text.output
    [hit] = json.loads(as_json.output)["hits"]
    assert (hit["entry_id"], hit["list"]) == ("9002", "OFAC SDN") and hit["reasons"]
    assert "no hit for 'Harbour Acoustics'" in none.output
    assert bad.exit_code == 2 and "Atlantis" in bad.output


def test_batch_writes_one_json_line_per_query_in_input_order(
    cli_db: str, tmp_path: Path
) -> None:
    _load(tmp_path)
    queries = tmp_path / "q.csv"
    queries.write_text(
        "id,name,country,type,birth_date\n"
        "a,Harbour Acoustics,United States,entity,\n"
        "b,Dmitri Arkadyevich Volkov,Russia,person,1961-03-12\n"
        "c,Zenith Strike Armaments Ltd,,entity,\n", encoding="utf-8")

    result = runner.invoke(app, ["screening", "batch", "--queries", str(queries)])

    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [line["id"] for line in lines] == ["a", "b", "c"]
    assert lines[0]["hits"] == []
    [volkov] = lines[1]["hits"]
    assert set(volkov) >= {"list", "entry_id", "name", "matched_name", "score", "reasons"}
    assert volkov["entry_id"] == "9002" and lines[2]["hits"][0]["entry_id"] == "9001"


def test_batch_names_the_line_of_a_bad_row(cli_db: str, tmp_path: Path) -> None:
    queries = tmp_path / "q.csv"
    queries.write_text("id,name,birth_date\na,Someone,31/12/1960\n", encoding="utf-8")
    wrong = tmp_path / "w.csv"
    wrong.write_text("key,fullname\n1,X\n", encoding="utf-8")

    bad = runner.invoke(app, ["screening", "batch", "--queries", str(queries)])
    header = runner.invoke(app, ["screening", "batch", "--queries", str(wrong)])

    assert bad.exit_code == 2 and "q.csv:2" in bad.output
    assert header.exit_code == 2 and "id,name" in header.output


def test_rescreen_reports_what_it_screened(cli_db: str, tmp_path: Path) -> None:
    _load(tmp_path)

    result = runner.invoke(app, ["screening", "rescreen"])

    assert result.exit_code == 0 and "screened 0 parties" in result.output
