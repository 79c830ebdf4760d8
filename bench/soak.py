"""Load and soak: virtual users against `indusx serve --workers 3` on PostgreSQL.

Starts a throwaway PostgreSQL server (tests/support/postgres.py) unless
INDUSX_SOAK_DATABASE_URL names a database, migrates it, loads the demo ecosystem
(`indusx demo load --orgs N`, then `indusx match reindex`) when it is empty, gives every virtual
user an account, an organisation, an API token (signed in once, reused for every request), a
draft proposal and a seat in a data room holding one document, then serves the app with several
uvicorn workers on loopback (background jobs in one `indusx worker` process) and drives it
from one asyncio + httpx process:

    directory search 30, profile view 25, suggestions 15, proposal draft save 10,
    data-room document view 10, officer dashboard 10  (relative weights, no think time)

It prints throughput, p50/p95/p99 per action and overall, and the error rate, and proves that no
acknowledged write was lost: every proposal's version and `proposal.update` audit rows grow by
the saves that got a 2xx, its summary is the last acknowledged one, and the data-room access
log holds a row for every acknowledged document view. `--kill-worker` kills one uvicorn worker
(SIGKILL) at a third of the run; uvicorn's supervisor starts another, and the report shows the
errors in the window until the new worker answers (writes in flight when it died may be
committed without an answer: they are counted separately, never as lost).

    .venv/bin/python bench/soak.py [--minutes 10] [--users 24] [--orgs 5000] [--workers 3]
        [--kill-worker] [--json FILE]
"""

import argparse
import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from tests.support.postgres import throwaway_postgres  # noqa: E402

from indusx import filecrypt  # noqa: E402
from indusx.accounts import service as account_service  # noqa: E402
from indusx.accounts.models import PlatformRole  # noqa: E402
from indusx.accounts.permissions import Principal  # noqa: E402
from indusx.audit.models import AuditEvent  # noqa: E402
from indusx.audit.service import Actor  # noqa: E402
from indusx.challenges.models import Challenge, Phase, Proposal  # noqa: E402
from indusx.config import Environment, Settings  # noqa: E402
from indusx.db import make_engine, make_sessionmaker, session_scope, utcnow  # noqa: E402
from indusx.orgs import service as org_service  # noqa: E402
from indusx.orgs.models import Organisation  # noqa: E402
from indusx.orgs.schemas import OrgCreate  # noqa: E402
from indusx.partnerships import dataroom_documents as docs  # noqa: E402
from indusx.partnerships import dataroom_service as rooms  # noqa: E402
from indusx.partnerships.dataroom_models import AccessAction, AccessLog, AccessOutcome  # noqa: E402
from indusx.partnerships.models import (  # noqa: E402
    Origin,
    Partnership,
    PartnershipParty,
    PartnershipType,
    PartyRole,
)

CLI = Path(sys.executable).with_name("indusx")
SECRET = "soak-secret-key-that-is-long-enough-0123456789"
FILE_KEYS = filecrypt.new_entry("soak")  # production mode needs a file key ring
ACTOR = Actor.system("soak")
WEIGHTS = {"search": 30, "profile": 25, "suggestions": 15, "proposal_save": 10,
           "room_view": 10, "dashboard": 10}
WORDS = ["radar", "undersea", "drone", "satellite", "propulsion", "cyber", "acoustic",
         "thermal", "antenna", "composite", "autonomy", "sonar", "battery", "optics", "ai"]
DASHBOARDS = ["ecosystem", "pipeline", "matchmaking", "challenges", "screening"]
RUN_ID = str(int(time.time()))
TEXT_DOC = b"Interface control document: acoustic modem, 9600 baud, soak test.\n"


@dataclass
class VirtualUser:
    number: int
    user_id: int
    token: str
    org_id: int
    country: str
    officer_token: str
    room: tuple[int, int] = (0, 0)  # partnership id, document id
    proposal_id: int = 0
    version: int = 0
    first_version: int = 0
    saves_sent: int = 0
    acked_saves: int = 0
    unanswered_saves: int = 0
    last_summary: str = ""
    acked_views: int = 0


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[tuple[float, str, str]] = field(default_factory=list)  # (time, action, what)
    requests: int = 0


