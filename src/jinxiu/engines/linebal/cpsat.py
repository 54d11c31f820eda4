"""CP-SAT models (OR-Tools) for SALBP-1 / SALBP-2 with the garment extensions.

Variables ``x[i, k]`` (task ``i`` at station ``k``) only inside the task's station window
[E_i, L_i]; the station number of a task ``s_i = sum k x[i, k]`` carries the precedence
``s_i <= s_j``; stations are used from the front (``y_k >= y_{k+1}``), which removes the
symmetry of empty stations. Extensions:

* machine types: ``z[k, type]`` is set when station ``k`` holds a task of that type; two
  incompatible types never share a station;
* zoning: ``s_i == s_j`` (must share) / ``s_i != s_j`` (must not share);
* splitting: station ``k`` has ``r_k`` parallel workplaces, ``r_k = max(y_k, R_i x[i, k])``
  with ``R_i = ceil(t_i / c)``; load <= c r_k; the objective counts workplaces. In SALBP-2
  (``stations`` workplaces, c a variable) ``r_k = r`` is a literal ``e[k, r]`` enforcing
  load <= r c, allowed for r >= 2 only when a task ``i`` at ``k`` has ``t_i > (r - 1) c``;
  the workplaces add up to at most ``stations``;
* machines on the line: at most so many stations (workplaces) use a limited type;
* named operators: every station is one operator; task ``i`` done by operator ``o`` takes
  ``ceil(t_i / eff(o, type_i))``; operators get distinct positions along the line. With
  splitting a station holding a long task may have a crew sharing its pieces (``_operators``).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from jinxiu.engines.linebal import chains
from jinxiu.engines.linebal.bounds import ceil_div
from jinxiu.engines.linebal.problem import SHARES, ProblemData, crew_cap, effective_time


@dataclass
class CpOutcome:
    stations: list[list[int]] | None  # tasks per station in line order
    replicas: list[int] | None  # parallel workplaces per station
    operators: list[int] | None  # operator index per station (named operators)
    objective: int | None  # stations/workplaces (SALBP-1) or cycle time (SALBP-2)
    bound: int  # proven lower bound on the objective
    optimal: bool
    infeasible: bool
    # named operators: everyone at each station, the fastest at its tasks first (a crew of
    # several only where a long task is shared, ``_operators``)
    crews: list[list[int]] | None = None


def _windows(data: ProblemData, c: int, m: int,
             times: list[int] | None = None) -> tuple[list[int], list[int]]:
    """Station windows (1-based) for cycle ``c`` and at most ``m`` stations.

    Not valid with splitting. ``times``: the tasks' times (the data's own by default; with
    named operators each task at its fastest operator's time, which no station's load in
    those times can exceed c either). Chains of tasks that cannot share a station narrow
    the windows too (``chains.levels``)."""
    n = data.num_tasks
    t = data.times if times is None else times
    anc: list[set[int]] = [set() for _ in range(n)]
    pred = data.predecessors()
    for i in data.topological_order():
        for p in pred[i]:
            anc[i].add(p)
            anc[i] |= anc[p]
    desc = data.descendants()
    early = [ceil_div(t[i] + sum(t[a] for a in anc[i]), c) for i in range(n)]
    late = [m + 1 - ceil_div(t[i] + sum(t[d] for d in desc[i]), c) for i in range(n)]
    first, last, _ = chains.levels(data)
    return ([max(a, b) for a, b in zip(early, first, strict=True)],
            [min(a, m + 1 - b) for a, b in zip(late, last, strict=True)])


def cp_variables(data: ProblemData, c: int, m: int) -> int:
    """How many assignment variables x[i, k] the model of the decision "``m`` stations at
    cycle ``c``?" has (task ``i`` inside its station window). CP-SAT settles the SALBP-2
    decisions of ARC83 (315-592 variables) in tenths of a second and none of ARC111's
    (972-1 406) or MUKHERJE's (1 001-1 115) in 0.5 s: 32 and 13 tries without an answer
    in one run of the set (docs/engines/linebal.md)."""
    early, late = _windows(data, c, m)
    return sum(max(0, b - a + 1) for a, b in zip(early, late, strict=True))


def solve_cp(data: ProblemData, *, max_stations: int, time_limit: float, seed: int = 0,
             workers: int = 1, hint: list[list[int]] | None = None,
             objective_upper: int | None = None, objective_lower: int = 0,
             cycle_upper: int | None = None,
             hint_operators: list[int] | None = None,
             hint_crews: list[list[int]] | None = None) -> CpOutcome:
    """Solve ``data`` with CP-SAT using at most ``max_stations`` stations (positions).

    SALBP-1: minimise the number of stations (workplaces), at most ``objective_upper``.
    SALBP-2: ``max_stations`` is the given count; minimise the cycle time (at most
    ``cycle_upper``). ``hint``: a plan (tasks per station) to start from, with its operator
    per station (``hint_operators``, or everyone at it: ``hint_crews``) when operators
    are named. ``time_limit`` covers
    building the model too (SCHOLL with 60 named operators: about 2 s of it)."""
    began = time.perf_counter()
    n = data.num_tasks
    t = data.times
    salbp1 = data.cycle_time is not None
    named = bool(data.operators)
    split2 = not salbp1 and data.splits  # SALBP-2 with parallel workplaces
    # stations are used from the front: positions past the count asked for stay empty
    K = min(len(data.operators), max_stations) if named else max_stations
    if not salbp1:
        K = data.stations
    model = cp_model.CpModel()

    if salbp1:
        c_const = data.cycle_time
        cvar = None
        c_for_windows = c_const
    else:
        fastest = data.fastest_times() if named else t
        tmax = max(fastest)
        least = ceil_div(sum(fastest), data.stations)
        lo = max(least if split2 else max(tmax, least), objective_lower)
        hi = cycle_upper if cycle_upper is not None else sum(
            _slowest(data) if named else t)
        hi = max(hi, lo)
        cvar = model.NewIntVar(lo, hi, "c")
        c_const = None
        c_for_windows = hi  # windows widen with the cycle time: take the largest

    # windows
    if not (salbp1 and data.allow_split and (data.splits or not named)) and not split2:
        target = (objective_upper if salbp1 and objective_upper is not None else K)
        target = min(target, K)
        early, late = _windows(data, c_for_windows, target,
                               data.fastest_times() if named else None)
    elif named:  # crews: a station may hold more than c, but chains still need stations
        first, last, _ = chains.levels(data)
        early, late = list(first), [K + 1 - b for b in last]
    else:
        early, late = [1] * n, [K] * n
    early = [max(1, e) for e in early]
    late = [min(K, x) for x in late]
    crews_hint = hint_crews or ([[o] for o in hint_operators] if hint_operators else None)
    if not data.precedences:
        late = _first_fit_labels(t, late)
        if hint:  # numbered the same way, or the hint would break the new windows
            hint, crews_hint = _first_fit_hint(t, hint, crews_hint)
    for i in range(n):
        if early[i] > late[i]:
            return CpOutcome(None, None, None, None, (objective_upper or K) + 1, False, True)

    x: dict[tuple[int, int], cp_model.IntVar] = {}
    by_station: list[list[int]] = [[] for _ in range(K + 1)]
    s = []
    for i in range(n):
        lits = []
        for k in range(early[i], late[i] + 1):
            v = model.NewBoolVar(f"x{i}_{k}")
            x[i, k] = v
            by_station[k].append(i)
            lits.append(v)
        model.AddExactlyOne(lits)
        si = model.NewIntVar(early[i], late[i], f"s{i}")
        model.Add(si == sum(k * x[i, k] for k in range(early[i], late[i] + 1)))
        s.append(si)
    for i, j in data.precedences:
        model.Add(s[i] <= s[j])
    for i, j in data.must_share:
        model.Add(s[i] == s[j])
    for i, j in data.must_not_share:
        model.Add(s[i] != s[j])

    y = [None] + [model.NewBoolVar(f"y{k}") for k in range(1, K + 1)]
    for (_i, k), v in x.items():
        model.AddImplication(v, y[k])
    if not named:
        for k in range(1, K):
            model.AddImplication(y[k + 1], y[k])

    # machine types
    limits = {kind: have for kind, have in data.machines
              if data.machine_types and kind in data.machine_types}
    uses: dict[tuple[int, str], cp_model.IntVar] = {}  # z[k, type]
    if data.machine_types:
        types = sorted({m for m in data.machine_types if m is not None})
        bad = [(a, b) for ai, a in enumerate(types) for b in types[ai + 1:]
               if a not in data.universal and b not in data.universal
               and frozenset((a, b)) not in data.compatible]
        if bad or limits:
            for k in range(1, K + 1):
                z = {m: model.NewBoolVar(f"z{k}_{m}") for m in types}
                for i in by_station[k]:
                    if data.machine_types[i] is not None:
                        model.AddImplication(x[i, k], z[data.machine_types[i]])
                for a, b in bad:
                    model.AddBoolOr([z[a].Not(), z[b].Not()])
                uses.update(((k, m), z[m]) for m in limits)

    replicas = None
    op_of = None
    rmax = 1
    if named:
        op_of, replicas, rmax = _operators(model, data, K, x, y, by_station, c_const, cvar,
                                           lo if cvar is not None else None,
                                           hi if cvar is not None else None)
        count = sum(op_of.values())
        if not data.splits:
            replicas = None
    elif salbp1 and data.allow_split:
        c = c_const
        R = [max(1, ceil_div(t[i], c)) for i in range(n)]
        rmax = max(R)
        replicas = [None]
        for k in range(1, K + 1):
            r = model.NewIntVar(0, rmax, f"r{k}")
            terms = [y[k]]
            for i in by_station[k]:
                if R[i] > 1:
                    terms.append(R[i] * x[i, k])
            model.AddMaxEquality(r, terms)
            model.Add(sum(t[i] * x[i, k] for i in by_station[k]) <= c * r)
            replicas.append(r)
        count = sum(replicas[1:])
    elif split2:
        replicas, rmax = _split_workplaces(model, data, cvar, lo, x, y, by_station)
        model.Add(sum(replicas[1:]) <= data.stations)
    else:
        for k in range(1, K + 1):
            if by_station[k]:
                load = sum(t[i] * x[i, k] for i in by_station[k])
                if salbp1:
                    model.Add(load <= c_const)
                else:
                    model.Add(load <= cvar)
        count = sum(y[1:])

    # machines on the line: a station using a limited type takes one machine per workplace
    for kind, have in limits.items():
        if replicas is None:
            model.Add(sum(uses[k, kind] for k in range(1, K + 1)) <= have)
            continue
        taken = []
        for k in range(1, K + 1):
            w = model.NewIntVar(0, rmax, f"w{k}_{kind}")
            model.Add(w >= replicas[k] - rmax * (1 - uses[k, kind]))
            taken.append(w)
        model.Add(sum(taken) <= have)

    if salbp1:
        lb = max(1, objective_lower)
        if objective_upper is not None:
            model.Add(count <= objective_upper)
        model.Add(count >= lb)
        model.Minimize(count)
    else:
        if named:  # everyone at a station counts, a crew's members each
            model.Add(sum(op_of.values()) <= data.stations)
        model.Minimize(cvar)

    if hint:
        pos = {i: k + 1 for k, st in enumerate(hint) for i in st}
        for (i, k), v in x.items():
            model.AddHint(v, 1 if pos.get(i) == k else 0)
        if op_of is not None and crews_hint is not None:
            for (o, k), v in op_of.items():
                model.AddHint(v, 1 if k <= len(hint) and o in crews_hint[k - 1] else 0)

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, time_limit - (
        time.perf_counter() - began))
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.random_seed = seed
    status = solver.Solve(model)
    if status == cp_model.INFEASIBLE:
        bound = (objective_upper + 1) if (salbp1 and objective_upper is not None) else 0
        return CpOutcome(None, None, None, None, bound, False, True)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return CpOutcome(None, None, None, None, math.ceil(solver.BestObjectiveBound() - 1e-6)
                         if status != cp_model.MODEL_INVALID else 0, False, False)
    stations: list[list[int]] = [[] for _ in range(K + 1)]
    for (i, k), v in x.items():
        if solver.Value(v):
            stations[k].append(i)
    used = [k for k in range(1, K + 1) if stations[k]]
    out_st = [sorted(stations[k]) for k in used]
    out_rep = [solver.Value(replicas[k]) for k in used] if replicas else None
    out_ops = out_crews = None
    if op_of is not None:
        out_crews = [data.fastest_first([o for o in range(len(data.operators))
                                          if solver.Value(op_of[o, k])], stations[k])
                     for k in used]
        out_ops = [crew[0] for crew in out_crews]
        out_rep = [len(crew) for crew in out_crews]
    obj = round(solver.ObjectiveValue())
    bound = math.ceil(solver.BestObjectiveBound() - 1e-6)
    return CpOutcome(out_st, out_rep, out_ops, obj, bound, status == cp_model.OPTIMAL, False,
                     out_crews)


def _operators(model, data: ProblemData, K: int, x, y, by_station, c_const: int | None,
               cvar, lo: int | None, hi: int | None):
    """Named operators: ``a[o, k]`` puts operator ``o`` at station ``k`` (at one station
    at most); a used station has one. With splitting (``data.splits``) a station holding a
    long task (longer than the cycle at standard time or for its fastest operator) may
    have a crew of several, each doing all its tasks on her share ``p_o`` of the pieces:
    ``p_o · W_o ≤ c`` with ``Σ p_o = 1``, i.e. ``Σ c / W_o ≥ 1`` for her own times ``W_o``,
    in whole 1/SHARES of the pieces: ``Σ floor(SHARES · c / W_o) ≥ SHARES``, exactly
    ``problem.crew_keeps``, which validation, the results and ``check_solution`` use
    too. A crew is no larger than one of its tasks allows at the cycle (``crew_cap``; in
    SALBP-2 a literal per task and size holds the cycle under the last value at which the
    cap allows that size).
    Returns ``a``, the crew sizes ``[None, r_1, …]`` and their largest value."""
    ops = data.operators
    n_ops = len(ops)
    t = data.times
    c = c_const if c_const is not None else cvar
    a = {(o, k): model.NewBoolVar(f"a{o}_{k}") for o in range(n_ops) for k in range(1, K + 1)}
    for o in range(n_ops):
        model.AddAtMostOne(a[o, k] for k in range(1, K + 1))
    for k in range(1, K):
        model.AddImplication(y[k + 1], y[k])
    own = [[effective_time(t[i], f) if (f := op.factor(_mt(data, i))) > 0 else None
            for i in range(data.num_tasks)] for op in ops]
    # allow[i][r]: literal "task i lets its station have a crew of r at this cycle"
    # (True in SALBP-1), for r up to its crew cap at the least cycle
    allow: dict[int, dict[int, object]] = {}
    if data.splits:
        least = c_const if c_const is not None else lo
        for i in range(data.num_tasks):
            mine = [row[i] for row in own if row[i] is not None]
            for r in range(2, min(n_ops, crew_cap(t[i], mine, least)) + 1):
                if c_const is not None:
                    allow.setdefault(i, {})[r] = True
                    continue
                # the largest cycle at which the cap is still r: it falls as c grows
                top = _last(least, hi, lambda c, mine=mine, i=i, r=r:
                            crew_cap(t[i], mine, c) >= r)
                lit = model.NewBoolVar(f"g{i}_{r}")
                model.Add(cvar <= top).OnlyEnforceIf(lit)
                allow.setdefault(i, {})[r] = lit
    rmax = max([1, *(max(rs) for rs in allow.values())])
    sizes = [None]
    for k in range(1, K + 1):
        size = sum(a[o, k] for o in range(n_ops))
        here = [i for i in by_station[k] if i in allow]
        shared = None
        if here:
            r_k = model.NewIntVar(0, rmax, f"r{k}")
            model.Add(r_k == size)
            model.Add(r_k >= y[k])
            for r in range(2, max(max(allow[i]) for i in here) + 1):
                at_least = model.NewBoolVar(f"b{k}_{r}")  # a crew of r or more
                model.Add(r_k >= r).OnlyEnforceIf(at_least)
                model.Add(r_k <= r - 1).OnlyEnforceIf(at_least.Not())
                why = []
                for i in here:
                    if r not in allow[i]:
                        continue
                    h = model.NewBoolVar(f"h{i}_{k}_{r}")
                    model.AddImplication(h, x[i, k])
                    if allow[i][r] is not True:
                        model.AddImplication(h, allow[i][r])
                    why.append(h)
                model.AddBoolOr(why).OnlyEnforceIf(at_least)
                shared = at_least if r == 2 else shared
            model.Add(r_k <= max(max(allow[i]) for i in here))
            sizes.append(r_k)
        else:
            model.Add(size == y[k])
            sizes.append(size)
        rhos = []
        for o in range(n_ops):
            terms = []
            for i in by_station[k]:
                if own[o][i] is None:
                    model.AddBoolOr([x[i, k].Not(), a[o, k].Not()])
                else:
                    terms.append(own[o][i] * x[i, k])
            if not terms:
                continue
            load = sum(terms)
            if shared is None or all(own[o][i] is None for i in here):
                # alone (she runs none of the long tasks a crew here would share)
                model.Add(load <= c).OnlyEnforceIf(a[o, k])
                if shared is not None:
                    model.AddImplication(a[o, k], shared.Not())
                continue
            model.Add(load <= c).OnlyEnforceIf([a[o, k], shared.Not()])
            top = sum(own[o][i] for i in by_station[k] if own[o][i] is not None)
            w = model.NewIntVar(1, max(1, top), f"w{o}_{k}")
            model.AddMaxEquality(w, [load, 1])
            q = model.NewIntVar(0, SHARES * (c_const if c_const is not None else hi), f"q{o}_{k}")
            model.AddDivisionEquality(q, SHARES * c, w)
            rho = model.NewIntVar(0, SHARES, f"p{o}_{k}")
            model.Add(rho <= q)
            model.Add(rho <= SHARES * a[o, k])
            rhos.append(rho)
        if shared is not None:
            model.Add(sum(rhos) >= SHARES).OnlyEnforceIf(shared)
    return a, sizes, rmax


def _last(lo: int, hi: int, holds) -> int:
    """The largest ``c`` in ``lo..hi`` at which ``holds(c)``, true at ``lo`` and false from
    some point on (``lo - 1`` where it fails at ``lo``)."""
    if not holds(lo):
        return lo - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if holds(mid):
            lo = mid
        else:
            hi = mid - 1
    return lo


def _split_workplaces(model, data: ProblemData, cvar, least: int, x, y, by_station):
    """SALBP-2 with splitting: the workplaces ``r_k`` of every station (``[None, r_1, ...]``)
    and their largest possible value. ``least`` is the cycle variable's lower bound."""
    t = data.times
    K = len(by_station) - 1
    rmax = max(1, min(data.stations, ceil_div(max(t), least)))
    # long[i, r]: "task i needs r workplaces", t_i > (r - 1) c
    long = {}
    for i in range(data.num_tasks):
        for r in range(2, rmax + 1):
            if t[i] > (r - 1) * least:
                lit = model.NewBoolVar(f"g{i}_{r}")
                model.Add((r - 1) * cvar <= t[i] - 1).OnlyEnforceIf(lit)
                long[i, r] = lit
    replicas = [None]
    for k in range(1, K + 1):
        e = {r: model.NewBoolVar(f"e{k}_{r}") for r in range(1, rmax + 1)}
        model.Add(sum(e.values()) == y[k])
        load = sum(t[i] * x[i, k] for i in by_station[k])
        for r, lit in e.items():
            model.Add(load <= r * cvar).OnlyEnforceIf(lit)
            if r == 1:
                continue
            why = []  # a task at k that needs r workplaces at this cycle
            for i in by_station[k]:
                if (i, r) in long:
                    h = model.NewBoolVar(f"h{i}_{k}_{r}")
                    model.AddImplication(h, x[i, k])
                    model.AddImplication(h, long[i, r])
                    why.append(h)
            if why:
                model.AddBoolOr(why).OnlyEnforceIf(lit)
            else:
                model.Add(lit == 0)
        rk = model.NewIntVar(0, rmax, f"r{k}")
        model.Add(rk == sum(r * lit for r, lit in e.items()))
        replicas.append(rk)
    return replicas, rmax


