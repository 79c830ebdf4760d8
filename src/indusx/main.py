"""The application factory: create_app(settings) -> FastAPI. Nothing connects at import."""

import logging
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from indusx import __version__, errors, malware
from indusx.accounts import pages as account_pages
from indusx.accounts import routes as account_routes
from indusx.accounts import security_pages as account_security_pages
from indusx.accounts import service as account_service
from indusx.accounts import step_up as account_step_up
from indusx.accounts import throttle as account_throttle
from indusx.accounts import totp as account_totp
from indusx.audit import pages as audit_pages
from indusx.audit import routes as audit_routes
from indusx.challenges import (
    discovery_pages,
    discovery_routes,
    proposal_pages,
    review_pages,
    review_routes,
)
from indusx.challenges import pages as challenge_pages
from indusx.challenges import reminders as challenge_reminders
from indusx.challenges import routes as challenge_routes
from indusx.config import Background, Settings, get_settings
from indusx.dashboards import pages as dashboard_pages
from indusx.dashboards import routes as dashboard_routes
from indusx.db import make_engine, make_sessionmaker, session_scope
from indusx.deps import CSRF_COOKIE
from indusx.errors import install_error_handlers
from indusx.health import routes as health_routes
from indusx.matching import intro_pages as introduction_pages
from indusx.matching import pages as matching_pages
from indusx.matching import routes as matching_routes
from indusx.matching import vectors as match_vectors
from indusx.notifications import pages as notification_pages
from indusx.notifications import routes as notification_routes
from indusx.notifications import service as outbox
from indusx.ops import caching as ops_caching
from indusx.ops import limits as ops_limits
from indusx.ops import logging as ops_logging
from indusx.ops import metrics as ops_metrics
from indusx.ops import ratelimit as ops_ratelimit
from indusx.orgs import pages as org_pages
from indusx.orgs import routes as org_routes
from indusx.partnerships import dataroom_pages, dataroom_routes
from indusx.partnerships import pages as partnership_pages
from indusx.partnerships import routes as partnership_routes
from indusx.partnerships import service as partnership_service
from indusx.pathway import hurdle_pages as pathway_hurdle_pages
from indusx.pathway import pages as pathway_pages
from indusx.pathway import routes as pathway_routes
from indusx.pathway import service as pathway_service
from indusx.privacy import pages as privacy_pages
from indusx.privacy import retention as privacy_retention
from indusx.privacy import routes as privacy_routes
from indusx.roadmap import milestone_pages as roadmap_milestone_pages
from indusx.roadmap import pages as roadmap_pages
from indusx.roadmap import reminders as roadmap_reminders
from indusx.roadmap import routes as roadmap_routes
from indusx.screening import index as name_index
from indusx.screening import list_pages as screening_list_pages
from indusx.screening import pages as screening_pages
from indusx.screening import routes as screening_routes
from indusx.supply import edit_pages as supply_edit_pages
from indusx.supply import pages as supply_pages
from indusx.supply import routes as supply_routes
from indusx.supply import scenario_pages as supply_scenario_pages
from indusx.supply import simulation as supply_simulation
from indusx.supply.sos import pages as sos_pages
from indusx.supply.sos import reminders as sos_reminders
from indusx.supply.sos import routes as sos_routes

log = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).parent / "static"

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    # Nothing inline: no scripts, no <style> elements, no style attributes (bars are sized by
    # classes, charts by data- attributes that static scripts read; docs/security.md).
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; "
        "script-src 'self'; font-src 'self'; "
        "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
    ),
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def _outbox_worker(app: FastAPI, stop: threading.Event) -> None:
    settings: Settings = app.state.settings
    next_purge = 0.0
    while not stop.wait(settings.outbox_interval_seconds):
        if time.monotonic() >= next_purge:
            try:
                with session_scope(app.state.sessionmaker) as session:
                    privacy_retention.purge(session=session, settings=settings)
                next_purge = time.monotonic() + privacy_retention.PURGE_EVERY.total_seconds()
            except Exception:
                log.exception("retention purge failed")
        try:
            with session_scope(app.state.sessionmaker) as session:
                outbox.deliver_due(session=session, settings=settings)
                account_service.purge_expired(session=session,
                                              idle_minutes=settings.session_idle_minutes)
        except Exception:  # the worker must survive a database hiccup and try again
            log.exception("outbox delivery round failed")
        try:
            # Its own transaction: a failure here must not hold up delivery. What it queues
            # goes out on the next round.
            with session_scope(app.state.sessionmaker) as session:
                challenge_reminders.send_reminders(session=session)
        except Exception:
            log.exception("challenge reminder round failed")
        try:
            with session_scope(app.state.sessionmaker) as session:
                roadmap_reminders.send_reminders(session=session)
        except Exception:
            log.exception("roadmap reminder round failed")
        try:
            with session_scope(app.state.sessionmaker) as session:
                sos_reminders.send_reminders(session=session,
                                             response_days=settings.supply_response_days)
        except Exception:
            log.exception("Security of Supply reminder round failed")


def _match_indexer(app: FastAPI, stop: threading.Event) -> None:
    """Embed new and edited profiles a batch at a time, committing each batch."""
    settings: Settings = app.state.settings
    while not stop.wait(settings.match_indexer_interval_seconds):
        try:
            synced = False
            while not stop.is_set():
                with session_scope(app.state.sessionmaker) as session:
                    stale = match_vectors.stale_org_ids(session, limit=64)
                    if not stale:
                        if synced:  # caught up: scenarios saved meanwhile get their alternates
                            supply_simulation.refresh_pending_alternates(session=session)
                        break
                    match_vectors.sync(session, stale)
                    synced = True
        except OperationalError as exc:  # SQLite: another writer committed while we embedded
            log.warning("matchmaking index round deferred (%s); retrying", exc.orig)
        except Exception:  # e.g. another worker process wrote the same rows first
            log.exception("matchmaking index round failed")


def _screening_warmer(app: FastAPI, stop: threading.Event) -> None:
    """Build the name index at start and rebuild it soon after a list import."""
    settings: Settings = app.state.settings
    interval = settings.match_indexer_interval_seconds
    while True:
        try:
            with session_scope(app.state.sessionmaker) as session:
                if name_index.has_lists(session):
                    name_index.current(session)
        except Exception:  # a database hiccup: try again on the next round
            log.exception("screening index round failed")
        if stop.wait(interval):
            return


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    stop = threading.Event()
    workers = []
    settings: Settings = app.state.settings
    # With a worker process (`indusx worker`) the outbox and the matching index are its jobs;
    # the screening index is this process's own cache, so it is kept warm here either way.
    inline = settings.background is Background.INLINE
    for enabled, target, name in ((settings.outbox_worker and inline, _outbox_worker,
                                   "indusx-outbox"),
                                  (settings.match_indexer and inline, _match_indexer,
                                   "indusx-indexer"),
                                  (settings.screening_warmer, _screening_warmer,
                                   "indusx-screening")):
        if enabled:
            worker = threading.Thread(target=target, args=(app, stop), daemon=True, name=name)
            worker.start()
            workers.append(worker)
    yield
    stop.set()
    for worker in workers:
        worker.join(timeout=5)