def env_for(url: str, uploads: Path, port: int) -> dict[str, str]:
    """Return the environment of every `indusx` process of the run."""
    return {**os.environ, "INDUSX_DATABASE_URL": url, "INDUSX_ENV": "production",
            "INDUSX_SECRET_KEY": SECRET, "INDUSX_FILE_KEYS": FILE_KEYS,
            # No clamd on a bench machine; production refuses to start unless it is said.
            "INDUSX_MALWARE_SCAN": "off",
            "INDUSX_UPLOAD_DIR": str(uploads),
            "INDUSX_BASE_URL": f"http://127.0.0.1:{port}",
            # API tokens stand for a signed-in officer; the soak does not exercise TOTP.
            "INDUSX_REQUIRE_2FA_ROLES": "",
            # As deployed (docs/deploy.md): web workers only enqueue, `indusx worker` runs jobs.
            "INDUSX_BACKGROUND": "worker",
            # Every virtual user calls from 127.0.0.1, and the per-address limit would count
            # the whole load generator as one client; behind nginx each user has its address.
            "INDUSX_API_RATE_PER_MINUTE": "0"}


def cli(env: dict[str, str], *args: str) -> None:
    """Run an `indusx` command, failing loudly."""
    started = time.perf_counter()
    subprocess.run([str(CLI), *args], env=env, check=True, stdout=subprocess.DEVNULL)
    print(f"  indusx {' '.join(args)}: {time.perf_counter() - started:.0f} s", flush=True)


def settings_for(url: str, uploads: Path) -> Settings:
    """Return settings for the setup done in this process."""
    return Settings(env=Environment.PRODUCTION, database_url=url, secret_key=SECRET,
                    file_keys=FILE_KEYS, malware_scan=False, upload_dir=uploads,
                    outbox_worker=False,
                    match_indexer=False, screening_warmer=False, require_2fa_roles="")


def make_users(url: str, uploads: Path, count: int, run_id: str) -> list[VirtualUser]:
    """Create each virtual user's account, organisation, token and data room."""
    settings = settings_for(url, uploads)
    engine = make_engine(settings)
    vus: list[VirtualUser] = []
    with session_scope(make_sessionmaker(engine)) as session:
        officer = account_service.create_user(
            session=session, email=f"officer.{run_id}@soak.example", full_name="Soak Officer",
            platform_role=PlatformRole.OFFICER, password=None, actor=ACTOR)
        users = []
        for n in range(count):
            country = "IN" if n % 2 == 0 else "US"
            user = account_service.create_user(
                session=session, email=f"vu{n}.{run_id}@soak.example",
                full_name=f"Virtual User {n}", platform_role=PlatformRole.MEMBER,
                password=None, actor=ACTOR)
            org = org_service.create_org(session=session, actor=ACTOR, owner=user,
                                         org_in=OrgCreate.model_validate({
                "name": f"Soak Acoustics {run_id} {n}", "country": country, "kind": "startup",
                "description": "Acoustic modems and sonar signal processing for undersea "
                               "networks.",
                "capabilities": "Acoustic modems, sonar, underwater networking.",
                "focus_areas": ["undersea"], "seeking": ["co_development"],
                "contact_email": f"vu{n}.{run_id}@soak.example"}))
            _, raw = account_service.create_api_token(session=session, user=user, actor=ACTOR)
            _, officer_raw = account_service.create_api_token(session=session, user=officer,
                                                              actor=ACTOR)
            users.append(user)
            vus.append(VirtualUser(number=n, user_id=user.id, token=raw, org_id=org.id,
                                   country=country, officer_token=officer_raw))
        session.flush()
        for a, b in zip(range(0, count - 1, 2), range(1, count, 2), strict=True):
            pact = Partnership(title=f"Soak co-development {run_id} {a}",
                               type=PartnershipType.CO_DEVELOPMENT, origin=Origin.MANUAL,
                               created_by_id=users[a].id)
            session.add(pact)
            session.flush()
            session.add_all([
                PartnershipParty(partnership_id=pact.id, org_id=vus[a].org_id,
                                 role=PartyRole.LEAD),
                PartnershipParty(partnership_id=pact.id, org_id=vus[b].org_id,
                                 role=PartyRole.PARTNER),
            ])
            session.flush()
            owner = Principal.load(session=session, user=users[a], via="soak")
            ctx = rooms.load_room(session=session, principal=owner, partnership_id=pact.id)
            for user in (users[a], users[b]):
                rooms.add_member(session=session, ctx=ctx, user_id=user.id)
            ctx = rooms.load_room(session=session, principal=owner, partnership_id=pact.id)
            version = docs.upload(session=session, settings=settings, ctx=ctx,
                                  title="Modem interface", description="",
                                  marking="business-confidential", filename="icd.txt",
                                  data=TEXT_DOC)
            vus[a].room = vus[b].room = (pact.id, version.document_id)
    engine.dispose()
    return vus


