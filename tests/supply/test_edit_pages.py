"""Changing a supply system on the web: details, parts, sources, deletions; who may."""

import re
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.audit.models import AuditEvent
from indusx.orgs.models import Organisation
from indusx.supply.models import BomLine, Part, Source, SupplySystem
from tests.supply.support import small_chain

SignIn = Callable[[TestClient, User], TestClient]
HX = {"HX-Request": "true"}


@pytest.fixture
def chain(
    session: Session, people: SimpleNamespace, make_org: Callable[..., Organisation]
) -> SimpleNamespace:
    return small_chain(session, people, make_org)


def _risk_row(html: str, part: Part) -> str:
    """Return the risk table's row of a part."""
    return html.split(f'<tr id="part-{part.id}"')[1].split("</tr>")[0]


def _actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def _edit_urls(chain: SimpleNamespace) -> list[str]:
    s, p = chain.system.id, chain.p1.id
    return [f"/supply/systems/{s}/edit", f"/supply/systems/{s}/delete",
            f"/supply/systems/{s}/parts/new", f"/supply/parts/{p}/sources",
            f"/supply/parts/{chain.m1.id}/delete", f"/supply/sources/{chain.kaiju.id}/edit",
            f"/supply/sources/{chain.kaiju.id}/delete"]


def test_the_system_page_offers_changes_only_to_those_who_may_make_them(
    client: TestClient, chain: SimpleNamespace, people: SimpleNamespace, sign_in: SignIn
) -> None:
    url = f"/supply/systems/{chain.system.id}"
    html = sign_in(client, people.alice).get(url).text
    assert f'href="/supply/systems/{chain.system.id}/edit"' in html
    assert f'href="/supply/parts/{chain.p1.id}/sources"' in html
    assert f'href="/supply/systems/{chain.system.id}/parts/new"' in html

    html = sign_in(client, people.bob).get(url).text  # a viewer of the integrator reads it
    assert "Bill of materials" in html
    assert "/edit" not in html and "/sources" not in html and "/parts/new" not in html


def test_the_edit_pages_are_404_to_outsiders_and_403_to_viewers(
    client: TestClient, chain: SimpleNamespace, people: SimpleNamespace, sign_in: SignIn,
    csrf: str, session: Session,
) -> None:
    sign_in(client, people.charlie)
    assert [client.get(u).status_code for u in _edit_urls(chain)] == [404] * 7
    sign_in(client, people.bob)
    assert [client.get(u).status_code for u in _edit_urls(chain)] == [403] * 7
    refused = client.post(f"/supply/sources/{chain.kaiju.id}/delete",
                          data={"csrf_token": csrf})
    assert refused.status_code == 403
    assert session.get(Source, chain.kaiju.id) is not None


def test_an_officer_opens_every_edit_page(
    client: TestClient, chain: SimpleNamespace, people: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, people.officer)
    assert [client.get(u).status_code for u in _edit_urls(chain)] == [200] * 7


def test_an_editor_changes_the_system_details_and_it_is_audited(
    client: TestClient, chain: SimpleNamespace, people: SimpleNamespace, sign_in: SignIn,
    csrf: str, session: Session,
) -> None:
    sign_in(client, people.alice)
    form = client.get(f"/supply/systems/{chain.system.id}/edit").text
    assert 'value="Test system"' in form and 'value="120"' in form
    assert 'value="Alice Undersea Systems"' in form  # the integrator, by name
    assert 'hx-get="/pathway/org-options"' in form and 'name="csrf_token"' in form

    response = client.post(f"/supply/systems/{chain.system.id}/edit", data={
        "csrf_token": csrf, "name": "Test system mk 2", "description": "Second batch.",
        "annual_demand": "150", "integrator": "Alice Undersea Systems"})

    assert response.status_code == 303
    assert response.headers["location"] == f"/supply/systems/{chain.system.id}"
    session.expire_all()
    system = session.get_one(SupplySystem, chain.system.id)
    assert (system.name, system.description, system.annual_demand) == (
        "Test system mk 2", "Second batch.", 150.0)
    assert system.integrator_org_id == people.org.id
    assert _actions(session)[-1] == "supply.system.update"


def test_the_system_form_shows_each_problem_beside_its_field(
    client: TestClient, chain: SimpleNamespace, people: SimpleNamespace, sign_in: SignIn,
    csrf: str, session: Session,
) -> None:
    sign_in(client, people.alice)
    response = client.post(f"/supply/systems/{chain.system.id}/edit", data={
        "csrf_token": csrf, "name": "", "annual_demand": "-3", "integrator": "Nobody Ltd"})

    assert response.status_code == 422
    html = response.text
    assert 'id="f-name-error"' in html and "This field is required" in html
    assert 'id="f-annual_demand-error"' in html and "Must be 0.0 or more" in html
    assert "No directory organisation “Nobody Ltd”" in html
    session.expire_all()
    assert session.get_one(SupplySystem, chain.system.id).name == "Test system"


