"""The priority-rule plan that starts CP-SAT on garment problems (machine types, zoning,
machine counts, named operators) in SALBP-2 and SALBP-1."""

import importlib
import re
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jinxiu.engines.common import MaxRuntime
from jinxiu.engines.linebal import ProblemData, check_solution, greedy, read_in2, solve
from jinxiu.engines.linebal.greedy import salbp1_plan, salbp2_plan
from jinxiu.engines.linebal.problem import Operator, ProblemError
from jinxiu.engines.linebal.result import make_result
from tests.engines.linebal.test_solve import small_dags

TYPES = ["lockstitch", "overlock", "iron", "coverstitch"]
GARMENT = {"universal": frozenset({"iron"}),
           "compatible": frozenset({frozenset({"lockstitch", "coverstitch"})})}


def _tonge(scholl, **kw):
    graph = read_in2(scholl / "TONGE70.IN2")
    return ProblemData(times=graph.times, precedences=graph.precedences, stations=24,
                       machine_types=tuple(TYPES[i % 4] for i in range(len(graph.times))),
                       **GARMENT, **kw)


def _as_result(data, plan):
    return make_result(data, plan, cycle_time=None, lower_bound=0, proven=False,
                       runtime_s=0.0, stop_reason="time_limit")


def test_tonge70_with_four_machine_types(scholl):
    data = _tonge(scholl)
    plan, cycle = salbp2_plan(data)[:2]
    assert cycle == 164 and len(plan) <= 24  # 156 is the optimum (CP-SAT proves it)
    assert check_solution(data, _as_result(data, plan)) == []
    # CP-SAT alone had 252 after 2 s; started from the rule's plan it proves 156
    res = solve(data, stop=MaxRuntime(5))
    assert res.cycle_time <= 164 and check_solution(data, res) == []


def test_machine_counts_are_respected(scholl):
    data = _tonge(scholl, machines={"overlock": 8})
    plan, cycle = salbp2_plan(data)[:2]
    assert check_solution(data, _as_result(data, plan)) == []
    assert sum(any(data.machine_types[i] == "overlock" for i in st) for st in plan) <= 8
    assert cycle > 164  # the overlock operations crowd onto eight stations


def test_when_cp_sat_finds_nothing_the_rules_plan_is_returned(scholl, monkeypatch):
    from jinxiu.engines.linebal.cpsat import CpOutcome

    solve_module = importlib.import_module("jinxiu.engines.linebal.solve")
    monkeypatch.setattr(solve_module, "solve_cp", lambda *a, **kw: CpOutcome(
        None, None, None, None, 150, False, False))
    data = _tonge(scholl)
    res = solve(data, stop=MaxRuntime(5))
    assert res.cycle_time == 164 and res.lower_bound == 156 and not res.proven_optimal
    assert check_solution(data, res) == []
    # CP-SAT's bound (150 here, 0 when its presolve did not finish) never hides the
    # trivial ones: the longest operation (156) and Σt / m rounded up (147)
    monkeypatch.setattr(solve_module, "solve_cp", lambda *a, **kw: CpOutcome(
        None, None, None, None, 0, False, False))
    assert solve(data, stop=MaxRuntime(5)).lower_bound == 156


@st.composite
def garment_problems(draw):
    times, arcs = draw(small_dags(max_tasks=8))
    n = len(times)
    types = tuple(draw(st.sampled_from(TYPES)) for _ in range(n))
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    share = draw(st.lists(st.sampled_from(pairs), max_size=1)) if pairs else []
    apart = draw(st.lists(st.sampled_from(pairs), max_size=2)) if pairs else []
    machines = draw(st.sampled_from([{}, {"overlock": 1}, {"lockstitch": 2}, {"overlock": 4},
                                     {"lockstitch": 3, "overlock": 2}]))
    return dict(times=tuple(times), precedences=tuple(arcs), machine_types=types,
                must_share=tuple(share), must_not_share=tuple(apart), machines=machines,
                stations=draw(st.integers(1, n)), **GARMENT)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(garment_problems())
def test_every_plan_of_the_rule_keeps_the_garment_rules(problem):
    try:
        data = ProblemData(**problem)
    except ProblemError:
        return  # refused before any search (zoning against types, ...)
    found = salbp2_plan(data)
    if found is None:
        return
    plan, cycle = found[:2]
    res = _as_result(data, plan)
    assert res.cycle_time == cycle and len(plan) <= data.stations
    assert check_solution(data, res) == []
    assert sorted(i for st in plan for i in st) == list(range(data.num_tasks))


