"""BB&R for plain SALBP-1: the decision "does the line fit in ``m`` stations at cycle ``c``?".

Station-oriented branch, bound and remember (Sewell & Jacobson 2012; Morrison, Sewell &
Jacobson 2014), written here from the papers. This module is the Python side: ``Bbr``
turns one instance (one direction, one cycle time) into the arrays of the compiled kernels
(``kernel.py``: best-first search and Hoffmann's fullest loads; ``kdfs.py``: depth-first
search), and runs them in slices as generators. The rules they apply:

* A node is the set of assigned tasks after ``k`` closed stations; its children are the
  *maximal* loads of station ``k + 1``, enumerated in topological task order (a skipped
  task that still fits makes the load non-maximal).
* Idle budget: ``m`` stations leave ``m·c − Σt`` idle time in all, so a load may leave at most
  what is left of it; the enumeration stops a branch as soon as even every task it could
  still take (higher number, and a chain of unassigned predecessors that fits in one
  station) could not fill the station enough. The far end's reserve (``link_ends``): the
  m-th station leaves at least c minus the mirror graph's fullest first load, so every
  other station's load may leave that much less.
* Bounds at every child: ``k + 1 + max(LB1, LB2, LB3)`` of the remaining tasks with the
  *incremented* task times (Scholl & Klein: a task that cannot share a station with any
  other task counts as a full cycle); latest-station windows for ``m`` (a task whose latest
  station is ``k + 1`` must be in this load); the deadline cut (the tasks due by station
  ``s`` must fit into the stations up to ``s``).
* Subset sums (``kernel._reach``): a partial load is extended only when some subset of the
  tasks it can still take (precedence dropped) ends it inside the station's window: at
  least what the idle budget allows and more than c minus the shortest task it skipped
  (else that task would still fit: not maximal), at most c. On tight decisions most partial
  loads fail this (ARC111, 22 stations at c = 6839: a third of the enumeration steps, the
  same nodes).
* Jackson's dominance rule on the loads (a load that could swap one of its tasks for an
  unrelated, longer task with at least its followers is skipped).
* Remember: a task set reached before with no more stations is not expanded again.
* Cyclic best-first search (``decide``): one heap of open nodes per station count; the
  search takes the node with the least idle time from each level in turn. Depth-first
  search (``decide_dfs``): the first surviving load is followed at once, optionally the
  fullest loads first.

Both searches are complete: a "no" that ends on its own is proven (``complete``).
"""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass

import numpy as np

from jinxiu.engines.linebal import kbin, kdfs, kernel
from jinxiu.engines.linebal.bbr import Salbp1, _bits
from jinxiu.engines.linebal.bounds import ceil_div, long_bound
from jinxiu.engines.linebal.floors import separate_tasks, task_floors

_SH2 = 20  # packed sums: t' << 40 | w2 << 20 | w3
_SH1 = 40
_M20 = (1 << 20) - 1
_NONE = np.zeros(0, dtype=np.int64)


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


