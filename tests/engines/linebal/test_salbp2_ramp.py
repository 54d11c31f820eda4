"""SALBP-2's ramp: short BB&R decisions just above the lower bound on the cycle time
(``solve._quick_decision``), and two listed SALBP-2 optima of ARC111 that the decisions
refute (table T2, like the four WEE-MAG rows of ``test_pair_bound.py``)."""

import importlib
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jinxiu.engines.common import MaxRuntime
from jinxiu.engines.linebal import ProblemData, SolveParams, check_solution, read_in2, solve
from jinxiu.engines.linebal.bbr import Salbp1
from jinxiu.engines.linebal.cbfs import Bbr, warm_up
from jinxiu.engines.linebal.cpsat import cp_variables
from jinxiu.engines.linebal.result import make_result

from .test_solve import small_dags

solve_mod = importlib.import_module("jinxiu.engines.linebal.solve")


def _clock(seconds: float):
    warm_up()  # load the compiled kernels before any time limit counts
    return solve_mod._Clock(MaxRuntime(seconds), default_budget=seconds)


def test_quick_decision_worked_example():
    # 4 -> 7 -> 4 and an unrelated 5, two stations: 11 is the optimum (4+7 | 4+5)
    data = ProblemData(times=(4, 7, 4, 5), precedences=((0, 1), (1, 2)), stations=2)
    assert solve_mod._quick_decision(data, 10, _clock(5), 1.0)[0] is False
    plan, _ = solve_mod._quick_decision(data, 11, _clock(5), 1.0)
    assert sorted(sorted(s) for s in plan) == [[0, 1], [2, 3]]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_dags(max_tasks=7), st.integers(1, 4), st.integers(-3, 3))
def test_quick_decision_equals_brute_force(brute, dag, m, delta):
    times, arcs = dag
    c = max(max(times), brute.min_cycle(times, arcs, m) + delta)
    data = ProblemData(times=tuple(times), precedences=tuple(arcs), stations=m)
    plan, _ = solve_mod._quick_decision(data, c, _clock(10), 5.0)
    fits = brute.min_stations(times, arcs, c) <= m
    assert plan is not None  # tiny lines: always decided
    assert (plan is not False) == fits
    if fits:
        res = make_result(data.with_cycle_time(c), plan, cycle_time=c, lower_bound=0,
                          proven=False, runtime_s=0, stop_reason="error")
        assert res.stations <= m and check_solution(data.with_cycle_time(c), res) == []


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_dags(max_tasks=7), st.integers(1, 4))
def test_salbp2_with_and_without_ramp_and_cpsat_first_equals_brute_force(brute, dag, m):
    times, arcs = dag
    data = ProblemData(times=tuple(times), precedences=tuple(arcs), stations=m)
    best = brute.min_cycle(times, arcs, m)
    for share, cp_first in ((0.0, True), (0.2, True), (1.0, True), (0.2, False)):
        res = solve(data, stop=MaxRuntime(10),
                    params=SolveParams(ramp_share=share, salbp2_cpsat_first=cp_first))
        assert res.proven_optimal and res.cycle_time == best == res.lower_bound
        assert check_solution(data, res) == []


def _forward(g, c: int, m: int):
    b = Bbr(Salbp1(g.times, g.precedences, c))
    return b.run(m)


def test_arc111_listed_values_refuted(scholl):
    """Listed 8376 (m = 18), 7181 (m = 21), 6839 (m = 22), 6273 (m = 24) and 6085 (m = 25)
    are below the optimum: the
    forward BB&R decision is a complete "no" there (checked independently by a plain
    search, bench/linebal/check_decision.py; see bench/results/linebal.md), and it finds
    a plan at 8377."""
    g = read_in2(scholl / "ARC111.IN2")
    no18 = _forward(g, 8376, 18)
    assert no18.stations is None and no18.complete
    no21 = _forward(g, 7181, 21)
    assert no21.stations is None and no21.complete
    no22 = _forward(g, 6839, 22)
    assert no22.stations is None and no22.complete
    no24 = _forward(g, 6273, 24)  # independent check: 309 103 nodes, 335 s
    assert no24.stations is None and no24.complete
    no25 = _forward(g, 6089, 25)  # listed 6085
    assert no25.stations is None and no25.complete and no25.nodes <= 3
    yes = _forward(g, 8377, 18)
    data = g.problem(cycle_time=8377)
    res = make_result(data, yes.stations, cycle_time=8377, lower_bound=0, proven=False,
                      runtime_s=0, stop_reason="error")
    assert res.stations == 18 and check_solution(data, res) == []


