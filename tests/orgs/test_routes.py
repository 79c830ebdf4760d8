"""The directory API end to end, with alice (owner), bob (viewer) and charlie (no access)."""

from collections.abc import Callable
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from indusx.accounts import service as account_service
from indusx.accounts.models import User
from indusx.audit.service import Actor
from indusx.notifications.models import Notification
from indusx.orgs.models import Organisation

Headers = Callable[[User], dict[str, str]]


def test_listing_needs_a_signed_in_caller(client: TestClient) -> None:
    response = client.get("/api/v1/orgs")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"] == "Bearer"


def test_a_bad_token_is_refused(client: TestClient) -> None:
    response = client.get("/api/v1/orgs", headers={"Authorization": "Bearer ixp_nope"})
    assert response.status_code == 401
    assert "invalid" in response.json()["detail"]


def test_everyone_signed_in_sees_public_fields_but_only_members_and_officers_see_private(
    client: TestClient, people: SimpleNamespace, bearer: Headers
) -> None:
    url = f"/api/v1/orgs/{people.org.id}"
    for user, visibility in [(people.alice, "full"), (people.bob, "full"),
                             (people.officer, "full"), (people.admin, "full"),
                             (people.charlie, "public")]:
        body = client.get(url, headers=bearer(user)).json()
        assert body["visibility"] == visibility, user.full_name
        assert body["name"] == "Alice Undersea Systems"
        if visibility == "public":
            assert "contact_email" not in body and "needs" not in body
        else:
            assert body["needs"] == "A US partner for sea trials."


@pytest.mark.parametrize(
    ("who", "status"),
    [("alice", 200), ("bob", 403), ("charlie", 403), ("officer", 403), ("admin", 200)],
)
def test_only_owners_editors_and_admins_may_edit(
    client: TestClient, people: SimpleNamespace, bearer: Headers, who: str, status: int
) -> None:
    response = client.patch(f"/api/v1/orgs/{people.org.id}", headers=bearer(getattr(people, who)),
                            json={"description": f"Edited by {who}"})
    assert response.status_code == status
    after = client.get(f"/api/v1/orgs/{people.org.id}", headers=bearer(people.alice)).json()
    expected = f"Edited by {who}" if status == 200 else people.org.description
    assert after["description"] == expected


@pytest.mark.parametrize(
    ("who", "status"),
    [("bob", 403), ("charlie", 403), ("officer", 403), ("alice", 204)],
)
def test_only_owners_and_admins_may_delete(
    client: TestClient, people: SimpleNamespace, bearer: Headers, who: str, status: int
) -> None:
    response = client.delete(f"/api/v1/orgs/{people.org.id}",
                             headers=bearer(getattr(people, who)))
    assert response.status_code == status
    still = client.get(f"/api/v1/orgs/{people.org.id}", headers=bearer(people.admin))
    assert still.status_code == (404 if status == 204 else 200)


def test_creating_an_org_makes_the_caller_its_owner(
    client: TestClient, people: SimpleNamespace, bearer: Headers
) -> None:
    headers = bearer(people.charlie)
    response = client.post("/api/v1/orgs", headers=headers, json={
        "name": "Charlie Space Labs Inc.", "country": "US", "kind": "startup",
        "uei": "j7m9hptgj1s9", "cage": "1abc2", "focus_areas": ["space"],
        "offerings": [{"name": "Star tracker", "trl": 7, "export_control": "9a515"}],
    })
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["uei"] == "J7M9HPTGJ1S9" and body["cage"] == "1ABC2"
    assert body["offerings"][0]["export_control"] == "ECCN 9A515"
    assert body["max_trl"] == 7 and body["can_edit"] is True
    me = client.get("/api/v1/users/me", headers=headers).json()
    assert {"org_id": body["id"], "role": "owner"} in me["memberships"]


