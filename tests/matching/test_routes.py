"""The matchmaking REST API: suggestions, dismissals, solver search, map, introductions."""

from collections.abc import Callable
from types import SimpleNamespace

from fastapi.testclient import TestClient

from indusx.accounts.models import User
from indusx.orgs.models import Organisation
from tests.matching.test_introductions import parties  # noqa: F401  (fixture)

Headers = Callable[[User], dict[str, str]]
UNDERSEA = dict(
    country="US", kind="large_company",
    description="Undersea acoustic communications and sonar systems for navies.",
    capabilities="Acoustic modems, sonar arrays, underwater networking, sea trials.",
    focus_areas=["undersea"], seeking=["co_development"],
)


def test_matches_come_with_score_components_and_a_reason(
    client: TestClient, people: SimpleNamespace, bearer: Headers,
    make_org: Callable[..., Organisation],
) -> None:
    partner = make_org(name="Harbour Acoustics", **UNDERSEA)
    make_org(name="Bay Sonics", **{**UNDERSEA, "country": "IN"})

    response = client.get(f"/api/v1/orgs/{people.org.id}/matches?k=5",
                          headers=bearer(people.bob))

    assert response.status_code == 200
    body = response.json()
    assert body["mode"] == "co-development" and body["cross_border"] is True
    [item] = body["items"]  # Bay Sonics is in the same country
    assert item["candidate"] == {
        "kind": "org", "id": partner.id, "name": "Harbour Acoustics", "slug": partner.slug,
        "country": "US", "org_kind": "large_company", "focus_areas": ["undersea"],
        "max_trl": None}
    assert set(item["components"]) >= {"semantic", "focus", "complementarity", "trl",
                                        "seeking"}
    assert 0 < item["score"] <= 1 and "undersea" in item["reason"].lower()
    same = client.get(f"/api/v1/orgs/{people.org.id}/matches?same_country=true&country=IN",
                      headers=bearer(people.bob)).json()
    assert [i["candidate"]["name"] for i in same["items"]] == ["Bay Sonics"]


def test_matches_refuse_outsiders_unknown_orgs_and_bad_parameters(
    client: TestClient, people: SimpleNamespace, bearer: Headers
) -> None:
    url = f"/api/v1/orgs/{people.org.id}/matches"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=bearer(people.charlie)).status_code == 403
    assert client.get("/api/v1/orgs/999999/matches",
                      headers=bearer(people.officer)).status_code == 404
    bad = client.get(url + "?mode=friendship&k=0", headers=bearer(people.alice))
    assert bad.status_code == 422
    fields = {e["field"] for e in bad.json()["errors"]}
    assert {"mode", "k"} <= fields


def test_a_dismissal_through_the_api_is_audited_and_the_candidate_does_not_return(
    client: TestClient, people: SimpleNamespace, bearer: Headers,
    make_org: Callable[..., Organisation],
) -> None:
    partner = make_org(name="Harbour Acoustics", **UNDERSEA)
    url = f"/api/v1/orgs/{people.org.id}/matches"
    body = {"mode": "co-development", "candidate_org_id": partner.id, "reason": "not-relevant"}

    assert client.post(url + "/dismiss", json=body,
                       headers=bearer(people.bob)).status_code == 403  # a viewer
    assert client.post(url + "/dismiss", json={**body, "reason": "meh"},
                       headers=bearer(people.alice)).status_code == 422
    assert client.post(url + "/dismiss", json=body,
                       headers=bearer(people.alice)).status_code == 204

    assert client.get(url, headers=bearer(people.alice)).json()["items"] == []
    audit = client.get("/api/v1/audit?action=suggestion.dismiss",
                       headers=bearer(people.admin)).json()
    assert audit["total"] == 1


def test_solver_search_validates_the_statement_and_returns_evidence(
    client: TestClient, people: SimpleNamespace, bearer: Headers,
    make_org: Callable[..., Organisation],
) -> None:
    make_org(name="Harbour Acoustics", **UNDERSEA)
    url = "/api/v1/match/solvers"

    short = client.post(url, json={"text": "x"}, headers=bearer(people.charlie))
    assert short.status_code == 422 and short.json()["errors"][0]["field"] == "text"
    assert client.post(url, json={"text": "sonar", "k": 500},
                       headers=bearer(people.charlie)).status_code == 422

    found = client.post(url, json={"text": "acoustic modem for underwater networks", "k": 2},
                        headers=bearer(people.charlie)).json()
    assert found["items"][0]["candidate"]["name"] in {"Harbour Acoustics",
                                                      "Alice Undersea Systems"}
    assert found["items"][0]["evidence"]


def test_the_opportunity_map_is_json_or_csv(
    client: TestClient, people: SimpleNamespace, bearer: Headers
) -> None:
    rows = client.get("/api/v1/match/opportunities", headers=bearer(people.charlie)).json()
    undersea = next(r for r in rows if r["slug"] == "undersea")
    assert undersea["seeking_in"] == 1 and undersea["status"] == "gap"
    csv = client.get("/api/v1/match/opportunities?format=csv", headers=bearer(people.charlie))
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.startswith("slug,name,")


def test_an_introduction_shares_contacts_only_after_the_other_side_accepts(
    client: TestClient, parties: SimpleNamespace, bearer: Headers,  # noqa: F811
) -> None:
    p = parties
    created = client.post("/api/v1/introductions", headers=bearer(p.alice), json={
        "from_org_id": p.org_in.id, "to_org_id": p.us.id, "mode": "co-development",
        "note": "Sea trials together?"})
    assert created.status_code == 201, created.text
    intro = created.json()
    assert intro["status"] == "pending" and intro["recipient"]["contact_email"] == ""

    url = f"/api/v1/introductions/{intro['id']}"
    assert client.get(url, headers=bearer(p.charlie)).status_code == 404
    assert client.post(url + "/accept", headers=bearer(p.fay)).status_code == 403  # viewer
    incoming = client.get("/api/v1/introductions?direction=incoming",
                          headers=bearer(p.eve)).json()
    assert [i["id"] for i in incoming["items"]] == [intro["id"]]

    accepted = client.post(url + "/accept", json={"note": "Yes"}, headers=bearer(p.eve))
    assert accepted.status_code == 200
    seen_by_sender = client.get(url, headers=bearer(p.alice)).json()
    assert seen_by_sender["status"] == "accepted"
    assert seen_by_sender["recipient"]["contact_email"] == "dora@maritime.example"
    again = client.post(url + "/decline", headers=bearer(p.eve))
    assert again.status_code == 409


def test_an_introduction_request_needs_exactly_one_recipient(
    client: TestClient, parties: SimpleNamespace, bearer: Headers,  # noqa: F811
) -> None:
    p = parties
    both = client.post("/api/v1/introductions", headers=bearer(p.alice), json={
        "from_org_id": p.org_in.id, "to_org_id": p.us.id, "to_user_id": p.mo.id,
        "mode": "co-development"})
    assert both.status_code == 422
    outsider = client.post("/api/v1/introductions", headers=bearer(p.charlie), json={
        "from_org_id": p.org_in.id, "to_org_id": p.us.id, "mode": "co-development"})
    assert outsider.status_code == 403
