"""Disruption scenarios through the API: shortfalls, alternates (never blocked), saved ones."""

import csv
import io
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.accounts.permissions import Principal
from indusx.audit.models import AuditEvent
from indusx.orgs.models import Organisation
from indusx.screening import cases as screening_cases
from indusx.screening import imports as screening_imports
from indusx.screening.lists import ListFormat
from indusx.screening.models import CaseStatus
from indusx.supply import service
from indusx.supply.schemas import PartUpdate
from tests.conftest import ACTOR
from tests.screening.support import write_ofac
from tests.supply.support import NICKEL, small_chain

Headers = Callable[[User], dict[str, str]]


@pytest.fixture
def chain(session: Session, people: SimpleNamespace,
          make_org: Callable[..., Organisation]) -> SimpleNamespace:
    return small_chain(session, people, make_org)


@pytest.fixture
def alternates(session: Session, tmp_path: Path, people: SimpleNamespace,
               make_org: Callable[..., Organisation]) -> SimpleNamespace:
    """A US nickel-alloy maker, and one just like it with a confirmed screening hit."""
    screening_imports.import_list(session=session, fmt=ListFormat.OFAC,
                                  paths=write_ofac(tmp_path), actor=ACTOR)
    good = make_org(name="Cascade Superalloys", **NICKEL)
    blocked = make_org(name="Zenith Strike Armaments Inc", **NICKEL)
    officer = Principal.load(session=session, user=people.officer, via="test")
    for case in screening_cases.subject_cases(session=session, org_id=blocked.id):
        screening_cases.decide(session=session, principal=officer, case_id=case.id,
                               decision=CaseStatus.CONFIRMED, reason="Confirmed in review")
    session.commit()
    return SimpleNamespace(good=good, blocked=blocked)


def test_china_out_leaves_the_material_short_with_an_alternate_and_never_a_blocked_party(
    client: TestClient, bearer: Headers, people: SimpleNamespace, chain: SimpleNamespace,
    alternates: SimpleNamespace,
) -> None:
    response = client.post("/api/v1/supply/simulations",
                           json={"countries_out": ["cn"], "days": 90},
                           headers=bearer(people.alice))

    assert response.status_code == 200
    body = response.json()
    [outcome] = body["systems"]
    assert outcome["planned"] == pytest.approx(120 * 90 / 365, abs=1e-3)
    assert outcome["buildable"] == 0
    [short] = body["shortfalls"]
    assert short["number"] == "M1"
    assert short["required"] == pytest.approx(3 * 120 * 90 / 365, abs=1e-3)
    assert short["shortfall"] == short["required"]
    assert [s["name"] for s in short["lost_sources"]] == ["Dragon Alloys"]
    found = [a["org_id"] for a in short["alternates"]]
    assert alternates.good.id in found
    assert alternates.blocked.id not in found
    assert all(a["country"] in ("US", "IN") for a in short["alternates"])


def test_a_supplier_out_is_named_by_key_and_an_unknown_one_is_a_field_error(
    client: TestClient, bearer: Headers, people: SimpleNamespace, chain: SimpleNamespace,
) -> None:
    out = client.post("/api/v1/supply/simulations",
                      json={"suppliers_out": [f"org:{chain.supplier.id}", "Kaiju Metals"],
                            "days": 30},
                      headers=bearer(people.officer)).json()
    assert out["suppliers_out"] == [f"org:{chain.supplier.id}", "ext:kaiju metals|JP"]
    assert [s["number"] for s in out["shortfalls"]] == ["P1"]

    bad = client.post("/api/v1/supply/simulations",
                      json={"suppliers_out": ["Nobody Ltd"], "regions_out": ["Atlantis"],
                            "countries_out": ["XX"], "demand_factor": 50},
                      headers=bearer(people.officer))
    assert bad.status_code == 422
    fields = {e["field"] for e in bad.json()["errors"]}
    assert {"regions_out", "countries_out", "demand_factor"} <= fields


def test_an_outsider_cannot_simulate_a_system_they_may_not_read(
    client: TestClient, bearer: Headers, people: SimpleNamespace, chain: SimpleNamespace,
) -> None:
    named = client.post("/api/v1/supply/simulations", json={"systems": ["TS-1"]},
                        headers=bearer(people.charlie))
    assert named.status_code == 404
    everything = client.post("/api/v1/supply/simulations", json={},
                             headers=bearer(people.charlie))
    assert everything.status_code == 422