def create_app(
    settings: Settings | None = None,
    *,
    engine: Engine | None = None,
    session_factory: sessionmaker[Session] | None = None,
) -> FastAPI:
    """Build the web UI and REST API over the configured database."""
    settings = settings or get_settings()
    malware.refuse_unscanned_production(settings)
    engine = engine or make_engine(settings)
    app = FastAPI(
        title="INDUS-X platform API",
        version=__version__,
        description=(
            "The India-US defence innovation ecosystem: directory, matchmaking, accounts and "
            "audit. "
            "Authenticate with `Authorization: Bearer <token>`: a personal token, or an "
            "access token from `POST /api/v1/auth/login`. Errors are RFC 9457 problem+json."
        ),
        lifespan=_lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = session_factory or make_sessionmaker(engine)
    install_error_handlers(app)

    # Innermost: a body over the limit is refused before a route reads it, and the refusal
    # still gets the headers, request id and metrics of the middlewares around it.
    app.add_middleware(ops_limits.BodyLimit, settings=settings)
    # Inside the headers, metrics and logging: a 429 carries the security headers and is
    # counted and logged like any answer.
    app.middleware("http")(ops_ratelimit.rate_limit)

    @app.middleware("http")
    async def _headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        try:
            response = await call_next(request)
        except Exception as exc:  # answered here, inside the logging middleware, with its id
            response = await errors.unexpected(request, exc)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if ops_caching.must_not_store(request, response):
            response.headers["Cache-Control"] = "no-store"
        if settings.cookie_secure and settings.hsts_max_age_seconds:
            # Secure cookies mean the app is served over TLS: browsers should insist on it.
            response.headers.setdefault(
                "Strict-Transport-Security",
                f"max-age={settings.hsts_max_age_seconds}; includeSubDomains",
            )
        if request.url.path == "/docs":
            # The interactive API docs page loads its own scripts inline.
            del response.headers["Content-Security-Policy"]
        new_cookie = getattr(request.state, "new_csrf_cookie", None)
        if new_cookie:
            response.set_cookie(CSRF_COOKIE, new_cookie, httponly=True, samesite="lax",
                                secure=settings.cookie_secure, max_age=60 * 60 * 24 * 30)
        return response

    # Added last, so outermost: every response carries its request id and is counted.
    app.middleware("http")(ops_metrics.request_metrics)
    app.middleware("http")(ops_logging.request_logging)
    ops_metrics.instrument_services()

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/docs", include_in_schema=False)
    def api_docs() -> HTMLResponse:
        """Serve the interactive API documentation from local assets (works offline)."""
        return get_swagger_ui_html(
            openapi_url="/openapi.json", title="INDUS-X API",
            swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/logo.svg",
        )

    app.include_router(ops_metrics.router)
    for module in (health_routes, account_routes, org_routes, matching_routes, audit_routes,
                   notification_routes, screening_routes, account_pages, org_pages,
                   matching_pages, introduction_pages, audit_pages, notification_pages,
                   screening_pages, screening_list_pages, pathway_routes, pathway_pages,
                   pathway_hurdle_pages, challenge_routes, challenge_pages, proposal_pages,
                   discovery_routes, discovery_pages, review_routes, review_pages,
                   roadmap_routes, roadmap_pages, roadmap_milestone_pages):
        app.include_router(module.router)
    app.include_router(partnership_routes.router)
    app.include_router(partnership_pages.router)
    app.add_exception_handler(partnership_service.GateRefused, partnership_routes.gate_refused)
    app.include_router(account_security_pages.router)
    app.add_exception_handler(account_throttle.TooManyAttempts,
                              account_security_pages.too_many_attempts)
    app.add_exception_handler(account_totp.SecondFactorRequired,
                              account_security_pages.second_factor_required)
    app.add_exception_handler(account_step_up.StepUpRequired,
                              account_security_pages.step_up_required)
    app.add_exception_handler(account_step_up.PersonalTokenRefused,
                              account_security_pages.step_up_required)
    app.include_router(dataroom_routes.router)
    app.include_router(dataroom_pages.router)
    app.include_router(dashboard_routes.router)
    app.include_router(dashboard_pages.router)
    # Before the supply pages: /supply/requests is not one of their /supply/... addresses.
    app.include_router(sos_routes.router)
    app.include_router(sos_pages.router)
    app.include_router(supply_pages.router)
    app.include_router(supply_scenario_pages.router)
    app.include_router(supply_edit_pages.router)
    app.include_router(supply_routes.router)
    app.include_router(privacy_routes.router)
    app.include_router(privacy_pages.router)
    # A bad rule file stops the app here, naming its file and line.
    pathway_service.ruleset()
    return app


def app_factory() -> FastAPI:
    """Return the app for `uvicorn --factory indusx.main:app_factory`."""
    settings = get_settings()
    ops_logging.configure(settings)
    return create_app(settings)
