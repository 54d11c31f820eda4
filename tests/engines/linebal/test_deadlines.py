"""Deadlines tracked in the load enumeration (kdue._due_plan, _due_ok, _due_met): the
searches with them give the brute-force answers, and on a Scholl decision they expand
exactly the nodes of the deadline cut on whole loads (kdue._late_cut) in fewer steps."""

from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jinxiu.engines.linebal import cbfs, read_in2
from jinxiu.engines.linebal.bbr import Salbp1
from jinxiu.engines.linebal.cbfs import Bbr

from .test_kernels import _both, _finish, _valid, tens_case
from .test_solve import small_dags


def _decide(bbr: Bbr, m: int, kind: str):
    if kind == "bfs":
        return _finish(bbr.decide(m))
    return _finish(bbr.decide_dfs(m, fullest_first=kind == "dfs-fullest"))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_dags(max_tasks=10), st.integers(0, 40), st.booleans(),
       st.sampled_from(["bfs", "dfs", "dfs-fullest"]))
def test_tracked_deadlines_equal_brute_force(brute, dag, extra, due, kind):
    """Times of tens of units and tight cycle times, so that latest stations and their
    deadlines bind; with the tracking on and off, every search gives the brute-force
    answer ("no" at one station less included)."""
    data, opt = tens_case(brute, dag, extra)
    with mock.patch.object(cbfs, "DUE", int(due)):
        for bbr, mirrored in _both(data):
            yes = _decide(bbr, opt, kind)
            assert yes.stations is not None and len(yes.stations) <= opt
            assert _valid(data, yes.stations, mirrored)
            if opt > 1:
                no = _decide(bbr, opt - 1, kind)
                assert no.stations is None and no.complete


@pytest.mark.parametrize("kind", ["bfs", "dfs"])
def test_same_nodes_fewer_steps(scholl, kind):
    """ARC83, 17 stations at c = 4501 (a "no"; the optimum is 4516): both searches expand
    and store the same nodes with the tracked deadlines as with the cut on whole loads,
    and the partial loads dropped early save enumeration steps (743 285 against 754 817
    in the best-first search). Without the task floors (``floors.py``), which settle this
    "no" in 4 nodes."""
    data = read_in2(scholl / "ARC83.IN2")
    stats = {}
    for due in (0, 1):
        with mock.patch.object(cbfs, "DUE", due), mock.patch.object(cbfs, "TASK_FLOORS", False):
            bbr = Bbr(Salbp1(data.times, data.precedences, 4501))
            dec = _decide(bbr, 17, kind)
        assert dec.stations is None and dec.complete
        stats[due] = bbr.stats
    assert stats[1][:2] == stats[0][:2]
    assert stats[1][2] < stats[0][2]
    if kind == "bfs":
        assert stats == {0: (2095, 1988, 754817), 1: (2095, 1988, 743285)}


def test_depth_first_without_room_for_the_table(scholl):
    """A depth-first search whose deadline table would exceed DUE_WORDS goes without it
    (the cut on whole loads) and gives the same answer and nodes."""
    data = read_in2(scholl / "ARC83.IN2")
    stats = {}
    for words in (cbfs.DUE_WORDS, 10):
        with mock.patch.object(cbfs, "DUE_WORDS", words):
            bbr = Bbr(Salbp1(data.times, data.precedences, 4501))
            dec = _decide(bbr, 17, "dfs")
        assert dec.stations is None and dec.complete
        stats[words] = bbr.stats
    big, small = stats[cbfs.DUE_WORDS], stats[10]
    assert big[:2] == small[:2] and big[2] < small[2]
    assert cbfs.DUE == 1  # on by default
