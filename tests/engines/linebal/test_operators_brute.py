"""Named operators (操作工) against an exhaustive search: the engine's optimum and proof
on tiny lines equal the best over every precedence-closed station sequence and every
distinct operator per station (independent of the engine's models and rules)."""

import math
from functools import cache
from itertools import combinations

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from jinxiu.engines.common import MaxRuntime, StopReason
from jinxiu.engines.linebal import Operator, ProblemData, check_solution, solve
from jinxiu.engines.linebal.problem import ProblemError
from tests.engines.linebal.test_solve import small_dags

TYPES = ["lockstitch", "overlock", "iron", "coverstitch"]
SEWING = ["lockstitch", "overlock", "coverstitch"]


def _together(a, b) -> bool:  # the garment table: iron goes with anything, lock + cover
    return a == b or "iron" in (a, b) or {a, b} == {"lockstitch", "coverstitch"}


def min_stations(times, arcs, types, team, c, machines) -> int | None:
    """Fewest stations at cycle ``c``, each a distinct operator doing its tasks in her
    own times ceil(t / efficiency), machine types compatible, machine counts kept."""
    n = len(times)
    pred = [0] * n
    for i, j in arcs:
        pred[j] |= 1 << i
    full = (1 << n) - 1

    def own(o, i) -> int | None:
        f = team[o].get(types[i], 0)
        return None if f <= 0 else math.ceil(times[i] / f - 1e-9)

    def fits(o, sub) -> bool:
        tasks = [k for k in range(n) if sub >> k & 1]
        if not all(_together(types[a], types[b]) for a, b in combinations(tasks, 2)):
            return False
        mine = [own(o, k) for k in tasks]
        return None not in mine and sum(mine) <= c

    @cache
    def best(done: int, used: int, taken: tuple) -> float:
        if done == full:
            return 0
        rest = full & ~done
        out = float("inf")
        sub = rest
        while sub:
            if all(not (sub >> k & 1) or not (pred[k] & ~(done | sub)) for k in range(n)):
                kinds = {types[k] for k in range(n) if sub >> k & 1}
                now = tuple(x + (kind in kinds) for x, kind in zip(taken, machines, strict=True))
                if all(x <= machines[kind] for x, kind in zip(now, machines, strict=True)):
                    for o in range(len(team)):
                        if not used >> o & 1 and fits(o, sub):
                            out = min(out, 1 + best(done | sub, used | 1 << o, now))
            sub = (sub - 1) & rest
        return out

    value = best(0, 0, (0,) * len(machines))
    return None if value == float("inf") else int(value)


@st.composite
def named_lines(draw):
    times, arcs = draw(small_dags(max_tasks=5))
    n = len(times)
    types = [draw(st.sampled_from(TYPES)) for _ in range(n)]
    team = []
    for _ in range(draw(st.integers(1, 3))):
        runs = draw(st.lists(st.sampled_from(SEWING), min_size=1, max_size=3, unique=True))
        team.append({**{k: draw(st.sampled_from([0.5, 0.8, 1.0, 1.25])) for k in runs},
                     "iron": 1.0})
    machines = draw(st.sampled_from([{}, {"overlock": 1}]))
    return times, arcs, types, team, machines


def _problem(times, arcs, types, team, machines, **kw):
    return ProblemData(
        times=tuple(times), precedences=tuple(arcs), machine_types=tuple(types),
        universal=frozenset({"iron"}),
        compatible=frozenset({frozenset({"lockstitch", "coverstitch"})}),
        operators=tuple(Operator(f"o{k}", eff) for k, eff in enumerate(team)),
        machines=machines, **kw)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(named_lines(), st.integers(0, 3))
def test_salbp1_with_named_operators_matches_exhaustive_search(line, slack):
    times, arcs, types, team, machines = line
    c = max(times) + slack * 3
    try:
        data = _problem(times, arcs, types, team, machines, cycle_time=c)
    except ProblemError as exc:  # refused up front (no operator runs a type, ...)
        if exc.reason in ("type_chain", "machine_chain", "skill_chain"):  # chains need more
            assert min_stations(times, arcs, types, team, c, machines) is None
        return
    want = min_stations(times, arcs, types, team, c, machines)
    res = solve(data, stop=MaxRuntime(10))
    event("infeasible" if want is None else f"{want} stations")
    if want is None:
        assert not res.assignment and res.stop_reason == StopReason.INFEASIBLE
        return
    assert res.stations == want and res.proven_optimal and res.lower_bound == want
    assert check_solution(data, res) == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(named_lines(), st.integers(1, 3))
def test_salbp2_with_named_operators_matches_exhaustive_search(line, m):
    times, arcs, types, team, machines = line
    m = min(m, len(team))
    # the least cycle at which m stations do: the loads take few values, so count upwards
    # from the bound every plan respects (the fastest operator on each task, one station)
    top = 2 * sum(times) * 2 + 1  # every task at efficiency 0.5, all at one station
    try:
        data = _problem(times, arcs, types, team, machines, stations=m)
    except ProblemError as exc:
        if exc.reason in ("type_chain", "machine_chain", "skill_chain"):  # at any cycle
            k = min_stations(times, arcs, types, team, top, machines)
            event("refused: chain")
            assert k is None or k > m
        return
    want = next((c for c in range(1, top + 1)
                 if (k := min_stations(times, arcs, types, team, c, machines)) is not None
                 and k <= m), None)
    res = solve(data, stop=MaxRuntime(10))
    event("infeasible" if want is None else "solved")
    if want is None:
        assert not res.assignment
        return
    assert res.cycle_time == want and res.proven_optimal and res.lower_bound == want
    assert res.stations <= m and check_solution(data, res) == []
