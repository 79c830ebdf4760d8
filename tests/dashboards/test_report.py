"""The PDF report (pages and command line): a title page, then a section per dashboard."""

import io
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from typer.testing import CliRunner

from indusx.accounts.models import User
from indusx.cli import app as cli_app
from indusx.dashboards import service

SignIn = Callable[[TestClient, User], TestClient]
TITLES = [e.title for e in service.entries()]


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_report_downloads_with_a_title_page_and_a_section_per_dashboard(
    client: TestClient, people: SimpleNamespace, sign_in: SignIn
) -> None:
    response = sign_in(client, people.officer).get(
        "/dashboards/report.pdf?from=2026-01-01&to=2026-11-30")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert "indusx-report-2026-01-01-2026-11-30.pdf" in response.headers["content-disposition"]
    pdf = response.content
    assert pdf.startswith(b"%PDF") and len(pdf) > 5_000
    reader = PdfReader(io.BytesIO(pdf))
    first = reader.pages[0].extract_text()
    assert "INDUS-X dashboards report" in first and "1 Jan 2026 to 30 Nov 2026" in first
    assert "Generated" in first
    text = _text(pdf)
    for title in TITLES:
        assert title in text
    assert "Organisations by kind and country" in text  # a chart's title
    assert f"Page {len(reader.pages)}" in reader.pages[-1].extract_text()
    assert len(reader.pages) > len(TITLES)  # one section per page at least


def test_the_command_writes_the_report(cli_db: str, tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    result = CliRunner().invoke(cli_app, ["report", "--from", "2026-01-01", "--to", "2026-11-30",
                                          "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output and "7 dashboards" in result.output
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF")
    text = _text(pdf)
    assert all(title in text for title in TITLES)


@pytest.mark.parametrize(("args", "message"), [
    (["--from", "2026-12-01", "--to", "2026-11-30"], "--from: must be on or before"),
    (["--from", "01/12/2026", "--to", "2026-11-30"], "--from: is not a date"),
    (["--from", "2026-01-01", "--to", "2026-02-30"], "--to: is not a date"),
])
def test_the_command_refuses_bad_dates_and_writes_nothing(
    cli_db: str, tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "report.pdf"
    result = CliRunner().invoke(cli_app, ["report", *args, "--out", str(out)])
    assert result.exit_code == 2
    assert message in result.output
    assert not out.exists()


def test_the_command_refuses_an_output_folder_that_does_not_exist(
    cli_db: str, tmp_path: Path
) -> None:
    result = CliRunner().invoke(cli_app, ["report", "--from", "2026-01-01", "--to",
                                          "2026-11-30", "--out", str(tmp_path / "no" / "r.pdf")])
    assert result.exit_code == 2 and "does not exist" in result.output
