"""The result of a balancing run and the figures an industrial engineer reads off it."""

from __future__ import annotations

import math
from dataclasses import dataclass

from jinxiu.engines.common.result import ResultBase, StopReason
from jinxiu.engines.linebal.problem import ProblemData, crew_cap, crew_time, effective_time


@dataclass(frozen=True, slots=True)
class Result(ResultBase):
    """A line balance.

    ``assignment[k]`` lists the task indices (0-based) at station ``k`` in line order.
    ``stations`` counts workplaces (operators): a station split over ``replicas[k]``
    parallel workplaces counts ``replicas[k]`` times. ``lower_bound`` bounds the objective
    (stations for SALBP-1, cycle time for SALBP-2); ``proven_optimal`` says the objective
    equals it.
    """

    kind: str
    assignment: tuple[tuple[int, ...], ...]
    stations: int
    cycle_time: int
    lower_bound: int
    proven_optimal: bool
    station_times: tuple[int, ...]
    replicas: tuple[int, ...]
    operators: tuple[str, ...]
    idle_times: tuple[int, ...]
    balance_efficiency: float
    smoothness_index: float
    labels: tuple[tuple[str, ...], ...]
    nodes: int = 0
    # named operators: everyone at each station, ``operators[k]`` first; a crew of several
    # shares a long task's pieces (``replicas[k]`` of them)
    crews: tuple[tuple[str, ...], ...] = ()

    @property
    def objective(self) -> int:
        return self.stations if self.kind == "SALBP-1" else self.cycle_time

    @property
    def feasible(self) -> bool:
        return bool(self.assignment)

    @property
    def bottleneck(self) -> int | None:
        """Index of the station with the highest load per workplace."""
        if not self.assignment:
            return None
        per = [s / r for s, r in zip(self.station_times, self.replicas, strict=True)]
        return max(range(len(per)), key=per.__getitem__)

    def summary(self) -> str:
        if not self.assignment:
            return f"{self.kind}: no solution ({self.stop_reason})"
        proof = "proven optimal" if self.proven_optimal else f"lower bound {self.lower_bound}"
        return (f"{self.kind}: {self.stations} stations, cycle time {self.cycle_time}, "
                f"{proof}, efficiency {self.balance_efficiency:.1%}, "
                f"smoothness {self.smoothness_index:.1f}, {self.runtime_s:.2f} s "
                f"({self.stop_reason})")


def station_loads(data: ProblemData, assignment, operators=None, crews=None) -> list[int]:
    """Work content of each station (with named operators: the operator's own times). A
    crew of ``r`` sharing a station (``crews``, operator indices) has the load ``r`` of them
    at one pace would have: ``r · T`` for the time between pieces ``T`` (``crew_time`` of
    each member's own time for the station's tasks, about ``1 / Σ 1/W_o``)."""
    loads = []
    for k, st in enumerate(assignment):
        crew = crews[k] if crews else ([operators[k]] if operators else None)
        if crew is None:
            loads.append(sum(data.times[i] for i in st))
            continue
        own = [sum(effective_time(data.times[i], data.operators[o].factor(
            data.machine_types[i] if data.machine_types else None)) for i in st) for o in crew]
        loads.append(len(own) * crew_time(own) if len(own) > 1 else own[0])
    return loads


def make_result(data: ProblemData, assignment, *, cycle_time: int | None, lower_bound: int,
                proven: bool, runtime_s: float, stop_reason: StopReason | str,
                replicas=None, operators=None, nodes: int = 0, crews=None) -> Result:
    """``crews``: with named operators, the operator indices at each station, the one of
    ``operators`` first; they set ``operators`` and ``replicas``."""
    kind = data.kind
    if crews:
        operators = [crew[0] for crew in crews]
        replicas = [len(crew) for crew in crews]
    if not assignment:
        return Result(runtime_s=runtime_s, stop_reason=StopReason(stop_reason), kind=kind,
                      assignment=(), stations=0, cycle_time=cycle_time or 0,
                      lower_bound=lower_bound, proven_optimal=False, station_times=(),
                      replicas=(), operators=(), idle_times=(), balance_efficiency=0.0,
                      smoothness_index=0.0, labels=(), nodes=nodes)
    assignment = tuple(tuple(sorted(st)) for st in assignment)
    reps = tuple(replicas) if replicas else (1,) * len(assignment)
    if not data.precedences:
        # no order among the tasks (a hanging line routed freely): the stations in the
        # order of their first task, so that the plan reads along the bulletin
        order = sorted(range(len(assignment)),
                       key=lambda k: (assignment[k][:1] or (data.num_tasks,), k))
        assignment = tuple(assignment[k] for k in order)
        reps = tuple(reps[k] for k in order)
        operators = [operators[k] for k in order] if operators else operators
        crews = [crews[k] for k in order] if crews else crews
    loads = station_loads(data, assignment, operators, crews)
    if cycle_time is None:  # SALBP-2: the cycle time the plan reaches
        cycle_time = max(math.ceil(load / r) for load, r in zip(loads, reps, strict=True))
    workplaces = sum(reps)
    idle = tuple(r * cycle_time - load for load, r in zip(loads, reps, strict=True))
    per_place = [load / r for load, r in zip(loads, reps, strict=True)]
    top = max(per_place)
    smooth = math.sqrt(sum((top - x) ** 2 * r for x, r in zip(per_place, reps, strict=True)))
    eff = sum(loads) / (workplaces * cycle_time)
    ops = tuple(data.operators[o].name for o in operators) if operators else ()
    teams = tuple(tuple(data.operators[o].name for o in crew) for crew in crews) if crews \
        else tuple((name,) for name in ops)
    labels = tuple(tuple(data.labels[i] for i in st) for st in assignment)
    return Result(runtime_s=runtime_s, stop_reason=StopReason(stop_reason), kind=kind,
                  assignment=assignment, stations=workplaces, cycle_time=cycle_time,
                  lower_bound=lower_bound, proven_optimal=proven, station_times=tuple(loads),
                  replicas=reps, operators=ops, idle_times=idle, balance_efficiency=eff,
                  smoothness_index=smooth, labels=labels, nodes=nodes, crews=teams)


