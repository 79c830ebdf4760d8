"""Benchmark: load time of each officer dashboard through the API, on a large database.

Writes a seeded synthetic ecosystem in bulk: 100,000 organisations (1-3 focus areas each,
joined over three years), 20,000 partnerships (2-3 parties each, stage history up to their
furthest stage, a tenth stopped), 1,000,000 audit rows (COPY on PostgreSQL), and in proportion
30,000 introductions, 30,000 suggestion feedback rows, 100 challenges with 20,000 proposals and
6,000 decisions, 5,000 screening cases, 60 roadmap initiatives with 600 milestones, 10 supply
systems of 100 parts, and 2,000 Security of Supply requests. Then times
`GET /api/v1/dashboards/{name}` (default range: the last twelve months) through the whole app
with an officer's bearer token, one request at a time, after warm-up requests.

    .venv/bin/python bench/dashboards.py [--orgs 100000] [--partnerships 20000]
        [--audit 1000000] [--requests 40] [--only sqlite|postgresql]

PostgreSQL: a throwaway server from Debian's binaries sized like bench/directory.py, unless
INDUSX_TEST_POSTGRES_URL points at an empty database. The default is PostgreSQL only; pass
`--only sqlite` for SQLite.
"""

import argparse
import io
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import Engine, func, insert, select, text  # noqa: E402

from indusx import migrate  # noqa: E402
from indusx.accounts import service as account_service  # noqa: E402
from indusx.accounts.models import PlatformRole, User  # noqa: E402
from indusx.audit.models import AuditEvent  # noqa: E402
from indusx.audit.service import Actor  # noqa: E402
from indusx.challenges.models import (  # noqa: E402
    Challenge,
    Decision,
    DecisionStage,
    Outcome,
    Phase,
    Proposal,
    ProposalStatus,
)
from indusx.config import Environment, Settings  # noqa: E402
from indusx.dashboards import service as dashboards  # noqa: E402
from indusx.db import make_engine, make_sessionmaker, session_scope  # noqa: E402
from indusx.main import create_app  # noqa: E402
from indusx.matching.models import (  # noqa: E402
    FeedbackAction,
    Introduction,
    IntroductionStatus,
    MatchFeedback,
    MatchMode,
)
from indusx.orgs import facets  # noqa: E402
from indusx.orgs import service as org_service  # noqa: E402
from indusx.orgs.models import FocusArea, Organisation, org_focus_area  # noqa: E402
from indusx.orgs.taxonomy import Country, OrgKind  # noqa: E402
from indusx.partnerships.models import (  # noqa: E402
    STAGE_ORDER,
    Origin,
    Partnership,
    PartnershipParty,
    PartnershipType,
    PartyRole,
    Stage,
    StageChange,
)
from indusx.roadmap.models import Initiative, Milestone, MilestoneStatus  # noqa: E402
from indusx.screening.models import (  # noqa: E402
    CaseStatus,
    ListEntryRecord,
    ListVersion,
    ScreeningCase,
    ScreeningList,
    ScreeningSubject,
    SubjectKind,
)
from indusx.supply.models import BomLine, Part, PartKind, Source, SupplySystem  # noqa: E402
from indusx.supply.sos.models import (  # noqa: E402
    Marking,
    RequestStatus,
    SosParty,
    SosRequest,
)

ACTOR = Actor.system("bench")
PG_OPTIONS = ("-c", "shared_buffers=1GB", "-c", "effective_cache_size=4GB",
              "-c", "work_mem=16MB")
CHUNK = 10_000
NOW = datetime.now(UTC)


@contextmanager
def database(dialect: str) -> Iterator[str]:
    if dialect == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/bench.db"
        return
    from tests.support.postgres import throwaway_postgres

    with throwaway_postgres(PG_OPTIONS) as url:
        yield url


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def ago(rnd: random.Random, days: float) -> datetime:
    """Return a moment up to `days` before now, uniformly."""
    return NOW - timedelta(days=rnd.uniform(0, days))


