"""The compiled kernels (kernel.py, kdfs.py): the depth-first search in both load orders
agrees with brute force, more than 64 tasks (several words per task set), the load
counting, the give-up of a too wide best-first node, and Hoffmann from both ends."""

import csv
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jinxiu.engines.linebal import ProblemData, cbfs, check_solution, read_in2
from jinxiu.engines.linebal.bbr import Salbp1
from jinxiu.engines.linebal.cbfs import Bbr, Decision, hoffmann_both_ends
from jinxiu.engines.linebal.result import make_result

from .test_solve import small_dags


def _finish(gen) -> Decision:
    try:
        while True:
            next(gen)
    except StopIteration as stop:
        return stop.value


def _both(data: ProblemData) -> list[tuple[Bbr, bool]]:
    c = data.cycle_time
    fwd = Salbp1(data.times, data.precedences, c)
    rev = Salbp1(data.times, [(j, i) for i, j in data.precedences], c)
    pair = Bbr(fwd), Bbr(rev)
    cbfs.link_ends(*pair)  # as the solver does (solve._searches): the reserves on
    return [(pair[0], False), (pair[1], True)]


def tens_case(brute, dag, extra: int) -> tuple[ProblemData, int]:
    """A small DAG with times of tens of units (7 t + 3) at cycle max + ``extra``, and its
    brute-force station count."""
    times, arcs = dag
    times = [7 * x + 3 for x in times]
    c = max(times) + extra
    data = ProblemData(times=tuple(times), precedences=tuple(arcs), cycle_time=c)
    return data, brute.min_stations(times, arcs, c)


def _valid(data: ProblemData, stations, mirrored: bool) -> bool:
    plan = list(reversed(stations)) if mirrored else stations
    res = make_result(data, plan, cycle_time=data.cycle_time, lower_bound=1, proven=False,
                      runtime_s=0.0, stop_reason="error")
    return check_solution(data, res) == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_dags(max_tasks=9), st.integers(0, 8), st.booleans())
def test_depth_first_decisions_equal_brute_force(brute, dag, extra, fullest_first):
    times, arcs = dag
    c = max(times) + extra
    data = ProblemData(times=tuple(times), precedences=tuple(arcs), cycle_time=c)
    opt = brute.min_stations(times, arcs, c)
    for bbr, mirrored in _both(data):
        yes = _finish(bbr.decide_dfs(opt, fullest_first=fullest_first))
        assert yes.complete and yes.stations is not None and len(yes.stations) <= opt
        assert _valid(data, yes.stations, mirrored)
        if opt > 1:
            no = _finish(bbr.decide_dfs(opt - 1, fullest_first=fullest_first))
            assert no.stations is None and no.complete


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_dags(max_tasks=9), st.integers(0, 40), st.sampled_from([0, 1, 3]))
def test_fullest_first_bands_equal_brute_force(brute, dag, extra, bands):
    """Times of tens of units, so the idle budget spans several doubling bands (kdfs._band):
    every band setting gives the brute-force answer, "no" included (no load is skipped
    between two bands)."""
    times, arcs = dag
    times = [7 * x + 3 for x in times]
    c = max(times) + extra
    data = ProblemData(times=tuple(times), precedences=tuple(arcs), cycle_time=c)
    opt = brute.min_stations(times, arcs, c)
    with mock.patch.object(cbfs, "BANDS", bands):
        for bbr, mirrored in _both(data):
            yes = _finish(bbr.decide_dfs(opt, fullest_first=True))
            assert yes.stations is not None and len(yes.stations) <= opt
            assert _valid(data, yes.stations, mirrored)
            if opt > 1:
                no = _finish(bbr.decide_dfs(opt - 1, fullest_first=True))
                assert no.stations is None and no.complete


def test_a_chain_over_two_words():
    # 130 unit tasks in a chain at c = 7: 19 stations (130 = 18 * 7 + 4), not 18; the
    # task sets span three 64-bit words
    n = 130
    data = ProblemData(times=(1,) * n, precedences=tuple((k, k + 1) for k in range(n - 1)),
                       cycle_time=7)
    for bbr, mirrored in _both(data):
        for gen in (bbr.decide(19), bbr.decide_dfs(19), bbr.decide_dfs(19, fullest_first=True)):
            yes = _finish(gen)
            assert len(yes.stations) == 19 and _valid(data, yes.stations, mirrored)
        assert _finish(bbr.decide(18)).stations is None
        assert _finish(bbr.decide_dfs(18)).stations is None


BIG = ("TONGE70", "ARC83", "LUTZ2")  # 70, 83 and 89 tasks: two words


