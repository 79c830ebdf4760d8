"""The supply pages: systems, one system's risk, scenarios; who may open them."""

import json
import re
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.config import Settings
from indusx.orgs.models import Organisation
from indusx.supply import simulation
from indusx.supply.models import Scenario
from indusx.supply.schemas import ScenarioSpec
from tests.supply.support import small_chain

SignIn = Callable[[TestClient, User], TestClient]
HX = {"HX-Request": "true"}


@pytest.fixture
def chain(
    session: Session, people: SimpleNamespace, make_org: Callable[..., Organisation]
) -> SimpleNamespace:
    return small_chain(session, people, make_org)


def _rows(html: str) -> list[str]:
    """Return the part numbers of the risk table, in order."""
    return re.findall(r'<div class="small text-secondary"><code>([^<]+)</code>', html)


def test_the_systems_list_shows_the_integrators_system_with_its_figures(
    client: TestClient, chain: SimpleNamespace, people: SimpleNamespace, sign_in: SignIn
) -> None:
    html = sign_in(client, people.alice).get("/supply").text
    assert f'href="/supply/systems/{chain.system.id}">Test system</a>' in html
    assert "<code>TS-1</code>" in html
    assert 'aria-current="page">\n        <i class="bi bi-diagram-3"' in html  # sub-nav: Systems
    row = html.split("Test system</a>")[1].split("</tr>")[0]
    assert re.search(r'class="num">3</td>', row)  # parts
    assert "bi-exclamation-triangle-fill" in row  # one single-source part, marked


def test_someone_with_no_part_in_the_chain_sees_an_empty_list_and_no_system(
    client: TestClient, chain: SimpleNamespace, people: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, people.charlie)
    html = client.get("/supply").text
    assert "Test system" not in html and "No supply chains yet" in html
    assert "indusx supply import DIR" in html
    assert "docs/supply.md" not in html  # the docs pointer is for officers
    assert client.get(f"/supply/systems/{chain.system.id}").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(
    client: TestClient, chain: SimpleNamespace
) -> None:
    for url in ("/supply", f"/supply/systems/{chain.system.id}", "/supply/scenarios"):
        response = client.get(url)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=")


def test_the_list_searches_and_its_htmx_answer_is_the_table_only(
    client: TestClient, chain: SimpleNamespace, people: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, people.officer)
    html = client.get("/supply?q=nothing-like-it").text
    assert "No system matches “nothing-like-it”" in html
    partial = client.get("/supply?q=ts-1&sort=criticality", headers=HX).text
    assert "<html" not in partial and "Test system" in partial


def test_a_system_page_shows_key_figures_risk_table_heat_map_and_graph(
    client: TestClient, chain: SimpleNamespace, people: SimpleNamespace, sign_in: SignIn
) -> None:
    html = sign_in(client, people.alice).get(f"/supply/systems/{chain.system.id}").text
    figures = html.split('class="sp-figures"')[1].split("</dl>")[0]
    assert "Single-source</dt><dd>1 " in figures  # M1
    assert "Longest lead path</dt><dd>200 " in figures
    # The risk table: worst first, the single-source material marked risky in words too.
    assert _rows(html)[0] == "M1"
    m1 = html.split(f'id="part-{chain.m1.id}"')[1].split("</tr>")[0]
    assert "Single source" in m1 and "Dragon Alloys (CN)" in m1
    assert "Risky part: " in m1
    # Heat map data for the script, and the same figures as a table.
    heat = json.loads(html.split('id="heat-data">')[1].split("</script>")[0])
    assert heat["rows"] == ["A · Housing assembly"] and len(heat["dimensions"]) == 6
    assert "Heat map as a table" in html
    graph = json.loads(html.split('id="graph-data">')[1].split("</script>")[0])
    assert {n["number"] for n in graph["nodes"]} == {"A", "P1", "M1"}
    assert graph["roots"] == [chain.a.id] and len(graph["edges"]) == 2
    m1_node = next(n for n in graph["nodes"] if n["number"] == "M1")
    assert m1_node["sources"][0]["name"] == "Dragon Alloys" and m1_node["reasons"]
    assert f'href="/supply/scenarios?system={chain.system.id}#new-scenario"' in html
    assert "/static/vendor/cytoscape/cytoscape.min.js" in html


