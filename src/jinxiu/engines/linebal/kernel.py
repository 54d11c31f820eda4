"""Compiled kernels (numba, ``cache=True``) for the BB&R decision search of ``cbfs.py``.

Task sets are rows of ``W = ceil(n / 64)`` uint64 words (task ``k`` is bit ``k % 64`` of word
``k // 64``). Everything the search keeps lives in numpy arrays that the caller owns
(``Search`` in ``cbfs.py``), so a search can be run in slices and resumed:

* the node pool: task set, station count, parent, heap key and (lazy children, see
  ``run_search``) band of every stored node;
* one pairing heap per station count over the pool (``child``/``sib`` links), keyed by
  ``st[ST_KEY_W]`` · idle time + stations · tasks assigned (``cbfs.KEY_W``; 0: the idle
  time alone), ties: the newest node first — the cyclic best-first order;
* an open-addressing hash table of pool indices: the memory of BB&R ("a task set reached
  before with no more stations is not expanded again").

Two entry points: ``run_search`` (expand up to ``max_nodes`` nodes of the decision "``m``
stations?") and ``fullest_load`` (one fullest maximal load, for Hoffmann's heuristic). Both
enumerate the maximal loads of the next station with an explicit stack (``_enumerate``), in
topological task order; see ``cbfs.py`` for the rules the enumeration applies. The
task-set, hash-table and heap helpers are in ``kheap.py``, the deadline tests in
``kdue.py``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit
from numba.cpython.unsafe.numbers import trailing_zeros

from jinxiu.engines.linebal.kbin import NO, fits
from jinxiu.engines.linebal.kdue import _due_met, _due_ok, _due_plan, _due_take, _late_cut
from jinxiu.engines.linebal.kheap import U1, _has, _lookup, _lowest, _pop, _push

U0 = np.uint64(0)

# indices into the scalar state array ``st`` of a search
ST_POOL, ST_LEVEL, ST_NODES, ST_FOUND, ST_OPEN = 0, 1, 2, 3, 4
# per-node scalars ``ctx.sc`` while a node is expanded
SC_K, SC_IDLE, SC_R1, SC_R2, SC_R3, SC_CUR, SC_DUE = 0, 1, 2, 3, 4, 5, 6
# run_search results
RUNNING, FOUND, EXHAUSTED, FULL, TOO_WIDE = 0, 1, 2, 3, 4
ST_STEPS = 15  # st[15]: enumeration steps (frames entered) in all
CHILD_STEPS = 16  # what one load handed to _child counts towards ST_NODE_CAP
ST_NODE_CAP = 13  # st[13]: most enumeration steps for one node (0: no limit)
ST_KEY_W = 14  # st[14]: heap key weight w of the idle time (below; 0: idle time alone)
# the bin-packing test in this search: tests made, nodes cut, 1 once it is switched off;
# it is switched off after st[ST_BP_TRIAL] tests when fewer than one in BP_RATE cut
ST_BP_CALLS, ST_BP_CUTS, ST_BP_OFF, ST_BP_TRIAL = 9, 10, 11, 12
BP_RATE = 20
ST_LAZY = 16  # st[16]: 1 = lazy children (run_search: the loads without idle time first)
ST_DUE = 17  # st[17]: 1 = deadlines tracked in the enumeration (_due_plan); 0: _late_cut
ST_TAKE = 18  # st[18]: 1 = a candidate is taken only if some load with it ends in the window
# st[19]: idle time the m-th station is sure to leave (``cbfs.link_ends``): every other
# station's load leaves that much less of the budget
ST_RESERVE = 19
ST_RESERVE2 = 20  # ... and the last two stations (cbfs._first_two_idle)
ST_SIZE = 21


class Ctx(NamedTuple):
    """What the kernels share: the instance (one direction, one cycle time, ``m``), the
    search state and scratch space. Built by ``cbfs.Search``."""

    n: int
    W: int
    c: int
    m: int
    t: np.ndarray  # int64[n] task times (topological numbering)
    tp: np.ndarray  # int64[n] incremented times (bounds only)
    w2: np.ndarray  # int64[n] LB2 weights (halves)
    w3: np.ndarray  # int64[n] LB3 weights (sixths)
    pred: np.ndarray  # uint64[n, W] direct predecessors
    fol: np.ndarray  # uint64[n, W] all followers
    dom: np.ndarray  # uint64[n, W] the tasks that dominate each task (Jackson)
    pred_ptr: np.ndarray  # CSR of the direct predecessors
    pred_idx: np.ndarray
    succ_ptr: np.ndarray  # CSR of the direct successors
    succ_idx: np.ndarray
    le_idx: np.ndarray  # int64[c + 1]: row of le_mask for a free time r (-1: none fits)
    le_mask: np.ndarray  # uint64[V, W]: the tasks with time <= the V-th distinct time
    must: np.ndarray  # uint64[m + 2, W]: tasks whose latest station is <= s
    full: np.ndarray  # uint64[W]: every task
    budget: int  # m * c - sum of times: idle time allowed in all
    tsum: int  # sum of the task times
    pool: np.ndarray  # uint64[N, W] task sets of the stored nodes
    lvl: np.ndarray  # int32[N] their station count (-1: superseded)
    band: np.ndarray  # int32[N] lazy children (ST_LAZY): 1 once the loads without idle
    #                   time are handed on
    par: np.ndarray  # int32[N] parent node
    key: np.ndarray  # int64[N] heap key: (w·idle + k·assigned) << 32 | (2^31 - 1 - index)
    child: np.ndarray  # int32[N] pairing-heap links
    sib: np.ndarray  # int32[N]
    tmp: np.ndarray  # int32[N] scratch for the heap
    roots: np.ndarray  # int64[m + 1] heap root per station count
    htab: np.ndarray  # int64[H] hash table of pool indices (H a power of two)
    st: np.ndarray  # int64[8] pool size, cyclic level, nodes expanded, found, open nodes
    sc: np.ndarray  # int64[8] the node being expanded (SC_*)
    done: np.ndarray  # uint64[W] its task set
    nd: np.ndarray  # uint64[W] scratch: a child's task set
    tmpw: np.ndarray  # uint64[W] scratch
    frc: np.ndarray  # uint64[W] per node: tasks that must go into this station
    avail: np.ndarray  # uint64[W] per node: available tasks
    imposs: np.ndarray  # uint64[W] per node: tasks that cannot join the next station
    suf: np.ndarray  # int64[n + 1] per node (see _prepare)
    chain: np.ndarray  # int64[n] per node
    stS: np.ndarray  # uint64[n + 2, W] enumeration stack: task sets
    stM: np.ndarray  # uint64[n + 2, W] ... candidates
    stI: np.ndarray  # int64[n + 2, 8] ... numbers (see _enumerate)
    late: np.ndarray  # int64[n] latest station of each task for m stations
    dl1: np.ndarray  # int64[m + 2] per node: tp of the unassigned tasks due by station s
    dl3: np.ndarray  # int64[m + 2] ... their LB3 weights
    dd1: np.ndarray  # int64[m + 2] scratch (zero between uses)
    dd3: np.ndarray  # int64[m + 2] scratch (zero between uses)
    # depth-first search (kdfs.py) only, one row per station count L (tiny otherwise):
    lv_done: np.ndarray  # uint64[m + 2, W] task set after L stations
    lv_frc: np.ndarray  # uint64[m + 2, W] tasks due in station L + 1
    lv_avail: np.ndarray  # uint64[m + 2, W] available tasks
    lv_suf: np.ndarray  # int64[m + 2, n + 1] see _prepare
    lv_int: np.ndarray  # int64[m + 2, 8] bar, first frame, idle, tp / w2 / w3 sums left
    lv_dl1: np.ndarray  # int64[m + 2, m + 2] deadlines (see dl1)
    lv_dl3: np.ndarray  # int64[m + 2, m + 2]
    # the deadlines a load must help to meet (``_due_plan``; ST_DUE), best-first search:
    dk: np.ndarray  # int64[m + 2] station s of each such deadline
    dneed: np.ndarray  # int64[2m + 4] tp, w3 the load must take of the tasks due by dk[i]
    dsuf: np.ndarray  # int64[m + 2, n + 1] tp of the tasks due by dk[i] numbered u or higher
    stD: np.ndarray  # int64[depth, 2m + 4] enumeration stack: tp, w3 taken of them
    # ... the same per station count in the depth-first search (tiny otherwise)
    lv_ndue: np.ndarray  # int64[m + 2] how many deadlines
    lv_dk: np.ndarray  # int64[m + 2, m + 2]
    lv_dneed: np.ndarray  # int64[m + 2, 2m + 4]
    lv_dsuf: np.ndarray  # int64[m + 2, m + 2, n + 1]
    # tasks that need stations of their own and the idle time each such station leaves
    # at least (``floors.py``; empty: none)
    jt: np.ndarray  # int64[K]
    jf: np.ndarray  # int64[K]


@njit(cache=True)
def _prepare(done, n, W, c, t, pred_ptr, pred_idx, avail, suf, chain, impossible):
    """Available tasks, and ``suf[u]``: time of the unassigned tasks numbered ``u`` or higher
    whose chain of unassigned ancestors fits in one station (what a load can still get)."""
    for w in range(W):
        avail[w] = U0
        impossible[w] = U0
    for v in range(n):
        chain[v] = 0
        suf[v] = 0
        if _has(done, v):
            continue
        longest = 0
        free = True
        bad = False
        for q in range(pred_ptr[v], pred_ptr[v + 1]):
            p = pred_idx[q]
            if _has(done, p):
                continue
            free = False
            if _has(impossible, p):
                bad = True
                break
            if chain[p] > longest:
                longest = chain[p]
        if bad:
            impossible[v >> 6] |= U1 << np.uint64(v & 63)
            continue
        if free:
            avail[v >> 6] |= U1 << np.uint64(v & 63)
        ch = t[v] + longest
        if ch <= c:
            chain[v] = ch
            suf[v] = t[v]
        else:
            impossible[v >> 6] |= U1 << np.uint64(v & 63)
    suf[n] = 0
    for v in range(n - 1, -1, -1):
        suf[v] += suf[v + 1]


@njit(cache=True)
def _reach(done, imposs, n, W, t, rch):
    """Subset sums of the tasks a load can still take: ``rch[u]`` (bit ``x`` of a row of
    words) is set when some tasks numbered ``u`` or higher, unassigned and not impossible
    (``_prepare``), add up to ``x`` (precedence dropped; sums above ``c`` are not kept).
    A load whose next candidate is ``u`` can reach the sums ``load + rch[u]`` only, so a
    branch that cannot end within the station's window of loads is cut (``_reaches``).
    A table of one row is the test switched off (``cbfs.Bbr._reach_table``): nothing done."""
    if rch.shape[0] <= n:
        return
    nw = rch.shape[1]
    for i in range(nw):
        rch[n, i] = U0
    rch[n, 0] = U1
    for v in range(n - 1, -1, -1):
        for i in range(nw):
            rch[v, i] = rch[v + 1, i]
        if _has(done, v) or _has(imposs, v):
            continue
        s = t[v]
        ws = s >> 6
        bs = np.uint64(s & 63)
        if ws >= nw:
            continue
        if bs == U0:
            for i in range(nw - 1, ws - 1, -1):
                rch[v, i] |= rch[v + 1, i - ws]
        else:
            back = np.uint64(64) - bs
            for i in range(nw - 1, ws, -1):
                rch[v, i] |= (rch[v + 1, i - ws] << bs) | (rch[v + 1, i - ws - 1] >> back)
            rch[v, ws] |= rch[v + 1, 0] << bs


@njit(cache=True, inline="always")
def _reaches(row, lo, hi):
    """Some bit of ``row`` in ``lo .. hi`` (``lo`` >= 0)."""
    if lo > hi:
        return False
    a = lo >> 6
    b = hi >> 6
    if a >= row.shape[0]:
        return False
    if b >= row.shape[0]:
        b = row.shape[0] - 1
        hi = 64 * b + 63
    for i in range(a, b + 1):
        x = row[i]
        if i == a:
            x &= ~U0 << np.uint64(lo & 63)
        if i == b and (hi & 63) != 63:
            x &= (U1 << np.uint64((hi & 63) + 1)) - U1
        if x:
            return True
    return False


@njit(cache=True)
def _dominated(done, S, load, W, c, t, pred, fol, dom, le_idx, le_mask, tmp):
    """Jackson's rule: a task ``j`` of the load without a follower in it could be swapped for
    an unassigned, available task that dominates it and fits."""
    for w in range(W):
        x = S[w]
        while x:
            b = np.int64(trailing_zeros(x))
            x &= x - U1
            j = w * 64 + b
            rel = U0
            for v in range(W):
                rel |= fol[j, v] & S[v]
            if rel:
                continue
            room = c - load + t[j]
            li = le_idx[room] if room <= c else le_idx[c]
            if li < 0:
                continue
            anyc = U0
            for v in range(W):
                tmp[v] = dom[j, v] & ~(done[v] | S[v]) & le_mask[li, v]
                anyc |= tmp[v]
            if not anyc:
                continue
            for v in range(W):
                y = tmp[v]
                while y:
                    i = v * 64 + np.int64(trailing_zeros(y))
                    y &= y - U1
                    ok = True
                    for u in range(W):
                        base = done[u] | S[u]
                        if u == w:
                            base &= ~(U1 << np.uint64(b))
                        if pred[i, u] & ~base:
                            ok = False
                            break
                    if ok:
                        return True
    return False


@njit(cache=True, inline="always")
def _root_frame(ctx, d, avail):
    """Start a station's enumeration in frame ``d``: nothing taken, ``avail`` to choose."""
    for w in range(ctx.W):
        ctx.stS[d, w] = U0
        ctx.stM[d, w] = avail[w]
    ctx.stI[d, 0] = 0
    ctx.stI[d, 1] = ctx.c + 1
    ctx.stI[d, 5] = 0
    ctx.stI[d, 6] = 0
    ctx.stI[d, 7] = 0
    if d < ctx.stD.shape[0]:  # nothing held of the deadlines' tasks (_due_plan)
        for i in range(ctx.stD.shape[1]):
            ctx.stD[d, i] = 0


