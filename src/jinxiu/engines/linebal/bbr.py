"""Exact search for plain SALBP-1: station-oriented branch, bound and remember.

The method follows the published ideas of SALOME (Scholl & Klein 1997) and BB&R (Sewell &
Jacobson 2012), written here from their descriptions:

* A node is the set of tasks already assigned (a bit mask) after ``k`` closed stations; its
  children are the *maximal* loads of station ``k + 1`` (no further available task fits).
* Loads are enumerated in increasing task number (tasks are renumbered topologically, so this
  order always respects precedence); a task skipped while it was available and would still
  fit makes the load non-maximal.
* Bounds at every node: k + max(LB1, LB2, LB3) of the remaining tasks (weights summed task by
  task), and the latest-station windows for the target ``UB - 1``: a task whose latest
  station is ``k + 1`` must be in this load.
* Jackson's dominance rule: a load with task ``j`` but not an available task ``i`` with
  ``t_i >= t_j`` and followers(i) >= followers(j) that could replace ``j`` is skipped.
* Remember: a set of assigned tasks reached before with no more stations is not searched
  again (a dictionary of bit masks).
* Children are searched in order of their lower bound, then fullest load first.

The search is in both directions (the mirror problem, arcs reversed, has the same optimum);
the direction with fewer first-station loads is searched.
"""

from __future__ import annotations

import heapq
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from jinxiu.engines.linebal.bounds import ceil_div, martello_toth_l2, w2, w3


class _Stop(Exception):
    pass


@dataclass
class SearchOutcome:
    stations: list[list[int]] | None  # best solution (original task indices), or None
    upper: int  # its number of stations (or the given bound when none was found)
    lower: int  # proven lower bound
    complete: bool  # the search space was exhausted (the result is proven)
    nodes: int


