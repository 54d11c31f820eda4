"""The BB&R decision search (cbfs.py): exact answers on Scholl instances and hand-made
graphs, soundness of its bounds (a plan exists at the optimum, none below it), and
agreement with brute force on random graphs."""

import csv
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jinxiu.engines.common import MaxRuntime, StopReason
from jinxiu.engines.linebal import ProblemData, cbfs, check_solution, read_in2, solve
from jinxiu.engines.linebal.bbr import Salbp1
from jinxiu.engines.linebal.cbfs import Bbr, incremented_times
from jinxiu.engines.linebal.result import make_result

from .test_solve import small_dags

SMALL = (
    "MERTENS",
    "BOWMAN8",
    "JAESCHKE",
    "JACKSON",
    "MANSOOR",
    "MITCHELL",
    "HESKIA",
    "ROSZIEG",
    "BUXEY",
    "SAWYER30",
)


def _both(data: ProblemData) -> list[tuple[Bbr, bool]]:
    c = data.cycle_time
    fwd = Salbp1(data.times, data.precedences, c)
    rev = Salbp1(data.times, [(j, i) for i, j in data.precedences], c)
    pair = Bbr(fwd), Bbr(rev)
    cbfs.link_ends(*pair)  # as the solver does (solve._searches): the reserves on
    return [(pair[0], False), (pair[1], True)]


def _plan_ok(data: ProblemData, stations, mirrored: bool) -> bool:
    plan = list(reversed(stations)) if mirrored else stations
    res = make_result(
        data,
        plan,
        cycle_time=data.cycle_time,
        lower_bound=1,
        proven=False,
        runtime_s=0.0,
        stop_reason="error",
    )
    return check_solution(data, res) == []


def test_chain_bound_with_incremented_times():
    # 4 -> 7 -> 4 at c = 10: no two of them fit together, so 3 stations; LB1-LB3, the
    # bin-packing bound and the windows all say 2, the incremented times (each task counts
    # a full cycle) say 3.
    data = ProblemData(times=(4, 7, 4), precedences=((0, 1), (1, 2)), cycle_time=10)
    core = Salbp1(data.times, data.precedences, 10)
    assert core.lower_bound() == 2
    assert incremented_times(core) == [10, 10, 10]
    bbr = Bbr(core)
    assert bbr.lower_bound() == 3
    assert bbr.run(2).stations is None and bbr.run(2).complete
    assert bbr.run(3).stations == [[0], [1], [2]]
    res = solve(data, stop=MaxRuntime(5))
    assert (res.stations, res.lower_bound, res.proven_optimal) == (3, 3, True)


def test_incremented_times_keep_tasks_that_can_share():
    # 6 and 4 unrelated fit together at 10; 7 fits with nothing else (7 + 4 > 10)
    data = ProblemData(times=(6, 4, 7), precedences=(), cycle_time=10)
    core = Salbp1(data.times, data.precedences, 10)
    assert incremented_times(core) == [6, 4, 10]
    assert Bbr(core).lower_bound() == 2
    # 5 -> 9 -> 5 at c = 14: the ends may share with the middle, nothing is raised
    core = Salbp1((5, 9, 5), ((0, 1), (1, 2)), 14)
    assert incremented_times(core) == [5, 9, 5]


def test_search_closes_a_gap_the_bounds_leave(brute):
    # Σt = 37 at c = 13: every bound says 3 stations, the optimum is 4 (brute force)
    times = (7, 9, 7, 5, 4, 5)
    arcs = ((0, 2), (0, 3), (1, 3), (1, 4), (2, 4), (2, 5))
    data = ProblemData(times=times, precedences=arcs, cycle_time=13)
    assert brute.min_stations(times, arcs, 13) == 4
    for bbr, mirrored in _both(data):
        assert bbr.lower_bound() == 3
        no = bbr.run(3)
        assert no.stations is None and no.complete
        yes = bbr.run(4)
        assert yes.complete and len(yes.stations) == 4
        assert _plan_ok(data, yes.stations, mirrored)
    res = solve(data, stop=MaxRuntime(5))
    assert (res.stations, res.lower_bound, res.proven_optimal) == (4, 4, True)