@njit(cache=True)
def _enumerate(ctx, done, forced, bar0, mode, best, steps_cap, bn, bix, rch, top):
    """Maximal loads of the next station: at least ``bar0``, every task of ``forced`` (in
    mode 0 only those of at most ``top``).

    ``mode`` 0: every load is handed to ``_child`` (the search), through ``ctx``; the
    enumeration ends early when ``_child`` reports a complete plan (returns 1).
    ``mode`` 1: branch and bound for a fullest load (the bar rises with each load found);
    the fullest is left in ``best`` (returns its load, or -1).
    ``mode`` 2: count the loads (returns the count - 1; stops at ``steps_cap`` steps).

    Frame ``d`` of the stack: ``stS[d]`` task set, ``stM[d]`` candidates left; ``stI[d, :]``
    = load, least time of a skipped task, first forced task not yet in, extended?, last
    task tried, tp / w2 / w3 sums. (``kdfs.py`` has the same steps inside its search.)"""
    n, W, c, t, pred = ctx.n, ctx.W, ctx.c, ctx.t, ctx.pred
    succ_ptr, succ_idx, le_idx, le_mask = ctx.succ_ptr, ctx.succ_idx, ctx.le_idx, ctx.le_mask
    suf, stS, stM, stI = ctx.suf, ctx.stS, ctx.stM, ctx.stI
    bar = bar0
    found = -1
    steps = 0
    use_reach = rch.shape[0] > n
    take_test = use_reach and ctx.st[ST_TAKE] != 0
    due_on = mode == 0 and ctx.st[ST_DUE] != 0
    ndue = ctx.sc[SC_DUE] if due_on else 0
    _root_frame(ctx, 0, ctx.avail)
    d = 0
    entering = True
    while d >= 0:
        if entering:
            entering = False
            steps += 1
            ctx.st[ST_STEPS] += 1
            if steps_cap > 0 and steps > steps_cap:
                return found if mode >= 1 else -2
            rem = c - stI[d, 0]
            fn = n
            for w in range(W):
                x = forced[w] & ~stS[d, w]
                if x:
                    fn = w * 64 + np.int64(trailing_zeros(x))
                    break
            if fn < n and t[fn] > rem:
                d -= 1
                continue
            stI[d, 2] = fn
            stI[d, 3] = 0
            stI[d, 4] = -1
            li = le_idx[rem]
            for w in range(W):
                stM[d, w] = stM[d, w] & le_mask[li, w] if li >= 0 else U0
        else:
            # back from the child that took task stI[d, 4]
            u = stI[d, 4]
            if u == stI[d, 2]:
                d -= 1
                continue
            if t[u] < stI[d, 1]:
                stI[d, 1] = t[u]
        load = stI[d, 0]
        u = _lowest(stM[d], W)
        if u >= 0 and not (u > stI[d, 2] or load + suf[u] < bar or (
                use_reach and not _reaches(rch[u], max(bar, c + 1 - stI[d, 1]) - load,
                                           c - load)) or (
                ndue > 0 and not _due_ok(ctx.stD, d, u, c - load, ndue, ctx.dneed,
                                         ctx.dsuf))):
            wu = u >> 6
            bu = U1 << np.uint64(u & 63)
            stM[d, wu] &= ~bu
            if take_test and not _reaches(rch[u + 1],
                                          max(bar, c + 1 - stI[d, 1]) - load - t[u],
                                          c - load - t[u]):
                # no load with u ends in the window (some without it may): skip u here,
                # as if its child had come back (a forced u ends the frame)
                stI[d, 4] = u
                continue
            # take u: the child gets the candidates after u and u's freed successors
            stI[d, 3] = 1
            stI[d, 4] = u
            e = d + 1
            for w in range(W):
                stS[e, w] = stS[d, w]
                stM[e, w] = stM[d, w]
            stS[e, wu] |= bu
            for q in range(succ_ptr[u], succ_ptr[u + 1]):
                v = succ_idx[q]
                if _has(done, v):  # assigned at the other end (hoffmann_both_ends)
                    continue
                ok = True
                for w in range(W):
                    if pred[v, w] & ~(done[w] | stS[e, w]):
                        ok = False
                        break
                if ok:
                    stM[e, v >> 6] |= U1 << np.uint64(v & 63)
            stI[e, 0] = load + t[u]
            stI[e, 1] = stI[d, 1]
            stI[e, 5] = stI[d, 5] + ctx.tp[u]
            stI[e, 6] = stI[d, 6] + ctx.w2[u]
            stI[e, 7] = stI[d, 7] + ctx.w3[u]
            _due_take(ctx, d, e, u, ndue, ctx.dk)
            d = e
            entering = True
            continue
        # no more children: a maximal load when nothing was added and no skipped task fits
        if stI[d, 3] == 0 and c - load < stI[d, 1] and load >= bar and stI[d, 2] == n:
            if mode == 1:
                for w in range(W):
                    best[w] = stS[d, w]
                found = load
                bar = load + 1
                if load == c:
                    return found
            elif mode == 2:
                found += 1
            elif load <= top:
                # a load handed on costs more than a step (bounds, memory, Jackson, bins):
                # it counts CHILD_STEPS towards the node's cap, so that a wide node gives
                # up in about the same time whatever its children cost
                steps += CHILD_STEPS
                if due_on and not _due_met(ctx.stD, d, ndue, ctx.dneed):
                    d -= 1
                    continue
                r = _child(ctx, stS[d], load, stI[d, 5], stI[d, 6], stI[d, 7], bn, bix,
                           due_on)
                if r != 0:
                    return r
        d -= 1
    return found if mode >= 1 else 0


