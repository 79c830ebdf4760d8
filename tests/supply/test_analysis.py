"""Risk figures through the API equal those computed by hand on the small chain."""

from collections.abc import Callable
from types import SimpleNamespace

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.config import Settings
from indusx.orgs.models import Organisation
from indusx.supply import analysis, service
from indusx.supply.schemas import SourceUpdate
from tests.supply.support import small_chain

Headers = Callable[[User], dict[str, str]]


def test_the_risk_endpoint_gives_the_hand_computed_concentration_and_single_sources(
    client: TestClient, bearer: Headers, session: Session, people: SimpleNamespace,
    make_org: Callable[..., Organisation],
) -> None:
    chain = small_chain(session, people, make_org)

    response = client.get(f"/api/v1/supply/systems/{chain.system.id}/risk?sort=hhi",
                          headers=bearer(people.bob))

    assert response.status_code == 200
    body = response.json()
    rows = {r["number"]: r for r in body["rows"]}
    assert rows["P1"]["hhi"] == 5200.0  # 60^2 + 40^2
    assert rows["M1"]["hhi"] == 10000.0
    assert (rows["M1"]["single_source"], rows["P1"]["single_source"]) == (True, False)
    assert (rows["M1"]["watch_share"], rows["M1"]["outside_share"]) == (1.0, 1.0)
    assert (rows["P1"]["watch_share"], rows["P1"]["outside_share"]) == (0.0, 0.0)
    assert [r["number"] for r in body["rows"]][:2] == ["M1", "P1"]
    summary = body["summary"]
    assert (summary["single_source"], summary["max_hhi"], summary["mean_hhi"]) == (
        1, 10000.0, 7600.0)
    assert summary["outside_share"] == 0.5
    assert summary["longest_path_days"] == 200
    assert [p["number"] for p in body["critical_path"]] == ["A", "M1"]
    assert [h["part"]["number"] for h in body["heat"]] == ["A"]
    assert {c["dimension"] for c in body["heat"][0]["cells"]} == set(analysis.DIMENSIONS)
    assert rows["M1"]["suppliers"][0]["name"] == "Dragon Alloys"


def test_a_changed_source_is_seen_by_the_next_analysis(
    session: Session, people: SimpleNamespace, make_org: Callable[..., Organisation],
    settings: Settings,
) -> None:
    chain = small_chain(session, people, make_org)
    before = analysis.system_risk(session=session, principal=None, settings=settings,
                                  system_id=chain.system.id)

    service.update_source(session=session, principal=None, source_id=chain.kaiju.id,
                          source_in=SourceUpdate(share=0.6))  # P1 now 50/50 US/JP
    after = analysis.system_risk(session=session, principal=None, settings=settings,
                                 system_id=chain.system.id)

    p1 = {r.number: r for r in before.rows}["P1"]
    assert p1.hhi == 5200.0
    assert {r.number: r for r in after.rows}["P1"].hhi == 5000.0


def test_an_unknown_sort_is_a_field_error(
    client: TestClient, bearer: Headers, session: Session, people: SimpleNamespace,
    make_org: Callable[..., Organisation],
) -> None:
    chain = small_chain(session, people, make_org)
    response = client.get(f"/api/v1/supply/systems/{chain.system.id}/risk?sort=colour",
                          headers=bearer(people.officer))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "sort"


def test_the_system_list_sorts_by_criticality_and_counts_parts(
    client: TestClient, bearer: Headers, session: Session, people: SimpleNamespace,
    make_org: Callable[..., Organisation],
) -> None:
    small_chain(session, people, make_org)
    body = client.get("/api/v1/supply/systems?sort=criticality",
                      headers=bearer(people.alice)).json()
    [item] = body["items"]
    assert (item["code"], item["parts"], item["sources"], item["single_source"]) == (
        "TS-1", 3, 3, 1)
    assert item["criticality"] is not None and 0 < item["criticality"] <= 100
