"""Between the planner's rows and the line-balancing engine (``jinxiu.engines.linebal``).

``plan_problem`` turns a plan's style, line and operators into ``ProblemData``;
``result_to_json`` stores the engine's ``Result``; ``evaluate`` computes the figures and the
warnings of any assignment — the engine's or one an engineer has edited by hand.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from jinxiu.apps.production.machine_types import machine_types
from jinxiu.apps.production.models import BalancePlan, Operation
from jinxiu.apps.production.routing import PieceRoute, piece_route, routes_freely
from jinxiu.engines.linebal import Operator as EngineOperator
from jinxiu.engines.linebal import ProblemData, ProblemError, Result, SolveParams, chains
from jinxiu.engines.linebal.problem import crew_cap, crew_time, effective_time

SCALE = 100  # engine time units per second (1/100 s)


def solve_params() -> SolveParams:
    """The engine's settings for a balancing job: CP-SAT (every bulletin with machine types,
    zoning or named operators) on every core, and for plain bulletins BB&R's two directions
    in two threads — a job has the worker's machine to itself, as the cutting planner's
    nesting does. Twelve Scholl graphs with random machine types, SALBP-2 at n / 2.5
    stations, 10 s each (2026-11-28, one after the other): 9 proven in 23.3 s with two
    workers against 8 in 32.6 s with one (TONGE70 proven in 1.2 s; WEE-MAG 58 against 71).

    Two CP-SAT workers even on one core: with one, a line with few machines of a type and
    duplicate workplaces got no plan (TONGE70, four types, c = 100, 12 overlock machines:
    none in 20 s), with two sharing the core 40 workplaces; over the 40 cases of
    ``bench/linebal/machine_types.py`` on one core, 27 proven either way (2026-11-29)."""
    cores = os.cpu_count() or 1
    return SolveParams(workers=max(2, cores), threads=min(2, cores))


def fewest_workplaces(data: ProblemData, result: Result, *, seconds: float) -> Result:
    """A highest-output plan with no more operators than its output needs. The engine's
    SALBP-2 plan holds at most the stations it was given, and may use more than its cycle
    needs: two runs of one bulletin gave 18 and 17 workplaces at 62 s, so efficiency
    moved between runs. SALBP-1 at the plan's cycle, for ``seconds`` at most, takes its
    place where it needs fewer workplaces; the cycle, and whether it is proven, stay."""
    from jinxiu.engines.common import MaxRuntime
    from jinxiu.engines.linebal import solve
    from jinxiu.engines.linebal.result import make_result

    if data.stations is None or data.operators or not result.assignment:
        return result
    try:
        fewer = solve(data.with_cycle_time(result.cycle_time), stop=MaxRuntime(seconds),
                      seed=0, params=solve_params())
    except ProblemError:  # not expected (the plan in hand keeps every rule): keep it
        return result
    if not fewer.assignment or fewer.stations >= result.stations:
        return result
    better = make_result(data, fewer.assignment, cycle_time=None,
                         lower_bound=result.lower_bound, replicas=fewer.replicas,
                         proven=result.proven_optimal, stop_reason=result.stop_reason,
                         runtime_s=result.runtime_s + fewer.runtime_s)
    return better if better.cycle_time <= result.cycle_time else result


class PlanInputError(ValueError):
    """The bulletin, line or plan cannot be balanced as they stand; the message says why."""


def _units(seconds: Decimal) -> int:
    return max(1, int((Decimal(seconds) * SCALE).to_integral_value()))


def plan_operations(plan: BalancePlan) -> list[Operation]:
    return list(plan.style.operations.order_by("sequence", "code"))


def bulletin_signature(ops: list[Operation]) -> list[tuple]:
    """What the engine's input takes from each operation: equal signatures, equal input."""
    return [(op.pk, op.code, op.standard_seconds, op.machine_type, list(op.predecessors),
             op.zone) for op in ops]


def plan_inputs(plan: BalancePlan, ops: list[Operation], people: list | None = None,
                *, legacy: bool = False) -> str:
    """A digest of what a run of ``plan`` balances: the bulletin (``bulletin_signature``),
    the objective with its target, duplicate workplaces, the line's machines and, with
    skills, the line's active operators and their speeds (``people``: ``plan_operators``,
    where the caller has them). Stored with the result; when it no longer matches, the
    plan was balanced for something else (``Evaluation.stale``).

    ``legacy``: the digest as plans stored before 2026-11-29 have it, with each operator's
    skills as typed (listing "熨烫 1", her speed already, changed it) and, for the highest
    output at standard times, every operator's skills where only their number counts; a
    plan is not stale for that difference alone."""
    state = _input_state(plan, ops, people, legacy=legacy)
    if state[-1] is None:  # only on a hanging line: the digests of plans in order stay
        state = state[:-1]
    return _digest(state)


def _digest(state) -> str:
    return hashlib.sha256(json.dumps(state, default=str).encode()).hexdigest()[:20]


def _input_state(plan: BalancePlan, ops: list[Operation], people: list | None, *,
                 legacy: bool = False) -> list:
    """What ``plan_inputs`` digests, in its order, the routing last ("free" or None)."""
    people = plan_operators(plan) if people is None else people
    if plan.use_operator_skills:
        people = sorted((p.pk, sorted((p.skills if legacy else _speeds(p)).items()))
                        for p in people)
    elif plan.mode == BalancePlan.Mode.MAX_OUTPUT and not plan.station_count:
        people = sorted((p.pk, sorted(p.skills.items())) for p in people) if legacy \
            else len(people)
    else:
        people = []
    signature = bulletin_signature(ops)
    free = routes_freely(plan)
    if free:  # a hanging line's run does not see the predecessors: editing them changes nothing
        signature = [(*row[:4], [], *row[5:]) for row in signature]
    # with skills, duplicate workplaces mean crews since 2026-11-30 (before, they were
    # ignored): such plans' older results, and their proofs, were for one operator each
    split = "crews" if plan.use_operator_skills and plan.allow_split else plan.allow_split
    return [signature, plan.mode, plan_cycle_seconds(plan), plan.station_count,
            plan.use_operator_skills, split,
            sorted((plan.line.machines or {}).items()) if plan.line_id else [], people,
            "free" if free else None]