def test_only_an_officer_hands_a_system_to_an_organisation_they_do_not_edit_for(
    client: TestClient, chain: SimpleNamespace, people: SimpleNamespace, sign_in: SignIn,
    csrf: str, session: Session,
) -> None:
    data = {"csrf_token": csrf, "name": "Test system", "annual_demand": "120",
            "integrator": chain.supplier.slug}
    sign_in(client, people.alice)
    refused = client.post(f"/supply/systems/{chain.system.id}/edit", data=data)
    assert refused.status_code == 422
    assert "You may only hand the system to an organisation" in refused.text

    sign_in(client, people.officer)
    assert client.post(f"/supply/systems/{chain.system.id}/edit", data=data).status_code == 303
    session.expire_all()
    assert session.get_one(SupplySystem, chain.system.id).integrator_org_id == chain.supplier.id


def test_an_edited_source_shows_in_the_risk_table_at_once(
    client: TestClient, chain: SimpleNamespace, people: SimpleNamespace, sign_in: SignIn,
    csrf: str,
) -> None:
    sign_in(client, people.alice)
    page = f"/supply/systems/{chain.system.id}"
    before = _risk_row(client.get(page).text, chain.m1)  # analysed and cached
    assert "Dragon Alloys (CN)" in before and "watched" in before

    form = client.get(f"/supply/sources/{chain.dragon.id}/edit").text
    assert 'value="CN"' in form and 'value="200"' in form
    response = client.post(f"/supply/sources/{chain.dragon.id}/edit", data={
        "csrf_token": csrf, "country": "jp", "share": "100%", "lead_time_days": "200",
        "annual_capacity": "", "unit_cost": "80", "stock_on_hand": "0"})
    assert response.status_code == 303
    assert response.headers["location"] == f"/supply/parts/{chain.m1.id}/sources"

    after = _risk_row(client.get(page).text, chain.m1)
    assert "Dragon Alloys (JP)" in after and "watched" not in after


def test_the_source_form_refuses_a_bad_share_and_keeps_what_was_typed(
    client: TestClient, chain: SimpleNamespace, people: SimpleNamespace, sign_in: SignIn,
    csrf: str, session: Session,
) -> None:
    sign_in(client, people.alice)
    response = client.post(f"/supply/sources/{chain.kaiju.id}/edit", data={
        "csrf_token": csrf, "country": "JP", "share": "140%", "lead_time_days": ""})

    assert response.status_code == 422
    assert "Enter a fraction 0-1 or a percent such as 60%" in response.text
    assert 'id="f-lead_time_days-error"' in response.text
    assert 'value="140%"' in response.text
    session.expire_all()
    assert session.get_one(Source, chain.kaiju.id).share == 0.4


def test_an_editor_adds_a_directory_supplier_and_an_external_one_to_a_part(
    client: TestClient, chain: SimpleNamespace, people: SimpleNamespace, sign_in: SignIn,
    csrf: str, session: Session, make_org: Callable[..., Organisation],
) -> None:
    mill = make_org(name="Bharat Alloy Mills", country="IN", kind="msme")
    sign_in(client, people.alice)
    page = client.get(f"/supply/parts/{chain.m1.id}/sources").text
    assert "Dragon Alloys" in page and 'id="f-supplier"' in page

    by_org = client.post(f"/supply/parts/{chain.m1.id}/sources", data={
        "csrf_token": csrf, "supplier": mill.slug, "share": "0.25", "lead_time_days": "45"})
    assert by_org.status_code == 303
    external = client.post(f"/supply/parts/{chain.m1.id}/sources", data={
        "csrf_token": csrf, "supplier_name": "Laurentian Forge", "country": "ca",
        "share": "10%", "lead_time_days": "60", "annual_capacity": "400", "unit_cost": "95.5"},
        headers=HX)

    assert external.status_code == 200
    assert "<html" not in external.text and 'id="sources-panel"' in external.text
    assert "Source added." in external.text and "Laurentian Forge" in external.text
    rows = session.execute(select(Source.supplier_org_id, Source.supplier_name, Source.country,
                                  Source.share, Source.unit_cost)
                           .where(Source.part_id == chain.m1.id).order_by(Source.id)).all()
    assert [tuple(r) for r in rows[1:]] == [(mill.id, "", "IN", 0.25, None),
                                            (None, "Laurentian Forge", "CA", 0.1, 95.5)]
    assert _actions(session)[-2:] == ["supply.source.create", "supply.source.create"]


