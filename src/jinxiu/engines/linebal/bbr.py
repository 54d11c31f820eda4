"""Precomputed data of a plain SALBP-1 instance, shared by the searches.

``Salbp1`` renumbers the tasks topologically and keeps, as bit masks and lists, what the
compiled BB&R searches (``cbfs.py`` over ``kernel.py``, ``kdfs.py``) and the heuristics need:
predecessors, ancestors and followers, follower times, earliest stations, the weights of the
bounds LB2/LB3, and a priority-rule greedy plan. The search itself (maximal loads, bounds,
Jackson's rule, memory) lives in the kernels; see ``docs/engines/linebal.md``.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence

import numpy as np

from jinxiu.engines.linebal.bounds import ceil_div, long_bound, martello_toth_l2, w2, w3


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
