"""The long-task bound (``bounds.long_test``): tasks over c/(k + 1) are at most k to a
station, and the short tasks that cannot join j long ones need the stations with fewer."""

import csv

from hypothesis import given, settings
from hypothesis import strategies as st

from jinxiu.engines.common import MaxRuntime
from jinxiu.engines.linebal import ProblemData, check_solution, read_in2, solve
from jinxiu.engines.linebal.bbr import Salbp1
from jinxiu.engines.linebal.bounds import (
    _packs,
    lb1,
    lb3,
    long_bound,
    long_test,
    martello_toth_l2,
    salbp1_lower_bound,
    salbp2_lower_bound,
)
from jinxiu.engines.linebal.cbfs import Bbr

SIX_FOURS = [4, 4, 4, 4, 4, 4, 3, 3]  # c = 10: three pairs of 4s are full, the 3s need a 4th


def test_worked_example():
    # long: six 4s (> 10/3), two 4s leave 2, so both 3s sit in stations with at most one 4
    assert (lb1(SIX_FOURS, 10), lb3(SIX_FOURS, 10), martello_toth_l2(SIX_FOURS, 10)) == (3, 3, 3)
    assert not long_test(SIX_FOURS, 10, 3, 2)  # p = 3 pairs, no other station for 3 + 3
    assert long_test(SIX_FOURS, 10, 4, 2)  # p = 3, r = 1: 10 >= 6
    assert long_bound(SIX_FOURS, 10, (2,)) == 4
    # one long task less: p = 2, q = 1 leaves 10 - 4 = 6 for the 3s, 3 stations may do
    assert long_test([4, 4, 4, 4, 4, 3, 3], 10, 3, 2)
    # a 2 fits beside two 4s: nothing is forced out
    assert long_test([4, 4, 4, 4, 4, 4, 2, 2], 10, 3, 2)
    assert long_bound([], 10, (2,)) == 0 and long_bound([7], 10, (2,)) == 1


def test_worked_example_three_to_a_station():
    # c = 20: 6s are over 20/4, so at most three share a station (24 > 20)
    sizes = [6] * 10
    assert (lb1(sizes, 20), lb3(sizes, 20), martello_toth_l2(sizes, 20)) == (3, 0, 3)
    assert not long_test(sizes, 20, 3, 3) and long_bound(sizes, 20) == 4
    # nine 6s fill three stations three each (18), and a 3 does not fit beside them
    sizes = [6] * 9 + [3]
    assert (lb1(sizes, 20), martello_toth_l2(sizes, 20), long_bound(sizes, 20, (2,))) == (3, 3, 3)
    assert not long_test(sizes, 20, 3, 3) and long_test(sizes, 20, 4, 3)
    assert long_bound(sizes, 20) == 4


def test_short_items_packed_into_the_rooms():
    # four rooms of 41, 41, 63, 63: nine 21s and one 20 -> 22 + 21 + 20 is the only way
    # to put two into a 41, so 2 + 1 + 3 + 3 = 9 < 10
    assert _packs([21] * 9 + [20], [41, 41, 63, 63]) is False
    assert _packs([21] * 8 + [20], [41, 41, 63, 63]) is True
    assert _packs([21, 20], [41]) is True and _packs([21, 21], [41]) is False
    assert _packs([3] * 40, [10] * 20, node_cap=5) is None  # gave up: "may fit"


def test_line_with_the_pair_bound_is_proven():
    data = ProblemData(times=tuple(SIX_FOURS), precedences=((0, 6), (1, 7)), cycle_time=10)
    assert salbp1_lower_bound(data.times, 10) == 4
    res = solve(data, stop=MaxRuntime(5))
    assert (res.stations, res.lower_bound, res.proven_optimal) == (4, 4, True)
    assert check_solution(data, res) == []


