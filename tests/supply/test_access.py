"""Who reads and edits supply systems: officers, integrator members, suppliers' members."""

from collections.abc import Callable
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts import service as account_service
from indusx.accounts.models import OrgRole, User
from indusx.audit.models import AuditEvent
from indusx.orgs.models import Organisation
from tests.conftest import ACTOR
from tests.supply.support import small_chain

Headers = Callable[[User], dict[str, str]]


@pytest.fixture
def chain(session: Session, people: SimpleNamespace,
          make_org: Callable[..., Organisation]) -> SimpleNamespace:
    return small_chain(session, people, make_org)


def test_members_of_the_integrator_and_officers_read_a_system_and_outsiders_get_404(
    client: TestClient, bearer: Headers, people: SimpleNamespace, chain: SimpleNamespace
) -> None:
    url = f"/api/v1/supply/systems/{chain.system.id}"
    for user in (people.alice, people.bob, people.officer, people.admin):
        assert client.get(url, headers=bearer(user)).status_code == 200
    outsider = client.get(url, headers=bearer(people.charlie))
    assert outsider.status_code == 404
    assert outsider.headers["content-type"].startswith("application/problem+json")
    listed = client.get("/api/v1/supply/systems", headers=bearer(people.charlie)).json()
    assert listed == {"items": [], "total": 0, "page": 1, "page_size": 20}


def test_only_owners_editors_and_officers_change_a_system(
    client: TestClient, bearer: Headers, people: SimpleNamespace, chain: SimpleNamespace,
    session: Session,
) -> None:
    url = f"/api/v1/supply/systems/{chain.system.id}"
    assert client.patch(url, json={"annual_demand": 10},
                        headers=bearer(people.bob)).status_code == 403
    assert client.patch(url, json={"annual_demand": 10},
                        headers=bearer(people.charlie)).status_code == 404
    changed = client.patch(url, json={"annual_demand": 10}, headers=bearer(people.alice))
    assert changed.status_code == 200 and changed.json()["annual_demand"] == 10
    assert client.patch(url, json={"name": "Renamed"},
                        headers=bearer(people.officer)).json()["name"] == "Renamed"
    actions = set(session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "supply_system", AuditEvent.object_id == str(chain.system.id))))
    assert {"supply.system.create", "supply.system.update"} <= actions


def test_a_supplier_member_sees_the_system_but_not_other_suppliers_commercial_figures(
    client: TestClient, bearer: Headers, session: Session, make_user: Callable[..., User],
    chain: SimpleNamespace,
) -> None:
    dave = make_user(name="Dave Supplier", password=None)
    account_service.add_member(session=session, org_id=chain.supplier.id, user=dave,
                               role=OrgRole.VIEWER, actor=ACTOR)
    session.commit()

    bom = client.get(f"/api/v1/supply/systems/{chain.system.id}/bom", headers=bearer(dave))

    assert bom.status_code == 200
    sources = {s["supplier_name"]: s for p in bom.json()["parts"] for s in p["sources"]}
    mine, theirs = sources["Granite Forge Components"], sources["Kaiju Metals"]
    assert (mine["unit_cost"], mine["annual_capacity"], mine["stock_on_hand"]) == (5000, 200, 10)
    assert (theirs["unit_cost"], theirs["annual_capacity"], theirs["stock_on_hand"]) == (
        None, None, None)
    assert theirs["masked"] and not mine["masked"]
    assert client.patch(f"/api/v1/supply/systems/{chain.system.id}", json={"name": "x"},
                        headers=bearer(dave)).status_code == 403


def test_the_integrator_sees_every_suppliers_figures_and_a_tree_in_bom_order(
    client: TestClient, bearer: Headers, people: SimpleNamespace, chain: SimpleNamespace
) -> None:
    body = client.get(f"/api/v1/supply/systems/{chain.system.id}/bom",
                      headers=bearer(people.bob)).json()
    assert [p["number"] for p in body["parts"]] == ["A", "P1", "M1"]
    assert [(r["depth"], r["quantity"]) for r in body["tree"]] == [(0, 1), (1, 2), (1, 3)]
    kaiju = next(s for p in body["parts"] for s in p["sources"]
                 if s["supplier_name"] == "Kaiju Metals")
    assert kaiju["unit_cost"] == 4000 and kaiju["supplier_key"] == "ext:kaiju metals|JP"


def test_creating_a_system_needs_an_edit_role_in_the_integrator(
    client: TestClient, bearer: Headers, people: SimpleNamespace, csrf: str
) -> None:
    body = {"code": "NEW-1", "name": "New system", "integrator_org_id": people.org.id}
    assert client.post("/api/v1/supply/systems", json=body,
                       headers=bearer(people.bob)).status_code == 403
    assert client.post("/api/v1/supply/systems", json=body,
                       headers=bearer(people.charlie)).status_code == 403
    made = client.post("/api/v1/supply/systems", json=body, headers=bearer(people.alice))
    assert made.status_code == 201 and made.json()["can_edit"] is True
    again = client.post("/api/v1/supply/systems", json=body, headers=bearer(people.alice))
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "code"


def test_deleting_a_system_removes_it_and_is_audited(
    client: TestClient, bearer: Headers, people: SimpleNamespace, chain: SimpleNamespace,
    session: Session,
) -> None:
    url = f"/api/v1/supply/systems/{chain.system.id}"
    assert client.delete(url, headers=bearer(people.bob)).status_code == 403
    assert client.delete(url, headers=bearer(people.alice)).status_code == 204
    assert client.get(url, headers=bearer(people.officer)).status_code == 404
    assert session.scalar(select(AuditEvent.summary).where(
        AuditEvent.action == "supply.system.delete")) == (
        "deleted supply system TS-1 with 3 parts and 3 sources")