def test_scholl_graphs_over_64_tasks_both_searches(scholl):
    with open(scholl / "optima_salbp1.csv", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["graph"] in BIG]
    rows = [r for k, r in enumerate(rows) if k % 4 == 0]  # a spread of cycle times
    assert len(rows) >= 6
    for r in rows:
        data = read_in2(scholl / f"{r['graph']}.IN2").problem(cycle_time=int(r["cycle_time"]))
        opt = int(r["optimal_stations"])
        for bbr, mirrored in _both(data):
            for gen in (bbr.decide(opt), bbr.decide_dfs(opt, fullest_first=True)):
                yes = _finish(gen)
                assert yes.stations is not None, (r["graph"], r["cycle_time"])
                assert len(yes.stations) <= opt and _valid(data, yes.stations, mirrored)


def test_root_width_counts_maximal_loads():
    # three unrelated tasks of 2 at c = 4: the maximal loads are the three pairs
    bbr = Bbr(Salbp1((2, 2, 2), (), 4))
    assert bbr.root_width(2) == 3
    # a chain 1 -> 1 -> 1 at c = 3: one maximal load, all three
    assert Bbr(Salbp1((1, 1, 1), ((0, 1), (1, 2)), 3)).root_width(1) == 1


def test_a_too_wide_best_first_node_gives_up(scholl):
    # BARTHOLD at c = 403: the first station has tens of thousands of maximal loads; with
    # a cap of 1000 enumeration steps per node the best-first search stops unanswered
    # (the race then leaves the question to the depth-first search, which settles it)
    data = read_in2(scholl / "BARTHOLD.IN2").problem(cycle_time=403)
    bbr = Bbr(Salbp1(data.times, data.precedences, 403))
    wide = _finish(bbr.decide(14, node_cap=1000))
    assert wide.stations is None and not wide.complete


@pytest.mark.parametrize(("graph", "c", "opt"), [("KILBRID", 57, 10), ("ARC83", 5048, 16),
                                                   ("WARNECKE", 54, 31)])
def test_hoffmann_from_both_ends_gives_valid_plans(scholl, graph, c, opt):
    data = read_in2(scholl / f"{graph}.IN2").problem(cycle_time=c)
    (fwd, _), (rev, _) = _both(data)
    plan = hoffmann_both_ends(fwd, rev)
    assert plan is not None and _valid(data, plan, False)
    assert len(plan) >= opt
    assert sorted(k for st in plan for k in st) == list(range(data.num_tasks))


def test_a_nodes_loads_count_towards_its_cap():
    # ten unrelated tasks of 1 at c = 5, two stations: the root has C(10, 5) = 252 loads,
    # all of them full, found in fewer than 2 000 enumeration steps; each load handed on
    # counts kernel.CHILD_STEPS more (their bounds, memory and tests cost more than a
    # step: MUKHERJE, 20 stations at c = 220, spent 3.2 s in one node before), so a cap of
    # 2 000 makes the best-first search give up at the root, and 10 000 does not
    from jinxiu.engines.linebal import kernel

    core = Salbp1((1,) * 10, (), 5)
    roomy = Bbr(core)
    plan = _finish(roomy.decide(2, node_cap=10_000))
    assert plan.stations is not None
    steps = roomy.stats[2]
    assert steps < 2_000 < steps + 252 * kernel.CHILD_STEPS
    capped = _finish(Bbr(core).decide(2, node_cap=2_000))
    assert capped.stations is None and not capped.complete


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_dags(max_tasks=9), st.integers(0, 40), st.booleans())
def test_lazy_children_equal_brute_force(brute, dag, extra, lazy):
    """The best-first search with and without lazy children (the loads without idle time
    first, the others when the node comes up again): times of tens of units, so nodes
    have loads on both sides; the brute-force answer either way, "no" included."""
    data, opt = tens_case(brute, dag, extra)
    with mock.patch.object(cbfs, "LAZY", int(lazy)):
        for bbr, mirrored in _both(data):
            yes = _finish(bbr.decide(opt))
            assert yes.stations is not None and len(yes.stations) <= opt
            assert _valid(data, yes.stations, mirrored)
            if opt > 1:
                no = _finish(bbr.decide(opt - 1))
                assert no.stations is None and no.complete


def test_lazy_children_store_fewer_nodes(scholl):
    """WARNECKE at c = 92, 17 stations (the optimum): the forward best-first search finds
    a plan either way; handing on the loads with idle time only when a node comes up
    again stores 744 task sets instead of 3 165 (198 and 196 nodes expanded; without the
    task floors of ``floors.py``, which move these counts a little)."""
    data = read_in2(scholl / "WARNECKE.IN2").problem(cycle_time=92)
    stored = {}
    for lazy in (0, 1):
        with mock.patch.object(cbfs, "LAZY", lazy), mock.patch.object(cbfs, "TASK_FLOORS", False):
            bbr = Bbr(Salbp1(data.times, data.precedences, 92))
            yes = _finish(bbr.decide(17))
        assert len(yes.stations) == 17 and _valid(data, yes.stations, False)
        stored[lazy] = bbr.stats[1]
    assert stored == {0: 3165, 1: 744}
    assert cbfs.LAZY == 1  # on by default