class Salbp1:
    """Precomputed data of a plain SALBP-1 instance (tasks renumbered topologically)."""

    def __init__(self, times: Sequence[int], arcs: Sequence[tuple[int, int]], c: int) -> None:
        n = len(times)
        self.n, self.c = n, c
        pred_lists: list[list[int]] = [[] for _ in range(n)]
        succ_lists: list[list[int]] = [[] for _ in range(n)]
        indeg = [0] * n
        for i, j in arcs:
            pred_lists[j].append(i)
            succ_lists[i].append(j)
            indeg[j] += 1
        heap = [i for i in range(n) if indeg[i] == 0]
        heapq.heapify(heap)
        order = []
        while heap:
            i = heapq.heappop(heap)
            order.append(i)
            for j in succ_lists[i]:
                indeg[j] -= 1
                if indeg[j] == 0:
                    heapq.heappush(heap, j)
        self.orig = order  # new index -> original index
        new = {o: k for k, o in enumerate(order)}
        self.t = [times[o] for o in order]
        self.pred = [0] * n
        self.succ_direct = [0] * n
        for i, j in arcs:
            self.pred[new[j]] |= 1 << new[i]
            self.succ_direct[new[i]] |= 1 << new[j]
        self.anc = [0] * n
        for k in range(n):
            m = self.pred[k]
            a = m
            while m:
                low = m & -m
                a |= self.anc[low.bit_length() - 1]
                m ^= low
            self.anc[k] = a
        self.fol = [0] * n
        for k in range(n - 1, -1, -1):
            m = self.succ_direct[k]
            f = m
            while m:
                low = m & -m
                f |= self.fol[low.bit_length() - 1]
                m ^= low
            self.fol[k] = f
        self.total = sum(self.t)
        self.w2 = [w2(x, c) for x in self.t]
        self.w3 = [w3(x, c) for x in self.t]
        tv = np.array(self.t, dtype=np.int64)
        self.fol_matrix = bit_matrix(self.fol, n)  # [k, i]: i follows k
        self.fol_time = (self.fol_matrix @ tv).tolist()
        self.anc_time = (bit_matrix(self.anc, n) @ tv).tolist()
        self.earliest = [ceil_div(self.t[k] + self.anc_time[k], c) for k in range(n)]
        # positional weight, used by the heuristics
        self.pw = [self.t[k] + self.fol_time[k] for k in range(n)]
        self._dom_by: list[list[int]] | None = None

    @property
    def dom_by(self) -> list[list[int]]:
        """Jackson dominance: ``dom_by[j]`` = tasks ``i`` that dominate ``j`` (not related by
        precedence, t_i >= t_j, followers(i) >= followers(j); ties by index)."""
        if self._dom_by is None:
            n = self.n
            F = self.fol_matrix.astype(np.float32)
            t = np.array(self.t)
            # missing[j, i] = number of followers of j that are not followers of i
            missing = F @ (1.0 - F).T
            related = (F + F.T) > 0
            ok = (~related) & (t[None, :] >= t[:, None]) & (missing == 0)
            same = (t[None, :] == t[:, None]) & (missing == 0) & (missing.T == 0)
            idx = np.arange(n)
            ok &= ~(same & (idx[None, :] > idx[:, None]))
            np.fill_diagonal(ok, False)
            self._dom_by = [np.flatnonzero(ok[j]).tolist() for j in range(n)]
        return self._dom_by

    def _mask_time(self, mask: int) -> int:
        s = 0
        t = self.t
        while mask:
            low = mask & -mask
            s += t[low.bit_length() - 1]
            mask ^= low
        return s

    def lower_bound(self) -> int:
        return max(ceil_div(self.total, self.c), ceil_div(sum(self.w2), 2),
                   ceil_div(sum(self.w3), 6), max(self.earliest),
                   martello_toth_l2(self.t, self.c))

    def to_original(self, stations: list[list[int]]) -> list[list[int]]:
        return [sorted(self.orig[k] for k in st) for st in stations]

    # ---------------------------------------------------------------- heuristics
    def greedy(self, priority: Sequence[float]) -> list[list[int]]:
        """Station-oriented priority-rule heuristic: fill each station with the available
        task of highest priority that fits."""
        return self._greedy_from(0, priority)

    def _greedy_from(self, done: int, priority: Sequence[float]) -> list[list[int]]:
        n, c, t, pred = self.n, self.c, self.t, self.pred
        left = {k for k in range(n) if not (done >> k) & 1}
        stations = []
        while left:
            load = 0
            st = []
            while True:
                best, best_p = -1, None
                for k in left:
                    if t[k] + load <= c and not (pred[k] & ~done):
                        p = priority[k]
                        if best_p is None or p > best_p:
                            best, best_p = k, p
                if best < 0:
                    break
                st.append(best)
                left.discard(best)
                done |= 1 << best
                load += t[best]
            stations.append(st)
        return stations

    def hoffmann(self, priority: Sequence[float], leaf_cap: int = 300,
                 max_steps: int = 4000) -> list[list[int]]:
        """Hoffmann's heuristic: each station takes the fullest load found among the first
        ``leaf_cap`` maximal loads or ``max_steps`` enumeration steps (ties by priority)."""
        done = 0
        stations = []
        full = (1 << self.n) - 1
        while done != full:
            best = None
            for mask, load, _, _ in self._loads(done, None, leaf_cap, use_dom=False,
                                                max_steps=max_steps):
                key = (load, sum(priority[k] for k in _bits(mask)))
                if best is None or key > best[0]:
                    best = (key, mask)
            if best is None:  # no maximal load within the budget: fall back to greedy
                return [*stations, *self._greedy_from(done, priority)]
            stations.append(list(_bits(best[1])))
            done |= best[1]
        return stations

    # ---------------------------------------------------------------- load enumeration
    def _loads(self, done: int, forced: int | None, cap: int | None, use_dom: bool = True,
               min_load: int = 0, tick: Callable[[], None] | None = None,
               max_steps: int | None = None):
        """Maximal loads for the next station given the assigned mask ``done``.

        ``forced``: tasks that must be in the load (window); ``cap``: stop after that many.
        ``max_steps``: give up enumerating after that many steps (heuristic use).
        Returns a list of (mask, load, w2 sum, w3 sum)."""
        c, t, pred, n = self.c, self.t, self.pred, self.n
        W2, W3 = self.w2, self.w3
        succ = self.succ_direct
        suf = [0] * (n + 1)  # time of the unassigned tasks with index >= k
        for k in range(n - 1, -1, -1):
            suf[k] = suf[k + 1] + (0 if (done >> k) & 1 else t[k])
        start = [k for k in range(n) if not (done >> k) & 1 and not pred[k] & ~done]
        out: list[tuple[int, int, int, int]] = []
        forced = forced or 0
        dom_by, fol = self.dom_by, self.fol

        def dominated(S: int, load: int) -> bool:
            AS = done | S
            m = S
            while m:
                low = m & -m
                j = low.bit_length() - 1
                m ^= low
                if fol[j] & S:
                    continue
                room = c - load + t[j]
                base = AS & ~low
                for i in dom_by[j]:
                    if t[i] <= room and not (AS >> i) & 1 and not (pred[i] & ~base):
                        return True
            return False

        steps = [0]
        limit = max_steps if max_steps is not None else -1

        def gen(cands: list[int], S: int, load: int, a2: int, a3: int, min_skip: int) -> None:
            # cands: available tasks (given done | S) with a number above the last one added
            steps[0] += 1
            if tick is not None and steps[0] & 63 == 0:
                tick()
            if steps[0] == limit:
                raise _Stop
            rem = c - load
            AS = done | S
            need = forced & ~S
            first_need = (need & -need).bit_length() - 1 if need else n
            extended = False
            for q, u in enumerate(cands):
                if u > first_need or load + suf[u] < min_load:
                    return  # a forced task can no longer join / the load cannot get full
                tu = t[u]
                if tu > rem:
                    if u == first_need:
                        return
                    continue
                extended = True
                bit = 1 << u
                rest = cands[q + 1:]
                m = succ[u]
                if m:
                    after = AS | bit
                    added = False
                    while m:
                        low = m & -m
                        v = low.bit_length() - 1
                        m ^= low
                        if not pred[v] & ~after:
                            rest.append(v)
                            added = True
                    if added:
                        rest.sort()
                gen(rest, S | bit, load + tu, a2 + W2[u], a3 + W3[u], min_skip)
                if cap is not None and len(out) >= cap:
                    return
                if u == first_need:
                    return
                if tu < min_skip:
                    min_skip = tu
            if not extended and rem < min_skip and load >= min_load and not need:
                if use_dom and dominated(S, load):
                    return
                out.append((S, load, a2, a3))

        try:
            gen(start, 0, 0, 0, 0, c + 1)
        except _Stop:
            if max_steps is None or steps[0] < limit:
                raise
        return out

    # ---------------------------------------------------------------- exact search
    def search(self, upper: int, best: list[list[int]] | None, *,
               lower: int | None = None, should_stop: Callable[[int], bool] | None = None,
               first_only: bool = False, check_every: int = 16,
               memo_limit: int = 3_000_000, leaf_cap: int | None = None,
               dive_width: int = 3) -> SearchOutcome:
        """Look for a solution with fewer than ``upper`` stations.

        ``best`` is the incumbent (or None when ``upper`` is only a target, as in the SALBP-2
        decision problems). With ``first_only`` the search stops at the first improvement.
        """
        n, c = self.n, self.c
        full = (1 << n) - 1
        lb_root = max(self.lower_bound(), lower or 0)
        state = {"ub": upper, "best": best, "nodes": 0}
        if lb_root >= upper:
            return SearchOutcome(best, upper, upper if best else lb_root, True, 0)
        fol_time, T = self.fol_time, self.t

        def must_masks(ub: int) -> list[int]:
            # must[s]: tasks whose latest station (for ub-1 stations) is <= s
            target = ub - 1
            must = [0] * (target + 2)
            for k in range(n):
                latest = target + 1 - ceil_div(T[k] + fol_time[k], c)
                if latest < 1:
                    latest = 0
                must[min(latest, target + 1)] |= 1 << k
            acc = 0
            for s in range(target + 2):
                acc |= must[s]
                must[s] = acc
            return must

        must = must_masks(upper)
        memo: dict[int, int] = {}
        path: list[int] = []
        sys.setrecursionlimit(max(10_000, sys.getrecursionlimit()))

        def tick() -> None:
            if should_stop is not None and should_stop(state["ub"]):
                raise _Stop

        def node(done: int, k: int, rem: int, r2: int, r3: int) -> None:
            nonlocal must
            state["nodes"] += 1
            if should_stop is not None and state["nodes"] % check_every == 0 \
                    and should_stop(state["ub"]):
                raise _Stop
            ub = state["ub"]
            if k >= len(must) - 1 or must[k] & ~done:
                return
            forced = must[k + 1] & ~done if k + 1 < len(must) else 0
            children = []
            # the load must leave enough room: k + 1 + ceil((rem - load) / c) < ub
            min_load = rem - (ub - 2 - k) * c
            for S, load, a2, a3 in self._loads(done, forced, leaf_cap, min_load=min_load,
                                               tick=tick):
                nrem = rem - load
                nd = done | S
                if nd == full:
                    state["ub"] = k + 1
                    state["best"] = [*[_list(x) for x in path], _list(S)]
                    must = must_masks(k + 1)
                    if first_only:
                        raise _Stop
                    return
                lb = k + 1 + max(ceil_div(nrem, c), ceil_div(r2 - a2, 2), ceil_div(r3 - a3, 6))
                if lb >= ub:
                    continue
                seen = memo.get(nd)
                if seen is not None and seen <= k + 1:
                    continue
                children.append((lb, -load, S, nrem, r2 - a2, r3 - a3))
            children.sort(key=lambda x: (x[0], x[1]))
            if leaf_cap is not None:
                del children[dive_width:]
            for lb, _, S, nrem, n2, n3 in children:
                if lb >= state["ub"]:
                    break
                nd = done | S
                seen = memo.get(nd)
                if seen is not None and seen <= k + 1:
                    continue
                if len(memo) < memo_limit:
                    memo[nd] = k + 1
                path.append(S)
                node(nd, k + 1, nrem, n2, n3)
                path.pop()

        stopped = False
        try:
            node(0, 0, self.total, sum(self.w2), sum(self.w3))
        except _Stop:
            stopped = True
        sol = state["best"]
        ub = state["ub"]
        improved = ub < upper
        if stopped and first_only and improved:
            complete, lower_out = True, lb_root  # found what was asked; optimality unknown
        elif stopped or leaf_cap is not None:
            complete, lower_out = False, lb_root
        else:
            complete = True
            lower_out = ub if improved or best is not None else upper
        stations = self.to_original(sol) if sol is not None and sol is not best else best
        return SearchOutcome(stations, ub, lower_out, complete, state["nodes"])


def bit_matrix(masks: Sequence[int], n: int) -> np.ndarray:
    """The bit masks as rows of a 0/1 matrix (``len(masks)`` × ``n``, int64)."""
    nbytes = max(1, (n + 7) // 8)
    buf = b"".join(mk.to_bytes(nbytes, "little") for mk in masks)
    rows = np.frombuffer(buf, dtype=np.uint8).reshape(len(masks), nbytes)
    return np.unpackbits(rows, axis=1, bitorder="little")[:, :n].astype(np.int64)


def _bits(mask: int):
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


def _list(mask: int) -> list[int]:
    return list(_bits(mask))


def first_station_loads(core: Salbp1, cap: int = 2000, max_steps: int = 40_000) -> int:
    """Number of maximal loads of the first station (capped): a cheap measure of how wide
    the search tree is in this direction."""
    steps = [0]

    def tick() -> None:
        steps[0] += 2048
        if steps[0] >= max_steps:
            raise _Stop

    try:
        return len(core._loads(0, None, cap, tick=tick))
    except _Stop:
        return cap
