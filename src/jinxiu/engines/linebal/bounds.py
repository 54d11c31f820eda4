"""Lower bounds and station windows for SALBP (Scholl 1999, ch. 2 and 5).

* LB1 = ceil(sum t / c)  (capacity bound)
* LB2 = ceil(#{t > c/2} + 1/2 #{t = c/2})  (no two tasks over half the cycle share a station)
* LB3 = ceil(sum of weights 1, 2/3, 1/2, 1/3 for t above, at, between and at thirds of c)
* Earliest station E_i = ceil((t_i + time of all predecessors) / c); latest station for an
  upper bound m: L_i = m + 1 - ceil((t_i + time of all followers) / c). Every solution with at
  most m stations puts task i in a station within [E_i, L_i].

Weights are kept in integer units (LB2 in halves, LB3 in sixths) so that the search can add
them up task by task.
"""

from __future__ import annotations

import functools
from bisect import bisect_left, bisect_right
from collections.abc import Sequence


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def w2(t: int, c: int) -> int:
    """LB2 weight of a task, in halves."""
    if 2 * t > c:
        return 2
    if 2 * t == c:
        return 1
    return 0


def w3(t: int, c: int) -> int:
    """LB3 weight of a task, in sixths."""
    if 3 * t > 2 * c:
        return 6
    if 3 * t == 2 * c:
        return 4
    if 3 * t > c:
        return 3
    if 3 * t == c:
        return 2
    return 0


def lb1(times, c: int) -> int:
    return ceil_div(sum(times), c)


def lb2(times, c: int) -> int:
    return ceil_div(sum(w2(t, c) for t in times), 2)


def lb3(times, c: int) -> int:
    return ceil_div(sum(w3(t, c) for t in times), 6)


