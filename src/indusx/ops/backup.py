"""Backup and restore: the database, the uploaded files and a manifest that proves both.

A backup folder holds `manifest.json` (format, release, migration revision, rows per table,
SHA-256 of every file), the database (`database.sqlite3`, made with SQLite's online backup API,
or `database.dump`, made with `pg_dump -Fc`) and `uploads/` (a copy of INDUSX_UPLOAD_DIR).
The row counts are taken from the same snapshot as the database copy, so a restore can check
that it brought back exactly what was saved.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.engine import URL

from indusx import __version__
from indusx.config import Settings

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.dump"
UPLOADS = "uploads"
# Rows here say nothing about whether a target holds data (a migrated, empty database has one).
BOOKKEEPING = frozenset({"alembic_version"})


class BackupError(RuntimeError):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class RestoreResult:
    tables: int
    rows: int
    files: int


def sha256_of(path: Path) -> str:
    """Return the hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(database)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} was not found on PATH: install the PostgreSQL client tools of the "
            f"server's major version (Debian: apt-get install postgresql-client) or add their "
            f"folder to PATH"
        )
    return found


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """Return a libpq URL without the password, and the environment that carries it."""
    env = {k: v for k, v in os.environ.items() if k != "PGPASSWORD"}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False,
                            stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} exited {result.returncode}: "
                          f"{(result.stderr or result.stdout).strip()}")


def table_counts(connection: Connection) -> dict[str, int]:
    """Return the number of rows in every table of the database, by name."""
    preparer = connection.dialect.identifier_preparer
    names = sorted(inspect(connection).get_table_names())
    return {
        name: int(connection.execute(
            text(f"SELECT count(*) FROM {preparer.quote(name)}")).scalar_one())
        for name in names
    }