@njit(cache=True, inline="always")
def _heap_key(kw, idle, k, row, W, q):
    """Heap key of node ``q`` (task set ``row``, ``k`` stations, ``idle``): ``kw`` · idle +
    k · (tasks assigned), or the idle time alone when ``kw`` is 0; ties: newest first."""
    kk = idle
    if kw > 0:
        a = 0
        for w in range(W):
            x = row[w]
            while x:
                x &= x - U1
                a += 1
        kk = min(kw * idle + k * a, 0x7FFFFFFF)
    return (kk << 32) | (0x7FFFFFFF - q)


@njit(cache=True, inline="always")
def _child(ctx, S, load, p1, p2, p3, bn, bix, deadlines_met):
    """Bounds, memory and Jackson's rule for the child ``done | S`` of the node being
    expanded; stores and queues it when it survives. Returns 1 for a complete plan, 2 when
    the pool is full."""
    W = ctx.W
    nd = ctx.nd
    full = True
    for w in range(W):
        nd[w] = ctx.done[w] | S[w]
        if nd[w] != ctx.full[w]:
            full = False
    sc = ctx.sc
    k1 = sc[SC_K] + 1
    if not full:
        room = ctx.m - k1
        c = ctx.c
        r1 = sc[SC_R1] - p1
        r2 = sc[SC_R2] - p2
        r3 = sc[SC_R3] - p3
        if (r1 + c - 1) // c > room or (r2 + 1) // 2 > room or (r3 + 5) // 6 > room:
            return 0
        if not deadlines_met and _late_cut(ctx, S, k1, ctx.dl1, ctx.dl3):
            return 0
    p, slot = _lookup(ctx.pool, ctx.htab, nd, W)
    if p >= 0 and ctx.lvl[p] <= k1 and ctx.lvl[p] >= 0:
        return 0
    if not full and _dominated(ctx.done, S, load, W, ctx.c, ctx.t, ctx.pred, ctx.fol, ctx.dom,
                               ctx.le_idx, ctx.le_mask, ctx.tmpw):
        return 0
    if not full and ctx.st[ST_BP_OFF] == 0 and _bin_cut(bn, bix, ctx.st, nd, ctx.n, ctx.m - k1):
        return 0
    q = ctx.st[ST_POOL]
    if q >= ctx.pool.shape[0]:
        return 2  # the pool is full
    ctx.st[ST_POOL] = q + 1
    for w in range(W):
        ctx.pool[q, w] = nd[w]
    if p >= 0:
        ctx.lvl[p] = -1  # an older copy with more stations: skipped when popped
    ctx.htab[slot] = q
    ctx.lvl[q] = k1
    ctx.band[q] = 0
    ctx.par[q] = sc[SC_CUR]
    if full:
        ctx.st[ST_FOUND] = q
        return 1
    idle = sc[SC_IDLE] + ctx.c - load
    ctx.key[q] = _heap_key(ctx.st[ST_KEY_W], idle, k1, nd, W, q)
    _push(ctx.roots, k1, q, ctx.key, ctx.child, ctx.sib)
    ctx.st[ST_OPEN] += 1
    return 0


