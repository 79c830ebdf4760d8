"""Benchmark: solver-search quality on real SBIR awards (problem statement -> awardee firm).

Protocol of ../shared/data/MANIFEST.md for dod_sbir_phase2_2001-2014_masked.jsonl.gz: firm
names normalised (case, punctuation, legal suffixes); each firm's profile is built from its
2001-2012 awards only; the queries are the 2013-2014 awards whose firm has a profile (title +
abstract); every profiled firm is ranked; Recall@1, Recall@10 and MRR of the awardee.

    .venv/bin/python bench/matching_quality.py [--data PATH] [--cache var/bench-cache]

Methods, all computed in the same run: BM25 over the concatenated profile, TF-IDF cosine,
MiniLM alone (mean-of-awards and max-over-awards), and the product's `SolverEngine`.
Weights are tuned only on a validation split of earlier years (profiles 2001-2010, queries
2011-2012) and then fixed for the 2013-2014 test figures: the engine's defaults (the product,
chosen on that split) and the weights this run's grid search picks there are both reported.
The engine's profiles hold one passage per award (`Award YEAR: TITLE`, title and abstract),
as the service builds them; the firm's name is not searched. Award embeddings are cached
under --cache, keyed by model and text hash (the first run embeds ~15,600 texts: minutes).
"""

import argparse
import gzip
import hashlib
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

if TYPE_CHECKING:
    from indusx.matching.engine.solver import SolverEngine, Weights

DEFAULT_DATA = ROOT.parent / "shared/data/sbir/dod_sbir_phase2_2001-2014_masked.jsonl.gz"
DEFAULT_CACHE = ROOT / "var/bench-cache"

_LEGAL = re.compile(
    r"\b(inc|incorporated|llc|l l c|corp|corporation|co|company|ltd|limited|lp|llp|plc|pc"
    r"|pllc|the)\b"
)


def firm_key(name: str) -> str:
    """Return a firm name normalised: lower case, no punctuation, no legal suffixes."""
    s = re.sub(r"[^a-z0-9 ]+", " ", name.lower().replace("&", " and "))
    return " ".join(_LEGAL.sub(" ", s).split())


@dataclass(frozen=True, slots=True)
class Award:
    year: int
    firm: str
    title: str
    abstract: str

    @property
    def text(self) -> str:
        """Return the award as a passage text (as the service builds award passages)."""
        return f"{self.title}. {self.abstract}".strip()


def load_awards(path: Path) -> list[Award]:
    """Return the awards of the SBIR JSON-lines file."""
    with gzip.open(path, "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    return [
        Award(int(r["year"]), firm_key(r["firm"]), r["title"] or "", r["abstract"] or "")
        for r in rows
    ]


def embed_cached(texts: Sequence[str], cache_dir: Path) -> np.ndarray:
    """Return the embeddings of `texts`, computing only those not cached yet."""
    from indusx.matching.engine.embedder import MODEL_NAME, get_embedder

    cache_dir.mkdir(parents=True, exist_ok=True)
    store = cache_dir / f"{MODEL_NAME}.npz"
    keys = [hashlib.sha256(t.encode()).hexdigest()[:32] for t in texts]
    known: dict[str, np.ndarray] = {}
    if store.exists():
        with np.load(store) as data:
            known = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
    todo = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in known}.items())
    if todo:
        print(f"embedding {len(todo)} texts (cached: {len(known)}) ...", file=sys.stderr)
        embedder = get_embedder()
        started = time.perf_counter()
        for start in range(0, len(todo), 1024):  # saved as it goes: an interrupted run resumes
            chunk = todo[start : start + 1024]
            fresh = embedder.embed([t for _, t in chunk], batch_size=32)
            known.update(zip([k for k, _ in chunk], fresh, strict=True))
            all_keys = sorted(known)
            tmp = store.with_suffix(".tmp.npz")
            np.savez(tmp, keys=np.array(all_keys), vectors=np.stack([known[k] for k in all_keys]))
            tmp.replace(store)
            done = start + len(chunk)
            rate = done / (time.perf_counter() - started)
            print(f"  {done}/{len(todo)} ({rate:.0f} texts/s)", file=sys.stderr)
    return np.stack([known[k] for k in keys]).astype(np.float32)