@pytest.mark.parametrize(
    ("payload", "field", "fragment"),
    [
        ({"uei": "J7M9HPTGJ1S9"}, "uei", "applies only to organisations in the United States"),
        ({"cin": "12345"}, "cin", "not in the expected form (for example U72900KA2015PTC012345)"),
        ({"headcount": -3}, "headcount", "greater than or equal to 0"),
        ({"website": "not a url"}, "website", "web address"),
        ({"focus_areas": ["basket-weaving"]}, "focus_areas", "unknown focus area"),
        ({"offerings": [{"name": "Sonar", "trl": 11}]}, "offerings.0.trl", "less than or equal"),
        ({"offerings": [{"name": "Sonar", "trl": 5, "export_control": "banana"}]},
         "offerings.0.export_control", "EAR99"),
        ({"kind": "investor", "funding_stage": "seed"}, "funding_stage", "applies only"),
        ({"thesis": {"stages": ["seed"]}}, "thesis", "applies only to investors"),
        ({"country": "FR"}, "country", "'IN' or 'US'"),
    ],
)
def test_bad_input_gets_problem_json_naming_the_field(
    client: TestClient, people: SimpleNamespace, bearer: Headers,
    payload: dict[str, object], field: str, fragment: str,
) -> None:
    body = {"name": "Bad Input Pvt Ltd", "country": "IN", "kind": "startup", **payload}
    response = client.post("/api/v1/orgs", headers=bearer(people.alice), json=body)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert any(e["field"] == field and fragment in e["message"] for e in errors), errors


def test_an_identifier_already_registered_is_a_conflict(
    client: TestClient, people: SimpleNamespace, bearer: Headers,
    make_org: Callable[..., Organisation],
) -> None:
    make_org(name="First", cin="U72900KA2015PTC012345")
    response = client.post("/api/v1/orgs", headers=bearer(people.alice), json={
        "name": "Second", "country": "IN", "kind": "msme", "cin": "U72900KA2015PTC012345"})
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "cin"


def test_a_partial_update_changes_only_what_was_sent_and_is_audited(
    client: TestClient, people: SimpleNamespace, bearer: Headers
) -> None:
    headers = bearer(people.alice)
    url = f"/api/v1/orgs/{people.org.id}"
    response = client.patch(url, headers=headers, json={
        "seeking": ["investment", "customers"], "headcount": 42})
    assert response.status_code == 200
    body = response.json()
    assert body["seeking"] == ["investment", "customers"]
    assert body["headcount"] == 42
    assert body["focus_areas"] == ["undersea"]
    events = client.get("/api/v1/audit?action=org.update",
                        headers=bearer(people.admin)).json()["items"]
    assert events[0]["object_id"] == str(people.org.id)
    assert events[0]["before"]["headcount"] is None and events[0]["after"]["headcount"] == 42
    assert "name" not in events[0]["after"]


def test_changing_kind_to_investor_allows_a_thesis(
    client: TestClient, people: SimpleNamespace, bearer: Headers
) -> None:
    response = client.patch(f"/api/v1/orgs/{people.org.id}", headers=bearer(people.alice), json={
        "kind": "investor", "thesis": {"focus_areas": ["space"], "stages": ["seed"],
                                       "countries": ["IN", "US"], "ticket_min_usd": 100000,
                                       "ticket_max_usd": 50000}})
    assert response.status_code == 422
    assert "ticket_min_usd must not exceed" in response.text
    response = client.patch(f"/api/v1/orgs/{people.org.id}", headers=bearer(people.alice), json={
        "kind": "investor", "thesis": {"focus_areas": ["space"], "stages": ["seed"],
                                       "countries": ["IN", "US"], "ticket_max_usd": 500000}})
    assert response.status_code == 200, response.text
    assert response.json()["thesis"]["ticket_max_usd"] == 500000


