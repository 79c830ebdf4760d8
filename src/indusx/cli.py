"""The `indusx` command line: thin commands over the same services as the web and API."""

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from sqlalchemy.orm import Session

from indusx.audit.service import Actor
from indusx.config import Settings, get_settings

app = typer.Typer(help="INDUS-X platform command line.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
demo_app = typer.Typer(help="The fictional demo ecosystem.", no_args_is_help=True)
users_app = typer.Typer(help="User accounts.", no_args_is_help=True)
tokens_app = typer.Typer(help="Personal API tokens.", no_args_is_help=True)
orgs_app = typer.Typer(help="Organisations: import and export.", no_args_is_help=True)
outbox_app = typer.Typer(help="The notification outbox.", no_args_is_help=True)
import_app = typer.Typer(help="Import public data sets.", no_args_is_help=True)
for sub, name in ((db_app, "db"), (demo_app, "demo"), (users_app, "users"),
                  (tokens_app, "tokens"), (orgs_app, "orgs"), (outbox_app, "outbox"),
                  (import_app, "import")):
    app.add_typer(sub, name=name)


def _settings() -> Settings:
    try:
        return get_settings()
    except ValidationError as exc:
        for err in exc.errors():
            typer.echo(f"configuration error: {err['msg'].removeprefix('Value error, ')}",
                       err=True)
        raise typer.Exit(2) from exc


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print an error to stderr and return the exit to raise."""
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    return typer.Exit(code)


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """Yield a session that commits when the command succeeds; domain errors exit non-zero."""
    from indusx.db import make_engine, make_sessionmaker, session_scope
    from indusx.errors import DomainError

    settings = _settings()
    engine = make_engine(settings)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            yield session
    except DomainError as exc:
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in exc.errors) or exc.message
        raise fail(detail) from exc
    finally:
        engine.dispose()


def _cli_actor() -> Actor:

    return Actor.system("cli")


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply database migrations and seed the focus-area taxonomy."""
    from indusx import migrate
    from indusx.db import make_engine
    from indusx.orgs import service as org_service

    settings = _settings()
    engine = make_engine(settings)
    migrate.upgrade(engine, revision)
    engine.dispose()
    with unit_of_work() as session:
        added = org_service.seed_focus_areas(session=session)
    typer.echo(f"database at {revision} ({settings.database_url.split('@')[-1]}); "
               f"{added} focus areas added")


WORKER_HEALTHCHECK_SECONDS = 20


def _check_socket_folder(uds: Path) -> None:
    """Refuse a socket folder that is missing or that other users may enter."""
    import stat

    # uvicorn makes the socket itself writable by everyone (0666): the folder is what keeps
    # every local user but the service's own and nginx's group from talking to the app.

    folder = uds.parent
    try:
        mode = folder.stat().st_mode
    except FileNotFoundError as exc:
        raise fail(f"--uds: the socket's folder {folder} does not exist; create it "
                   f"(systemd: RuntimeDirectory=) owned by this user, group nginx's, "
                   f"mode 0750") from exc
    if not stat.S_ISDIR(mode):
        raise fail(f"--uds: {folder} is not a folder")
    if mode & 0o007:
        raise fail(f"--uds: the socket's folder {folder} is open to other users (mode "
                   f"{stat.S_IMODE(mode):04o}); allow only its owner and nginx's group "
                   f"(chmod 0750), or any local user could talk to the app and forge "
                   f"X-Forwarded-For")


@app.command()
def serve(
    host: str = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64)] = 1,
    reload: bool = False,
    uds: Annotated[Path | None, typer.Option(
        help="Listen on this Unix socket instead of HOST:PORT (its folder: 0750, nginx's group).",
    )] = None,
) -> None:
    """Serve the web UI and REST API."""
    import os
    from typing import Any

    import uvicorn

    listen: dict[str, Any] = {"host": host, "port": port}
    if uds is not None:
        _check_socket_folder(uds)
        # Only nginx can reach the socket (the folder's permissions authenticate it), and a
        # Unix-socket peer has no address for uvicorn to match against FORWARDED_ALLOW_IPS:
        # trust every peer's X-Forwarded-For, which nginx sets to the client's address, so
        # the rate limit, sign-in throttles and audit see the client, not "".
        listen = {"uds": str(uds), "forwarded_allow_ips": "*"}
    elif "INDUSX_BASE_URL" not in os.environ:
        # Links in e-mails (password resets, invitations) must point where we listen.
        os.environ["INDUSX_BASE_URL"] = f"http://{host}:{port}"
        get_settings.cache_clear()
    settings = _settings()
    from indusx import malware

    try:  # create_app refuses too, but in each worker: the supervisor would stay up idle
        malware.refuse_unscanned_production(settings)
    except RuntimeError as exc:
        raise fail(str(exc), 2) from exc
    if uds is not None:
        typer.echo(f"INDUS-X serving on unix socket {uds}  (API docs: /docs)")
    else:
        typer.echo(f"INDUS-X serving on http://{host}:{port}  "
                   f"(API docs: http://{host}:{port}/docs)")
    if settings.is_dev:
        typer.echo("dev mode: insecure defaults allowed; set INDUSX_ENV=production to refuse them")
    # log_config=None: the app configures logging (JSON or text) in each worker process.
    # A replacement for a dead worker must answer the supervisor's ping within the health-check
    # timeout; uvicorn's 5 s is less than a busy machine needs to start one, and a worker
    # killed for being slow to start is replaced by another that is killed the same way. The
    # cost: a worker that dies while being pinged is noticed only when the ping times out.
    uvicorn.run("indusx.main:app_factory", factory=True, **listen,
                workers=workers, reload=reload, proxy_headers=True, log_level="info",
                log_config=None, timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
                timeout_keep_alive=settings.keep_alive_seconds)