@dataclass(frozen=True, slots=True)
class Split:
    """Firms profiled from awards up to a year, and the later awards of those firms as queries."""

    name: str
    firms: list[str]
    awards: list[list[int]]  # per firm: award rows, newest first
    queries: list[int]  # award rows
    gold: np.ndarray  # per query: the firm's position


def make_split(awards: Sequence[Award], name: str, until: int, first: int, last: int) -> Split:
    """Return firms profiled from awards <= `until`, queried by awards in [first, last]."""
    by_firm: dict[str, list[int]] = {}
    for row, a in enumerate(awards):
        if a.year <= until:
            by_firm.setdefault(a.firm, []).append(row)
    firms = sorted(by_firm)
    pos = {f: i for i, f in enumerate(firms)}
    queries = [r for r, a in enumerate(awards) if first <= a.year <= last and a.firm in pos]
    return Split(
        name=name,
        firms=firms,
        awards=[sorted(by_firm[f], key=lambda r: -awards[r].year) for f in firms],
        queries=queries,
        gold=np.array([pos[awards[r].firm] for r in queries]),
    )


def metrics(scores: np.ndarray, gold: np.ndarray) -> dict[str, float]:
    """Return MRR, Recall@1 and Recall@10 of the gold column in each row of `scores`."""
    own = scores[np.arange(len(gold)), gold]
    # Ties count against the awardee: its rank is one plus the firms scoring at least as high.
    rank = (scores >= own[:, None]).sum(axis=1)
    return {
        "mrr": float((1.0 / rank).mean()),
        "r1": float((rank <= 1).mean()),
        "r10": float((rank <= 10).mean()),
    }


def bm25_baseline(split: Split, awards: Sequence[Award]) -> np.ndarray:
    """Return BM25 (k1 1.2, b 0.75, raw query counts) over each firm's concatenated awards."""
    from indusx.matching.engine.lexical import BM25Index
    from indusx.matching.engine.text import tokenize

    docs = ["\n".join(awards[r].text for r in rows) for rows in split.awards]
    index = BM25Index.build(range(len(docs)), docs)
    queries = [Counter(tokenize(awards[r].text)) for r in split.queries]
    return index.scores_many(queries)


def tfidf_baseline(split: Split, awards: Sequence[Award]) -> np.ndarray:
    """Return TF-IDF cosine (smoothed idf, sublinear tf, L2 norm) over concatenated awards."""
    from scipy import sparse

    from indusx.matching.engine.text import tokenize

    vocab: dict[str, int] = {}

    def counts(texts: Sequence[str], grow: bool) -> sparse.csr_array:
        rows, cols, vals = [], [], []
        for i, text in enumerate(texts):
            for token, c in Counter(tokenize(text)).items():
                col = vocab.setdefault(token, len(vocab)) if grow else vocab.get(token)
                if col is not None:
                    rows.append(i)
                    cols.append(col)
                    vals.append(1.0 + np.log(c))
        return sparse.csr_array((vals, (rows, cols)), shape=(len(texts), len(vocab)))

    docs = counts(["\n".join(awards[r].text for r in rows) for rows in split.awards], True)
    queries = counts([awards[r].text for r in split.queries], False)
    df = np.bincount(docs.indices, minlength=docs.shape[1])
    idf = np.log((1 + docs.shape[0]) / (1 + df)) + 1.0

    def weigh(m: sparse.csr_array) -> sparse.csr_array:
        m = m @ sparse.diags_array(idf)
        norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1))).ravel()
        return sparse.diags_array(1.0 / np.maximum(norms, 1e-12)) @ m

    return np.asarray((weigh(queries) @ weigh(docs).T).toarray(), dtype=np.float32)