def _sqlite_counts(path: Path) -> tuple[dict[str, int], str | None]:
    """Return the row counts and migration revision of a SQLite file (read-only)."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        names = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name")]
        counts = {
            name: int(connection.execute(
                'SELECT count(*) FROM "{}"'.format(name.replace('"', '""'))).fetchone()[0])
            for name in names
        }
        revision = None
        if "alembic_version" in counts:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
    return counts, revision


def _upload_files(folder: Path) -> Iterator[Path]:
    if folder.is_dir():
        yield from sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix != ".part")


def _copy_uploads(source: Path, target: Path) -> dict[str, str]:
    checksums: dict[str, str] = {}
    for path in _upload_files(source):
        relative = path.relative_to(source)
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copy2(path, destination)
        except FileNotFoundError:  # deleted while we copied: its row is gone too, or soon
            continue
        checksums[relative.as_posix()] = sha256_of(destination)
    return checksums


@contextmanager
def _pg_snapshot(engine: Engine) -> Iterator[tuple[Connection, str]]:
    """Hold a repeatable-read transaction open and yield it with its exported snapshot id."""
    with (engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection,
          connection.begin()):
        snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
        yield connection, str(snapshot)


def backup(*, settings: Settings, engine: Engine, out: Path) -> dict[str, Any]:
    """Write a backup of the database and uploaded files into an empty folder; return its
    manifest."""
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"{out} is not empty: back up into a new or empty folder")
    out.mkdir(parents=True, exist_ok=True)
    if _is_sqlite(engine):
        database = out / SQLITE_FILE
        with closing(sqlite3.connect(_sqlite_path(engine))) as source, \
                closing(sqlite3.connect(database)) as target:
            source.backup(target)
        counts, revision = _sqlite_counts(database)
    else:
        database = out / PG_FILE
        pg_dump = _tool("pg_dump")
        url, env = _libpq(engine.url)
        with _pg_snapshot(engine) as (connection, snapshot):
            counts = table_counts(connection)
            revision = MigrationContext.configure(connection).get_current_revision()
            _run([pg_dump, "--format=custom", "--no-owner", f"--snapshot={snapshot}",
                  f"--file={database}", url], env)
    files = _copy_uploads(settings.upload_dir, out / UPLOADS)
    manifest = {
        "format": FORMAT,
        "release": __version__,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "dialect": engine.dialect.name,
        "revision": revision,
        "tables": counts,
        "database": {"file": database.name, "sha256": sha256_of(database)},
        "files": files,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def read_manifest(source: Path) -> dict[str, Any]:
    """Return a backup's manifest after checking every file against its checksum."""
    try:
        manifest: dict[str, Any] = json.loads((source / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{source} holds no {MANIFEST}: is it a backup folder?") from None
    except json.JSONDecodeError as exc:
        raise BackupError(f"{source / MANIFEST} is not valid JSON: {exc}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"backup format {manifest.get('format')!r} is not {FORMAT}")
    expected = {manifest["database"]["file"]: manifest["database"]["sha256"]}
    expected |= {f"{UPLOADS}/{name}": digest for name, digest in manifest["files"].items()}
    bad = []
    for name, digest in sorted(expected.items()):
        path = source / name
        if not path.is_file():
            bad.append(f"{name} is missing")
        elif sha256_of(path) != digest:
            bad.append(f"{name} does not match its checksum")
    if bad:
        raise BackupError("the backup is damaged: " + "; ".join(bad[:10]))
    return manifest


def _holds_data(settings: Settings, engine: Engine) -> list[str]:
    found = []
    if not (_is_sqlite(engine) and not _sqlite_path(engine).exists()):
        with engine.connect() as connection:
            counts = table_counts(connection)
        filled = sorted(n for n, c in counts.items() if c and n not in BOOKKEEPING)
        if filled:
            found.append(f"the database has rows in {len(filled)} tables ({', '.join(filled[:3])}"
                         f"{', ...' if len(filled) > 3 else ''})")
    if any(_upload_files(settings.upload_dir)):
        found.append(f"{settings.upload_dir} holds files")
    return found


def restore(
    *, settings: Settings, engine: Engine, source: Path, replace: bool = False
) -> RestoreResult:
    """Restore a backup into the configured database and upload folder, then verify it.

    A target that holds data is refused unless `replace` is set; then it is overwritten.
    """
    manifest = read_manifest(source)
    if manifest["dialect"] != engine.dialect.name:
        raise BackupError(f"the backup is of a {manifest['dialect']} database; the target is "
                          f"{engine.dialect.name}")
    in_the_way = _holds_data(settings, engine)
    if in_the_way and not replace:
        raise BackupError("the target is not empty: " + "; ".join(in_the_way)
                          + ". Pass --yes to overwrite it")
    database = source / manifest["database"]["file"]
    engine.dispose()
    if _is_sqlite(engine):
        target_path = _sqlite_path(engine)
        target_path.parent.mkdir(parents=True, exist_ok=True)
        # The backup API writes page by page under SQLite's locks, so a process that still
        # has the file open sees the old or the new database, never a mixture.
        with closing(sqlite3.connect(database)) as backup_db, \
                closing(sqlite3.connect(target_path)) as target:
            backup_db.backup(target)
        counts, _ = _sqlite_counts(target_path)
    else:
        url, env = _libpq(engine.url)
        _run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
              "--exit-on-error", f"--dbname={url}", str(database)], env)
        with engine.connect() as connection:
            counts = table_counts(connection)
    uploads = settings.upload_dir
    if uploads.is_dir():
        for path in _upload_files(uploads):
            path.unlink()
    restored = _copy_uploads(source / UPLOADS, uploads)
    _verify(manifest, counts, restored)
    return RestoreResult(tables=len(counts), rows=sum(counts.values()), files=len(restored))


def _verify(manifest: dict[str, Any], counts: dict[str, int], files: dict[str, str]) -> None:
    expected: dict[str, int] = manifest["tables"]
    wrong = [f"{name}: {counts.get(name)} rows, expected {rows}"
             for name, rows in sorted(expected.items()) if counts.get(name) != rows]
    if files != manifest["files"]:
        wrong.append(f"uploads: {len(files)} files restored, expected {len(manifest['files'])}")
    if wrong:
        raise BackupError("the restored data differs from the backup: " + "; ".join(wrong[:10]))
