"""A first plan for the garment extensions (machine types, zoning, machine counts, named
operators), handed to CP-SAT as its hint and upper bound, in SALBP-2 and in SALBP-1.

CP-SAT's SALBP-2 model finds poor plans for a while on its own: TONGE70 with four machine
types and 24 stations had a cycle of 252 after 2 s and of 213 after 5 s, where 156 is the
optimum (round eighteen). A station-oriented priority rule, bisected over the cycle time,
finds a plan in milliseconds.

The rule fills one station at a time with the available unit (a task, or a must-share
group as one) of highest priority that fits the cycle, whose machine types go with the
station's, that shares no must-not-share pair with it, and for whose limited machine
types machines are left (one per workplace: a split station of R takes R of each).
With named operators (操作工) every free operator fills the
station in turn with her own times (``ceil(t / efficiency)``, only the types she runs),
and the one who takes the most standard work gets it; ties go to the operator who runs
fewer of the operations, so the versatile ones stay free for later stations (after the
station-oriented rules for the assembly line worker assignment and balancing problem,
Moreira et al. 2012).
"""

from __future__ import annotations

import math
import time
from dataclasses import replace
from typing import NamedTuple

from jinxiu.engines.linebal.problem import ProblemData, ProblemError, effective_time
from jinxiu.engines.linebal.result import station_loads
from jinxiu.engines.linebal.split import at_cycle


class Start(NamedTuple):
    """A rule's plan: tasks per station in line order, the cycle time it reaches, the
    parallel workplaces per station and the operator (index) per station, or None."""

    plan: list[list[int]]
    cycle: int
    replicas: list[int]
    operators: list[int] | None
    crews: list[list[int]] | None = None  # everyone at each station (``crews.py``)


class Units:
    """What the rules and the local search (``lsearch.py``) move: must-share groups as one
    unit, every other task alone, with their times (standard and per named operator),
    machine types, must-not-share partners and precedence between units."""

    def __init__(self, data: ProblemData, need: tuple[int, ...] | None = None) -> None:
        """``need``: the parallel workplaces each task takes (SALBP-1 with splitting)."""
        n = data.num_tasks
        groups = data.share_groups()
        grouped = {i for g in groups for i in g}
        self.members = [list(g) for g in groups] + [[i] for i in range(n) if i not in grouped]
        unit_of = {i: u for u, ms in enumerate(self.members) for i in ms}
        self.time = [sum(data.times[i] for i in ms) for ms in self.members]
        self.need = [max(need[i] for i in ms) if need else 1 for ms in self.members]
        pred = data.predecessors()
        self.pred = [{unit_of[p] for i in ms for p in pred[i]} - {u}
                     for u, ms in enumerate(self.members)]
        self.succ: list[set[int]] = [set() for _ in self.members]
        for u, ps in enumerate(self.pred):
            for p in ps:
                self.succ[p].add(u)
        self.related = [p | s for p, s in zip(self.pred, self.succ, strict=True)]
        types = data.machine_types or (None,) * n
        self.types = [{types[i] for i in ms if types[i] is not None} for ms in self.members]
        self.apart = [set() for _ in self.members]
        for i, j in data.must_not_share:
            self.apart[unit_of[i]].add(unit_of[j])
            self.apart[unit_of[j]].add(unit_of[i])
        desc = data.descendants()
        weight = [data.times[i] + sum(data.times[d] for d in desc[i]) for i in range(n)]
        self.rules = {
            "positional weight": [max(weight[i] for i in ms) for ms in self.members],
            "time": list(self.time),
            "followers": [max(len(desc[i]) for i in ms) for ms in self.members],
        }
        # per named operator: her time for each unit (None: a type she cannot run)
        self.op_time = [[_own_time(data, op, ms) for ms in self.members]
                        for op in data.operators]
        # operators who can do fewer of the operations first among equals (an all-rounder,
        # {"*": 1.0}, can do them all)
        self.op_order = sorted(range(len(data.operators)), key=lambda o: (
            sum(x is not None for x in self.op_time[o]), o))