def open_challenges(url: str, uploads: Path) -> dict[str, int]:
    """Return an open challenge each country's organisations may answer."""
    engine = make_engine(settings_for(url, uploads))
    out: dict[str, int] = {}
    with session_scope(make_sessionmaker(engine)) as session:
        for c in session.scalars(select(Challenge).where(Challenge.phase == Phase.OPEN)
                                 .order_by(Challenge.id)):
            if c.deadline_at is not None and c.deadline_at < utcnow():
                continue
            for country in ("IN", "US"):
                if not c.eligible_countries or country in c.eligible_countries:
                    out.setdefault(country, c.id)
    engine.dispose()
    return out


def org_ids(url: str, uploads: Path) -> list[int]:
    """Return the directory's organisation ids (profiles to view)."""
    engine = make_engine(settings_for(url, uploads))
    with engine.connect() as connection:
        ids = list(connection.execute(select(Organisation.id)).scalars())
    engine.dispose()
    return ids


def children(pid: int) -> list[int]:
    """Return the ids of a process's children (from /proc)."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            out.append(int(entry.name))
    return out


def workers_of(pid: int) -> list[int]:
    """Return the uvicorn worker processes under the server (not multiprocessing helpers)."""
    out = []
    for child in children(pid):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"resource_tracker" not in command:
            out.append(child)
    return out


async def act(client: httpx.AsyncClient, vu: VirtualUser, action: str, ids: list[int],
              rng: random.Random) -> httpx.Response:
    """Send one request of an action as a virtual user."""
    auth = {"Authorization": f"Bearer {vu.token}"}
    if action == "search":
        params = {"q": rng.choice(WORDS), "page": str(rng.randint(1, 3))}
        if rng.random() < 0.3:
            params["country"] = rng.choice(["IN", "US"])
        return await client.get("/api/v1/orgs", params=params, headers=auth)
    if action == "profile":
        return await client.get(f"/api/v1/orgs/{rng.choice(ids)}", headers=auth)
    if action == "suggestions":
        return await client.get(f"/api/v1/orgs/{vu.org_id}/matches", headers=auth)
    if action == "proposal_save":
        vu.saves_sent += 1  # every save differs: an unchanged save would record nothing
        summary = f"Soak save {vu.saves_sent} by user {vu.number}"
        response = await client.patch(f"/api/v1/proposals/{vu.proposal_id}", headers=auth,
                                      json={"version": vu.version, "summary": summary})
        if response.is_success:
            vu.version = response.json()["version"]
            vu.acked_saves += 1
            vu.last_summary = summary
        return response
    if action == "room_view":
        pact, document = vu.room
        response = await client.get(f"/api/v1/partnerships/{pact}/documents/{document}",
                                    headers=auth)
        if response.is_success:
            vu.acked_views += 1
        return response
    name = rng.choice(DASHBOARDS)
    return await client.get(f"/api/v1/dashboards/{name}",
                            headers={"Authorization": f"Bearer {vu.officer_token}"})


async def resync(client: httpx.AsyncClient, vu: VirtualUser) -> None:
    """Re-read a proposal's version after a save whose answer was lost."""
    for _ in range(20):
        try:
            response = await client.get(f"/api/v1/proposals/{vu.proposal_id}",
                                        headers={"Authorization": f"Bearer {vu.token}"})
            if response.is_success:
                vu.version = response.json()["version"]
                return
        except httpx.HTTPError:
            pass
        await asyncio.sleep(0.25)


