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


def salbp1_lower_bound(times, c: int) -> int:
    """max(LB1, LB2, LB3) on the number of stations for cycle time ``c``."""
    return max(lb1(times, c), lb2(times, c), lb3(times, c))


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
    while salbp1_lower_bound(ts, c) > m:
        c += 1
    return c


def earliest_stations(times, preds_closure_time, c: int) -> list[int]:
    """E_i (1-based) from the time of all (transitive) predecessors of each task."""
    return [ceil_div(t + p, c) for t, p in zip(times, preds_closure_time, strict=True)]


def latest_stations(times, succs_closure_time, c: int, m: int) -> list[int]:
    """L_i (1-based) for solutions with at most ``m`` stations."""
    return [m + 1 - ceil_div(t + s, c) for t, s in zip(times, succs_closure_time, strict=True)]