def test_scholl_small_optima_both_directions(scholl):
    with open(scholl / "optima_salbp1.csv", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["graph"] in SMALL]
    assert len(rows) == 55
    for r in rows:
        data = read_in2(scholl / f"{r['graph']}.IN2").problem(cycle_time=int(r["cycle_time"]))
        opt = int(r["optimal_stations"])
        for bbr, mirrored in _both(data):
            assert bbr.lower_bound() <= opt, (r["graph"], r["cycle_time"])
            yes = bbr.run(opt)
            assert yes.stations is not None and len(yes.stations) == opt, (r["graph"], opt)
            assert _plan_ok(data, yes.stations, mirrored)
            no = bbr.run(opt - 1)
            assert no.stations is None and no.complete, (r["graph"], opt)


def test_decisions_with_a_gap_at_the_root(scholl):
    # WARNECKE c = 54: the root bounds say 30, the optimum is 31 (Scholl's table)
    data = read_in2(scholl / "WARNECKE.IN2").problem(cycle_time=54)
    (fwd, _), (rev, mirrored) = _both(data)
    assert max(fwd.lower_bound(), rev.lower_bound()) == 30
    no = rev.run(30)
    assert no.stations is None and no.complete
    yes = rev.run(31)
    assert len(yes.stations) == 31 and _plan_ok(data, yes.stations, mirrored)
    res = solve(data, stop=MaxRuntime(20))
    assert (res.stations, res.lower_bound, res.stop_reason) == (31, 31, StopReason.OPTIMAL)
    assert check_solution(data, res) == []


def test_bin_packing_test_settles_wee_mag_47(scholl, monkeypatch):
    # WEE-MAG c = 47: every bound says 32, the published optima say 32 (T1) or 33 (SJ).
    # The exact bin-packing test cuts every node of the forward best-first search: "no"
    # after a few thousand nodes (without it no answer in 20 s, 54 000 nodes and more).
    data = read_in2(scholl / "WEE-MAG.IN2").problem(cycle_time=47)
    (fwd, _), _rev = _both(data)
    assert fwd.lower_bound() == 32
    t0 = time.perf_counter()
    no = fwd.run(32, deadline=lambda: time.perf_counter() - t0 > 60)
    assert no.stations is None and no.complete
    assert fwd.stats[0] < 10_000
    bn = fwd.bins()[0]
    assert bn.st[cbfs.kbin.BP_CUTS] > 1_000
    yes = fwd.run(33, deadline=lambda: time.perf_counter() - t0 > 120)
    assert len(yes.stations) == 33 and _plan_ok(data, yes.stations, False)
    # with the test off, the same search does not end within a few thousand nodes
    monkeypatch.setattr(cbfs, "BIN_CAP", 0)
    off = Bbr(fwd.core)
    gen = off.decide(32)
    for _ in range(200):
        next(gen)
        if off.stats[0] >= 10_000:
            break
    assert off.stats[0] >= 10_000


def test_hoffmann_gives_a_valid_plan(scholl):
    data = read_in2(scholl / "KILBRID.IN2").problem(cycle_time=57)
    for bbr, mirrored in _both(data):
        plan = bbr.hoffmann()
        assert plan is not None and _plan_ok(data, plan, mirrored)
        assert len(plan) >= 10  # the optimum (Scholl's table)


def test_a_wrong_bound_is_caught(scholl, monkeypatch):
    # The checks above would catch an unsound bound: let the time incrementing claim that
    # no two tasks ever share a station, and JAESCHKE c = 6 (optimum 8, two stations hold
    # two tasks) is wrongly "proven" to need more stations.
    data = read_in2(scholl / "JAESCHKE.IN2").problem(cycle_time=6)
    bbr = Bbr(Salbp1(data.times, data.precedences, 6))
    assert len(bbr.run(8).stations) == 8
    monkeypatch.setattr(
        "jinxiu.engines.linebal.cbfs.incremented_times", lambda core: [core.c] * core.n
    )
    wrong = Bbr(Salbp1(data.times, data.precedences, 6))
    assert wrong.lower_bound() == 9
    answer = wrong.run(8)
    assert answer.stations is None and answer.complete


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_dags(max_tasks=9), st.integers(0, 8))
def test_decisions_equal_brute_force(brute, dag, extra):
    times, arcs = dag
    c = max(times) + extra
    data = ProblemData(times=tuple(times), precedences=tuple(arcs), cycle_time=c)
    opt = brute.min_stations(times, arcs, c)
    for bbr, mirrored in _both(data):
        assert bbr.lower_bound() <= opt
        yes = bbr.run(opt)
        assert yes.stations is not None and len(yes.stations) <= opt
        assert _plan_ok(data, yes.stations, mirrored)
        if opt > 1:
            no = bbr.run(opt - 1)
            assert no.stations is None and no.complete
