"""Exact results: known optima of small Scholl instances, brute force on random graphs,
and an independent feasibility check of every returned plan."""

import csv

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jinxiu.engines.common import MaxIterations, MaxRuntime, StopReason
from jinxiu.engines.linebal import ProblemData, SolveParams, check_solution, read_in2, solve
from jinxiu.engines.linebal.bounds import lb1, lb2, lb3, martello_toth_l2, salbp2_lower_bound

SMALL = ("MERTENS", "BOWMAN8", "JAESCHKE", "JACKSON", "MANSOOR", "MITCHELL", "HESKIA",
         "ROSZIEG")


SMALL2 = ("BUXEY", "LUTZ1")


def _optima(folder, kind):
    name = "optima_salbp1.csv" if kind == 1 else "optima_salbp2.csv"
    keep = SMALL if kind == 1 else SMALL2
    with open(folder / name, newline="") as fh:
        return [r for r in csv.DictReader(fh) if r["graph"] in keep]


def test_known_salbp1_optima(scholl):
    rows = _optima(scholl, 1)
    assert len(rows) == 39
    for r in rows:
        g = read_in2(scholl / f"{r['graph']}.IN2")
        data = g.problem(cycle_time=int(r["cycle_time"]))
        res = solve(data, stop=MaxRuntime(10))
        assert res.stations == int(r["optimal_stations"]), (r["graph"], r["cycle_time"])
        assert res.proven_optimal and res.stop_reason == StopReason.OPTIMAL
        assert res.lower_bound == res.stations
        assert check_solution(data, res) == []


def test_known_salbp2_optima(scholl):
    rows = _optima(scholl, 2)
    assert len(rows) == 13
    for r in rows:
        g = read_in2(scholl / f"{r['graph']}.IN2")
        data = g.problem(stations=int(r["stations"]))
        res = solve(data, stop=MaxRuntime(10))
        assert res.cycle_time == int(r["optimal_cycle_time"]), (r["graph"], r["stations"])
        assert res.proven_optimal and res.lower_bound == res.cycle_time
        assert res.stations <= int(r["stations"])
        assert check_solution(data, res) == []


def test_result_figures():
    # tasks 6, 4, 5, 3 in a chain at cycle 10: stations {1,2} {3,4}
    data = ProblemData(times=(6, 4, 5, 3), precedences=((0, 1), (1, 2), (2, 3)), cycle_time=10)
    res = solve(data)
    assert res.assignment == ((0, 1), (2, 3))
    assert res.station_times == (10, 8) and res.idle_times == (0, 2)
    assert res.balance_efficiency == pytest.approx(18 / 20)
    assert res.smoothness_index == pytest.approx(2.0)
    assert res.bottleneck == 0 and res.labels == (("1", "2"), ("3", "4"))


def test_bounds():
    assert (lb1([6, 6, 6, 6], 10), lb2([6, 6, 6, 6], 10)) == (3, 4)  # no two over half share
    # 7 over two thirds (1), three 4s between a third and two thirds (1/2 each): 2.5 -> 3
    assert (lb1([7, 4, 4, 4], 10), lb2([7, 4, 4, 4], 10), lb3([7, 4, 4, 4], 10)) == (2, 1, 3)
    assert lb2([5, 5, 5], 10) == 2 and lb3([5, 5, 5], 10) == 2  # at half: 1/2 each
    # 2 stations: max(t_max, ceil(38/2), t2 + t3 = 11, t3 + t4 + t5 = 15)
    assert salbp2_lower_bound([6, 6, 5, 5, 5, 4, 4, 3], 2) == 19
    assert salbp2_lower_bound([6, 6, 5], 2) == 11


def test_stop_criterion_is_honoured(scholl):
    g = read_in2(scholl / "WEE-MAG.IN2")
    res = solve(g.problem(cycle_time=45), stop=MaxRuntime(0.5),
                params=SolveParams(use_cpsat=False))
    assert res.runtime_s < 3
    assert res.stations >= res.lower_bound and res.feasible
    res = solve(g.problem(cycle_time=45), stop=MaxIterations(2))
    assert res.feasible


@st.composite
def small_dags(draw, max_tasks=8):
    n = draw(st.integers(1, max_tasks))
    times = draw(st.lists(st.integers(1, 9), min_size=n, max_size=n))
    arcs = []
    for j in range(n):
        for i in range(j):
            if draw(st.integers(0, 3)) == 0:
                arcs.append((i, j))
    perm = draw(st.permutations(range(n)))  # tasks need not be numbered topologically
    arcs = [(perm[i], perm[j]) for i, j in arcs]
    times = [times[perm.index(k)] for k in range(n)]
    return times, arcs


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_dags(), st.integers(0, 8))
def test_salbp1_equals_brute_force(brute, dag, extra):
    times, arcs = dag
    c = max(times) + extra
    data = ProblemData(times=tuple(times), precedences=tuple(arcs), cycle_time=c)
    res = solve(data, stop=MaxRuntime(10), params=SolveParams(use_cpsat=False))
    assert res.proven_optimal
    assert res.stations == brute.min_stations(times, arcs, c)
    assert check_solution(data, res) == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_dags(max_tasks=7), st.integers(1, 4))
def test_salbp2_equals_brute_force(brute, dag, m):
    times, arcs = dag
    data = ProblemData(times=tuple(times), precedences=tuple(arcs), stations=m)
    res = solve(data, stop=MaxRuntime(10))
    assert res.proven_optimal
    assert res.cycle_time == brute.min_cycle(times, arcs, m)
    assert check_solution(data, res) == []


def test_martello_toth_bound_closes_wee_mag(scholl):
    times = read_in2(scholl / "WEE-MAG.IN2").times
    assert max(lb1(times, 32), lb2(times, 32), lb3(times, 32)) == 60
    assert martello_toth_l2(times, 32) == 61  # the optimum (Scholl's table)
    assert martello_toth_l2([6, 6, 6, 6], 10) == 4