@njit(cache=True)
def _bin_cut(bn, bix, st, nd, n, room):
    """The unassigned tasks of ``nd`` (precedence dropped) do not fit into ``room``
    stations: the exact bin-packing test of ``kbin.py`` (``bix``: each task's size row).
    A search where it rarely cuts (SCHOLL: 163 distinct times, hardly ever tight) switches
    it off (``st[ST_BP_OFF]``) after ``st[ST_BP_TRIAL]`` tests; the callers test that flag
    first. The test's state comes as its own arguments, not in ``ctx``: with its arrays in
    the context every search was 40 % slower, test on or off (docs/engines/linebal.md)."""
    cnt = bn.cnt
    for j in range(cnt.shape[0]):
        cnt[j] = 0
    for v in range(n):
        if not _has(nd, v):
            cnt[bix[v]] += 1
    cut = fits(bn, room) == NO
    st[ST_BP_CALLS] += 1
    st[ST_BP_CUTS] += cut
    if st[ST_BP_CALLS] >= st[ST_BP_TRIAL] and st[ST_BP_CUTS] * BP_RATE < st[ST_BP_CALLS]:
        st[ST_BP_OFF] = 1  # it does not pay on this search
    return cut


@njit(cache=True)
def _held_back(ctx, done, k):
    """Idle time that the stations after station ``k + 1`` are sure to leave, kept back
    from its load (after ``_prepare``: ``ctx.imposs``): the m-th station's reserve
    (``cbfs.link_ends``) when station ``k + 1`` is not the m-th, or the floors of the
    unassigned tasks that need stations of their own (``floors.py``) but the largest of
    those that could join station ``k + 1``, whichever is more."""
    after = ctx.m - k - 1  # stations after station k + 1
    last = ctx.st[ST_RESERVE2] if after >= 2 else ctx.st[ST_RESERVE] if after == 1 else 0
    total = 0
    joinable = 0
    for i in range(ctx.jt.shape[0]):
        v = ctx.jt[i]
        if not _has(done, v):
            total += ctx.jf[i]
            if ctx.jf[i] > joinable and not _has(ctx.imposs, v):
                joinable = ctx.jf[i]
    return max(last, total - joinable)


