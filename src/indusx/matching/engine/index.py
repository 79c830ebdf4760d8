"""An exact in-memory vector index: cosine top-k by one matrix product, updated in place.

Rows are L2-normalised float32 vectors, so a dot product is the cosine similarity. Updates
append rows (the buffer grows geometrically) and mark replaced or removed rows dead
(tombstones); dead rows are dropped by a compaction once they are a quarter of the rows, so an
update costs the rows it touches, amortised, and never a rebuild of the whole matrix.
A query is one BLAS product over all rows plus `np.argpartition`: no Python loop over rows.
"""

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]
IdArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# Score matrices of a batch of queries are computed this many cells at a time (64 MB).
_BATCH_CELLS = 16_000_000
_MIN_DEAD_TO_COMPACT = 1024


def normalize(vectors: npt.ArrayLike) -> FloatArray:
    """Return `vectors` as float32 rows of unit length (zero rows stay zero)."""
    out = np.array(vectors, dtype=np.float32, ndmin=2)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, norms, out=out, where=norms > 0)
    return out


class VectorIndex:
    """Exact cosine top-k over (id, vector) rows, with incremental add, replace and remove."""

    def __init__(self, dim: int, capacity: int = 1024) -> None:
        self.dim = dim
        self._vectors: FloatArray = np.zeros((capacity, dim), dtype=np.float32)
        self._ids: IdArray = np.zeros(capacity, dtype=np.int64)
        self._alive: BoolArray = np.zeros(capacity, dtype=bool)
        self._rows = 0  # rows in use, alive or dead
        self._dead = 0
        self._row_of: dict[int, int] = {}

    @classmethod
    def build(cls, ids: npt.ArrayLike, vectors: npt.ArrayLike) -> "VectorIndex":
        """Return an index holding `vectors` under `ids`."""
        vecs = normalize(vectors)
        index = cls(vecs.shape[1], capacity=max(len(vecs), 1))
        index.add(ids, vecs)
        return index

    def __len__(self) -> int:
        return self._rows - self._dead

    def __contains__(self, id_: object) -> bool:
        return id_ in self._row_of

    @property
    def ids(self) -> IdArray:
        """Return the ids of the live rows, in row order (the order `mask` arguments follow)."""
        if self._dead == 0:
            return self._ids[: self._rows].copy()
        return self._ids[: self._rows][self._alive[: self._rows]]

    def mask_for(self, ids: Iterable[int]) -> BoolArray:
        """Return the boolean mask over `self.ids` that is true for the given ids."""
        wanted = np.fromiter(ids, dtype=np.int64)
        return np.isin(self.ids, wanted)

    def add(self, ids: npt.ArrayLike, vectors: npt.ArrayLike) -> None:
        """Add new rows; an id already in the index is an error (use `replace`)."""
        id_arr = np.asarray(ids, dtype=np.int64).reshape(-1)
        clash = [int(i) for i in id_arr if int(i) in self._row_of]
        if clash:
            raise KeyError(f"ids already in the index: {clash[:5]}")
        self._append(id_arr, vectors)

    def replace(self, ids: npt.ArrayLike, vectors: npt.ArrayLike) -> None:
        """Set the vectors of `ids`, adding the ids that are not in the index yet."""
        id_arr = np.asarray(ids, dtype=np.int64).reshape(-1)
        self._kill([int(i) for i in id_arr if int(i) in self._row_of])
        self._append(id_arr, vectors)
        self._maybe_compact()

    def remove(self, ids: Iterable[int]) -> None:
        """Remove `ids` from the index; ids it does not hold are ignored."""
        self._kill([int(i) for i in ids if int(i) in self._row_of])
        self._maybe_compact()

    def vectors_for(self, ids: npt.ArrayLike) -> FloatArray:
        """Return the stored vectors of `ids` (KeyError for an unknown id)."""
        return self._vectors[self._rows_of(ids)]

    def scores_for(self, query: npt.ArrayLike, ids: npt.ArrayLike) -> FloatArray:
        """Return the cosine similarity of one query vector to each of `ids`."""
        q = normalize(query)[0]
        return self._vectors[self._rows_of(ids)] @ q

    def scores(self, queries: npt.ArrayLike) -> FloatArray:
        """Return the (queries, rows) cosine scores against every live row, in `ids` order."""
        q = normalize(queries)
        scores = q @ self._vectors[: self._rows].T
        if self._dead:
            scores = scores[:, self._alive[: self._rows]]
        return scores

    def top_k(
        self,
        queries: npt.ArrayLike,
        k: int,
        mask: BoolArray | None = None,
        exclude_ids: Iterable[int] = (),
    ) -> tuple[IdArray, FloatArray]:
        """Return the ids and cosine scores of the `k` best rows for each query, best first.

        `queries` is one vector (d,) or a batch (m, d); the result is (k,) arrays for one
        vector, else (m, k) arrays padded with id -1 and score -inf where fewer rows qualify.
        `mask` (aligned with `self.ids`) keeps only the rows where it is true; `exclude_ids`
        drops those ids (e.g. the querying organisation itself).
        """
        single = np.ndim(queries) == 1
        q = normalize(queries)
        if q.shape[1] != self.dim:
            raise ValueError(f"query dimension {q.shape[1]} != index dimension {self.dim}")
        n = self._rows
        blocked = self._blocked_rows(mask, exclude_ids)
        k_eff = max(0, min(k, n))
        out_ids = np.full((len(q), k_eff), -1, dtype=np.int64)
        out_scores = np.full((len(q), k_eff), -np.inf, dtype=np.float32)
        if k_eff > 0:
            step = max(1, _BATCH_CELLS // max(n, 1))
            for start in range(0, len(q), step):
                chunk = q[start : start + step]
                if len(chunk) == 1:  # matrix-vector product: the cheapest scan
                    sc = (self._vectors[:n] @ chunk[0])[None, :]
                else:
                    sc = chunk @ self._vectors[:n].T
                if blocked is not None:
                    sc[:, blocked] = -np.inf
                ids, vals = self._select(sc, k_eff)
                out_ids[start : start + len(chunk)] = ids
                out_scores[start : start + len(chunk)] = vals
        if single:
            keep = np.isfinite(out_scores[0])
            return out_ids[0][keep], out_scores[0][keep]
        return out_ids, out_scores

    def compact(self) -> None:
        """Drop dead rows now (updates do this on their own once a quarter of rows are dead)."""
        if self._dead == 0:
            return
        live = np.flatnonzero(self._alive[: self._rows])
        n = len(live)
        self._vectors[:n] = self._vectors[live]
        self._ids[:n] = self._ids[live]
        self._alive[:n] = True
        self._alive[n : self._rows] = False
        self._rows, self._dead = n, 0
        self._row_of = {int(i): r for r, i in enumerate(self._ids[:n])}

    def _select(self, scores: FloatArray, k: int) -> tuple[IdArray, FloatArray]:
        n = scores.shape[1]
        if k < n:
            part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        else:
            part = np.broadcast_to(np.arange(n), scores.shape).copy()
        part_scores = np.take_along_axis(scores, part, axis=1)
        order = np.argsort(-part_scores, axis=1, kind="stable")
        rows = np.take_along_axis(part, order, axis=1)
        vals = np.take_along_axis(part_scores, order, axis=1)
        ids = self._ids[rows]
        ids[~np.isfinite(vals)] = -1
        return ids, vals

    def _blocked_rows(
        self, mask: BoolArray | None, exclude_ids: Iterable[int]
    ) -> npt.NDArray[np.intp] | None:
        """Return the rows a query must not return (dead, masked out, excluded), or None."""
        n = self._rows
        parts: list[npt.NDArray[np.intp]] = []
        live_rows = np.flatnonzero(self._alive[:n]) if self._dead else None
        if self._dead:
            parts.append(np.flatnonzero(~self._alive[:n]))
        if mask is not None:
            mask = np.asarray(mask, dtype=bool)
            if mask.shape != (n - self._dead,):
                raise ValueError(f"mask has shape {mask.shape}, index holds {len(self)} rows")
            off = np.flatnonzero(~mask)
            parts.append(off if live_rows is None else live_rows[off])
        excluded = [self._row_of[int(i)] for i in exclude_ids if int(i) in self._row_of]
        if excluded:
            parts.append(np.asarray(excluded, dtype=np.intp))
        if not parts:
            return None
        return np.concatenate(parts)

    def _rows_of(self, ids: npt.ArrayLike) -> npt.NDArray[np.intp]:
        return np.fromiter(
            (self._row_of[int(i)] for i in np.asarray(ids).reshape(-1)), dtype=np.intp
        )

    def _append(self, ids: IdArray, vectors: npt.ArrayLike) -> None:
        vecs = normalize(vectors)
        if len(ids) == 0:
            return
        if vecs.shape != (len(ids), self.dim):
            raise ValueError(f"expected {len(ids)} vectors of dimension {self.dim}")
        if len(set(ids.tolist())) != len(ids):
            raise ValueError("duplicate ids in one update")
        need = self._rows + len(ids)
        if need > len(self._ids):
            self._grow(max(need, 2 * len(self._ids)))
        r0, r1 = self._rows, need
        self._vectors[r0:r1] = vecs
        self._ids[r0:r1] = ids
        self._alive[r0:r1] = True
        self._row_of.update((int(i), r) for r, i in zip(range(r0, r1), ids, strict=True))
        self._rows = need

    def _grow(self, capacity: int) -> None:
        vectors = np.zeros((capacity, self.dim), dtype=np.float32)
        vectors[: self._rows] = self._vectors[: self._rows]
        ids = np.zeros(capacity, dtype=np.int64)
        ids[: self._rows] = self._ids[: self._rows]
        alive = np.zeros(capacity, dtype=bool)
        alive[: self._rows] = self._alive[: self._rows]
        self._vectors, self._ids, self._alive = vectors, ids, alive

    def _kill(self, ids: list[int]) -> None:
        for i in ids:
            self._alive[self._row_of.pop(i)] = False
        self._dead += len(ids)

    def _maybe_compact(self) -> None:
        if self._dead >= max(_MIN_DEAD_TO_COMPACT, self._rows // 4):
            self.compact()
