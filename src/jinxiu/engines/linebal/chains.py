"""Chains of operations that need a new station at every step (机种交替链), whatever the
cycle time.

Task ``i`` precedes ``j`` (directly or through others), so ``j`` sits at ``i``'s station
or a later one. When the two cannot share a station — their machine types are not
compatible (an overlock 包缝 operation and a lockstitch 平车 one, say), or zoning keeps
them apart — ``j`` sits at a strictly later station. A chain ``t1 -> t2 -> ... -> tL`` of
such steps needs ``L`` stations, however long the cycle: a bulletin whose operations
alternate lockstitch, overlock, lockstitch ... along one path needs one operator more
than it has alternations. SCHOLL (297 tasks) with four machine types in turn
(lockstitch, overlock, iron, coverstitch; lockstitch goes with coverstitch, the iron with
anything) needs 37 stations this way: asked for 36, the engine searched its whole time
limit without a plan, and now refuses at once, naming the chain.

The levels are also station windows: ``earliest[j]`` is the longest such chain ending at
``j`` (or the level of any task before it), ``latest`` the same from the line's end.
"""

from __future__ import annotations

from typing import Protocol


class _Line(Protocol):  # what the chains read of ProblemData
    num_tasks: int
    must_not_share: tuple[tuple[int, int], ...]

    def types_compatible(self, a: int, b: int) -> bool: ...
    def topological_order(self) -> list[int]: ...
    def descendants(self) -> list[set[int]]: ...


def apart(data: _Line) -> set[tuple[int, int]] | None:
    """Unordered task pairs, by their machine types or zoning, that never share a station
    (``None`` when the problem has neither, and no chain is longer than one)."""
    has_types = bool(getattr(data, "machine_types", ()))
    if not has_types and not data.must_not_share:
        return None
    return {(min(i, j), max(i, j)) for i, j in data.must_not_share}


def _strict(data: _Line, zoned: set[tuple[int, int]]):
    """``strict(i, j)``: tasks ``i`` and ``j`` cannot share a station."""
    def strict(i: int, j: int) -> bool:
        return not data.types_compatible(i, j) or (min(i, j), max(i, j)) in zoned
    return strict


def levels(data: _Line) -> tuple[list[int], list[int], list[int]]:
    """``(earliest, latest, chain)``: each task's earliest station and latest station
    counted from the line's end (1 for a task on no chain), and a chain that needs
    ``max(earliest)`` stations, in line order: each task precedes the next, and exactly
    ``max(earliest) - 1`` pairs of neighbours cannot share a station (the others can)."""
    n = data.num_tasks
    zoned = apart(data)
    if zoned is None:
        return [1] * n, [1] * n, [0]
    desc = data.descendants()
    order = data.topological_order()
    strict = _strict(data, zoned)
    early, via = [1] * n, [-1] * n  # via: the task j's level came from
    for i in order:  # i's level is final: every ancestor of i came before it
        for j in desc[i]:
            step = early[i] + strict(i, j)
            if step > early[j]:
                early[j], via[j] = step, i
    late = [1] * n
    for j in reversed(order):
        for i in desc[j]:
            late[j] = max(late[j], late[i] + strict(j, i))
    path = [max(range(n), key=lambda j: early[j])]
    while via[path[-1]] >= 0:
        path.append(via[path[-1]])
    path.reverse()
    # keep the ends of the steps to a new station: i <= j <= k with no new station
    # between them is i <= k
    keep = [x for k, x in enumerate(path)
            if (k > 0 and strict(path[k - 1], x))
            or (k + 1 < len(path) and strict(x, path[k + 1]))]
    return early, late, keep or path[-1:]


def machine_chain(data, kind: str) -> list[int]:
    """Operations of machine type ``kind`` that a chain (see the module) puts at distinct
    stations: along a path, two of them sit at different stations when a step between
    them cannot share one. Each such station takes its own ``kind`` machine, so the line
    needs at least ``len`` of them. Returned in line order (at most one a station)."""
    n = data.num_tasks
    desc = data.descendants()
    strict = _strict(data, apart(data) or set())
    mine = [data.machine_types[i] == kind for i in range(n)] if data.machine_types else [
        False] * n
    # best[j][s]: the most distinct kind-stations on a path ending at j, where s says
    # whether j's own station (the steps since the last one that cannot share) holds one;
    # came[j][s]: (task, state) it came from, and whether j was counted
    best = [[-1, -1] for _ in range(n)]
    came: list[list[tuple[int, int, bool] | None]] = [[None, None] for _ in range(n)]
    for j in range(n):
        best[j][int(mine[j])] = int(mine[j])
        came[j][int(mine[j])] = (-1, -1, mine[j])
    for i in data.topological_order():
        for s in (0, 1):
            if best[i][s] < 0:
                continue
            for j in desc[i]:
                if strict(i, j):
                    s2, gain = int(mine[j]), int(mine[j])
                else:
                    s2, gain = int(s or mine[j]), int(mine[j] and not s)
                if best[i][s] + gain > best[j][s2]:
                    best[j][s2] = best[i][s] + gain
                    came[j][s2] = (i, s, bool(gain))
    j, s = max(((j, s) for j in range(n) for s in (0, 1)), key=lambda js: best[js[0]][js[1]])
    out = []
    while j >= 0:
        i, s_prev, counted = came[j][s]
        if counted:
            out.append(j)
        j, s = i, s_prev
    return out[::-1]


def interval_bound(data, times, m: int) -> int:
    """A cycle-time bound for ``m`` stations from the chains' windows: the tasks whose
    window lies inside stations ``a..b`` share those ``b - a + 1`` stations, so
    ``c >= ceil(their time / (b - a + 1))``. ``times``: each task's time (with named
    operators, at its fastest operator's). Not valid with parallel workplaces."""
    early, late, _ = levels(data)
    # inside[a][b]: first the time of the tasks whose window is exactly a..b (1-based),
    # then, row by row from the last, of those whose window lies within a..b
    inside = [[0] * (m + 2) for _ in range(m + 2)]
    for t, lo, hi in zip(times, early, late, strict=True):
        inside[min(lo, m)][max(min(lo, m), m + 1 - hi)] += t
    best = 0
    for a in range(m, 0, -1):  # windows starting at a, plus those within a + 1..b
        row, acc = inside[a], 0
        for b in range(a, m + 1):
            acc += row[b]
            inside[a][b] = acc + (inside[a + 1][b] if a < m else 0)
            best = max(best, -(-inside[a][b] // (b - a + 1)))
    return best