def test_salbp1_tonge70_with_four_machine_types(scholl):
    graph = read_in2(scholl / "TONGE70.IN2")
    data = ProblemData(times=graph.times, precedences=graph.precedences, cycle_time=156,
                       machine_types=tuple(TYPES[i % 4] for i in range(len(graph.times))),
                       **GARMENT)
    plan, cycle, replicas, operators = salbp1_plan(data)[:4]
    assert cycle == 156 and replicas == [1] * len(plan) and operators is None
    res = make_result(data, plan, cycle_time=156, lower_bound=0, proven=False, runtime_s=0.0,
                      stop_reason="time_limit")
    assert check_solution(data, res) == []
    # CP-SAT alone (70 stations' worth of variables) had no plan after 2 s and 25
    # stations after 10 s; started from the rules' plan it proves 24
    best = solve(data, stop=MaxRuntime(10))
    assert best.stations == 24 and best.proven_optimal and check_solution(data, best) == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(garment_problems(), st.integers(0, 3), st.booleans())
def test_every_salbp1_plan_of_the_rules_keeps_the_rules(problem, extra, allow_split):
    problem = {**problem, "stations": None, "allow_split": allow_split,
               "cycle_time": max(problem["times"]) // (2 if allow_split else 1) + extra}
    try:
        data = ProblemData(**problem)
    except ProblemError:
        return
    found = salbp1_plan(data)
    if found is None:
        return
    plan, _, replicas, _ = found[:4]
    res = make_result(data, plan, cycle_time=data.cycle_time, lower_bound=0, proven=False,
                      runtime_s=0.0, stop_reason="time_limit", replicas=replicas)
    assert check_solution(data, res) == []
    assert sorted(i for st in plan for i in st) == list(range(data.num_tasks))


# --- named operators (操作工): each station one operator, her own times ---------------

def _team(count, seed=1):
    """``count`` operators, each running two of the three sewing types (efficiency
    0.8-1.2) and the iron."""
    import random

    rng = random.Random(seed)
    team = []
    for k in range(count):
        skills = rng.sample(["lockstitch", "overlock", "coverstitch"], 2)
        eff = {kind: round(rng.uniform(0.8, 1.2), 2) for kind in skills}
        team.append(Operator(name=f"op{k}", efficiency={**eff, "iron": 1.0}))
    return tuple(team)


def _named_result(data, start):
    return make_result(data, start.plan, cycle_time=data.cycle_time, lower_bound=0,
                       proven=False, runtime_s=0.0, stop_reason="time_limit",
                       replicas=start.replicas, operators=start.operators)


def test_tonge70_with_24_named_operators(scholl):
    data = _tonge(scholl, operators=_team(24))
    start = salbp2_plan(data)
    assert start.cycle == 156 and len(start.plan) <= 24
    assert len(set(start.operators)) == len(start.plan)
    res = _named_result(data, start)
    assert res.cycle_time == 156 and check_solution(data, res) == []
    # CP-SAT alone had no plan after 2 s and 245 after 5 s; from the rules' plan, whose
    # cycle is the bound Σt / 24 rounded up, it proves 156 at once
    best = solve(data, stop=MaxRuntime(5))
    assert best.cycle_time == 156 and best.proven_optimal and check_solution(data, best) == []


def test_salbp1_tonge70_with_30_named_operators(scholl):
    graph = read_in2(scholl / "TONGE70.IN2")
    data = ProblemData(times=graph.times, precedences=graph.precedences, cycle_time=160,
                       machine_types=tuple(TYPES[i % 4] for i in range(len(graph.times))),
                       operators=_team(30), **GARMENT)
    start = salbp1_plan(data)
    assert len(start.plan) == 23 and start.cycle == 160
    assert check_solution(data, _named_result(data, start)) == []
    # CP-SAT alone had no plan after 2 s (and 5 s); from the rules' plan it has one at once
    best = solve(data, stop=MaxRuntime(2))
    assert best.stations <= 23 and check_solution(data, best) == []


def test_past_the_deadline_the_operator_rules_give_up(scholl):
    graph = read_in2(scholl / "TONGE70.IN2")
    data = ProblemData(times=graph.times, precedences=graph.precedences, cycle_time=160,
                       machine_types=tuple(TYPES[i % 4] for i in range(len(graph.times))),
                       operators=_team(30), **GARMENT)
    assert salbp1_plan(data, until=0.0) is None
    # SALBP-2: only the standard-time plans with matched operators are left
    data2 = _tonge(scholl, operators=_team(24))
    late = salbp2_plan(data2, until=0.0)
    assert late is None or (late.cycle >= 156 and check_solution(
        data2, _named_result(data2, late)) == [])


def test_bottleneck_matching_worked_example():
    # two stations: "a" (lockstitch 60) and "b" (overlock 50); Ann runs lockstitch at 1.2
    # (50 s) and overlock at 0.5 (100 s), Bo overlock at 1.0 (50 s) and lockstitch at 0.6
    # (100 s): Ann takes "a", Bo takes "b", cycle 50; the other way round it would be 100
    data = ProblemData(times=(60, 50), precedences=((0, 1),), stations=2,
                       machine_types=("lockstitch", "overlock"),
                       operators=(Operator("Bo", {"overlock": 1.0, "lockstitch": 0.6}),
                                  Operator("Ann", {"lockstitch": 1.2, "overlock": 0.5})))
    assert greedy._bottleneck(data, [[0], [1]]) == (50, [1, 0])
    assert greedy._match(greedy.operator_loads(data, [[0], [1]]), 49) is None
    # one station holding both: Ann needs 50 + 100, Bo 100 + 50
    assert greedy._bottleneck(data, [[0, 1]]) == (150, [0])
    start = salbp2_plan(data)
    assert (start.plan, start.cycle, start.operators) == ([[0], [1]], 50, [1, 0])


@st.composite
def named_problems(draw):
    problem = draw(garment_problems())
    n_ops = draw(st.integers(1, 5))
    kinds = ["lockstitch", "overlock", "coverstitch"]
    team = []
    for k in range(n_ops):
        runs = draw(st.lists(st.sampled_from(kinds), min_size=1, max_size=3, unique=True))
        eff = {kind: draw(st.sampled_from([0.5, 0.8, 1.0, 1.25])) for kind in runs}
        team.append(Operator(f"o{k}", {**eff, "iron": 1.0}))
    problem["operators"] = tuple(team)
    problem["stations"] = min(problem["stations"], n_ops)
    return problem


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(named_problems(), st.booleans(), st.integers(0, 20))
def test_every_plan_of_the_operator_rules_keeps_the_rules(problem, salbp1, extra):
    if salbp1:
        problem = {**problem, "stations": None, "cycle_time": max(problem["times"]) + extra}
    try:
        data = ProblemData(**problem)
    except ProblemError:
        return
    start = salbp1_plan(data) if salbp1 else salbp2_plan(data)
    if start is None:
        return
    res = _named_result(data, start)
    assert check_solution(data, res) == []
    assert sorted(i for st_ in start.plan for i in st_) == list(range(data.num_tasks))
    assert len(set(start.operators)) == len(start.plan) <= len(data.operators)
    assert res.cycle_time == start.cycle
    if not salbp1:
        assert len(start.plan) <= data.stations


def test_fastest_times_bound_the_named_problem():
    # Ann sews at 2.0 but overlocks at 0.5; Bo overlocks at 1.0. The best efficiency alone
    # (2.0) says 240 / (2 · 120) = 1 station; each operation at its fastest operator's
    # time says (50 + 100 + 40) / 120 -> 2
    team = (Operator("Ann", {"lockstitch": 2.0, "overlock": 0.5}),
            Operator("Bo", {"lockstitch": 1.0, "overlock": 1.0, "*": 0.8}))
    data = ProblemData(times=(100, 100, 40), precedences=((0, 1),), cycle_time=100,
                       machine_types=("lockstitch", "overlock", None), operators=team)
    data = replace(data, cycle_time=120)
    assert data.fastest_times() == [50, 100, 40]  # the untyped task: Ann's "*" is 1.0
    res = solve(data, stop=MaxRuntime(2))
    assert res.stations == 2 and res.lower_bound == 2 and res.proven_optimal
    data2 = replace(data, cycle_time=None, stations=2)
    best = solve(data2, stop=MaxRuntime(2))
    # Ann: lockstitch 50 + the untyped 40; Bo: overlock 100
    assert best.cycle_time == 100 and best.proven_optimal
    assert sorted(best.operators) == ["Ann", "Bo"]


def test_salbp1_split_with_machine_counts(scholl):
    # KILBRID at c = 30 with 6 overlock machines: its longest operations (up to 55 s) take
    # two workplaces, each at a machine of its type. CP-SAT alone found no plan in 10 s
    graph = read_in2(scholl / "KILBRID.IN2")
    data = ProblemData(times=graph.times, precedences=graph.precedences, cycle_time=30,
                       machine_types=tuple(TYPES[i % 4] for i in range(len(graph.times))),
                       allow_split=True, machines={"overlock": 6}, **GARMENT)
    start = salbp1_plan(data)
    assert sum(start.replicas) == 22 and max(start.replicas) == 2
    res = make_result(data, start.plan, cycle_time=30, lower_bound=0, proven=False,
                      runtime_s=0.0, stop_reason="time_limit", replicas=start.replicas)
    assert check_solution(data, res) == []
    best = solve(data, stop=MaxRuntime(2))
    assert best.stations <= 22 and check_solution(data, best) == []


def test_a_split_station_takes_a_machine_for_each_workplace():
    # at c = 30, O1 (50 s) takes two workplaces, each at an overlock machine; O2 and O3
    # (20 s each) cannot join it or each other: four machines are needed, not three
    def line(count):
        return ProblemData(times=(50, 20, 20), labels=("O1", "O2", "O3"),
                           machine_types=("overlock",) * 3, cycle_time=30, allow_split=True,
                           machines={"overlock": count})

    assert salbp1_plan(line(3)) is None
    start = salbp1_plan(line(4))
    assert sorted(zip(start.replicas, start.plan, strict=True)) == [(1, [1]), (1, [2]), (2, [0])]


@pytest.mark.parametrize("value", [1e17, 1e-30, 100.5, 0.005])
def test_efficiencies_far_outside_any_operator_are_refused(value):
    with pytest.raises(ProblemError, match=re.escape(
            f"operator 'Ann': efficiency {value!r} for 'lockstitch' is outside 0.01..100.0")):
        Operator("Ann", {"lockstitch": value})
    Operator("Ann", {"lockstitch": 0, "overlock": 100.0, "iron": 0.01})  # the ends are fine


def test_the_standard_cycles_to_try_are_few_and_distinct():
    data = ProblemData(times=(10, 20), stations=1, machine_types=("lockstitch", "overlock"),
                       operators=(Operator("A", {"lockstitch": 100.0, "overlock": 0.01}),))
    cycles = greedy._standard_cycles(data, 30)
    assert len(cycles) == len(set(cycles)) <= 200 and cycles == sorted(cycles, reverse=True)
    assert cycles[0] == 3000 and greedy._standard_cycles(replace(data, operators=()), 30) == []


def test_the_rules_plan_at_the_bound_is_proven_when_cp_sat_finds_nothing(monkeypatch):
    from jinxiu.engines.linebal.cpsat import CpOutcome

    solve_module = importlib.import_module("jinxiu.engines.linebal.solve")
    monkeypatch.setattr(solve_module, "solve_cp", lambda *a, **kw: CpOutcome(
        None, None, None, None, 0, False, False))
    data = ProblemData(times=(60, 50), precedences=((0, 1),), stations=2,
                       machine_types=("lockstitch", "overlock"),
                       operators=(Operator("Bo", {"overlock": 1.0, "lockstitch": 0.6}),
                                  Operator("Ann", {"lockstitch": 1.2, "overlock": 0.5})))
    res = solve(data, stop=MaxRuntime(2))  # the rules: 50, each operation's fastest: 50
    assert (res.cycle_time, res.lower_bound, res.proven_optimal) == (50, 50, True)
    assert res.stop_reason == "optimal" and res.operators == ("Ann", "Bo")


def test_a_slow_team_is_not_called_infeasible(monkeypatch):
    # one operator at 0.2: 200 s of work take her 1000 s. CP-SAT's cycle variable stopped
    # at 4 · Σt = 800 when the rules gave it no upper end, and "infeasible" came back
    monkeypatch.setattr(greedy, "salbp2_plan", lambda data, **kw: None)
    data = ProblemData(times=(100, 100), stations=1, machine_types=("lockstitch",) * 2,
                       operators=(Operator("Cy", {"lockstitch": 0.2}),))
    res = solve(data, stop=MaxRuntime(5))
    assert res.cycle_time == 1000 and res.proven_optimal


def test_the_checker_reports_work_an_operator_cannot_run():
    data = ProblemData(times=(60, 50), stations=2, machine_types=("lockstitch", "overlock"),
                       operators=(Operator("Bo", {"overlock": 1.0}),
                                  Operator("Ann", {"lockstitch": 1.2})))
    wrong = make_result(data, [[0], [1]], cycle_time=None, lower_bound=0, proven=False,
                        runtime_s=0.0, stop_reason="time_limit", operators=[1, 0])
    swapped = wrong.__class__(**{**{f: getattr(wrong, f) for f in wrong.__dataclass_fields__},
                                 "operators": ("Bo", "Ann")})
    assert check_solution(data, swapped) == [
        "station 1: Bo cannot run lockstitch (task 1)",
        "station 2: Ann cannot run overlock (task 2)"]
    assert check_solution(data, wrong) == []


def test_an_all_rounder_is_kept_for_later_stations():
    # "*" lets Al run anything; on equal work the specialists take their stations first
    data = ProblemData(times=(10, 10, 10), precedences=((0, 1), (1, 2)), cycle_time=10,
                       machine_types=("lockstitch", "overlock", "overlock"),
                       operators=(Operator("Al", {"*": 1.0}),
                                  Operator("Li", {"lockstitch": 1.0}),
                                  Operator("Ou", {"overlock": 1.0})))
    units = greedy.Units(data)
    assert [data.operators[o].name for o in units.op_order] == ["Li", "Ou", "Al"]
    plan, ops = greedy._fill(data, units, 10, units.rules["positional weight"], 3)
    assert plan == [[0], [1], [2]] and [data.operators[o].name for o in ops] == [
        "Li", "Ou", "Al"]