def test_the_risk_table_sorts_pages_and_answers_htmx_with_the_table_only(
    client: TestClient, chain: SimpleNamespace, people: SimpleNamespace, sign_in: SignIn
) -> None:
    sign_in(client, people.officer)
    url = f"/supply/systems/{chain.system.id}"
    by_number = client.get(f"{url}?sort=number&desc=0", headers=HX)
    assert by_number.status_code == 200 and "<html" not in by_number.text
    assert _rows(by_number.text) == ["A", "M1", "P1"]
    assert 'aria-sort="ascending"' in by_number.text
    assert _rows(client.get(f"{url}?sort=number&desc=1", headers=HX).text) == ["P1", "M1", "A"]
    assert "part number, A to Z" in by_number.text
    risky = client.get(f"{url}?risky=1", headers=HX).text
    assert _rows(risky) == ["M1"]
    # An unknown sort falls back to criticality instead of failing.
    assert client.get(f"{url}?sort=bogus").status_code == 200


def test_a_supplier_member_sees_the_system_it_supplies(
    client: TestClient, chain: SimpleNamespace, people: SimpleNamespace, sign_in: SignIn,
    session: Session, make_user: Callable[..., User],
) -> None:
    from indusx.accounts import service as account_service
    from indusx.accounts.models import OrgRole
    from tests.conftest import ACTOR

    sam = make_user(name="Sam Supplier", password=None)
    account_service.add_member(session=session, org_id=chain.supplier.id, user=sam,
                               role=OrgRole.OWNER, actor=ACTOR)
    session.commit()
    html = sign_in(client, sam).get(f"/supply/systems/{chain.system.id}").text
    assert "Test system" in html and "Dragon Alloys" in html
    assert "Test system" in client.get("/supply").text


def test_the_scenario_form_is_prefilled_and_offers_the_systems_suppliers(
    client: TestClient, chain: SimpleNamespace, people: SimpleNamespace, sign_in: SignIn
) -> None:
    html = sign_in(client, people.alice).get(f"/supply/scenarios?system={chain.system.id}").text
    assert f'value="{chain.system.id}" id="f-systems-{chain.system.id}" checked' in html
    assert '<option value="ext:dragon alloys|CN">Dragon Alloys (CN)</option>' in html
    assert "South-East Asia" in html  # regions
    options = client.get(f"/supply/scenarios/suppliers?systems={chain.system.id}"
                         "&suppliers_out=ext:kaiju metals|JP", headers=HX).text
    assert '<option value="ext:kaiju metals|JP" selected>' in options


def test_running_a_country_out_scenario_shows_the_shortfall_without_saving(
    client: TestClient, chain: SimpleNamespace, people: SimpleNamespace, sign_in: SignIn,
    csrf: str, session: Session,
) -> None:
    sign_in(client, people.alice)
    form = {"csrf_token": csrf, "systems": str(chain.system.id), "countries_out": "cn",
            "demand_factor": "1", "days": "90", "name": ""}
    response = client.post("/supply/scenarios/run", data=form, headers=HX)
    assert response.status_code == 200 and "<html" not in response.text
    result = response.text
    assert "not saved" in result and "Shortfall by part" in result
    short = result.split(f'id="short-{chain.m1.id}"')[1].split("</tr>")[0]
    assert "Nickel superalloy bar" in short and "Lost: Dragon Alloys (CN)" in short
    chart = json.loads(result.split('id="outcome-data-run">')[1].split("</script>")[0])
    assert chart["categories"] == ["TS-1"] and chart["series"][1]["values"] == [0.0]
    assert session.scalars(select(Scenario)).all() == []
    # Without HTMX the whole page comes back with the result in it.
    page = client.post("/supply/scenarios/run", data=form)
    assert page.status_code == 200 and "<html" in page.text
    assert f'id="short-{chain.m1.id}"' in page.text


