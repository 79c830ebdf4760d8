"""Liveness and readiness probes."""

from functools import lru_cache

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from indusx.migrate import alembic_config

router = APIRouter(tags=["health"])

# Public routes: probes carry no data and need no sign-in.
PUBLIC = True


@lru_cache
def head_revisions() -> frozenset[str]:
    """Return the newest migration revision(s) this code expects."""
    return frozenset(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


def _unavailable(detail: str) -> JSONResponse:
    return JSONResponse(
        {"type": "about:blank", "title": "Service unavailable", "status": 503, "detail": detail},
        status_code=503, media_type="application/problem+json",
    )


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """Return ok while the process is up."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    """Return ok when the database answers and its schema is at the newest migration."""
    try:
        with request.app.state.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            current = set(MigrationContext.configure(connection).get_current_heads())
    except Exception as exc:  # any failure to reach the database means not ready
        return _unavailable(f"database unreachable: {type(exc).__name__}")
    expected = head_revisions()
    if current != expected:
        # A new release before `indusx db upgrade`: serving would fail on missing columns.
        return _unavailable(
            f"database schema at {', '.join(sorted(current)) or 'no revision'}; this release "
            f"needs {', '.join(sorted(expected))} (run `indusx db upgrade`)"
        )
    return JSONResponse({"status": "ready", "database": "ok", "migration": ",".join(expected)})
