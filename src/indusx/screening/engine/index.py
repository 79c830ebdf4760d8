"""Candidate retrieval: an inverted index of name tokens, their typo neighbours and sound keys.

A query never scans the list. Each query token is looked up in a dictionary of index tokens
(exact, one deletion either side, which covers one typo, and consonant skeleton); the tokens
found are checked with the scorer's own token similarity. A sparse product of "query matched
token" by "token occurs in name" then gives, for a whole batch at once, how much of each name
and of each query is covered; only names covered enough on both sides are scored in full.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from indusx.screening.engine.compare import entry_keys, score_entry
from indusx.screening.engine.names import NameKey, name_key, skeleton
from indusx.screening.engine.score import MIN_TOKEN_SIM, best_sim, token_sim
from indusx.screening.engine.stats import TokenStats
from indusx.screening.engine.types import Hit, IndexEntry, Query
from indusx.screening.engine.variants import variant_key

REVIEW_THRESHOLD = 0.75
RETRIEVAL_MIN_WEIGHT = 0.5  # particles and initials find nothing on their own
# A name is scored in full only if the coverage retrieval found could reach the threshold:
# 0.7 x the better side + 0.3 x the other side (the scorer's most lenient form, for people),
# with slack for what retrieval does not see (initials, particles, words written together).
MIN_COVER = 0.6
MAX_CANDIDATES = 40  # names scored in full per query, best covered first
BATCH = 1024


@dataclass(frozen=True, slots=True)
class _Name:
    entry_key: int
    key: NameKey
    kind: str  # name, alias or weak


def deletions(token: str) -> set[str]:
    """Return the token with each one letter deleted (for tokens of four letters or more)."""
    if len(token) < 4:
        return set()
    return {token[:i] + token[i + 1 :] for i in range(len(token))}


def _retrieval_tokens(key: NameKey) -> list[tuple[str, float]]:
    strong = [(t, w) for t, w in zip(key.tokens, key.weights, strict=True)]
    picked = [(t, w) for t, w in strong if w >= RETRIEVAL_MIN_WEIGHT]
    return picked or strong


class ScreeningIndex:
    """Restricted-party names, searchable by any spelling of a name."""

    def __init__(self, entries: Iterable[IndexEntry] = ()) -> None:
        self._entries: dict[int, IndexEntry] = {}
        self._names: list[_Name | None] = []
        self._entry_nids: dict[int, list[int]] = {}
        self._vocab: dict[str, int] = {}
        self._vocab_tokens: list[str] = []
        self._vocab_skeletons: list[str] = []
        self._vocab_raw: dict[int, set[str]] = defaultdict(set)  # spellings as written
        self._lookup: dict[str, set[int]] = defaultdict(set)
        self._joined: dict[str, set[int]] = defaultdict(set)
        self._cover = sparse.csr_matrix((0, 0), dtype=np.float32)
        self._present = sparse.csr_matrix((0, 0), dtype=np.float32)
        self.stats = TokenStats()
        self.add(entries)

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, entries: Iterable[IndexEntry]) -> None:
        """Add entries, replacing any already indexed under the same key."""
        entries = list(entries)
        self._drop([e.key for e in entries if e.key in self._entries])
        for entry in entries:
            self._entries[entry.key] = entry
            nids = []
            for key, kind in entry_keys(entry):
                nid = len(self._names)
                self._names.append(_Name(entry.key, key, kind))
                nids.append(nid)
                for tok, _ in _retrieval_tokens(key):
                    self._vocab_id(tok)
                for tok, raw in zip(key.tokens, key.raw, strict=True):
                    if raw != tok and tok in self._vocab:
                        self._raw_form(self._vocab[tok], raw)
                self._joined[key.joined].add(nid)
                self._joined["".join(key.tokens)].add(nid)
            self._entry_nids[entry.key] = nids
        self._rebuild()

    def remove(self, keys: Iterable[int]) -> None:
        """Remove the entries with these keys (unknown keys are ignored)."""
        self._drop(list(keys))
        self._rebuild()

    def _drop(self, keys: list[int]) -> None:
        for k in keys:
            self._entries.pop(k, None)
            for nid in self._entry_nids.pop(k, ()):
                self._names[nid] = None

    def _vocab_id(self, token: str) -> int:
        vid = self._vocab.get(token)
        if vid is None:
            vid = self._vocab[token] = len(self._vocab_tokens)
            self._vocab_tokens.append(token)
            skel = skeleton(token) if token.isalpha() else token
            self._vocab_skeletons.append(skel)
            self._lookup[token].add(vid)
            for d in deletions(token):
                self._lookup[d].add(vid)
            if len(skel) >= 2:
                self._lookup["~" + skel].add(vid)
            if token.isalpha():
                self._lookup["^" + variant_key(token)].add(vid)
        return vid

    def _raw_form(self, vid: int, raw: str) -> None:
        """Make a token findable by its spelling as written, and its typos, too."""
        if raw in self._vocab_raw[vid]:
            return
        self._vocab_raw[vid].add(raw)
        self._lookup[raw].add(vid)
        for d in deletions(raw):
            self._lookup[d].add(vid)

    def _rebuild(self) -> None:
        """Rebuild the token-by-name matrices (one pass over the live names)."""
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        for nid, name in enumerate(self._names):
            if name is None:
                continue
            toks = _retrieval_tokens(name.key)
            total = sum(w for _, w in toks) or 1.0
            for tok, w in toks:
                rows.append(self._vocab[tok])
                cols.append(nid)
                vals.append(w / total)
        shape = (len(self._vocab_tokens), len(self._names))
        cover = sparse.coo_matrix((vals, (rows, cols)), shape=shape, dtype=np.float32).tocsr()
        cover.sum_duplicates()
        present = cover.copy()
        present.data[:] = 1.0
        stats = TokenStats.from_tokens(n.key.tokens for n in self._names if n is not None)
        # Swapped in one assignment each, so that concurrent readers see whole matrices.
        self._cover, self._present, self.stats = cover, present, stats

    def _token_matches(
        self, token: str, raw: str, skel: str, abjad: bool
    ) -> list[tuple[int, float]]:
        found: set[int] = set(self._lookup.get(token, ()))
        for d in deletions(token) | ({raw} | deletions(raw) if raw != token else set()):
            found.update(self._lookup.get(d, ()))
        if len(skel) >= 2:
            found.update(self._lookup.get("~" + skel, ()))
        if token.isalpha():
            found.update(self._lookup.get("^" + variant_key(token), ()))
        out = []
        for vid in found:
            vt = self._vocab_tokens[vid]
            sim, _, _ = token_sim(token, vt, skel, self._vocab_skeletons[vid], abjad)
            for form in self._vocab_raw.get(vid, ()) if sim < 1.0 else ():
                sim = max(sim, best_sim(token, vt, skel, "", (raw, form), abjad)[0])
            if raw != token and sim < 1.0:
                sim = max(sim, best_sim(token, vt, skel, "", (raw, vt), abjad)[0])
            if sim >= MIN_TOKEN_SIM:
                out.append((vid, sim))
        return out

    def search(
        self, query: Query, *, threshold: float = REVIEW_THRESHOLD, limit: int = 10
    ) -> list[Hit]:
        """Return the entries that may be the queried party, best first."""
        return self.search_many([query], threshold=threshold, limit=limit)[0]

    def search_many(
        self, queries: Sequence[Query], *, threshold: float = REVIEW_THRESHOLD, limit: int = 10
    ) -> list[list[Hit]]:
        """Return the hits of each query, in input order."""
        out: list[list[Hit]] = []
        cache: dict[tuple[str, str, bool], list[tuple[int, float]]] = {}
        cover, present, names = self._cover, self._present, self._names
        for start in range(0, len(queries), BATCH):
            chunk = queries[start : start + BATCH]
            out.extend(self._search_chunk(chunk, cover, present, names, cache, threshold, limit))
        return out

    def _search_chunk(
        self,
        queries: Sequence[Query],
        cover: sparse.csr_matrix,
        present: sparse.csr_matrix,
        names: list[_Name | None],
        cache: dict[tuple[str, str, bool], list[tuple[int, float]]],
        threshold: float,
        limit: int,
    ) -> list[list[Hit]]:
        keys = [name_key(q.name) for q in queries]
        a_rows: list[int] = []
        a_cols: list[int] = []
        a_vals: list[float] = []
        b_vals: list[float] = []
        for qi, key in enumerate(keys):
            every = list(zip(key.tokens, key.raw, key.skeletons, key.weights, strict=True))
            toks = [t for t in every if t[3] >= RETRIEVAL_MIN_WEIGHT] or every
            total = sum(t[3] for t in toks) or 1.0
            seen: dict[int, tuple[float, float]] = {}
            for tok, raw, skel, w in toks:
                vids = cache.get((tok, raw, key.abjad))
                if vids is None:
                    vids = self._token_matches(tok, raw, skel, key.abjad)
                    cache[(tok, raw, key.abjad)] = vids
                for vid, sim in vids:
                    old = seen.get(vid, (0.0, 0.0))
                    seen[vid] = (max(old[0], sim), max(old[1], sim * w / total))
            for vid, (sim, frac) in seen.items():
                a_rows.append(qi)
                a_cols.append(vid)
                a_vals.append(sim)
                b_vals.append(frac)
        shape = (len(queries), cover.shape[0])
        qfrac = sparse.csr_matrix((b_vals, (a_rows, a_cols)), shape=shape, dtype=np.float32)
        qsim = sparse.csr_matrix((a_vals, (a_rows, a_cols)), shape=shape, dtype=np.float32)
        name_cov = (qsim @ cover).tocsr()  # share of each name's weight the query found
        query_cov = (qfrac @ present).tocsr()  # share of the query's weight found in the name
        name_cov.sort_indices()
        query_cov.sort_indices()
        results = []
        for qi, (query, key) in enumerate(zip(queries, keys, strict=True)):
            cand = self._candidates(name_cov, query_cov, qi, key)
            results.append(self._score(query, key, cand, names, threshold, limit))
        return results

    def _candidates(
        self, name_cov: sparse.csr_matrix, query_cov: sparse.csr_matrix, qi: int, key: NameKey
    ) -> list[int]:
        lo, hi = name_cov.indptr[qi], name_cov.indptr[qi + 1]
        nids = name_cov.indices[lo:hi]
        nc = np.minimum(name_cov.data[lo:hi], 1.0)
        qlo, qhi = query_cov.indptr[qi], query_cov.indptr[qi + 1]
        # Both products have the same sparsity pattern (rows of the same query).
        qc = np.minimum(query_cov.data[qlo:qhi], 1.0)
        reach = 0.7 * np.maximum(nc, qc) + 0.3 * np.minimum(nc, qc)
        keep = reach >= MIN_COVER
        chosen = nids[keep]
        if len(chosen) > MAX_CANDIDATES:
            order = np.argsort(-reach[keep], kind="stable")[:MAX_CANDIDATES]
            chosen = chosen[order]
        found = set(chosen.tolist())
        found.update(self._joined.get(key.joined, ()))
        found.update(self._joined.get("".join(key.tokens), ()))
        return sorted(found)

    def _score(
        self,
        query: Query,
        key: NameKey,
        nids: list[int],
        names: list[_Name | None],
        threshold: float,
        limit: int,
    ) -> list[Hit]:
        by_entry: dict[int, list[tuple[NameKey, str]]] = defaultdict(list)
        for nid in nids:
            name = names[nid] if nid < len(names) else None
            if name is not None:
                by_entry[name.entry_key].append((name.key, name.kind))
        hits = []
        for entry_key, keys in by_entry.items():
            entry = self._entries.get(entry_key)
            if entry is None:
                continue
            hit = score_entry(query, key, entry, keys, self.stats)
            if hit is not None and hit.score >= threshold:
                hits.append(hit)
        hits.sort(key=lambda h: (-h.score, -h.name_score, h.key))
        return hits[:limit]