def test_race_hands_a_given_up_best_first_turn_to_the_plain_depth_first_search(monkeypatch):
    # every best-first search gives up at once (as on a node too wide for it) and the
    # fullest-first depth-first searches never answer: the plain-order depth-first search
    # that takes over the best-first turns must settle both decisions
    from jinxiu.engines.linebal.cbfs import Decision

    calls = []

    def give_up(self, m, **kw):
        return Decision(None, False, 0)
        yield  # a generator, like Bbr.decide

    plain_dfs = Bbr.decide_dfs

    def dfs(self, m, *, fullest_first=False, **kw):
        calls.append(fullest_first)
        if fullest_first:
            while True:
                yield
        return (yield from plain_dfs(self, m, **kw))

    monkeypatch.setattr(Bbr, "decide", give_up)
    monkeypatch.setattr(Bbr, "decide_dfs", dfs)
    data = ProblemData(times=(4, 7, 4, 5), precedences=((0, 1), (1, 2)), stations=2)
    clock = _clock(10)
    for c, expect_plan in ((10, False), (11, True)):
        race = solve_mod._Race(solve_mod._searches(data, c), clock)
        dec, _mirrored = race.run(2, clock.start + 10)
        race.close()
        assert dec is not None and dec.complete
        assert (dec.stations is not None) is expect_plan
    assert False in calls  # the plain order ran


def _endless_searches(monkeypatch, answers=None) -> dict:
    """Replace both searches by ones that sleep 10 ms per step and never answer, except a
    search ``answers`` names: ``answers[(kind, bbr)] = k`` makes it answer "no" at step
    k + 1. Returns the count of steps per kind ("bf", "dfs") and per (kind, id(bbr)).
    (Call ``_clock`` first: it loads the kernels with the real searches.)"""
    import time

    from jinxiu.engines.linebal.cbfs import Decision

    turns: dict = {"bf": 0, "dfs": 0}
    answers = {} if answers is None else answers

    def forever(kind, bbr):
        key = (kind, id(bbr))
        while True:
            turns[kind] = turns.get(kind, 0) + 1
            turns[key] = turns.get(key, 0) + 1
            if (kind, bbr) in answers and turns[key] > answers[(kind, bbr)]:
                return Decision(None, True, 1)
            time.sleep(0.01)
            yield

    monkeypatch.setattr(Bbr, "decide", lambda self, m, **kw: forever("bf", self))
    monkeypatch.setattr(Bbr, "decide_dfs", lambda self, m, **kw: forever("dfs", self))
    return turns


def test_salbp2_races_give_the_best_first_searches_four_times_the_turns(monkeypatch):
    # searches that never answer and take one slice per turn: with SALBP-2's weight of 4
    # on the depth-first searches, each best-first search gets about four turns to one
    import time

    clock = _clock(10)
    turns = _endless_searches(monkeypatch)
    data = ProblemData(times=(4, 7, 4, 5), precedences=((0, 1), (1, 2)), stations=2)
    decisions = solve_mod._Decisions(data, clock,
                                     dfs_weight=SolveParams().salbp2_dfs_weight)
    race = decisions.race(11)
    race.slice_s = 0.01
    dec, _mirrored = race.run(2, time.perf_counter() + 1.0)
    decisions.close()
    assert dec is None  # nobody answered
    assert turns["bf"] >= 3 * turns["dfs"] > 0
    assert SolveParams().salbp2_dfs_weight == 4.0


