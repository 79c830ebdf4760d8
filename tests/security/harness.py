"""Call any route of the app as any role of the permission matrix's world.

One app and one seeded database per dialect: the world is committed inside an outer
transaction that is rolled back at the end, and every call runs in a savepoint of its own
that is rolled back after it, so a deletion by one role never hides the object from the next.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from indusx.accounts.secrets import csrf_token_for
from indusx.config import Settings
from indusx.deps import CSRF_COOKIE, CSRF_HEADER, SAFE_METHODS, SESSION_COOKIE
from indusx.main import create_app
from tests.conftest import CSRF_COOKIE_VALUE, SECRET, make_settings
from tests.security.matrix import ROLES, Role, World, bodies, build, fill, path_values


def app_routes(app: FastAPI) -> list[APIRoute]:
    """Return every route of the app, API and pages, looking inside included routers."""
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


def endpoints(app: FastAPI) -> set[tuple[str, str]]:
    """Return every (method, path template) the app serves."""
    return {(method, route.path) for route in app_routes(app) for method in route.methods}


@dataclass
class Harness:
    app: FastAPI
    world: World
    settings: Settings
    connection: Connection
    clients: dict[Role, TestClient]
    bodies: dict[tuple[str, str], dict[str, object]]

    def call(self, role: Role, method: str, path: str) -> Response:
        """Call a route as a role, inside a savepoint that is rolled back afterwards."""
        url = fill(path, path_values(self.world, self.settings))
        client = self.clients[role]
        client.cookies.clear()
        client.cookies.set(CSRF_COOKIE, CSRF_COOKIE_VALUE)
        headers: dict[str, str] = {}
        is_api = path.startswith("/api/")
        if role is not Role.ANONYMOUS:
            if is_api:
                headers["Authorization"] = f"Bearer {self.world.tokens[role]}"
            else:
                client.cookies.set(SESSION_COOKIE, self.world.cookies[role])
        csrf = csrf_token_for(SECRET, CSRF_COOKIE_VALUE)
        nested = self.connection.begin_nested()
        try:
            if method in SAFE_METHODS:
                return client.request(method, url, headers=headers)
            if is_api:
                body = self.bodies.get((method, path), {})
                return client.request(method, url, headers=headers, json=body)
            headers[CSRF_HEADER] = csrf
            return client.request(method, url, headers=headers, data={"csrf_token": csrf})
        finally:
            nested.rollback()


@contextmanager
def harness(engine: Engine, database_url: str, tmp: Path) -> Iterator[Harness]:
    """Seed the world once and yield a harness over it; roll everything back at the end."""
    connection = engine.connect()
    outer = connection.begin()
    factory = sessionmaker(bind=connection, expire_on_commit=False,
                           join_transaction_mode="create_savepoint")
    # The world's sessions sign in once for a run that lasts minutes: their password proof
    # must not go stale halfway (step-up has its own tests, tests/accounts/test_step_up.py).
    # A day for step-up and access tokens: a slow run must not outlive the seeded proofs.
    settings = make_settings(database_url, upload_dir=tmp / "uploads", step_up_minutes=24 * 60,
                             access_token_minutes=24 * 60)
    with factory() as session:
        world = build(session, settings, tmp)
        session.commit()
        _detach(session)
    app = create_app(settings, engine=engine, session_factory=factory)
    try:
        with ExitStack() as stack:
            clients = {role: stack.enter_context(TestClient(
                app, follow_redirects=False, raise_server_exceptions=False)) for role in ROLES}
            yield Harness(app=app, world=world, settings=settings, connection=connection,
                          clients=clients, bodies=bodies(world))
    finally:
        outer.rollback()
        connection.close()


def _detach(session: Session) -> None:
    # The world's rows are read after the seeding session closes: keep their loaded values.
    session.expunge_all()


def dump(observed: dict[str, dict[str, str]], path: Path) -> None:
    """Write observed outcomes as JSON (for reviewing the table by hand)."""
    path.write_text(json.dumps(observed, indent=1, sort_keys=True))
