"""The Security of Supply REST API end to end, with its permissions and problem details."""

from collections.abc import Callable
from types import SimpleNamespace

from fastapi.testclient import TestClient

from indusx.accounts.models import User
from tests.supply.sos.conftest import Clock, body, needed

Headers = Callable[[User], dict[str, str]]
URL = "/api/v1/supply/requests"


def test_a_government_owner_raises_a_request_and_reads_it_back(
    client: TestClient, world: SimpleNamespace, bearer: Headers, clock: Clock
) -> None:
    response = client.post(URL, headers=bearer(world.gina),
                           json=body(supply_part_id=world.part.id))

    assert response.status_code == 201
    created = response.json()
    assert created["reference"] == "SOS-2026-0001"
    assert created["status"] == "open" and created["marking"] == "CUI"
    assert created["requesting_country"] == "US" and created["response_days"] == 5
    assert [p["org_name"] for p in created["parties"]] == [
        "Alice Undersea Systems", "Granite Forge Components"]
    assert created["parties"][0]["due_at"].startswith("2026-03-07T09:00:00")
    assert created["external_sources"] == [{"name": "Kaiju Metals", "country": "JP"}]
    again = client.get(f"{URL}/{created['id']}", headers=bearer(world.alice))
    assert again.status_code == 200 and again.json()["item"] == "155 mm breech rings"


def test_bad_input_is_a_problem_naming_the_fields(
    client: TestClient, world: SimpleNamespace, bearer: Headers, clock: Clock
) -> None:
    classified = client.post(URL, headers=bearer(world.gina),
                             json=body(marking="TOP SECRET", quantity=0))
    past = client.post(URL, headers=bearer(world.gina),
                       json=body(needed_on=needed(-2).isoformat(),
                                 supplier_org_ids=[world.granite.id]))

    assert classified.status_code == 422
    assert classified.headers["content-type"] == "application/problem+json"
    fields = {e["field"]: e["message"] for e in classified.json()["errors"]}
    assert set(fields) == {"quantity", "marking"}
    assert "not accredited for classified information" in fields["marking"]
    assert past.status_code == 422
    assert past.json()["errors"] == [
        {"field": "needed_on", "message": "the needed-by date must be in the future"}]


def test_only_government_members_and_officers_may_raise(
    client: TestClient, world: SimpleNamespace, bearer: Headers, clock: Clock
) -> None:
    assert client.post(URL, headers=bearer(world.alice),
                       json=body(supplier_org_ids=[world.granite.id])).status_code == 403
    assert client.post(URL, headers=bearer(world.officer),
                       json=body(requesting_country="IN",
                                 supplier_org_ids=[world.granite.id])).status_code == 201


def test_outsiders_get_404_and_lists_hold_only_what_the_caller_may_see(
    client: TestClient, world: SimpleNamespace, bearer: Headers, clock: Clock
) -> None:
    created = client.post(URL, headers=bearer(world.gina),
                          json=body(supplier_org_ids=[world.supplier.id])).json()

    assert client.get(f"{URL}/{created['id']}", headers=bearer(world.charlie)).status_code == 404
    assert client.get(f"{URL}/{created['id']}", headers=bearer(world.dave)).status_code == 404
    assert client.get(f"{URL}/{created['id']}", headers=bearer(world.bob)).status_code == 200
    for user, total in ((world.charlie, 0), (world.dave, 0), (world.bob, 1), (world.gus, 1),
                        (world.officer, 1)):
        page = client.get(URL, headers=bearer(user)).json()
        assert set(page) == {"items", "total", "page", "page_size", "summary"}
        assert page["total"] == total, user.full_name


def test_a_supplier_answers_and_an_officer_closes_through_the_api(
    client: TestClient, world: SimpleNamespace, bearer: Headers, clock: Clock
) -> None:
    created = client.post(URL, headers=bearer(world.gina),
                          json=body(supplier_org_ids=[world.supplier.id])).json()
    answers = f"{URL}/{created['id']}/answers"

    viewer = client.post(answers, headers=bearer(world.bob),
                         json={"org_id": world.supplier.id, "action": "acknowledge"})
    missing_note = client.post(answers, headers=bearer(world.alice),
                               json={"org_id": world.supplier.id, "action": "constraint"})
    late = client.post(answers, headers=bearer(world.alice),
                       json={"org_id": world.supplier.id, "action": "commit",
                             "committed_on": needed(45).isoformat()})

    assert viewer.status_code == 403
    assert missing_note.status_code == 422
    assert missing_note.json()["errors"][0]["field"] == "note"
    assert late.status_code == 201
    party = late.json()["parties"][0]
    assert (late.json()["status"], party["state"], party["is_late"]) == (
        "committed", "committed", True)

    status = f"{URL}/{created['id']}/status"
    assert client.post(status, headers=bearer(world.alice),
                       json={"status": "closed", "reason": "x"}).status_code == 403
    closed = client.post(status, headers=bearer(world.officer),
                         json={"status": "closed", "reason": "Delivered by another route."})
    assert closed.status_code == 200
    assert (closed.json()["status"], closed.json()["status_reason"]) == (
        "closed", "Delivered by another route.")
    assert client.post(status, headers=bearer(world.officer),
                       json={"status": "fulfilled"}).status_code == 409


def test_the_list_filters_and_sorts(
    client: TestClient, world: SimpleNamespace, bearer: Headers, clock: Clock
) -> None:
    gina = bearer(world.gina)
    first = client.post(URL, headers=gina, json=body(
        item="Recoil buffers", needed_on=needed(40).isoformat(), marking="UNCLASSIFIED",
        supplier_org_ids=[world.supplier.id])).json()
    second = client.post(URL, headers=gina, json=body(
        item="Breech rings", needed_on=needed(10).isoformat(),
        supplier_org_ids=[world.granite.id])).json()
    clock.advance(days=6)

    def refs(**params: object) -> list[str]:
        page = client.get(URL, headers=bearer(world.officer), params=params).json()
        return [item["reference"] for item in page["items"]]

    assert refs(sort="needed") == [second["reference"], first["reference"]]
    assert refs(sort="reference") == [first["reference"], second["reference"]]
    assert refs(supplier_org_id=world.granite.id) == [second["reference"]]
    assert refs(marking="UNCLASSIFIED") == [first["reference"]]
    assert refs(status="open", country="US", overdue=True) == [
        second["reference"], first["reference"]]
    assert refs(country="IN") == []
    assert refs(q="recoil") == [first["reference"]]
    assert refs(page_size=1, page=2, sort="reference") == [second["reference"]]
