"""Schemathesis against the OpenAPI document: every operation, called as a signed-in member.

Requests are generated from each operation's schema (8 per operation, derandomized, so a
run repeats itself); every call runs in a savepoint that is rolled back, over the permission
matrix's seeded world on SQLite. The checks: no 5xx, and every response matches the schema
the operation declares for its status.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance
from sqlalchemy.orm import sessionmaker

from indusx import migrate
from indusx.db import make_engine, session_scope
from indusx.orgs import service as org_service
from tests.conftest import make_settings
from tests.security.harness import Harness, harness
from tests.security.matrix import Role

MAX_EXAMPLES = 8


@pytest.fixture(scope="module")
def fuzz_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    """Seed the matrix's world in a SQLite database of its own."""
    tmp: Path = tmp_path_factory.mktemp("fuzz")
    url = f"sqlite:///{tmp / 'fuzz.db'}"
    engine = make_engine(make_settings(url))
    migrate.upgrade(engine)
    with session_scope(sessionmaker(bind=engine)) as session:
        org_service.seed_focus_areas(session=session)
    with harness(engine, url, tmp) as h:
        yield h
    engine.dispose()


def test_the_api_answers_generated_requests_without_errors_and_as_documented(
    fuzz_world: Harness,
) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzz_world.app)
    headers = {"Authorization": f"Bearer {fuzz_world.world.tokens[Role.VIEWER]}"}
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def fuzz(case: schemathesis.Case) -> None:
            nested = fuzz_world.connection.begin_nested()
            try:
                case.call_and_validate(headers=headers,
                                       checks=[not_a_server_error, response_schema_conformance])
            finally:
                nested.rollback()

        try:
            fuzz()
        except Exception as exc:  # collect every operation's failure, not just the first
            failures.append(f"{operation.label}: {str(exc)[:600]}")
    assert operations > 150
    assert failures == [], "\n\n".join(failures)
