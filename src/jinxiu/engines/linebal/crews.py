"""Starting plans for named operators in crews (长工序多人共做), CP-SAT's hint and bound.

CP-SAT's crew model (``cpsat._operators``) is slow to find a first plan on its own: the
demo polo shirt with 16 operators at a 38 s takt took 14 s to a proven plan, at 37 s it
found none in 20 s. The rules here give one at once. They fill stations one after another
as ``greedy._fill`` does with named operators (each free operator tries the next station
in her own times, the fullest in standard work wins), except that an available operation
no free operator can do alone within the cycle gets a crew first: the fewest of the free
operators who run it, fastest first, who keep up together (shares in whole 1/SHARES of
the pieces, as the model counts them). The crew's station then takes more available
operations, in the rule's priority order, while the crew still keeps up. Every plan is
checked by ``check_solution``; the one with the fewest operators wins. SALBP-2 bisects the
cycle for the least at which such a plan fits the operators given (a heuristic: the
rules' counts are not monotone in the cycle).
"""

from __future__ import annotations

import math
import time
from dataclasses import replace

from jinxiu.engines.linebal.greedy import (
    Start,
    Units,
    _Line,
    _match,
    _own_time,
    _standard_cycles,
    go_together,
    salbp1_plan,
)
from jinxiu.engines.linebal.problem import ProblemData, ProblemError, crew_keeps
from jinxiu.engines.linebal.result import check_solution, make_result


def crew_start(data: ProblemData, c: int, *, until: float = math.inf) -> Start | None:
    """The rules' plan with the fewest operators at cycle ``c`` with crews (None: none
    found by ``until``, a ``perf_counter`` time)."""
    try:
        named = replace(data, stations=None, cycle_time=c)
    except ProblemError:
        return None
    units = Units(named)
    best = None

    def keep(plan: list[list[int]], crews: list[list[int]]) -> None:
        nonlocal best
        if best and sum(map(len, crews)) >= sum(best.replicas):
            return
        result = make_result(named, plan, cycle_time=c, lower_bound=0, proven=False,
                             runtime_s=0.0, stop_reason="time_limit", crews=crews)
        if not check_solution(named, result):
            best = Start(plan, c, [len(crew) for crew in crews], [crew[0] for crew in crews],
                         crews)

    for priority in units.rules.values():
        if time.perf_counter() > until:
            return best
        found = _fill(named, units, c, priority)
        if found is not None:
            keep(*found)
    # the rules at standard times with parallel workplaces, machine types sharing a station
    # only where an operator of the line runs both, at cycles from c times the best
    # efficiency down to c times the worst; then an operator for every workplace
    kinds = {k for k in named.machine_types if k is not None}
    runs = [{k for k in kinds if op.factor(k) > 0} for op in named.operators]
    pairs = frozenset(pair for pair in named.compatible
                      if any(pair <= mine for mine in runs))
    for cc in _standard_cycles(named, c):
        if time.perf_counter() > until:
            break
        try:
            plain = replace(named, operators=(), cycle_time=cc, compatible=pairs)
        except ProblemError:
            continue
        start = salbp1_plan(plain, until=until)
        if start is not None and (best is None or sum(start.replicas) < sum(best.replicas)):
            crews = _seat(named, start.plan, start.replicas, c)
            if crews is not None:
                keep(start.plan, crews)
    return best