@njit(cache=True)
def _node_sums(ctx, done):
    """Idle-free sums over the unassigned tasks: (time, tp, w2, w3)."""
    a = b = c2 = c3 = 0
    for v in range(ctx.n):
        if not _has(done, v):
            a += ctx.t[v]
            b += ctx.tp[v]
            c2 += ctx.w2[v]
            c3 += ctx.w3[v]
    return a, b, c2, c3


@njit(cache=True, nogil=True)
def start_search(ctx):
    """Put the root (nothing assigned, no station) into the empty search."""
    for w in range(ctx.W):
        ctx.pool[0, w] = U0
    _p, slot = _lookup(ctx.pool, ctx.htab, ctx.pool[0], ctx.W)
    ctx.htab[slot] = 0
    ctx.lvl[0] = 0
    ctx.par[0] = -1
    ctx.key[0] = 0x7FFFFFFF
    _push(ctx.roots, 0, 0, ctx.key, ctx.child, ctx.sib)
    ctx.st[ST_POOL] = 1
    ctx.st[ST_LEVEL] = 0
    ctx.st[ST_NODES] = 0
    ctx.st[ST_FOUND] = -1
    ctx.st[ST_OPEN] = 1


@njit(cache=True, nogil=True)
def run_search(ctx, max_nodes, bn, bix, rch):
    """Expand up to ``max_nodes`` nodes in cyclic best-first order. Returns RUNNING (more
    to do), FOUND (``st[ST_FOUND]`` is the complete plan's last node), EXHAUSTED (no plan
    with ``m`` stations), FULL (the pool is full: it can go on once it has grown) or
    TOO_WIDE (a node took more than ``st[ST_NODE_CAP]`` enumeration steps; the search
    cannot go on)."""
    m, W, c = ctx.m, ctx.W, ctx.c
    st, sc, done, roots = ctx.st, ctx.sc, ctx.done, ctx.roots
    expanded = 0
    while expanded < max_nodes:
        if st[ST_OPEN] == 0:
            return EXHAUSTED
        level = st[ST_LEVEL]
        for _ in range(m + 1):
            if roots[level] >= 0:
                break
            level = level + 1 if level < m else 0
        p = _pop(roots, level, ctx.key, ctx.child, ctx.sib, ctx.tmp)
        st[ST_OPEN] -= 1
        st[ST_LEVEL] = level + 1 if level < m else 0
        if ctx.lvl[p] != level:
            continue  # superseded by a copy with fewer stations
        expanded += 1
        st[ST_NODES] += 1
        k = level
        if k >= m:
            continue
        late = False
        for w in range(W):
            done[w] = ctx.pool[p, w]
            if ctx.must[k, w] & ~done[w]:
                late = True
        if late:
            continue
        left, r1, r2, r3 = _node_sums(ctx, done)
        for s in range(m + 2):
            ctx.dl1[s] = 0
            ctx.dl3[s] = 0
        for v in range(ctx.n):
            if not _has(done, v):
                ctx.dl1[ctx.late[v]] += ctx.tp[v]
                ctx.dl3[ctx.late[v]] += ctx.w3[v]
        for s in range(1, m + 2):
            ctx.dl1[s] += ctx.dl1[s - 1]
            ctx.dl3[s] += ctx.dl3[s - 1]
        idle = k * c - (ctx.tsum - left)
        sc[SC_K] = k
        sc[SC_IDLE] = idle
        sc[SC_R1] = r1
        sc[SC_R2] = r2
        sc[SC_R3] = r3
        sc[SC_CUR] = p
        for w in range(W):
            ctx.frc[w] = ctx.must[k + 1, w] & ~done[w]
        _prepare(done, ctx.n, W, c, ctx.t, ctx.pred_ptr, ctx.pred_idx, ctx.avail, ctx.suf,
                 ctx.chain, ctx.imposs)
        floor = c - (ctx.budget - idle) + _held_back(ctx, done, k)
        _reach(done, ctx.imposs, ctx.n, W, ctx.t, rch)
        if st[ST_DUE] != 0:
            sc[SC_DUE] = _due_plan(ctx, done, k, ctx.dl1, ctx.dl3, ctx.dk, ctx.dneed, ctx.dsuf)
        # lazy children (st[ST_LAZY]): a node with idle time left hands on its loads
        # without idle time first (a pass with the bar at c); if one of them is stored, the
        # node goes back into its heap, keyed as if it had one unit more idle time, and
        # its other loads come when it is popped again (band 1); if none, at once
        r = 0
        band = ctx.band[p] if st[ST_LAZY] != 0 and floor < c else -1
        if band == 0:
            open0 = st[ST_OPEN]
            r = _enumerate(ctx, done, ctx.frc, c, 0, ctx.nd, st[ST_NODE_CAP], bn, bix, rch, c)
            if r == 0 and st[ST_OPEN] > open0:
                ctx.band[p] = 1
                ctx.key[p] = _heap_key(st[ST_KEY_W], idle + 1, k, done, W, p)
                _push(roots, level, p, ctx.key, ctx.child, ctx.sib)
                st[ST_OPEN] += 1
                continue
        if r == 0:  # every load (band -1), or those with idle time (band 0 or 1)
            r = _enumerate(ctx, done, ctx.frc, floor, 0, ctx.nd, st[ST_NODE_CAP], bn, bix,
                           rch, c - 1 if band >= 0 else c)
        if r == 1:
            return FOUND
        if r == -2:  # one node with more loads than the cap: leave it to the DFS
            return TOO_WIDE
        if r == 2:  # put the node back: it is expanded again once the pool has grown
            _push(roots, level, p, ctx.key, ctx.child, ctx.sib)
            st[ST_OPEN] += 1
            st[ST_NODES] -= 1
            st[ST_LEVEL] = level
            return FULL
    return RUNNING


