"""kill -9 in the middle of a long write: nothing is half-written, and it can be run again.

Each test starts the real `indusx` command line as a subprocess against a migrated database,
waits until its transaction is proven open and part-way through (its progress bar on a
pseudo-terminal, and the database itself: PostgreSQL shows the backend's transaction id and the
advanced sequences, SQLite refuses a second writer), kills it with SIGKILL, and compares the
row count of every table with the counts before it started.
"""

import csv
import json
import os
import pty
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, inspect, text

from tests.screening.support import SDN_ROWS, write_ofac

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "supply"
CLI = Path(sys.executable).with_name("indusx")
ORGS = 240
LIST_ENTRIES = 6000
SYSTEMS, PARTS = 24, 150
KILL_DEADLINE_S = 180.0
_PERCENT = re.compile(rb"(\d+)%")


@dataclass
class Running:
    """A CLI command whose stderr is a pseudo-terminal, so that click draws its progress bar."""

    proc: subprocess.Popen[bytes]
    master: int
    stderr: bytearray = field(default_factory=bytearray)
    reader: threading.Thread | None = None

    def percent(self) -> int:
        """Return the last percentage the progress bar drew (0 before it drew one)."""
        found = _PERCENT.findall(bytes(self.stderr[-400:]))
        return int(found[-1]) if found else 0


def _drain(run: Running) -> None:
    # Read the terminal until the child closes it, so that its writes never block.
    while True:
        try:
            chunk = os.read(run.master, 4096)
        except OSError:
            return
        if not chunk:
            return
        run.stderr.extend(chunk)


def start(*args: str, stdout: Path) -> Running:
    """Start `indusx ARGS...` with stdout to a file and stderr on a pseudo-terminal."""
    master, slave = pty.openpty()
    with stdout.open("wb") as out:
        proc = subprocess.Popen([str(CLI), *args], stdin=subprocess.DEVNULL, stdout=out,
                                stderr=slave, env={**os.environ, "COLUMNS": "100"})
    os.close(slave)
    run = Running(proc=proc, master=master)
    run.reader = threading.Thread(target=_drain, args=(run,), daemon=True)
    run.reader.start()
    return run


def kill_when(run: Running, ready: Callable[[], bool], what: str) -> None:
    """Poll until ready() holds while the command still runs, then SIGKILL it."""
    deadline = time.monotonic() + KILL_DEADLINE_S
    while not ready():
        if run.proc.poll() is not None:
            pytest.fail(f"the command ended ({run.proc.returncode}) before {what}: "
                        f"{bytes(run.stderr[-2000:]).decode(errors='replace')}")
        if time.monotonic() > deadline:
            run.proc.kill()
            pytest.fail(f"no sign of {what} within {KILL_DEADLINE_S:.0f} s")
        time.sleep(0.02)
    run.proc.send_signal(signal.SIGKILL)
    assert run.proc.wait(timeout=30) == -signal.SIGKILL
    assert run.reader is not None
    run.reader.join(timeout=10)
    os.close(run.master)


def finish(*args: str, tmp_path: Path) -> str:
    """Run `indusx ARGS...` to the end; return its stdout (fail with stderr if it fails)."""
    result = subprocess.run([str(CLI), *args], stdin=subprocess.DEVNULL, capture_output=True,
                            text=True, timeout=KILL_DEADLINE_S, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.fixture
def db(cli_db: str) -> Iterator[Engine]:
    """Return an engine on the command line's database, for checks from another connection."""
    engine = create_engine(cli_db)
    yield engine
    engine.dispose()


def table_counts(engine: Engine) -> dict[str, int]:
    """Return the number of rows in every table (SQLite's full-text tables included)."""
    with engine.connect() as connection:
        names = inspect(connection).get_table_names()
        return {name: connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one()
                for name in sorted(names)}


def write_in_flight(engine: Engine) -> bool:
    """Return whether another connection holds an open transaction that has written."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            return bool(connection.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()")).scalar_one())
    # SQLite has one writer: a second BEGIN IMMEDIATE is refused while a write is open.
    path = engine.url.database
    assert path
    connection = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc):
            raise
        return True
    finally:
        connection.close()


def ids_past(engine: Engine, table: str, value: int) -> bool:
    """Return whether a PostgreSQL table's id sequence has gone past value (true on SQLite).

    Sequences are not transactional, so their advance shows the uncommitted rows' ids.
    """
    if engine.dialect.name != "postgresql":
        return True
    with engine.connect() as connection:
        sequence = connection.execute(
            text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table}).scalar_one()
        last = connection.execute(text(f"SELECT last_value FROM {sequence}")).scalar_one()
        return int(last) > value


def consistent(engine: Engine) -> None:
    """Assert the database's own integrity and foreign-key checks pass."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
        assert connection.execute(text("PRAGMA foreign_key_check")).all() == []


def test_a_killed_organisation_import_writes_nothing_and_a_rerun_imports_every_row(
    db: Engine, tmp_path: Path
) -> None:
    source = tmp_path / "orgs.csv"
    with source.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["name", "country", "kind", "description", "capabilities",
                         "focus_areas", "seeking", "contact_email", "private_notes"])
        for i in range(ORGS):
            writer.writerow([f"Kestrel Crash Dynamics {i:04d}", "IN" if i % 2 else "US",
                             "startup", "Builds acoustic modems for undersea links.",
                             "Acoustic modems, signal processing.", "undersea",
                             "co_development", f"contact{i}@kestrel.example",
                             f"private note {i}"])
    before = table_counts(db)

    run = start("orgs", "import", str(source), stdout=tmp_path / "out.txt")
    kill_when(run, lambda: run.percent() >= 25 and write_in_flight(db),
              "the import a quarter written")

    assert 25 <= run.percent() < 100
    assert table_counts(db) == before
    consistent(db)

    out = finish("orgs", "import", str(source), tmp_path=tmp_path)
    assert f"imported {ORGS} of {ORGS} organisations" in out
    with db.connect() as connection:
        names = set(connection.execute(text(
            "SELECT name FROM organisation WHERE name LIKE 'Kestrel Crash Dynamics %'")).scalars())
        notes = connection.execute(text(
            "SELECT count(*) FROM organisation WHERE private_notes LIKE 'private note %'"
        )).scalar_one()
    assert names == {f"Kestrel Crash Dynamics {i:04d}" for i in range(ORGS)}
    assert notes == ORGS
    consistent(db)