def go_together(data: ProblemData, a: str, b: str) -> bool:
    return (a == b or a in data.universal or b in data.universal
            or frozenset((a, b)) in data.compatible)


class _Line:
    """The rule's state between stations: units waiting for predecessors, the available
    ones in priority order, machines taken."""

    def __init__(self, units: Units, priority: list[float], limits: dict[str, int]) -> None:
        self.waiting = [len(p) for p in units.pred]
        self.avail = sorted((u for u in range(len(units.time)) if not self.waiting[u]),
                            key=lambda u: (-priority[u], u))
        self.used = dict.fromkeys(limits, 0)

    def station(self, data: ProblemData, units: Units, c: int, priority: list[float],
                limits: dict[str, int], time: list[int | None]) -> tuple[list[int], _Line]:
        """The station the rule fills at cycle ``c`` with the unit times ``time`` (None: a
        unit this station cannot take), and the state after it; ``self`` is unchanged."""
        after = object.__new__(_Line)
        after.waiting, after.avail, after.used = list(self.waiting), list(self.avail), dict(
            self.used)
        waiting, avail, used = after.waiting, after.avail, after.used
        load, st, types, r = 0, [], set(), 1  # r: the station's parallel workplaces
        pos = 0
        while pos < len(avail):
            u = avail[pos]
            new = units.types[u] - types
            grown = max(r, units.need[u])
            if (time[u] is None or load + time[u] > c or any(u in units.apart[v] for v in st)
                    or not all(go_together(data, a, b) for a in new for b in types)
                    or any(used[k] + grown - (r if k in types else 0) > limits[k]
                           for k in types | new if k in limits)):
                pos += 1
                continue
            del avail[pos]
            st.append(u)
            load += time[u]
            for k in types | new:  # every limited type at the station: a machine a workplace
                if k in used:
                    used[k] += grown - (r if k in types else 0)
            types |= new
            r = grown
            for v in units.succ[u]:
                waiting[v] -= 1
                if not waiting[v]:
                    avail.append(v)
            avail.sort(key=lambda v: (-priority[v], v))
            pos = 0
        return st, after


class _OutOfTime(Exception):
    pass


def _fill(data: ProblemData, units: Units, c: int, priority: list[float], limit: int,
          named: bool = True, until: float = math.inf) -> tuple[
              list[list[int]], list[int] | None] | None:
    """Stations at cycle ``c`` (at most ``limit``) and their operators, or None. With
    ``named`` off, the standard times and no operators. Past ``until`` (``perf_counter``)
    it raises ``_OutOfTime``."""
    named = named and bool(data.operators)
    limits = dict(data.machines)
    line = _Line(units, priority, limits)
    stations: list[list[int]] = []
    ops: list[int] = []
    free = list(units.op_order)
    mask = sum(1 << o for o in free)  # the free operators
    can = _capable(units, c) if named else []
    left = len(units.time)
    while left:
        if len(stations) == limit:
            return None
        if time.perf_counter() > until:
            raise _OutOfTime
        if not named:
            st, line = line.station(data, units, c, priority, limits, units.time)
        else:
            best = None  # (covers what is left, standard work, operator, station, state)
            for o in free:
                cand, after = line.station(data, units, c, priority, limits, units.op_time[o])
                if not cand:
                    continue
                key = (_covered(after, can, mask & ~(1 << o)), sum(units.time[u] for u in cand))
                if best is None or key > best[0]:
                    best = (key, o, cand, after)
            if best is None:
                return None  # no free operator can take what is available
            _, o, st, line = best
            free.remove(o)
            mask &= ~(1 << o)
            ops.append(o)
        if not st:
            return None  # nothing left fits a new station
        stations.append(st)
        left -= len(st)
    plan = [sorted(i for u in st for i in units.members[u]) for st in stations]
    return plan, (ops if named else None)


def _capable(units: Units, c: int) -> list[int]:
    """Per unit, the operators (a bit each) who can do it within ``c``."""
    return [sum(1 << o for o, row in enumerate(units.op_time)
                if row[u] is not None and row[u] <= c) for u in range(len(units.time))]


