"""The result of a balancing run and the figures an industrial engineer reads off it."""

from __future__ import annotations

import math
from dataclasses import dataclass

from jinxiu.engines.common.result import ResultBase, StopReason
from jinxiu.engines.linebal.problem import ProblemData, effective_time


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


def station_loads(data: ProblemData, assignment, operators=None) -> list[int]:
    """Work content of each station (with named operators: the operator's own times)."""
    loads = []
    for k, st in enumerate(assignment):
        if operators:
            op = data.operators[operators[k]]
            loads.append(sum(effective_time(data.times[i], op.factor(
                data.machine_types[i] if data.machine_types else None)) for i in st))
        else:
            loads.append(sum(data.times[i] for i in st))
    return loads


def make_result(data: ProblemData, assignment, *, cycle_time: int | None, lower_bound: int,
                proven: bool, runtime_s: float, stop_reason: StopReason | str,
                replicas=None, operators=None, nodes: int = 0) -> Result:
    kind = data.kind
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
    loads = station_loads(data, assignment, operators)
    if cycle_time is None:  # SALBP-2: the cycle time the plan reaches
        cycle_time = max(math.ceil(load / r) for load, r in zip(loads, reps, strict=True))
    workplaces = sum(reps)
    idle = tuple(r * cycle_time - load for load, r in zip(loads, reps, strict=True))
    per_place = [load / r for load, r in zip(loads, reps, strict=True)]
    top = max(per_place)
    smooth = math.sqrt(sum((top - x) ** 2 * r for x, r in zip(per_place, reps, strict=True)))
    eff = sum(loads) / (workplaces * cycle_time)
    ops = tuple(data.operators[o].name for o in operators) if operators else ()
    labels = tuple(tuple(data.labels[i] for i in st) for st in assignment)
    return Result(runtime_s=runtime_s, stop_reason=StopReason(stop_reason), kind=kind,
                  assignment=assignment, stations=workplaces, cycle_time=cycle_time,
                  lower_bound=lower_bound, proven_optimal=proven, station_times=tuple(loads),
                  replicas=reps, operators=ops, idle_times=idle, balance_efficiency=eff,
                  smoothness_index=smooth, labels=labels, nodes=nodes)


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
    if any(name not in names for name in result.operators):
        return [*errors, "an operator of the plan is not among the named operators"]
    who = [names.index(name) for name in result.operators] if result.operators else None
    unable = []
    for k, st in enumerate(result.assignment if who else ()):
        op = data.operators[who[k]]
        for i in st:
            kind = data.machine_types[i] if data.machine_types else None
            if op.factor(kind) <= 0:
                unable.append(f"station {k + 1}: {op.name} cannot run {kind} "
                              f"(task {data.labels[i]})")
    if unable:
        return errors + unable  # her time for work she cannot do is undefined: no loads
    loads = station_loads(data, result.assignment, who)
    for k, load in enumerate(loads):
        if load > c * result.replicas[k]:
            errors.append(f"station {k + 1}: load {load} > {result.replicas[k]} x cycle {c}")
    if data.allow_split:
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
    if result.operators and len(set(result.operators)) != len(result.operators):
        errors.append("an operator works at two stations")
    return errors