def test_scenario_errors_are_shown_inline_next_to_their_fields(
    client: TestClient, chain: SimpleNamespace, people: SimpleNamespace, sign_in: SignIn,
    csrf: str,
) -> None:
    sign_in(client, people.alice)
    form = {"csrf_token": csrf, "countries_out": "ZZ", "demand_factor": "50", "days": "0"}
    page = client.post("/supply/scenarios/run", data=form)
    assert page.status_code == 422
    assert 'id="f-countries_out-error"' in page.text and "not an ISO 3166" in page.text
    assert 'id="f-demand_factor-error"' in page.text and "Must be 10" in page.text
    assert 'id="f-days-error"' in page.text and 'aria-invalid="true"' in page.text
    assert "There are 3 problems" in page.text
    hx = client.post("/supply/scenarios/run", data=form, headers=HX)
    assert hx.status_code == 200 and hx.headers["HX-Retarget"] == "#scenario-form-wrap"
    assert 'id="f-days-error"' in hx.text and "<html" not in hx.text
    # Saving needs a name.
    unnamed = client.post("/supply/scenarios", data={"csrf_token": csrf, "countries_out": "CN"})
    assert unnamed.status_code == 422 and 'id="f-name-error"' in unnamed.text


def test_a_saved_scenario_has_a_page_exports_compares_and_is_deleted_after_asking(
    client: TestClient, chain: SimpleNamespace, people: SimpleNamespace, sign_in: SignIn,
    csrf: str, session: Session,
) -> None:
    sign_in(client, people.alice)
    saved = client.post("/supply/scenarios", data={
        "csrf_token": csrf, "systems": str(chain.system.id), "countries_out": "CN",
        "name": "China out", "days": "90", "demand_factor": "1"})
    assert saved.status_code == 303
    url = saved.headers["location"]
    html = client.get(url).text
    assert "China out" in html and "Result when saved" in html and "by Alice Owner" in html
    assert f'id="short-{chain.m1.id}"' in html
    csv = client.get(f"{url}/export.csv")
    assert csv.status_code == 200 and "attachment" in csv.headers["content-disposition"]
    assert "M1" in csv.text
    assert client.get(f"{url}/export.json").headers["content-type"].startswith("application/json")

    listing = client.get("/supply/scenarios").text
    assert f'href="{url}">China out</a>' in listing
    other = simulation.save_scenario(session=session, principal=None, settings=_settings(client),
                                     spec=ScenarioSpec(name="Japan out", countries_out=["JP"]))
    session.commit()
    scenario_id = int(url.rsplit("/", 1)[1])
    compared = client.get(f"/supply/scenarios/compare?ids={scenario_id}&ids={other.id}").text
    assert "China out" in compared and "Japan out" in compared
    chart = json.loads(compared.split('id="compare-data">')[1].split("</script>")[0])
    assert [s["name"] for s in chart["series"]] == ["China out", "Japan out"]

    assert "Delete the scenario “China out”?" in client.get(f"{url}/delete").text
    assert client.post(f"{url}/delete", data={}).status_code == 403  # no CSRF token
    assert client.post(f"{url}/delete", data={"csrf_token": csrf}).status_code == 303
    assert client.get(url).status_code == 404


def test_others_cannot_open_or_delete_a_saved_scenario(
    client: TestClient, chain: SimpleNamespace, people: SimpleNamespace, sign_in: SignIn,
    csrf: str, session: Session,
) -> None:
    scenario = simulation.save_scenario(
        session=session, principal=None, settings=_settings(client),
        spec=ScenarioSpec(name="China out", countries_out=["CN"], systems=["TS-1"]))
    session.commit()
    sign_in(client, people.charlie)
    assert client.get(f"/supply/scenarios/{scenario.id}").status_code == 404
    assert "China out" not in client.get("/supply/scenarios").text
    assert client.post(f"/supply/scenarios/{scenario.id}/delete",
                       data={"csrf_token": csrf}).status_code == 404


def _settings(client: TestClient) -> Settings:
    settings: Settings = client.app.state.settings  # type: ignore[attr-defined]
    return settings