def _covered(line: _Line, can: list[int], free: int) -> bool:
    """Whether every unit not yet placed has a free operator (bit in ``free``) who can do
    it within the cycle."""
    avail = set(line.avail)
    return all(can[u] & free for u, w in enumerate(line.waiting) if w or u in avail)


def _own_time(data: ProblemData, op, tasks) -> int | None:
    """The time operator ``op`` takes for ``tasks`` (None: a type she cannot run)."""
    types = data.machine_types or (None,) * data.num_tasks
    factors = [op.factor(types[i]) for i in tasks]
    if min(factors) <= 0:
        return None
    return sum(effective_time(data.times[i], f) for i, f in zip(tasks, factors, strict=True))


def operator_loads(data: ProblemData, plan: list[list[int]]) -> list[list[int | None]]:
    """Per station, each named operator's load (None: a type she cannot run)."""
    return [[_own_time(data, op, st) for op in data.operators] for st in plan]


def _match(loads: list[list[int | None]], c: int) -> list[int] | None:
    """A distinct operator for every station with her load there at most ``c`` (Kuhn's
    augmenting paths), or None."""
    owner: dict[int, int] = {}  # operator -> station

    def place(k: int, seen: set[int]) -> bool:
        for o, load in enumerate(loads[k]):
            if load is not None and load <= c and o not in seen:
                seen.add(o)
                if o not in owner or place(owner[o], seen):
                    owner[o] = k
                    return True
        return False

    for k in range(len(loads)):
        if not place(k, set()):
            return None
    ops = [0] * len(loads)
    for o, k in owner.items():
        ops[k] = o
    return ops


def _bottleneck(data: ProblemData, plan: list[list[int]]) -> tuple[int, list[int]] | None:
    """The least cycle at which the stations of ``plan`` get distinct named operators, and
    who does which station."""
    return bottleneck_match(operator_loads(data, plan))


def bottleneck_match(loads: list[list[int | None]]) -> tuple[int, list[int]] | None:
    """The least cycle at which every station (a row of ``loads``: each operator's load
    there, None where she cannot) gets an operator of its own, and who takes which
    (the column per station); bisection over the loads that occur. None: no matching."""
    values = sorted({x for row in loads for x in row if x is not None})
    best = None
    lo, hi = 0, len(values) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        ops = _match(loads, values[mid])
        if ops is None:
            lo = mid + 1
        else:
            best, hi = (values[mid], ops), mid - 1
    return best


def _cycle(data: ProblemData, plan: list[list[int]], ops: list[int] | None) -> int:
    return max(station_loads(data, plan, ops))


def salbp2_plan(data: ProblemData, *, until: float = math.inf) -> Start | None:
    """The least cycle time at which a rule's plan fits ``data.stations``, and that plan
    (bisection per rule; the rule's station count is not monotone in the cycle, so this is
    a heuristic). None with splitting, or when no rule fits.

    Named operators: the better of the rules' plans in standard times (every plan of the
    bisections) given their operators by a bottleneck matching, and the rules choosing an
    operator per station (bisected below the matched plan's cycle); what is found by
    ``until`` (``perf_counter``)."""
    if data.stations is None or data.splits:
        return None
    units = Units(data)
    plans: list[list[list[int]]] = []
    best = _salbp2_rules(data, units, plans, named=False, until=until)
    if not data.operators:
        return best
    best = None
    for plan in reversed(plans):  # the bisections' last plans, the tightest, first
        if best is not None and time.perf_counter() > until:
            break
        found = _bottleneck(data, plan)
        if found and (best is None or found[0] < best.cycle):
            best = Start(plan, found[0], [1] * len(plan), found[1])
    own = _salbp2_rules(data, units, [], named=True, until=until,
                        upper=best.cycle - 1 if best else None)
    return own if own and (best is None or own.cycle < best.cycle) else best