def test_cpsat_first_settles_a_decision_before_the_races(scholl):
    """ARC83 with 8 stations at c = 9550: CP-SAT proves "no" in about 0.1 s, where the races
    took 1.8 s before it got its turn; asked first it settles the decision alone (no node
    of the races expanded) and counts one try, one answer."""
    data = read_in2(scholl / "ARC83.IN2").problem(stations=8)
    clock = _clock(60)
    race = solve_mod._Race(solve_mod._searches(data, 9550), clock)
    stats = [0, 0]
    try:
        sol, _upper, lower, proven, nodes = solve_mod._exact_salbp1(
            data, 9550, clock, random.Random(0), 0, SolveParams(salbp2_cpsat_first_cap=30),
            race, target=8, cp_first=stats)
    finally:
        race.close()
    assert sol is None or len(sol) > 8
    assert lower == 9 and proven and nodes == 0 and stats == [1, 1]


def test_cpsat_goes_first_while_it_answers_one_in_three():
    pays = solve_mod._cp_first_pays
    assert pays(0, 0) and pays(1, 0)  # the first two tries always
    assert not pays(2, 0) and not pays(5, 1)
    assert pays(3, 1) and pays(6, 2) and pays(2, 2)


def test_a_box_clock_ends_at_its_own_end_or_the_parents():
    parent = _clock(30)
    box = solve_mod._Box(parent, 0.5)
    assert 0.4 < box.remaining() <= 0.5 and box.has_limit
    big = solve_mod._Box(parent, 100)
    assert 29 < big.remaining() <= 30  # the parent's 30 s, not 100
    assert solve_mod._Box(parent, -1).remaining() == 0.0
    assert box.share(0.5, 9.0) <= 0.25  # a phase's share is of the box's time


def test_cp_model_size_worked_values(scholl):
    """The x[i, k] count of the CP-SAT decision model (tasks inside their windows): small on
    ARC83, where CP-SAT settles the bisection's decisions, large on ARC111 and MUKHERJE,
    where it never did in 0.5 s."""
    arc83 = read_in2(scholl / "ARC83.IN2").problem(stations=8)
    arc111 = read_in2(scholl / "ARC111.IN2").problem(stations=15)
    assert cp_variables(arc83, 9550, 8) == 315
    assert cp_variables(arc111, 10035, 15) == 972
    assert cp_variables(arc83, 9550, 8) <= SolveParams().salbp2_cpsat_vars
    assert cp_variables(arc111, 10035, 15) > SolveParams().salbp2_cpsat_vars


def test_cpsat_goes_first_only_on_small_models(scholl, monkeypatch):
    """ARC83 with 20 stations: the bisection's decisions ask CP-SAT first (the models have
    700-odd variables); with the limit below that, no decision asks CP-SAT at all, first
    or in phase 1. (ARC83 with 8 and with 16 stations, this test's instances before the
    reserves of ``cbfs.link_ends`` and ``floors.py``, are now settled by the ramp's short
    races alone.)"""
    data = read_in2(scholl / "ARC83.IN2").problem(stations=20)
    firsts, probes = [], []
    real_exact, real_cp = solve_mod._exact_salbp1, solve_mod.solve_cp

    def spy_exact(*args, **kwargs):
        firsts.append(kwargs.get("cp_first") is not None)
        return real_exact(*args, **kwargs)

    def spy_cp(*args, **kwargs):
        if kwargs.get("objective_upper") == 20:  # a decision's CP-SAT, not SALBP-2's model
            probes.append(kwargs["time_limit"])
        return real_cp(*args, **kwargs)

    monkeypatch.setattr(solve_mod, "_exact_salbp1", spy_exact)
    monkeypatch.setattr(solve_mod, "solve_cp", spy_cp)
    res = solve(data, stop=MaxRuntime(30), params=SolveParams())
    assert res.proven_optimal and res.cycle_time == 3882 and any(firsts) and probes
    firsts.clear()
    probes.clear()
    res = solve(data, stop=MaxRuntime(3), params=SolveParams(salbp2_cpsat_vars=300))
    assert firsts and not any(firsts) and probes == []
    assert res.cycle_time >= 3882 and check_solution(data, res) == []