# the parts of a plan's inputs whose change the stale notice names: (key, the places in
# ``_input_state``)
INPUT_PARTS = (("target", (1, 2, 3)), ("settings", (4, 5)), ("machines", (6,)),
               ("routing", (8,)))


def plan_input_parts(plan: BalancePlan, ops: list[Operation], people: list | None = None
                     ) -> dict[str, str | None]:
    """A digest per part of what a run balances (``INPUT_PARTS``, and the bulletin apart
    from its order of operations, and that order: None on a hanging line, whose runs do
    not see it), kept with the result so that a stale plan's notice can say what
    changed."""
    state = _input_state(plan, ops, people)
    rows = bulletin_signature(ops)
    parts = {"bulletin": _digest([(*row[:4], [], *row[5:]) for row in rows]),
             "order": None if routes_freely(plan) else _digest(sorted(
                 (pred, row[1]) for row in rows for pred in row[4])),
             **{key: _digest([state[i] for i in places]) for key, places in INPUT_PARTS}}
    # the operators as the plan uses them: their speeds with skills, their number for the
    # highest output at standard times, none otherwise; named only where both runs use them
    # the same way (a plan switched to skills says its settings changed, not its operators)
    kind = "skills" if plan.use_operator_skills else "count" if state[7] else None
    parts["operators"] = kind and f"{kind}:{_digest(state[7])}"
    return parts


def _comparable(before: str | None, after: str | None) -> bool:
    """Whether two digests of a part say something when they differ: both there (a hanging
    line's run has no order), of the same kind (operators by speed or by number)."""
    def kind(digest: str) -> str:
        return digest.split(":")[0] if ":" in digest else ""

    return None not in (before, after) and kind(before) == kind(after)


def _part_labels() -> dict[str, str]:
    return {"bulletin": _("the bulletin"), "order": _("the order of operations"),
            "target": _("the cycle time or the number of operators"),
            "settings": _("the plan's settings"), "machines": _("the line's machines"),
            "operators": _("the line's operators"), "routing": _("the line's routing")}


@dataclass
class BulletinChains:
    """What the bulletin's machine types and zones alone ask of any line (机种切换): at
    least ``stations`` stations, whatever the cycle time (``chain``: operation codes in
    line order, see ``engines.linebal.chains``), and per machine type the stations its
    operations need at least (``per_type``: (type label, count, codes), the most first,
    only types that need two or more; universal types, done beside any machine, left
    out)."""

    stations: int
    chain: list[str]
    per_type: list[tuple[str, int, list[str]]]


def _zone_pairs(ops: list[Operation]) -> tuple[tuple[int, int], ...]:
    """Must-share pairs of operation indices: each zone's first operation with the rest."""
    zones: dict[str, list[int]] = {}
    for i, op in enumerate(ops):
        if op.zone:
            zones.setdefault(op.zone, []).append(i)
    return tuple((members[0], other) for members in zones.values() for other in members[1:])


def bulletin_chains(ops: list[Operation]) -> BulletinChains | None:
    """``BulletinChains`` of a style's operations, or None when they do not make an engine
    problem (predecessors in a cycle, a zone whose machine types clash …: the plan's run
    reports those). Unknown predecessors are left out."""
    if not ops:
        return None
    index = {op.code: i for i, op in enumerate(ops)}
    arcs = [(index[code], j) for j, op in enumerate(ops) for code in op.predecessors
            if code in index]
    times = tuple(max(1, _units(op.standard_seconds)) for op in ops)
    mt = machine_types()
    try:
        data = ProblemData(
            times=times,
            precedences=tuple(arcs), labels=tuple(op.code for op in ops),
            machine_types=tuple(op.machine_type or None for op in ops),
            compatible=mt.compatible, universal=mt.universal,
            must_share=_zone_pairs(ops),
            cycle_time=sum(times))
    except ProblemError:
        return None
    early, _, chain = chains.levels(data)
    per_type = []
    for kind in sorted({op.machine_type for op in ops if op.machine_type} - mt.universal):
        spread = chains.machine_chain(data, kind)
        if len(spread) > 1:
            per_type.append((-len(spread), spread[0], mt.label(kind),
                             [ops[i].code for i in spread]))
    per_type.sort()  # the most stations first, then the type met first along the line
    return BulletinChains(max(early), [ops[i].code for i in chain],
                          [(label, -count, codes) for count, _, label, codes in per_type])


def _speeds(operator) -> dict[str, float]:
    """Her speeds as a skills plan's digest holds them: ``efficiency()`` without the conveyor
    machines she tends at the standard 1, listed or not (so a digest stored before they were
    added stays valid), but with those she does not tend (0)."""
    listed = operator.skills if isinstance(operator.skills, dict) else {}
    conveyor = machine_types().conveyor
    speeds = {k: v for k, v in operator.efficiency().items() if k not in conveyor or v != 1.0}
    # "烘箱 0" (she does not tend it) differs from not listing it (she does, at 1)
    return {**speeds, **{k: 0.0 for k in conveyor if k in listed and not listed[k]}}


