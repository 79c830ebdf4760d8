"""Operations commands: `indusx backup`, `indusx restore`, `indusx worker`."""

import signal
import threading
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer


def backup(
    out: Annotated[Path, typer.Option("--out", help="An empty or new folder for the backup.")],
) -> None:
    """Back up the database and uploaded files, with a manifest of counts and checksums."""
    from indusx.cli import _settings, fail
    from indusx.db import make_engine
    from indusx.ops import backup as ops_backup

    settings = _settings()
    engine = make_engine(settings)
    try:
        manifest = ops_backup.backup(settings=settings, engine=engine, out=out)
    except ops_backup.BackupError as exc:
        raise fail(str(exc)) from exc
    finally:
        engine.dispose()
    rows = sum(manifest["tables"].values())
    typer.echo(f"backup in {out}: {manifest['dialect']} at revision {manifest['revision']}, "
               f"{len(manifest['tables'])} tables, {rows} rows, {len(manifest['files'])} files")


def restore(
    source: Annotated[Path, typer.Argument(help="A folder written by `indusx backup`.")],
    yes: Annotated[bool, typer.Option("--yes", help="Overwrite a target that holds data.")]
    = False,
) -> None:
    """Restore a backup into the configured database and upload folder, then verify it."""
    from indusx.cli import _settings, fail
    from indusx.db import make_engine
    from indusx.ops import backup as ops_backup

    settings = _settings()
    engine = make_engine(settings)
    try:
        result = ops_backup.restore(settings=settings, engine=engine, source=source,
                                    replace=yes)
    except ops_backup.BackupError as exc:
        raise fail(str(exc)) from exc
    finally:
        engine.dispose()
    typer.echo(f"restored from {source}: {result.tables} tables, {result.rows} rows, "
               f"{result.files} files; counts and checksums match the manifest")


def worker(
    concurrency: Annotated[int, typer.Option(min=1, max=64, help="Job threads.")] = 2,
    once: Annotated[bool, typer.Option(
        "--once", help="Enqueue what is due, run every due job, then exit (for cron).")] = False,
) -> None:
    """Run background jobs (outbox, reminders, re-screening, matching index) until stopped."""
    from indusx.cli import _settings
    from indusx.db import make_engine, make_sessionmaker, session_scope
    from indusx.ops import logging as ops_logging
    from indusx.ops.jobs import worker as job_worker

    settings = _settings()
    ops_logging.configure(settings)
    engine = make_engine(settings)
    factory = make_sessionmaker(engine)
    try:
        if once:
            with session_scope(factory) as session:
                job_worker.enqueue_due(session=session, settings=settings)
            ran = 0
            while job_worker.run_one(factory=factory, settings=settings):
                ran += 1
            typer.echo(f"{ran} jobs run")
            return
        stop = threading.Event()

        def _stop(signum: int, _frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        typer.echo(f"worker running {concurrency} job threads; stop with Ctrl-C or SIGTERM")
        job_worker.run(factory=factory, settings=settings, concurrency=concurrency, stop=stop)
    finally:
        engine.dispose()
