"""Idle time kept back from the station being filled: the reserve of ``cbfs.link_ends``
(the far end of every line leaves at least c minus the mirror graph's fullest first load;
every station but the m-th) and the task floors of ``floors.py`` (tasks that need stations
of their own). Soundness on random graphs is in the brute-force tests of ``test_cbfs.py``
and ``test_kernels.py``, whose searches are linked the same way and have the floors on."""

from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jinxiu.engines.linebal import ProblemData, cbfs, read_in2
from jinxiu.engines.linebal.bbr import Salbp1
from jinxiu.engines.linebal.cbfs import Bbr
from jinxiu.engines.linebal.floors import separate_tasks, task_floors

from .test_solve import small_dags


def _pair(data, c: int) -> tuple[Bbr, Bbr]:
    return (Bbr(Salbp1(data.times, data.precedences, c)),
            Bbr(Salbp1(data.times, [(j, i) for i, j in data.precedences], c)))


def _finish(gen):
    try:
        while True:
            next(gen)
    except StopIteration as stop:
        return stop.value


def test_reserves_on_a_chain_by_hand():
    # 4 -> 4 -> 4 at c = 7: every station holds one task, so either end leaves 3
    data = ProblemData(times=(4, 4, 4), precedences=((0, 1), (1, 2)), cycle_time=7)
    fwd, rev = _pair(data, 7)
    assert (fwd.reserve, rev.reserve) == (0, 0)
    cbfs.link_ends(fwd, rev)
    assert (fwd.reserve, rev.reserve) == (3, 3)


def test_reserves_on_arc83_and_arc111(scholl):
    """ARC83 at c = 4503: the last station leaves at least 362, the first 9; ARC111 at
    c = 7182: the first leaves 398 of the 423 units that 21 stations allow, the last 0."""
    arc83 = read_in2(scholl / "ARC83.IN2")
    fwd, rev = _pair(arc83, 4503)
    cbfs.link_ends(fwd, rev)
    assert (fwd.reserve, rev.reserve) == (362, 9)
    arc111 = read_in2(scholl / "ARC111.IN2")
    fwd, rev = _pair(arc111, 7182)
    cbfs.link_ends(fwd, rev)
    assert (fwd.reserve, rev.reserve) == (0, 398)
    assert 21 * 7182 - sum(arc111.times) == 423


def test_a_fullest_load_not_proven_gives_no_reserve(scholl):
    arc111 = read_in2(scholl / "ARC111.IN2")
    fwd, rev = _pair(arc111, 7182)
    cbfs.link_ends(fwd, rev, steps_cap=1)  # the forward fullest load needs 7 steps
    assert rev.reserve == 0


def test_the_reserves_settle_a_no_and_keep_a_plan(scholl):
    """ARC83, 17 stations, task floors off: the last station leaves at least 362 at
    c = 4503 and the last two 478 (of the 844 units of idle time): the "no" at 4503 in 4
    nodes instead of 6 142; the plan at 4516 is still found, its last station leaving at
    least the reserve and its last two the second one."""
    arc83 = read_in2(scholl / "ARC83.IN2")
    with mock.patch.object(cbfs, "TASK_FLOORS", False):
        plain, _ = _pair(arc83, 4503)
        linked, rev = _pair(arc83, 4503)
        cbfs.link_ends(linked, rev)
        answers = [_finish(b.decide(17)) for b in (plain, linked)]
    assert all(a.stations is None and a.complete for a in answers)
    assert (linked.reserve, linked.reserve2) == (362, 478)
    assert (plain.stats[0], linked.stats[0]) == (6142, 4)
    fwd, rev = _pair(arc83, 4516)
    cbfs.link_ends(fwd, rev)
    plan = _finish(fwd.decide(17)).stations
    assert plan is not None and len(plan) == 17
    idle = [4516 - sum(arc83.times[i] for i in st) for st in plan]
    assert max(idle) >= 0 and idle[-1] >= fwd.reserve == 375
    assert idle[-1] + idle[-2] >= fwd.reserve2 > fwd.reserve


def _by_file_number(core: Salbp1, tasks) -> list[tuple[int, int]]:
    return [(core.orig[j] + 1, core.t[j]) for j in tasks]


def test_task_floors_by_hand():
    """c = 10, times 7, 2, 5, 6, task 0 before task 1. Task 0 (room 3) can take only task
    1 (2): it leaves 1. Task 1 (room 8) takes 7 at most: 1. Task 2 (room 5) takes task 1:
    3. Task 3 (room 4) takes task 1: 2. Tasks 2, 3 and 0 cannot share pairwise (5 + 6,
    7 + 5, 7 + 6 > 10): three stations that leave 3 + 2 + 1 units at least."""
    core = Salbp1((7, 2, 5, 6), ((0, 1),), 10)
    floors = task_floors(core)
    assert core.orig == [0, 1, 2, 3] and floors == [1, 1, 3, 2]
    assert separate_tasks(core, floors) == [2, 3, 0]