@demo_app.command("load")
def demo_load(
    orgs: Annotated[int, typer.Option(min=1, max=1_000_000)] = 2000,
    seed: int = 7,
    if_empty: Annotated[bool, typer.Option(help="Do nothing if organisations exist.")] = False,
) -> None:
    """Load the clearly labelled, fictional demo ecosystem and demo users."""
    from indusx.demo import loader

    with unit_of_work() as session:
        if if_empty and not loader.is_empty(session=session):
            typer.echo("directory already has organisations; demo not loaded")
            _print_sign_in()
            return
        with typer.progressbar(length=orgs, label="demo organisations", file=sys.stderr) as bar:
            created = loader.load_demo(session=session, orgs=orgs, seed=seed,
                                       actor=_cli_actor(), progress=bar.update)
    typer.echo(f"loaded {orgs} fictional demo organisations (seed {seed}); "
               f"{len(created)} demo users created")
    _print_sign_in()


def _print_sign_in() -> None:
    from indusx.demo.loader import DEMO_PASSWORD, DEMO_USERS

    typer.echo("\nSign in at http://127.0.0.1:8000/login with one of the demo accounts")
    typer.echo(f"(password for all: {DEMO_PASSWORD}):")
    for user in DEMO_USERS:
        typer.echo(f"  {user.email:<28} {user.description}")


class RoleChoice(StrEnum):
    ADMIN = "admin"
    OFFICER = "officer"
    MEMBER = "member"


@users_app.command("create")
def users_create(
    email: Annotated[str, typer.Option(help="E-mail address (the sign-in name).")],
    role: Annotated[RoleChoice, typer.Option(help="Platform role.")] = RoleChoice.MEMBER,
    name: Annotated[str, typer.Option(help="Full name.")] = "",
    password_stdin: Annotated[
        bool, typer.Option(help="Read the password from standard input.")
    ] = False,
) -> None:
    """Create a user; without --password-stdin an invitation is sent through the outbox."""
    from pydantic import TypeAdapter
    from pydantic import ValidationError as PydanticError
    from pydantic.networks import EmailStr

    from indusx.accounts import service as account_service
    from indusx.accounts.models import PlatformRole

    try:
        TypeAdapter(EmailStr).validate_python(email)
    except PydanticError as exc:
        raise fail(f"--email: '{email}' is not a valid e-mail address", 2) from exc
    full_name = name or email.split("@")[0]
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    with unit_of_work() as session:
        if password is None:
            user = account_service.invite_user(
                session=session, email=email, settings=_settings(), actor=_cli_actor(),
                full_name=full_name, platform_role=PlatformRole(role.value),
            )
            typer.echo(f"invited {user.email} as {role.value}; the invitation is in the outbox")
        else:
            user = account_service.create_user(
                session=session, email=email, full_name=full_name,
                platform_role=PlatformRole(role.value), password=password, actor=_cli_actor(),
                min_length=_settings().password_min_length,
            )
            typer.echo(f"created {user.email} as {role.value} (id {user.id})")


@tokens_app.command("create")
def tokens_create(
    email: Annotated[str, typer.Option(help="Owner's e-mail address.")],
    expires_days: Annotated[int, typer.Option(min=1, max=365)] = 90,
    name: str = "CLI token",
) -> None:
    """Create a personal API token and print it (shown only once)."""
    from indusx.accounts import service as account_service

    with unit_of_work() as session:
        user = account_service.find_user_by_email(session=session, email=email)
        if user is None or not user.is_active:
            raise fail(f"--email: no active user {email}")
        _, raw = account_service.create_api_token(
            session=session, user=user, actor=_cli_actor(), name=name, expires_days=expires_days
        )
    typer.echo(raw)