def test_the_add_source_panel_comes_back_with_its_problems(
    client: TestClient, chain: SimpleNamespace, people: SimpleNamespace, sign_in: SignIn,
    csrf: str, session: Session,
) -> None:
    sign_in(client, people.alice)
    url = f"/supply/parts/{chain.p1.id}/sources"
    nothing = client.post(url, data={"csrf_token": csrf, "share": "", "lead_time_days": "30"},
                          headers=HX)
    assert nothing.status_code == 200 and "<html" not in nothing.text
    assert "Choose a directory organisation or name an external supplier" in nothing.text
    assert 'id="f-share-error"' in nothing.text

    no_country = client.post(url, data={"csrf_token": csrf, "supplier_name": "Acme",
                                        "share": "0.1", "lead_time_days": "30"})
    assert no_country.status_code == 422 and "An external supplier needs its country" in (
        no_country.text)
    again = client.post(url, data={"csrf_token": csrf, "supplier_name": "kaiju metals",
                                   "country": "JP", "share": "0.1", "lead_time_days": "30"})
    assert again.status_code == 422
    assert "This supplier is already a source of the part" in again.text
    unknown = client.post(url, data={"csrf_token": csrf, "supplier": "No Such Org",
                                     "share": "0.1", "lead_time_days": "30"})
    assert "No directory organisation “No Such Org”" in unknown.text
    count = session.scalars(select(Source.id).where(Source.part_id == chain.p1.id)).all()
    assert len(count) == 2


def test_an_editor_adds_a_part_under_a_parent(
    client: TestClient, chain: SimpleNamespace, people: SimpleNamespace, sign_in: SignIn,
    csrf: str, session: Session,
) -> None:
    sign_in(client, people.alice)
    url = f"/supply/systems/{chain.system.id}/parts/new"
    form = client.get(f"{url}?parent={chain.a.id}").text
    assert re.search(rf'<option value="{chain.a.id}" selected>A · Housing assembly', form)

    response = client.post(url, data={
        "csrf_token": csrf, "parent_id": str(chain.a.id), "quantity": "4", "number": "B7",
        "name": "Bolt set", "kind": "part", "unit": "ea", "description": "M12 bolts"})

    assert response.status_code == 303
    part = session.scalars(select(Part).where(Part.number == "B7")).one()
    assert response.headers["location"] == f"/supply/parts/{part.id}/sources"
    line = session.scalars(select(BomLine).where(BomLine.child_id == part.id)).one()
    assert (line.parent_id, line.quantity) == (chain.a.id, 4.0)

    clash = client.post(url, data={"csrf_token": csrf, "number": "P1", "name": "Again",
                                   "kind": "part", "quantity": "1"})
    assert clash.status_code == 422
    assert "Part number &#39;P1&#39; is already in this system" in clash.text


def test_an_editor_corrects_a_part_s_details(
    client: TestClient, chain: SimpleNamespace, people: SimpleNamespace, sign_in: SignIn,
    csrf: str, session: Session,
) -> None:
    sign_in(client, people.alice)
    url = f"/supply/parts/{chain.p1.id}/edit"
    bad = client.post(url, data={"csrf_token": csrf, "number": "M1", "name": "", "kind": "part",
                                 "unit": "ea"})
    assert bad.status_code == 422 and 'id="f-name-error"' in bad.text

    ok = client.post(url, data={"csrf_token": csrf, "number": "P1-A", "name": "Turbine disc",
                                "kind": "part", "unit": "ea", "description": "Forged disc"})
    assert ok.status_code == 303
    session.expire_all()
    assert session.get_one(Part, chain.p1.id).number == "P1-A"


def test_deleting_asks_first_and_an_assembly_must_be_emptied(
    client: TestClient, chain: SimpleNamespace, people: SimpleNamespace, sign_in: SignIn,
    csrf: str, session: Session,
) -> None:
    kaiju, m1 = chain.kaiju.id, chain.m1.id
    sign_in(client, people.alice)
    blocked = client.get(f"/supply/parts/{chain.a.id}/delete")
    assert blocked.status_code == 409 and "Remove or move the parts under this" in blocked.text

    ask = client.get(f"/supply/sources/{chain.kaiju.id}/delete")
    assert "Remove Kaiju Metals as a source of P1?" in ask.text and 'name="csrf_token"' in ask.text
    assert client.post(f"/supply/sources/{chain.kaiju.id}/delete",
                       data={"csrf_token": csrf}).status_code == 303

    ask = client.get(f"/supply/parts/{chain.m1.id}/delete")
    assert "Delete part M1" in ask.text
    assert client.post(f"/supply/parts/{chain.m1.id}/delete",
                       data={"csrf_token": csrf}).status_code == 303
    session.expire_all()
    assert session.get(Source, kaiju) is None and session.get(Part, m1) is None


def test_an_editor_deletes_the_system_after_confirming(
    client: TestClient, chain: SimpleNamespace, people: SimpleNamespace, sign_in: SignIn,
    csrf: str, session: Session,
) -> None:
    system_id = chain.system.id
    sign_in(client, people.alice)
    ask = client.get(f"/supply/systems/{system_id}/delete").text
    assert "Delete the system “Test system”?" in ask and "(3 parts)" in ask
    assert client.post(f"/supply/systems/{chain.system.id}/delete").status_code == 403  # CSRF

    response = client.post(f"/supply/systems/{chain.system.id}/delete",
                           data={"csrf_token": csrf})
    assert response.status_code == 303 and response.headers["location"] == "/supply"
    session.expire_all()
    assert session.get(SupplySystem, system_id) is None
    assert _actions(session)[-1] == "supply.system.delete"
