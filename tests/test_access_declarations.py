"""Every route declares who may call it, and anonymous callers are turned away."""

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from indusx import deps

ACCESS = {
    deps.check_csrf_anonymous: "anyone",
    deps.get_principal_optional: "maybe",
    deps.get_principal: "signed-in",
    deps.require_officer: "officer",
    deps.require_admin: "admin",
}
# Probes and the API documentation carry no data and need no sign-in; /metrics checks its own
# rule (loopback callers or the metrics bearer token, see indusx.ops.metrics).
PUBLIC_PATHS = {"/healthz", "/readyz", "/docs", "/metrics"}


def _calls(dependant: Dependant) -> set[object]:
    found: set[object] = set()
    for sub in dependant.dependencies:
        found.add(sub.call)
        found |= _calls(sub)
    return found


def _access(dependant: Dependant) -> str | None:
    """Return the strongest access rule in a route's dependency tree."""
    calls = _calls(dependant)
    for call, rule in reversed(ACCESS.items()):
        if call in calls:
            return rule
    return None


def _routes(app: FastAPI) -> list[APIRoute]:
    """Return every API route, looking inside included routers."""
    found: list[APIRoute] = []
    pending = list(app.routes)
    while pending:
        route = pending.pop()
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):
            pending += route.original_router.routes
        elif hasattr(route, "routes") and not hasattr(route, "app"):
            pending += route.routes
    return found


def test_the_route_scan_sees_the_routers(app: FastAPI) -> None:
    paths = {r.path for r in _routes(app)}
    assert {"/api/v1/orgs", "/api/v1/audit", "/healthz"} <= paths


def test_every_route_declares_its_access(app: FastAPI) -> None:
    undeclared = [
        f"{sorted(r.methods)} {r.path}"
        for r in _routes(app)
        if r.path not in PUBLIC_PATHS and _access(r.dependant) is None
    ]
    assert undeclared == []


def test_anonymous_callers_get_401_from_every_protected_api_route(
    app: FastAPI, client: TestClient
) -> None:
    checked = 0
    for route in _routes(app):
        if not route.path.startswith("/api/") or _access(route.dependant) == "anyone":
            continue
        path = route.path
        for name in ("org_id", "user_id", "token_id"):
            path = path.replace("{" + name + "}", "1")
        for method in route.methods:
            response = client.request(method, path, json={})
            assert response.status_code == 401, f"{method} {path}: {response.status_code}"
            checked += 1
    assert checked >= 15


@pytest.mark.parametrize("path", ["/docs", "/openapi.json"])
def test_the_api_documentation_is_served(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    if path == "/openapi.json":
        assert "/api/v1/orgs" in response.json()["paths"]


def test_the_openapi_document_declares_bearer_authentication(client: TestClient) -> None:
    schemes = client.get("/openapi.json").json()["components"]["securitySchemes"]
    assert schemes["HTTPBearer"]["scheme"] == "bearer"
