"""Every state-changing route refuses a cookie-borne call without the CSRF token (ASVS 4.2.2).

Generated from the app's route table through the permission matrix's RULES (which
test_every_route_has_a_rule keeps equal to it), and run on the matrix's seeded world
(tests/security/matrix.py, tests/security/harness.py) on SQLite and PostgreSQL.

For every POST, PUT, PATCH and DELETE route, a user signed in by the session cookie (the
admin, who may do everything; the start-up's owner; and, where neither is let in, a role that
is) calls it the way a cross-site page could: without the token (CSRF cookie kept), without
the token or the cookie, and with a token minted for another cookie. Each call must answer
403 with the CSRF message and write nothing: every table's row count is unchanged inside the
call's savepoint, audit_event apart from the `access.denied` record of the refusal itself.
The forms anyone may post (sign in, sign up, password reset, invitation, second factor) are
also posted by an anonymous caller; the JSON ones as a form (and as text/plain).

So that nothing passes by refusing everything, the same call with a valid token, as the admin
(or a role the route lets in where the admin is kept out), is not refused for CSRF, and gets
through when the route lets the caller in. Bearer-token calls carry no cookie and need no
token (one write shows it); the JSON routes anyone may call need none either: a browser sends
cross-site JSON only after a CORS preflight, which the app never answers, and a text/plain
body is not read as JSON. As a form they check the token like the pages.
"""

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Protocol

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, column, func, inspect, select, table

from indusx.accounts.secrets import csrf_token_for
from indusx.deps import CSRF_COOKIE, CSRF_HEADER, SAFE_METHODS, SESSION_COOKIE
from indusx.main import create_app
from indusx.ops.security_events import ACTION as REFUSAL_ACTION
from tests.conftest import CSRF_COOKIE_VALUE, SECRET, make_settings
from tests.security.harness import Harness, app_routes, endpoints, harness
from tests.security.matrix import Outcome, Role, fill, outcome_of, path_values
from tests.security.test_permission_matrix import RULES, _expected
from tests.test_access_declarations import _access

CSRF_MESSAGE = "did not come from this site"
UNSAFE = sorted(key for key in RULES if key[0] not in SAFE_METHODS)
VALID = csrf_token_for(SECRET, CSRF_COOKIE_VALUE)
FORGED = csrf_token_for(SECRET, "the-attackers-own-csrf-cookie")
# (name, CSRF cookie sent, token sent): the ways a cross-site page can call without the token.
VARIANTS = (
    ("no token", True, None),
    ("no token, no CSRF cookie", False, None),
    ("token of another cookie", True, FORGED),
)


class Response(Protocol):
    """What the tests read of a test client's response (httpx's or httpx2's)."""

    status_code: int

    @property
    def text(self) -> str: ...

    @property
    def headers(self) -> Mapping[str, str]: ...


class CsrfHarness:
    """The permission matrix's harness, calling with a chosen CSRF cookie, token and body."""

    def __init__(self, h: Harness) -> None:
        self.h = h
        self.values = path_values(h.world, h.settings)
        self.anyone = {
            (m, r.path)
            for r in app_routes(h.app)
            for m in r.methods or ()
            if _access(r.dependant) == "anyone"
        }
        self.rules = _expected(h.app)
        names = sorted(n for n in inspect(h.connection).get_table_names() if n != "alembic_version")
        audit = table("audit_event", column("action"))
        counts = [
            select(func.count())
            .select_from(audit)
            .where(audit.c.action != REFUSAL_ACTION)
            .scalar_subquery()
            .label(name)
            if name == "audit_event"
            else select(func.count()).select_from(table(name)).scalar_subquery().label(name)
            for name in names
        ]
        self.names = names
        self.count_rows = select(*counts)

    def counts(self) -> dict[str, int]:
        """Return every table's row count (audit_event without access refusals)."""
        row = self.h.connection.execute(self.count_rows).one()
        return dict(zip(self.names, row, strict=True))

    def call(
        self,
        role: Role,
        method: str,
        path: str,
        *,
        csrf_cookie: bool,
        token: str | None,
        encoding: str,
    ) -> tuple[Response, dict[str, int]]:
        """Call as a role signed in by cookie (or anonymous), in a savepoint rolled back after;
        return the response and the row counts seen before the rollback."""
        h = self.h
        client = h.clients[role]
        client.cookies.clear()
        if csrf_cookie:
            client.cookies.set(CSRF_COOKIE, CSRF_COOKIE_VALUE)
        if role is not Role.ANONYMOUS:
            client.cookies.set(SESSION_COOKIE, h.world.cookies[role])
        headers = {CSRF_HEADER: token} if token else {}
        url = fill(path, self.values)
        nested = h.connection.begin_nested()
        try:
            if encoding == "json":
                response = client.request(
                    method, url, headers=headers, json=h.bodies.get((method, path), {})
                )
            elif encoding == "form":
                data = {"csrf_token": token} if token else {"note": "from another site"}
                response = client.request(method, url, headers=headers, data=data)
            else:  # text/plain: what a cross-site fetch may send without a preflight
                response = client.request(
                    method,
                    url,
                    content=b'{"note": "x"}',
                    headers={**headers, "Content-Type": "text/plain"},
                )
            return response, self.counts()
        finally:
            nested.rollback()

    def roles(self, method: str, path: str) -> list[Role]:
        """Who calls a route: the admin and the owner, and one role its rule lets in if
        neither is; anonymous callers too on the forms anyone may post."""
        roles = [Role.ADMIN, Role.OWNER]
        rule: frozenset[Role] = self.rules.get((method, path), frozenset())
        if rule and not rule & set(roles):
            roles.append(min(rule))
        if (method, path) in self.anyone:
            roles.insert(0, Role.ANONYMOUS)
        return roles

    def encoding(self, method: str, path: str) -> str:
        """How a route is called: pages by form, the API by JSON, except the API routes
        anyone may call, which check the token on forms only (JSON needs a preflight)."""
        if path.startswith("/api/") and (method, path) not in self.anyone:
            return "json"
        return "form"