def roster_order(operator) -> tuple:
    """Operators as a line's roster lists them: by employee number (工号, "2" before "10"),
    those without one after, then by name."""
    number = operator.employee_no or ""
    return (not number, int(number) if number.isdecimal() else math.inf, number,
            operator.name, operator.pk)


def plan_operators(plan: BalancePlan):
    if not plan.line_id:
        return []
    return sorted(plan.line.operators.filter(active=True), key=roster_order)


def plan_cycle_seconds(plan: BalancePlan) -> Decimal | None:
    if plan.mode != BalancePlan.Mode.MIN_STATIONS:
        return None
    return plan.cycle_seconds or (plan.line.takt_seconds if plan.line_id else None)


def station_workplaces(plan: BalancePlan, stations: list[list[Decimal]]) -> list[int]:
    """Parallel workplaces of stations holding operations of these times, by the engine's
    rule: the most any of its operations needs at the plan's cycle time (the takt, or the
    cycle the run reached when maximising output); 1 without duplicates."""
    cycle = plan_cycle_seconds(plan) or Decimal(str((plan.result or {}).get("cycle_seconds")
                                                    or 0))
    if not plan.allow_split or plan.use_operator_skills or not cycle:
        return [1] * len(stations)
    c = _units(cycle)
    return [max([1, *(-(-_units(t) // c) for t in seconds)]) for seconds in stations]


def plan_problem(plan: BalancePlan) -> tuple[ProblemData, list[Operation]]:
    """The engine's input for ``plan``; PlanInputError names what is wrong."""
    ops = plan_operations(plan)
    if not ops:
        raise PlanInputError(_("The style “%(style)s” has no operations.") % {"style": plan.style})
    index = {op.code: i for i, op in enumerate(ops)}
    precedences = []
    for j, op in enumerate(ops):
        for code in op.predecessors:
            if code not in index:
                raise PlanInputError(_("Operation %(op)s names an unknown predecessor “%(code)s”.")
                                     % {"op": op.code, "code": code})
            precedences.append((index[code], j))
    if routes_freely(plan):  # the hanging system brings the piece back: no order to keep
        precedences = []
    must_share = _zone_pairs(ops)
    mt = machine_types()
    kwargs = {}
    operators = ()
    if plan.use_operator_skills:
        if not plan.line_id:
            raise PlanInputError(_("The plan uses operators' skills but has no line: choose "
                                   "the line whose operators it balances."))
        people = plan_operators(plan)
        if not people:
            raise PlanInputError(_("The line “%(line)s” has no active operators.")
                                 % {"line": plan.line})
        names: dict[str, int] = {}
        for p in people:
            names[str(p)] = names.get(str(p), 0) + 1
        twins = sorted(name for name, count in names.items() if count > 1)
        if twins:  # the plan names each station's operator: it must tell them apart
            raise PlanInputError(_("Two active operators of the line are both called "
                                   "“%(name)s”; give them employee numbers.")
                                 % {"name": twins[0]})
        operators = tuple(EngineOperator(name=str(p), efficiency=p.efficiency()) for p in people)
    if plan.mode == BalancePlan.Mode.MIN_STATIONS:
        cycle = plan_cycle_seconds(plan)
        if not cycle:
            raise PlanInputError(_("Give a cycle time or a line."))
        kwargs["cycle_time"] = _units(cycle)
    else:
        count = plan.station_count or len(operators) or len(plan_operators(plan))
        if not count:
            raise PlanInputError(_("Give the number of operators, or add operators to the line."))
        kwargs["stations"] = count
    try:
        data = ProblemData(
            times=tuple(_units(op.standard_seconds) for op in ops),
            precedences=tuple(precedences),
            labels=tuple(op.code for op in ops),
            machine_types=tuple(op.machine_type or None for op in ops),
            compatible=mt.compatible,
            universal=mt.universal,
            must_share=must_share,
            # with skills, parallel workplaces are a crew of named operators (cpsat.py)
            allow_split=plan.allow_split,
            operators=operators,
            machines=tuple((plan.line.machines or {}).items()) if plan.line_id else (),
            time_scale=SCALE,
            name=str(plan.style),
            **kwargs,
        )
    except ProblemError as exc:
        raise PlanInputError(_problem_message(exc, ops, mt)) from exc
    return data, ops


def _split_label() -> str:
    """The setting that allows parallel workplaces, as the plan form names it."""
    return str(BalancePlan._meta.get_field("allow_split").verbose_name)


def _problem_message(exc: ProblemError, ops: list[Operation], mt) -> str:
    """The engine's refusal in the user's language, naming operations by their codes and
    times in seconds (the engine's message is English and in its integer units)."""
    code = [ops[i].code for i in exc.tasks]
    # 4050 units -> "40.5", never "1.23457e+06"
    seconds = {k: format((Decimal(v) / SCALE).normalize(), "f") for k, v in exc.values.items()
               if k in ("time", "cycle", "capacity")}
    if exc.reason == "cycle":
        return _("The predecessors form a cycle: %(path)s.") % {"path": " → ".join(code)}
    if exc.reason == "too_long":
        return _("Operation %(op)s takes %(time)s s, longer than the cycle time of %(cycle)s s: "
                 "allow duplicate workplaces or raise the cycle time.") % {"op": code[0], **seconds}
    if exc.reason == "too_long_skills":
        return _("Operation %(op)s takes %(time)s s even for the fastest active operator who "
                 "runs it, longer than the cycle time of %(cycle)s s: tick “%(setting)s” to "
                 "let operators share it, raise the cycle time or give the skill to a faster "
                 "operator.") % {"op": code[0], "setting": _split_label(), **seconds}
    if exc.reason == "too_long_crew":
        return _("Operation %(op)s takes %(time)s s even for the fastest active operator who "
                 "runs it, and all %(operators)d who run it, sharing it, cannot keep the cycle "
                 "time of %(cycle)s s: raise the cycle time or give the skill to more "
                 "operators.") % {"op": code[0], "operators": exc.values["operators"],
                                  **seconds}
    if exc.reason == "operator_load":
        return _("With each operation at its fastest active operator the bulletin takes "
                 "%(time)s s per piece, but the line's %(operators)d active operators can do "
                 "at most %(capacity)s s at a cycle time of %(cycle)s s: about %(need)d "
                 "operators are needed.") % {**exc.values, **seconds}
    if exc.reason == "few_operators":
        return _("The plan asks for %(stations)d operators, but the line has %(operators)d "
                 "active ones.") % exc.values
    if exc.reason == "zone_types":
        a, b = (ops[i] for i in exc.tasks)
        return _("Operations %(a)s (%(ta)s) and %(b)s (%(tb)s) share a zone, but their machine "
                 "types cannot share a station.") % {
            "a": a.code, "ta": mt.label(a.machine_type), "b": b.code,
            "tb": mt.label(b.machine_type)}
    if exc.reason == "zone_path":
        return _("Operation %(op)s lies between operations of the zone of %(other)s, so it would "
                 "have to join them: put it in that zone or change the zone.") % {
            "op": code[0], "other": code[1]}
    if exc.reason == "zone_load":
        return _("Operations %(ops)s share a zone and take %(time)s s together, more than the "
                 "cycle time of %(cycle)s s.") % {"ops": ", ".join(code), **seconds}
    if exc.reason == "no_operator":
        return _("No active operator of the line can run %(machine)s (operation %(op)s).") % {
            "machine": mt.label(ops[exc.tasks[0]].machine_type), "op": code[0]}
    if exc.reason == "machines":
        return _("Operation %(op)s needs %(need)d %(machine)s workplace(s), but the line has "
                 "%(count)d such machines.") % {
            "op": code[0], "machine": mt.label(ops[exc.tasks[0]].machine_type), **exc.values}
    if exc.reason == "machine_load":
        return _("The %(machine)s operations (%(ops)s) take %(time)s s per piece, but the line's "
                 "%(count)d such machine(s) can do at most %(capacity)s s at a cycle time of "
                 "%(cycle)s s.") % {
            "machine": mt.label(ops[exc.tasks[0]].machine_type), "ops": ", ".join(code),
            "count": exc.values["count"], **seconds}
    if exc.reason == "type_chain" and "operators" in exc.values:  # the line's, with skills
        return _("Operations %(ops)s follow one another, and %(steps)d times along them the "
                 "next cannot share a station with the one before (their machine types): "
                 "they need at least %(need)d operators, but the line has %(operators)d "
                 "active ones.") % {
            "ops": " → ".join(code), "steps": exc.values["need"] - 1, **exc.values}
    if exc.reason == "type_chain":
        return _("Operations %(ops)s follow one another, and %(steps)d times along them the "
                 "next cannot share a station with the one before (their machine types): "
                 "they need at least %(need)d operators, but the plan has %(stations)d.") % {
            "ops": " → ".join(code), "steps": exc.values["need"] - 1, **exc.values}
    if exc.reason in ("machine_chain", "skill_chain"):
        values = {"machine": mt.label(ops[exc.tasks[0]].machine_type), "ops": ", ".join(code),
                  **exc.values}
        if exc.reason == "machine_chain":
            return _("The %(machine)s operations %(ops)s lie along one path, and machine types "
                     "keep each at a later station than the one before (a piece passes each "
                     "station once, in line order): they need %(need)d %(machine)s machines, "
                     "but the line has %(count)d. Give the line more of them, or take "
                     "%(machine)s off the line's machine list.") % values
        return _("The %(machine)s operations %(ops)s lie along one path, and machine types "
                 "keep each at a later station than the one before (a piece passes each "
                 "station once, in line order): they need %(need)d operators who run "
                 "%(machine)s, but the line has %(count)d. Add %(machine)s to another "
                 "operator's skills.") % values
    return str(exc)


def result_to_json(result: Result, ops: list[Operation], people=()) -> dict:
    """The engine's result as a plan stores it. A station's operator is kept by id (her
    record: she stays at her station when her name or number changes) and by the name the
    engine had (``people``: the operators the problem was made of, by ``str``); the rest of
    a crew sharing a long operation as its ``helpers``, one per further workplace."""
    ids = {str(p): p.pk for p in people}

    def station(k: int, tasks) -> dict:
        item = {"operations": [ops[i].pk for i in tasks],
                "replicas": result.replicas[k] if result.replicas else 1,
                "operator": result.operators[k] if result.operators else "",
                "operator_id": ids.get(result.operators[k]) if result.operators else None}
        crew = result.crews[k][1:] if result.crews else ()
        if crew:
            item["helpers"] = [{"operator": name, "operator_id": ids.get(name)}
                               for name in crew]
        return item

    return {
        "kind": result.kind,
        "stations": [station(k, tasks) for k, tasks in enumerate(result.assignment)],
        "cycle_seconds": result.cycle_time / SCALE,
        "lower_bound": result.lower_bound / SCALE if result.kind == "SALBP-2"
        else result.lower_bound,
        "proven_optimal": result.proven_optimal,
        "runtime_s": round(result.runtime_s, 3),
        "stop_reason": str(result.stop_reason),
        "engine_stations": result.stations,
    }


@dataclass
class StationView:
    number: int
    operations: list[dict]
    replicas: int
    operator: str  # her name as it is now (as stored, where she is no longer on the line)
    operator_id: int | None = None  # her record, while she is an active operator of the line
    # the operators of the station's other parallel workplaces (seats 1 … replicas − 1),
    # as (name, id) like ``operator`` / ``operator_id``; ("", None) where none is placed
    helpers: list[tuple[str, int | None]] = field(default_factory=list)
    load: float = 0.0  # seconds of work at this station, all workplaces together
    per_workplace: float = 0.0
    idle: float = 0.0
    warnings: list[str] = field(default_factory=list)

    @property
    def seats(self) -> list[tuple[int, str, int | None]]:
        """(seat, name, id) for each of the station's workplaces, seat 0 first."""
        return [(0, self.operator, self.operator_id),
                *((k, name, pk) for k, (name, pk) in enumerate(self.helpers, start=1))]

    @property
    def names(self) -> str:
        """Everyone at the station, as a layout prints them: "陈红、王芳"."""
        return "、".join(name for _seat, name, _pk in self.seats if name)


@dataclass
class Evaluation:
    stations: list[StationView]
    cycle_seconds: float | None  # the target (takt) for a fewest-operators plan
    bottleneck_seconds: float
    workplaces: int
    total_seconds: float
    balance_efficiency: float  # Σ t / (workplaces × bottleneck)
    smoothness_index: float
    bottleneck: int | None
    output_per_hour: float
    warnings: list[str]
    # operations in no station: added to the bulletin after the run (the planner offers
    # them a station)
    unassigned: list[dict] = field(default_factory=list)
    # the bulletin, the line or the plan's settings changed since the run (``plan_inputs``)
    stale: bool = False
    # the line's active operators (``plan_operators``): who may be placed at a station
    operators: list = field(default_factory=list)
    # the warnings about the whole plan, not about one station (the printed layout shows
    # the stations' own warnings on the stations)
    plan_warnings: list[str] = field(default_factory=list)
    # what holds a highest-output plan's cycle where it is, when it is not the plain
    # average (``cycle_notes``): one long operation, too few machines of a type
    notes: list[str] = field(default_factory=list)
    # the plan's line: its takt at the target output, the target, and the pieces a day at
    # the bottleneck over the line's working minutes (None without a line)
    takt_seconds: float | None = None
    target_per_day: int | None = None
    output_per_day: int | None = None
    unit: str = ""  # what the line counts its output in, as words: 件 / 双 / 套 (pieces …)
    route: PieceRoute | None = None  # on a hanging line routed freely: a piece's route
    order: dict[int, int] = field(default_factory=dict)  # operation id → place in the bulletin

    @property
    def ok(self) -> bool:
        return not self.warnings

    @property
    def bulletin_smv(self) -> float:
        """The bulletin's standard minutes (SMV), the operations at no station included."""
        seconds = sum(o["standard"] for v in self.stations for o in v.operations)
        return (seconds + sum(o["seconds"] for o in self.unassigned)) / 60


def seat_items(item: dict, replicas: int) -> list[dict]:
    """A stored station's seats: the station itself (seat 0: ``operator``,
    ``operator_id``), then its ``helpers``, one per further parallel workplace; a seat
    nobody was placed at is an empty dict."""
    helpers = list(item.get("helpers") or [])[:max(0, replicas - 1)]
    return [item, *helpers, *({} for _ in range(replicas - 1 - len(helpers)))]


def station_person(item: dict, people: list):
    """The active operator of the line at a stored station: by her id where the station
    has one, else by name (plans stored before they kept ids); None when she is no longer
    an active operator of the line, or the station has none."""
    if item.get("operator_id") is not None:
        return next((p for p in people if p.pk == item["operator_id"]), None)
    name = item.get("operator")
    return next((p for p in people if str(p) == name), None) if name else None


def _needs_crew(operation: dict, people: list, cycle: float) -> bool:
    """Whether an operation is one a crew may share, by the engine's rule (``crew_cap``):
    longer than the cycle at standard time, or for the fastest of the line's operators who
    runs it."""
    units = _units(Decimal(str(operation["standard"])))
    own = [effective_time(units, f) for p in people
           if (f := p.efficiency().get(operation["machine_type"]) or 0) > 0]
    return crew_cap(units, own or [units], _units(Decimal(str(cycle)))) > 1


def crew_pace(operations: list[dict], crew: list) -> float:
    """Seconds between pieces at a station whose crew shares them: each sews all its
    operations on her share, so together they finish one about every ``1 / Σ 1/W``, ``W``
    her own time for them (at standard time for someone no longer on the line, or without
    a rate for a machine); to the hundredth of a second as the engine counts it
    (``crew_time``: shares in whole 1/10 080 of the pieces)."""
    own = []
    for who in crew:
        speed = who.efficiency() if who is not None else {}
        own.append(sum(effective_time(_units(Decimal(str(o["standard"]))),
                                      speed.get(o["machine_type"]) or 1.0)
                       for o in operations))
    return crew_time(own) / SCALE


def evaluate(plan: BalancePlan, ops: list[Operation] | None = None) -> Evaluation | None:
    """Figures and warnings for the plan's current assignment (None before a run)."""
    if not plan.result:
        return None
    ops = ops if ops is not None else plan_operations(plan)
    by_pk = {op.pk: op for op in ops}
    people = plan_operators(plan)
    mt = machine_types()
    stations: list[StationView] = []
    where: dict[str, int] = {}
    warnings: list[str] = []
    stored = plan.result.get("inputs")
    stale = stored is not None and stored != plan_inputs(plan, ops, people) \
        and stored != plan_inputs(plan, ops, people, legacy=True)
    parts = plan.result.get("input_parts") if stale else None  # (runs before 2026-11-30: none)
    now = plan_input_parts(plan, ops, people) if parts else {}
    changed = [label for key, label in _part_labels().items() if key in now
               and parts.get(key) != now[key] and _comparable(parts.get(key), now[key])]
    if parts and not changed:  # the same engine input (predecessors listed in another order)
        stale = False
    if changed:
        warnings.append(_("Changed after this plan was balanced: %(what)s. The figures are "
                          "for the bulletin as it is now; balance again for a plan made for "
                          "it.") % {"what": _(", ").join(changed)})
    elif stale:
        warnings.append(_("The bulletin, the line or the plan's settings changed after this "
                          "plan was balanced. The figures are for the bulletin as it is now; "
                          "balance again for a plan made for it."))
    placed: set[int] = set()
    for k, item in enumerate(plan.result["stations"]):
        person = station_person(item, people)
        view = StationView(k + 1, [], max(1, int(item.get("replicas", 1))),
                           str(person) if person else item.get("operator", ""),
                           person.pk if person else None)
        seated = [(person, view.operator)]
        for seat in seat_items(item, view.replicas)[1:]:
            helper = station_person(seat, people)
            view.helpers.append((str(helper) if helper else seat.get("operator", ""),
                                 helper.pk if helper else None))
            seated.append((helper, view.helpers[-1][0]))
        placed.update(p.pk for p, _name in seated if p is not None)
        # loads at her speeds where the plan uses them; what someone at the station cannot
        # run is said with skills, and without them of anyone whose skills are listed
        skills = person.efficiency() if person is not None and plan.use_operator_skills \
            else None
        checked = [(name, who.efficiency()) for who, name in seated
                   if who is not None and (plan.use_operator_skills or who.skills)]
        if plan.use_operator_skills and not view.operator:
            view.warnings.append(_("No operator is assigned; its load is at standard time."))
        for who, name in seated:
            if name and who is None:
                view.warnings.append(_("%(who)s is no longer an active operator of the line; "
                                       "the load is at standard time.") % {"who": name})
        for pk in item["operations"]:
            op = by_pk.get(pk)
            if op is None:
                continue  # the operation was deleted from the bulletin since
            seconds = float(op.standard_seconds)
            for name, runs in checked:
                if not runs.get(op.machine_type):
                    view.warnings.append(_("%(who)s has no skill for %(machine)s (%(op)s).")
                                         % {"who": name, "machine": mt.label(op.machine_type),
                                            "op": op.code})
            if skills is not None and skills.get(op.machine_type):
                seconds = seconds / skills[op.machine_type]
            view.operations.append({"pk": op.pk, "code": op.code, "name": op.name,
                                    "machine_type": op.machine_type,
                                    "machine": mt.label(op.machine_type),
                                    "seconds": round(seconds, 2),
                                    "standard": float(op.standard_seconds)})
            view.load += seconds
            where[op.code] = k
        if plan.use_operator_skills and view.replicas > 1 and view.operations:
            # the crew's pace counts those placed (all at standard time where nobody is)
            members = [who for who, name in seated if name]
            for seat, (_who, name) in enumerate(seated[1:], start=2):
                if not name and view.operator:
                    view.warnings.append(_("Workplace %(seat)d has no operator; the "
                                           "station's pace counts only those placed.")
                                         % {"seat": seat})
            view.load = view.replicas * crew_pace(
                view.operations, members or [None] * view.replicas)
        stations.append(view)
    if plan.use_operator_skills:
        free = [str(p) for p in people if p.pk not in placed]
        if free:
            warnings.append(_("At no station: %(names)s.") % {"names": ", ".join(free)})
    unassigned = [{"pk": op.pk, "code": op.code, "name": op.name,
                   "machine": mt.label(op.machine_type), "seconds": float(op.standard_seconds)}
                  for op in ops if op.code not in where]
    if unassigned:
        warnings.append(_("Not assigned: %(ops)s.")
                        % {"ops": ", ".join(op["code"] for op in unassigned)})
    cycle = plan_cycle_seconds(plan)
    cycle_f = float(cycle) if cycle else None
    for view in stations:
        view.per_workplace = view.load / view.replicas
        # each clashing pair of machine types once, however many operations each has
        types = list(dict.fromkeys(o["machine_type"] for o in view.operations))
        for a_i, a in enumerate(types):
            for b in types[a_i + 1:]:
                if not mt.can_share(a, b):
                    view.warnings.append(_("%(a)s and %(b)s cannot be run by one operator.")
                                         % {"a": mt.label(a), "b": mt.label(b)})
        if cycle_f and view.per_workplace > cycle_f + 1e-9:
            view.warnings.append(_("Load %(load).1f s is over the cycle time %(cycle).1f s.")
                                 % {"load": view.per_workplace, "cycle": cycle_f})
        if plan.use_operator_skills and view.replicas > 1 and cycle_f and not any(
                _needs_crew(o, people, cycle_f) for o in view.operations):
            view.warnings.append(_("A crew of %(n)d, but no operation here is longer than the "
                                   "cycle time even for the fastest operator who runs it: "
                                   "one of them can do it; the others may go elsewhere.")
                                 % {"n": view.replicas})
    have = (plan.line.machines or {}) if plan.line_id else {}
    for code, count in have.items():
        used = sum(v.replicas for v in stations
                   if any(o["machine_type"] == code for o in v.operations))
        if used > count:
            warnings.append(_("The plan uses %(used)d %(machine)s workplaces; the line has "
                              "%(count)d such machines.")
                            % {"used": used, "machine": mt.label(code), "count": count})
    free = routes_freely(plan)
    for op in ops if not free else ():
        for code in op.predecessors:
            if code in where and op.code in where and where[code] > where[op.code]:
                stations[where[op.code]].warnings.append(
                    _("%(op)s comes before its predecessor %(pred)s.")
                    % {"op": op.code, "pred": code})
    zones: dict[str, set[int]] = {}
    for op in ops:
        if op.zone and op.code in where:
            zones.setdefault(op.zone, set()).add(where[op.code])
    for zone, places in zones.items():
        if len(places) > 1:
            warnings.append(_("Zone “%(zone)s” is split over stations %(list)s.") % {
                "zone": zone, "list": ", ".join(str(p + 1) for p in sorted(places))})
    per_station = [_("Station %(n)d: %(warning)s") % {"n": view.number, "warning": w}
                   for view in stations for w in view.warnings]
    warnings.extend(per_station)
    workplaces = sum(v.replicas for v in stations)
    if plan.mode == BalancePlan.Mode.MAX_OUTPUT and plan.station_count and (
            workplaces > plan.station_count):
        warnings.append(_("The plan needs %(used)d operators; it was balanced for %(count)d.")
                        % {"used": workplaces, "count": plan.station_count})
    elif people and workplaces > len(people):
        warnings.append(_("The plan needs %(used)d operators; the line has %(count)d active "
                          "ones.") % {"used": workplaces, "count": len(people)})
    bottleneck_s = max((v.per_workplace for v in stations), default=0.0)
    total = sum(v.load for v in stations)
    pace = max(bottleneck_s, cycle_f or 0.0) if cycle_f else bottleneck_s
    for view in stations:
        view.idle = max(0.0, pace - view.per_workplace)
    efficiency = total / (workplaces * bottleneck_s) if workplaces and bottleneck_s else 0.0
    smoothness = math.sqrt(sum((bottleneck_s - v.per_workplace) ** 2 * v.replicas
                               for v in stations))
    bottleneck = max(range(len(stations)), key=lambda k: stations[k].per_workplace) \
        if stations else None
    return Evaluation(
        stations=stations, cycle_seconds=cycle_f, bottleneck_seconds=bottleneck_s,
        workplaces=workplaces, total_seconds=total, balance_efficiency=efficiency,
        smoothness_index=smoothness, bottleneck=bottleneck,
        output_per_hour=3600 / bottleneck_s if bottleneck_s else 0.0, warnings=warnings,
        unassigned=unassigned, stale=stale, operators=people,
        notes=[] if warnings else cycle_notes(
            plan, ops, bottleneck_s, workplaces, plan.station_count or len(people)),
        plan_warnings=[w for w in warnings if w not in set(per_station)],
        takt_seconds=float(plan.line.takt_seconds) if plan.line_id else None,
        target_per_day=plan.line.target_output if plan.line_id else None,
        unit=str(plan.line.get_output_unit_display()) if plan.line_id else "",
        route=piece_route(ops, where, [v.replicas for v in stations]) if free else None,
        order={op.pk: i for i, op in enumerate(ops)},
        output_per_day=math.floor(plan.line.shift_minutes * 60 / bottleneck_s + 1e-9)
        if plan.line_id and bottleneck_s else None)


def cycle_notes(plan: BalancePlan, ops: list[Operation], bottleneck_s: float,
                workplaces: int, operators: int) -> list[str]:
    """Why a highest-output plan at standard times cannot have a shorter cycle, where the
    reason is not just the work spread evenly over its ``operators``: an operation that one
    operator must do whole (splitting off), or the line's few machines of one type. Asked
    only of a plan that keeps every rule (``evaluate`` passes none with a warning), so
    that each limit is a floor under its bottleneck; said only when the bottleneck is at
    that floor; and then, when the plan leaves operators out, that more would not help."""
    if (plan.mode != BalancePlan.Mode.MAX_OUTPUT or plan.use_operator_skills
            or not operators or not ops or not bottleneck_s):
        return []
    mt = machine_types()
    work: dict[str, float] = {}
    for op in ops:
        work[op.machine_type] = work.get(op.machine_type, 0.0) + float(op.standard_seconds)
    limits: list[tuple[float, str | None]] = [(sum(work.values()) / operators, None)]
    longest = max(ops, key=lambda o: o.standard_seconds)
    if not plan.allow_split:
        limits.append((float(longest.standard_seconds), "op"))
    machines = (plan.line.machines or {}) if plan.line_id else {}
    limits += [(work[code] / count, code) for code, count in machines.items()
               if count and work.get(code)]
    notes = []
    for k, (limit, what) in enumerate(limits):
        if what is None or abs(bottleneck_s - limit) > 1e-6 or limit <= limits[0][0] + 1e-6:
            continue  # the even spread, or not the limit the plan stands at
        if what == "op":
            notes.append(_(
                "Operation %(op)s takes %(seconds).1f s and one operator does it whole, so "
                "no plan has a shorter cycle. Ticking “%(setting)s” would run it at "
                "parallel workplaces.") % {
                    "op": longest.code, "seconds": limit,
                    "setting": _split_label()})
            continue
        values = {"count": machines[what], "machine": mt.label(what), "seconds": work[what],
                  "limit": limit}
        if all(other < limit - 1e-6 for j, (other, _w) in enumerate(limits) if j != k):
            notes.append(_("The line's %(count)d %(machine)s machine(s) share %(seconds).1f "
                           "s of work, so the cycle cannot go below %(limit).1f s. More of "
                           "them would shorten it.") % values)
        else:  # another limit stands at the same value: more machines alone would not do
            notes.append(_("The line's %(count)d %(machine)s machine(s) share %(seconds).1f "
                           "s of work, so the cycle cannot go below %(limit).1f s.") % values)
    if notes and workplaces < operators:
        notes.append(_("%(used)d of the %(count)d operators are enough for this cycle; the "
                       "others would not make the line faster.")
                     % {"used": workplaces, "count": operators})
    return notes


# twenty colours for the machines of the plans shown (a shoe upper uses a dozen types, two
# compared plans more), and fixed greys for the types every station may hold
PALETTE = ["#5470c6", "#91cc75", "#fac858", "#ee6666", "#73c0de", "#3ba272", "#fc8452",
           "#9a60b4", "#ea7ccc", "#8c564b", "#17becf", "#bcbd22", "#1f4e79", "#d62728",
           "#e377c2", "#6b8e23", "#ff9896", "#b8860b", "#2f4554", "#c5b0d5"]
GREYS = {"manual": "#b0b0b0", "iron": "#7f7f7f"}


def plan_machines(*evaluations: Evaluation | None) -> list[str]:
    """The machine types of these plans' operations, in the machine-type list's order."""
    used = {op["machine_type"] for e in evaluations if e is not None for v in e.stations
            for op in v.operations}
    known = [code for code in machine_types().labels if code in used]
    return known + sorted(code for code in used - set(known) if code)


def machine_colors(codes: list[str]) -> dict[str, str]:
    """A colour per machine type: hand work and pressing in fixed greys, the other types
    of the plans shown in turn from the palette (not by place in the whole list, where
    garment and shoe machines together would give two types of one plan one colour)."""
    machines = [code for code in codes if code not in GREYS]
    return {code: GREYS.get(code) or PALETTE[machines.index(code) % len(PALETTE)]
            for code in codes}


def chart_legend(colors: dict[str, str]) -> list[tuple[str, str]]:
    """(machine type's name in the page's language, colour) for the chart's key."""
    mt = machine_types()
    return [(mt.label(code), color) for code, color in colors.items()]


def yamazumi_chart(evaluation: Evaluation, y_max: float | None = None,
                   colors: dict[str, str] | None = None) -> dict:
    """An ECharts option: stacked operation times per station against the cycle time (the
    target of a fewest-operators plan, else the bottleneck's) and, where the plan has a line
    with another takt, that takt too. ``y_max``: a common scale for plans side by side;
    ``colors``: the machine types' colours (``machine_colors``; by default those of this
    plan's types)."""
    if colors is None:
        colors = machine_colors(plan_machines(evaluation))
    depth = max((len(v.operations) for v in evaluation.stations), default=0)
    categories = [_("S%(n)d") % {"n": v.number} + (f"×{v.replicas}" if v.replicas > 1 else "")
                  for v in evaluation.stations]
    series = []
    for layer in range(depth):
        data = []
        for v in evaluation.stations:
            if layer < len(v.operations):
                op = v.operations[layer]
                # each operation's part of the station's time per piece (a crew's pace)
                total = sum(o["seconds"] for o in v.operations)
                data.append({"value": round(op["seconds"] * v.per_workplace / total, 2)
                             if total else 0,
                             "name": f"{op['code']} {op['name']} ({op['machine']})",
                             "itemStyle": {"color": colors.get(op["machine_type"], "#999")}})
            else:
                data.append(None)
        series.append({"type": "bar", "stack": "load", "data": data, "barMaxWidth": 42,
                       "label": {"show": False}, "emphasis": {"focus": "self"}})
    lines = []
    if evaluation.cycle_seconds:
        lines.append((evaluation.cycle_seconds, _("Cycle %(s).1f s"), "#c23531"))
    else:  # highest output: the cycle is the bottleneck's
        lines.append((evaluation.bottleneck_seconds, _("Cycle (bottleneck) %(s).1f s"),
                      "#c23531"))
    takt = evaluation.takt_seconds
    if takt and abs(takt - lines[0][0]) > 0.005:
        lines.append((takt, _("Takt %(s).1f s (target %(n)d %(unit)s a day)"), "#3ba272"))
    if series:
        series[0]["markLine"] = {"symbol": "none", "silent": True, "data": [
            {"yAxis": round(value, 2),
             "lineStyle": {"color": color, "type": "dashed"},
             "label": {"formatter": label % {"s": value, "n": evaluation.target_per_day or 0,
                                             "unit": evaluation.unit}}}
            for value, label, color in lines]}
    y_axis = {"type": "value", "name": _("seconds")}
    if y_max:
        y_axis["max"] = round(y_max, 2)
    return {
        "tooltip": {"trigger": "item"},
        "grid": {"left": 48, "right": 24, "top": 32, "bottom": 40, "containLabel": True},
        "xAxis": {"type": "category", "data": categories},
        "yAxis": y_axis,
        "series": series,
    }


def chart_scale(evaluations: list[Evaluation | None]) -> float | None:
    """One y-axis maximum for plans shown side by side: the highest load or line drawn,
    with a tenth on top, rounded up to a whole ten seconds."""
    tops = [max(e.bottleneck_seconds, e.cycle_seconds or 0, e.takt_seconds or 0)
            for e in evaluations if e is not None]
    return math.ceil(max(tops) * 1.1 / 10) * 10 if tops and max(tops) > 0 else None
