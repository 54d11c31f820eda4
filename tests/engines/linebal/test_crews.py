"""Crews (长工序多人共做): named operators sharing an operation longer than the cycle.

A station holding a long task (over the cycle at standard time, or for its fastest
operator) may have several named operators, each doing all of its tasks on her share of the
pieces; it keeps the cycle when ``Σ c / W_o ≥ 1`` over them (shares in whole ten-thousandths
of the pieces). Checked on worked examples and against an exhaustive search written apart
from the engine."""

import math
from dataclasses import replace
from functools import cache
from itertools import combinations

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from jinxiu.engines.common import MaxRuntime
from jinxiu.engines.linebal import Operator, ProblemData, check_solution, crews, solve
from jinxiu.engines.linebal.problem import ProblemError
from jinxiu.engines.linebal.result import make_result
from tests.engines.linebal.test_solve import small_dags

SHARES = 10_080  # as the engine: divisible by every crew size up to 10
TEAM = (Operator("A", {"*": 1.2}), Operator("B", {"*": 0.8}), Operator("C", {"*": 1.0}),
        Operator("D", {"*": 1.0}))


def _line(**kw):
    # a 60 s operation before two short ones (10 s, 20 s), in 1/100 s
    return ProblemData(times=(6000, 1000, 2000), precedences=((0, 1), (1, 2)),
                       operators=TEAM, allow_split=True, **kw)


OWN = {"A": 5000, "B": 7500, "C": 6000, "D": 6000}  # their own times for the 60 s task


def test_two_operators_share_the_long_operation_at_the_takt():
    # at 31 s nobody sews the 60 s operation alone (A, the fastest, takes 50 s). Pairs that
    # keep up: A with anyone (31/50 + 31/75 = 1.03, + 31/60 = 1.14), C with D (1.03); B
    # with C or D does not (0.93). The short ones (10 s + 20 s) go to one of the others
    data = _line(cycle_time=3100)
    res = solve(data, stop=MaxRuntime(10))
    assert res.proven_optimal and res.stations == 3
    assert res.assignment == ((0,), (1, 2)) and res.replicas == (2, 1)
    crew, (other,) = res.crews
    assert crew in {("A", "B"), ("A", "C"), ("A", "D"), ("C", "D")}
    assert res.operators == (crew[0], other) and other not in crew
    # the crew's pace, 1 / (1/W + 1/W'), as two workplaces: 6000 for A and B (3000 between
    # pieces), 5455 for A and C; the other's own time for the short ones: 3000 at 1,
    # 2500 at 1.2 (A), 3750 at 0.8 (B) - over the takt, so never B
    assert res.station_times == (2 * _least_cycle([OWN[name] for name in crew]),
                                 {"A": 2500, "C": 3000, "D": 3000}[other])
    assert check_solution(data, res) == []


