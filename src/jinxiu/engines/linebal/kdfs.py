"""Compiled depth-first BB&R search (numba): the decision "``m`` stations?" without the
open-node heaps of the cyclic best-first search.

One stack of enumeration frames runs through all stations: the frames of station ``L + 1``
sit on top of the frame that holds station ``L``'s load, so a station's loads are produced
one at a time and the first load that survives the bounds is followed at once (no list of
children is ever built). This matters where a node has millions of maximal loads
(BARTHOLD at c = 403: the budget leaves 8 units of idle time over 14 stations). The
bounds, the deadline cut, Jackson's rule and the memory (a task set reached before with no
more stations is not entered again) are those of the best-first search in ``kernel.py``;
the search is complete, so "no" answers are proofs as well.

Per station count ``L`` the arrays ``lv_*`` of the context hold the node being extended;
``st`` holds where the search stopped (``run_dfs`` runs in slices of ``max_steps``).
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numba.cpython.unsafe.numbers import trailing_zeros

from jinxiu.engines.linebal.kdue import _due_met, _due_ok, _due_plan, _due_take, _late_cut
from jinxiu.engines.linebal.kernel import (
    EXHAUSTED,
    FOUND,
    RUNNING,
    ST_BP_OFF,
    ST_DUE,
    ST_FOUND,
    ST_LEVEL,
    ST_NODES,
    ST_POOL,
    ST_STEPS,
    ST_TAKE,
    U0,
    U1,
    _bin_cut,
    _dominated,
    _held_back,
    _prepare,
    _reach,
    _reaches,
    _root_frame,
)
from jinxiu.engines.linebal.kheap import _has, _lookup, _lowest

ST_D, ST_ENTER, ST_ORDER = 5, 6, 7  # top frame, "entering it" flag, order of the loads
ST_BAND = 8  # fullest first: a pass that starts at idle time a spans a // st[8] (>= 1)
LV_BAR, LV_BASE, LV_IDLE, LV_R1, LV_R2, LV_R3, LV_FLOOR, LV_TOP = 0, 1, 2, 3, 4, 5, 6, 7


@njit(cache=True)
def _band(ctx, idle):
    """How many idle times the fullest-first pass that starts at ``idle`` covers:
    ``idle // st[ST_BAND]``, at least one (the bands grow geometrically; 0: always one)."""
    g = ctx.st[ST_BAND]
    return max(1, idle // g) if g > 0 else 1


@njit(cache=True)
def _open_level(ctx, L, base, idle, r1, r2, r3, rch):
    """Make ``lv_done[L]`` (already set) the node extended at station ``L + 1``; its first
    enumeration frame is ``base``."""
    n, W, c, m = ctx.n, ctx.W, ctx.c, ctx.m
    done = ctx.lv_done[L]
    for w in range(W):
        ctx.lv_frc[L, w] = ctx.must[L + 1, w] & ~done[w] if m > L else U0
    li = ctx.lv_int[L]
    _prepare(done, n, W, c, ctx.t, ctx.pred_ptr, ctx.pred_idx, ctx.lv_avail[L],
             ctx.lv_suf[L], ctx.chain, ctx.imposs)
    # the least load within the idle budget, less what the later stations are sure to leave
    li[LV_FLOOR] = c - (ctx.budget - idle) + _held_back(ctx, done, L)
    li[LV_TOP] = c  # this pass keeps the loads in LV_BAR .. LV_TOP (order 0: floor .. c)
    li[LV_BAR] = c if ctx.st[ST_ORDER] == 1 else li[LV_FLOOR]
    li[LV_BASE] = base
    li[LV_IDLE] = idle
    li[LV_R1] = r1
    li[LV_R2] = r2
    li[LV_R3] = r3
    _reach(done, ctx.imposs, n, W, ctx.t, rch[L])
    dl1 = ctx.lv_dl1[L]
    dl3 = ctx.lv_dl3[L]
    for s in range(m + 2):
        dl1[s] = 0
        dl3[s] = 0
    for v in range(n):
        if not _has(done, v):
            dl1[ctx.late[v]] += ctx.tp[v]
            dl3[ctx.late[v]] += ctx.w3[v]
    for s in range(1, m + 2):
        dl1[s] += dl1[s - 1]
        dl3[s] += dl3[s - 1]
    ctx.lv_ndue[L] = 0
    if ctx.st[ST_DUE] != 0 and m > L:
        ctx.lv_ndue[L] = _due_plan(ctx, done, L, dl1, dl3, ctx.lv_dk[L], ctx.lv_dneed[L],
                                   ctx.lv_dsuf[L])
    _root_frame(ctx, base, ctx.lv_avail[L])


@njit(cache=True, nogil=True)
def start_dfs(ctx, order, rch):
    """The root: nothing assigned, no station. ``order`` 0: a station's loads in the order
    the enumeration meets them; 1: fullest first (the enumeration runs once per band of
    idle times, ``_band``: with ``st[ST_BAND]`` = 1 the bands 0, 1, 2-3, 4-7, ... up to
    what the budget leaves, each pass keeping the loads with an idle time in its band; 0:
    once per idle time)."""
    ctx.st[ST_ORDER] = order
    r1 = r2 = r3 = 0
    for v in range(ctx.n):
        r1 += ctx.tp[v]
        r2 += ctx.w2[v]
        r3 += ctx.w3[v]
    for w in range(ctx.W):
        ctx.lv_done[0, w] = U0
    _open_level(ctx, 0, 0, 0, r1, r2, r3, rch)
    ctx.st[ST_LEVEL] = 0
    ctx.st[ST_D] = 0
    ctx.st[ST_ENTER] = 1
    ctx.st[ST_FOUND] = -1
    ctx.st[ST_POOL] = 0
    ctx.st[ST_NODES] = 0


@njit(cache=True)
def _leaf(ctx, L, d, bn, bix, rch):
    """The load in frame ``d`` closes station ``L + 1``. Returns 0 (cut), 1 (complete
    plan) or 2 (go down: the child is ``lv_done[L + 1]``)."""
    W, c, m = ctx.W, ctx.c, ctx.m
    S = ctx.stS[d]
    load = ctx.stI[d, 0]
    done = ctx.lv_done[L]
    nd = ctx.lv_done[L + 1]
    full = True
    for w in range(W):
        nd[w] = done[w] | S[w]
        if nd[w] != ctx.full[w]:
            full = False
    if full:
        return 1
    k1 = L + 1
    room = m - k1
    li = ctx.lv_int[L]
    r1 = li[LV_R1] - ctx.stI[d, 5]
    r2 = li[LV_R2] - ctx.stI[d, 6]
    r3 = li[LV_R3] - ctx.stI[d, 7]
    if (r1 + c - 1) // c > room or (r2 + 1) // 2 > room or (r3 + 5) // 6 > room:
        return 0
    if ctx.st[ST_DUE] == 0 and _late_cut(ctx, S, k1, ctx.lv_dl1[L], ctx.lv_dl3[L]):
        return 0
    p, slot = _lookup(ctx.pool, ctx.htab, nd, W)
    if p >= 0 and ctx.lvl[p] <= k1:
        return 0
    if _dominated(done, S, load, W, c, ctx.t, ctx.pred, ctx.fol, ctx.dom, ctx.le_idx,
                  ctx.le_mask, ctx.tmpw):
        return 0
    if ctx.st[ST_BP_OFF] == 0 and _bin_cut(bn, bix, ctx.st, nd, ctx.n, room):
        return 0
    if p >= 0:
        ctx.lvl[p] = k1
    else:
        q = ctx.st[ST_POOL]
        if q < ctx.pool.shape[0] and 2 * q < ctx.htab.shape[0]:  # else: forget it
            for w in range(W):
                ctx.pool[q, w] = nd[w]
            ctx.lvl[q] = k1
            ctx.htab[slot] = q
            ctx.st[ST_POOL] = q + 1
    _open_level(ctx, k1, d + 1, li[LV_IDLE] + c - load, r1, r2, r3, rch)
    return 2


@njit(cache=True, nogil=True)
def run_dfs(ctx, max_steps, bn, bix, rch):
    """Go on with the search for up to ``max_steps`` enumeration steps. Returns RUNNING,
    FOUND (the plan: the load of frame ``lv_int[l + 1, LV_BASE] - 1`` for each station
    ``l`` before the last, and frame ``st[ST_FOUND]`` for the last, ``st[ST_LEVEL]``) or
    EXHAUSTED (proof that ``m`` stations do not suffice)."""
    n, W, c, t, pred = ctx.n, ctx.W, ctx.c, ctx.t, ctx.pred
    succ_ptr, succ_idx, le_idx, le_mask = ctx.succ_ptr, ctx.succ_idx, ctx.le_idx, ctx.le_mask
    stS, stM, stI = ctx.stS, ctx.stM, ctx.stI
    L = ctx.st[ST_LEVEL]
    d = ctx.st[ST_D]
    entering = ctx.st[ST_ENTER] == 1
    done = ctx.lv_done[L]
    forced = ctx.lv_frc[L]
    suf = ctx.lv_suf[L]
    bar = ctx.lv_int[L, LV_BAR]
    top = ctx.lv_int[L, LV_TOP]
    base = ctx.lv_int[L, LV_BASE]
    ndue = ctx.lv_ndue[L]
    dk, dneed, dsuf = ctx.lv_dk[L], ctx.lv_dneed[L], ctx.lv_dsuf[L]
    steps = 0
    use_reach = rch.shape[1] > n
    take_test = use_reach and ctx.st[ST_TAKE] != 0
    while True:
        if d < base:  # station L + 1 has no load left: back to station L's enumeration
            li = ctx.lv_int[L]
            if li[LV_BAR] > li[LV_FLOOR]:  # fullest first: the next band of idle times
                li[LV_TOP] = li[LV_BAR] - 1
                li[LV_BAR] = max(li[LV_FLOOR], li[LV_TOP] - _band(ctx, c - li[LV_TOP]) + 1)
                bar = li[LV_BAR]
                top = li[LV_TOP]
                _root_frame(ctx, base, ctx.lv_avail[L])
                d = base
                entering = True
                continue
            if L == 0:
                return EXHAUSTED
            L -= 1
            done = ctx.lv_done[L]
            forced = ctx.lv_frc[L]
            suf = ctx.lv_suf[L]
            bar = ctx.lv_int[L, LV_BAR]
            top = ctx.lv_int[L, LV_TOP]
            base = ctx.lv_int[L, LV_BASE]
            ndue = ctx.lv_ndue[L]
            dk, dneed, dsuf = ctx.lv_dk[L], ctx.lv_dneed[L], ctx.lv_dsuf[L]
            d -= 1  # the frame that held the load (a leaf): pop it
            entering = False
            continue
        if entering:
            if steps >= max_steps:
                ctx.st[ST_LEVEL] = L
                ctx.st[ST_D] = d
                ctx.st[ST_ENTER] = 1
                return RUNNING
            steps += 1
            ctx.st[ST_STEPS] += 1
            entering = False
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
            u = stI[d, 4]
            if u == stI[d, 2]:
                d -= 1
                continue
            if t[u] < stI[d, 1]:
                stI[d, 1] = t[u]
        load = stI[d, 0]
        u = _lowest(stM[d], W)
        if u >= 0 and not (u > stI[d, 2] or load + suf[u] < bar or (
                use_reach and not _reaches(rch[L, u], max(bar, c + 1 - stI[d, 1]) - load,
                                           top - load)) or (
                ndue > 0 and not _due_ok(ctx.stD, d, u, c - load, ndue, dneed, dsuf))):
            wu = u >> 6
            bu = U1 << np.uint64(u & 63)
            stM[d, wu] &= ~bu
            if take_test and not _reaches(rch[L, u + 1],
                                          max(bar, c + 1 - stI[d, 1]) - load - t[u],
                                          top - load - t[u]):
                stI[d, 4] = u  # no load with u ends in the window: skip it (kernel.py)
                continue
            stI[d, 3] = 1
            stI[d, 4] = u
            e = d + 1
            for w in range(W):
                stS[e, w] = stS[d, w]
                stM[e, w] = stM[d, w]
            stS[e, wu] |= bu
            for q in range(succ_ptr[u], succ_ptr[u + 1]):
                v = succ_idx[q]
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
            _due_take(ctx, d, e, u, ndue, dk)
            d = e
            entering = True
            continue
        if (stI[d, 3] == 0 and c - load < stI[d, 1] and load >= bar and stI[d, 2] == n
                and load <= top and (ndue == 0 or _due_met(ctx.stD, d, ndue, dneed))):
            r = _leaf(ctx, L, d, bn, bix, rch)
            if r == 1:
                ctx.st[ST_LEVEL] = L
                ctx.st[ST_FOUND] = d
                return FOUND
            if r == 2:
                ctx.st[ST_NODES] += 1
                L += 1
                done = ctx.lv_done[L]
                forced = ctx.lv_frc[L]
                suf = ctx.lv_suf[L]
                bar = ctx.lv_int[L, LV_BAR]
                top = ctx.lv_int[L, LV_TOP]
                base = ctx.lv_int[L, LV_BASE]
                ndue = ctx.lv_ndue[L]
                dk, dneed, dsuf = ctx.lv_dk[L], ctx.lv_dneed[L], ctx.lv_dsuf[L]
                d = base
                entering = True
                continue
        d -= 1
