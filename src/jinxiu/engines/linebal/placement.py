"""Who sits where (人岗匹配) once the stations are fixed: with named operators, the plan's
stations keep their operations, and the operators are placed first for the least
bottleneck (the output), then, at that bottleneck, for the least total working time (each
at the work she does fastest).

The engine minimises the cycle (or the stations); among the placements that keep it, it has
no preference, so a plan may put the fastest sewer on trimming and inspection while slower
ones sew (a shoe upper in the walk-through of 2026-11-29). The least bottleneck is the
smallest station time at which every station still finds its own operator (a bipartite
matching, tried by bisection over the times, never above the engine's bottleneck: the
output never falls). At it, the least total is an assignment problem (stations ×
operators, rectangular: operators may be spare), solved exactly by the Hungarian method
(Kuhn 1955; the shortest augmenting path form, O(S² · O)). A station an operator cannot do
(a machine type she does not run, or a time over that bottleneck) is closed to her; of
equal totals the engine's placement is kept.
"""

from __future__ import annotations

from jinxiu.engines.linebal.problem import ProblemData, effective_time
from jinxiu.engines.linebal.result import Result, make_result

_CLOSED = float("inf")


def station_time(data: ProblemData, station, operator: int) -> int | None:
    """The time operator ``operator`` takes for a station's tasks (None: she cannot)."""
    op = data.operators[operator]
    total = 0
    for i in station:
        factor = op.factor(data.machine_types[i] if data.machine_types else None)
        if factor <= 0:
            return None
        total += effective_time(data.times[i], factor)
    return total


def place_operators(data: ProblemData, result: Result) -> Result:
    """``result`` with its operators placed for the least total working time (unchanged
    without named operators, or when the engine's placement is already the best)."""
    if not data.operators or not result.assignment or not result.operators:
        return result
    names = [o.name for o in data.operators]
    current = [names.index(name) for name in result.operators]
    stations = result.assignment
    times = [[station_time(data, station, o) for o in range(len(names))]
             for station in stations]
    cap = _least_bottleneck(times, max(result.station_times))
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


def _least_bottleneck(times: list[list[int | None]], limit: int) -> int:
    """The least ``T`` ≤ ``limit`` at which each row gets its own column with a time ≤ T
    (``limit`` itself always does: the engine's placement)."""
    values = sorted({t for row in times for t in row if t is not None and t <= limit})
    lo, hi = 0, len(values) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if _matches(times, values[mid]):
            hi = mid
        else:
            lo = mid + 1
    return values[lo] if values else limit


def _matches(times: list[list[int | None]], cap: int) -> bool:
    """Whether every row gets its own column with a time ≤ ``cap`` (Kuhn's augmenting
    paths)."""
    owner: dict[int, int] = {}

    def seat(k: int, seen: set[int]) -> bool:
        for o, t in enumerate(times[k]):
            if t is not None and t <= cap and o not in seen:
                seen.add(o)
                if o not in owner or seat(owner[o], seen):
                    owner[o] = k
                    return True
        return False

    return all(seat(k, set()) for k in range(len(times)))


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
