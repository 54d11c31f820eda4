"""The race of the BB&R searches with two threads (``race.Race``, ``SolveParams.threads``):
the forward and the mirrored searches run at the same time, one side per thread, and the
first answer ends both; the answers are the brute-force ones."""

import importlib
import threading
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jinxiu.engines.common import MaxRuntime
from jinxiu.engines.linebal import ProblemData, SolveParams, kdfs, kernel, read_in2, solve
from jinxiu.engines.linebal.cbfs import Bbr, Decision, warm_up
from jinxiu.engines.linebal.cli import main

from .test_kernels import _valid, tens_case
from .test_solve import small_dags

solve_mod = importlib.import_module("jinxiu.engines.linebal.solve")


def _clock(seconds: float):
    warm_up()
    return solve_mod._Clock(MaxRuntime(seconds), default_budget=seconds)


def _race(data: ProblemData, c: int, clock, **kw):
    return solve_mod._Race(solve_mod._searches(data, c), clock, threads=2, **kw)


def test_the_search_kernels_release_the_gil():
    """Without ``nogil`` the second thread would only wait for the first."""
    for fn in (kernel.start_search, kernel.run_search, kernel.rehash, kdfs.start_dfs,
               kdfs.run_dfs):
        assert fn.targetoptions.get("nogil") is True, fn


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_dags(max_tasks=10), st.integers(0, 40))
def test_two_threads_give_the_brute_force_answers(brute, dag, extra):
    data, opt = tens_case(brute, dag, extra)
    clock = _clock(30)
    for m, plan in ((opt, True), (opt - 1, False)):
        if m < 1:
            continue
        race = _race(data, data.cycle_time, clock)
        try:
            dec, mirrored = race.run(m, time.perf_counter() + 20)
        finally:
            race.close()
        assert dec is not None and dec.complete
        assert (dec.stations is not None) is plan
        if plan:
            assert len(dec.stations) <= m and _valid(data, dec.stations, mirrored)


def _fake_sides(monkeypatch, step, forward: list):
    """Replace the searches by generators that call ``step(side, kind)`` once per turn and
    never answer unless ``step`` returns a Decision; side 0 is the search ``forward[0]``
    (set once the race exists), 1 the mirrored one."""
    def search(kind):
        def make(self, m, **kw):
            side = 0 if self is forward[0] else 1
            while True:
                out = step(side, kind)
                if out is not None:
                    return out
                yield
        return make

    monkeypatch.setattr(Bbr, "decide", search("bf"))
    monkeypatch.setattr(Bbr, "decide_dfs", search("dfs"))


def _data():
    return ProblemData(times=(3, 9, 4, 5), precedences=((0, 1), (1, 2)), stations=2)


def test_both_sides_run_at_the_same_time_in_two_threads(monkeypatch):
    """Each side's first turn waits at a barrier for the other side's: in turns on one
    thread the barrier would break (timeout) and the race would raise."""
    data = _data()
    clock = _clock(10)
    forward: list = []
    barrier = threading.Barrier(2, timeout=5)
    threads: dict[int, set] = {0: set(), 1: set()}

    def step(side, kind):
        if not threads[side]:
            barrier.wait()
        threads[side].add(threading.get_ident())
        time.sleep(0.005)

    _fake_sides(monkeypatch, step, forward)
    race = _race(data, 12, clock, slice_s=0.01)
    forward.append(race.searches[0])
    dec, _ = race.run(2, time.perf_counter() + 0.3)
    race.close()
    assert dec is None
    assert threads[0] == {threading.get_ident()}  # the forward side: the caller's thread
    assert len(threads[1]) == 1 and threads[1] != threads[0]


def test_in_turns_with_one_thread(monkeypatch):
    data = _data()
    clock = _clock(10)
    forward: list = []
    seen = set()

    def step(side, kind):
        seen.add(threading.get_ident())
        time.sleep(0.002)

    _fake_sides(monkeypatch, step, forward)
    race = solve_mod._Race(solve_mod._searches(data, 12), clock, slice_s=0.01)
    forward.append(race.searches[0])
    assert race.threads == 1
    dec, _ = race.run(2, time.perf_counter() + 0.2)
    race.close()
    assert dec is None and seen == {threading.get_ident()}


def test_the_first_answer_ends_both_sides(monkeypatch):
    """The mirrored best-first search says "no" at its fifth turn: the race returns it long
    before its end, marked as from the mirror graph, and counts a win for its kind."""
    data = _data()
    clock = _clock(10)
    forward: list = []
    turns = {(0, "bf"): 0, (0, "dfs"): 0, (1, "bf"): 0, (1, "dfs"): 0}

    def step(side, kind):
        turns[side, kind] += 1
        if (side, kind) == (1, "bf") and turns[side, kind] == 5:
            return Decision(None, True, 7)
        time.sleep(0.002)

    _fake_sides(monkeypatch, step, forward)
    race = _race(data, 12, clock, slice_s=0.01)
    forward.append(race.searches[0])
    t0 = time.perf_counter()
    dec, mirrored = race.run(2, t0 + 5.0)
    assert time.perf_counter() - t0 < 2.0
    race.close()
    assert dec == Decision(None, True, 7) and mirrored is True
    assert race.wins == {(True, False): 1}
    assert turns[0, "bf"] > 0  # the forward side ran meanwhile


def test_an_error_in_the_second_thread_reaches_the_caller(monkeypatch):
    data = _data()
    clock = _clock(10)
    forward: list = []

    def step(side, kind):
        if side == 1:
            raise ValueError("mirrored search failed")
        time.sleep(0.002)

    _fake_sides(monkeypatch, step, forward)
    race = _race(data, 12, clock, slice_s=0.01)
    forward.append(race.searches[0])
    t0 = time.perf_counter()
    with pytest.raises(ValueError, match="mirrored search failed"):
        race.run(2, t0 + 5.0)
    assert time.perf_counter() - t0 < 2.0  # the forward side stopped too
    race.close()


@pytest.mark.parametrize(("graph", "m", "optimum"), [("BUXEY", 7, 47), ("SAWYER30", 10, 34)])
def test_solve_with_two_threads_proves_listed_optima(scholl, graph, m, optimum):
    data = read_in2(scholl / f"{graph}.IN2").problem(stations=m)
    res = solve(data, stop=MaxRuntime(20), params=SolveParams(threads=2))
    assert res.proven_optimal and res.cycle_time == optimum


def test_cli_threads_must_be_positive(scholl, capsys):
    rc = main(["solve", str(scholl / "MERTENS.IN2"), "--cycle-time", "10", "--threads", "0"])
    assert rc == 2
    assert "--threads must be at least 1" in capsys.readouterr().err
