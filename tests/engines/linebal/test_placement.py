"""Who sits where once the stations are fixed (``placement.py``): the Hungarian method
against every placement on small cases, and a worked example."""

from itertools import permutations

from hypothesis import given, settings
from hypothesis import strategies as st

from jinxiu.engines.common import MaxRuntime
from jinxiu.engines.linebal import Operator, ProblemData, check_solution, solve
from jinxiu.engines.linebal.greedy import bottleneck_match, operator_loads
from jinxiu.engines.linebal.placement import _assign, place_operators
from jinxiu.engines.linebal.result import make_result

INF = float("inf")


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 5).flatmap(lambda rows: st.tuples(
    st.just(rows), st.integers(rows, 6))).flatmap(lambda shape: st.lists(
        st.lists(st.one_of(st.integers(0, 50), st.just(INF)), min_size=shape[1],
                 max_size=shape[1]), min_size=shape[0], max_size=shape[0])))
def test_the_assignment_is_the_cheapest_of_all(cost):
    rows, cols = len(cost), len(cost[0])
    totals = [sum(cost[r][c] for r, c in enumerate(p)) for p in permutations(range(cols), rows)]
    best = min(totals)
    if best == INF:
        return  # no placement at all: the caller never asks (its own placement is open)
    chosen = _assign(cost)
    assert len(set(chosen)) == rows
    assert sum(cost[r][c] for r, c in enumerate(chosen)) == best


# Two stations: sewing (平车 60 + 40) and hand work (剪线头 30, 检验 30). 甲 sews at 1.25,
# 乙 at 0.8; both do hand work at 1. The engine may seat 甲 at the hand station: the cycle
# (乙 sewing: 125) is then worse than the best, or, at a given cycle of 125, the total
# working time is 125 + 60 = 185 against 80 + 60 = 140 with 甲 sewing.
TEAM = (Operator(name="甲", efficiency={"lockstitch": 1.25, "manual": 1.0}),
        Operator(name="乙", efficiency={"lockstitch": 0.8, "manual": 1.0}),
        Operator(name="丙", efficiency={"manual": 1.2}))
LINE = dict(times=(60, 40, 30, 30), precedences=((0, 1), (1, 2), (2, 3)),
            machine_types=("lockstitch", "lockstitch", "manual", "manual"), operators=TEAM,
            universal=frozenset({"manual"}))


def test_the_fastest_sewer_sews_and_the_cycle_is_kept():
    data = ProblemData(cycle_time=125, **LINE)
    stations = ((0, 1), (2, 3))
    seated = make_result(data, stations, cycle_time=125, lower_bound=2, proven=True,
                         runtime_s=0.0, stop_reason="optimal", operators=(1, 0))
    assert seated.station_times == (125, 60)
    placed = place_operators(data, seated)
    assert placed.operators == ("甲", "丙")  # 丙 is faster at hand work than 乙
    assert placed.station_times == (80, 50) and placed.cycle_time == 125
    assert placed.assignment == stations and placed.proven_optimal
    assert check_solution(data, placed) == []
    assert operator_loads(data, [(0, 1)]) == [[80, 125, None]]  # 丙 runs no lockstitch


def test_a_highest_output_plan_may_reach_a_shorter_cycle_and_never_a_longer_one():
    data = ProblemData(stations=2, **LINE)
    seated = make_result(data, ((0, 1), (2, 3)), cycle_time=None, lower_bound=80,
                         proven=False, runtime_s=0.0, stop_reason="time_limit",
                         operators=(1, 0))
    assert seated.cycle_time == 125
    placed = place_operators(data, seated)
    assert placed.cycle_time == 80 and placed.operators == ("甲", "丙")
    # already the best: the same result back
    assert place_operators(data, placed) is placed


def test_of_equal_totals_the_engines_placement_is_kept():
    twins = (Operator(name="甲", efficiency={"lockstitch": 1.0, "manual": 1.0}),
             Operator(name="乙", efficiency={"lockstitch": 1.0, "manual": 1.0}))
    data = ProblemData(cycle_time=100, **{**LINE, "operators": twins})
    seated = make_result(data, ((0, 1), (2, 3)), cycle_time=100, lower_bound=2, proven=True,
                         runtime_s=0.0, stop_reason="optimal", operators=(1, 0))
    assert place_operators(data, seated) is seated


def test_without_named_operators_nothing_changes():
    data = ProblemData(times=(3, 4), precedences=(), cycle_time=7)
    result = solve(data, stop=MaxRuntime(2))
    assert place_operators(data, result) is result


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 4).flatmap(lambda rows: st.tuples(
    st.just(rows), st.integers(rows, 5))).flatmap(lambda shape: st.lists(
        st.lists(st.one_of(st.integers(1, 30), st.none()), min_size=shape[1],
                 max_size=shape[1]), min_size=shape[0], max_size=shape[0])))
def test_the_least_bottleneck_first_then_the_least_total(times):
    """Against every placement: the least bottleneck (``greedy.bottleneck_match``, as
    ``place_operators`` takes it), then the least total at it, never above the bottleneck
    of a placement given (row k at column k, made open here)."""
    for k, row in enumerate(times):
        row[k] = row[k] or 30
    given_max = max(row[k] for k, row in enumerate(times))
    rows, cols = len(times), len(times[0])
    best = min((max(times[r][c] for r, c in enumerate(p)), sum(times[r][c] for r, c in
                                                              enumerate(p)))
               for p in permutations(range(cols), rows)
               if all(times[r][c] is not None for r, c in enumerate(p)))
    cap, _seats = bottleneck_match(times)
    assert cap == best[0] <= given_max
    cost = [[INF if t is None or t > cap else t for t in row] for row in times]
    chosen = _assign(cost)
    assert (max(times[r][c] for r, c in enumerate(chosen)),
            sum(times[r][c] for r, c in enumerate(chosen))) == best


def test_the_bottleneck_comes_before_the_total():
    """甲 sews fast and 乙 does hand work slowly: 甲 sewing and 乙 at hand work is the least
    total (50 + 80) but a bottleneck of 80; the engine's placement (乙 sewing 70, 甲 at
    hand work 70) holds the line at 70 and stays, though the cycle (100) would allow 80."""
    team = (Operator(name="甲", efficiency={"lockstitch": 1.4, "manual": 1.0}),
            Operator(name="乙", efficiency={"lockstitch": 1.0, "manual": 0.875}))
    data = ProblemData(times=(70, 70), precedences=((0, 1),), cycle_time=100,
                       machine_types=("lockstitch", "manual"), operators=team,
                       universal=frozenset({"manual"}))
    seated = make_result(data, ((0,), (1,)), cycle_time=100, lower_bound=2, proven=True,
                         runtime_s=0.0, stop_reason="optimal", operators=(1, 0))
    assert seated.station_times == (70, 70)
    assert place_operators(data, seated) is seated
