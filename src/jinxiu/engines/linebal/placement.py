"""Who sits where (人岗匹配) once the stations are fixed: with named operators, the plan's
stations keep their operations, and the operators are placed first for the least
bottleneck (the output), then, at that bottleneck, for the least total working time (each
at the work she does fastest).

The engine minimises the cycle (or the stations); among the placements that keep it, it
has no preference, so a plan may put the fastest sewer on trimming and inspection while
slower ones sew (a shoe upper in the walk-through of 2026-11-29). The least bottleneck is
the smallest station time at which every station still finds its own operator
(``greedy.bottleneck_match``: a bipartite matching bisected over the times; never above
the engine's bottleneck, whose placement is one such matching: the output never falls). At
it, the least total is an assignment problem (stations × operators, rectangular: operators
may be spare), solved exactly by the Hungarian method (Kuhn 1955; the shortest augmenting
path form, O(S² · O)). A station an operator cannot do (a machine type she does not run,
or a time over that bottleneck) is closed to her; of equal totals the engine's placement
is kept.
"""

from __future__ import annotations

from jinxiu.engines.linebal.greedy import bottleneck_match, operator_loads
from jinxiu.engines.linebal.problem import ProblemData
from jinxiu.engines.linebal.result import Result, make_result

_CLOSED = float("inf")


def place_operators(data: ProblemData, result: Result) -> Result:
    """``result`` with its operators placed for the least bottleneck, then the least total
    working time (unchanged without named operators, or when the engine's placement is
    already the best)."""
    if not data.operators or not result.assignment or not result.operators or any(
            r > 1 for r in result.replicas):  # crews sharing long tasks stay as they are
        return result
    names = [o.name for o in data.operators]
    current = [names.index(name) for name in result.operators]
    stations = result.assignment
    times = operator_loads(data, stations)
    cap, _seats = bottleneck_match(times)
    scale = len(stations) + 1  # a change of operator costs 1 / scale of a time unit
    cost = [[_CLOSED if t is None or t > cap else t * scale + (o != current[k])
             for o, t in enumerate(row)] for k, row in enumerate(times)]
    chosen = _assign(cost)
    if chosen == current:
        return result
    better = make_result(
        data, stations, cycle_time=None if data.stations is not None else result.cycle_time,
        lower_bound=result.lower_bound, proven=result.proven_optimal,
        runtime_s=result.runtime_s, stop_reason=result.stop_reason,
        replicas=result.replicas, operators=chosen, nodes=result.nodes)
    # the bottleneck can only stay or fall; never worse
    return better if max(better.station_times) <= max(result.station_times) else result


def _assign(cost: list[list[float]]) -> list[int]:
    """Column for each row minimising the total cost (rows ≤ columns; every row has a
    finite entry in a feasible assignment). Jonker–Volgenant-style potentials."""
    n, m = len(cost), len(cost[0])
    inf = float("inf")
    u = [0.0] * (n + 1)
    v = [0.0] * (m + 1)
    match = [0] * (m + 1)  # match[j]: the row (1-based) in column j, 0 none
    way = [0] * (m + 1)
    for i in range(1, n + 1):
        match[0] = i
        j0 = 0
        minv = [inf] * (m + 1)
        used = [False] * (m + 1)
        while True:
            used[j0] = True
            i0 = match[j0]
            delta, j1 = inf, -1
            for j in range(1, m + 1):
                if used[j]:
                    continue
                c = cost[i0 - 1][j - 1]
                cur = c - u[i0] - v[j] if c != inf else inf
                if cur < minv[j]:
                    minv[j] = cur
                    way[j] = j0
                if minv[j] < delta:
                    delta, j1 = minv[j], j
            if j1 < 0 or delta == inf:
                raise ValueError("no assignment: a row has no open column")
            for j in range(m + 1):
                if used[j]:
                    u[match[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if match[j0] == 0:
                break
        while j0:  # flip the augmenting path
            j1 = way[j0]
            match[j0] = match[j1]
            j0 = j1
    out = [0] * n
    for j in range(1, m + 1):
        if match[j]:
            out[match[j] - 1] = j - 1
    return out