def test_task_floors_count_the_tasks_between():
    """A chain 0 -> 1 -> 2 with times 3, 5, 3 at c = 7: neighbours do not fit together, and
    tasks 0 and 2 could share only with task 1 between them (3 + 5 + 3 > 7): each station
    holds one task, leaving 4, 2 and 4, and all three need stations of their own."""
    core = Salbp1((3, 5, 3), ((0, 1), (1, 2)), 7)
    floors = task_floors(core)
    assert floors == [4, 2, 4]
    assert separate_tasks(core, floors) == [0, 2, 1]


def test_task_floors_on_arc83(scholl):
    """ARC83 at c = 4515: tasks 83 (3 691 units), 82 (1 300), 1 (1 673) and 6 (2 881) of
    the file need stations of their own, which leave at least 374, 128, 21 and 17 of the
    1 048 units of idle time that 17 stations allow."""
    arc83 = read_in2(scholl / "ARC83.IN2")
    core = Salbp1(arc83.times, arc83.precedences, 4515)
    floors = task_floors(core)
    apart = separate_tasks(core, floors)
    assert _by_file_number(core, apart) == [(83, 3691), (82, 1300), (1, 1673), (6, 2881)]
    assert [floors[j] for j in apart] == [374, 128, 21, 17]
    assert 17 * 4515 - sum(arc83.times) == 1048


def test_task_floors_settle_a_no_in_a_few_nodes(scholl):
    """ARC83, 17 stations, forward best-first without the reserves of ``link_ends``: the
    "no" at 4515 (the optimum is 4516) expands 16 669 nodes with the floors, 119 489
    without; the plan at 4516 is found either way (with the reserves too)."""
    arc83 = read_in2(scholl / "ARC83.IN2")
    nodes = {}
    for on in (False, True):
        with mock.patch.object(cbfs, "TASK_FLOORS", on):
            fwd, _ = _pair(arc83, 4515)
            answer = _finish(fwd.decide(17))
            assert answer.stations is None and answer.complete
            nodes[on] = fwd.stats[0]
            fwd, rev = _pair(arc83, 4516)
            cbfs.link_ends(fwd, rev)
            assert len(_finish(fwd.decide(17)).stations) == 17
    assert nodes == {False: 119_489, True: 16_669}


def _least_two_station_idle(times, arcs, c) -> int:
    """By brute force: the least idle time of two first stations (both non-empty)."""
    n = len(times)
    pred = [0] * n
    for i, j in arcs:
        pred[j] |= 1 << i

    def ideal(mask):
        return all(not (mask >> v) & 1 or pred[v] & ~mask == 0 for v in range(n))

    def load(mask):
        return sum(times[v] for v in range(n) if (mask >> v) & 1)

    best = None
    for first in range(1, 1 << n):
        if not ideal(first) or load(first) > c:
            continue
        rest = ((1 << n) - 1) & ~first
        second = rest
        while second:
            if ideal(first | second) and load(second) <= c:
                idle = 2 * c - load(first) - load(second)
                best = idle if best is None else min(best, idle)
            second = (second - 1) & rest
    return best


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_dags(max_tasks=7), st.integers(0, 6))
def test_the_second_reserve_equals_brute_force(dag, extra):
    times, arcs = dag
    c = max(times) + extra
    bbr = Bbr(Salbp1(times, arcs, c))
    first = c - cbfs._proven_fullest(bbr, 0, 10**6)
    want = _least_two_station_idle(times, arcs, c)
    got = cbfs._first_two_idle(bbr, first, 10**6, loads_cap=10**6, frames_cap=10**6)
    if want is None:  # one station holds every task: nothing to say about two
        return
    assert got == max(first, want)


def test_the_second_reserve_gives_up_on_a_wide_end(scholl):
    """ARC111's last station has thousands of loads: past the caps the second reserve is
    the first one (0 at c = 7182), not a guess from the loads seen."""
    arc111 = read_in2(scholl / "ARC111.IN2")
    fwd, rev = _pair(arc111, 7182)
    cbfs.link_ends(fwd, rev)
    assert (fwd.reserve, fwd.reserve2) == (0, 0) and (rev.reserve, rev.reserve2) == (398, 398)
    assert cbfs._first_two_idle(rev, 0, 200_000, loads_cap=10, frames_cap=10) == 0
