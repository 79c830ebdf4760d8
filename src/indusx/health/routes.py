"""Liveness and readiness probes."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

router = APIRouter(tags=["health"])

# Public routes: probes carry no data and need no sign-in.
PUBLIC = True


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """Return ok while the process is up."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    """Return ok when the database answers, 503 otherwise."""
    try:
        with request.app.state.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # any failure to reach the database means not ready
        return JSONResponse(
            {"type": "about:blank", "title": "Service unavailable", "status": 503,
             "detail": f"database unreachable: {type(exc).__name__}"},
            status_code=503, media_type="application/problem+json",
        )
    return JSONResponse({"status": "ready", "database": "ok"})
