"""Precomputed data of a plain SALBP-1 instance, shared by the searches.

``Salbp1`` renumbers the tasks topologically and keeps, as bit masks and lists, what the
compiled BB&R searches (``cbfs.py`` over ``kernel.py``, ``kdfs.py``) and the heuristics need:
predecessors, ancestors and followers, follower times, earliest stations, the weights of the
bounds LB2/LB3, and a priority-rule greedy plan. The search itself (maximal loads, bounds,
Jackson's rule, memory) lives in the kernels; see ``docs/engines/linebal.md``.
"""

from __future__ import annotations

import bisect
import heapq
import threading
from collections.abc import Sequence

import numpy as np

from jinxiu.engines.linebal.bounds import ceil_div, long_bound, martello_toth_l2, w2, w3

# The cycle-independent part of a graph (topological numbering, masks, follower times,
# Jackson's dominance): SALBP-2 asks dozens of cycle times of one graph, each with a Salbp1
# per direction, and building these took about a tenth of its time (cProfile, eight
# instances of ARC111, SCHOLL, MUKHERJE, WEE-MAG, BARTHOL2, ARC83). Kept for the last few
# graphs (keyed by times and arcs).
_GRAPHS: dict[tuple, dict] = {}
_GRAPHS_KEPT = 4


_GRAPHS_LOCK = threading.Lock()  # the web app may solve in several threads


def _graph(times: Sequence[int], arcs: Sequence[tuple[int, int]]) -> dict:
    key = (tuple(times), tuple(arcs))
    with _GRAPHS_LOCK:
        g = _GRAPHS.pop(key, None)
    if g is None:
        g = _build_graph(times, arcs)  # (two threads may both build it: same result)
    with _GRAPHS_LOCK:
        _GRAPHS[key] = g  # most recently used last
        while len(_GRAPHS) > _GRAPHS_KEPT:
            _GRAPHS.pop(next(iter(_GRAPHS)))
    return g


def _build_graph(times: Sequence[int], arcs: Sequence[tuple[int, int]]) -> dict:
    n = len(times)
    succ_lists: list[list[int]] = [[] for _ in range(n)]
    indeg = [0] * n
    for i, j in arcs:
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
    new = {o: k for k, o in enumerate(order)}
    t = [times[o] for o in order]
    pred = [0] * n
    succ_direct = [0] * n
    for i, j in arcs:
        pred[new[j]] |= 1 << new[i]
        succ_direct[new[i]] |= 1 << new[j]
    anc = _closure(pred, range(n))  # predecessors come first in topological order
    fol = _closure(succ_direct, range(n - 1, -1, -1))
    tv = np.array(t, dtype=np.int64)
    fol_matrix = bit_matrix(fol, n)  # [k, i]: i follows k
    return {"orig": order, "t": t, "pred": pred, "succ_direct": succ_direct, "anc": anc,
            "fol": fol, "fol_matrix": fol_matrix, "fol_time": (fol_matrix @ tv).tolist(),
            "anc_time": (bit_matrix(anc, n) @ tv).tolist(), "dom_by": None, "arrays": None}


def _closure(direct: list[int], order) -> list[int]:
    """Transitive closure of the ``direct`` masks, filled in ``order`` (each task after
    every task its mask names)."""
    out = [0] * len(direct)
    for k in order:
        m = direct[k]
        a = m
        while m:
            low = m & -m
            a |= out[low.bit_length() - 1]
            m ^= low
        out[k] = a
    return out


class Salbp1:
    """Precomputed data of a plain SALBP-1 instance (tasks renumbered topologically)."""

    def __init__(self, times: Sequence[int], arcs: Sequence[tuple[int, int]], c: int) -> None:
        n = len(times)
        self.n, self.c = n, c
        g = self.shared = _graph(times, arcs)
        self.orig = g["orig"]  # new index -> original index
        self.t = g["t"]
        self.pred, self.succ_direct = g["pred"], g["succ_direct"]
        self.anc, self.fol = g["anc"], g["fol"]
        self.total = sum(self.t)
        self.w2 = [w2(x, c) for x in self.t]
        self.w3 = [w3(x, c) for x in self.t]
        self.fol_matrix = g["fol_matrix"]
        self.fol_time, self.anc_time = g["fol_time"], g["anc_time"]
        self.earliest = [ceil_div(self.t[k] + self.anc_time[k], c) for k in range(n)]
        # positional weight, used by the heuristics
        self.pw = [self.t[k] + self.fol_time[k] for k in range(n)]

    @property
    def dom_by(self) -> list[list[int]]:
        """Jackson dominance: ``dom_by[j]`` = tasks ``i`` that dominate ``j`` (not related by
        precedence, t_i >= t_j, followers(i) >= followers(j); ties by index)."""
        if self.shared["dom_by"] is None:
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
            self.shared["dom_by"] = [np.flatnonzero(ok[j]).tolist() for j in range(n)]
        return self.shared["dom_by"]

    def lower_bound(self) -> int:
        return max(ceil_div(self.total, self.c), ceil_div(sum(self.w2), 2),
                   ceil_div(sum(self.w3), 6), max(self.earliest),
                   martello_toth_l2(self.t, self.c), long_bound(self.t, self.c))

    def to_original(self, stations: list[list[int]]) -> list[list[int]]:
        return [sorted(self.orig[k] for k in st) for st in stations]

    # ---------------------------------------------------------------- heuristics
    def greedy(self, priority: Sequence[float]) -> list[list[int]]:
        """Station-oriented priority-rule heuristic: fill each station with the available
        task of highest priority that fits."""
        return self._greedy_from(0, priority)

    def _greedy_from(self, done: int, priority: Sequence[float]) -> list[list[int]]:
        # the available tasks (every predecessor assigned) in priority order, ties by
        # index; a task joins that list when its last predecessor is assigned, so a
        # station scans only the tasks it could take (the scan of all tasks left per pick
        # took 12 ms a plan on SCHOLL, and SALBP-2 asks for dozens)
        n, c, t = self.n, self.c, self.t
        waiting = [(self.pred[k] & ~done).bit_count() for k in range(n)]
        avail = sorted((-priority[k], k) for k in range(n)
                       if not (done >> k) & 1 and waiting[k] == 0)
        stations = []
        while avail:
            load = 0
            st = []
            pos = 0
            while pos < len(avail):
                k = avail[pos][1]
                if load + t[k] > c:
                    pos += 1
                    continue
                del avail[pos]
                st.append(k)
                load += t[k]
                nxt = len(avail)
                for j in _bits(self.succ_direct[k]):
                    waiting[j] -= 1
                    if waiting[j] == 0:
                        key = (-priority[j], j)
                        at = bisect.bisect_left(avail, key)
                        avail.insert(at, key)
                        nxt = min(nxt, at)
                pos = min(pos, nxt)  # a task that just became available may come first
            stations.append(st)
        return stations

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