def bulk(session: Any, model: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(model), rows[start:start + CHUNK])


def load_orgs(session: Any, rnd: random.Random, n: int) -> list[int]:
    areas = {i: b for i, b in session.execute(select(FocusArea.id, FocusArea.bit))}
    kinds, countries = list(OrgKind), [Country.US, Country.IN]
    rows, chosen = [], []
    for i in range(n):
        when = ago(rnd, 3 * 365)
        country, kind = rnd.choice(countries), rnd.choice(kinds)
        picked = rnd.sample(list(areas), rnd.randint(1, 3))
        chosen.append(picked)
        # The derived masks the organisation service keeps (orgs/facets.py).
        rows.append({"slug": f"bench-org-{i}", "name": f"Bench Organisation {i}",
                     "country": country, "kind": kind,
                     "facet_mask": facets.facet_mask(country=country, kind=kind,
                                                     funding_stage=None, max_trl=None,
                                                     seeking=[]),
                     "focus_mask": facets.focus_mask(areas[a] for a in picked),
                     "created_at": when, "updated_at": when})
    bulk(session, Organisation, rows)
    ids = list(session.scalars(select(Organisation.id).order_by(Organisation.id)))
    links = [{"org_id": oid, "focus_area_id": a}
             for oid, picked in zip(ids, chosen, strict=True) for a in picked]
    bulk(session, org_focus_area, links)
    return ids


def load_matching(session: Any, rnd: random.Random, orgs: list[int], n: int) -> None:
    statuses = [IntroductionStatus.ACCEPTED] * 4 + [IntroductionStatus.DECLINED] * 3 + [
        IntroductionStatus.PENDING] * 2 + [IntroductionStatus.WITHDRAWN]
    bulk(session, Introduction, [
        {"mode": rnd.choice(list(MatchMode)), "from_org_id": rnd.choice(orgs),
         "to_org_id": rnd.choice(orgs), "status": rnd.choice(statuses),
         "created_at": ago(rnd, 2 * 365)} for _ in range(n)])
    bulk(session, MatchFeedback, [
        {"org_id": rnd.choice(orgs), "candidate_org_id": rnd.choice(orgs),
         "mode": rnd.choice(list(MatchMode)),
         "action": rnd.choice([FeedbackAction.DISMISSED, FeedbackAction.REQUESTED]),
         "created_at": ago(rnd, 2 * 365)} for _ in range(n)])