def test_search_filters_facets_sorts_and_paginates(
    client: TestClient, people: SimpleNamespace, bearer: Headers,
    make_org: Callable[..., Organisation],
) -> None:
    make_org(name="Garuda Radar Works", country="IN", kind="msme",
             description="Coastal radar for maritime surveillance.",
             capabilities="X-band coastal radar", focus_areas=["maritime-domain-awareness"],
             offerings=[{"name": "Coastal radar", "trl": 8}])
    make_org(name="Liberty Radar Corp.", country="US", kind="large_company",
             description="Airborne radar.", capabilities="AESA radar for fighters",
             focus_areas=["air-combat"], seeking=["co_production"],
             offerings=[{"name": "AESA", "trl": 6}], uei="ABCDEFGH1234")
    headers = bearer(people.charlie)
    body = client.get("/api/v1/orgs?q=radar", headers=headers).json()
    assert body["total"] == 2
    assert set(body) >= {"items", "total", "page", "page_size", "facets"}
    country = {f["value"]: f["count"] for f in body["facets"]["country"]}
    assert country == {"IN": 1, "US": 1}
    # Disjunctive facets: selecting IN keeps the US count visible for the country facet.
    body = client.get("/api/v1/orgs?q=radar&country=IN", headers=headers).json()
    assert [i["name"] for i in body["items"]] == ["Garuda Radar Works"]
    assert {f["value"]: f["count"] for f in body["facets"]["country"]}["US"] == 1
    assert {f["value"]: f["count"] for f in body["facets"]["kind"]}["large_company"] == 0
    body = client.get("/api/v1/orgs?q=radar&trl_min=7", headers=headers).json()
    assert [i["name"] for i in body["items"]] == ["Garuda Radar Works"]
    body = client.get("/api/v1/orgs?seeking=co_production", headers=headers).json()
    assert [i["name"] for i in body["items"]] == ["Liberty Radar Corp."]
    body = client.get("/api/v1/orgs?focus_area=air-combat&focus_area=maritime-domain-awareness"
                      "&sort=trl", headers=headers).json()
    assert [i["name"] for i in body["items"]] == ["Garuda Radar Works", "Liberty Radar Corp."]
    body = client.get("/api/v1/orgs?sort=name&page_size=1&page=2", headers=headers).json()
    assert body["page"] == 2 and body["page_size"] == 1 and len(body["items"]) == 1
    assert body["total"] == 3
    assert body["items"][0]["name"] == "Garuda Radar Works"


def test_search_matches_offerings_and_word_stems(
    client: TestClient, people: SimpleNamespace, bearer: Headers,
    make_org: Callable[..., Organisation],
) -> None:
    make_org(name="Nilgiri Propulsion", description="Engines.",
             capabilities="Single-crystal turbine blades",
             offerings=[{"name": "FADEC software", "trl": 5}])
    headers = bearer(people.bob)
    assert client.get("/api/v1/orgs?q=fadec", headers=headers).json()["total"] == 1
    assert client.get("/api/v1/orgs?q=turbines", headers=headers).json()["total"] == 1
    assert client.get("/api/v1/orgs?q=the blade", headers=headers).json()["total"] == 1
    assert client.get("/api/v1/orgs?q=blade zeppelin", headers=headers).json()["total"] == 0
    assert client.get("/api/v1/orgs?q=zeppelin", headers=headers).json()["total"] == 0
    # Private fields are not searchable: 'sea trials' is only in the needs of Alice's org.
    assert client.get("/api/v1/orgs?q=trials", headers=headers).json()["total"] == 0


def test_search_ranks_a_name_match_first(
    client: TestClient, people: SimpleNamespace, bearer: Headers,
    make_org: Callable[..., Organisation],
) -> None:
    make_org(name="Aardvark Systems", description="We also do sonar.")
    make_org(name="Sonar Dynamics", description="Sonar, sonar arrays and more sonar.")
    items = client.get("/api/v1/orgs?q=sonar", headers=bearer(people.bob)).json()["items"]
    assert items[0]["name"] == "Sonar Dynamics"


def test_invalid_query_parameters_are_422_with_the_field(
    client: TestClient, people: SimpleNamespace, bearer: Headers
) -> None:
    response = client.get("/api/v1/orgs?trl_min=12&page_size=500", headers=bearer(people.bob))
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"trl_min", "page_size"}