def test_salbp1_race_depth_first_searches_step_back_after_their_patience(monkeypatch):
    # searches that never answer and take one slice per turn: alike at first; once a
    # depth-first search has had its patience (0.1 s here) its time counts eight times,
    # so over a second the best-first searches get most turns (SALBP-1: BARTHOL2 c = 85,
    # where only the best-first searches find the plan)
    import time

    clock = _clock(10)
    turns = _endless_searches(monkeypatch)
    data = ProblemData(times=(4, 7, 4, 5), precedences=((0, 1), (1, 2)), cycle_time=11)
    for patience, low, high in ((float("inf"), 0.7, 1.4), (0.1, 3.0, 20.0)):
        turns.update(bf=0, dfs=0)
        race = solve_mod._Race(solve_mod._searches(data, 11), clock, slice_s=0.01,
                               patience_s=patience, late_weight=8.0)
        dec, _mirrored = race.run(2, time.perf_counter() + 1.0)
        race.close()
        assert dec is None and turns["dfs"] > 0
        assert low <= turns["bf"] / turns["dfs"] <= high
    assert (SolveParams().dfs_patience_s, SolveParams().dfs_late_weight) == (2.0, 8.0)


@pytest.mark.parametrize(("before", "second"), [([0, 0], 0.1), ([2, 1], 0.1), ([2, 2], 0.2)])
def test_a_decision_asks_cpsat_again_with_twice_the_cap(scholl, monkeypatch, before, second):
    """ARC83 with 20 stations at c = 3881, CP-SAT first with 0.05 s: a decision that CP-SAT
    did not settle then (none does in 0.05 s) gets it again in its phase 1 with 0.1 s; 0.2 s
    where CP-SAT answered at least half of its first tries, this one included (two of
    three). (The decisions this test used before, ARC83 m = 8 at 9553, m = 17 at 4510 and
    m = 18 at 4316, are settled by the races before phase 1 since the reserves of
    ``cbfs.link_ends`` and ``floors.py``. At m = 8, CP-SAT's "no" took 0.68 s on a slower
    day, and the second try with twice 0.5 s capped at 0.15 of the time left did not get
    it; with 2 s and 0.3 of the rest the instance was proven in 6.8 s of 10.)"""
    data = read_in2(scholl / "ARC83.IN2").problem(stations=20)
    limits = []
    real_cp = solve_mod.solve_cp

    def spy_cp(*args, **kwargs):
        if kwargs.get("objective_upper") == 20:
            limits.append(kwargs["time_limit"])
        return real_cp(*args, **kwargs)

    monkeypatch.setattr(solve_mod, "solve_cp", spy_cp)
    clock = _clock(4)  # phase 1 comes after about a second, with 0.15 of the rest > 0.1 s
    race = solve_mod._Race(solve_mod._searches(data, 3881), clock)
    try:
        solve_mod._exact_salbp1(data, 3881, clock, random.Random(0), 0,
                                SolveParams(salbp2_cpsat_first_cap=0.05, race_first_s=0.05,
                                            window_salbp2=False),
                                race, target=20, cp_first=before)
    finally:
        race.close()
    assert limits[:2] == [0.05, second]
    assert SolveParams().salbp2_cpsat_trust == 2.0