# The best-first search's order within a station count: by w · idle + k · (tasks assigned),
# w = KEY_W, k the station count — Sewell & Jacobson's idle / k − 0.02 · (tasks left) times
# 50 k, plus a constant per heap: at equal idle time, the node with fewer (longer) tasks
# assigned first, and on lines with short times (SCHOLL, c ≈ 1 400: one task ≈ k / 50
# units of idle time) the two count about alike. Measured against the idle time alone
# (bench/results/linebal.md, 2026-11-26 afternoon): SCHOLL c = 1394 and 1621 (SALBP-2
# m = 43) proven, 1549 in 2.5 s instead of 7.6 s. 0: the idle time alone.
KEY_W = 50
# The fullest-first depth-first search enumerates a station once per band of idle times:
# a band that starts at idle time a spans max(1, a // BANDS) of them (kdfs._band), so with
# 1 the bands are 0, 1, 2-3, 4-7, ...
BANDS = 1
# The bin-packing test at every node that survives the other bounds (kbin.py): at most
# BIN_CAP search steps per test (beyond that: no cut); 0 turns it off.
BIN_CAP = 2000
# ... and a search where fewer than one test in 20 (kernel.BP_RATE) cut switches it off
# after BIN_TRIAL tests
BIN_TRIAL = 64
# The subset-sum test of the load enumeration (kernel._reach): a partial load goes on only
# if the tasks it can still take have a subset that ends it within the station's window of
# loads. Its table has a row of c + 1 bits per task (and per station in the depth-first
# search); a search whose table would exceed REACH_WORDS 64-bit words goes without it.
REACH_WORDS = 1 << 22
# Lazy children in the best-first search (kernel.run_search): a node hands on its loads
# without idle time first and the others when it comes up again (BARTHOL2 c = 85: the plan
# after 2.6 M stored task sets instead of none in 5.4 M; docs/engines/linebal.md). 0: off.
LAZY = 1
# Deadlines tracked in the load enumeration (kdue._due_plan): the deadline cut tested
# in O(deadlines) per load, and partial loads that cannot meet a deadline dropped; the
# same nodes as the cut on whole loads (0), found in a quarter of the time on ARC83 at
# 17 stations (docs/engines/linebal.md). The depth-first search keeps a table of
# (m + 2)² · (n + 1) words for it and goes without beyond DUE_WORDS.
DUE = 1
DUE_WORDS = 1 << 23
REACH = True  # False: the test is off (for measurements)
# ... and a candidate task is taken only when some subset of the tasks after it ends the
# load with it inside the window (else it is skipped at once, no frame entered): ARC111
# m = 17 at c = 8854, the same 91 954 nodes in 23.0 M steps instead of 38.2 M, 6.7 s
# instead of 7.2 s (the steps saved are the cheapest ones). False: off (measurements).
REACH_TAKE = True
# Tasks that need stations of their own keep their stations' least idle time back from the
# station being filled (floors.py, kernel._held_back). False: off (measurements).
TASK_FLOORS = True


