"""The dashboards API: officers and admins only, the numbers behind every chart, the range."""

from collections.abc import Callable
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from indusx.accounts.models import User
from indusx.dashboards import service
from indusx.orgs.models import Organisation
from tests.dashboards import support as s

Bearer = Callable[[User], dict[str, str]]
RANGE = {"from": "2026-01-01", "to": "2026-06-30"}


@pytest.mark.parametrize(("who", "status"), [("alice", 403), ("bob", 403), ("charlie", 403),
                                             ("officer", 200), ("admin", 200)])
def test_only_officers_and_admins_read_dashboards(
    client: TestClient, people: SimpleNamespace, bearer: Bearer, who: str, status: int
) -> None:
    headers = bearer(getattr(people, who))
    assert client.get("/api/v1/dashboards", headers=headers).status_code == status
    assert client.get("/api/v1/dashboards/ecosystem", headers=headers).status_code == status


def test_anonymous_callers_are_asked_to_sign_in(client: TestClient) -> None:
    response = client.get("/api/v1/dashboards/ecosystem")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")


def test_the_list_names_every_dashboard(
    client: TestClient, people: SimpleNamespace, bearer: Bearer
) -> None:
    body = client.get("/api/v1/dashboards", headers=bearer(people.officer)).json()
    names = [d["name"] for d in body["dashboards"]]
    assert names == [e.name for e in service.entries()]
    assert {"ecosystem", "matchmaking", "challenges", "pipeline", "screening"} <= set(names)
    assert body["dashboards"][0]["url"] == "/api/v1/dashboards/ecosystem"


def test_a_dashboard_returns_its_range_figures_and_each_charts_numbers(
    client: TestClient, people: SimpleNamespace, bearer: Bearer, session: Session,
    make_org: Callable[..., Organisation],
) -> None:
    s.backdate(session, make_org(country="US", kind="prime"), s.MARCH)
    s.backdate(session, make_org(country="US", kind="prime"), s.AFTER)
    body = client.get("/api/v1/dashboards/ecosystem", params=RANGE,
                      headers=bearer(people.officer)).json()
    assert (body["name"], body["from"], body["to"]) == ("ecosystem", "2026-01-01", "2026-06-30")
    kinds = next(c for c in body["charts"] if c["key"] == "kinds")
    assert kinds["kind"] == "stacked" and kinds["title"]
    assert kinds["columns"] == ["kind", "United States", "India"]
    us = dict(zip(kinds["categories"], kinds["series"][0]["values"], strict=True))
    # people.org was created today, after the range; only March's prime counts.
    assert us == {"Prime contractor": 1}
    assert ["Prime contractor", 1, 0] in kinds["rows"]
    joined = next(c for c in body["charts"] if c["key"] == "joined")
    assert joined["categories"] == [f"2026-{m:02d}" for m in range(1, 7)]


def test_the_range_defaults_to_the_last_twelve_months(
    client: TestClient, people: SimpleNamespace, bearer: Bearer
) -> None:
    body = client.get("/api/v1/dashboards/screening", headers=bearer(people.admin)).json()
    months = next(c for c in body["charts"] if c["key"] == "monthly")["categories"]
    assert len(months) == 12 and body["to"].startswith(months[-1])


@pytest.mark.parametrize(("params", "field"), [
    ({"from": "2026-07-01", "to": "2026-06-30"}, "from"),
    ({"from": "yesterday"}, "from"),
    ({"to": "2026-13-01"}, "to"),
    ({"from": "1900-01-01", "to": "2026-01-01"}, "from"),
])
def test_a_bad_range_is_refused_naming_the_field(
    client: TestClient, people: SimpleNamespace, bearer: Bearer, params: dict[str, str],
    field: str,
) -> None:
    response = client.get("/api/v1/dashboards/ecosystem", params=params,
                          headers=bearer(people.officer))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


def test_an_unknown_dashboard_is_not_found(
    client: TestClient, people: SimpleNamespace, bearer: Bearer
) -> None:
    assert client.get("/api/v1/dashboards/nope", headers=bearer(people.officer)).status_code == 404
