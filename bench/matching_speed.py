"""Benchmark: partner suggestions over 100,000 organisations, against the bare scan they need.

    .venv/bin/python bench/matching_speed.py [--orgs 100000] [--queries 500] [--embed 600]
        [--modes co-development ...] [--same-country]

Profiles come from the demo generator. Vectors: embedding 100k profile texts with MiniLM
would take hours on two busy cores, so `--embed N` real profiles are embedded with the model
and every organisation gets the vector of an embedded profile of the same kind and focus
areas (else the same kind), perturbed (cosine about 0.96 to it); `--embed 0` (or no
embedder) uses random unit vectors instead, which is fine for latency alone.

Measured in the same run, so that the ratios hold on a busy machine:
- the bare exact scan, one (orgs x 384) float32 matrix-vector product plus argpartition of
  the top 10, timed alternately with each single query below (the limit);
- `suggest` latency p50/p95 over random (source, mode) pairs, k=10, explained: target p95
  under 30 ms, and its ratio to the bare scan;
- `suggest_all(k=20)` for each mode asked (each mode is its own refresh of every
  organisation the mode applies to), against the bare product an exact all-pairs scan needs
  (orgs x orgs in blocks of 256 sources, timed before and after): target within 2x;
- the resident memory the engine adds, and the peak of the process.
"""

import argparse
import random
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from indusx.demo.generator import DemoOrg, generate  # noqa: E402
from indusx.matching.engine.profile import Mentor, Passage, Profile, Thesis  # noqa: E402
from indusx.matching.engine.suggest import MODES, SuggestionEngine, modes_for_kind  # noqa: E402

DIM = 384
BLOCK = 256
P95_TARGET_MS = 30.0
ALL_PAIRS_TARGET = 2.0


def profile_of(id_: int, o: DemoOrg) -> Profile:
    """Return the engine's view of a generated organisation."""
    th = o.thesis
    thesis = None
    if th is not None:
        thesis = Thesis(
            focus=frozenset(th.focus_areas), stages=frozenset(s.value for s in th.stages),
            countries=frozenset(c.value for c in th.countries),
            ticket_min_usd=th.ticket_min_usd, ticket_max_usd=th.ticket_max_usd,
        )
    return Profile(
        id=id_, name=o.name, country=o.country.value, kind=o.kind.value,
        focus=frozenset(o.focus_areas), seeking=frozenset(s.value for s in o.seeking),
        stage=o.funding_stage.value if o.funding_stage else None,
        max_trl=max((x.trl for x in o.offerings), default=None),
        description=o.description, capabilities=o.capabilities,
        passages=tuple(Passage(f"Offering: {x.name}", x.description) for x in o.offerings),
        thesis=thesis,
    )


def unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=-1, keepdims=True)).astype(np.float32)


def vectors_for(
    texts: list[str], keys: list[tuple[str, ...]], embed: int, rng: np.random.Generator
) -> tuple[np.ndarray, str]:
    """Return one unit vector per text, and how they were made."""
    n = len(texts)
    try:
        from indusx.matching.engine.embedder import get_embedder
    except ImportError:
        embed = 0
    if embed <= 0:
        return unit(rng.standard_normal((n, DIM), dtype=np.float32)), "random unit vectors"
    picked = rng.choice(n, size=min(embed, n), replace=False)
    t0 = time.perf_counter()
    base = np.asarray(get_embedder().embed([texts[i] for i in picked]), dtype=np.float32)
    took = time.perf_counter() - t0
    by_key: dict[tuple[str, ...], list[int]] = {}
    by_kind: dict[str, list[int]] = {}
    for j, i in enumerate(picked):
        by_key.setdefault(keys[i], []).append(j)
        by_kind.setdefault(keys[i][0], []).append(j)
    source = np.empty(n, dtype=np.int64)
    for i in range(n):
        pool = by_key.get(keys[i]) or by_kind.get(keys[i][0]) or [int(rng.integers(len(base)))]
        source[i] = pool[int(rng.integers(len(pool)))]
    source[picked] = np.arange(len(picked))
    noise = rng.standard_normal((n, DIM), dtype=np.float32) * (0.3 / np.sqrt(DIM))
    noise[picked] = 0.0
    how = (f"{len(picked)} profiles embedded with MiniLM ({len(picked) / took:.0f} texts/s), "
           "the rest copies of one of the same kind and focus, perturbed")
    return unit(base[source] + noise), how


def timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def rss_mb() -> float:
    """Return the resident memory of this process now, in MB."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def bare_all_pairs(matrix: np.ndarray) -> float:
    """Return the seconds of the product an exact all-pairs scan needs, in source blocks."""
    t0 = time.perf_counter()
    for start in range(0, len(matrix), BLOCK):
        matrix[start : start + BLOCK] @ matrix.T
    return time.perf_counter() - t0


def single_queries(
    engine: SuggestionEngine,
    vectors: np.ndarray,
    pairs: list[tuple[int, str]],
    rng: np.random.Generator,
) -> None:
    """Time each query right after one bare scan, so that both see the same machine."""
    bare: list[float] = []
    latency: dict[str, list[float]] = {mode: [] for mode in MODES}
    sizes = []
    for source, mode in pairs:
        q = vectors[int(rng.integers(len(vectors)))]
        bare.append(timed(lambda q=q: np.argpartition(-(vectors @ q), 10)[:10]))
        t0 = time.perf_counter()
        sizes.append(len(engine.suggest(source, mode, k=10)))
        latency[mode].append(time.perf_counter() - t0)
    every = [x for xs in latency.values() for x in xs]
    scan_p50, scan_p95 = pct(bare, 50) * 1e3, pct(bare, 95) * 1e3
    p50, p95 = pct(every, 50) * 1e3, pct(every, 95) * 1e3
    print(f"\nbare exact scan ({len(vectors):,} x {DIM} float32 + argpartition): "
          f"p50 {scan_p50:.1f} ms, p95 {scan_p95:.1f} ms")
    print(f"suggest, k=10 with reasons, {len(every)} queries: p50 {p50:.1f} ms, "
          f"p95 {p95:.1f} ms, max {max(every) * 1e3:.1f} ms "
          f"(mean {statistics.mean(sizes):.1f} results)")
    for mode, xs in latency.items():
        if xs:
            print(f"  {mode:15s} n={len(xs):3d}  p50 {pct(xs, 50) * 1e3:6.1f} ms  "
                  f"p95 {pct(xs, 95) * 1e3:6.1f} ms")
    print(f"  ratio to the bare scan: p50 {p50 / scan_p50:.2f}x, p95 {p95 / scan_p95:.2f}x")
    print(f"  {'PASS' if p95 < P95_TARGET_MS else 'FAIL'}: p95 {p95:.1f} ms "
          f"(target < {P95_TARGET_MS:.0f} ms)")


def refresh_all(
    engine: SuggestionEngine, vectors: np.ndarray, modes: list[str], same_country: bool
) -> None:
    """Time suggest_all per mode against the bare all-pairs product (before and after)."""
    print(f"\nexact all-pairs product ({len(vectors):,} x {len(vectors):,} x {DIM}, "
          f"blocks of {BLOCK}) ...")
    before = bare_all_pairs(vectors)
    runs = []
    for mode in modes:
        t0 = time.perf_counter()
        sources = matches = 0
        for _, found in engine.suggest_all(mode, k=20, cross_border=not same_country):
            sources += 1
            matches += len(found)
        runs.append((mode, time.perf_counter() - t0, sources, matches))
    after = bare_all_pairs(vectors)
    limit = (before + after) / 2
    print(f"bare all-pairs product: {before:.1f} s before, {after:.1f} s after")
    where = "both countries" if same_country else "across the border"
    for mode, took, sources, matches in runs:
        verdict = "PASS" if took <= ALL_PAIRS_TARGET * limit else "FAIL"
        print(f"  {verdict}: suggest_all({mode}, k=20, {where}): {took:.1f} s for "
              f"{sources:,} sources, {matches:,} matches = {took / limit:.2f}x the bare "
              f"product (target <= {ALL_PAIRS_TARGET:.0f}x)")
    if len(runs) > 1:
        total = sum(r[1] for r in runs)
        print(f"  all {len(runs)} modes one after another: {total:.1f} s = "
              f"{total / limit:.2f}x one bare product")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orgs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=500, help="single queries (0: skip)")
    parser.add_argument("--embed", type=int, default=600, help="profiles embedded for real")
    parser.add_argument("--mentors", type=int, default=1000)
    parser.add_argument("--modes", nargs="*", default=["co-development"], choices=MODES,
                        help="modes whose suggest_all is timed (none: skip)")
    parser.add_argument("--same-country", action="store_true",
                        help="suggest_all with cross_border=False (candidates of both countries)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    pick = random.Random(args.seed)

    t0 = time.perf_counter()
    orgs = list(generate(orgs=args.orgs, seed=args.seed))
    profiles = [profile_of(i + 1, o) for i, o in enumerate(orgs)]
    print(f"generated {len(profiles):,} organisations in {time.perf_counter() - t0:.1f} s")
    keys = [(p.kind, *sorted(p.focus)) for p in profiles]
    vectors, how = vectors_for([p.text for p in profiles], keys, args.embed, rng)
    print(f"vectors: {how}")
    mentor_of = pick.sample(range(len(orgs)), min(args.mentors, len(orgs)))
    mentors = [
        Mentor(id=10_000_000 + i, name=orgs[j].contact_name, country=orgs[j].country.value,
               expertise=orgs[j].capabilities, focus=frozenset(orgs[j].focus_areas))
        for i, j in enumerate(mentor_of)
    ]
    noise = rng.standard_normal((len(mentors), DIM), dtype=np.float32) * (0.3 / np.sqrt(DIM))
    mentor_vectors = unit(vectors[mentor_of] + noise)
    del orgs

    t0, before_mb = time.perf_counter(), rss_mb()
    engine = SuggestionEngine(profiles, vectors, mentors=mentors, mentor_vectors=mentor_vectors)
    print(f"engine built in {time.perf_counter() - t0:.1f} s ({len(engine):,} organisations, "
          f"{len(mentors):,} mentors): +{rss_mb() - before_mb:,.0f} MB resident "
          "(the profiles themselves are shared with the bench)")

    pairs: list[tuple[int, str]] = []
    while len(pairs) < args.queries:
        p = pick.choice(profiles)
        modes = modes_for_kind(p.kind)
        if modes:
            pairs.append((p.id, pick.choice(modes)))
    for source, mode in pairs[:20]:  # warm caches and BLAS threads
        engine.suggest(source, mode)
    if pairs:
        single_queries(engine, vectors, pairs, rng)
    if args.modes:
        refresh_all(engine, vectors, args.modes, args.same_country)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak resident memory: {peak_mb:,.0f} MB (the bench's own copies included)")


if __name__ == "__main__":
    main()