def test_focus_areas_are_listed_to_all_and_added_only_by_admins(
    client: TestClient, people: SimpleNamespace, bearer: Headers
) -> None:
    areas = client.get("/api/v1/focus-areas", headers=bearer(people.charlie)).json()
    assert {"undersea", "jet-propulsion", "ai-autonomy"} <= {a["slug"] for a in areas}
    new = {"name": "Hypersonics", "description": "Hypersonic flight"}
    assert client.post("/api/v1/focus-areas", headers=bearer(people.officer),
                       json=new).status_code == 403
    created = client.post("/api/v1/focus-areas", headers=bearer(people.admin), json=new)
    assert created.status_code == 201 and created.json()["slug"] == "hypersonics"
    again = client.post("/api/v1/focus-areas", headers=bearer(people.admin), json=new)
    assert again.status_code == 409


def test_owners_invite_members_who_must_accept_and_the_last_owner_stays(
    client: TestClient, people: SimpleNamespace, bearer: Headers,
    make_user: Callable[..., User], session: Session,
) -> None:
    people.charlie = make_user(name="Charlie With Password")
    base = f"/api/v1/orgs/{people.org.id}/members"
    assert client.get(base, headers=bearer(people.charlie)).status_code == 403
    members = client.get(base, headers=bearer(people.bob)).json()
    assert {m["role"] for m in members} == {"owner", "viewer"}
    add = client.post(base, headers=bearer(people.bob),
                      json={"email": people.charlie.email, "role": "editor"})
    assert add.status_code == 403
    add = client.post(base, headers=bearer(people.alice),
                      json={"email": people.charlie.email, "role": "editor"})
    assert add.status_code == 201 and add.json()["status"] == "invited"
    sent = client.get("/api/v1/audit?action=invitation.send", headers=bearer(people.admin))
    assert sent.json()["items"][0]["after"] == {"org_id": people.org.id, "role": "editor"}
    charlie = bearer(people.charlie)
    url = f"/api/v1/orgs/{people.org.id}"
    # Nobody joins an organisation (or sees its private fields) without accepting.
    assert client.patch(url, headers=charlie, json={"city": "Kochi"}).status_code == 403
    assert client.get(url, headers=charlie).json()["visibility"] == "public"
    note = client.get("/api/v1/notifications", headers=charlie).json()["items"][0]
    # In the app the link holds no token: the page asks for the code, which is in the e-mail.
    assert note["link"] == "/invite/join"
    raw = session.scalars(select(Notification.mail_secret).where(
        Notification.id == note["id"])).one()
    assert raw is not None
    account_service.join_organisation(
        session=session, raw_token=raw, user=people.charlie,
        actor=Actor.system("test"))
    session.commit()
    assert client.patch(url, headers=charlie, json={"city": "Kochi"}).status_code == 200
    last = client.delete(f"{base}/{people.alice.id}", headers=bearer(people.alice))
    assert last.status_code == 409
    removed = client.delete(f"{base}/{people.bob.id}", headers=bearer(people.alice))
    assert removed.status_code == 204


def test_cookie_authenticated_api_writes_need_the_csrf_header(
    client: TestClient, people: SimpleNamespace, sign_in: Callable[..., TestClient], csrf: str
) -> None:
    sign_in(client, people.alice)
    url = f"/api/v1/orgs/{people.org.id}"
    assert client.patch(url, json={"city": "Pune"}).status_code == 403
    response = client.patch(url, json={"city": "Pune"}, headers={"X-CSRF-Token": csrf})
    assert response.status_code == 200 and response.json()["city"] == "Pune"


def test_an_error_page_for_a_signed_in_user_shows_their_name(
    client: TestClient, people: SimpleNamespace, sign_in: Callable[..., TestClient]
) -> None:
    sign_in(client, people.charlie)
    response = client.get(f"/orgs/{people.org.slug}/edit")
    assert response.status_code == 403
    assert "Charlie Outsider" in response.text
    missing = client.get("/orgs/no-such-organisation")
    assert missing.status_code == 404 and "Charlie Outsider" in missing.text


def test_an_organisation_called_new_does_not_shadow_the_create_page(
    make_org: Callable[..., Organisation],
) -> None:
    assert make_org(name="New").slug == "new-2"