def _big_list(folder: Path) -> list[Path]:
    # Keeps the three small-list entries (one of them renamed) and adds many new ones.
    rows = [list(r) for r in SDN_ROWS]
    rows[2][1] = "BLUE LAGOON MARITIME CO"
    rows += [[str(200000 + i), f"HALCYON ORDNANCE TRADING {i:05d}", "-0-", "[NPWMD]",
              "-0-", "-0-", "-0-", "-0-", "-0-", "-0-", "-0-", "-0-"]
             for i in range(LIST_ENTRIES)]
    return write_ofac(folder, sdn=rows)


def _list_state(engine: Engine) -> list[tuple[int, int, int, int]]:
    with engine.connect() as connection:
        return [tuple(r) for r in connection.execute(text(
            "SELECT v.number, v.entry_count, "
            "(SELECT count(*) FROM list_change c WHERE c.version_id = v.id), "
            "(SELECT count(*) FROM list_entry e WHERE e.list_id = v.list_id "
            " AND e.first_version <= v.number) "
            "FROM list_version v ORDER BY v.number"))]


def test_a_killed_list_reimport_keeps_the_previous_version_and_a_rerun_records_the_next(
    db: Engine, tmp_path: Path
) -> None:
    finish("screening", "import", "--format", "ofac", *map(str, write_ofac(tmp_path / "v1")),
           tmp_path=tmp_path)
    before = table_counts(db)
    versions = _list_state(db)
    assert versions == [(1, 3, 3, 3)]
    with db.connect() as connection:
        last_entry_id = connection.execute(text("SELECT max(id) FROM list_entry")).scalar_one()
    files = _big_list(tmp_path / "v2")

    run = start("screening", "import", "--format", "ofac", *map(str, files),
                stdout=tmp_path / "out.txt")
    kill_when(run, lambda: write_in_flight(db) and ids_past(
        db, "list_entry", last_entry_id + LIST_ENTRIES // 2),
        "the new version's entries being written")

    assert table_counts(db) == before
    assert _list_state(db) == versions
    with db.connect() as connection:
        assert connection.execute(text(
            "SELECT name FROM list_entry WHERE entry_id = '9003'")).scalar_one() == (
            "BLUE LAGOON SHIPPING CO")
    consistent(db)

    out = finish("screening", "import", "--format", "ofac", *map(str, files),
                 tmp_path=tmp_path)
    total = LIST_ENTRIES + 3
    assert f"version 2: {total:,} entries; {LIST_ENTRIES:,} added, 1 changed, 0 removed" in out
    assert _list_state(db) == [(1, 3, 3, 3), (2, total, LIST_ENTRIES + 1, total)]
    consistent(db)


def _write_bundle(folder: Path) -> None:
    # EOG-9 (the example system) comes first in code order, so it is replaced early on.
    folder.mkdir()
    codes = ["EOG-9", *(f"ZZ-{n:03d}" for n in range(1, SYSTEMS))]
    with (folder / "systems.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["code", "name", "description", "integrator", "annual_demand",
                         "focus_area"])
        for code in codes:
            writer.writerow([code, f"System {code}", "Generated for the crash test", "", 100,
                             ""])
    with (folder / "bom.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["system", "parent", "part_number", "name", "kind", "quantity", "unit",
                         "description"])
        for code in codes:
            writer.writerow([code, "", "TOP", "Top assembly", "assembly", 1, "ea", ""])
            for p in range(PARTS):
                writer.writerow([code, "TOP", f"P-{p:04d}", f"Part {p}", "part", 2, "ea", ""])
    with (folder / "sources.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["system", "part_number", "supplier", "supplier_org", "country",
                         "share", "lead_time_days", "annual_capacity", "unit_cost",
                         "stock_on_hand"])
        for code in codes:
            for p in range(PARTS):
                writer.writerow([code, f"P-{p:04d}", f"Supplier {p % 40}", "",
                                 ("US", "IN", "JP", "DE")[p % 4], 1, 60 + p % 90, 500, 100,
                                 10])