class ExportFormat(StrEnum):
    CSV = "csv"
    JSON = "json"


@orgs_app.command("import")
def orgs_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    partial: Annotated[
        bool, typer.Option(help="Write the valid rows even if some rows fail.")
    ] = False,
) -> None:
    """Import organisations from CSV or JSON; by default nothing is written if any row fails."""
    from indusx.orgs import transfer

    with unit_of_work() as session:
        rows = len(transfer.read_rows(file))
        with typer.progressbar(length=rows, label="importing", file=sys.stderr) as bar:
            report = transfer.import_orgs(session=session, path=file, actor=_cli_actor(),
                                          partial=partial, progress=bar.update)
        for number, reason in report.errors:
            typer.secho(f"row {number}: {reason}", fg=typer.colors.RED, err=True)
        if report.errors and not partial:
            raise fail(f"{len(report.errors)} of {report.rows} rows failed; nothing was "
                       "imported (fix them, or use --partial to import the valid rows)")
    typer.echo(f"imported {report.created} of {report.rows} organisations"
               + (f"; {len(report.errors)} rows skipped" if report.errors else ""))
    if report.errors:
        raise typer.Exit(1)


@orgs_app.command("export")
def orgs_export(
    format: Annotated[ExportFormat, typer.Option("--format")] = ExportFormat.CSV,
    output: Annotated[Path | None, typer.Option(help="File to write (default stdout).")] = None,
) -> None:
    """Export every organisation, private fields included, in the import format."""
    from indusx.orgs import transfer

    writer = transfer.write_csv if format is ExportFormat.CSV else transfer.write_json
    with unit_of_work() as session:
        if output is None:
            count = writer(transfer.export_rows(session=session), sys.stdout)
        else:
            with output.open("w", encoding="utf-8", newline="") as handle:
                count = writer(transfer.export_rows(session=session), handle)
    typer.echo(f"exported {count} organisations", err=True)


MAX_REPORTED_LINES = 50


