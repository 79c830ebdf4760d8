"""Benchmark: aggregate and rank a large challenge; the reviewer's queue page.

Writes a synthetic challenge (seeded) in bulk into a fresh database of each dialect: 5,000
submitted proposals (each led by its own organisation from the demo generator), a rubric of
four weighted criteria, 300 reviewers and 3 submitted reviews per proposal (15,000 reviews,
60,000 scores, so ~50 assignments per reviewer). Then times:

- aggregate and rank: the submitted scores read from the database (`review.scoring_input`)
  and aggregated by `scoring.aggregate` (weighted means, per-reviewer z-scores, ranking);
  and the full ranking table as managers see it (`export.ranking`: names, decisions, counts);
- the reviewer's queue page: `GET /reviews` through the whole app (session cookie, the
  queue query, the template) for a reviewer with ~50 assignments, one request at a time.

    .venv/bin/python bench/challenges_review.py [--proposals 5000] [--requests 200]
                                                [--only sqlite|postgresql]

PostgreSQL: a throwaway server from Debian's binaries, unless INDUSX_TEST_POSTGRES_URL
points at an empty database; it is skipped (with a note) when none can be started.
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import insert, select, text  # noqa: E402

from indusx import migrate  # noqa: E402
from indusx.accounts import service as account_service  # noqa: E402
from indusx.accounts.models import User  # noqa: E402
from indusx.audit.service import Actor  # noqa: E402
from indusx.challenges import export, review, scoring  # noqa: E402
from indusx.challenges.models import (  # noqa: E402
    Challenge,
    Criterion,
    PartyRole,
    Phase,
    Proposal,
    ProposalParty,
    ProposalStatus,
    Review,
    ReviewScore,
    ReviewStatus,
)
from indusx.config import Environment, Settings  # noqa: E402
from indusx.db import make_engine, make_sessionmaker, session_scope, utcnow  # noqa: E402
from indusx.demo.generator import generate  # noqa: E402
from indusx.demo.loader import insert_orgs  # noqa: E402
from indusx.deps import SESSION_COOKIE  # noqa: E402
from indusx.main import create_app  # noqa: E402
from indusx.orgs import service as org_service  # noqa: E402

CRITERIA = (
    ("Technical merit", 3, 10),
    ("Feasibility", 2, 10),
    ("Team", 1, 5),
    ("Joint value", 2, 10),
)
REVIEWERS = 300
REVIEWS_PER_PROPOSAL = 3
ACTOR = Actor.system("bench")


@contextmanager
def database(dialect: str) -> Iterator[str]:
    if dialect == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/bench.db"
        return
    from tests.support.postgres import throwaway_postgres

    with throwaway_postgres() as url:
        yield url


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def load(factory: Any, proposals: int, seed: int) -> tuple[int, int]:
    """Write the synthetic challenge in bulk; return (challenge id, busiest reviewer id)."""
    rnd = random.Random(seed)
    with session_scope(factory) as session:
        org_service.seed_focus_areas(session=session)
        org_ids = insert_orgs(session=session, orgs=generate(orgs=proposals + 1, seed=seed))
        reviewers = [
            account_service.create_user(
                session=session,
                email=f"reviewer{i}@bench.example",
                full_name=f"Reviewer {i}",
                password=None,
                actor=ACTOR,
            ).id
            for i in range(REVIEWERS)
        ]
        challenge = Challenge(
            slug="bench-undersea",
            title="Undersea communications (bench)",
            sponsor_org_id=org_ids[0],
            phase=Phase.REVIEW,
            reviews_per_proposal=REVIEWS_PER_PROPOSAL,
            schedule={"shortlist": "2026-12-20T12:00:00+00:00"},
        )
        session.add(challenge)
        session.flush()
        criteria = []
        for i, (name, weight, scale) in enumerate(CRITERIA):
            c = Criterion(
                challenge_id=challenge.id, position=i, name=name, weight=weight, scale_max=scale
            )
            session.add(c)
            criteria.append(c)
        session.flush()
        now = utcnow()
        session.execute(
            insert(Proposal),
            [
                {
                    "challenge_id": challenge.id,
                    "lead_org_id": org_id,
                    "title": f"Proposal {n}",
                    "summary": "Synthetic.",
                    "answers": {},
                    "status": ProposalStatus.SUBMITTED,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                    "submitted_at": now,
                }
                for n, org_id in enumerate(org_ids[1:], start=1)
            ],
        )
        pids = list(
            session.scalars(
                select(Proposal.id)
                .where(Proposal.challenge_id == challenge.id)
                .order_by(Proposal.id)
            )
        )
        session.execute(
            insert(ProposalParty),
            [
                {"proposal_id": pid, "org_id": org_id, "role": PartyRole.LEAD, "invited_at": now}
                for pid, org_id in zip(pids, org_ids[1:], strict=True)
            ],
        )
        leniency = {r: rnd.uniform(-0.2, 0.2) for r in reviewers}
        rows = []
        order = reviewers[:]
        for i, pid in enumerate(pids):
            # Rotating through a shuffled list gives every reviewer ~50 reviews.
            if i % (REVIEWERS // REVIEWS_PER_PROPOSAL) == 0:
                rnd.shuffle(order)
            start = (i % (REVIEWERS // REVIEWS_PER_PROPOSAL)) * REVIEWS_PER_PROPOSAL
            for rid in order[start : start + REVIEWS_PER_PROPOSAL]:
                rows.append(
                    {
                        "proposal_id": pid,
                        "reviewer_id": rid,
                        "status": ReviewStatus.SUBMITTED,
                        "assigned_at": now,
                        "declared_at": now,
                        "updated_at": now,
                        "submitted_at": now,
                        "conflict_reason": "",
                        "comment": "",
                    }
                )
        session.execute(insert(Review), rows)
        quality = {pid: rnd.random() for pid in pids}
        scores = []
        for rid, pid, reviewer in session.execute(
            select(Review.id, Review.proposal_id, Review.reviewer_id)
        ):
            for c in criteria:
                level = min(max(quality[pid] + leniency[reviewer] + rnd.gauss(0, 0.1), 0), 1)
                scores.append(
                    {
                        "review_id": rid,
                        "criterion_id": c.id,
                        "score": round(level * c.scale_max),
                        "comment": "",
                    }
                )
        for chunk in range(0, len(scores), 20_000):
            session.execute(insert(ReviewScore), scores[chunk : chunk + 20_000])
        busiest = session.execute(
            text(
                "SELECT reviewer_id, count(*) AS n FROM review GROUP BY reviewer_id "
                "ORDER BY n DESC, reviewer_id LIMIT 1"
            )
        ).one()
        return challenge.id, int(busiest[0])


def run(dialect: str, proposals: int, requests: int, seed: int) -> dict[str, Any]:
    with database(dialect) as url:
        settings = Settings(
            env=Environment.TEST,
            database_url=url,
            secret_key="b" * 40,
            outbox_worker=False,
            match_indexer=False,
            screening_warmer=False,
        )
        engine = make_engine(settings)
        migrate.upgrade(engine)
        factory = make_sessionmaker(engine)
        started = time.perf_counter()
        challenge_id, reviewer_id = load(factory, proposals, seed)
        if dialect == "postgresql":
            with engine.connect() as connection:
                connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                    text("VACUUM ANALYZE")
                )
        else:
            with engine.begin() as connection:
                connection.execute(text("ANALYZE"))
        load_s = time.perf_counter() - started
        print(
            f"[{dialect}] loaded {proposals:,} proposals, "
            f"{proposals * REVIEWS_PER_PROPOSAL:,} reviews in {load_s:.1f} s",
            flush=True,
        )

        aggregate_ms, table_ms = [], []
        for _ in range(5):
            with session_scope(factory) as session:
                t0 = time.perf_counter()
                criteria, submitted = review.scoring_input(session, challenge_id)
                result = scoring.aggregate(criteria, submitted)
                aggregate_ms.append((time.perf_counter() - t0) * 1000)
                assert len(result.ranking) == proposals
            with session_scope(factory) as session:
                challenge = session.get_one(Challenge, challenge_id)
                t0 = time.perf_counter()
                table = export.ranking(session=session, principal=None, challenge=challenge)
                table_ms.append((time.perf_counter() - t0) * 1000)
                assert len(table.rows) == proposals

        with session_scope(factory) as session:
            user = session.get_one(User, reviewer_id)
            assignments = session.scalar(
                text(f"SELECT count(*) FROM review WHERE reviewer_id = {reviewer_id}")
            )
            cookie = account_service.start_web_session(
                session=session, user=user, settings=settings
            )
        app = create_app(settings, engine=engine)
        timings = []
        with TestClient(app) as client:
            client.cookies.set(SESSION_COOKIE, cookie)
            for _ in range(20):  # warm-up
                client.get("/reviews")
            for _ in range(requests):
                t0 = time.perf_counter()
                response = client.get("/reviews")
                timings.append((time.perf_counter() - t0) * 1000)
                if response.status_code != 200 or "My reviews" not in response.text:
                    raise SystemExit(f"/reviews -> {response.status_code}")
        engine.dispose()
    return {
        "dialect": dialect,
        "load_s": round(load_s, 1),
        "aggregate_median_ms": round(statistics.median(aggregate_ms), 1),
        "table_median_ms": round(statistics.median(table_ms), 1),
        "assignments": assignments,
        "queue_median_ms": round(statistics.median(timings), 1),
        "queue_p95_ms": round(percentile(timings, 95), 1),
        "queue_p99_ms": round(percentile(timings, 99), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--proposals", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    results = []
    for dialect in [args.only] if args.only else ["sqlite", "postgresql"]:
        try:
            results.append(run(dialect, args.proposals, args.requests, args.seed))
        except Exception as exc:  # e.g. no PostgreSQL binaries on this machine
            if dialect != "postgresql" or "PostgresUnavailable" not in type(exc).__name__:
                raise
            print(f"[postgresql] skipped: {exc}")
    print(
        f"\nChallenge review, {args.proposals:,} proposals x {REVIEWS_PER_PROPOSAL} reviews, "
        f"{len(CRITERIA)} criteria, {REVIEWERS} reviewers"
    )
    print(
        f"{'database':<12}{'aggregate+rank ms':>19}{'ranking table ms':>18}"
        f"{'queue n':>9}{'median ms':>11}{'p95 ms':>9}{'p99 ms':>9}"
    )
    for r in results:
        print(
            f"{r['dialect']:<12}{r['aggregate_median_ms']:>19}{r['table_median_ms']:>18}"
            f"{args.requests:>9}{r['queue_median_ms']:>11}{r['queue_p95_ms']:>9}"
            f"{r['queue_p99_ms']:>9}"
        )
    print(f"(the reviewer has {results[0]['assignments']} assignments; the page shows 25)")


if __name__ == "__main__":
    main()