def _salbp2_rules(data: ProblemData, units: Units, plans: list[list[list[int]]], *,
                  named: bool, until: float, upper: int | None = None) -> Start | None:
    """The best rule's plan (with ``named``, at a cycle of at most ``upper``); every plan
    the bisections find is added to ``plans``."""
    m = data.stations
    if named:
        able = [[row[u] for row in units.op_time if row[u] is not None]
                for u in range(len(units.time))]
        if not all(able):
            return None  # a zone whose machine types no one operator runs
        fastest = [min(times) for times in able]
        lo = max(max(fastest), -(-sum(fastest) // m))
        hi = sum(max(times) for times in able)
    else:
        lo = max(max(units.time), -(-sum(data.times) // m))
        hi = sum(data.times)
    if upper is not None:
        hi = min(hi, upper)
    best = None
    for priority in units.rules.values():
        top, low, found = hi, lo, None
        try:
            found = _fill(data, units, top, priority, m, named, until)
            if found is None:
                continue
            plans.append(found[0])
            while low < top:
                mid = (low + top) // 2
                plan = _fill(data, units, mid, priority, m, named, until)
                if plan is None:
                    low = mid + 1
                else:
                    top, found = mid, plan
                    plans.append(plan[0])
        except _OutOfTime:
            pass
        if found is not None:
            cycle = _cycle(data, *found)
            if best is None or cycle < best.cycle:
                best = Start(found[0], cycle, [1] * len(found[0]), found[1])
        if time.perf_counter() > until:
            break
    return best


def salbp1_plan(data: ProblemData, *, until: float = math.inf) -> Start | None:
    """The rules' plan with the fewest workplaces at ``data.cycle_time``, with the parallel
    workplaces of each station. With splitting a long task keeps ``t - (R - 1) c`` and no
    other long task beside it (see ``split.py``), and its station takes ``R`` machines of
    every limited type it uses. Named operators (at most one station each): the better of the rules
    choosing an operator per station and the rules' plans in standard times at cycles
    from ``c`` times the best efficiency down to ``c`` times the worst, in steps of 2 %,
    that a matching gives operators who each keep ``c``; what is found by ``until``."""
    c = data.cycle_time
    if c is None:
        return None
    need = (1,) * data.num_tasks
    problem = data
    if data.splits and not data.operators:  # (named operators share in crews: crews.py)
        need, keep, pairs = at_cycle(data.times, c)
        try:
            problem = replace(data, allow_split=False, times=keep,
                              must_not_share=data.must_not_share + pairs)
        except ProblemError:
            return None
    units = Units(problem, need)
    limit = len(data.operators) if data.operators else problem.num_tasks
    best = None
    try:
        for priority in units.rules.values():
            found = _fill(problem, units, c, priority, limit, until=until)
            if found is not None:
                plan, ops = found
                replicas = [max(need[i] for i in st) for st in plan]
                if best is None or sum(replicas) < sum(best.replicas):
                    best = Start(plan, c, replicas, ops)
            for cc in _standard_cycles(data, c):
                if time.perf_counter() > until:
                    raise _OutOfTime
                found = _fill(problem, units, cc, priority, limit, named=False, until=until)
                if found is None or (best and len(found[0]) >= len(best.plan)):
                    continue
                ops = _match(operator_loads(data, found[0]), c)
                if ops is not None:
                    best = Start(found[0], c, [1] * len(found[0]), ops)
    except _OutOfTime:
        pass
    return best


def _standard_cycles(data: ProblemData, c: int) -> list[int]:
    """Cycles in standard time to try for named operators keeping ``c`` (none without):
    ``c`` times the best efficiency down to ``c`` times the worst, 2 % of ``c`` apart."""
    if not data.operators:
        return []
    effs = [f for op in data.operators for f in op.efficiency.values() if f > 0] or [1.0]
    hi, lo = max(effs), min(effs)
    steps = min(200, int((hi - lo) / 0.02) + 1)  # efficiencies are at most 100 apart
    return sorted({max(1, int(c * (hi - k * 0.02))) for k in range(steps)}, reverse=True)
