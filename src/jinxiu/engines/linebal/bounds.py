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
    (c/2, c - k] too, and tasks in [k, c/2] fill at most the room those stations leave."""
    ts = sorted(times, reverse=True)
    half = c / 2
    best = 0
    for k in sorted({0, *(x for x in ts if x <= half)}):
        n1 = n2 = s2 = s3 = 0
        for x in ts:
            if x > c - k:
                n1 += 1
            elif x > half:
                n2 += 1
                s2 += x
            elif x >= k:
                s3 += x
        best = max(best, n1 + n2 + max(0, ceil_div(s3 - (n2 * c - s2), c)))
    return best


def pair_test(sizes: Sequence[int], c: int, bins: int) -> bool:
    """Whether ``sizes`` may fit into ``bins`` bins as far as the long items allow (False:
    they certainly do not).

    Long items (over c/3) are at most two to a bin. Let p, q, r bins hold two, one and none
    of them: 2p + q = #long, p + q + r = bins. Two long items leave at most
    R = c − (the two shortest long times), so the short items over R (set T) sit in the
    q + r other bins: Σ T ≤ (c − b) summed over the q shortest long items b, plus r·c.
    (WEE-MAG, c = 50: T = {10, 11, 11, 13, 15} needs 60, 31 bins leave at most 59 for it:
    32 stations, where LB1–LB3 and L2 say 30–31.)"""
    big = sorted(s for s in sizes if 3 * s > c)
    if len(big) < 2:
        return True
    room2 = c - big[0] - big[1]
    need = sum(s for s in sizes if 3 * s <= c and s > room2)
    if need == 0:
        return 2 * bins >= len(big)
    cap1 = [0]
    for b in big:
        cap1.append(cap1[-1] + c - b)
    for p in range(max(0, len(big) - bins), len(big) // 2 + 1):
        q = len(big) - 2 * p
        r = bins - p - q
        if r >= 0 and need <= cap1[q] + r * c:
            return True
    return False


def pair_bound(sizes: Sequence[int], c: int) -> int:
    """The fewest bins that ``pair_test`` does not rule out (at least LB1)."""
    k = max(1, lb1(sizes, c)) if sizes else 0
    while sizes and not pair_test(sizes, c, k):
        k += 1
    return k


def salbp1_lower_bound(times, c: int) -> int:
    """max(LB1, LB2, LB3, Martello-Toth L2, the pair bound) on the number of stations for
    cycle ``c``."""
    return max(lb1(times, c), lb2(times, c), lb3(times, c), martello_toth_l2(times, c),
               pair_bound(times, c))


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
