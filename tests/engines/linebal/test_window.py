"""Window improvement (window.py): a run of stations re-balanced in one station less."""

import importlib
from graphlib import TopologicalSorter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jinxiu.engines.linebal import ProblemData, check_solution, read_in2, window
from jinxiu.engines.linebal.cbfs import hoffmann_both_ends
from jinxiu.engines.linebal.result import make_result
from jinxiu.engines.linebal.window import improve, refit

from .test_solve import small_dags

solve_mod = importlib.import_module("jinxiu.engines.linebal.solve")


def _valid(times, arcs, c, plan) -> bool:
    data = ProblemData(times=tuple(times), precedences=tuple(arcs), cycle_time=c)
    res = make_result(data, plan, cycle_time=c, lower_bound=1, proven=False, runtime_s=0.0,
                      stop_reason="error")
    return check_solution(data, res) == []


def test_worked_example_two_windows():
    # 6 -> 4 and 4 -> 6 at c = 10, one task per station: the window of stations 1-2
    # ({0, 2}, load 10) fits in one station, then the window of the last two ({1, 3})
    times, arcs, c = (6, 4, 4, 6), ((0, 1), (2, 3)), 10
    plan = improve(times, arcs, c, [[0], [2], [1], [3]], 2, lambda: False)
    assert plan == [[0, 2], [1, 3]]
    assert _valid(times, arcs, c, plan)


def test_window_that_cannot_shrink_is_kept():
    # a lower bound below the truth: no window has a cycle of idle time, the plan stays
    assert improve((6, 6), (), 10, [[0], [1]], 1, lambda: False) == [[0], [1]]


def test_refit_answers():
    assert refit((5, 5), ((0, 1),), 10, [0, 1], 1, 1.0) == [[0, 1]]
    assert refit((6, 6), (), 10, [0, 1], 1, 1.0) is None  # the bound says 2
    # the tasks keep their own indices: a window of tasks 3 and 7 of a larger line
    assert refit((1, 1, 1, 5, 1, 1, 1, 5), ((3, 7),), 10, [3, 7], 1, 1.0) == [[3, 7]]


def test_stop_returns_the_plan_unchanged():
    plan = [[0], [2], [1], [3]]
    assert improve((6, 4, 4, 6), ((0, 1), (2, 3)), 10, plan, 2, lambda: True) == plan


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_dags(), st.integers(0, 8))
def test_improved_plans_are_valid_and_never_below_the_optimum(brute, dag, extra):
    times, arcs = dag
    c = max(times) + extra
    order = list(TopologicalSorter({j: [i for i, k in arcs if k == j]
                                    for j in range(len(times))}).static_order())
    optimum = brute.min_stations(times, arcs, c)
    plan = improve(times, arcs, c, [[k] for k in order], optimum, lambda: False)
    assert _valid(times, arcs, c, plan)
    assert optimum <= len(plan) <= len(times)


def test_failed_windows_are_remembered(monkeypatch):
    # c = 12: the three stations hold 5, 5, 5, 5, 4 (24 = 2 cycles), but two 5s leave 2,
    # so the 4 needs a third station (long-task bound): the one window fails, once
    times, plan = (5, 5, 5, 5, 4), [[0, 1], [2, 3], [4]]
    tried: set = set()
    assert improve(times, (), 12, plan, 2, lambda: False, tried=tried) == plan
    assert tried == {(3, (0, 1, 2, 3, 4))}

    def no_second_try(*args, **kwargs):
        raise AssertionError("window tried again")

    monkeypatch.setattr("jinxiu.engines.linebal.window.refit", no_second_try)
    assert improve(times, (), 12, plan, 2, lambda: False, tried=tried) == plan


def test_improve_any_takes_the_shortest_window_of_all_plans_first(monkeypatch):
    """Two plans of three stations at c = 10 for the times 6, 4, 3, 6: the first (loads 6,
    7, 6) has no two stations that fit in one, only its whole length; the second (4, 6, 9)
    has stations 1-2. The second plan's two-station window is asked before the first
    plan's three-station one, and it gives the plan of two stations."""
    times = [6, 4, 3, 6]
    first = [[0], [1, 2], [3]]
    second = [[1], [0], [2, 3]]
    asked = []
    real = window.refit

    def spy(times_, arcs_, c, tasks, m, seconds, should_stop=None):
        asked.append((tasks, m))
        return real(times_, arcs_, c, tasks, m, seconds, should_stop)

    monkeypatch.setattr(window, "refit", spy)
    out = window.improve_any(times, [], 10, [first, second], 2, lambda: False, step_s=1.0)
    assert asked[0] == ([0, 1], 1)
    assert len(out) == 2 and sorted(k for st in out for k in st) == [0, 1, 2, 3]
    assert all(sum(times[k] for k in st) <= 10 for st in out)
    # one plan alone: the same as improve
    asked.clear()
    assert len(window.improve_any(times, [], 10, [first], 2, lambda: False)) == 2
    assert asked[0] == ([0, 1, 2, 3], 2)


def test_mukherje_20_stations_at_220_from_a_window_of_the_mirrored_plan(scholl, monkeypatch):
    """MUKHERJE at c = 220: Hoffmann's plans (both ends, mirrored, forward) have 21 stations.
    Every window of up to 14 stations of the three that fits in one less by its load is a
    quick "no"; the first 15 stations of the mirrored plan fit in 14: 20 stations. (Before,
    the plan from both ends was tried alone first; its long windows time out, 2.5 s, and the
    10 s SALBP-2 run ended at 221.)"""
    data = read_in2(scholl / "MUKHERJE.IN2").problem(cycle_time=220)
    fwd, rev = solve_mod._searches(data, 220)
    plans = [hoffmann_both_ends(fwd, rev), solve_mod._orient(rev.hoffmann(), True),
             fwd.hoffmann()]
    assert [len(p) for p in plans] == [21, 21, 21]
    found = []
    real = window.refit

    def spy(times_, arcs_, c, tasks, m, seconds, should_stop=None):
        sub = real(times_, arcs_, c, tasks, m, seconds, should_stop)
        found.append((tasks, m, sub is not None))
        return sub

    monkeypatch.setattr(window, "refit", spy)
    out = window.improve_any(data.times, data.precedences, 220, plans, 20, lambda: False,
                             step_s=2.0)
    first15 = sorted(k for st in plans[1][:15] for k in st)
    assert found[-1] == (first15, 14, True) and not any(ok for *_, ok in found[:-1])
    res = make_result(data, out, cycle_time=220, lower_bound=20, proven=True, runtime_s=0,
                      stop_reason="optimal")
    assert res.stations == 20 and check_solution(data, res) == []


def test_long_windows_get_a_longer_step(monkeypatch):
    """A window of w stations gets step_s · max(1, w / 8) seconds (MUKHERJE c = 220: the
    15-station window needs about 0.15 s on a slow day, where 0.1 s timed out)."""
    asked = {}

    def spy(times_, arcs_, c, tasks, m, seconds, should_stop=None):
        asked.setdefault(m + 1, seconds)
        return None

    monkeypatch.setattr(window, "refit", spy)
    plan = [[k] for k in range(12)]
    window.improve_any([1] * 12, [], 100, [plan], 1, lambda: False, step_s=0.5)
    assert asked == {w: 0.5 * max(1.0, w / 8) for w in range(2, 13)}
    assert asked[8] == 0.5 and asked[12] == 0.75