def dense_baselines(split: Split, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return MiniLM cosine to each firm's mean award vector, and to its best award."""
    q = vectors[split.queries]
    rows = np.concatenate(split.awards)
    firm_of = np.repeat(np.arange(len(split.firms)), [len(a) for a in split.awards])
    starts = np.flatnonzero(np.r_[True, firm_of[1:] != firm_of[:-1]])
    means = np.add.reduceat(vectors[rows], starts, axis=0)
    means /= np.linalg.norm(means, axis=1, keepdims=True)
    best = np.maximum.reduceat(q @ vectors[rows].T, starts, axis=1)
    return q @ means.T, best


def build_engine(
    split: Split,
    awards: Sequence[Award],
    vectors: np.ndarray,
    weights: "Weights",
    max_passages: int | None = None,
) -> "SolverEngine":
    """Return the product's solver engine over the split's firms, one passage per award."""
    from indusx.matching.engine.profile import Passage, Profile
    from indusx.matching.engine.solver import SolverEngine

    engine = SolverEngine(weights)
    profiles: list[Profile] = []
    firm_vectors: list[np.ndarray | None] = []
    passage_vectors: list[np.ndarray] = []
    for i, (firm, all_rows) in enumerate(zip(split.firms, split.awards, strict=True)):
        rows = all_rows[:max_passages]
        passages = tuple(
            Passage(f"Award {awards[r].year}: {awards[r].title}", awards[r].text) for r in rows
        )
        profiles.append(Profile(id=i, name=firm, country="US", kind="startup", passages=passages))
        firm_vectors.append(None)  # the normalised mean of the passages, as the service stores
        passage_vectors.append(vectors[rows])
    engine.upsert_many(profiles, firm_vectors, passage_vectors)
    return engine


def engine_scores(
    engine: "SolverEngine", split: Split, awards: Sequence[Award], query_vectors: np.ndarray
) -> dict[str, np.ndarray]:
    """Return the engine's signals and fused scores, columns in the split's firm order."""
    texts = [awards[r].text for r in split.queries]
    scores = engine.scores_many(texts, query_vectors=query_vectors[split.queries])
    order = np.argsort(engine.org_ids)  # profile ids are firm positions
    return {name: np.ascontiguousarray(s[:, order]) for name, s in scores.items()}


# semantic_passage stays 0: scanning every passage vector costs about 3.5 times the profile
# vectors' scan (solver search latency) and gained 0.001 validation MRR over semantic_profile.
GRID = {
    "lexical_passage": (0.0, 0.25, 0.5, 0.75, 1.0),
    "semantic_passage": (0.0,),
    "semantic_profile": (0.0, 0.25, 0.5, 0.75, 1.0),
    "prior": (0.0, 0.1, 0.2, 0.3, 0.4),
}


def tune(signals: dict[str, np.ndarray], gold: np.ndarray) -> tuple["Weights", float]:
    """Return the weights (lexical_profile fixed at 1) with the best MRR, and that MRR."""
    import itertools

    from indusx.matching.engine.solver import SIGNALS, Weights, zscores

    # fuse() is the weighted sum of these z-scores; computing them once makes the grid cheap.
    z = {name: zscores(signals[name]) for name in SIGNALS}
    best: tuple[float, Weights] = (-1.0, Weights())
    for values in itertools.product(*GRID.values()):
        w = Weights(lexical_profile=1.0, **dict(zip(GRID, values, strict=True)))
        fused = sum(weight * z[name] for name, weight in w.items() if weight)
        mrr = metrics(np.asarray(fused), gold)["mrr"]
        if mrr > best[0]:
            best = (mrr, w)
    return best[1], best[0]


def main() -> None:
    from indusx.matching.engine.solver import DEFAULT_WEIGHTS, embedding_text, fuse

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = parser.parse_args()

    awards = load_awards(args.data)
    vectors = embed_cached([a.text for a in awards], args.cache)
    val = make_split(awards, "validation", 2010, 2011, 2012)
    test = make_split(awards, "test", 2012, 2013, 2014)
    # The engine embeds a statement's first words (solver.embedding_text); so does the bench.
    query_rows = sorted(set(val.queries) | set(test.queries))
    query_vectors = vectors.copy()
    query_vectors[query_rows] = embed_cached(
        [embedding_text(awards[r].text) for r in query_rows], args.cache
    )
    for s in (val, test):
        n_awards = sum(len(a) for a in s.awards)
        print(
            f"{s.name}: {len(s.firms)} firms, {n_awards} profile awards, {len(s.queries)} queries"
        )

    val_signals = engine_scores(
        build_engine(val, awards, vectors, DEFAULT_WEIGHTS), val, awards, query_vectors
    )
    tuned, val_mrr = tune(val_signals, val.gold)
    default_val = metrics(fuse(val_signals, DEFAULT_WEIGHTS), val.gold)["mrr"]
    print("\nvalidation (profiles 2001-2010, queries 2011-2012), MRR of the fused ranking:")
    print(f"  weights tuned on it in this run: {tuned}: {val_mrr:.3f}")
    print(f"  the engine's default weights:    {DEFAULT_WEIGHTS}: {default_val:.3f}")

    rows: list[tuple[str, dict[str, float]]] = []
    rows.append(
        (
            "BM25, concatenated profile (k1 1.2, b 0.75)",
            metrics(bm25_baseline(test, awards), test.gold),
        )
    )
    rows.append(
        ("TF-IDF cosine, concatenated profile", metrics(tfidf_baseline(test, awards), test.gold))
    )
    mean_cos, max_cos = dense_baselines(test, vectors)
    rows.append(("MiniLM alone, mean of awards", metrics(mean_cos, test.gold)))
    rows.append(("MiniLM alone, max over awards", metrics(max_cos, test.gold)))

    engine = build_engine(test, awards, vectors, DEFAULT_WEIGHTS)
    product = metrics(engine_scores(engine, test, awards, query_vectors)["fused"], test.gold)
    rows.append(("SolverEngine, default weights (the product)", product))
    if tuned != DEFAULT_WEIGHTS:
        retuned = build_engine(test, awards, vectors, tuned)
        rows.append(
            (
                "SolverEngine, weights tuned on validation in this run",
                metrics(engine_scores(retuned, test, awards, query_vectors)["fused"], test.gold),
            )
        )
    capped = build_engine(test, awards, vectors, DEFAULT_WEIGHTS, max_passages=40)
    rows.append(
        (
            "SolverEngine, default weights, 40 latest awards per firm",
            metrics(engine_scores(capped, test, awards, query_vectors)["fused"], test.gold),
        )
    )

    # The same ranking through search_many, the path the CLI and API take.
    texts = [awards[r].text for r in test.queries]
    started = time.perf_counter()
    results = engine.search_many(texts, k=10, query_vectors=query_vectors[test.queries])
    elapsed = time.perf_counter() - started
    hits = [
        int(test.gold[i]) in [m.candidate_id for m in matches] for i, matches in enumerate(results)
    ]
    print(
        f"\nsearch_many, k=10, explained: {len(texts)} queries in {elapsed:.1f} s "
        f"(query vectors precomputed); Recall@10 {np.mean(hits):.3f}"
    )

    print(
        f"\ntest: profiles 2001-2012, queries 2013-2014 ({len(test.queries)} queries, "
        f"{len(test.firms)} firms ranked; nothing later than 2014 is read, and no weight is "
        f"tuned on these years)"
    )
    print(f"{'method':58} {'MRR':>6} {'R@1':>6} {'R@10':>6}")
    for name, m in rows:
        print(f"{name:58} {m['mrr']:6.3f} {m['r1']:6.3f} {m['r10']:6.3f}")
    print(
        f"\ntarget: SolverEngine MRR >= 0.50: {product['mrr']:.3f} "
        f"({'met' if product['mrr'] >= 0.50 else 'NOT met'}); "
        f"{product['mrr'] / rows[0][1]['mrr']:.2f} x the BM25 baseline"
    )

    example = 0
    top = results[example][0]
    print(f"\nexample query: {awards[test.queries[example]].title!r}")
    print(f"  awardee {test.firms[test.gold[example]]!r}")
    print(f"  top firm {test.firms[top.candidate_id]!r} score {top.score:.2f} {top.components}")
    print(f"  reason: {top.reason}")


if __name__ == "__main__":
    main()
