"""Plan reviewer assignments with balanced load: plain data in, a plan out.

Each proposal needs some more reviewers, chosen from the reviewers eligible for it (the
caller has already left out members of its organisations, declared conflicts and reviewers
already on it). The plan staffs as many slots as possible and, among the plans that do,
has the smallest possible maximum load (existing assignments included). It is a flow
problem: proposals draw reviewers up to a cap; the cap is raised one at a time from the
busiest reviewer's current load, each round keeping the assignments of the last and moving
them along augmenting paths where that frees a reviewer. The number of assignments a cap
allows is concave in the cap, so the first raise that adds nothing means no later one will.

The same input and seed always give the same plan; the seed decides only ties.
"""

import random
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Need:
    proposal_id: int
    missing: int  # how many more reviewers it needs
    eligible: tuple[int, ...]  # reviewer ids that may be assigned to it


@dataclass(frozen=True, slots=True)
class Plan:
    pairs: tuple[tuple[int, int], ...]  # (proposal id, reviewer id) to assign
    unstaffed: Mapping[int, int]  # proposal id -> slots that could not be filled
    max_load: int  # the busiest reviewer's load after the plan, existing work included


class _Planner:
    def __init__(self, needs: Sequence[Need], load: Mapping[int, int], seed: int) -> None:
        rnd = random.Random(seed)
        reviewers = sorted({r for n in needs for r in n.eligible} | set(load))
        rnd.shuffle(reviewers)
        self.tiebreak = {r: i for i, r in enumerate(reviewers)}
        self.load = {r: load.get(r, 0) for r in reviewers}
        ordered = [n for n in needs if n.missing > 0]
        rnd.shuffle(ordered)
        # The hardest proposals to staff choose first.
        ordered.sort(key=lambda n: len(n.eligible))
        self.needs = ordered
        self.eligible = {
            n.proposal_id: sorted(set(n.eligible), key=self.tiebreak.__getitem__) for n in ordered
        }
        self.missing = {n.proposal_id: n.missing for n in ordered}
        self.chosen: dict[int, list[int]] = {n.proposal_id: [] for n in ordered}
        self.planned_for: dict[int, set[int]] = {r: set() for r in reviewers}  # r -> proposals

    def _assign(self, pid: int, rid: int) -> None:
        self.chosen[pid].append(rid)
        self.planned_for[rid].add(pid)
        self.load[rid] += 1
        self.missing[pid] -= 1

    def greedy(self, cap: int) -> None:
        for need in self.needs:
            pid = need.proposal_id
            while self.missing[pid] > 0:
                free = [
                    r
                    for r in self.eligible[pid]
                    if self.load[r] < cap and r not in self.chosen[pid]
                ]
                if not free:
                    break
                self._assign(pid, min(free, key=lambda r: (self.load[r], self.tiebreak[r])))

    def augment(self, pid: int, cap: int) -> bool:
        """Find one alternating path that frees a reviewer for pid, and apply it."""
        # Nodes are reviewers; parent[r] = (proposal that takes r, reviewer it gives up).
        parent: dict[int, tuple[int, int | None]] = {}
        queue: deque[int] = deque()
        for r in self.eligible[pid]:
            if r not in self.chosen[pid]:
                parent[r] = (pid, None)
                queue.append(r)
        while queue:
            r = queue.popleft()
            if self.load[r] < cap:
                self._apply(parent, r)
                return True
            for q in sorted(self.planned_for[r]):
                for r2 in self.eligible[q]:
                    if r2 not in parent and r2 not in self.chosen[q]:
                        parent[r2] = (q, r)
                        queue.append(r2)
        return False

    def _apply(self, parent: dict[int, tuple[int, int | None]], end: int) -> None:
        r: int | None = end
        while r is not None:
            q, given_up = parent[r]
            if given_up is None:
                self._assign(q, r)
            else:
                # q takes r and gives up given_up, which the previous step hands on.
                self.chosen[q].remove(given_up)
                self.planned_for[given_up].discard(q)
                self.load[given_up] -= 1
                self.chosen[q].append(r)
                self.planned_for[r].add(q)
                self.load[r] += 1
            r = given_up

    def filled(self) -> int:
        return sum(len(v) for v in self.chosen.values())


def plan(needs: Sequence[Need], load: Mapping[int, int], seed: int = 0) -> Plan:
    """Return the assignments that staff the most slots with the smallest maximum load."""
    planner = _Planner(needs, load, seed)
    cap = max(planner.load.values(), default=0)
    limit = cap + len(planner.needs)  # nobody reviews a proposal twice
    previous = -1
    while cap <= limit:
        planner.greedy(cap)
        for need in planner.needs:
            while planner.missing[need.proposal_id] > 0 and planner.augment(need.proposal_id, cap):
                pass
        if all(m == 0 for m in planner.missing.values()) or planner.filled() == previous:
            break
        previous = planner.filled()
        cap += 1
    pairs = tuple(sorted((pid, rid) for pid, rids in planner.chosen.items() for rid in rids))
    return Plan(
        pairs=pairs,
        unstaffed={pid: m for pid, m in sorted(planner.missing.items()) if m > 0},
        max_load=max(planner.load.values(), default=0),
    )