async def user_loop(client: httpx.AsyncClient, vu: VirtualUser, ids: list[int], until: float,
                    tally: Tally, started: float) -> None:
    """Send requests back to back until the deadline, recording latencies and errors."""
    rng = random.Random(vu.number)
    actions, weights = list(WEIGHTS), list(WEIGHTS.values())
    while time.monotonic() < until:
        action = rng.choices(actions, weights)[0]
        began = time.perf_counter()
        try:
            response = await act(client, vu, action, ids, rng)
        except httpx.HTTPError as exc:
            tally.requests += 1
            tally.errors.append((time.monotonic() - started, action, type(exc).__name__))
            if action == "proposal_save":
                vu.unanswered_saves += 1
                await resync(client, vu)
            continue
        tally.requests += 1
        if response.is_success:
            tally.latencies[action].append(time.perf_counter() - began)
        else:
            tally.errors.append((time.monotonic() - started, action,
                                 f"HTTP {response.status_code}"))
            if action == "proposal_save" and response.status_code >= 500:
                vu.unanswered_saves += 1
            # After a 5xx or a 409 the stored version may have moved on: re-read it.
            if action == "proposal_save" and response.status_code in (409, *range(500, 600)):
                await resync(client, vu)


async def start_proposals(client: httpx.AsyncClient, vus: list[VirtualUser],
                          challenges: dict[str, int]) -> None:
    """Start each virtual user's draft proposal (through the API, as a user would)."""
    for vu in vus:
        response = await client.post(
            f"/api/v1/challenges/{challenges[vu.country]}/proposals",
            headers={"Authorization": f"Bearer {vu.token}"},
            json={"lead_org_id": vu.org_id, "title": f"Soak proposal {vu.number}"})
        response.raise_for_status()
        body = response.json()
        vu.proposal_id, vu.version = body["id"], body["version"]
        vu.first_version = vu.version


async def warm_up(client: httpx.AsyncClient, vus: list[VirtualUser], ids: list[int]) -> None:
    """Send each action once per user (workers load their indexes; nothing is measured)."""
    rng = random.Random(0)
    for vu in vus:
        for action in WEIGHTS:
            response = await act(client, vu, action, ids, rng)
            if not response.is_success:
                raise SystemExit(f"warm-up {action} failed: HTTP {response.status_code} "
                                 f"{response.text[:300]}")


async def kill_one_worker(server: subprocess.Popen[bytes], at: float, started: float,
                          base: str, report: dict[str, Any]) -> None:
    """Kill one worker with SIGKILL at a moment; time until a new one answers."""
    await asyncio.sleep(max(0.0, at - time.monotonic()))
    before = workers_of(server.pid)
    victim = before[0]
    os.kill(victim, signal.SIGKILL)
    killed = time.monotonic()
    report.update(killed_pid=victim, killed_at_s=round(killed - started, 1))
    while True:
        now = set(workers_of(server.pid))
        fresh = now - set(before)
        if fresh and len(now) >= len(before):
            break
        await asyncio.sleep(0.05)
    async with httpx.AsyncClient(base_url=base, timeout=30) as probe:
        while not (await probe.get("/healthz")).is_success:
            await asyncio.sleep(0.05)
    report.update(new_pid=sorted(fresh)[0], replaced_after_s=round(time.monotonic() - killed, 2))


async def watch_workers(server: subprocess.Popen[bytes], until: float, started: float,
                        seen: list[tuple[float, int]]) -> None:
    """Note every worker process that appears during the run (a replacement of a dead one)."""
    known = set(workers_of(server.pid))
    while time.monotonic() < until:
        await asyncio.sleep(0.25)
        now = set(workers_of(server.pid))
        seen.extend((round(time.monotonic() - started, 1), pid) for pid in sorted(now - known))
        known |= now


