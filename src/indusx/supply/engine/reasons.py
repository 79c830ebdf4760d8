"""The reasons behind each part's criticality score, in plain words.

Reasons are written a component at a time for every part it applies to, then put together
per part in order of contribution. Parts whose components rank in the same order (a few
hundred patterns in a large network) are put together in one step; 200,000 parts handled one
at a time would spend more time dispatching than writing sentences.
"""

from collections.abc import Callable
from typing import Any

import numpy as np

from indusx.supply.engine.countries import CountryFigures
from indusx.supply.engine.network import BoolArray, FloatArray, IntArray, SupplyNetwork

NO_SOURCE = "no qualified source recorded"
# HHI bands of the US merger guidelines (2010): above 2,500 is highly concentrated.
CONCENTRATED = 2500.0
MODERATE = 1500.0


def concentration_label(hhi: float) -> str:
    """Return the merger-guidelines band of an HHI."""
    if hhi > CONCENTRATED:
        return "concentrated"
    if hhi > MODERATE:
        return "moderately concentrated"
    return "unconcentrated"


class ReasonWriter:
    """Writes the reasons of parts; one text function per criticality component."""

    def __init__(
        self,
        network: SupplyNetwork,
        figures: CountryFigures,
        flagged: dict[int, list[int]],
        longest: list[int],
        on_path: BoolArray,
        level: FloatArray,
    ) -> None:
        self.network = network
        self.figures = figures
        self.flagged = flagged
        self.longest = np.array(longest, dtype=np.int64).reshape(len(longest))
        self.on_path = on_path
        self.level = level
        valid = np.flatnonzero(network.source_valid)
        part = network.source_part[valid]
        first = np.ones(len(valid), dtype=bool)
        first[1:] = part[1:] != part[:-1]
        self.first_valid = np.full(len(network), -1, dtype=np.int64)
        self.first_valid[part[first]] = valid[first]
        # In COMPONENTS order.
        self.texts: tuple[Callable[[IntArray], list[str]], ...] = (
            self._single_source,
            self._single_country,
            self._concentration,
            self._outside,
            self._watch,
            self._screening,
            self._lead_time,
        )

    def write(self, positions: IntArray, contribution: FloatArray) -> list[tuple[str, ...]]:
        """Return the reasons of the parts at `positions`, biggest contribution first.

        `contribution` holds each part's points per component (one row per position); ties
        keep the components' order.
        """
        width = len(self.texts)
        order = np.argsort(-contribution, axis=1, kind="stable")
        ranked = np.where(np.take_along_axis(contribution, order, axis=1) > 0, order, width)
        pattern = ranked @ ((width + 1) ** np.arange(width, dtype=np.int64))
        _, first, inverse = np.unique(pattern, return_index=True, return_inverse=True)
        columns: list[tuple[IntArray, list[str]]] = []
        for k, text in enumerate(self.texts):
            rows = np.flatnonzero(contribution[:, k] > 0)
            columns.append((rows, text(positions[rows])))
        out: list[tuple[str, ...]] = [()] * len(positions)
        by_pattern = np.argsort(inverse, kind="stable")
        bounds = np.concatenate(([0], np.cumsum(np.bincount(inverse, minlength=len(first)))))
        for p, start in enumerate(first.tolist()):
            rows = by_pattern[bounds[p] : bounds[p + 1]]
            parts = []
            for k in ranked[start].tolist():
                if k == width:
                    break
                at, texts = columns[k]
                parts.append(list(map(texts.__getitem__, np.searchsorted(at, rows).tolist())))
            for row, reasons in zip(rows.tolist(), zip(*parts, strict=True), strict=False):
                out[row] = reasons
        return out

    def _suppliers(self, sources: IntArray) -> list[str]:
        network = self.network
        names, keys, countries = network.supplier_names, network.supplier_keys, network.countries
        return [
            f"{names[name] or keys[key]} ({countries[country]})"
            for name, key, country in zip(
                network.source_name[sources].tolist(),
                network.source_supplier[sources].tolist(),
                network.source_country[sources].tolist(),
                strict=True,
            )
        ]

    def _single_source(self, at: IntArray) -> list[str]:
        return [f"single source: {s}" for s in self._suppliers(self.first_valid[at])]

    def _single_country(self, at: IntArray) -> list[str]:
        countries = self.network.countries
        codes = self.network.source_country[self.first_valid[at]].tolist()
        return [f"all supply from one country: {countries[c]}" for c in codes]

    def _concentration(self, at: IntArray) -> list[str]:
        return [f"HHI {h:,.0f} ({concentration_label(h)})" for h in self.figures.hhi[at].tolist()]

    def _shares(self, at: IntArray, *columns: Any) -> Any:
        return zip(*(column[at].tolist() for column in columns), strict=True)

    def _outside(self, at: IntArray) -> list[str]:
        f, countries = self.figures, self.network.countries
        return [
            f"{share:.0%} of supply from {countries[top]}, outside partners and allies"
            if count == 1
            else f"{share:.0%} of supply from outside partners and allies, "
            f"most from {countries[top]} ({top_share:.0%})"
            for share, count, top, top_share in self._shares(
                at, f.outside, f.outside_count, f.outside_top, f.outside_top_share
            )
        ]

    def _watch(self, at: IntArray) -> list[str]:
        f, countries = self.figures, self.network.countries
        return [
            f"{share:.0%} of supply from {countries[top]}, a watched country"
            if count == 1
            else f"{share:.0%} of supply from watched countries, "
            f"most from {countries[top]} ({top_share:.0%})"
            for share, count, top, top_share in self._shares(
                at, f.watch, f.watch_count, f.watch_top, f.watch_top_share
            )
        ]

    def _screening(self, at: IntArray) -> list[str]:
        out = []
        for i, level in zip(at.tolist(), self.level[at].tolist(), strict=True):
            sources = self.flagged[i]
            what = (
                "supplier with a confirmed screening hit"
                if level >= 1.0
                else "supplier under screening review"
            )
            more = f" and {len(sources) - 1} more flagged" if len(sources) > 1 else ""
            supplier = self._suppliers(np.array(sources[:1], dtype=np.int64))[0]
            out.append(f"{what}: {supplier}{more}")
        return out

    def _lead_time(self, at: IntArray) -> list[str]:
        network = self.network
        return [
            f"on the critical path: {days} days"
            if on_path
            else f"{days} days of lead time down its BOM, against {longest} on the critical path"
            for days, on_path, longest in zip(
                network.path_lead[at].tolist(),
                self.on_path[at].tolist(),
                self.longest[network.part_system[at]].tolist(),
                strict=True,
            )
        ]
