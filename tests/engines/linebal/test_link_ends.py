"""The reserve of ``cbfs.link_ends``: the idle time that the far end of every line leaves
(the mirror graph's fullest first load), kept back from every station but the m-th.
Soundness on random graphs is in the brute-force tests of ``test_cbfs.py`` and
``test_kernels.py``, whose searches are linked the same way."""

from jinxiu.engines.linebal import ProblemData, cbfs, read_in2
from jinxiu.engines.linebal.bbr import Salbp1
from jinxiu.engines.linebal.cbfs import Bbr


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


def test_the_reserve_cuts_loads_not_answers(scholl):
    """ARC83, 17 stations: the "no" at 4503 with a quarter of the enumeration steps, the
    same task sets stored; the plan at 4516 is still found, its last station leaving at
    least the reserve."""
    arc83 = read_in2(scholl / "ARC83.IN2")
    plain, _ = _pair(arc83, 4503)
    linked, rev = _pair(arc83, 4503)
    cbfs.link_ends(linked, rev)
    answers = [_finish(b.decide(17)) for b in (plain, linked)]
    assert all(a.stations is None and a.complete for a in answers)
    (_, pool0, steps0), (_, pool1, steps1) = plain.stats, linked.stats
    assert pool1 == pool0 and 4 * steps1 < steps0
    fwd, rev = _pair(arc83, 4516)
    cbfs.link_ends(fwd, rev)
    plan = _finish(fwd.decide(17)).stations
    assert plan is not None and len(plan) == 17
    loads = [sum(arc83.times[i] for i in st) for st in plan]
    assert max(loads) <= 4516 and 4516 - loads[-1] >= fwd.reserve == 375