def percentile(values: list[float], p: float) -> float:
    """Return a percentile (nearest rank) in milliseconds."""
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def verify(url: str, uploads: Path, vus: list[VirtualUser], since: Any) -> dict[str, Any]:
    """Compare the writes that got a 2xx with the rows in the database."""
    engine = make_engine(settings_for(url, uploads))
    acked = sum(vu.acked_saves for vu in vus)
    stored = audited = 0
    lost: list[int] = []
    with engine.connect() as connection:
        for vu in vus:
            row = connection.execute(select(Proposal.version, Proposal.summary)
                                     .where(Proposal.id == vu.proposal_id)).one()
            audits = connection.execute(
                select(func.count()).select_from(AuditEvent)
                .where(AuditEvent.action == "proposal.update",
                       AuditEvent.object_id == str(vu.proposal_id),
                       AuditEvent.at >= since)).scalar_one()
            stored += row.version - vu.first_version
            audited += audits
            # Lost: fewer stored saves than acknowledged ones, or a last acknowledged
            # summary overwritten by nothing later.
            if (row.version - vu.first_version < vu.acked_saves or audits < vu.acked_saves
                    or (row.version - vu.first_version == vu.acked_saves and vu.acked_saves
                        and row.summary != vu.last_summary)):
                lost.append(vu.proposal_id)
        views_logged = connection.execute(
            select(func.count()).select_from(AccessLog)
            .where(AccessLog.at >= since, AccessLog.action == AccessAction.VIEW,
                   AccessLog.outcome == AccessOutcome.ALLOWED,
                   AccessLog.user_id.in_([vu.user_id for vu in vus]))).scalar_one()
    engine.dispose()
    views_acked = sum(vu.acked_views for vu in vus)
    return {"proposal_saves_acked": acked, "proposal_saves_stored": stored,
            "proposal_update_audit_rows": audited, "proposals_with_a_lost_save": lost,
            "document_views_acked": views_acked, "document_views_logged": views_logged,
            "document_views_lost": max(0, views_acked - views_logged)}


async def drive(args: argparse.Namespace, url: str, uploads: Path, vus: list[VirtualUser],
                server: subprocess.Popen[bytes], base: str) -> dict[str, Any]:
    """Warm up, run the mix for the given minutes, and return the figures."""
    ids = org_ids(url, uploads)
    limits = httpx.Limits(max_connections=len(vus) + 4, max_keepalive_connections=len(vus) + 4)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        await start_proposals(client, vus, open_challenges(url, uploads))
        await warm_up(client, vus, ids)
        for vu in vus:  # the warm-up's saves and views are not part of the measured run
            vu.first_version, vu.acked_saves, vu.acked_views = vu.version, 0, 0
        since = utcnow()
        tally = Tally()
        started = time.monotonic()
        until = started + args.minutes * 60
        kill: dict[str, Any] = {}
        tasks = [user_loop(client, vu, ids, until, tally, started) for vu in vus]
        appeared: list[tuple[float, int]] = []
        tasks.append(watch_workers(server, until, started, appeared))
        if args.kill_worker:
            tasks.append(kill_one_worker(server, started + args.minutes * 20, started, base,
                                         kill))
        await asyncio.gather(*tasks)
        elapsed = time.monotonic() - started
    everything = [x for values in tally.latencies.values() for x in values]
    per_action = {
        action: {"requests": len(v), "p50_ms": round(percentile(v, 50), 1),
                 "p95_ms": round(percentile(v, 95), 1), "p99_ms": round(percentile(v, 99), 1)}
        for action, v in sorted(tally.latencies.items())
    }
    result: dict[str, Any] = {
        "minutes": args.minutes, "users": len(vus), "workers": args.workers,
        "orgs": len(ids), "requests": tally.requests,
        "throughput_rps": round(tally.requests / elapsed, 1),
        "errors": len(tally.errors), "error_rate": round(len(tally.errors) / tally.requests, 5),
        "overall": {"p50_ms": round(percentile(everything, 50), 1),
                    "p95_ms": round(percentile(everything, 95), 1),
                    "p99_ms": round(percentile(everything, 99), 1)},
        "per_action": per_action,
        "error_kinds": dict(sorted(defaultdict(int, {
            f"{a}: {w}": sum(1 for _, a2, w2 in tally.errors if (a2, w2) == (a, w))
            for _, a, w in tally.errors}).items())),
    }
    # Workers started during the run: the one replacing a killed worker, and any the
    # supervisor replaced because it missed its health check or died on its own.
    result["workers_started_during_run"] = [{"at_s": t, "pid": pid} for t, pid in appeared]
    result["error_log"] = [[round(t, 1), a, w] for t, a, w in sorted(tally.errors)]
    if args.kill_worker:
        start = kill.get("killed_at_s", 0.0)
        end = start + kill.get("replaced_after_s", 0.0) + 5
        kill["errors_in_window"] = sum(1 for t, _, _ in tally.errors if start <= t <= end)
        kill["errors_outside_window"] = len(tally.errors) - kill["errors_in_window"]
        result["kill_worker"] = kill
    result["writes"] = verify(url, uploads, vus, since)
    return result


