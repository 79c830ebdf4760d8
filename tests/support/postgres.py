"""A throwaway PostgreSQL server for tests.

`throwaway_postgres()` starts a private server from the Debian binaries in
`/usr/lib/postgresql/*/bin` (which are not on PATH), yields its SQLAlchemy URL, and stops it and
removes its files on exit. PostgreSQL refuses to run as root, so when the tests run as root (as
CI does) the server binaries run as the `postgres` user through `runuser`.

Set `INDUSX_TEST_POSTGRES_URL` to use an existing database instead of starting a server.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import re
import shlex
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import psycopg

URL_ENV = "INDUSX_TEST_POSTGRES_URL"
PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"
DATABASE = "indusx_test"
SUPERUSER = "postgres"
SERVER_OPTIONS = ("-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off")


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server could be had for the tests."""


def find_pg_bindir(pattern: str | None = None) -> Path:
    """Return the `bin` folder of the highest installed PostgreSQL version."""
    pattern = pattern or PG_BIN_GLOB
    candidates: list[tuple[tuple[int, ...], Path]] = []
    for entry in glob.glob(pattern):
        path = Path(entry)
        if not ((path / "initdb").is_file() and (path / "pg_ctl").is_file()):
            continue
        version = tuple(int(part) for part in re.findall(r"\d+", path.parent.name))
        candidates.append((version, path))
    if not candidates:
        raise PostgresUnavailable(
            f"PostgreSQL server binaries (initdb, pg_ctl) not found in {pattern}: install them "
            f"with `apt-get install -y postgresql`, or set {URL_ENV} to an existing database URL"
        )
    return max(candidates)[1]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no server log)"


class _Runner:
    """Runs PostgreSQL binaries, as the `postgres` user when we are root."""

    def __init__(self, bindir: Path, cwd: Path) -> None:
        self.bindir = bindir
        self.cwd = cwd
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            try:
                pwd.getpwnam(SUPERUSER)
            except KeyError:
                raise PostgresUnavailable(
                    "running as root, but there is no `postgres` user to run the server as "
                    "(the Debian `postgresql` package creates it)"
                ) from None
            runuser = shutil.which("runuser")
            if runuser is None:
                raise PostgresUnavailable("running as root, but `runuser` is not installed")
            self.prefix = [runuser, "-u", SUPERUSER, "--"]

    def run(self, tool: str, args: Sequence[str], timeout: float) -> None:
        command = [*self.prefix, str(self.bindir / tool), *args]
        env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
        try:
            result = subprocess.run(
                command,
                cwd=self.cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise PostgresUnavailable(f"{shlex.join(command)} timed out after {timeout} s") from exc
        if result.returncode != 0:
            raise PostgresUnavailable(
                f"{shlex.join(command)} exited {result.returncode}:\n"
                f"{result.stdout}{result.stderr}".rstrip()
            )


def _make_base_dir(as_postgres: bool) -> Path:
    # Not under pytest's tmp_path: its 0700 parent is closed to the postgres user. /tmp is
    # always traversable, so use it directly when the server must run as another user.
    base = Path(tempfile.mkdtemp(prefix="indusx-pg-", dir="/tmp" if as_postgres else None))
    (base / "sock").mkdir()
    if as_postgres:
        entry = pwd.getpwnam(SUPERUSER)
        for path in (base, base / "sock"):
            os.chown(path, entry.pw_uid, entry.pw_gid)
    return base


@contextmanager
def throwaway_postgres(extra_options: Sequence[str] = ()) -> Iterator[str]:
    """Start a private PostgreSQL server and yield the URL of its empty `indusx_test` database.

    The URL has the form `postgresql+psycopg://postgres@127.0.0.1:PORT/indusx_test`. On exit the
    server is stopped (`pg_ctl -m immediate stop`) and its directory removed.
    """
    existing = os.environ.get(URL_ENV)
    if existing:
        yield existing
        return

    bindir = find_pg_bindir()
    base = _make_base_dir(as_postgres=os.geteuid() == 0)
    data, sock, log = base / "data", base / "sock", base / "server.log"
    runner = _Runner(bindir, cwd=base)
    started = False
    try:
        runner.run(
            "initdb",
            [
                "-D",
                str(data),
                "--auth=trust",
                "-U",
                SUPERUSER,
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ],
            timeout=120,
        )
        port = _free_port()
        options = " ".join(
            [
                "-c listen_addresses=127.0.0.1",
                f"-p {port}",
                f"-k {shlex.quote(str(sock))}",
                *SERVER_OPTIONS,
                *extra_options,
            ]
        )
        try:
            runner.run(
                "pg_ctl",
                ["-D", str(data), "-l", str(log), "-w", "-t", "60", "-o", options, "start"],
                timeout=90,
            )
        except PostgresUnavailable as exc:
            raise PostgresUnavailable(f"{exc}\nserver log:\n{_tail(log)}") from exc
        started = True
        try:
            with psycopg.connect(
                host="127.0.0.1",
                port=port,
                user=SUPERUSER,
                dbname="postgres",
                autocommit=True,
                connect_timeout=10,
            ) as conn:
                conn.execute(f'CREATE DATABASE "{DATABASE}"')
        except psycopg.Error as exc:
            raise PostgresUnavailable(
                f"could not create database {DATABASE}: {exc}\nserver log:\n{_tail(log)}"
            ) from exc
        yield f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{port}/{DATABASE}"
    finally:
        if started:
            with contextlib.suppress(PostgresUnavailable):
                runner.run("pg_ctl", ["-D", str(data), "-m", "immediate", "-w", "stop"], timeout=60)
        shutil.rmtree(base, ignore_errors=True)


@contextmanager
def separate_database(url: str, name: str) -> Iterator[str]:
    """Create a fresh database beside the one of `url` on the same server, yield its URL, drop it.

    For tests that need their own committed data and connections (concurrency tests), apart
    from the shared test database.
    """
    from sqlalchemy import create_engine

    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            connection.exec_driver_sql(f"CREATE DATABASE {name}")
        base, _, _ = url.rpartition("/")
        yield f"{base}/{name}"
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        admin.dispose()