def test_salbp2_races_count_contested_answers_and_boost_that_search_kind(monkeypatch):
    """SALBP-2's races share their wins: an answer counts for its kind (mirrored, depth-
    first) only when another search had run in that decision, and a kind with w wins gets
    min(4, 1 + w) times the turns it would get otherwise."""
    import time

    clock = _clock(10)
    answers: dict = {}
    turns = _endless_searches(monkeypatch, answers)
    data = ProblemData(times=(4, 7, 4, 5), precedences=((0, 1), (1, 2)), stations=2)
    decisions = solve_mod._Decisions(data, clock, max_boost=4.0)
    # the forward best-first search answers "no" at its first step: nobody else ran, no win
    race = decisions.race(10)
    answers[("bf", race.searches[0])] = 0
    dec, mirrored = race.run(2, time.perf_counter() + 1.0)
    assert dec is not None and not mirrored and decisions.wins == {}
    # ... on its fourth step, after the others had turns: a win for (forward, best-first)
    race = decisions.race(11)
    race.slice_s = 0.01  # one step per turn
    answers[("bf", race.searches[0])] = 3
    dec, mirrored = race.run(2, time.perf_counter() + 1.0)
    assert dec is not None and decisions.wins == {(False, False): 1}
    # five wins: that kind gets four times the turns of each other search (capped at 4)
    decisions.wins[(False, False)] = 5
    race = decisions.race(12)
    race.slice_s = 0.01
    answers.clear()
    turns.clear()
    assert race.run(2, time.perf_counter() + 1.0) == (None, False)
    fwd, rev = race.searches
    assert 3.0 <= turns[("bf", id(fwd))] / turns[("bf", id(rev))] <= 5.5
    assert 0.6 <= turns[("dfs", id(fwd))] / turns[("bf", id(rev))] <= 1.6
    decisions.close()
    assert SolveParams().salbp2_win_boost == 4.0


def _first_bisection_decision_left_open(monkeypatch) -> list[tuple[int, bool]]:
    """Wrap ``_exact_salbp1``: the first decision after the one at the bound never answers
    (as if it needed more time than any run has); every other one is real. Returns the
    decisions asked: (cycle time, whether it had only part of the time)."""
    real = solve_mod._exact_salbp1
    asked: list[tuple[int, bool]] = []
    open_c: list[int] = []

    def spy(data, c, clock, *args, **kwargs):
        if asked and not open_c:
            open_c.append(c)
        asked.append((c, type(clock) is solve_mod._Box))
        if open_c and c == open_c[0]:
            return None, kwargs["target"] + 1, kwargs["target"], False, 0
        return real(data, c, clock, *args, **kwargs)

    monkeypatch.setattr(solve_mod, "_exact_salbp1", spy)
    return asked


def test_salbp2_bisection_goes_on_above_an_open_decision_and_comes_back(scholl, monkeypatch):
    """ARC83 with 6 stations (optimum 12620; ramp off): at the bound 12618 is "no", then the
    bisection asks 12622, which here never answers. With half the time left it goes on above
    it (plans at 12624 and 12623), comes back to 12622 with the rest, and reports 12623
    instead of the upper bound it had (12626) when 12622 came up."""
    asked = _first_bisection_decision_left_open(monkeypatch)
    data = read_in2(scholl / "ARC83.IN2").problem(stations=6)
    res = solve(data, stop=MaxRuntime(5), params=SolveParams(ramp_share=0.0))
    assert asked[0] == (12618, True)  # the bound (its own box: time kept for Hoffmann)
    assert asked[1] == (12622, True)  # half the time
    assert asked[-1] == (12622, False)  # the rest
    assert all(c > 12622 for c, _ in asked[2:-1])
    assert (res.cycle_time, res.lower_bound, res.proven_optimal) == (12623, 12619, False)
    assert check_solution(data, res) == []


def test_salbp2_a_no_above_an_open_decision_settles_it(scholl, monkeypatch):
    """HAHN with 5 stations (optimum 2823; every decision below it is a quick "no"): the
    decision at 2815 never answers, the "no"s above it (2819 ... 2822) settle it, and the
    optimum is proven (before: the run stopped at 2815 with the bound 2807)."""
    asked = _first_bisection_decision_left_open(monkeypatch)
    data = read_in2(scholl / "HAHN.IN2").problem(stations=5)
    res = solve(data, stop=MaxRuntime(5), params=SolveParams(ramp_share=0.0))
    assert asked[1] == (2815, True) and [c for c, _ in asked].count(2815) == 1
    assert res.proven_optimal and res.cycle_time == 2823
    assert SolveParams().salbp2_open_share == 0.5
