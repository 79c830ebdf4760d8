"""CSV import: every problem reported as file:row: field: reason, nothing written; round trip."""

import shutil
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.audit.models import AuditEvent
from indusx.supply import exports, imports
from indusx.supply.imports import ImportProblems
from indusx.supply.models import BomLine, Part, Source, SupplySystem

EXAMPLES = Path(__file__).parents[2] / "examples" / "supply"
Headers = Callable[[User], dict[str, str]]


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    folder = tmp_path / "bundle"
    shutil.copytree(EXAMPLES, folder)
    return folder


def test_the_example_bundle_imports_with_a_part_under_two_parents(
    session: Session, bundle: Path
) -> None:
    summary = imports.import_dir(session=session, principal=None, directory=bundle)

    assert (summary.systems_created, summary.parts, summary.lines, summary.sources) == (
        ["EOG-9"], 9, 10, 10)
    motor = session.scalars(select(Part).where(Part.number == "G-130")).one()
    assert motor.name == "Gimbal motor"
    assert _count(session, BomLine) == 10
    shares = sorted(session.scalars(select(Source.share).where(Source.part_id == motor.id)))
    assert shares == [0.5, 0.5]
    g110 = session.scalars(select(Part).where(Part.number == "G-110")).one()
    assert sorted(session.scalars(select(Source.share).where(Source.part_id == g110.id))) == [
        0.3, 0.7]  # given as percentages
    assert session.scalar(select(AuditEvent.summary).where(
        AuditEvent.action == "supply.import")) == "imported supply system EOG-9"


def _write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, "utf-8")


def test_every_bad_row_is_reported_and_nothing_is_written(
    session: Session, bundle: Path
) -> None:
    bom = (bundle / "bom.csv").read_text()
    bom += "EOG-9,G-100,G-110,Thermal camera core,part,1,ea,\n"  # duplicate row
    bom += "NOPE-1,,X-1,Unknown system part,part,1,ea,\n"  # unknown system
    bom += "EOG-9,G-999,G-300,Orphan,part,1,ea,\n"  # unknown parent
    _write(bundle, "bom.csv", bom)
    sources = (bundle / "sources.csv").read_text()
    sources += "EOG-9,G-120,Bad Share Ltd,,GB,160,30,,,\n"  # neither 0-1 nor percent
    sources += "EOG-9,G-404,Ghost Parts,,US,1,30,,,\n"  # unknown part
    sources += "EOG-9,G-120,,No Such Organisation,,1,30,,,\n"  # unknown directory org
    _write(bundle, "sources.csv", sources)

    with pytest.raises(ImportProblems) as caught:
        imports.import_dir(session=session, principal=None, directory=bundle)

    problems = caught.value.problems
    assert "bom.csv:12: part_number: duplicate row: G-110 under G-100 (also row 3)" in problems
    assert "bom.csv:13: system: unknown system 'NOPE-1'" in problems
    assert "bom.csv:14: parent: unknown part 'G-999' in EOG-9" in problems
    assert ("sources.csv:12: share: '160' is not a fraction 0-1 or a percent such as 60%"
            in problems)
    assert "sources.csv:13: part_number: unknown part 'G-404' in EOG-9" in problems
    assert ("sources.csv:14: supplier_org: no organisation 'No Such Organisation' in the "
            "directory") in problems
    assert len(problems) == 6
    assert (_count(session, SupplySystem), _count(session, Part), _count(session, Source)) == (
        0, 0, 0)


def test_a_cycle_in_the_bom_is_reported(session: Session, bundle: Path) -> None:
    bom = (bundle / "bom.csv").read_text() + "EOG-9,G-131,G-100,,,1,,\n"

    _write(bundle, "bom.csv", bom)
    with pytest.raises(ImportProblems) as caught:
        imports.import_dir(session=session, principal=None, directory=bundle)

    [problem] = caught.value.problems
    assert problem.startswith("bom.csv: system EOG-9:")
    assert "cycle" in problem.lower()
    assert _count(session, SupplySystem) == 0


def test_a_dry_run_checks_but_writes_nothing(session: Session, bundle: Path) -> None:
    summary = imports.import_dir(session=session, principal=None, directory=bundle,
                                 dry_run=True)
    assert summary.dry_run and summary.parts == 9
    assert _count(session, Part) == 0


def test_export_then_import_gives_the_same_chain_and_replaces_the_bom(
    session: Session, bundle: Path, tmp_path: Path
) -> None:
    imports.import_dir(session=session, principal=None, directory=bundle)
    first = exports.export_texts(session=session, principal=None)

    out = tmp_path / "out"
    exports.export_dir(session=session, principal=None, directory=out)
    again = imports.import_dir(session=session, principal=None, directory=out)
    second = exports.export_texts(session=session, principal=None)

    assert again.systems_updated == ["EOG-9"] and again.systems_created == []
    assert second == first
    assert (_count(session, Part), _count(session, BomLine), _count(session, Source)) == (
        9, 10, 10)


def test_the_api_import_is_for_officers_and_reports_problems_as_fields(
    client: TestClient, bearer: Headers, people: SimpleNamespace, bundle: Path
) -> None:
    files = {key: (f"{key}.csv", (bundle / f"{key}.csv").read_bytes(), "text/csv")
             for key in ("systems", "bom", "sources")}
    assert client.post("/api/v1/supply/import", files=files,
                       headers=bearer(people.alice)).status_code == 403
    done = client.post("/api/v1/supply/import", files=files, headers=bearer(people.officer))
    assert done.status_code == 200 and done.json()["parts"] == 9

    bad = {"sources": ("sources.csv", b"system,part_number,supplier,country,share,"
                                      b"lead_time_days\nEOG-9,G-120,X,GB,2,30\n", "text/csv")}
    refused = client.post("/api/v1/supply/import", files=bad, headers=bearer(people.officer))
    assert refused.status_code == 422
    assert refused.json()["errors"] == [{"field": "sources.csv:2: share",
                                         "message": "'2' is not a fraction 0-1 or a percent "
                                                    "such as 60%"}]