def _supply_state(engine: Engine) -> dict[str, tuple[int, int, int]]:
    with engine.connect() as connection:
        return {r[0]: (r[1], r[2], r[3]) for r in connection.execute(text(
            "SELECT s.code, "
            "(SELECT count(*) FROM supply_part p WHERE p.system_id = s.id), "
            "(SELECT count(*) FROM supply_bom_line b WHERE b.system_id = s.id), "
            "(SELECT count(*) FROM supply_source o JOIN supply_part p ON p.id = o.part_id "
            " WHERE p.system_id = s.id) FROM supply_system s"))}


def test_a_killed_supply_reimport_keeps_the_previous_bom_and_a_rerun_replaces_it(
    db: Engine, tmp_path: Path
) -> None:
    finish("supply", "import", str(EXAMPLES), tmp_path=tmp_path)
    before = table_counts(db)
    example = _supply_state(db)
    assert list(example) == ["EOG-9"] and example["EOG-9"][0] > 0
    with db.connect() as connection:
        last_part_id = connection.execute(text("SELECT max(id) FROM supply_part")).scalar_one()
    bundle = tmp_path / "bundle"
    _write_bundle(bundle)

    run = start("supply", "import", str(bundle), stdout=tmp_path / "out.txt")
    kill_when(run, lambda: run.percent() >= 25 and write_in_flight(db) and ids_past(
        db, "supply_part", last_part_id + PARTS), "the import a quarter written")

    assert table_counts(db) == before
    assert _supply_state(db) == example
    consistent(db)

    out = finish("supply", "import", str(bundle), tmp_path=tmp_path)
    assert f"imported {SYSTEMS - 1} new and 1 existing systems" in out
    state = _supply_state(db)
    assert len(state) == SYSTEMS
    assert set(state.values()) == {(PARTS + 1, PARTS + 1, PARTS)}
    consistent(db)


# The simulation save is one transaction: the scenario row (its whole result as JSON) and its
# audit event, flushed and then committed. Its write is over in milliseconds, so the child
# pauses inside it: it runs the real command line with the audit call wrapped to stop after the
# scenario's event is flushed, the transaction still open. The pause lives in this script only.
_PAUSED_SAVE = '''
import os, sys, time
from pathlib import Path

from indusx.audit import service as audit
from indusx.cli import app

original = audit.record


def record(**kwargs):
    event = original(**kwargs)
    if kwargs.get("action") == "supply.scenario.create":
        Path(os.environ["INDUSX_TEST_PAUSED"]).write_text("saving")
        time.sleep(600)
    return event


audit.record = record
app(sys.argv[1:], prog_name="indusx")
'''


def test_a_killed_simulation_save_keeps_no_scenario_and_a_rerun_saves_it(
    db: Engine, tmp_path: Path
) -> None:
    bundle = tmp_path / "bundle"
    _write_bundle(bundle)
    finish("supply", "import", str(bundle), tmp_path=tmp_path)
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text("name: Japan and Germany out\nsystems: []\ncountries_out: [JP, DE]\n"
                        "demand_factor: 1.5\ndays: 180\n", encoding="utf-8")
    before = table_counts(db)
    assert before["supply_scenario"] == 0
    child = tmp_path / "paused_save.py"
    child.write_text(_PAUSED_SAVE, encoding="utf-8")
    paused = tmp_path / "paused"

    proc = subprocess.Popen(
        [sys.executable, str(child), "supply", "simulate", str(scenario), "--save"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        env={**os.environ, "INDUSX_TEST_PAUSED": str(paused)})
    try:
        deadline = time.monotonic() + KILL_DEADLINE_S
        while not (paused.exists() and write_in_flight(db)
                   and ids_past(db, "supply_scenario", 0)):
            assert proc.poll() is None, proc.communicate()[1].decode(errors="replace")[-2000:]
            assert time.monotonic() < deadline, "the save never reached its pause"
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
    finally:
        proc.kill()
        proc.communicate()

    assert table_counts(db) == before
    consistent(db)

    out = json.loads(finish("supply", "simulate", str(scenario), "--save", "--json",
                            tmp_path=tmp_path))
    with db.connect() as connection:
        rows = connection.execute(text("SELECT id, name, result FROM supply_scenario")).all()
        events = connection.execute(text(
            "SELECT count(*) FROM audit_event WHERE action = 'supply.scenario.create'"
        )).scalar_one()
    assert [(r.id, r.name) for r in rows] == [(out["scenario_id"], "Japan and Germany out")]
    result = rows[0].result if isinstance(rows[0].result, dict) else json.loads(rows[0].result)
    assert len(result["shortfalls"]) == len(out["shortfalls"]) > 0
    assert len(result["systems"]) == SYSTEMS
    assert events == 1
    consistent(db)
