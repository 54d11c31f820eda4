"""A first plan for the garment extensions (machine types, zoning, machine counts), handed
to CP-SAT as its hint and upper bound, in SALBP-2 and in SALBP-1.

CP-SAT's SALBP-2 model finds poor plans for a while on its own: TONGE70 with four machine
types and 24 stations had a cycle of 252 after 2 s and of 213 after 5 s, where 156 is the
optimum (round eighteen). A station-oriented priority rule, bisected over the cycle time,
finds a plan in milliseconds.

The rule fills one station at a time with the available unit (a task, or a must-share
group as one) of highest priority that fits the cycle, whose machine types go with the
station's, that shares no must-not-share pair with it, and for whose limited machine
types a machine is left. Named operators are not handled (None).
"""

from __future__ import annotations

from dataclasses import replace

from jinxiu.engines.linebal.problem import ProblemData, ProblemError
from jinxiu.engines.linebal.split import at_cycle


class _Units:
    def __init__(self, data: ProblemData) -> None:
        n = data.num_tasks
        groups = data.share_groups()
        grouped = {i for g in groups for i in g}
        self.members = [list(g) for g in groups] + [[i] for i in range(n) if i not in grouped]
        unit_of = {i: u for u, ms in enumerate(self.members) for i in ms}
        self.time = [sum(data.times[i] for i in ms) for ms in self.members]
        pred = data.predecessors()
        self.pred = [{unit_of[p] for i in ms for p in pred[i]} - {u}
                     for u, ms in enumerate(self.members)]
        self.succ: list[set[int]] = [set() for _ in self.members]
        for u, ps in enumerate(self.pred):
            for p in ps:
                self.succ[p].add(u)
        self.types = [{data.machine_types[i] for i in ms if data.machine_types
                       and data.machine_types[i] is not None} for ms in self.members]
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


def _go_together(data: ProblemData, a: str, b: str) -> bool:
    return (a == b or a in data.universal or b in data.universal
            or frozenset((a, b)) in data.compatible)


def _fill(data: ProblemData, units: _Units, c: int, priority: list[float],
          limit: int) -> list[list[int]] | None:
    """Stations at cycle ``c`` (at most ``limit``), or None."""
    limits = dict(data.machines)
    used = dict.fromkeys(limits, 0)
    waiting = [len(p) for p in units.pred]
    avail = sorted((u for u in range(len(units.time)) if not waiting[u]),
                   key=lambda u: (-priority[u], u))
    stations: list[list[int]] = []
    left = len(units.time)
    while left:
        if len(stations) == limit:
            return None
        load, st, types = 0, [], set()
        pos = 0
        while pos < len(avail):
            u = avail[pos]
            new = units.types[u] - types
            if (load + units.time[u] > c or any(u in units.apart[v] for v in st)
                    or not all(_go_together(data, a, b) for a in new for b in types)
                    or any(k in limits and used[k] >= limits[k] for k in new)):
                pos += 1
                continue
            del avail[pos]
            st.append(u)
            load += units.time[u]
            types |= new
            for k in new:
                if k in used:
                    used[k] += 1
            for v in units.succ[u]:
                waiting[v] -= 1
                if not waiting[v]:
                    avail.append(v)
            avail.sort(key=lambda v: (-priority[v], v))
            pos = 0
            left -= 1
        if not st:
            return None  # nothing left fits a new station
        stations.append(st)
    return [sorted(i for u in st for i in units.members[u]) for st in stations]


def salbp2_plan(data: ProblemData) -> tuple[int, list[list[int]]] | None:
    """The least cycle time at which a rule's plan fits ``data.stations``, and that plan
    (bisection per rule; the rule's station count is not monotone in the cycle, so this is
    a heuristic). None for named operators or splitting, or when no rule fits."""
    if data.stations is None or data.operators or data.splits:
        return None
    units = _Units(data)
    m = data.stations
    best = None
    for priority in units.rules.values():
        lo = max(max(units.time), -(-sum(data.times) // m))
        hi = sum(data.times)
        plan = _fill(data, units, hi, priority, m)
        if plan is None:
            continue
        found = (hi, plan)
        while lo < hi:
            mid = (lo + hi) // 2
            plan = _fill(data, units, mid, priority, m)
            if plan is None:
                lo = mid + 1
            else:
                hi = mid
                found = (mid, plan)
        if best is None or found[0] < best[0]:
            best = found
    if best is None:
        return None
    plan = best[1]
    cycle = max(sum(data.times[i] for i in st) for st in plan)
    return cycle, plan


def salbp1_plan(data: ProblemData) -> tuple[list[list[int]], list[int]] | None:
    """The rules' plan with the fewest workplaces at ``data.cycle_time``, and the parallel
    workplaces of each station. With splitting a long task keeps ``t - (R - 1) c`` and no
    other long task beside it (see ``split.py``); splitting with machine counts, and named
    operators, are not handled (None)."""
    c = data.cycle_time
    if c is None or data.operators:
        return None
    need = (1,) * data.num_tasks
    problem = data
    if data.splits:
        if data.machines:
            return None
        need, keep, pairs = at_cycle(data.times, c)
        try:
            problem = replace(data, allow_split=False, times=keep,
                              must_not_share=data.must_not_share + pairs)
        except ProblemError:
            return None
    units = _Units(problem)
    best = None
    for priority in units.rules.values():
        plan = _fill(problem, units, c, priority, problem.num_tasks)
        if plan is not None:
            replicas = [max(need[i] for i in st) for st in plan]
            if best is None or sum(replicas) < sum(best[1]):
                best = (plan, replicas)
    return best