def check_solution(data: ProblemData, result: Result) -> list[str]:
    """Independent feasibility check; returns the list of violations (empty when valid)."""
    errors = []
    pos = {}
    for k, st in enumerate(result.assignment):
        for i in st:
            if i in pos:
                errors.append(f"task {data.labels[i]} is at two stations")
            pos[i] = k
    for i in range(data.num_tasks):
        if i not in pos:
            errors.append(f"task {data.labels[i]} is not assigned")
    if errors:
        return errors
    for i, j in data.precedences:
        if pos[i] > pos[j]:
            errors.append(f"task {data.labels[i]} must come before task {data.labels[j]}")
    c = result.cycle_time
    if data.cycle_time is not None and c != data.cycle_time:
        errors.append(f"cycle time {c} differs from the given {data.cycle_time}")
    names = [o.name for o in data.operators]
    # each station's operator, then the rest of its crew
    rest = result.crews or ((),) * len(result.operators)
    teams = tuple((name, *crew[1:]) for name, crew in zip(result.operators, rest, strict=True))
    if any(name not in names for crew in teams for name in crew):
        return [*errors, "an operator of the plan is not among the named operators"]
    who = [[names.index(name) for name in crew] for crew in teams] if teams else None
    unable = []
    for k, st in enumerate(result.assignment if who else ()):
        for o in who[k]:
            op = data.operators[o]
            for i in st:
                kind = data.machine_types[i] if data.machine_types else None
                if op.factor(kind) <= 0:
                    unable.append(f"station {k + 1}: {op.name} cannot run {kind} "
                                  f"(task {data.labels[i]})")
    if unable:
        return errors + unable  # her time for work she cannot do is undefined: no loads
    if who and [len(crew) for crew in who] != list(result.replicas):
        errors.append("the crews' sizes differ from the stations' workplaces")
    loads = station_loads(data, result.assignment, crews=who)
    for k, load in enumerate(loads):
        if load > c * result.replicas[k]:
            errors.append(f"station {k + 1}: load {load} > {result.replicas[k]} x cycle {c}")
    if data.allow_split and who:
        for k, st in enumerate(result.assignment):
            caps = [crew_cap(data.times[i], data.own_times(i), c) for i in st]
            if result.replicas[k] > max(caps):
                errors.append(f"station {k + 1}: a crew of {result.replicas[k]}, more than "
                              f"its tasks allow at cycle {c} ({max(caps)})")
    elif data.allow_split:
        for k, st in enumerate(result.assignment):
            need = max(1, *(math.ceil(data.times[i] / c) for i in st))
            if result.replicas[k] > need:
                errors.append(f"station {k + 1}: {result.replicas[k]} workplaces, needs {need}")
    if data.stations is not None and result.stations > data.stations:
        errors.append(f"{result.stations} stations > {data.stations}")
    for st in result.assignment:
        for a in st:
            for b in st:
                if a < b and not data.types_compatible(a, b):
                    errors.append(f"tasks {data.labels[a]} and {data.labels[b]} have "
                                  f"incompatible machine types")
    for kind, count in data.machines:
        used = sum(result.replicas[k] for k, st in enumerate(result.assignment)
                   if data.machine_types and any(data.machine_types[i] == kind for i in st))
        if used > count:
            errors.append(f"{used} workplaces use {kind} machines, the line has {count}")
    for i, j in data.must_share:
        if pos[i] != pos[j]:
            errors.append(f"tasks {data.labels[i]} and {data.labels[j]} must share a station")
    for i, j in data.must_not_share:
        if pos[i] == pos[j]:
            errors.append(f"tasks {data.labels[i]} and {data.labels[j]} must not share")
    everyone = [name for crew in teams for name in crew]
    if len(set(everyone)) != len(everyone):
        errors.append("an operator works at two stations")
    return errors
