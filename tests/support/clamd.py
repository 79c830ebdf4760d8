"""A throwaway ClamAV daemon (clamd) for tests, with a test signature of its own.

ClamAV's official signatures cannot be downloaded here, and the tests need none: clamd loads
any `.ndb` file in its database folder. `throwaway_clamd(folder)` writes there a body signature
that matches the EICAR test string anywhere in a file, and a clamd.conf that listens on a Unix
socket in the folder; it starts clamd (the Debian `clamav-daemon` package) in the foreground,
waits until the socket answers PING, yields the socket's path, and stops clamd on exit.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CLAMD_ENV = "INDUSX_CLAMD"
# The anti-virus industry's harmless test file, in two halves so that no scanner flags this
# source file itself.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
SIGNATURE = "IndusX.Test.EICAR"
# What clamd says it found: it marks signatures from databases other than ClamAV's own.
FOUND = f"{SIGNATURE}.UNOFFICIAL"
# Small, so that a test can send a stream over it cheaply.
STREAM_MAX_BYTES = 1024 * 1024
START_SECONDS = 60.0


class ClamdUnavailable(RuntimeError):
    """No clamd could be started for the tests."""


def clamd_executable() -> str:
    """Return the clamd executable: INDUSX_CLAMD, else clamd on PATH or in /usr/sbin."""
    wanted = os.environ.get(CLAMD_ENV) or "clamd"
    found = shutil.which(wanted) or shutil.which(wanted, path="/usr/sbin:/usr/local/sbin")
    if found is None:
        raise ClamdUnavailable(
            f"ClamAV's daemon {wanted!r} not found: install it with "
            f"`apt-get install -y clamav-daemon`, or set {CLAMD_ENV} to a clamd binary"
        )
    return found


def ping(path: Path, timeout: float = 1.0) -> bool:
    """Return whether a clamd answers PING on the Unix socket."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            sock.connect(str(path))
            sock.sendall(b"zPING\0")
            return sock.recv(16).rstrip(b"\0") == b"PONG"
    except OSError:
        return False


def write_config(folder: Path) -> Path:
    """Write the test signature and clamd.conf into the folder; return the config's path."""
    database = folder / "db"
    database.mkdir(parents=True, exist_ok=True)
    (folder / "tmp").mkdir(exist_ok=True)
    # Name:TargetType:Offset:HexSignature; target 0 and offset * match anywhere in any file.
    (database / "indusx-test.ndb").write_text(f"{SIGNATURE}:0:*:{EICAR.hex()}\n")
    config = folder / "clamd.conf"
    config.write_text("\n".join([
        "Foreground yes",
        f"LocalSocket {folder / 'clamd.sock'}",
        "LocalSocketMode 600",
        f"DatabaseDirectory {database}",
        f"TemporaryDirectory {folder / 'tmp'}",
        f"LogFile {folder / 'clamd.log'}",
        f"PidFile {folder / 'clamd.pid'}",
        f"StreamMaxLength {STREAM_MAX_BYTES // 1024}K",
        "MaxThreads 4",
        "",
    ]))
    return config


@contextmanager
def throwaway_clamd(folder: Path) -> Iterator[Path]:
    """Start a private clamd with the test signature; yield its socket's path."""
    config = write_config(folder)
    sock = folder / "clamd.sock"
    log = folder / "clamd.out"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [clamd_executable(), "--config-file", str(config)],
            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + START_SECONDS
        while not ping(sock):
            if process.poll() is not None or time.monotonic() > deadline:
                raise ClamdUnavailable(
                    f"clamd did not answer on {sock} within {START_SECONDS:.0f} s:\n"
                    f"{log.read_text(errors='replace')[-2000:]}"
                )
            time.sleep(0.05)
        yield sock
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