def test_scenarios_are_saved_compared_exported_and_deleted(
    client: TestClient, bearer: Headers, people: SimpleNamespace, chain: SimpleNamespace,
    session: Session,
) -> None:
    alice = bearer(people.alice)
    assert client.post("/api/v1/supply/simulations",
                       json={"countries_out": ["CN"], "save": True},
                       headers=alice).json()["errors"][0]["field"] == "name"
    assert client.post("/api/v1/supply/simulations",
                       json={"name": "viewer", "countries_out": ["CN"], "save": True},
                       headers=bearer(people.bob)).status_code == 403
    first = client.post("/api/v1/supply/simulations",
                        json={"name": "=China out", "countries_out": ["CN"], "save": True},
                        headers=alice)
    second = client.post("/api/v1/supply/simulations",
                         json={"name": "Japan out", "regions_out": ["east asia"], "days": 30,
                               "save": True, "systems": ["TS-1"]},
                         headers=alice)
    assert first.status_code == second.status_code == 201
    a, b = first.json()["id"], second.json()["id"]
    assert second.json()["spec"]["regions_out"] == ["East Asia"]

    listed = client.get("/api/v1/supply/scenarios", headers=bearer(people.bob)).json()
    assert [s["id"] for s in listed["items"]] == [b, a]
    assert client.get("/api/v1/supply/scenarios",
                      headers=bearer(people.charlie)).json()["total"] == 0
    assert client.get(f"/api/v1/supply/scenarios/{a}",
                      headers=bearer(people.charlie)).status_code == 404

    compared = client.get(f"/api/v1/supply/scenarios/compare?ids={a},{b}", headers=alice).json()
    assert [s["id"] for s in compared["scenarios"]] == [a, b]
    [system] = compared["systems"]
    assert system["code"] == "TS-1" and system["cells"][0]["buildable"] == 0
    parts = {p["number"]: p["shortfall"] for p in compared["parts"]}
    assert parts["M1"][0] == pytest.approx(3 * 120 * 90 / 365, abs=1e-3)
    assert parts["M1"][1] == pytest.approx(3 * 120 * 30 / 365, abs=1e-3)

    csv_file = client.get(f"/api/v1/supply/scenarios/{a}/export?format=csv", headers=alice)
    assert csv_file.status_code == 200
    assert "attachment" in csv_file.headers["content-disposition"]
    lines = csv_file.text.splitlines()
    assert lines[0].startswith("row,system,system_name,part_number")
    assert any(line.startswith("part,TS-1,Test system,M1,") for line in lines)
    json_file = client.get(f"/api/v1/supply/scenarios/{a}/export?format=json", headers=alice)
    assert json_file.json()["name"] == "=China out"

    assert client.delete(f"/api/v1/supply/scenarios/{a}",
                         headers=bearer(people.bob)).status_code == 403
    assert client.delete(f"/api/v1/supply/scenarios/{a}", headers=alice).status_code == 204
    actions = list(session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "supply_scenario").order_by(AuditEvent.id)))
    # The CSV and the JSON export: one audited read of the scenario in the window.
    assert actions == ["supply.scenario.create", "supply.scenario.create", "data.read",
                       "supply.scenario.delete"]


def test_a_formula_in_a_part_name_is_neutralised_in_the_csv_export(
    client: TestClient, bearer: Headers, people: SimpleNamespace, chain: SimpleNamespace,
    session: Session,
) -> None:
    service.update_part(session=session, principal=None, part_id=chain.m1.id,
                        part_in=PartUpdate(name="=HYPERLINK(\"http://x\")"))
    session.commit()
    made = client.post("/api/v1/supply/simulations",
                       json={"name": "x", "countries_out": ["CN"], "save": True},
                       headers=bearer(people.officer)).json()

    body = client.get(f"/api/v1/supply/scenarios/{made['id']}/export",
                      headers=bearer(people.officer)).text

    [row] = list(csv.reader(io.StringIO(body)))[2:]
    assert row[4] == "'=HYPERLINK(\"http://x\")"