def load_challenges(session: Any, rnd: random.Random, orgs: list[int], proposals: int) -> None:
    challenges = 100
    bulk(session, Challenge, [
        {"slug": f"bench-challenge-{i}", "title": f"Challenge {i}", "sponsor_org_id": orgs[i],
         "phase": rnd.choice(list(Phase)), "created_at": ago(rnd, 2 * 365)}
        for i in range(challenges)])
    ids = list(session.scalars(select(Challenge.id)))
    per = proposals // challenges
    rows = []
    for cid in ids:
        for oid in rnd.sample(orgs, per):
            submitted = ago(rnd, 2 * 365)
            rows.append({"challenge_id": cid, "lead_org_id": oid, "title": "P",
                         "status": rnd.choice([ProposalStatus.SUBMITTED] * 8 + [
                             ProposalStatus.WITHDRAWN, ProposalStatus.DRAFT]),
                         "submitted_at": submitted})
    bulk(session, Proposal, rows)
    pids = list(session.scalars(select(Proposal.id)))
    bulk(session, Decision, [
        {"proposal_id": pid, "stage": DecisionStage.AWARD,
         "outcome": rnd.choice([Outcome.AWARDED, Outcome.NOT_AWARDED]), "reason": "r",
         "award_usd": rnd.randint(1, 50) * 10_000, "decided_at": ago(rnd, 2 * 365)}
        for pid in rnd.sample(pids, len(pids) * 3 // 10)])


def load_partnerships(session: Any, rnd: random.Random, orgs: list[int], n: int) -> None:
    areas = list(session.scalars(select(FocusArea.id)))
    rows, plans = [], []
    for i in range(n):
        created = ago(rnd, 3 * 365)
        furthest = min(int(rnd.expovariate(0.45)), len(STAGE_ORDER) - 1)
        stopped = rnd.random() < 0.1
        moves, when = [], created
        for k in range(furthest + 1):
            moves.append((STAGE_ORDER[k], when))
            when = min(when + timedelta(days=rnd.uniform(3, 90)), NOW)
        if stopped:
            moves.append((Stage.STOPPED, when))
        plans.append(moves)
        rows.append({"title": f"Partnership {i}", "type": rnd.choice(list(PartnershipType)),
                     "stage": moves[-1][0], "origin": Origin.MANUAL,
                     "value_usd": rnd.randint(1, 500) * 100_000 if rnd.random() < 0.7 else None,
                     "focus_area_id": rnd.choice(areas), "created_at": created,
                     "updated_at": moves[-1][1], "stage_changed_at": moves[-1][1]})
    bulk(session, Partnership, rows)
    ids = list(session.scalars(select(Partnership.id).order_by(Partnership.id)))
    parties, changes = [], []
    for pid, moves in zip(ids, plans, strict=True):
        for j, oid in enumerate(rnd.sample(orgs, rnd.randint(2, 3))):
            parties.append({"partnership_id": pid, "org_id": oid,
                            "role": PartyRole.LEAD if j == 0 else PartyRole.PARTNER})
        previous = None
        for stage, when in moves:
            changes.append({"partnership_id": pid, "from_stage": previous, "to_stage": stage,
                            "changed_at": when})
            previous = stage
    bulk(session, PartnershipParty, parties)
    bulk(session, StageChange, changes)


def load_screening(session: Any, rnd: random.Random, orgs: list[int], n: int) -> None:
    lst = ScreeningList(key="bench", name="Bench list", format="simple")
    session.add(lst)
    session.flush()
    version = ListVersion(list_id=lst.id, number=1)
    entry = ListEntryRecord(list_id=lst.id, entry_id="E1", name="Invented", source="bench",
                            fingerprint="f" * 64, data={}, first_version=1, changed_version=1)
    session.add_all([version, entry])
    session.flush()
    subject_orgs = rnd.sample(orgs, n)
    bulk(session, ScreeningSubject, [
        {"kind": SubjectKind.ORGANISATION, "ref_id": oid, "org_id": oid, "name": f"Org {oid}",
         "entity_type": "organisation"} for oid in subject_orgs])
    subjects = list(session.scalars(select(ScreeningSubject.id)))
    statuses = [CaseStatus.OPEN] * 2 + [CaseStatus.FALSE_POSITIVE] * 6 + [
        CaseStatus.CONFIRMED, CaseStatus.CLEARED]
    bulk(session, ScreeningCase, [
        {"subject_id": sid, "entry_record_id": entry.id, "list_version_id": version.id,
         "entry_fingerprint": "f" * 64, "subject_name": "S", "matched_name": "Invented",
         "score": 0.8, "reasons": [], "matched_fields": ["name"],
         "status": rnd.choice(statuses), "created_at": ago(rnd, 2 * 365)}
        for sid in subjects])


def load_roadmap(session: Any, rnd: random.Random) -> None:
    areas = list(session.scalars(select(FocusArea.id)))
    for i in range(60):
        initiative = Initiative(title=f"Initiative {i}", focus_area_id=areas[i % len(areas)])
        session.add(initiative)
        session.flush()
        bulk(session, Milestone, [
            {"initiative_id": initiative.id, "title": f"Milestone {j}",
             "due_on": (NOW - timedelta(days=rnd.randint(-365, 365))).date(),
             "status": rnd.choice(list(MilestoneStatus))} for j in range(10)])


def load_supply(session: Any, rnd: random.Random, orgs: list[int], requests: int) -> None:
    for s in range(10):
        system = SupplySystem(code=f"SYS-{s}", name=f"System {s}", annual_demand=50)
        session.add(system)
        session.flush()
        bulk(session, Part, [{"system_id": system.id, "number": f"{s}-{p}", "name": f"Part {p}",
                              "kind": PartKind.PART} for p in range(100)])
        parts = list(session.scalars(select(Part.id).where(Part.system_id == system.id)))
        bulk(session, BomLine, [{"system_id": system.id, "parent_id": None, "child_id": p,
                                 "quantity": 1} for p in parts])
        sources = []
        for p in parts:
            k = rnd.choice([1, 1, 2, 3])
            for _ in range(k):
                sources.append({"part_id": p, "supplier_org_id": rnd.choice(orgs),
                                "country": rnd.choice(["US", "IN", "JP", "CN"]),
                                "share": 1 / k, "lead_time_days": rnd.randint(10, 200)})
        bulk(session, Source, sources)
    rows = []
    for i in range(requests):
        when = ago(rnd, 2 * 365)
        rows.append({"reference": f"SOS-B-{i:05d}", "requesting_country":
                     rnd.choice([Country.US, Country.IN]), "item": "Item", "quantity": 5,
                     "needed_on": date(2027, 1, 1), "justification": "j",
                     "marking": next(iter(Marking)), "status": rnd.choice(list(RequestStatus)),
                     "created_at": when, "updated_at": when})
    bulk(session, SosRequest, rows)
    ids = list(session.scalars(select(SosRequest.id, SosRequest.created_at)))
    bulk(session, SosParty, [{"request_id": rid, "org_id": rnd.choice(orgs),
                              "routed_at": NOW - timedelta(days=rnd.uniform(0, 30)),
                              "first_response_at": None if rnd.random() < 0.3 else NOW}
                             for rid in ids])


def load_audit(engine: Engine, rnd: random.Random, n: int) -> None:
    actions = ["org.update", "partnership.stage", "document.view", "introduction.request",
               "proposal.submit", "user.login"]
    rows = ((ago(rnd, 3 * 365), rnd.randint(1, 5000), "bench@example.org", rnd.choice(actions),
             "partnership", str(rnd.randint(1, 20000)), "Bench event", "web", "127.0.0.1")
            for _ in range(n))
    if engine.dialect.name != "postgresql":
        columns = ("at", "actor_id", "actor_email", "action", "object_type", "object_id",
                   "summary", "via", "ip")
        with engine.begin() as connection:
            batch: list[dict[str, Any]] = []
            for row in rows:
                batch.append(dict(zip(columns, row, strict=True)))
                if len(batch) == 50_000:
                    connection.execute(insert(AuditEvent), batch)
                    batch = []
            if batch:
                connection.execute(insert(AuditEvent), batch)
        return
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join(str(v) for v in row) + "\n")
        buffer.seek(0)
        copy_sql = ("COPY audit_event (at, actor_id, actor_email, action, object_type, "
                    "object_id, summary, via, ip) FROM STDIN")
        with cursor.copy(copy_sql) as copy:  # type: ignore[attr-defined]
            while chunk := buffer.read(1 << 20):
                copy.write(chunk)
        raw.commit()
    finally:
        raw.close()


def load(engine: Engine, factory: Any, rnd: random.Random, args: argparse.Namespace,
         dialect: str) -> str:
    """Write the synthetic ecosystem; return an officer's bearer token."""
    with session_scope(factory) as session:
        org_service.seed_focus_areas(session=session)
        # Before the screening list exists: creating a user screens them against it.
        officer = account_service.create_user(
            session=session, email="officer@bench.example", full_name="Bench Officer",
            platform_role=PlatformRole.OFFICER, password=None, actor=ACTOR)
        _, token = account_service.create_api_token(session=session, user=officer,
                                                    actor=ACTOR)
        orgs = load_orgs(session, rnd, args.orgs)
        load_matching(session, rnd, orgs, args.orgs * 3 // 10)
        load_challenges(session, rnd, orgs, args.partnerships)
        load_partnerships(session, rnd, orgs, args.partnerships)
        load_screening(session, rnd, orgs, args.orgs // 20)
        load_roadmap(session, rnd)
        load_supply(session, rnd, orgs, args.partnerships // 10)
    load_audit(engine, rnd, args.audit)
    with engine.connect() as connection:
        if dialect == "postgresql":
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                text("VACUUM ANALYZE"))
        else:
            connection.execute(text("ANALYZE"))
            connection.commit()
    return str(token)


def run(dialect: str, args: argparse.Namespace) -> dict[str, Any]:
    rnd = random.Random(args.seed)
    with database(dialect) as url:
        settings = Settings(env=Environment.TEST, database_url=url, secret_key="b" * 40,
                            outbox_worker=False, match_indexer=False, screening_warmer=False)
        engine = make_engine(settings)
        migrate.upgrade(engine)
        factory = make_sessionmaker(engine)
        started = time.perf_counter()
        with session_scope(factory) as session:
            loaded = session.scalar(select(func.count()).select_from(Organisation)) or 0
        if loaded:  # a database from an earlier run (INDUSX_TEST_POSTGRES_URL): measure it
            with session_scope(factory) as session:
                officer = session.scalars(select(User).where(
                    User.email == "officer@bench.example")).one()
                _, token = account_service.create_api_token(session=session, user=officer,
                                                            actor=ACTOR)
            print(f"[{dialect}] reusing the {loaded:,} organisations already loaded", flush=True)
        else:
            token = load(engine, factory, rnd, args, dialect)
            print(f"[{dialect}] loaded {args.orgs:,} organisations, {args.partnerships:,} "
                  f"partnerships, {args.audit:,} audit rows in "
                  f"{time.perf_counter() - started:.0f} s", flush=True)
        load_s = time.perf_counter() - started
        app = create_app(settings, engine=engine)
        headers = {"Authorization": f"Bearer {token}"}
        timings: dict[str, list[float]] = {}
        firsts: dict[str, float] = {}
        with TestClient(app) as client:
            for entry in dashboards.entries():
                path = f"/api/v1/dashboards/{entry.name}"
                first = time.perf_counter()
                response = client.get(path, headers=headers)
                first_ms = (time.perf_counter() - first) * 1000
                if response.status_code != 200:
                    raise SystemExit(f"{path} -> {response.status_code} {response.text[:300]}")
                for _ in range(3):  # warm-up
                    client.get(path, headers=headers)
                measured = []
                for _ in range(args.requests):
                    t0 = time.perf_counter()
                    client.get(path, headers=headers)
                    measured.append((time.perf_counter() - t0) * 1000)
                timings[entry.name] = measured
                firsts[entry.name] = first_ms
                print(f"[{dialect}] {entry.name:<12} first {first_ms:8.1f} ms   "
                      f"p50 {statistics.median(measured):7.1f}   "
                      f"p95 {percentile(measured, 95):7.1f} ms", flush=True)
        engine.dispose()
    return {"dialect": dialect, "load_s": load_s, "timings": timings, "firsts": firsts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orgs", type=int, default=100_000)
    parser.add_argument("--partnerships", type=int, default=20_000)
    parser.add_argument("--audit", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--only", choices=["sqlite", "postgresql"], default="postgresql")
    args = parser.parse_args()
    result = run(args.only, args)
    print(f"\nDashboards API, {args.orgs:,} organisations, {args.partnerships:,} partnerships, "
          f"{args.audit:,} audit rows, {args.requests} requests each ({result['dialect']})")
    print(f"{'dashboard':<14}{'first ms':>10}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for name, measured in result["timings"].items():
        print(f"{name:<14}{result['firsts'][name]:>10.1f}{statistics.median(measured):>9.1f}"
              f"{percentile(measured, 95):>9.1f}{max(measured):>9.1f}")
    print(f"(load average {os.getloadavg()[0]:.1f} at the end; 'first' is the first request of "
          "each dashboard, before any cache)")


if __name__ == "__main__":
    main()