def test_wee_mag_optima_at_the_root(scholl):
    times = read_in2(scholl / "WEE-MAG.IN2").times
    # Scholl's optima 32, 32, 31, 31 (c = 49 .. 54): LB1-LB3 and L2 stop one or two below
    for c, opt, old in ((49, 32, 31), (50, 32, 30), (52, 31, 30), (54, 31, 30)):
        assert long_bound(times, c, (2,)) == opt, c
        assert max(lb1(times, c), lb3(times, c), martello_toth_l2(times, c)) == old, c
    assert long_bound(times, 47, (2,)) == 32  # c = 47: the sources say 32 or 33; not settled here
    # SALBP-2, 27 stations: 50 tasks of 22-27 and nine of 21 do not fit at c = 64
    assert not long_test(times, 64, 27, 2) and salbp2_lower_bound(times, 27) == 65
    # 19 stations: 59 tasks over 80/4 do not fit three to a station (57); at c = 84 the
    # 50 of 22-27 do, but the 21s and the 20 find no room (below): 85, listed 84
    assert not long_test(times, 80, 19, 3) and not long_test(times, 84, 19, 3)
    # 18 stations at c = 86: the nine 21s cannot join three long tasks (22 * 3 = 66 > 65)
    # and the stations with fewer have 188 left for their 189; listed 84, proven here 87
    assert not long_test(times, 86, 18, 3) and salbp2_lower_bound(times, 18) == 87
    # 28 stations at c = 63: the sums allow it (p = 24: 2 * 41 + 2 * 63 = 208 for the
    # short tasks of 20-21, 209 needed, p = 23 leaves 227), but a station with one long
    # task holds two of them only as 22 + 21 + 20, and there is one 20: listed 63, here 64
    assert not long_test(times, 63, 28, 2) and long_test(times, 64, 28, 2)
    assert salbp2_lower_bound(times, 28) == 64
    assert salbp2_lower_bound(times, 19) == 85  # listed 84


def _rows(folder, name):
    with open(folder / name, newline="") as fh:
        return list(csv.DictReader(fh))


def test_never_above_the_known_optima(scholl):
    graphs = {}
    for r in _rows(scholl, "optima_salbp1.csv"):
        g = graphs.setdefault(r["graph"], read_in2(scholl / f"{r['graph']}.IN2"))
        c, opt = int(r["cycle_time"]), int(r["optimal_stations"])
        assert Bbr(Salbp1(g.times, g.precedences, c)).lower_bound() <= opt, (r["graph"], c)
    for r in _rows(scholl, "optima_salbp2.csv"):
        if r["graph"] == "SCHOLL":  # slow; its tasks are far shorter than c/3
            continue
        g = graphs[r["graph"]]
        m, opt = int(r["stations"]), int(r["optimal_cycle_time"])
        if r["graph"] == "WEE-MAG" and m in (18, 19, 27, 28):
            # the listed values (table T2, only their lower side re-checked) are
            # contradicted by the counting arguments of test_wee_mag_optima_at_the_root
            assert opt == {18: 84, 19: 84, 27: 63, 28: 63}[m]
            continue
        assert salbp2_lower_bound(g.times, m) <= opt, (r["graph"], m)


def _l2_by_passes(times, c):
    """Martello & Toth's L2 the plain way: one pass over the tasks per threshold."""
    best = 0
    for k in sorted({0, *(x for x in times if 2 * x <= c)}):
        n1 = sum(1 for x in times if x > c - k)
        big = [x for x in times if 2 * x > c and x <= c - k]
        s3 = sum(x for x in times if k <= x and 2 * x <= c)
        best = max(best, n1 + len(big) + max(0, -(-(s3 - (len(big) * c - sum(big))) // c)))
    return best


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(1, 40), min_size=1, max_size=30), st.integers(0, 30))
def test_l2_by_bisection_equals_the_plain_passes(times, extra):
    c = max(times) + extra
    assert martello_toth_l2(times, c) == _l2_by_passes(times, c)
