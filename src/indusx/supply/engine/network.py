"""The supply network: bills of materials as one graph, sources as columns of numbers.

Parts are addressed inside the engine by their position (0..n-1 in the order given); the
public accessors take and return the callers' keys. Everything that does not depend on a risk
policy or a scenario (BOM order, units per system, lead times) is computed once, here.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import Any

import numpy as np
import numpy.typing as npt
import rustworkx as rx

from indusx.supply.engine.types import LineRow, PartRow, SourceRow, SystemRow

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

_NAMED = 3  # offending items an error message names before "and N more"


class BomError(ValueError):
    """A bill of materials or source list that cannot be analysed; the message says why."""


def _columns(rows: Iterable[Sequence[Any]], width: int, what: str) -> list[list[Any]]:
    """Return the rows as `width` columns."""
    listed = rows if isinstance(rows, list | tuple) else list(rows)
    widths = set(map(len, listed)) - {width}
    if widths:
        raise BomError(f"{what} rows need {width} columns, some have {min(widths)}")
    # One C-level pass per column: twice as fast as zip(*rows) on a million rows.
    return [list(map(itemgetter(column), listed)) for column in range(width)]


def _intern(values: Sequence[str]) -> tuple[list[str], IntArray]:
    """Return the distinct values in first-seen order and each value's code."""
    table = {value: code for code, value in enumerate(dict.fromkeys(values))}
    return list(table), np.array(list(map(table.__getitem__, values)), dtype=np.int64)


def _positions(keys: IntArray, wanted: IntArray) -> IntArray:
    """Return the position of each wanted key in `keys`, -1 where it is not there."""
    if len(keys) == 0:
        return np.full(len(wanted), -1, dtype=np.int64)
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    at = np.minimum(np.searchsorted(ordered, wanted), len(keys) - 1)
    return np.where(ordered[at] == wanted, order[at], -1)


def _as_floats(values: Sequence[Any]) -> FloatArray:
    """Return the values as floats, None as NaN."""
    return np.array(values, dtype=np.float64).reshape(len(values))


def _pointers(groups: IntArray, size: int) -> IntArray:
    """Return CSR offsets of `groups` (sorted group numbers 0..size-1)."""
    counts = np.bincount(groups, minlength=size)
    return np.concatenate(([0], np.cumsum(counts))).astype(np.int64)


def sums(groups: IntArray, weights: FloatArray, size: int) -> FloatArray:
    """Return the sum of `weights` in each group 0..size-1."""
    return np.asarray(np.bincount(groups, weights=weights, minlength=size), dtype=np.float64)


def _listing(items: list[str]) -> str:
    """Return the first few items, with how many more there are."""
    shown = ", ".join(items[:_NAMED])
    return shown if len(items) <= _NAMED else f"{shown} and {len(items) - _NAMED} more"