class Bbr:
    """BB&R decisions for one plain SALBP-1 instance (one direction, one cycle time); the
    search itself runs in the compiled kernels of ``kernel.py``."""

    def __init__(self, core: Salbp1) -> None:
        self.core = core
        n, c = core.n, core.c
        self.tp = incremented_times(core)
        self.packed = [(self.tp[k] << _SH1) | (core.w2[k] << _SH2) | core.w3[k] for k in range(n)]
        self.fol_tp = (core.fol_matrix @ np.array(self.tp, dtype=np.int64)).tolist()
        self.total = core.total
        self.root_packed = sum(self.packed)
        self.need = [ceil_div(self.tp[k] + self.fol_tp[k], c) for k in range(n)]
        self._static: dict | None = None
        self._bins: tuple[kbin.Bins, np.ndarray] | None = None
        self._nobins: tuple[kbin.Bins, np.ndarray] | None = None
        self._hctx: kernel.Ctx | None = None
        self._rch: np.ndarray | None = None
        self._root_lb: int | None = None
        self._floors: tuple[np.ndarray, np.ndarray] | None = None
        # idle time the last station of every plan leaves, and its last two (``link_ends``;
        # 0: not known)
        self.reserve = 0
        self.reserve2 = 0
        # of the last decision slice: nodes expanded, task sets stored, enumeration steps
        self.stats = (0, 0, 0)

    def _arrays(self) -> dict:
        """The instance as the kernels' arrays (built once, on first use; the parts that do
        not depend on the cycle time once per graph, ``Salbp1.shared``)."""
        if self._static is not None:
            return self._static
        core = self.core
        n, c, W = core.n, core.c, max(1, -(-core.n // 64))
        g = core.shared
        if g["arrays"] is None:
            g["arrays"] = self._graph_arrays()
        a = g["arrays"]
        # le_idx[r]: the index in vals of the longest time <= r (-1: none)
        le_idx = np.searchsorted(a["vals"], np.arange(c + 1), side="right") - 1
        self._static = dict(
            n=n, W=W, c=c, tp=np.array(self.tp, dtype=np.int64),
            w2=np.array(core.w2, dtype=np.int64), w3=np.array(core.w3, dtype=np.int64),
            le_idx=le_idx.astype(np.int64), tsum=core.total,
            **{k: v for k, v in a.items() if k != "vals"})
        return self._static

    def _graph_arrays(self) -> dict:
        """The cycle-independent arrays: times, predecessor / follower / dominance rows, the
        direct arcs as CSR lists, and le_mask[x] = the tasks no longer than the x-th
        distinct time."""
        core = self.core
        n, W = core.n, max(1, -(-core.n // 64))
        t = np.array(core.t, dtype=np.int64)
        vals = np.unique(t)
        order = np.argsort(t, kind="stable")
        one = np.zeros((n, W), dtype=np.uint64)
        one[np.arange(n), np.arange(n) // 64] = np.left_shift(
            np.uint64(1), (np.arange(n) % 64).astype(np.uint64))
        prefix = np.bitwise_or.accumulate(one[order], axis=0)  # tasks up to sorted position
        le_mask = prefix[np.searchsorted(t[order], vals, side="right") - 1]

        def csr(masks: list[int]) -> tuple[np.ndarray, np.ndarray]:
            lists = [list(_bits(mk)) for mk in masks]
            ptr = np.zeros(n + 1, dtype=np.int64)
            ptr[1:] = np.cumsum([len(x) for x in lists])
            return ptr, np.array([v for x in lists for v in x], dtype=np.int64)

        pred_ptr, pred_idx = csr(core.pred)
        succ_ptr, succ_idx = csr(core.succ_direct)
        return dict(
            t=t, vals=vals, pred=_rows(core.pred, W), fol=_rows(core.fol, W),
            dom=_rows([sum(1 << i for i in core.dom_by[j]) for j in range(n)], W),
            pred_ptr=pred_ptr, pred_idx=pred_idx, succ_ptr=succ_ptr, succ_idx=succ_idx,
            le_mask=np.ascontiguousarray(le_mask), full=_words((1 << n) - 1, W))

    def _windows(self, m: int) -> tuple[np.ndarray, np.ndarray] | None:
        """``must[s]``: the tasks whose latest station (for ``m`` stations) is ``s`` or
        earlier, as words; ``late``: each task's latest station. None when some task has
        no station at all (or the bounds already exceed ``m``)."""
        core = self.core
        n = core.n
        if m * core.c - self.total < 0 or self.lower_bound() > m:
            return None
        W = max(1, -(-n // 64))
        must_int = [0] * (m + 2)
        for k in range(n):
            latest = m + 1 - self.need[k]
            if latest < 1:
                return None
            if latest <= m:
                must_int[latest] |= 1 << k
        must = np.zeros((m + 2, W), dtype=np.uint64)
        acc = 0
        for s in range(m + 2):
            acc |= must_int[s]
            must[s] = _words(acc, W)
        late = np.array([min(m, m + 1 - x) for x in self.need], dtype=np.int64)
        return must, late

    def decide_dfs(self, m: int, *, fullest_first: bool = False, memo_limit: int = 8_000_000,
                   slice_s: float = 0.01) -> Generator[None, None, Decision]:
        """The same decision by the depth-first search of ``kdfs.py`` (a generator like
        ``decide``); it never runs out of memory: past ``memo_limit`` stored task sets it
        goes on without remembering new ones. ``fullest_first``: each station's loads by
        increasing idle time (else in enumeration order)."""
        core = self.core
        windows = self._windows(m)
        if windows is None:
            return Decision(None, True, 0)
        ctx = self._ctx(m, *windows, 1 << 14, dfs=True)
        bins = self.bins()
        rch = self._reach_table(m + 2)
        # fullest first in bands of idle time that double (kdfs._band): one pass per unit
        # of idle time re-enumerated each station 1 225 times on ARC83 m = 12 at c = 6411
        # (forward: 107 nodes in 5 s, no answer; with doubling bands "no" after 2 060
        # nodes, 4.3 s); the plans that the unit passes found early on MUKHERJE m = 23
        # (c = 189) still come first (1.0 s; bands of a quarter of the budget: 10 s, none)
        ctx.st[kdfs.ST_BAND] = BANDS
        ctx.st[kernel.ST_DUE] = DUE if ctx.lv_dsuf.size > 1 else 0
        kdfs.start_dfs(ctx, 1 if fullest_first else 0, rch)
        chunk = 256
        while True:
            t0 = time.perf_counter()
            status = kdfs.run_dfs(ctx, chunk, *bins, rch)
            spent = time.perf_counter() - t0
            nodes = int(ctx.st[kernel.ST_NODES])
            self.stats = (nodes, int(ctx.st[kernel.ST_POOL]), int(ctx.st[kernel.ST_STEPS]))
            if status == kernel.FOUND:
                L = int(ctx.st[kernel.ST_LEVEL])
                rows = [ctx.stS[int(ctx.lv_int[lv + 1, kdfs.LV_BASE]) - 1] for lv in range(L)]
                rows.append(ctx.stS[int(ctx.st[kernel.ST_FOUND])])
                plan = [list(_bits(_from_words(r))) for r in rows]
                return Decision(core.to_original(plan), True, nodes)
            if status == kernel.EXHAUSTED:
                return Decision(None, True, nodes)
            size = ctx.pool.shape[0]
            if ctx.st[kernel.ST_POOL] > 0.6 * size and size < memo_limit:
                ctx = self._grow(ctx, min(memo_limit, 2 * size))
            if spent < slice_s / 2:
                chunk *= 2
            elif spent > 2 * slice_s and chunk > 16:
                chunk //= 2
            yield

    def bins(self, cap: int = -1) -> tuple[kbin.Bins, np.ndarray]:
        """The bin-packing test of this cycle time (items: the incremented times, at most
        ``cap`` steps per test; -1: ``BIN_CAP``) and each task's size row in it; its memory
        is shared by all decisions on this instance. ``cap`` 0: a small one that is off
        (for the kernels that never test)."""
        cap = BIN_CAP if cap < 0 else cap
        if cap == 0:
            if self._nobins is None:
                self._nobins = kbin.make_bins(self.tp, self.core.c, depth=1, table=16, cap=0)
            return self._nobins
        if self._bins is None:
            self._bins = kbin.make_bins(self.tp, self.core.c, depth=self.core.n, cap=cap)
        return self._bins

    def _reach_table(self, levels: int) -> np.ndarray:
        """The subset-sum table of ``kernel._reach``: (n + 1) rows of c + 1 bits, one block
        per station count for the depth-first search (``levels`` > 0), a single block for
        the others (``levels`` 0: a 2-D array, shared by this instance's best-first
        searches and heuristics: the kernels rebuild it for every node before they use
        it). A table with a single row is "off"."""
        n, c = self.core.n, self.core.c
        nw = (c >> 6) + 1
        on = REACH and max(1, levels) * (n + 1) * nw <= REACH_WORDS
        shape = (n + 1, nw) if on else (1, 1)
        if levels == 0:
            if self._rch is None or self._rch.shape != shape:
                self._rch = np.zeros(shape, dtype=np.uint64)
            return self._rch
        return np.zeros((levels, *shape), dtype=np.uint64)

    def _apart(self) -> tuple[np.ndarray, np.ndarray]:
        """The tasks that need stations of their own and their stations' least idle time
        (``floors.py``), computed on the first decision (the heuristics go without)."""
        if self._floors is None:
            core = self.core
            floors = task_floors(core) if TASK_FLOORS else [0] * core.n
            apart = separate_tasks(core, floors)
            self._floors = (np.array(apart, dtype=np.int64),
                            np.array([floors[j] for j in apart], dtype=np.int64))
        return self._floors

    def _ctx(self, m: int, must: np.ndarray, late: np.ndarray, capacity: int,
             dfs: bool = False, heuristic: bool = False) -> kernel.Ctx:
        a = self._arrays()
        jt, jf = (_NONE, _NONE) if heuristic else self._apart()
        n, W = a["n"], a["W"]
        lv = m + 2 if dfs else 1
        heap = 1 if dfs else capacity
        depth = n + 2 + (m + 2 if dfs else 0)
        H = 1 << max(4, (2 * capacity - 1).bit_length())
        ctx = kernel.Ctx(
            m=m, must=must, budget=m * a["c"] - self.total,
            pool=np.zeros((capacity, W), dtype=np.uint64),
            lvl=np.zeros(capacity, dtype=np.int32), par=np.zeros(capacity, dtype=np.int32),
            band=np.zeros(heap, dtype=np.int32),
            key=np.zeros(heap, dtype=np.int64), child=np.zeros(heap, dtype=np.int32),
            sib=np.zeros(heap, dtype=np.int32), tmp=np.zeros(heap, dtype=np.int32),
            roots=np.full(m + 1, -1, dtype=np.int64), htab=np.full(H, -1, dtype=np.int64),
            st=np.zeros(kernel.ST_SIZE, dtype=np.int64), sc=np.zeros(8, dtype=np.int64),
            done=np.zeros(W, dtype=np.uint64), nd=np.zeros(W, dtype=np.uint64),
            tmpw=np.zeros(W, dtype=np.uint64), frc=np.zeros(W, dtype=np.uint64),
            avail=np.zeros(W, dtype=np.uint64), imposs=np.zeros(W, dtype=np.uint64),
            suf=np.zeros(n + 1, dtype=np.int64), chain=np.zeros(n, dtype=np.int64),
            stS=np.zeros((depth, W), dtype=np.uint64), stM=np.zeros((depth, W), dtype=np.uint64),
            stI=np.zeros((depth, 8), dtype=np.int64),
            late=late,
            dl1=np.zeros(m + 2, dtype=np.int64), dl3=np.zeros(m + 2, dtype=np.int64),
            dd1=np.zeros(m + 2, dtype=np.int64), dd3=np.zeros(m + 2, dtype=np.int64),
            lv_done=np.zeros((lv, W), dtype=np.uint64), lv_frc=np.zeros((lv, W), dtype=np.uint64),
            lv_avail=np.zeros((lv, W), dtype=np.uint64),
            lv_suf=np.zeros((lv, n + 1), dtype=np.int64), lv_int=np.zeros((lv, 8), dtype=np.int64),
            lv_dl1=np.zeros((lv, m + 2), dtype=np.int64),
            lv_dl3=np.zeros((lv, m + 2), dtype=np.int64),
            dk=np.zeros(m + 2, dtype=np.int64), dneed=np.zeros(2 * m + 4, dtype=np.int64),
            dsuf=np.zeros((1, 1) if dfs else (m + 2, n + 1), dtype=np.int64),
            stD=np.zeros((depth, 2 * m + 4), dtype=np.int64),
            lv_ndue=np.zeros(lv, dtype=np.int64),
            lv_dk=np.zeros((lv, m + 2) if dfs else (1, 1), dtype=np.int64),
            lv_dneed=np.zeros((lv, 2 * m + 4) if dfs else (1, 1), dtype=np.int64),
            lv_dsuf=np.zeros((lv, m + 2, n + 1) if dfs and lv * (m + 2) * (n + 1) <= DUE_WORDS
                             else (1, 1, 1), dtype=np.int64), jt=jt, jf=jf, **a)
        ctx.st[kernel.ST_BP_TRIAL] = BIN_TRIAL
        ctx.st[kernel.ST_TAKE] = int(REACH_TAKE)
        ctx.st[kernel.ST_BP_OFF] = int(BIN_CAP == 0)
        ctx.st[kernel.ST_RESERVE] = self.reserve
        ctx.st[kernel.ST_RESERVE2] = self.reserve2
        return ctx

    @staticmethod
    def _grow(ctx: kernel.Ctx, capacity: int) -> kernel.Ctx:
        """The same search with room for ``capacity`` nodes (pool copied, hash rebuilt)."""
        def bigger(arr: np.ndarray) -> np.ndarray:
            out = np.zeros((capacity, *arr.shape[1:]), dtype=arr.dtype)
            out[: arr.shape[0]] = arr
            return out

        H = 1 << max(4, (2 * capacity - 1).bit_length())
        new = ctx._replace(pool=bigger(ctx.pool), lvl=bigger(ctx.lvl), par=bigger(ctx.par),
                           htab=np.full(H, -1, dtype=np.int64))
        if ctx.key.shape[0] > 1:  # the best-first search's heaps (none in the DFS)
            new = new._replace(key=bigger(ctx.key), band=bigger(ctx.band),
                               child=bigger(ctx.child),
                               sib=bigger(ctx.sib), tmp=bigger(ctx.tmp))
        kernel.rehash(new)
        return new

    def lower_bound(self) -> int:
        """Root bound with the incremented times (at least the plain one), and the
        long-task bound (``bounds.long_test``, k = 2, 3, 4) on them."""
        if self._root_lb is None:
            p = self.root_packed
            c = self.core.c
            self._root_lb = max(
                self.core.lower_bound(),
                ceil_div(p >> _SH1, c),
                ceil_div((p >> _SH2) & _M20, 2),
                ceil_div(p & _M20, 6),
                long_bound(self.tp, c),
            )
        return self._root_lb

    def decide(
        self, m: int, *, deadline: Callable[[], bool] | None = None,
        memo_limit: int = 8_000_000, slice_s: float = 0.01, node_cap: int = 3_000_000,
    ) -> Generator[None, None, Decision]:
        """Find a plan with at most ``m`` stations, or prove there is none.

        A generator: it yields after every slice of about ``slice_s`` seconds of search so
        that a caller can interleave several searches (both directions) without losing
        work, and stop one by not resuming it; its return value (the ``StopIteration``
        value) is the ``Decision``. When ``memo_limit`` nodes are stored, or one node has
        more loads than ``node_cap`` enumeration steps find, it ends incomplete.
        (``deadline`` is accepted for the callers of the earlier signature; ``run`` polls
        it between slices.)"""
        core = self.core
        windows = self._windows(m)
        if windows is None:
            return Decision(None, True, 0)
        ctx = self._ctx(m, *windows, 1 << 14)
        bins = self.bins()
        rch = self._reach_table(0)
        kernel.start_search(ctx)
        ctx.st[kernel.ST_NODE_CAP] = node_cap
        ctx.st[kernel.ST_KEY_W] = KEY_W
        ctx.st[kernel.ST_LAZY] = LAZY
        ctx.st[kernel.ST_DUE] = DUE
        chunk = 16
        while True:
            t0 = time.perf_counter()
            status = kernel.run_search(ctx, chunk, *bins, rch)
            spent = time.perf_counter() - t0
            nodes = int(ctx.st[kernel.ST_NODES])
            self.stats = (nodes, int(ctx.st[kernel.ST_POOL]), int(ctx.st[kernel.ST_STEPS]))
            if status == kernel.FOUND:
                return Decision(core.to_original(self._plan(ctx)), True, nodes)
            if status == kernel.EXHAUSTED:
                return Decision(None, True, nodes)
            if status == kernel.TOO_WIDE:
                return Decision(None, False, nodes)
            if status == kernel.FULL:
                if ctx.pool.shape[0] >= memo_limit:
                    return Decision(None, False, nodes)
                ctx = self._grow(ctx, min(memo_limit, 2 * ctx.pool.shape[0]))
            elif spent < slice_s / 2:
                chunk *= 2
            elif spent > 2 * slice_s and chunk > 1:
                chunk //= 2
            yield

    @staticmethod
    def _plan(ctx: kernel.Ctx) -> list[list[int]]:
        chain = []
        q = int(ctx.st[kernel.ST_FOUND])
        while q >= 0:
            chain.append(_from_words(ctx.pool[q]))
            q = int(ctx.par[q])
        chain.reverse()
        return [list(_bits(b ^ a)) for a, b in itertools.pairwise(chain)]

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

    def _heur_ctx(self) -> kernel.Ctx:
        if self._hctx is None:
            n = self.core.n
            W = max(1, -(-n // 64))
            self._hctx = self._ctx(1, np.zeros((3, W), dtype=np.uint64),
                                   np.zeros(n, dtype=np.int64), 1, heuristic=True)
        return self._hctx

    def fullest(self, done: int, steps_cap: int = 200_000) -> tuple[int, int]:
        """A fullest maximal load (mask, load) after the tasks ``done`` (this direction's
        numbering); load -1 when none was found within ``steps_cap`` steps."""
        ctx = self._heur_ctx()
        out = np.zeros(ctx.W, dtype=np.uint64)
        load = kernel.fullest_load(ctx, _words(done, ctx.W), out, steps_cap, *self.bins(0),
                                   self._reach_table(0))
        return _from_words(out), int(load)

    def root_width(self, m: int, steps_cap: int = 200_000) -> int:
        """Maximal loads of the first station that the idle budget of ``m`` stations
        allows (counted up to ``steps_cap`` enumeration steps): how wide the search
        tree is in this direction."""
        ctx = self._heur_ctx()
        bar = self.core.c - (m * self.core.c - self.total)
        return int(kernel.count_loads(ctx, np.zeros(ctx.W, dtype=np.uint64), bar, steps_cap,
                                      *self.bins(0), self._reach_table(0)))

    def hoffmann(self, deadline: Callable[[], bool] | None = None,
                 steps_cap: int = 200_000) -> list[list[int]] | None:
        """Hoffmann's heuristic with exact fullest loads: every station takes a fullest
        maximal load (original task indices; None when ``deadline()`` ran out). A load
        search that takes more than ``steps_cap`` steps keeps the fullest found so far."""
        core = self.core
        full = (1 << core.n) - 1
        done = 0
        stations = []
        while done != full:
            if deadline is not None and deadline():
                return None
            S, load = self.fullest(done, steps_cap)
            if load < 0:
                return None
            stations.append(list(_bits(S)))
            done |= S
        return core.to_original(stations)


def link_ends(fwd: Bbr, rev: Bbr, steps_cap: int = 200_000) -> None:
    """Give each direction the idle time that the other end of every line is sure to
    leave (``Bbr.reserve``): the last station holds a load that the mirror graph's first
    station could hold, so it leaves at least ``c`` minus the mirror graph's fullest first
    load, and no other station may use that part of the idle budget. ARC111 at 21 stations
    and c = 7182: the first station leaves at least 398 of the 423 units of idle time, so
    the mirrored search keeps 25 for every station but that one; ARC83 at 17 stations and
    c = 4503, the last leaves at least 362 of 844. A fullest load not proven within
    ``steps_cap`` enumeration steps gives nothing (the reserve stays 0).
    ``fwd`` and ``rev`` are the same instance and cycle time, arcs reversed in ``rev``."""
    c = fwd.core.c
    for own, other in ((fwd, rev), (rev, fwd)):
        load = _proven_fullest(other, 0, steps_cap)
        if load >= 0:
            own.reserve = c - load
            own.reserve2 = _first_two_idle(other, own.reserve, steps_cap)


def _proven_fullest(bbr: Bbr, done: int, steps_cap: int) -> int:
    """The fullest load after ``done``, or -1 when not proven within ``steps_cap`` steps."""
    ctx = bbr._heur_ctx()
    before = int(ctx.st[kernel.ST_STEPS])
    _, load = bbr.fullest(done, steps_cap)
    return load if load >= 0 and int(ctx.st[kernel.ST_STEPS]) - before <= steps_cap else -1


def _first_two_idle(bbr: Bbr, first: int, steps_cap: int, loads_cap: int = 20,
                    frames_cap: int = 500) -> int:
    """The least idle time of the first two stations of ``bbr``'s graph (the last two of
    the other direction's line): the least, over every load of the first station (maximal
    or not: a line's last station need not be full), of its idle time plus c minus the
    fullest load after it. ``first`` (the one-station value) when more than ``loads_cap``
    first loads or ``frames_cap`` enumeration frames would be needed, or a fullest load
    is not proven. ARC83 at c = 4316: the mirrored graph's first station leaves at least
    175 and its first two 805."""
    core = bbr.core
    c, t, pred = core.c, core.t, core.pred
    best = 2 * c
    frames = 0
    loads = 0
    stack = [(0, 0, 0)]  # every first load once: tasks taken in increasing number
    while stack:
        taken, load, low = stack.pop()
        frames += 1
        if frames > frames_cap:
            return first
        if taken and c - load < best:
            loads += 1
            second = _proven_fullest(bbr, taken, steps_cap)
            if loads > loads_cap or second < 0:
                return first
            best = min(best, 2 * c - load - second)
        room = c - load
        for u in range(low, core.n):
            if t[u] <= room and not pred[u] & ~taken:
                stack.append((taken | 1 << u, load + t[u], u + 1))
    return max(first, best) if best < 2 * c else first


def hoffmann_both_ends(fwd: Bbr, rev: Bbr, deadline: Callable[[], bool] | None = None,
                       steps_cap: int = 200_000) -> list[list[int]] | None:
    """Bidirectional Hoffmann heuristic (after Fleszar & Hindi 2003): the line is filled
    from both ends at once; each step computes a fullest load for the first open station
    (forward graph) and for the last one (mirror graph) and keeps the fuller of the two.
    ``fwd`` and ``rev`` are the same instance and cycle time, arcs reversed in ``rev``.
    Returns the stations in line order (original task indices), or None on ``deadline``."""
    n = fwd.core.n
    pos_f = {o: k for k, o in enumerate(fwd.core.orig)}
    pos_r = {o: k for k, o in enumerate(rev.core.orig)}
    assigned: set[int] = set()
    front: list[list[int]] = []
    back: list[list[int]] = []
    while len(assigned) < n:
        if deadline is not None and deadline():
            return None
        Sf, lf = fwd.fullest(sum(1 << pos_f[o] for o in assigned), steps_cap)
        Sr, lr = rev.fullest(sum(1 << pos_r[o] for o in assigned), steps_cap)
        if lf < 0 and lr < 0:
            return None
        if lf >= lr:
            st = [fwd.core.orig[k] for k in _bits(Sf)]
            front.append(sorted(st))
        else:
            st = [rev.core.orig[k] for k in _bits(Sr)]
            back.append(sorted(st))
        assigned.update(st)
    return front + back[::-1]


def _words(mask: int, W: int) -> np.ndarray:
    return np.array([(mask >> (64 * w)) & 0xFFFFFFFFFFFFFFFF for w in range(W)],
                    dtype=np.uint64)


def _rows(masks: list[int], W: int) -> np.ndarray:
    out = np.zeros((len(masks), W), dtype=np.uint64)
    for k, mk in enumerate(masks):
        out[k] = _words(mk, W)
    return out


def _from_words(row: np.ndarray) -> int:
    return sum(int(x) << (64 * w) for w, x in enumerate(row))


_warm = False
_warm_lock = threading.Lock()


def warm_up() -> float:
    """Load (or compile, the first time on a machine: about 30-70 s) every kernel on a
    tiny instance, once per process; returns the seconds it took, or waited for another
    thread's warm-up (the job worker starts one when it starts). ``solve`` calls it before
    its clock starts; a process that forks workers calls it first, so that they inherit
    the compiled code."""
    global _warm
    t0 = time.perf_counter()
    with _warm_lock:
        if _warm:
            waited = time.perf_counter() - t0
            return waited if waited > 0.01 else 0.0
        _load_kernels()
        _warm = True
    return time.perf_counter() - t0


def _load_kernels() -> None:
    bbr = Bbr(Salbp1((3, 4, 2, 5), ((0, 1), (0, 2), (2, 3)), 7))
    bbr.hoffmann()
    m = bbr.lower_bound()
    bbr.root_width(m)
    bbr.run(m)
    gen = bbr.decide_dfs(m)
    with contextlib.suppress(StopIteration):
        while True:
            next(gen)
    must, late = bbr._windows(m)
    Bbr._grow(bbr._ctx(m, must, late, 4), 8)