def print_report(result: dict[str, Any]) -> None:
    """Print the figures as a small table."""
    print(f"\n{result['users']} virtual users, {result['workers']} workers, "
          f"{result['orgs']:,} organisations, {result['minutes']} min: "
          f"{result['requests']:,} requests, {result['throughput_rps']} req/s, "
          f"{result['errors']} errors ({100 * result['error_rate']:.3f} %)")
    print(f"{'action':<15} {'requests':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for action, row in result["per_action"].items():
        print(f"{action:<15} {row['requests']:>9,} {row['p50_ms']:>8} {row['p95_ms']:>8} "
              f"{row['p99_ms']:>8}")
    o = result["overall"]
    print(f"{'overall':<15} {sum(r['requests'] for r in result['per_action'].values()):>9,} "
          f"{o['p50_ms']:>8} {o['p95_ms']:>8} {o['p99_ms']:>8}")
    if result["error_kinds"]:
        print("errors:", json.dumps(result["error_kinds"]))
    print("workers started during the run:", json.dumps(result["workers_started_during_run"]))
    if result["error_log"]:
        print("errors (s into the run, action, what):", json.dumps(result["error_log"]))
    if "kill_worker" in result:
        print("kill -9 of a worker:", json.dumps(result["kill_worker"]))
    print("writes:", json.dumps(result["writes"]))


@contextmanager
def database(keep: str | None) -> Iterator[str]:
    """Yield the soak's database URL: the given one, or a throwaway server's."""
    if keep:
        yield keep
        return
    # Durable, unlike the test server's defaults: acknowledged means on disk here.
    durable = ["-c fsync=on", "-c synchronous_commit=on", "-c full_page_writes=on"]
    with throwaway_postgres([*durable, "-c max_connections=200",
                             "-c shared_buffers=256MB"]) as url:
        yield url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--users", type=int, default=24, help="virtual users (even)")
    parser.add_argument("--orgs", type=int, default=5000, help="demo organisations")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--kill-worker", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    args.users += args.users % 2
    with ExitStack() as stack:
        url = stack.enter_context(database(os.environ.get("INDUSX_SOAK_DATABASE_URL")))
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="indusx-soak-")))
        uploads = work / "uploads"
        env = env_for(url, uploads, args.port)
        print(f"database {url.split('@')[-1]}; {os.cpu_count()} CPUs", flush=True)
        cli(env, "db", "upgrade")
        engine = make_engine(settings_for(url, uploads))
        with engine.connect() as connection:
            have = connection.execute(select(func.count()).select_from(Organisation)
                                      ).scalar_one()
        engine.dispose()
        if have == 0:
            cli(env, "demo", "load", "--orgs", str(args.orgs))
        cli(env, "match", "reindex")
        vus = make_users(url, uploads, args.users, RUN_ID)
        log = (work / "server.log").open("wb")
        jobs = subprocess.Popen([str(CLI), "worker"], env=env, stdout=log,
                                stderr=subprocess.STDOUT)
        server = subprocess.Popen(
            [str(CLI), "serve", "--host", "127.0.0.1", "--port", str(args.port),
             "--workers", str(args.workers)], env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{args.port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    if httpx.get(f"{base}/healthz", timeout=2).is_success:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the server did not start: "
                                     + (work / "server.log").read_text()[-3000:])
                time.sleep(0.2)
            print(f"serving with {len(workers_of(server.pid))} workers; warming up", flush=True)
            result = asyncio.run(drive(args, url, uploads, vus, server, base))
        finally:
            for process in (server, jobs):
                process.send_signal(signal.SIGINT)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
            log.close()
    print_report(result)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
