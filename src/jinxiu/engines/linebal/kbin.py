"""Bin-packing (装箱) bound for the BB&R searches (numba): can the unassigned tasks of a
node, precedence ignored, be packed into the stations that are left?

Dropping the precedence relation leaves a bin-packing problem (capacity = the cycle time,
items = the incremented task times); when it needs more bins than stations remain, the
node is cut. The classical bounds (LB1–LB3) are bounds of that same bin-packing problem;
solving it exactly is stronger, and it is what Sewell & Jacobson's BB&R does at every new
state (Morrison, Sewell & Jacobson 2014, "An application of the branch, bound, and
remember algorithm to a new simple assembly line balancing dataset").

The exact test is a depth-first search over bins in the style of Martello & Toth's
bin-completion: the largest item left opens the next bin, which is then completed by every
*maximal* set of the remaining items whose waste fits the slack left (bins · c − sum of
sizes), fullest first, leaving out a completion where one of its items could be exchanged
for a larger item left, or two of them for one item left at least as large as both (the
fuller bin covers every packing it allows). Each node is bounded by Martello & Toth's L2
and remembered by its multiset of sizes (two additive 64-bit fingerprints of the size
counts), so the same remainder is not searched twice, within one call or across the calls
of a search. Every
call stops after ``st[BP_CAP]`` steps with UNKNOWN (no cut): the test can only make the
search smaller, never slower by more than that cap per node.

The multiset is kept as counts over the distinct sizes, largest first (``Bins.v``).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

YES, NO, UNKNOWN = 1, 0, 2

# indices into Bins.st: the step cap per test, then statistics (tests, "no"s, "unknown"s,
# steps, remainders stored, steps of the current test, answers found in the memory)
BP_CAP, BP_CALLS, BP_CUTS, BP_UNKNOWN, BP_STEPS, BP_STORED, BP_CALL_STEPS, BP_HITS = range(8)


class Bins(NamedTuple):
    c: int
    v: np.ndarray  # int64[D] distinct sizes, largest first
    r1: np.ndarray  # uint64[D] fingerprint weights
    r2: np.ndarray  # uint64[D]
    hkey: np.ndarray  # uint64[H, 2] fingerprints of the remembered multisets
    hno: np.ndarray  # int32[H] 1 + most bins proven too few (0: none known)
    hyes: np.ndarray  # int32[H] 1 + fewest bins proven enough (0: none known)
    cnt: np.ndarray  # int64[D] the multiset being tested
    suf: np.ndarray  # int64[depth + 1, D + 1] per open bin: size sum of counts from j on
    st: np.ndarray  # int64[16] statistics and settings (BP_*)
    fi: np.ndarray  # int64[frames, 9] the search stack (F_*)
    fh: np.ndarray  # uint64[frames, 2] the fingerprint of each frame's multiset
    base: np.ndarray  # int64[depth + 2] per open bin: its first FILL frame


def make_bins(sizes, c: int, depth: int, seed: int = 0, table: int = 1 << 20,
              cap: int = 2000) -> tuple[Bins, np.ndarray]:
    """The bin-packing test for items of ``sizes`` (one per task) and capacity ``c``, and
    each task's row in ``Bins.v``. ``depth``: most bins one test may open (the station
    count); ``table``: slots of the memory (a power of two); ``cap``: steps per call."""
    v = np.array(sorted(set(int(s) for s in sizes), reverse=True), dtype=np.int64)
    if len(v) and (v[-1] <= 0 or v[0] > c):
        raise ValueError("bin sizes must lie in 1 .. c")
    row = {int(x): i for i, x in enumerate(v)}
    index = np.array([row[int(s)] for s in sizes], dtype=np.int64)
    rng = np.random.default_rng(seed)
    D = len(v)
    r = rng.integers(1, 2**63 - 1, size=(2, max(D, 1)), dtype=np.int64).astype(np.uint64)
    st = np.zeros(16, dtype=np.int64)
    st[BP_CAP] = cap
    bn = Bins(
        c=int(c), v=v, r1=r[0, :D].copy(), r2=r[1, :D].copy(),
        hkey=np.zeros((table, 2), dtype=np.uint64), hno=np.zeros(table, dtype=np.int32),
        hyes=np.zeros(table, dtype=np.int32), cnt=np.zeros(max(D, 1), dtype=np.int64),
        suf=np.zeros((depth + 2, D + 1), dtype=np.int64), st=st,
        fi=np.zeros(((depth + 2) * (D + 2), 9), dtype=np.int64),
        fh=np.zeros(((depth + 2) * (D + 2), 2), dtype=np.uint64),
        base=np.zeros(depth + 2, dtype=np.int64))
    return bn, index


@njit(cache=True)
def l2_bound(v, cnt, c):
    """Martello & Toth's L2 for the multiset ``cnt`` over sizes ``v`` (largest first): for
    each threshold K <= c/2, the items larger than c − K need a bin each, so do the items
    in (c/2, c − K]; the items in [K, c/2] fill what those leave and then bins of their
    own."""
    D = v.shape[0]
    total = 0
    big = 0  # items > c/2
    for j in range(D):
        total += cnt[j] * v[j]
        if 2 * v[j] > c:
            big += cnt[j]
    best = (total + c - 1) // c
    if big > best:
        best = big
    # K runs over the sizes <= c/2, ascending; items > c - K are "n1"
    n1 = 0  # count of items > c - K
    p = 0  # v[:p] are the sizes > c - K
    n2 = 0  # items in (c/2, c - K]: count and sum
    s2 = 0
    for j in range(D):
        if 2 * v[j] > c:
            n2 += cnt[j]
            s2 += cnt[j] * v[j]
    s3 = 0  # items in [K, c/2]
    for j in range(D):
        if 2 * v[j] <= c:
            s3 += cnt[j] * v[j]
    for j in range(D - 1, -1, -1):
        K = v[j]
        if c < 2 * K:
            break
        if j + 1 < D and 2 * v[j + 1] <= c:
            s3 -= cnt[j + 1] * v[j + 1]  # sizes below K leave N3
        while p < D and v[p] > c - K:
            if 2 * v[p] > c:
                n2 -= cnt[p]
                s2 -= cnt[p] * v[p]
            n1 += cnt[p]
            p += 1
        if cnt[j] == 0:
            continue
        extra = s3 - (n2 * c - s2)
        b = n1 + n2 + (max(0, extra) + c - 1) // c
        if b > best:
            best = b
    return best


@njit(cache=True)
def _slot(bn, h1, h2):
    """Hash slot of the fingerprint (h1, h2): its own, or the empty one where it would go
    (-1: the table is full along the probe)."""
    H = bn.hkey.shape[0]
    s = np.int64(h1 & np.uint64(H - 1))
    for _ in range(64):
        if bn.hno[s] == 0 and bn.hyes[s] == 0:
            return s
        if bn.hkey[s, 0] == h1 and bn.hkey[s, 1] == h2:
            return s
        s = (s + 1) & (H - 1)
    return -1


@njit(cache=True)
def _remember(bn, h1, h2, bins, answer):
    s = _slot(bn, h1, h2)
    if s < 0:
        return
    if bn.hno[s] == 0 and bn.hyes[s] == 0:
        if 4 * bn.st[BP_STORED] >= 3 * bn.hkey.shape[0]:
            return  # three quarters full: keep what is there
        bn.st[BP_STORED] += 1
        bn.hkey[s, 0] = h1
        bn.hkey[s, 1] = h2
    if answer == NO:
        if bins + 1 > bn.hno[s]:
            bn.hno[s] = bins + 1
    elif bn.hyes[s] == 0 or bins + 1 < bn.hyes[s]:
        bn.hyes[s] = bins + 1


# fields of a search frame (Bins.fi rows): kind (OPEN: a bin is opened; FILL: a bin is
# being completed from size row j on), then the arguments and the loop state
F_KIND, F_J, F_REM, F_BINS, F_SLACK, F_MINSK, F_DEPTH, F_X, F_UNK = range(9)
OPEN, FILL = 0, 1


@njit(cache=True, inline="always")
def _frame(bn, f, kind, j, rem, bins, slack, minsk, depth, h1, h2):
    fi = bn.fi[f]
    fi[F_KIND] = kind
    fi[F_J] = j
    fi[F_REM] = rem
    fi[F_BINS] = bins
    fi[F_SLACK] = slack
    fi[F_MINSK] = minsk
    fi[F_DEPTH] = depth
    fi[F_UNK] = 0
    bn.fh[f, 0] = h1
    bn.fh[f, 1] = h2


@njit(cache=True)
def _smallest_unused(v, cnt, k, size):
    """Least size of an item left that is at least ``size`` (rows before ``k`` only, or
    all when ``k`` = -1), or -1."""
    top = v.shape[0] if k < 0 else k
    for j in range(top - 1, -1, -1):
        if cnt[j] > 0 and v[j] >= size:
            return v[j]
    return -1


@njit(cache=True)
def _swap_dominated(bn, base, top, rem):
    """Martello & Toth's dominance for the completed bin held by frames ``base`` ..
    ``top`` - 1 (room ``rem`` left): an item of it (not the opener) could be exchanged for
    a larger item left, or two of its items for one item left at least as large as both,
    and the bin would still fit; the fuller bin covers every packing this one allows."""
    v, cnt, fi = bn.v, bn.cnt, bn.fi
    for a in range(base, top):
        k = fi[a, F_J]
        if fi[a, F_X] == 0:
            continue
        u = _smallest_unused(v, cnt, k, v[k] + 1)
        if u > 0 and u <= v[k] + rem:
            return True
        for b in range(a, top):
            xb = fi[b, F_X]
            if xb == 0 or (b == a and xb < 2):
                continue
            s = v[k] + v[fi[b, F_J]]
            u = _smallest_unused(v, cnt, -1, s)
            if u > 0 and u <= s + rem:
                return True
    return False


@njit(cache=True)
def _search(bn, bins, slack, depth, h1, h2):
    """The depth-first search on the multiset ``bn.cnt`` with an explicit stack (numba
    cannot cache recursive functions). An OPEN frame opens a new bin with the largest item
    left (``bins`` bins left, ``slack`` waste allowed in them); a FILL frame completes the
    bin opened at ``depth`` from size row ``j`` on with ``rem`` room, trying ``x`` items
    of that size, most first; ``minsk`` is the least size left out that would have fitted
    (the bin must end with less room than that: maximal completions only)."""
    st, v, cnt, c, fi, fh = bn.st, bn.v, bn.cnt, bn.c, bn.fi, bn.fh
    D = v.shape[0]
    _frame(bn, 0, OPEN, 0, 0, bins, slack, 0, depth, h1, h2)
    sp = 1
    entering = True
    ret = NO
    while sp > 0:
        f = sp - 1
        row = fi[f]
        kind = row[F_KIND]
        if entering:
            st[BP_STEPS] += 1
            st[BP_CALL_STEPS] += 1
            if st[BP_CALL_STEPS] > st[BP_CAP]:
                ret = UNKNOWN
                sp -= 1
                entering = False
                continue
            if kind == OPEN:
                i = 0
                while i < D and cnt[i] == 0:
                    i += 1
                b = row[F_BINS]
                if i == D or b <= 0:
                    ret = YES if i == D else NO
                    sp -= 1
                    entering = False
                    continue
                g1 = fh[f, 0]
                g2 = fh[f, 1]
                s = _slot(bn, g1, g2)
                if s >= 0 and ((bn.hno[s] > 0 and b + 1 <= bn.hno[s])
                               or (bn.hyes[s] > 0 and b + 1 >= bn.hyes[s])):
                    st[BP_HITS] += 1
                    ret = NO if bn.hno[s] > 0 and b + 1 <= bn.hno[s] else YES
                    sp -= 1
                    entering = False
                    continue
                if l2_bound(v, cnt, c) > b:
                    _remember(bn, g1, g2, b, NO)
                    ret = NO
                    sp -= 1
                    entering = False
                    continue
                # sizes left from each row on, for the completion's room and maximality
                dp = row[F_DEPTH]
                suf = bn.suf[dp]
                suf[D] = 0
                for k in range(D - 1, -1, -1):
                    suf[k] = suf[k + 1] + cnt[k] * v[k]
                cnt[i] -= 1
                for k in range(i + 1):
                    suf[k] -= v[i]
                row[F_X] = i
                bn.base[dp] = sp
                _frame(bn, sp, FILL, i, c - v[i], b, row[F_SLACK], c + 1, dp,
                       g1 - bn.r1[i], g2 - bn.r2[i])
                sp += 1
                continue
            # FILL: skip the rows with nothing left or too large for the room
            j = row[F_J]
            rem = row[F_REM]
            while j < D and (cnt[j] == 0 or v[j] > rem):
                j += 1
            if j == D:
                if (rem >= row[F_MINSK] or rem > row[F_SLACK]
                        or _swap_dominated(bn, bn.base[row[F_DEPTH]], f, rem)):
                    # not maximal or dominated (a fuller completion covers it), or too
                    # much waste
                    ret = NO
                    sp -= 1
                    entering = False
                    continue
                # the bin is closed: this frame becomes the next bin's OPEN frame
                _frame(bn, f, OPEN, 0, 0, row[F_BINS] - 1, row[F_SLACK] - rem, 0,
                       row[F_DEPTH] + 1, fh[f, 0], fh[f, 1])
                continue
            if rem - bn.suf[row[F_DEPTH], j] > row[F_SLACK]:
                ret = NO  # even everything left cannot fill this bin far enough
                sp -= 1
                entering = False
                continue
            row[F_J] = j
            row[F_X] = min(cnt[j], rem // v[j]) + 1
            entering = False
            ret = -1  # no child yet: try the first x below
        # back in frame f with the child's answer ``ret`` (-1: none yet)
        if kind == OPEN:
            i = row[F_X]
            cnt[i] += 1
            if ret != UNKNOWN:
                _remember(bn, fh[f, 0], fh[f, 1], row[F_BINS], ret)
            sp -= 1
            continue
        j = row[F_J]
        if ret >= 0:
            cnt[j] += row[F_X]
            if ret == YES:
                sp -= 1
                continue
            if ret == UNKNOWN:
                if st[BP_CALL_STEPS] > st[BP_CAP]:
                    sp -= 1
                    continue
                row[F_UNK] = 1
        vj = v[j]
        rem = row[F_REM]
        sufn = bn.suf[row[F_DEPTH], j + 1]
        x = row[F_X] - 1
        pushed = False
        while x >= 0:
            r2 = rem - x * vj
            ms = row[F_MINSK]
            if x < cnt[j]:
                ms = min(ms, vj)  # some of size vj left out: the bin must end below vj
                if r2 - sufn >= ms:
                    x -= 1
                    continue  # the rest cannot bring the room below vj
            row[F_X] = x
            cnt[j] -= x
            ux = np.uint64(x)
            _frame(bn, sp, FILL, j + 1, r2, row[F_BINS], row[F_SLACK], ms, row[F_DEPTH],
                   fh[f, 0] - ux * bn.r1[j], fh[f, 1] - ux * bn.r2[j])
            sp += 1
            pushed = True
            break
        if pushed:
            entering = True
            continue
        ret = UNKNOWN if row[F_UNK] else NO
        sp -= 1
    return ret


@njit(cache=True)
def _first_fit(bn, bins):
    """First-fit decreasing into at most ``bins`` bins: True when it packs everything."""
    loads = bn.suf[bn.suf.shape[0] - 1]
    used = 0
    v, cnt = bn.v, bn.cnt
    for j in range(v.shape[0]):
        for _ in range(cnt[j]):
            placed = False
            for b in range(used):
                if loads[b] + v[j] <= bn.c:
                    loads[b] += v[j]
                    placed = True
                    break
            if not placed:
                if used == bins or used >= loads.shape[0]:
                    return False
                loads[used] = v[j]
                used += 1
    return True


@njit(cache=True)
def fits(bn, bins):
    """Do the items counted in ``bn.cnt`` fit into ``bins`` bins? YES, NO or UNKNOWN
    (``st[BP_CAP]`` steps did not settle it)."""
    st = bn.st
    st[BP_CALLS] += 1
    v, cnt, c = bn.v, bn.cnt, bn.c
    total = 0
    h1 = np.uint64(0)
    h2 = np.uint64(0)
    items = 0
    for j in range(v.shape[0]):
        total += cnt[j] * v[j]
        items += cnt[j]
        u = np.uint64(cnt[j])
        h1 += u * bn.r1[j]
        h2 += u * bn.r2[j]
    if items == 0:
        return YES
    slack = bins * c - total
    if slack < 0 or bins <= 0:
        st[BP_CUTS] += 1
        return NO
    if items <= bins:
        return YES
    st[BP_CALL_STEPS] = 0
    if bins + 2 <= bn.suf.shape[0] and _first_fit(bn, bins):
        return YES
    depth = bn.suf.shape[0] - 2 - bins
    if depth < 0:
        return UNKNOWN
    r = _search(bn, bins, slack, depth, h1, h2)
    if r == NO:
        st[BP_CUTS] += 1
    elif r == UNKNOWN:
        st[BP_UNKNOWN] += 1
    return r