@import_app.command("sbir")
def import_sbir(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True,
                                         help="SBIR awards, .jsonl or .jsonl.gz")],
    until_year: Annotated[int | None, typer.Option(
        min=1982, max=2100, help="Import only the awards of this year and earlier.")] = None,
    partial: Annotated[
        bool, typer.Option(help="Write the valid lines even if some lines fail.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Import US firms and their awards from SBIR data; importing again updates, never doubles."""
    import json

    from indusx.awards import sbir
    from indusx.awards import service as award_service

    try:
        data = sbir.read_sbir(file)
    except sbir.SbirFileError as exc:
        raise fail(exc.message) from exc
    typer.echo(f"read {data.lines} lines of {file.name}", err=True)
    for number, reason in data.errors[:MAX_REPORTED_LINES]:
        typer.secho(f"line {number}: {reason}", fg=typer.colors.RED, err=True)
    if len(data.errors) > MAX_REPORTED_LINES:
        typer.secho(f"... and {len(data.errors) - MAX_REPORTED_LINES} more bad lines",
                    fg=typer.colors.RED, err=True)
    firms = award_service.count_firms(data, until_year=until_year)
    with (unit_of_work() as session,
          typer.progressbar(length=firms, label="importing firms", file=sys.stderr) as bar):
        report = award_service.import_sbir(
            session=session, data=data, actor=_cli_actor(), source_name=file.name,
            until_year=until_year, partial=partial, progress=bar.update,
        )
    if as_json:
        typer.echo(json.dumps({
            "file": file.name, "until_year": until_year, **report.counts(),
            "errors": [{"line": n, "reason": r} for n, r in report.errors],
            "duplicates": [{"line": n, "same_as_line": first} for n, first in report.duplicates],
        }, indent=2))
    if report.errors and not partial:
        raise fail(f"{len(report.errors)} of {report.lines} lines failed; nothing was imported "
                   "(fix them, or use --partial to import the valid lines)")
    if not as_json:
        years = f" (awards of {until_year} and earlier)" if until_year is not None else ""
        typer.echo(f"imported {file.name}{years}: {report.lines} lines, "
                   f"{report.awards_read} awards read"
                   + (f", {report.left_out} later ones left out" if report.left_out else "")
                   + (f", {len(report.duplicates)} repeated lines ignored"
                      if report.duplicates else "")
                   + (f", {len(report.errors)} bad lines skipped" if report.errors else ""))
        typer.echo(f"firms: {len(report.orgs_created)} created, {len(report.orgs_updated)} "
                   f"updated, {report.orgs_unchanged} unchanged, {len(report.orgs_kept)} "
                   "with new awards but a profile people edited (left as it is)")
        typer.echo(f"awards: {report.awards_created} created, {report.awards_updated} updated, "
                   f"{report.awards_unchanged} unchanged")
        if report.awards_blocked:
            typer.echo(f"awards not attached: {report.awards_blocked} (their firm has a "
                       "confirmed restricted-party match)")
    if report.errors:
        raise typer.Exit(1)


@outbox_app.command("deliver")
def outbox_deliver() -> None:
    """Deliver the notifications that are due (by SMTP when configured, else to the log)."""
    from indusx.notifications import service as outbox

    with unit_of_work() as session:
        counts = outbox.deliver_due(session=session, settings=_settings(), limit=10_000)
    typer.echo(", ".join(f"{n} {k}" for k, n in counts.items()))


@outbox_app.command("retry-failed")
def outbox_retry_failed() -> None:
    """Queue again the notifications whose delivery gave up after every retry."""
    from indusx.notifications import service as outbox

    with unit_of_work() as session:
        count = outbox.retry_failed(session=session, actor=_cli_actor())
    typer.echo(f"{count} failed notifications queued again")


def _register_match() -> None:
    from indusx.matching.cli import match

    app.command("match", no_args_is_help=True)(match)


_register_match()


def _register_screening() -> None:
    from indusx.screening.cli import screening_app

    app.add_typer(screening_app, name="screening")


_register_screening()


def _register_pathway() -> None:
    from indusx.pathway.cli import pathway_app

    app.add_typer(pathway_app, name="pathway")


_register_pathway()


def _register_partnerships() -> None:
    from indusx.partnerships.cli import partnerships_app

    app.add_typer(partnerships_app, name="partnerships")


_register_partnerships()


def _register_challenges() -> None:
    from indusx.challenges.cli import challenges_app

    app.add_typer(challenges_app, name="challenges")


_register_challenges()


def _register_supply() -> None:
    from indusx.supply.cli import supply_app

    app.add_typer(supply_app, name="supply")


_register_supply()


def _register_report() -> None:
    from indusx.dashboards.cli import report

    app.command("report")(report)


_register_report()


def _register_roadmap() -> None:
    from indusx.roadmap.cli import roadmap_app

    app.add_typer(roadmap_app, name="roadmap")


_register_roadmap()


def _register_ops() -> None:
    from indusx.ops import cli as ops_cli

    for command in (ops_cli.backup, ops_cli.restore, ops_cli.worker):
        app.command()(command)


_register_ops()


def _register_privacy() -> None:
    from indusx.privacy.cli import privacy_app

    app.add_typer(privacy_app, name="privacy")


_register_privacy()


uploads_app = typer.Typer(help="Stored files: encryption keys.", no_args_is_help=True)
app.add_typer(uploads_app, name="uploads")


@uploads_app.command("new-key")
def uploads_new_key(
    key_id: Annotated[str | None, typer.Option("--id", help="Key id (default: random)")] = None,
) -> None:
    """Print a fresh INDUSX_FILE_KEYS entry (id:base64 key); put it first to rotate."""
    from indusx import filecrypt

    try:
        typer.echo(filecrypt.new_entry(key_id))
    except filecrypt.KeyRingError as exc:
        raise fail(str(exc)) from exc


@uploads_app.command("encrypt")
def uploads_encrypt(
    dry_run: Annotated[bool, typer.Option(help="Count what would change; write nothing")] = False,
) -> None:
    """Encrypt every stored file not under the first key of INDUSX_FILE_KEYS (idempotent)."""
    from indusx import uploads

    settings = _settings()
    keys = uploads.stored_keys(settings)
    found: dict[uploads.Resealed, list[str]] = {outcome: [] for outcome in uploads.Resealed}
    with typer.progressbar(keys, label="stored files", file=sys.stderr) as bar:
        for key in bar:
            found[uploads.reseal(settings, key, dry_run=dry_run)].append(key)
    would = "would be " if dry_run else ""
    typer.echo(f"{len(keys)} stored files; first key {settings.file_key_ring.current!r}")
    for outcome, which in found.items():
        if which:
            typer.echo(f"  {len(which)} {would if outcome.changes else ''}{outcome.value}")
    if found[uploads.Resealed.UNREADABLE]:
        raise fail("unreadable under INDUSX_FILE_KEYS: "
                   + ", ".join(found[uploads.Resealed.UNREADABLE]))


if __name__ == "__main__":
    app()
