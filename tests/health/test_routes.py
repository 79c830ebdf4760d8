from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from indusx.main import create_app
from tests.conftest import make_settings


def test_healthz_says_ok_without_sign_in(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_ready_when_the_database_answers(client: TestClient, app: FastAPI) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def _unreachable_app() -> FastAPI:
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1"
    settings = make_settings(url)
    return create_app(settings, engine=create_engine(url))


def test_readyz_is_503_problem_json_when_the_database_is_down() -> None:
    with TestClient(_unreachable_app()) as down:
        response = down.get("/readyz")
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")


def test_an_api_call_during_a_database_outage_is_503_not_a_traceback() -> None:
    with TestClient(_unreachable_app()) as down:
        response = down.get("/api/v1/orgs", headers={"Authorization": "Bearer ixp_x"})
    assert response.status_code == 503
    assert response.json()["detail"].startswith("The database is unavailable")


def test_a_page_during_a_database_outage_is_a_503_page() -> None:
    with TestClient(_unreachable_app()) as down:
        down.cookies.set("indusx_session", "x")
        response = down.get("/orgs", headers={"Accept": "text/html"})
    assert response.status_code == 503
    assert "text/html" in response.headers["content-type"]


def test_an_unknown_address_is_a_404_that_says_so(client: TestClient) -> None:
    page = client.get("/no/such/page", headers={"Accept": "text/html"})
    assert page.status_code == 404 and "There is nothing at this address" in page.text
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404 and api.json()["detail"].startswith("There is nothing")


def test_malformed_json_is_a_422_about_the_body(client: TestClient) -> None:
    response = client.post("/api/v1/auth/login", content=b'{"email": ',
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body"
