"""The Security of Supply pages: register, new-request form, request page and its actions."""

from collections.abc import Callable
from types import SimpleNamespace

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.supply.sos import reminders
from indusx.supply.sos.models import RequestStatus, SosAnswer, SosParty, SosRequest
from tests.supply.sos.conftest import Clock, needed

SignIn = Callable[[TestClient, User], TestClient]
Raise = Callable[..., SosRequest]


def _form(csrf: str, world: SimpleNamespace, **changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "csrf_token": csrf,
        "requester_org_id": str(world.gov.id),
        "requesting_country": "",
        "supply_system_id": str(world.system.id),
        "part": "P1",
        "routed_part": "P1",
        "supplier_org_ids": [str(world.granite.id)],
        "add_supplier": ["", ""],
        "item": "",
        "quantity": "12",
        "unit": "",
        "needed_on": needed(21).isoformat(),
        "justification": "Replacement rings for guns at the firing range, urgently.",
        "marking": "RESTRICTED",
    }
    values.update(changes)
    return values


def test_a_government_owner_raises_a_request_from_the_form(
    client: TestClient, world: SimpleNamespace, sign_in: SignIn, csrf: str, session: Session,
    clock: Clock,
) -> None:
    sign_in(client, world.gina)
    page = client.get("/supply/requests/new")
    assert page.status_code == 200
    assert "Not for classified information" in page.text

    proposed = client.get("/supply/requests/routing",
                          params={"supply_system_id": world.system.id, "part": "P1"})
    assert "Granite Forge Components" in proposed.text and "Alice Undersea Systems" in proposed.text
    assert "Kaiju Metals (JP)" in proposed.text and "contact offline" in proposed.text

    response = client.post("/supply/requests/new", data=_form(csrf, world))

    assert response.status_code == 303
    request = session.scalars(select(SosRequest)).one()
    assert response.headers["location"] == f"/supply/requests/{request.id}"
    assert (request.item, request.marking.value, request.requesting_country.value) == (
        "Breech ring (P1)", "RESTRICTED", "US")


def test_the_form_shows_each_problem_beside_its_field(
    client: TestClient, world: SimpleNamespace, sign_in: SignIn, csrf: str, session: Session,
    clock: Clock,
) -> None:
    sign_in(client, world.gina)

    response = client.post("/supply/requests/new", data=_form(
        csrf, world, quantity="0", justification="too short", needed_on="",
        supplier_org_ids=[]))

    assert response.status_code == 422
    for field in ("quantity", "justification", "needed_on"):
        assert f'id="f-{field}-error"' in response.text
    assert session.scalar(select(SosRequest.id)) is None


def test_a_directory_organisation_can_be_added_by_name(
    client: TestClient, world: SimpleNamespace, sign_in: SignIn, csrf: str, session: Session,
    clock: Clock,
) -> None:
    sign_in(client, world.gina)

    unknown = client.post("/supply/requests/new", data=_form(
        csrf, world, supplier_org_ids=[], add_supplier=["No Such Works", ""]))
    added = client.post("/supply/requests/new", data=_form(
        csrf, world, supplier_org_ids=[], add_supplier=[world.supplier.slug, ""]))

    assert unknown.status_code == 422 and "No directory organisation" in unknown.text
    assert added.status_code == 303


def test_non_government_members_cannot_open_the_form(
    client: TestClient, world: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, world.alice)

    assert client.get("/supply/requests/new").status_code == 403


def test_the_request_page_shows_the_marking_and_lets_a_supplier_answer(
    client: TestClient, world: SimpleNamespace, sign_in: SignIn, csrf: str, session: Session,
    raise_request: Raise,
) -> None:
    request = raise_request()
    sign_in(client, world.alice)

    page = client.get(f"/supply/requests/{request.id}")
    assert page.status_code == 200
    assert page.text.count('class="sos-marking sos-marking-CUI"') == 2  # top and bottom
    assert "Answer for your organisation" in page.text
    # Each supplier's row is the anchor its overdue reminder links to.
    parties = session.scalars(select(SosParty).where(SosParty.request_id == request.id)).all()
    assert parties and all(
        f'id="{reminders.party_link(request, party).split("#")[1]}"' in page.text
        for party in parties)

    bad = client.post(f"/supply/requests/{request.id}/answer", data={
        "csrf_token": csrf, "org_id": str(world.supplier.id), "action": "commit"})
    good = client.post(f"/supply/requests/{request.id}/answer", data={
        "csrf_token": csrf, "org_id": str(world.supplier.id), "action": "commit",
        "committed_on": needed(10).isoformat()})

    assert bad.status_code == 422 and 'id="f-committed_on-error"' in bad.text
    assert good.status_code == 303
    assert session.scalars(select(SosAnswer)).one().committed_on == needed(10)


def test_a_supplier_viewer_sees_the_request_but_no_answer_form_and_outsiders_get_404(
    client: TestClient, world: SimpleNamespace, sign_in: SignIn, raise_request: Raise
) -> None:
    request = raise_request()

    sign_in(client, world.bob)
    assert "Answer for your organisation" not in client.get(f"/supply/requests/{request.id}").text
    sign_in(client, world.charlie)
    assert client.get(f"/supply/requests/{request.id}").status_code == 404


def test_an_officer_closes_a_request_after_confirming_with_a_reason(
    client: TestClient, world: SimpleNamespace, sign_in: SignIn, csrf: str, session: Session,
    raise_request: Raise,
) -> None:
    request = raise_request()
    sign_in(client, world.officer)
    url = f"/supply/requests/{request.id}/status/closed"

    assert "Close SOS-2026-0001?" in client.get(url).text
    assert client.post(url, data={"csrf_token": csrf, "reason": ""}).status_code == 422
    assert client.post(url, data={"csrf_token": csrf, "reason": "Duplicate."}).status_code == 303
    session.refresh(request)
    assert request.status is RequestStatus.CLOSED
    sign_in(client, world.gina)
    assert client.get(f"/supply/requests/{request.id}/status/fulfilled").status_code == 403


def test_the_register_filters_and_exports_what_the_reader_may_see(
    client: TestClient, world: SimpleNamespace, sign_in: SignIn, raise_request: Raise,
    clock: Clock,
) -> None:
    first = raise_request(supplier_org_ids=[world.supplier.id])
    second = raise_request(supplier_org_ids=[world.granite.id], marking="UNCLASSIFIED")
    clock.advance(days=6)
    sign_in(client, world.alice)

    page = client.get("/supply/requests")
    assert page.status_code == 200
    assert first.reference in page.text and second.reference not in page.text
    assert "1 overdue" in page.text

    sign_in(client, world.officer)
    filtered = client.get("/supply/requests", params={"marking": "UNCLASSIFIED"},
                          headers={"HX-Request": "true"})
    assert second.reference in filtered.text and first.reference not in filtered.text
    assert "<html" not in filtered.text  # the fragment only
    exported = client.get("/supply/requests/export.csv", params={"overdue": "1"})
    assert exported.headers["content-type"].startswith("text/csv")
    assert [line.split(",")[0] for line in exported.text.splitlines()] == [
        "reference", second.reference, first.reference]
    assert "Try fewer filters" in client.get("/supply/requests", params={"country": "IN"}).text
    sign_in(client, world.charlie)
    assert "No Security of Supply request concerns you yet" in client.get("/supply/requests").text