@njit(cache=True)
def fullest_load(ctx, done, out, steps_cap, bn, bix, rch):
    """A fullest maximal load for the station after ``done`` into ``out`` (its load, or -2
    when ``steps_cap`` enumeration steps did not finish)."""
    _prepare(done, ctx.n, ctx.W, ctx.c, ctx.t, ctx.pred_ptr, ctx.pred_idx, ctx.avail,
             ctx.suf, ctx.chain, ctx.imposs)
    _reach(done, ctx.imposs, ctx.n, ctx.W, ctx.t, rch)
    for w in range(ctx.W):
        ctx.frc[w] = U0
    return _enumerate(ctx, done, ctx.frc, 0, 1, out, steps_cap, bn, bix, rch, ctx.c)


@njit(cache=True)
def count_loads(ctx, done, bar, steps_cap, bn, bix, rch):
    """How many maximal loads of at least ``bar`` the station after ``done`` has (counting
    stops after ``steps_cap`` enumeration steps)."""
    _prepare(done, ctx.n, ctx.W, ctx.c, ctx.t, ctx.pred_ptr, ctx.pred_idx, ctx.avail,
             ctx.suf, ctx.chain, ctx.imposs)
    _reach(done, ctx.imposs, ctx.n, ctx.W, ctx.t, rch)
    for w in range(ctx.W):
        ctx.frc[w] = U0
    return _enumerate(ctx, done, ctx.frc, bar, 2, ctx.nd, steps_cap, bn, bix, rch, ctx.c) + 1


@njit(cache=True, nogil=True)
def rehash(ctx):
    """Fill a fresh (all -1) hash table with the current nodes of the pool."""
    for q in range(ctx.st[ST_POOL]):
        if ctx.lvl[q] >= 0:
            _p, slot = _lookup(ctx.pool, ctx.htab, ctx.pool[q], ctx.W)
            ctx.htab[slot] = q