def _slowest(data: ProblemData) -> list[int]:
    """Each task's time with the slowest operator who can do it (a cycle no plan exceeds)."""
    return [max(effective_time(t, o.factor(_mt(data, i))) for o in data.operators
                if o.factor(_mt(data, i)) > 0) for i, t in enumerate(data.times)]


def _first_fit_labels(t: tuple[int, ...] | list[int], late: list[int]) -> list[int]:
    """Latest positions that break the stations' symmetry when no task precedes another (a
    hanging line routed freely, or a bulletin without an order): any plan's stations can be
    numbered in the order in which the tasks, longest first, first reach them, so the j-th
    of those tasks (0-based) needs no position past j + 1. Stations differ only by what they
    hold (their operator, workplaces and machines go with them), so the renumbered plan is
    the same plan."""
    order = sorted(range(len(t)), key=lambda i: (-t[i], i))
    late = list(late)
    for j, i in enumerate(order):
        late[i] = min(late[i], j + 1)
    return late


def _first_fit_hint(t, hint: list[list[int]], operators: list | None
                    ) -> tuple[list[list[int]], list | None]:
    """A plan's stations (and their operators, or crews) renumbered as ``_first_fit_labels`` numbers
    them: in the order in which the tasks, longest first, first reach them."""
    rank = {i: j for j, i in enumerate(sorted(range(len(t)), key=lambda i: (-t[i], i)))}
    order = sorted(range(len(hint)),
                   key=lambda k: min((rank[i] for i in hint[k]), default=len(t)))
    return [hint[k] for k in order], operators and [operators[k] for k in order]


def _mt(data: ProblemData, i: int) -> str | None:
    return data.machine_types[i] if data.machine_types else None