def _changed(before: dict[str, int], after: dict[str, int]) -> dict[str, str]:
    return {
        name: f"{before[name]}->{after[name]}" for name in before if before[name] != after[name]
    }


def _csrf_refused(response: Response) -> bool:
    return response.status_code == 403 and CSRF_MESSAGE in response.text


@pytest.fixture(scope="module")
def route_app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    """Return an app to read the route table from (it never connects)."""
    path = tmp_path_factory.mktemp("csrf-routes") / "unused.db"
    return create_app(make_settings(f"sqlite:///{path}"))


@pytest.fixture(scope="module")
def csrf(
    engine: Engine, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[CsrfHarness]:
    """Seed the matrix's world once per dialect and serve it from one app."""
    tmp: Path = tmp_path_factory.mktemp("csrf")
    with harness(engine, database_url, tmp) as h:
        yield CsrfHarness(h)


def test_every_unsafe_route_is_in_the_csrf_matrix(route_app: FastAPI) -> None:
    served = {key for key in endpoints(route_app) if key[0] not in SAFE_METHODS}
    assert len(served) > 150  # the route scan sees the routers
    assert sorted(served - set(UNSAFE)) == []


@pytest.mark.parametrize(("method", "path"), UNSAFE, ids=lambda v: str(v))
def test_a_cookie_call_without_the_csrf_token_is_refused_and_writes_nothing(
    csrf: CsrfHarness, method: str, path: str
) -> None:
    if (method, path) not in csrf.rules:
        pytest.fail("a rule names a route the app does not serve: remove the rule")
    before = csrf.counts()
    wrong = []
    for role in csrf.roles(method, path):
        for name, csrf_cookie, token in VARIANTS:
            response, after = csrf.call(
                role,
                method,
                path,
                csrf_cookie=csrf_cookie,
                token=token,
                encoding=csrf.encoding(method, path),
            )
            changed = _changed(before, after)
            if not _csrf_refused(response) or changed:
                wrong.append(
                    f"{role.value}, {name}: {response.status_code} "
                    f"{response.text[:100]!r} wrote {changed}"
                )
    assert wrong == [], f"{method} {path}: " + "; ".join(wrong)


@pytest.mark.parametrize(("method", "path"), UNSAFE, ids=lambda v: str(v))
def test_with_the_token_the_same_call_gets_past_the_csrf_check(
    csrf: CsrfHarness, method: str, path: str
) -> None:
    """The admin (or, where the rule keeps the admin out, a role it lets in) calls with a valid
    token: never the CSRF refusal, and a role the route lets in gets through."""
    if (method, path) not in csrf.rules:
        pytest.fail("a rule names a route the app does not serve: remove the rule")
    rule = csrf.rules[(method, path)]
    role = Role.ADMIN if Role.ADMIN in rule or not rule else min(rule)
    encoding = "json" if path.startswith("/api/") else "form"
    response, _ = csrf.call(role, method, path, csrf_cookie=True, token=VALID, encoding=encoding)
    said = f"{method} {path} as {role.value}: {response.status_code} {response.text[:200]!r}"
    assert not _csrf_refused(response), said
    seen = outcome_of(response.status_code, response.headers.get("location", ""))
    if role in rule:
        assert seen in (Outcome.ALLOWED, Outcome.INVALID), said
    else:
        assert seen is not Outcome.ERROR, said


def test_the_json_routes_anyone_may_call_do_not_read_a_text_plain_body(
    csrf: CsrfHarness,
) -> None:
    api = sorted(
        key for key in csrf.anyone if key[1].startswith("/api/") and key[0] not in SAFE_METHODS
    )
    assert api, "the sign-in, sign-up and password-reset API routes are served"
    before = csrf.counts()
    wrong = []
    for method, path in api:
        for role in (Role.ANONYMOUS, Role.ADMIN):
            response, after = csrf.call(
                role, method, path, csrf_cookie=True, token=None, encoding="text"
            )
            if response.status_code < 400 or _changed(before, after):
                wrong.append(
                    f"{method} {path} as {role.value}: {response.status_code} "
                    f"wrote {_changed(before, after)}"
                )
    assert wrong == []


def test_a_bearer_write_needs_no_csrf_token(csrf: CsrfHarness) -> None:
    """A script's bearer token rides on no cookie, so no cross-site page can send it."""
    h = csrf.h
    client = h.clients[Role.OWNER]
    client.cookies.clear()  # neither the session nor the CSRF cookie
    url = fill("/api/v1/partnerships/{partnership_id}/comments", csrf.values)
    before = csrf.counts()
    nested = h.connection.begin_nested()
    try:
        response = client.post(
            url,
            json={"body": "Sent by a script."},
            headers={"Authorization": f"Bearer {h.world.tokens[Role.OWNER]}"},
        )
        after = csrf.counts()
    finally:
        nested.rollback()
    assert response.status_code == 201, response.text
    assert after["partnership_comment"] == before["partnership_comment"] + 1
