"""Personal API tokens are refused on every route that needs a recent password proof.

The routes are found in the application's route table (every route whose dependencies
include deps.require_step_up, the StepUp alias), so a new step-up route is covered without
anyone adding it here.
"""

import re
from collections.abc import Iterator
from types import SimpleNamespace

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from indusx.accounts import service as account_service
from indusx.accounts.models import ApiToken, PlatformRole
from indusx.deps import require_step_up
from tests.conftest import ACTOR
from tests.security.harness import app_routes

# The step-up routes known when this test was written: the walk must find at least these.
KNOWN = {
    ("POST", "/api/v1/tokens"),
    ("PATCH", "/api/v1/users/{user_id}"),
    ("POST", "/api/v1/users/{user_id}/2fa-reset"),
    ("POST", "/api/v1/screening/lists/import"),
    ("POST", "/account/tokens"),
    ("POST", "/admin/users/{user_id}/2fa-reset"),
}
PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")


def _dependencies(dependant: Dependant) -> Iterator[Dependant]:
    for sub in dependant.dependencies:
        yield sub
        yield from _dependencies(sub)


def step_up_routes(app: FastAPI) -> list[tuple[str, str]]:
    """Return (method, path) of every route that depends on the step-up check."""
    found = set()
    for route in app_routes(app):
        if any(d.call is require_step_up for d in _dependencies(route.dependant)):
            found |= {(m, route.path) for m in route.methods if m != "HEAD"}
    return sorted(found)


def test_the_route_table_has_at_least_the_known_step_up_routes(app: FastAPI) -> None:
    routes = step_up_routes(app)

    assert len(routes) >= len(KNOWN)
    assert set(routes) >= KNOWN


def test_a_personal_token_is_refused_on_every_step_up_route_and_changes_nothing(
    app: FastAPI, client: TestClient, people: SimpleNamespace, session: Session,
) -> None:
    _, raw = account_service.create_api_token(session=session, user=people.admin, actor=ACTOR)
    session.commit()
    headers = {"Authorization": f"Bearer {raw}", "Accept": "application/json"}
    values = {"user_id": str(people.bob.id), "org_id": str(people.org.id),
              "slug": people.org.slug}
    tokens_before = session.scalar(select(func.count()).select_from(ApiToken))

    for method, path in step_up_routes(app):
        address = PARAM.sub(lambda m: values.get(m.group(1), "1"), path)
        refused = client.request(method, address, headers=headers)

        assert refused.status_code == 403, (method, path, refused.text)
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["code"] == "personal_token_not_allowed", (method, path)
        assert "/api/v1/auth/login" in refused.json()["detail"]
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(ApiToken)) == tokens_before
    assert account_service.get_user(session=session, user_id=people.bob.id).platform_role is (
        PlatformRole.MEMBER)
