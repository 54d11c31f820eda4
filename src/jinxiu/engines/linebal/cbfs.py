"""BB&R for plain SALBP-1: the decision "does the line fit in ``m`` stations at cycle ``c``?".

Station-oriented branch, bound and remember (Sewell & Jacobson 2012; Morrison, Sewell &
Jacobson 2014), written here from the papers:

* A node is the set of assigned tasks (a bit mask, an ``int``) after ``k`` closed stations;
  its children are the *maximal* loads of station ``k + 1``, enumerated in topological task
  order with bit masks (a skipped task that still fits makes the load non-maximal).
* Idle budget: ``m`` stations leave ``m·c − Σt`` idle time in all, so a load may leave at most
  what is left of it; the enumeration stops a branch as soon as even every task it could
  still take (higher number, and a chain of unassigned predecessors that fits in one
  station) could not fill the station enough.
* Bounds at every child: ``k + 1 + max(LB1, LB2, LB3)`` of the remaining tasks with the
  *incremented* task times (Scholl & Klein: a task that cannot share a station with any
  other task counts as a full cycle), and latest-station windows for ``m``: a task whose
  latest station is ``k + 1`` must be in this load, one whose latest station is ``k`` already
  cuts the node.
* Jackson's dominance rule on the loads (a load that could swap one of its tasks for an
  unrelated, longer task with at least its followers is skipped).
* Cost (profiled on SCHOLL, BARTHOL2, WEE-MAG, LUTZ2): the time goes into enumerating the
  maximal loads (up to about 10^4 per node on SCHOLL), not into per-node overhead, so the
  enumeration works on masks: the candidates that no longer fit are dropped with one
  ``le_mask`` (tasks by time), and Jackson's test intersects ``dom_mask[j]`` (the tasks that
  dominate ``j``) with the unassigned and fitting tasks before any per-task check.
* Remember: a task set reached before with no more stations is not expanded again.
* Cyclic best-first search: one heap of open nodes per station count; the search takes
  the node with the least idle time from each level in turn, deepest levels included, so
  it reaches complete plans early (like a dive) and still explores breadth-first enough.

The search is complete: when every heap is empty the answer "no" is proven (``complete``).
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import sys
from bisect import bisect_right
from collections.abc import Callable, Generator
from dataclasses import dataclass

from jinxiu.engines.linebal.bbr import Salbp1, _bits
from jinxiu.engines.linebal.bounds import ceil_div

_SH2 = 20  # packed sums: t' << 40 | w2 << 20 | w3
_SH1 = 40
_M20 = (1 << 20) - 1


class _Stop(Exception):
    pass


class _Full(Exception):
    pass


@dataclass
class Decision:
    stations: list[list[int]] | None  # a plan with at most m stations (original indices)
    complete: bool  # the search ended on its own (a "no" is then proven)
    nodes: int


def incremented_times(core: Salbp1) -> list[int]:
    """Scholl & Klein's time incrementing, used for the bounds only: a task that no other
    task can join (every unrelated task, every direct predecessor and every direct
    successor is too long to share its station) is alone at its station, so it may count
    as a full cycle ``c``. A station holding task ``j`` and any other task holds an unrelated
    task or a direct predecessor or successor of ``j`` (the tasks on a path between two
    tasks of a station are in it too)."""
    n, c, t = core.n, core.c, core.t
    anc, fol = core.anc, core.fol
    near = [core.pred[k] | core.succ_direct[k] for k in range(n)]
    order = sorted(range(n), key=lambda k: t[k])
    out = list(t)
    for j in range(n):
        related = anc[j] | fol[j]
        best = None
        for i in order:  # shortest first: the first that may join decides
            if i == j:
                continue
            if not (related >> i) & 1 or (near[j] >> i) & 1:
                best = t[i]
                break
        if best is None or t[j] + best > c:
            out[j] = c
    return out


class Bbr:
    """BB&R decisions for one plain SALBP-1 instance (one direction, one cycle time)."""

    def __init__(self, core: Salbp1) -> None:
        self.core = core
        n, c = core.n, core.c
        self.tp = incremented_times(core)
        self.packed = [(self.tp[k] << _SH1) | (core.w2[k] << _SH2) | core.w3[k] for k in range(n)]
        self.fol_tp = [sum(self.tp[i] for i in _bits(core.fol[k])) for k in range(n)]
        self.total = core.total
        self.root_packed = sum(self.packed)
        self.need = [ceil_div(self.tp[k] + self.fol_tp[k], c) for k in range(n)]
        # Jackson's rule as bit masks: dom_mask[j] = the tasks that dominate j; le_mask[x] =
        # the tasks with time <= vals[x] (vals: the distinct task times, ascending)
        self.dom_mask = [sum(1 << i for i in core.dom_by[j]) for j in range(n)]
        self.vals = sorted(set(core.t))
        self.le_mask = []
        acc = 0
        by_time = sorted(range(n), key=lambda k: core.t[k])
        pos = 0
        for v in self.vals:
            while pos < n and core.t[by_time[pos]] <= v:
                acc |= 1 << by_time[pos]
                pos += 1
            self.le_mask.append(acc)

    def lower_bound(self) -> int:
        """Root bound with the incremented times (at least the plain one)."""
        p = self.root_packed
        c = self.core.c
        return max(
            self.core.lower_bound(),
            ceil_div(p >> _SH1, c),
            ceil_div((p >> _SH2) & _M20, 2),
            ceil_div(p & _M20, 6),
        )

    def decide(
        self, m: int, *, deadline: Callable[[], bool] | None = None, memo_limit: int = 4_000_000
    ) -> Generator[None, None, Decision]:
        """Find a plan with at most ``m`` stations, or prove there is none.

        A generator: it yields after every expanded node so that a caller can interleave
        several searches (both directions) without losing work; its return value (the
        ``StopIteration`` value) is the ``Decision``. ``deadline()`` is also polled inside
        a node's load enumeration; when it is true the search ends incomplete."""
        core = self.core
        n, c = core.n, core.c
        full = (1 << n) - 1
        budget = m * c - self.total
        if budget < 0 or self.lower_bound() > m:
            return Decision(None, True, 0)
        # must[s]: tasks whose latest station (for m stations) is <= s (s = 0 .. m)
        must = [0] * (m + 1)
        for k in range(n):
            latest = m + 1 - self.need[k]
            if latest < 1:
                return Decision(None, True, 0)
            if latest <= m:
                must[latest] |= 1 << k
        acc = 0
        for s in range(m + 1):
            acc |= must[s]
            must[s] = acc
        sys.setrecursionlimit(max(10_000, sys.getrecursionlimit()))

        heaps: list[list] = [[] for _ in range(m + 1)]
        seen: dict[int, int] = {0: 0}
        parent: dict[int, int] = {}
        heapq.heappush(heaps[0], (0, 0, 0, self.root_packed))
        counter = 0
        nodes = 0
        open_nodes = 1

        def plan(last: int) -> list[list[int]]:
            chain = [last]
            while chain[-1] in parent:
                chain.append(parent[chain[-1]])
            chain.reverse()
            return [list(_bits(b ^ a)) for a, b in itertools.pairwise(chain)]

        level = 0
        while open_nodes:
            # cyclic: the next non-empty level, wrapping around to the root side
            for _ in range(m + 1):
                if heaps[level]:
                    break
                level = level + 1 if level < m else 0
            idle, _, done, rp = heapq.heappop(heaps[level])
            open_nodes -= 1
            k = level
            level = level + 1 if level < m else 0
            if seen.get(done, k) < k:
                continue  # reached later with fewer stations: that copy is expanded
            nodes += 1
            if k >= m or must[k] & ~done:
                continue
            forced = must[k + 1] & ~done if k + 1 <= m else 0
            floor = c - (budget - idle)  # the least load within the idle budget
            try:
                loads = self._loads(done, forced, floor, deadline, dominance=False)
            except _Stop:
                return Decision(None, False, nodes)
            room = m - k - 1  # stations left after this load
            for S, load, pl in loads:
                nd = done | S
                if nd == full:
                    parent[nd] = done
                    return Decision(core.to_original(plan(nd)), True, nodes)
                r = rp - pl
                # k + 1 + max(LB1, LB2, LB3) of the rest > m (ceilings as -(-a // b))
                if (-(-(r >> _SH1) // c) > room or -(-((r >> _SH2) & _M20) // 2) > room
                        or -(-(r & _M20) // 6) > room):
                    continue
                old = seen.get(nd)
                if old is not None and old <= k + 1:
                    continue
                if self._dominated(done, S, load):
                    continue
                if old is not None or len(seen) < memo_limit:
                    seen[nd] = k + 1
                    parent[nd] = done
                elif nd not in parent:
                    parent[nd] = done
                counter += 1
                heapq.heappush(heaps[k + 1], (idle + c - load, -counter, nd, r))
                open_nodes += 1
            yield
        return Decision(None, True, nodes)

    def run(self, m: int, deadline: Callable[[], bool] | None = None) -> Decision:
        """``decide`` to the end (or until ``deadline()``)."""
        gen = self.decide(m, deadline=deadline)
        try:
            while True:
                next(gen)
                if deadline is not None and deadline():
                    gen.close()
                    return Decision(None, False, 0)
        except StopIteration as stop:
            return stop.value

    def _dominated(self, done: int, S: int, load: int) -> bool:
        """Jackson's rule: some task ``j`` of the load without a follower in it could be
        swapped for an available, unassigned task that dominates it and fits."""
        core = self.core
        c, t, pred, fol = core.c, core.t, core.pred, core.fol
        dom_mask, vals, le_mask = self.dom_mask, self.vals, self.le_mask
        AS = done | S
        mm = S
        while mm:
            low = mm & -mm
            j = low.bit_length() - 1
            mm ^= low
            if fol[j] & S:
                continue
            cand = dom_mask[j] & ~AS
            if not cand:
                continue
            x = bisect_right(vals, c - load + t[j]) - 1  # room for a replacement
            cand &= le_mask[x]
            if not cand:
                continue
            base = AS & ~low
            while cand:
                li = cand & -cand
                cand ^= li
                if not pred[li.bit_length() - 1] & ~base:
                    return True
        return False

    def _loads(
        self,
        done: int,
        forced: int,
        min_load: int,
        deadline: Callable[[], bool] | None = None,
        fullest: bool = False,
        dominance: bool = True,
    ) -> list[tuple[int, int, int]]:
        """Maximal loads ``(mask, load, packed weights)`` of the next station with at least
        ``min_load`` and every task of ``forced``, not dominated (Jackson).

        With ``fullest`` only a fullest load is looked for (branch and bound on the load:
        each load found raises the bar to one more), as in Hoffmann's heuristic; the last
        element of the list is then a fullest load. With ``dominance`` false the caller
        applies Jackson's rule itself (``_dominated``), after its cheaper cuts."""
        core = self.core
        c, t, pred, succ, n = core.c, core.t, core.pred, core.succ_direct, core.n
        packed = self.packed
        undone = ~done
        # A task can join this load only if it and its unassigned ancestors fit in one
        # station; ``chain`` is the longest path of unassigned tasks ending in a task (a
        # lower bound on their time, so the cut stays sound). suf[u]: time of the tasks
        # numbered u or higher that pass (what a load can still get).
        avail = 0
        impossible = 0
        chain = [0] * n
        reach = [0] * n
        m = ((1 << n) - 1) & undone
        while m:
            low = m & -m
            v = low.bit_length() - 1
            m ^= low
            p = pred[v] & undone
            if not p:
                avail |= low
                ch = t[v]
            elif p & impossible:
                impossible |= low
                continue
            else:
                longest = 0
                while p:
                    lp = p & -p
                    x = chain[lp.bit_length() - 1]
                    if x > longest:
                        longest = x
                    p ^= lp
                ch = t[v] + longest
            if ch <= c:
                chain[v] = ch
                reach[v] = t[v]
            else:
                impossible |= low  # and so is everything after it
        suf = list(itertools.accumulate(reversed(reach)))[::-1]
        suf.append(0)
        vals, le_mask = self.vals, self.le_mask
        out: list[tuple[int, int, int]] = []
        steps = [0]
        bar = [min_load]

        def gen(cands: int, S: int, load: int, pl: int, min_skip: int) -> None:
            if deadline is not None:
                steps[0] += 1
                if not steps[0] & 1023 and deadline():
                    raise _Stop
            rem = c - load
            need = forced & ~S
            if need:
                first_need = (need & -need).bit_length() - 1
                if t[first_need] > rem:
                    return  # a task that must be in this load no longer fits
            else:
                first_need = n
            x = bisect_right(vals, rem) - 1
            # only the candidates that fit (times only grow, so a child needs no others)
            mm = cands & le_mask[x] if x >= 0 else 0
            extended = False
            while mm:
                low = mm & -mm
                u = low.bit_length() - 1
                mm ^= low
                if u > first_need or load + suf[u] < bar[0]:
                    break
                tu = t[u]
                extended = True
                nxt = mm
                sm = succ[u]
                if sm:
                    after = done | S | low
                    while sm:
                        lv = sm & -sm
                        sm ^= lv
                        if not pred[lv.bit_length() - 1] & ~after:
                            nxt |= lv
                gen(nxt, S | low, load + tu, pl + packed[u], min_skip)
                if u == first_need:
                    break
                if tu < min_skip:
                    min_skip = tu
            if not extended and rem < min_skip and load >= bar[0] and not need:
                if fullest:
                    out.append((S, load, pl))
                    bar[0] = load + 1
                    if load == c:
                        raise _Full
                elif not dominance or not self._dominated(done, S, load):
                    out.append((S, load, pl))

        with contextlib.suppress(_Full):
            gen(avail, 0, 0, 0, c + 1)
        return out

    def hoffmann(self, deadline: Callable[[], bool] | None = None) -> list[list[int]] | None:
        """Hoffmann's heuristic with exact fullest loads: every station takes a fullest
        maximal load (original task indices; None when ``deadline()`` ran out)."""
        core = self.core
        full = (1 << core.n) - 1
        done = 0
        stations = []
        try:
            while done != full:
                loads = self._loads(done, 0, 0, deadline, fullest=True)
                S = loads[-1][0]
                stations.append(list(_bits(S)))
                done |= S
        except _Stop:
            return None
        return core.to_original(stations)