class SupplyNetwork:
    """Systems, their bills of materials and their parts' sources, ready for analysis.

    Arrays named `part_*` are indexed by part position, `source_*` by source position; the
    sources are held sorted by part (input order kept within a part) so that
    `source_ptr[i]:source_ptr[i + 1]` are part i's sources.
    """

    # Systems, in the order given.
    system_keys: IntArray
    system_names: list[str]
    system_demand: FloatArray
    # Parts, in the order given.
    part_keys: IntArray
    part_system: IntArray  # system position
    part_numbers: list[str]
    part_names: list[str]
    part_kinds: list[str]
    # BOM lines between parts, sorted by parent; child_ptr indexes them by parent position.
    line_parent: IntArray
    line_child: IntArray
    line_qty: FloatArray
    child_ptr: IntArray
    # Lines with no parent: the tops of the systems.
    top_part: IntArray
    top_qty: FloatArray
    graph: rx.PyDiGraph[int, None]  # node index = part position, one edge per line
    order: IntArray  # part positions in BOM order, grouped by system
    rank: IntArray  # each part's place in `order`
    system_ptr: IntArray  # order[system_ptr[s]:system_ptr[s + 1]] are system s's parts
    generation: IntArray  # longest chain of lines above the part
    units: FloatArray  # units per system unit, over every BOM path
    # Sources, sorted by part.
    source_keys: IntArray
    source_part: IntArray
    source_supplier: IntArray  # code into supplier_keys
    source_name: IntArray  # code into supplier_names
    source_country: IntArray  # code into countries
    source_share: FloatArray
    source_lead: IntArray
    source_capacity: FloatArray  # NaN = unknown
    source_cost: FloatArray  # NaN = unknown
    source_stock: FloatArray
    source_ptr: IntArray
    supplier_keys: list[str]
    supplier_index: dict[str, int]
    supplier_names: list[str]
    countries: list[str]
    country_index: dict[str, int]
    # Supply figures that no policy or scenario changes.
    source_valid: BoolArray  # share above zero: the sources that count
    source_norm: FloatArray  # share normalised within the part (0 for sources that do not count)
    part_sources: IntArray  # sources that count
    part_lead: IntArray  # longest lead time among them
    path_lead: IntArray  # part_lead plus the longest path_lead among its children

    _system_index: dict[int, int]
    _part_index: dict[int, int]

    @classmethod
    def build(
        cls,
        systems: Iterable[Sequence[Any]],
        parts: Iterable[Sequence[Any]],
        lines: Iterable[Sequence[Any]],
        sources: Iterable[Sequence[Any]],
    ) -> "SupplyNetwork":
        """Return the network of these rows, or raise BomError naming what is wrong."""
        network = cls.__new__(cls)
        network._load_systems(_columns(systems, len(SystemRow._fields), "system"))
        network._load_parts(_columns(parts, len(PartRow._fields), "part"))
        network._load_lines(_columns(lines, len(LineRow._fields), "BOM line"))
        network._load_sources(_columns(sources, len(SourceRow._fields), "source"))
        network._derive()
        return network

    def _numbers(self, positions: Iterable[int]) -> list[str]:
        return [self.part_numbers[int(i)] for i in positions]

    def _load_systems(self, columns: list[list[Any]]) -> None:
        keys, names, demand = columns
        self.system_keys = np.array(keys, dtype=np.int64).reshape(len(keys))
        self.system_names = [str(name) for name in names]
        self.system_demand = _as_floats(demand)
        self._system_index = {int(key): i for i, key in enumerate(keys)}
        if len(self._system_index) != len(keys):
            raise BomError("a system key appears twice")
        bad = np.flatnonzero(~(self.system_demand >= 0))
        if len(bad):
            names_ = _listing([self.system_names[i] for i in bad])
            raise BomError(f"annual demand must be zero or more: {names_}")

    def _load_parts(self, columns: list[list[Any]]) -> None:
        keys, systems, numbers, names, kinds = columns
        self.part_keys = np.array(keys, dtype=np.int64).reshape(len(keys))
        self.part_numbers = [str(number) for number in numbers]
        self.part_names = [str(name) for name in names]
        self.part_kinds = [str(kind) for kind in kinds]
        self._part_index = {int(key): i for i, key in enumerate(keys)}
        if len(self._part_index) != len(keys):
            counts = Counter(keys)
            twice = [str(n) for k, n in zip(keys, numbers, strict=True) if counts[k] > 1]
            raise BomError(f"a part key appears twice: {_listing(twice)}")
        wanted = np.array(systems, dtype=np.int64).reshape(len(systems))
        self.part_system = _positions(self.system_keys, wanted)
        bad = np.flatnonzero(self.part_system < 0)
        if len(bad):
            raise BomError(f"parts of an unknown system: {_listing(self._numbers(bad))}")

    def _load_lines(self, columns: list[list[Any]]) -> None:
        parents, children, quantities = columns
        n = len(self.part_keys)
        top = np.array([parent is None for parent in parents], dtype=bool).reshape(len(parents))
        parent_keys = np.array(
            [0 if parent is None else parent for parent in parents], dtype=np.int64
        ).reshape(len(parents))
        parent = np.where(top, -2, _positions(self.part_keys, parent_keys))
        child = _positions(self.part_keys, np.array(children, dtype=np.int64).reshape(-1))
        qty = _as_floats(quantities)

        def named(i: int, key: Any) -> str:
            return self.part_numbers[i] if i >= 0 else f"unknown key {key}"

        bad = np.flatnonzero((parent == -1) | (child < 0))
        if len(bad):
            pairs = [
                f"{named(parent[i], parents[i])} -> {named(child[i], children[i])}" for i in bad
            ]
            raise BomError(f"BOM lines with an unknown part: {_listing(pairs)}")
        crossing = np.flatnonzero(
            ~top & (self.part_system[np.maximum(parent, 0)] != self.part_system[child])
        )
        if len(crossing):
            pairs = [
                f"{self.part_numbers[parent[i]]} -> {self.part_numbers[child[i]]}" for i in crossing
            ]
            raise BomError(f"BOM lines joining parts of two systems: {_listing(pairs)}")
        bad = np.flatnonzero(~(qty > 0))
        if len(bad):
            pairs = [
                ("top" if top[i] else self.part_numbers[parent[i]])
                + f" -> {self.part_numbers[child[i]]} ({qty[i]:g})"
                for i in bad
            ]
            raise BomError(f"BOM quantities must be above zero: {_listing(pairs)}")

        self.top_part = child[top]
        self.top_qty = qty[top]
        by_parent = np.argsort(parent[~top], kind="stable")
        self.line_parent = parent[~top][by_parent]
        self.line_child = child[~top][by_parent]
        self.line_qty = qty[~top][by_parent]
        self.child_ptr = _pointers(self.line_parent, n)

        graph: rx.PyDiGraph[int, None] = rx.PyDiGraph(multigraph=True)
        graph.add_nodes_from(range(n))
        graph.add_edges_from_no_data(
            list(zip(self.line_parent.tolist(), self.line_child.tolist(), strict=True))
        )
        if not rx.is_directed_acyclic_graph(graph):
            cycle = rx.digraph_find_cycle(graph)
            path = [self.part_numbers[a] for a, _ in cycle] + [self.part_numbers[cycle[0][0]]]
            raise BomError(f"the bill of materials has a cycle: {' -> '.join(path)}")
        self.graph = graph

    def _load_sources(self, columns: list[list[Any]]) -> None:
        keys, parts, suppliers, names, countries, shares, leads, capacity, cost, stock = columns
        count = len(keys)
        part = _positions(self.part_keys, np.array(parts, dtype=np.int64).reshape(count))
        bad = np.flatnonzero(part < 0)
        if len(bad):
            listed = [f"source {keys[i]} (part key {parts[i]})" for i in bad]
            raise BomError(f"sources of an unknown part: {_listing(listed)}")
        share = _as_floats(shares)
        lead = _as_floats(leads)
        cap = _as_floats(capacity)
        stock_ = np.nan_to_num(_as_floats(stock), nan=0.0)
        for label, broken in (
            ("shares must lie between 0 and 1", ~((share >= 0) & (share <= 1))),
            ("lead times must be zero or more", ~(lead >= 0)),
            ("stock must be zero or more", stock_ < 0),
            ("capacity must be zero or more", cap < 0),
        ):
            bad = np.flatnonzero(broken)
            if len(bad):
                listed = [f"{self.part_numbers[part[i]]} (source {keys[i]})" for i in bad]
                raise BomError(f"{label}: {_listing(listed)}")

        by_part = np.argsort(part, kind="stable")
        self.source_part = part[by_part]
        self.source_keys = np.array(keys, dtype=np.int64).reshape(count)[by_part]
        self.supplier_keys, codes = _intern(suppliers)
        self.source_supplier = codes[by_part]
        self.supplier_index = {key: code for code, key in enumerate(self.supplier_keys)}
        self.supplier_names, codes = _intern(names)
        self.source_name = codes[by_part]
        self.countries, codes = _intern(countries)
        self.countries = [country.upper() for country in self.countries]
        self.source_country = codes[by_part]
        self.country_index = {country: code for code, country in enumerate(self.countries)}
        self.source_share = share[by_part]
        self.source_lead = lead[by_part].astype(np.int64)
        self.source_capacity = cap[by_part]
        self.source_cost = _as_floats(cost)[by_part]
        self.source_stock = stock_[by_part]
        self.source_ptr = _pointers(self.source_part, len(self.part_keys))

    def _derive(self) -> None:
        n = len(self.part_keys)
        # BOM order is the order given, with parents moved ahead of their children where
        # needed; rows that already put parents first (the usual case) keep their order.
        if (self.line_parent < self.line_child).all():
            topo = np.arange(n, dtype=np.int64)
        else:
            topo = np.array(
                rx.lexicographical_topological_sort(self.graph, key=lambda i: f"{i:012d}"),
                dtype=np.int64,
            ).reshape(n)
        self.order = topo[np.argsort(self.part_system[topo], kind="stable")]
        self.rank = np.empty(n, dtype=np.int64)
        self.rank[self.order] = np.arange(n)
        self.system_ptr = _pointers(np.sort(self.part_system), len(self.system_keys))

        self.generation = np.zeros(n, dtype=np.int64)
        for level, nodes in enumerate(rx.topological_generations(self.graph)):
            self.generation[np.asarray(nodes, dtype=np.int64)] = level
        # Lines grouped by their parent's generation: a child's generation is always above
        # its parents', so one pass per generation sees every parent complete.
        line_level = self.generation[self.line_parent]
        by_level = np.argsort(line_level, kind="stable")
        levels = _pointers(line_level[by_level], int(self.generation.max(initial=0)) + 1)
        parent = self.line_parent[by_level]
        child = self.line_child[by_level]
        qty = self.line_qty[by_level]

        self.units = sums(self.top_part, self.top_qty, n)
        for level in range(len(levels) - 1):
            lo, hi = levels[level], levels[level + 1]
            np.add.at(self.units, child[lo:hi], self.units[parent[lo:hi]] * qty[lo:hi])

        self.source_valid = self.source_share > 0
        valid_part = self.source_part[self.source_valid]
        total = sums(valid_part, self.source_share[self.source_valid], n)
        self.source_norm = np.where(
            self.source_valid, self.source_share / np.maximum(total[self.source_part], 1e-300), 0.0
        )
        self.part_sources = np.bincount(valid_part, minlength=n)
        self.part_lead = np.zeros(n, dtype=np.int64)
        np.maximum.at(self.part_lead, valid_part, self.source_lead[self.source_valid])

        self.path_lead = self.part_lead.copy()
        for level in reversed(range(len(levels) - 1)):
            lo, hi = levels[level], levels[level + 1]
            p = parent[lo:hi]
            np.maximum.at(self.path_lead, p, self.part_lead[p] + self.path_lead[child[lo:hi]])

    # Accessors by key, for callers.

    def index(self, part_key: int) -> int:
        """Return the position of a part, or raise KeyError."""
        return self._part_index[part_key]

    def system_index(self, system_key: int) -> int:
        """Return the position of a system, or raise KeyError."""
        return self._system_index[system_key]

    def systems(self) -> list[SystemRow]:
        """Return every system, in the order given."""
        return [self.system(int(key)) for key in self.system_keys]

    def system(self, system_key: int) -> SystemRow:
        """Return a system's row."""
        s = self._system_index[system_key]
        return SystemRow(system_key, self.system_names[s], float(self.system_demand[s]))

    def part(self, part_key: int) -> PartRow:
        """Return a part's row."""
        i = self._part_index[part_key]
        system = int(self.system_keys[self.part_system[i]])
        return PartRow(
            part_key, system, self.part_numbers[i], self.part_names[i], self.part_kinds[i]
        )

    def system_parts(self, system_key: int) -> list[int]:
        """Return a system's part keys in BOM order (every parent before its children)."""
        s = self._system_index[system_key]
        positions = self.order[self.system_ptr[s] : self.system_ptr[s + 1]]
        return [int(key) for key in self.part_keys[positions]]

    def top_level(self, system_key: int) -> list[int]:
        """Return the part keys at the top of a system's BOM, in BOM order."""
        return [int(self.part_keys[i]) for i in self.top_positions(self._system_index[system_key])]

    def top_positions(self, system: int) -> list[int]:
        """Return the positions of the parts at the top of system position `system`."""
        tops = np.unique(self.top_part[self.part_system[self.top_part] == system])
        return [int(i) for i in tops[np.argsort(self.rank[tops])]]

    def children(self, part_key: int) -> list[tuple[int, float]]:
        """Return (child key, quantity per parent) for each BOM line under a part."""
        i = self._part_index[part_key]
        lo, hi = self.child_ptr[i], self.child_ptr[i + 1]
        return [
            (int(self.part_keys[c]), float(q))
            for c, q in zip(self.line_child[lo:hi], self.line_qty[lo:hi], strict=True)
        ]

    def sources_of(self, part_key: int) -> list[SourceRow]:
        """Return a part's sources as given, zero shares included."""
        i = self._part_index[part_key]
        rows = []
        for j in range(self.source_ptr[i], self.source_ptr[i + 1]):
            capacity = float(self.source_capacity[j])
            cost = float(self.source_cost[j])
            rows.append(
                SourceRow(
                    key=int(self.source_keys[j]),
                    part=part_key,
                    supplier=self.supplier_keys[self.source_supplier[j]],
                    supplier_name=self.supplier_names[self.source_name[j]],
                    country=self.countries[self.source_country[j]],
                    share=float(self.source_share[j]),
                    lead_days=int(self.source_lead[j]),
                    capacity=None if np.isnan(capacity) else capacity,
                    unit_cost=None if np.isnan(cost) else cost,
                    stock=float(self.source_stock[j]),
                )
            )
        return rows

    def below(self, position: int) -> IntArray:
        """Return the positions of a part and of every part under it, in BOM order."""
        found = np.fromiter(rx.descendants(self.graph, position), dtype=np.int64)
        found = np.append(found, position)
        return found[np.argsort(self.rank[found])]

    def __len__(self) -> int:
        return len(self.part_keys)