def _seat(data: ProblemData, plan: list[list[int]], replicas: list[int],
          c: int) -> list[list[int]] | None:
    """An operator for every workplace of ``plan`` (``replicas`` per station), each within
    ``r · c`` of her own time at her station of ``r`` workplaces, so that they keep ``c`` on
    equal shares (Kuhn's matching); everyone at each station, fastest first, or None."""
    seats, loads = [], []
    for k, (tasks, r) in enumerate(zip(plan, replicas, strict=True)):
        own = [_own_time(data, op, tasks) for op in data.operators]
        for _ in range(r):
            seats.append(k)
            loads.append([None if x is None else -(-x // r) for x in own])
    ops = _match(loads, c)
    if ops is None:
        return None
    crews: list[list[int]] = [[] for _ in plan]
    for k, o in zip(seats, ops, strict=True):
        crews[k].append(o)
    return [data.fastest_first(crew, plan[k]) for k, crew in enumerate(crews)]


def crew_cycle(data: ProblemData, lower: int, upper: int, *,
               until: float = math.inf) -> Start | None:
    """SALBP-2: the least cycle in ``lower .. upper`` (bisected) at which ``crew_start``
    fits ``data.stations`` operators, and its plan."""
    best = None
    while lower <= upper and time.perf_counter() <= until:
        mid = (lower + upper) // 2
        found = crew_start(data, mid, until=until)
        if found is not None and sum(found.replicas) <= data.stations:
            best, upper = found, mid - 1
        else:
            lower = mid + 1
    return best


def _fill(data: ProblemData, units: Units, c: int, priority: list[float]
          ) -> tuple[list[list[int]], list[list[int]]] | None:
    """Stations at cycle ``c`` and everyone at each (fastest first), or None."""
    limits = dict(data.machines)
    line = _Line(units, priority, limits)
    free = list(units.op_order)
    mask = sum(1 << o for o in free)
    # per unit, the operators (bits) it still needs one of: those who do it within c, or
    # for a unit nobody does alone, those who run it at all (its crew is among them)
    need = [sum(1 << o for o, row in enumerate(units.op_time)
                if row[u] is not None and (row[u] <= c or lonely))
            for u in range(len(units.time))
            for lonely in [all(row[u] is None or row[u] > c for row in units.op_time)]]
    stations: list[list[int]] = []
    crews: list[list[int]] = []
    left = len(units.time)
    while left:
        alone = [u for u in line.avail
                 if all(units.op_time[o][u] is None or units.op_time[o][u] > c for o in free)]
        if alone:
            found = _crew_station(data, units, line, alone[0], free, c, limits, priority)
            if found is None:
                return None
            st, crew, line = found
        else:
            best = None  # (covers what is left, standard work), operator, station, state
            for o in free:
                cand, after = line.station(data, units, c, priority, limits, units.op_time[o])
                if not cand:
                    continue
                key = (_covered(after, need, mask & ~(1 << o)),
                       sum(units.time[u] for u in cand))
                if best is None or key > best[0]:
                    best = (key, o, cand, after)
            if best is None:
                return None  # no free operator can take what is available
            _, o, st, line = best
            crew = [o]
        for o in crew:
            free.remove(o)
            mask &= ~(1 << o)
        stations.append(st)
        crews.append(crew)
        left -= len(st)
    plan = [sorted(i for u in st for i in units.members[u]) for st in stations]
    crews = [data.fastest_first(crew, plan[k]) for k, crew in enumerate(crews)]
    return plan, crews


def _covered(line: _Line, need: list[int], free: int) -> bool:
    """Whether every unit not yet placed still has a free operator it needs."""
    avail = set(line.avail)
    return all(need[u] & free for u, w in enumerate(line.waiting) if w or u in avail)


def _crew_station(data: ProblemData, units: Units, line: _Line, u: int, free: list[int],
                  c: int, limits: dict[str, int], priority: list[float]):
    """A crew for the long unit ``u`` (the fewest free operators, fastest first, who keep
    up), its station filled with more available units while they still do, and the state
    after it; None when the free operators cannot keep up with ``u`` or the machines run
    out."""
    able = sorted((o for o in free if units.op_time[o][u] is not None),
                  key=lambda o: (units.op_time[o][u], o))
    crew: list[int] = []
    for o in able:
        crew.append(o)
        if crew_keeps([units.op_time[q][u] for q in crew], c):
            break
    else:
        return None
    r = len(crew)
    after = object.__new__(_Line)
    after.waiting, after.avail, after.used = list(line.waiting), list(line.avail), dict(
        line.used)
    waiting, avail, used = after.waiting, after.avail, after.used
    if any(k in limits and used[k] + r > limits[k] for k in units.types[u]):
        return None
    loads = [0] * r
    st: list[int] = []
    types: set[str] = set()
    nxt = u
    while nxt is not None:
        v = nxt
        avail.remove(v)
        st.append(v)
        loads = [w + units.op_time[o][v] for w, o in zip(loads, crew, strict=True)]
        for k in units.types[v] - types:
            if k in used:
                used[k] += r
        types |= units.types[v]
        for w in units.succ[v]:
            waiting[w] -= 1
            if not waiting[w]:
                avail.append(w)
        avail.sort(key=lambda w: (-priority[w], w))
        nxt = next((w for w in avail
                    if all(units.op_time[o][w] is not None for o in crew)
                    and not any(w in units.apart[x] for x in st)
                    and all(go_together(data, a, b)
                            for a in units.types[w] - types for b in types)
                    and not any(k in limits and used[k] + r > limits[k]
                                for k in units.types[w] - types)
                    and crew_keeps([x + units.op_time[o][w]
                                   for x, o in zip(loads, crew, strict=True)], c)), None)
    return st, crew, after