def martello_toth_l2(times, c: int) -> int:
    """The bin-packing bound L2 of Martello & Toth (1990), ignoring precedence.

    For every threshold k <= c/2: tasks over c - k each need their own station, tasks in
    (c/2, c - k] too, and tasks in [k, c/2] fill at most the room those stations leave.
    Counts and sums by bisection in the sorted times (O(n log n): SCHOLL, 297 tasks, was
    8 ms a call with a pass over the tasks per threshold)."""
    ts = sorted(times)
    pre = [0]
    for x in ts:
        pre.append(pre[-1] + x)
    n = len(ts)
    h = bisect_right(ts, c // 2)  # ts[:h] <= c/2 < ts[h:]
    best = 0
    for k in sorted({0, *ts[:h]}):
        j = bisect_right(ts, c - k)  # ts[j:] > c - k
        n1, n2, s2 = n - j, j - h, pre[j] - pre[h]
        s3 = pre[h] - pre[bisect_left(ts, k)]
        best = max(best, n1 + n2 + max(0, ceil_div(s3 - (n2 * c - s2), c)))
    return best


def long_test(sizes: Sequence[int], c: int, bins: int, k: int = 2) -> bool:
    """Whether ``sizes`` may fit into ``bins`` bins as far as the long items allow (False:
    they certainly do not).

    Items over c/(k + 1) ("long") are at most ``k`` to a bin. Let n_j bins hold j of them
    (Σ n_j = bins, Σ j·n_j = #long), and P_j the sum of the j shortest long items. The
    short items over c − P_j cannot join j long items, so they sit in the bins with fewer
    than j: for every j, their sum ≤ c·(those bins) − P_l, with l the long items those bins
    hold at least. A split (n_0 … n_k) that meets every j may exist; none: the items do not
    fit. k = 2 (WEE-MAG, c = 50): two long items leave at most 50 − 41 = 9, the short
    items of 10–15 need 60, and with 31 bins the others leave at most 59: 32 stations,
    where LB1–LB3 and L2 say 30. k = 3 (WEE-MAG, 19 stations): 59 tasks over 80/4 at c = 80,
    three to a station, do not fit; c ≥ 84."""
    longs = sorted(s for s in sizes if (k + 1) * s > c)
    L = len(longs)
    if k * bins < L:
        return False
    if L < 2:
        return True
    pre = [0]
    for x in longs:
        pre.append(pre[-1] + x)
    shorts = [s for s in sizes if (k + 1) * s <= c]
    top = min(k, L)
    need = [0] * (top + 1)
    for j in range(1, top + 1):
        need[j] = sum(s for s in shorts if s > c - pre[j])
    if not any(need):
        return True
    n = [0] * (top + 1)

    def ok() -> bool:
        a = bins - sum(n[1:])  # bins with fewer than j long items, j = 1, 2, ...
        held = 0  # long items in them
        for j in range(1, top + 1):
            if need[j] > a * c - pre[held]:
                return False
            a += n[j]
            held += j * n[j]
        # one by one: the short items over c - P_j into the bins with fewer than j long
        # items, a bin with i of them having at most c - P_i left
        n[0] = bins - sum(n[1:])
        for j in range(1, top + 1):
            if need[j]:
                items = sorted((s for s in shorts if s > c - pre[j]), reverse=True)
                rooms = [c - pre[i] for i in range(j) for _ in range(n[i]) if c > pre[i]]
                if _packs(items, rooms) is False:
                    return False
        return True

    def split(j: int, left: int, used: int) -> bool:
        if j == 1:
            n[1] = left
            return used + left <= bins and ok()
        for x in range(min(left // j, bins - used), -1, -1):
            n[j] = x
            if split(j - 1, left - j * x, used + x):
                return True
        n[j] = 0
        return False

    return split(top, L, 0)


def _packs(items: list[int], rooms: list[int], node_cap: int = 2_000) -> bool | None:
    """Do ``items`` (longest first) fit into bins of the sizes ``rooms``? None when the
    search passes ``node_cap`` nodes (the caller then assumes they may)."""
    if sum(items) > sum(rooms):
        return False
    free = sorted(rooms, reverse=True)
    nodes = 0

    def place(i: int) -> bool | None:
        nonlocal nodes
        if i == len(items):
            return True
        nodes += 1
        if nodes > node_cap:
            return None
        seen = set()
        for b, room in enumerate(free):
            if room >= items[i] and room not in seen:
                seen.add(room)
                free[b] -= items[i]
                r = place(i + 1)
                free[b] += items[i]
                if r is not False:
                    return r
        return False

    return place(0)


def long_bound(sizes: Sequence[int], c: int, ks: Sequence[int] = (2, 3, 4)) -> int:
    """The fewest bins that ``long_test`` allows for every k in ``ks`` (at least LB1).
    Remembered by the multiset of sizes: both directions of a SALBP-2 decision, and the
    bound search on c, ask for the same sizes and cycle time."""
    return _long_bound(tuple(sorted(sizes)), c, tuple(ks))


@functools.lru_cache(maxsize=4096)
def _long_bound(sizes: tuple[int, ...], c: int, ks: tuple[int, ...]) -> int:
    if not sizes:
        return 0
    b = max(1, lb1(sizes, c))
    for k in ks:
        while not long_test(sizes, c, b, k):
            b += 1
    return b


def salbp1_lower_bound(times, c: int) -> int:
    """max(LB1, LB2, LB3, Martello-Toth L2, ``long_bound``) on the number of stations for
    cycle ``c``."""
    return max(lb1(times, c), lb2(times, c), lb3(times, c), martello_toth_l2(times, c),
               long_bound(times, c))


def salbp2_lower_bound(times, m: int) -> int:
    """A lower bound on the cycle time for ``m`` stations.

    max(t_max, ceil(sum t / m)), then raised while the SALBP-1 bounds LB2/LB3 at that cycle
    time still exceed ``m`` (the SALBP-2 analogues of LB2/LB3, e.g. c >= t_m + t_{m+1} with
    the times sorted in decreasing order).
    """
    ts = sorted(times, reverse=True)
    c = max(ts[0], ceil_div(sum(ts), m))
    if len(ts) > m:
        c = max(c, ts[m - 1] + ts[m])  # m+1 biggest tasks: two of them share a station
    if len(ts) > 2 * m:
        c = max(c, ts[2 * m - 2] + ts[2 * m - 1] + ts[2 * m])
    return first_cycle(c, sum(ts), lambda x: salbp1_lower_bound(ts, x) <= m)


def first_cycle(lo: int, hi: int, ok) -> int:
    """Smallest c in [lo, hi] with ok(c), for ok monotone (false ... false true ... true);
    ``hi`` is assumed to satisfy it."""
    while lo < hi:
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo


def earliest_stations(times, preds_closure_time, c: int) -> list[int]:
    """E_i (1-based) from the time of all (transitive) predecessors of each task."""
    return [ceil_div(t + p, c) for t, p in zip(times, preds_closure_time, strict=True)]


def latest_stations(times, succs_closure_time, c: int, m: int) -> list[int]:
    """L_i (1-based) for solutions with at most ``m`` stations."""
    return [m + 1 - ceil_div(t + s, c) for t, s in zip(times, succs_closure_time, strict=True)]
