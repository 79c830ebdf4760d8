"""The regulatory-pathway REST API end to end, with its permissions."""

from collections.abc import Callable
from types import SimpleNamespace

from fastapi.testclient import TestClient

from indusx.accounts.models import User
from tests.pathway.conftest import coproduction

Headers = Callable[[User], dict[str, str]]


def test_a_member_assesses_a_co_production_and_gets_the_mla_with_its_reasons(
    client: TestClient, people: SimpleNamespace, firms: SimpleNamespace, bearer: Headers
) -> None:
    response = client.post(
        "/api/v1/pathway/assess",
        headers=bearer(people.charlie),
        json=coproduction(firms.us.slug, firms.india.slug),
    )

    assert response.status_code == 200
    body = response.json()
    assert body["verdict"] == "authorisations-required" and body["id"] is None
    assert body["authorisations"] == [
        {
            "side": "US",
            "name": "ITAR Manufacturing Licence Agreement (MLA)",
            "subject": "item: HP turbine blade",
            "rule_id": "us-itar-mla-manufacture-abroad",
        }
    ]
    assert "not legal advice" in body["notice"]
    mla = body["conclusions"][0]
    assert mla["facts"] == {
        "item.regime": "usml",
        "item.exported": True,
        "activity": ["co-production"],
    }
    assert mla["citation"] and mla["source_url"].startswith("https://")
    assert mla["effective"] == "2022-02-01"
    assert [p["screening"]["status"] for p in body["parties"]] == ["not screened"] * 2


def test_a_saved_assessment_is_listed_for_its_author_and_officers_only(
    client: TestClient, people: SimpleNamespace, firms: SimpleNamespace, bearer: Headers
) -> None:
    saved = client.post(
        "/api/v1/pathway/assess",
        headers=bearer(people.bob),
        json={**coproduction(firms.us.slug, firms.india.slug), "save": True},
    )
    assessment_id = saved.json()["id"]

    assert (
        client.get(
            f"/api/v1/pathway/assessments/{assessment_id}", headers=bearer(people.bob)
        ).json()["verdict_label"]
        == "Authorisations required"
    )
    assert (
        client.get(
            f"/api/v1/pathway/assessments/{assessment_id}", headers=bearer(people.charlie)
        ).status_code
        == 404
    )
    listing = client.get("/api/v1/pathway/assessments", headers=bearer(people.officer)).json()
    assert listing["total"] == 1 and listing["items"][0]["parties"] == [
        "Harbour Turbine Works",
        "Deccan Aero Components",
    ]
    audit = client.get(
        "/api/v1/audit?action=pathway.assessment.create", headers=bearer(people.admin)
    ).json()
    assert audit["total"] == 1


def test_bad_input_is_a_problem_naming_each_field(
    client: TestClient, people: SimpleNamespace, bearer: Headers
) -> None:
    response = client.post(
        "/api/v1/pathway/assess",
        headers=bearer(people.bob),
        json={
            "activity": ["friendship"],
            "parties": [{"name": "Nameless"}],
            "items": [{"name": "Widget", "classification": "Category Z"}],
        },
    )

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"activity.0", "parties.0", "items.0.classification"} <= fields


def test_an_unknown_directory_organisation_is_a_422_naming_the_party(
    client: TestClient, people: SimpleNamespace, bearer: Headers
) -> None:
    response = client.post(
        "/api/v1/pathway/assess",
        headers=bearer(people.bob),
        json=coproduction("nobody", "nobody-else"),
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "parties.0.org"


def test_only_officers_read_the_rule_set(
    client: TestClient, people: SimpleNamespace, bearer: Headers
) -> None:
    assert client.get("/api/v1/pathway/rules", headers=bearer(people.alice)).status_code == 403
    body = client.get("/api/v1/pathway/rules", headers=bearer(people.officer)).json()
    ids = {r["id"] for r in body["rules"]}
    assert {"us-itar-mla-manufacture-abroad", "in-scomet-cat6-ddp"} <= ids
    assert all(r["file"].endswith(".yaml") and r["line"] > 0 for r in body["rules"])


def test_only_officers_maintain_the_hurdle_register_and_every_change_is_audited(
    client: TestClient, people: SimpleNamespace, bearer: Headers
) -> None:
    new = {
        "title": "Slow end-user certificates",
        "regulation": "DDP SOP",
        "focus_areas": ["munitions"],
        "owner": "DDP",
        "remedy": "A fast track",
    }
    assert (
        client.post("/api/v1/pathway/hurdles", json=new, headers=bearer(people.alice)).status_code
        == 403
    )
    created = client.post("/api/v1/pathway/hurdles", json=new, headers=bearer(people.officer))
    assert created.status_code == 201
    hurdle_id = created.json()["id"]
    url = f"/api/v1/pathway/hurdles/{hurdle_id}"

    assert (
        client.patch(url, json={"status": "resolved"}, headers=bearer(people.bob)).status_code
        == 403
    )
    changed = client.patch(url, json={"status": "resolved"}, headers=bearer(people.officer))
    assert changed.json()["status"] == "resolved" and changed.json()["owner"] == "DDP"
    assert client.get(url, headers=bearer(people.charlie)).json()["title"] == new["title"]
    report = client.get("/api/v1/pathway/hurdles/report", headers=bearer(people.bob)).json()
    assert report["totals"]["resolved"] == 1
    assert client.delete(url, headers=bearer(people.bob)).status_code == 403
    assert client.delete(url, headers=bearer(people.officer)).status_code == 204
    assert client.get(url, headers=bearer(people.officer)).status_code == 404

    audit = client.get("/api/v1/audit?object_type=hurdle", headers=bearer(people.admin)).json()
    actions = sorted(e["action"] for e in audit["items"])
    assert "access.denied" in actions  # bob's refused changes (ops/security_events.py)
    assert [a for a in actions if a != "access.denied"] == [
        "hurdle.create",
        "hurdle.delete",
        "hurdle.update",
    ]


def test_hurdle_input_errors_name_the_field(
    client: TestClient, people: SimpleNamespace, bearer: Headers
) -> None:
    response = client.post(
        "/api/v1/pathway/hurdles",
        headers=bearer(people.officer),
        json={"title": "x", "status": "someday", "focus_areas": []},
    )

    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"title", "status"}
    unknown = client.post(
        "/api/v1/pathway/hurdles",
        headers=bearer(people.officer),
        json={"title": "Some hurdle", "focus_areas": ["nowhere"]},
    )
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "focus_areas"


def test_the_register_lists_with_filters(
    client: TestClient, people: SimpleNamespace, bearer: Headers
) -> None:
    for title, status in (("First hurdle", "open"), ("Second hurdle", "resolved")):
        client.post(
            "/api/v1/pathway/hurdles",
            headers=bearer(people.officer),
            json={"title": title, "status": status},
        )

    body = client.get("/api/v1/pathway/hurdles?status=resolved", headers=bearer(people.bob)).json()

    assert body["total"] == 1 and body["items"][0]["title"] == "Second hurdle"