def _least_cycle(own) -> int:
    """The least cycle a crew of these own times keeps, counted out (shares in 1/SHARES)."""
    return next(c for c in range(1, max(own) + 1)
                if sum(SHARES * c // w for w in own) >= SHARES)


def test_a_crew_exactly_at_one_piece_is_judged_alike_everywhere():
    # 0.8 and 0.3 on a 33 s task: 41.25 s and 110 s, exactly one piece at 30 s by fractions
    # (8/11 + 3/11), 10 079 of 10 080 shares in whole shares: refused at 30 s, kept at 30.01
    pair = (Operator("A", {"*": 0.8}), Operator("B", {"*": 0.3}))
    with pytest.raises(ProblemError) as exc:
        ProblemData(times=(3300,), operators=pair, allow_split=True, cycle_time=3000)
    assert exc.value.reason == "too_long_crew"
    data = ProblemData(times=(3300,), operators=pair, allow_split=True, cycle_time=3001)
    res = solve(data, stop=MaxRuntime(10))
    assert res.stations == 2 and res.proven_optimal and check_solution(data, res) == []
    res = solve(ProblemData(times=(3300,), operators=pair, allow_split=True, stations=2),
                stop=MaxRuntime(10))
    assert res.cycle_time == 3001 == _least_cycle([4125, 11000]) and res.proven_optimal


@pytest.mark.parametrize("seed", range(6))
def test_a_pairs_cycle_is_the_same_in_the_model_and_in_the_result(seed):
    import random

    rng = random.Random(seed)
    t = rng.randint(4000, 9000)
    pair = tuple(Operator(n, {"*": rng.choice([0.8, 0.9, 1.0, 1.1, 1.2])}) for n in "AB")
    data = ProblemData(times=(t,), operators=pair, allow_split=True, stations=2)
    res = solve(data, stop=MaxRuntime(10))
    own = [math.ceil(t / o.efficiency["*"] - 1e-9) for o in pair]
    assert res.cycle_time == _least_cycle(own) and res.proven_optimal
    assert res.lower_bound == res.cycle_time and check_solution(data, res) == []


def test_without_splitting_the_long_operation_is_refused():
    with pytest.raises(ProblemError) as exc:
        ProblemData(times=(6000, 1000, 2000), precedences=((0, 1), (1, 2)), operators=TEAM,
                    cycle_time=3100)
    assert exc.value.reason == "too_long_skills"


def test_an_operation_nobody_can_keep_up_with_even_together_is_refused():
    # 60 s at 14 s: all four together manage 14/50 + 14/75 + 14/60 + 14/60 = 0.93 of a piece
    with pytest.raises(ProblemError) as exc:
        _line(cycle_time=1400)
    assert exc.value.reason == "too_long_crew" and exc.value.tasks == (0,)
    assert "4 named operator(s)" in str(exc.value)
    # alone on the line at 15 s the four make exactly one piece together
    alone = ProblemData(times=(6000,), operators=TEAM, allow_split=True, cycle_time=1500)
    res = solve(alone, stop=MaxRuntime(10))
    assert res.stations == 4 and res.crews == (("A", "C", "D", "B"),)
    assert check_solution(alone, res) == []


def test_highest_output_with_crews():
    # three operators: all three share the whole garment at 28.13 s, 1/(1/7500+2/9000)
    # = 2812.5; a crew of four is not allowed there (the 60 s operation asks for three)
    res = solve(_line(stations=3), stop=MaxRuntime(10))
    assert res.proven_optimal and res.cycle_time == 2813
    assert res.crews == (("A", "C", "D"),)
    # four: A, B and C or D on the first two (62.5, 87.5, 70: 2333.6 between pieces), the
    # other of C and D alone on the last (20 s)
    res = solve(_line(stations=4), stop=MaxRuntime(10))
    assert res.proven_optimal and res.cycle_time == 2334
    twin = {"D": "C", "C": "D"}  # C and D are alike: either may take either place
    assert res.assignment == ((0, 1), (2,))
    assert res.crews in ((("A", "C", "B"), ("D",)), (("A", "D", "B"), ("C",)))
    assert twin[res.crews[1][0]] == res.crews[0][1]


def test_the_rules_give_a_start_with_crews():
    # the rules (crews.py): 甲 alone cannot set sleeves in 31 s, so the fewest free
    # operators who keep up together, fastest first, take it: 甲 (50 s) and 丙 (60 s), 1.14
    # of a piece. With the 10 s operation too they would manage 31/58.34 + 31/70 = 0.97 of
    # a piece, so it goes to the next station, with 乙 or 丁 and the 20 s one
    data = _line(cycle_time=3100)
    start = crews.crew_start(data, 3100)
    assert start is not None and sum(start.replicas) == 3
    assert start.plan[0] == [0] and start.crews[0] == [0, 2]  # A and C, as indices
    res = make_result(data, start.plan, cycle_time=3100, lower_bound=0, proven=False,
                      runtime_s=0.0, stop_reason="time_limit", crews=start.crews)
    assert check_solution(data, res) == []
    # highest output with three: the least cycle at which the rules' crews fit three
    found = crews.crew_cycle(_line(stations=3), 2500, 4000)
    assert found is not None and sum(found.replicas) <= 3 and found.cycle >= 2813
    assert crews.crew_cycle(_line(stations=3), 2500, 2812) is None  # below the optimum


def _result(data, stations, crews, cycle=None):
    names = [o.name for o in data.operators]
    return make_result(data, stations, cycle_time=cycle, lower_bound=0, proven=False,
                       runtime_s=0.0, stop_reason="time_limit",
                       crews=[[names.index(x) for x in crew] for crew in crews])


def test_the_checker_reports_wrong_crews():
    data = _line(cycle_time=3100)
    assert check_solution(data, _result(data, [[0], [1, 2]], [["A", "B"], ["C"]],
                                        3100)) == []
    # B and D together: 31/75 + 31/60 = 0.93, short of a piece
    assert check_solution(data, _result(data, [[0], [1, 2]], [["B", "D"], ["C"]], 3100)) == [
        "station 1: load 6668 > 2 x cycle 3100"]  # 2 x 3334: 1 / (1/7500 + 1/6000) = 3333.3
    # a crew where no operation is long, and a crew bigger than its long operation allows
    assert check_solution(data, _result(data, [[0], [1, 2]], [["A", "B"], ["C", "D"]],
                                        3100)) == [
        "station 2: a crew of 2, more than its tasks allow at cycle 3100 (1)"]
    assert check_solution(data, _result(data, [[0], [1, 2]], [["A", "B", "D"], ["C"]],
                                        3100)) == [
        "station 1: a crew of 3, more than its tasks allow at cycle 3100 (2)"]
    assert check_solution(data, _result(data, [[0], [1, 2]], [["A", "B"], ["A"]], 3100)) == [
        "an operator works at two stations"]
    both = {"lockstitch": 1.0, "overlock": 1.0}
    typed = ProblemData(times=(5000, 500), machine_types=("lockstitch", "overlock"),
                        operators=(Operator("E", {"lockstitch": 1.0}), Operator("F", both),
                                   Operator("G", both)),
                        compatible=frozenset({frozenset(both)}), allow_split=True,
                        cycle_time=3000)
    fine = _result(typed, [[0, 1]], [["F", "G"]], 3000)
    assert check_solution(typed, fine) == []
    assert check_solution(typed, replace(fine, crews=(("F", "E"),))) == [
        "station 1: E cannot run overlock (task 2)"]


# --------------------------------------------------------------------- exhaustive search
TYPES = ["lockstitch", "overlock", "iron"]


def _together(a, b) -> bool:  # iron goes with anything
    return a == b or "iron" in (a, b)


def _own(times, types, team, o, i) -> int | None:
    f = team[o].get(types[i], 0)
    return None if f <= 0 else math.ceil(times[i] / f - 1e-9)


def _cap(times, types, team, i, c) -> int:
    """The crew a task allows at ``c``, written out apart from the engine's."""
    own = sorted(x for o in range(len(team)) if (x := _own(times, types, team, o, i)))
    if max(times[i], own[0]) <= c:
        return 1
    need = next(k for k in range(1, len(own) + 1)
                if sum(c / x for x in own[:k]) >= 1 - 1e-12) if sum(
        c / x for x in own) >= 1 - 1e-12 else len(own)
    return max(2, -(-times[i] // c), need)


def min_operators(times, arcs, types, team, c, machines) -> int | None:
    """Fewest operators at cycle ``c``: stations in line order, each a set of tasks closed
    under precedence with a crew of distinct operators who run all its types; a crew of one
    keeps ``W ≤ c``, a larger one ``Σ floor(SHARES c / W) ≥ SHARES`` and no more members
    than a task of the station allows; a limited type takes a machine per member."""
    n = len(times)
    pred = [0] * n
    for i, j in arcs:
        pred[j] |= 1 << i
    full = (1 << n) - 1

    def keeps(sub, crew) -> bool:
        tasks = [k for k in range(n) if sub >> k & 1]
        if not all(_together(types[a], types[b]) for a, b in combinations(tasks, 2)):
            return False
        loads = []
        for o in crew:
            mine = [_own(times, types, team, o, k) for k in tasks]
            if None in mine:
                return False
            loads.append(sum(mine))
        if len(crew) == 1:
            return loads[0] <= c
        if len(crew) > max(_cap(times, types, team, k, c) for k in tasks):
            return False
        return sum(SHARES * c // w for w in loads) >= SHARES

    @cache
    def best(done: int, used: int, taken: tuple) -> float:
        if done == full:
            return 0
        rest = full & ~done
        free = [o for o in range(len(team)) if not used >> o & 1]
        out = float("inf")
        sub = rest
        while sub:
            if all(not (sub >> k & 1) or not (pred[k] & ~(done | sub)) for k in range(n)):
                kinds = {types[k] for k in range(n) if sub >> k & 1}
                for size in range(1, len(free) + 1):
                    now = tuple(x + size * (kind in kinds)
                                for x, kind in zip(taken, machines, strict=True))
                    if any(x > machines[kind] for x, kind in zip(now, machines, strict=True)):
                        break
                    for crew in combinations(free, size):
                        if keeps(sub, crew):
                            mask = sum(1 << o for o in crew)
                            out = min(out, size + best(done | sub, used | mask, now))
            sub = (sub - 1) & rest
        return out

    value = best(0, 0, (0,) * len(machines))
    return None if value == float("inf") else int(value)


@st.composite
def crew_lines(draw):
    times, arcs = draw(small_dags(max_tasks=4))
    n = len(times)
    types = [draw(st.sampled_from(TYPES)) for _ in range(n)]
    team = []
    for _ in range(draw(st.integers(2, 4))):
        runs = ["lockstitch", *(["overlock"] if draw(st.booleans()) else [])]
        team.append({**{k: draw(st.sampled_from([0.8, 1.0, 1.25])) for k in runs},
                     "iron": 1.0})
    machines = draw(st.sampled_from([{}, {"overlock": 2}]))
    return times, arcs, types, team, machines


def _problem(times, arcs, types, team, machines, **kw):
    return ProblemData(
        times=tuple(times), precedences=tuple(arcs), machine_types=tuple(types),
        universal=frozenset({"iron"}), allow_split=True,
        operators=tuple(Operator(f"o{k}", eff) for k, eff in enumerate(team)),
        machines=machines, **kw)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(crew_lines(), st.integers(3, 6))
def test_salbp1_with_crews_matches_exhaustive_search(line, share):
    times, arcs, types, team, machines = line
    c = max(2, max(times) * share // 6)  # mostly shorter than the longest task
    try:
        data = _problem(times, arcs, types, team, machines, cycle_time=c)
    except ProblemError as exc:
        event(f"refused: {exc.reason}")
        if exc.reason in ("too_long_crew", "operator_load", "type_chain", "skill_chain",
                          "machine_chain"):
            assert min_operators(times, arcs, types, team, c, machines) is None
        return
    want = min_operators(times, arcs, types, team, c, machines)
    res = solve(data, stop=MaxRuntime(10))
    if want is None:
        event("infeasible")
        assert not res.assignment
        return
    event("crew" if any(r > 1 for r in res.replicas) else "one each")
    assert res.stations == want and res.proven_optimal
    assert check_solution(data, res) == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(crew_lines(), st.integers(1, 4))
def test_salbp2_with_crews_matches_exhaustive_search(line, m):
    times, arcs, types, team, machines = line
    m = min(m, len(team))
    try:
        data = _problem(times, arcs, types, team, machines, stations=m)
    except ProblemError as exc:
        event(f"refused: {exc.reason}")
        return
    top = 2 * sum(times)  # every task at 0.8 at one station is below this
    want = next((c for c in range(1, top + 1)
                 if (k := min_operators(times, arcs, types, team, c, machines)) is not None
                 and k <= m), None)
    res = solve(data, stop=MaxRuntime(10))
    if want is None:
        event("infeasible")
        assert not res.assignment
        return
    event("crew" if any(r > 1 for r in res.replicas) else "one each")
    assert res.cycle_time == want and res.proven_optimal
    assert res.stations <= m and check_solution(data, res) == []


def test_a_crew_needs_a_machine_each_and_says_so_up_front():
    # the 60 s lockstitch task at 31 s needs two of the team; the line has one lockstitch
    team = tuple(Operator(o.name, {"lockstitch": o.efficiency["*"]}) for o in TEAM)
    with pytest.raises(ProblemError) as exc:
        ProblemData(times=(6000,), machine_types=("lockstitch",), operators=team,
                    allow_split=True, machines={"lockstitch": 1}, cycle_time=3100)
    assert exc.value.reason == "machines" and exc.value.values["need"] == 2
    data = ProblemData(times=(6000,), machine_types=("lockstitch",), operators=team,
                       allow_split=True, machines={"lockstitch": 2}, cycle_time=3100)
    res = solve(data, stop=MaxRuntime(10))
    assert res.stations == 2 and check_solution(data, res) == []
