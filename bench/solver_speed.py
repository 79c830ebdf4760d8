"""Benchmark: solver search latency over 100,000 organisations, query embedding included.

The organisations are the real SBIR firms of bench/matching_quality.py (profiles from their
2001-2012 awards, at most 40 award passages each, as the service keeps them) replicated to
--orgs with light perturbation: copy i of a firm gets the same award texts and the award
vectors plus Gaussian noise (sd 0.01 per dimension, renormalised), alternating country and
kind. Real texts keep the BM25 posting lists and real vectors keep the dense scan honest; only
the duplication is synthetic. The queries are real problem statements: the 2013-2014 award
texts (title and abstract). Each query is one `SolverEngine.search(text, k=10)` call that
embeds the statement with the real model (its first 100 words, as the engine does), scores
every organisation and explains the top ten.

    .venv/bin/python bench/solver_speed.py [--orgs 100000] [--queries 200]

Target: p95 under 250 ms. Needs the award embeddings cached by bench/matching_quality.py
(it computes them if missing, which takes minutes).
"""

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from indusx.matching.engine.embedder import get_embedder
from indusx.matching.engine.index import VectorIndex, normalize
from indusx.matching.engine.profile import Passage, Profile
from indusx.matching.engine.solver import SolverEngine, embedding_text
from matching_quality import (
    DEFAULT_CACHE,
    DEFAULT_DATA,
    embed_cached,
    load_awards,
    make_split,
)

LIMIT_MS = 250.0
MAX_AWARD_PASSAGES = 40  # as indusx.matching.vectors keeps them
KINDS = ("startup", "msme", "large_company", "prime", "academic")


def percentile(values: list[float], q: float) -> float:
    """Return the q-th percentile (0-100) of `values`."""
    return float(np.percentile(np.asarray(values), q))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orgs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = parser.parse_args()

    awards = load_awards(args.data)
    vectors = embed_cached([a.text for a in awards], args.cache)
    split = make_split(awards, "test", 2012, 2013, 2014)
    rng = np.random.default_rng(0)

    started = time.perf_counter()
    profiles: list[Profile] = []
    passage_vectors: list[np.ndarray] = []
    n_firms = len(split.firms)
    for i in range(args.orgs):
        firm = i % n_firms
        rows = split.awards[firm][:MAX_AWARD_PASSAGES]
        passages = tuple(
            Passage(f"Award {awards[r].year}: {awards[r].title}", awards[r].text) for r in rows
        )
        profiles.append(
            Profile(
                id=i + 1,
                name=f"{split.firms[firm]} #{i // n_firms}",
                country="US" if i % 2 else "IN",
                kind=KINDS[i % len(KINDS)],
                passages=passages,
            )
        )
        noisy = vectors[rows] + rng.normal(0, 0.01, (len(rows), vectors.shape[1]))
        passage_vectors.append(noisy.astype(np.float32))
    engine = SolverEngine(embedder=get_embedder())
    engine.upsert_many(profiles, [None] * len(profiles), passage_vectors)
    del profiles, passage_vectors
    n_passages = engine.passage_count
    engine.scores_many(["warm-up"])  # builds the lazy BM25 matrices and the layout
    print(
        f"{len(engine)} organisations, {n_passages} passages; "
        f"built in {time.perf_counter() - started:.1f} s"
    )

    texts = [awards[r].text for r in split.queries[: args.queries]]
    embedder = get_embedder()
    for text in texts[:5]:
        engine.search(text, k=10)

    total, embed, scan = [], [], []
    for text in texts:
        t0 = time.perf_counter()
        matches = engine.search(text, k=10)
        t1 = time.perf_counter()
        vector = embedder.embed([embedding_text(text)])  # what search embeds
        t2 = time.perf_counter()
        engine.search(text, k=10, query_vector=vector[0])
        t3 = time.perf_counter()
        assert len(matches) == 10
        total.append((t1 - t0) * 1000)
        embed.append((t2 - t1) * 1000)
        scan.append((t3 - t2) * 1000)

    # The reference: one exact float32 scan of a matrix the size of the passage vectors.
    matrix = rng.standard_normal((n_passages, vectors.shape[1]), dtype=np.float32)
    q = embedder.embed([texts[0]])[0]
    bare = []
    for _ in range(20):
        t0 = time.perf_counter()
        matrix @ q
        bare.append((time.perf_counter() - t0) * 1000)
    del matrix

    # The dense index alone: one exact top-10 over 100,000 x 384 against the bare product.
    unit_rows = normalize(rng.standard_normal((100_000, vectors.shape[1]), dtype=np.float32))
    index = VectorIndex.build(np.arange(len(unit_rows)), unit_rows)
    top_ms, gemv_ms = [], []
    for text_vector in embedder.embed([embedding_text(t) for t in texts[:50]]):
        t0 = time.perf_counter()
        index.top_k(text_vector, 10)
        t1 = time.perf_counter()
        unit_rows @ text_vector
        t2 = time.perf_counter()
        top_ms.append((t1 - t0) * 1000)
        gemv_ms.append((t2 - t1) * 1000)
    del unit_rows, index

    print(f"\nsolver search, {len(texts)} real problem statements, k=10, explained:")
    print(f"{'':34} {'p50':>8} {'p95':>8} {'mean':>8}")
    for name, values in (
        ("search incl. query embedding", total),
        ("  query embedding alone", embed),
        ("  search with the vector given", scan),
    ):
        print(
            f"{name:34} {percentile(values, 50):7.1f}ms {percentile(values, 95):7.1f}ms "
            f"{statistics.fmean(values):7.1f}ms"
        )
    print(
        f"bare float32 scan of the {n_passages} x 384 passage vectors (one matrix-vector "
        f"product): {statistics.median(bare):.1f} ms"
    )
    print(
        f"VectorIndex.top_k(k=10) over 100,000 x 384: median {statistics.median(top_ms):.1f} ms, "
        f"bare matrix-vector product {statistics.median(gemv_ms):.1f} ms "
        f"(x{statistics.median(top_ms) / statistics.median(gemv_ms):.2f})"
    )
    p95 = percentile(total, 95)
    print(
        f"\ntarget: p95 < {LIMIT_MS:.0f} ms: {p95:.1f} ms = {p95 / LIMIT_MS:.2f} of the limit "
        f"({'met' if p95 < LIMIT_MS else 'NOT met'})"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS): {peak:.0f} MB")


if __name__ == "__main__":
    main()
