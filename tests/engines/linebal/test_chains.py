"""Chains of operations that need a new station at every step (机种交替链): machine types
that cannot share a station, or zoning, along a precedence path set a least station
count whatever the cycle time. Worked examples, the refusal, and an exhaustive check."""

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from jinxiu.engines.common import MaxRuntime
from jinxiu.engines.linebal import Operator, ProblemData, check_solution, read_in2, solve
from jinxiu.engines.linebal.chains import interval_bound, levels, machine_chain
from jinxiu.engines.linebal.problem import ProblemError
from tests.engines.linebal.test_solve import small_dags

# compatibility that is not transitive: lockstitch goes with coverstitch and with bartack,
# overlock with coverstitch and with bartack; overlock-lockstitch and coverstitch-bartack
# never share a station
PAIRS = [("overlock", "coverstitch"), ("lockstitch", "coverstitch"),
         ("lockstitch", "bartack"), ("overlock", "bartack")]
TABLE = frozenset(frozenset(p) for p in PAIRS)
KINDS = ["overlock", "lockstitch", "coverstitch", "bartack", "manual"]


def together(a: str, b: str) -> bool:  # the table above, written out independently
    return a == b or "manual" in (a, b) or (a, b) in PAIRS or (b, a) in PAIRS


def chain_line(**kw) -> ProblemData:
    """overlock -> lockstitch -> coverstitch -> bartack: 3 stations, although the first
    and the last could share one and no two neighbours of the lockstitch one are apart
    on both sides."""
    base = {"times": (5, 5, 5, 5), "precedences": ((0, 1), (1, 2), (2, 3)),
            "machine_types": ("overlock", "lockstitch", "coverstitch", "bartack"),
            "compatible": TABLE, "labels": ("A", "B", "C", "D")}
    return ProblemData(**{**base, **kw})


def test_levels_carry_over_a_step_that_may_share():
    early, late, chain = levels(chain_line(cycle_time=100))
    # B and C may share, so C starts at B's level; D cannot join C
    assert early == [1, 2, 2, 3]
    assert late == [3, 2, 2, 1]
    assert chain == [0, 1, 2, 3]


def test_salbp2_with_fewer_stations_than_the_chain_is_refused_at_once():
    with pytest.raises(ProblemError) as info:
        chain_line(stations=2)
    exc = info.value
    assert exc.reason == "type_chain"
    assert exc.tasks == (0, 1, 2, 3)
    assert exc.values == {"need": 3, "stations": 2}
    assert "A -> B -> C -> D" in str(exc) and "3 stations" in str(exc)
    res = solve(chain_line(stations=3), stop=MaxRuntime(5))
    assert res.cycle_time == 10 and res.proven_optimal  # A | B C | D


def test_the_windows_bound_the_cycle():
    # three stations: A alone at 1, B and C at 2, D at 3, so c >= 5 + 5
    data = chain_line(stations=3, times=(5, 5, 5, 4))
    assert interval_bound(data, data.times, 3) == 10
    # four stations: B and C may take 2..3 together, A 1..2, D 3..4; the pair still
    # shares two stations (5), and with A or D three (15 / 3)
    data = chain_line(stations=4, times=(5, 5, 5, 4))
    assert interval_bound(data, data.times, 4) == 5


def test_named_operators_fewer_than_the_chain_are_refused():
    team = tuple(Operator(f"o{k}", {"*": 1.0}) for k in range(2))
    with pytest.raises(ProblemError) as info:
        chain_line(cycle_time=100, operators=team)
    exc = info.value
    assert exc.reason == "type_chain" and exc.values == {"need": 3, "operators": 2}
    assert "2 named operators" in str(exc)
    res = solve(chain_line(cycle_time=100, operators=(*team, Operator("o2", {"*": 1.0}))),
                stop=MaxRuntime(5))
    assert res.stations == 3 and res.proven_optimal


def test_salbp1_bound_counts_the_chain():
    # all 20 units fit one station of 100: only the chain says 3, and proves the plan
    res = solve(chain_line(cycle_time=100), stop=MaxRuntime(5))
    assert res.stations == 3 and res.lower_bound == 3 and res.proven_optimal


def test_zoning_apart_counts_as_a_step():
    data = dict(times=(3, 3, 3), precedences=((0, 1), (1, 2)), must_not_share=((0, 2),))
    assert levels(ProblemData(cycle_time=10, **data))[0] == [1, 1, 2]
    with pytest.raises(ProblemError) as info:
        ProblemData(stations=1, **data)
    exc = info.value
    assert exc.reason == "type_chain" and exc.tasks == (0, 2)


def test_plain_lines_have_no_chain():
    early, late, chain = levels(ProblemData(times=(1, 2, 3), precedences=((0, 1), (1, 2)),
                                            cycle_time=3))
    assert early == late == [1, 1, 1] and len(chain) == 1


@pytest.mark.parametrize(("graph", "asked", "need"), [("ARC83", 22, 24), ("SCHOLL", 36, 37)])
def test_scholl_graphs_with_alternating_types(scholl, graph, asked, need):
    # SCHOLL at 36 stations searched its whole time limit without a plan before
    g = read_in2(scholl / f"{graph}.IN2")
    kinds = ("lockstitch", "overlock", "iron", "coverstitch")
    line = dict(times=g.times, precedences=g.precedences,
                machine_types=tuple(kinds[i % 4] for i in range(len(g.times))),
                universal=frozenset({"iron"}),
                compatible=frozenset({frozenset({"lockstitch", "coverstitch"})}))
    with pytest.raises(ProblemError) as info:
        ProblemData(stations=asked, **line)
    exc = info.value
    assert exc.values == {"need": need, "stations": asked}
    # the chain: each task precedes the next, and every step needs a new station
    assert len(exc.tasks) == need
    desc = ProblemData(stations=need, **line).descendants()
    assert all(b in desc[a] for a, b in zip(exc.tasks, exc.tasks[1:], strict=False))
    assert max(levels(ProblemData(stations=need, **line))[0]) == need


def test_overlock_work_split_by_lockstitch_needs_a_machine_each():
    # 0 overlock -> 1 lockstitch -> 2 overlock -> 3 manual -> 4 overlock: 0 and 2 are kept
    # apart by 1; 2 and 4 may share (manual goes with anything): two overlock machines
    line = dict(times=(5, 5, 5, 5, 5), precedences=((0, 1), (1, 2), (2, 3), (3, 4)),
                machine_types=("overlock", "lockstitch", "overlock", "manual", "overlock"),
                universal=frozenset({"manual"}), labels=("A", "B", "C", "D", "E"),
                cycle_time=100)
    assert machine_chain(ProblemData(**line), "overlock") == [0, 2]
    assert machine_chain(ProblemData(**line), "lockstitch") == [1]
    with pytest.raises(ProblemError) as info:
        ProblemData(**line, machines={"overlock": 1})
    exc = info.value
    assert exc.reason == "machine_chain" and exc.tasks == (0, 2)
    assert exc.values == {"need": 2, "count": 1}
    assert "overlock tasks A, C" in str(exc)
    res = solve(ProblemData(**line, machines={"overlock": 2}), stop=MaxRuntime(5))
    assert res.stations == 3 and res.proven_optimal  # A | B | C D E
    # zoning alone keeps the two overlock operations apart
    apart = dict(line, machine_types=("overlock", "manual", "overlock", "manual", "manual"),
                 must_not_share=((0, 2),))
    assert machine_chain(ProblemData(**apart), "overlock") == [0, 2]


def test_each_station_of_a_chain_needs_an_operator_who_runs_its_type():
    # overlock -> lockstitch -> overlock: two overlock stations, and one overlock operator
    line = dict(times=(5, 5, 5), precedences=((0, 1), (1, 2)),
                machine_types=("overlock", "lockstitch", "overlock"), cycle_time=100)
    team = (Operator("王芳", {"overlock": 1.0, "lockstitch": 1.0}),
            Operator("李娜", {"lockstitch": 1.2}), Operator("张伟", {"lockstitch": 0.9}))
    with pytest.raises(ProblemError) as info:
        ProblemData(**line, operators=team)
    exc = info.value
    assert exc.reason == "skill_chain" and exc.tasks == (0, 2)
    assert exc.values == {"need": 2, "count": 1}
    assert "2 operators who run overlock" in str(exc)
    team = (*team[:2], Operator("张伟", {"lockstitch": 0.9, "overlock": 0.8}))
    res = solve(ProblemData(**line, operators=team), stop=MaxRuntime(5))
    assert res.stations == 3 and res.proven_optimal
    assert {res.operators[0], res.operators[2]} == {"王芳", "张伟"}  # the two who run overlock


@st.composite
def typed_lines(draw, kinds=KINDS):
    times, arcs = draw(small_dags(max_tasks=6))
    n = len(times)
    kinds = [draw(st.sampled_from(kinds)) for _ in range(n)]
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    apart = draw(st.lists(st.sampled_from(pairs), max_size=2, unique=True)) if pairs else []
    return times, arcs, kinds, apart


def fewest(times, arcs, kinds, apart, c, machines=None) -> int | None:
    """Exhaustive: fewest stations at cycle ``c`` over every closed station sequence
    (with ``machines``, {type: count}: at most so many stations hold the type)."""
    machines = machines or {}
    n = len(times)
    pred = [0] * n
    for i, j in arcs:
        pred[j] |= 1 << i
    full, memo = (1 << n) - 1, {}

    def ok(sub: int) -> bool:
        members = [k for k in range(n) if sub >> k & 1]
        return (sum(times[k] for k in members) <= c
                and all(together(kinds[a], kinds[b]) for a in members for b in members)
                and not any(sub >> i & 1 and sub >> j & 1 for i, j in apart))

    def best(done: int, taken: tuple) -> float:
        if done == full:
            return 0
        if (done, taken) not in memo:
            rest, out, sub = full & ~done, float("inf"), full & ~done
            while sub:
                if ok(sub) and all(not (sub >> k & 1) or not pred[k] & ~(done | sub)
                                   for k in range(n)):
                    held = {kinds[k] for k in range(n) if sub >> k & 1}
                    now = tuple(x + (kind in held) for x, kind in zip(taken, machines,
                                                                     strict=True))
                    if all(x <= machines[kind] for x, kind in zip(now, machines, strict=True)):
                        out = min(out, 1 + best(done | sub, now))
                sub = (sub - 1) & rest
            memo[done, taken] = out
        return memo[done, taken]

    value = best(0, (0,) * len(machines))
    return None if value == float("inf") else int(value)


def _data(times, arcs, kinds, apart, **kw) -> ProblemData:
    return ProblemData(times=tuple(times), precedences=tuple(arcs), machine_types=tuple(kinds),
                       compatible=TABLE, universal=frozenset({"manual"}),
                       must_not_share=tuple(apart), **kw)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(typed_lines(), st.integers(0, 6))
def test_chains_against_exhaustive_search(line, slack):
    times, arcs, kinds, apart = line
    early, _, _ = levels(_data(times, arcs, kinds, apart, cycle_time=sum(times)))
    # whatever the cycle, no plan has fewer stations than the chain; with every task
    # fitting one station the chain is often exactly the answer
    loose = fewest(times, arcs, kinds, apart, sum(times))
    assert loose >= max(early)
    event("chain exact" if loose == max(early) else "chain below")
    # SALBP-1 at a tighter cycle: the engine (its CP-SAT windows narrowed by the levels)
    # still finds the optimum, and proves it
    c = max(times) + slack
    want = fewest(times, arcs, kinds, apart, c)
    res = solve(_data(times, arcs, kinds, apart, cycle_time=c), stop=MaxRuntime(10))
    assert res.stations == want and res.proven_optimal
    assert check_solution(_data(times, arcs, kinds, apart, cycle_time=c), res) == []
    # SALBP-2: fewer stations than the chain are refused, and rightly
    m = max(early) - 1
    if m >= 1:
        with pytest.raises(ProblemError) as info:
            _data(times, arcs, kinds, apart, stations=m)
        exc = info.value
        assert exc.reason == "type_chain"
    # and as many as the loose plan needs: the least cycle, counted upwards
    want2 = next(c for c in range(max(times), sum(times) + 1)
                 if (k := fewest(times, arcs, kinds, apart, c)) is not None and k <= loose)
    res2 = solve(_data(times, arcs, kinds, apart, stations=loose), stop=MaxRuntime(10))
    assert res2.cycle_time == want2 and res2.proven_optimal and check_solution(
        _data(times, arcs, kinds, apart, stations=loose), res2) == []


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(typed_lines(kinds=["overlock", "lockstitch", "coverstitch", "manual"]),
       st.sampled_from(["overlock", "lockstitch"]), st.integers(1, 2))
def test_machine_chains_against_exhaustive_search(line, kind, count):
    times, arcs, kinds, apart = line
    loose = _data(times, arcs, kinds, apart, cycle_time=sum(times))
    spread = machine_chain(loose, kind)
    assert all(kinds[i] == kind for i in spread)
    machines = {kind: count} if kind in kinds else {}
    want = fewest(times, arcs, kinds, apart, sum(times), machines)
    try:
        _data(times, arcs, kinds, apart, cycle_time=sum(times), machines=machines)
    except ProblemError as exc:
        assert exc.reason == "machine_chain" and len(spread) > count
        event("refused")
        assert want is None  # rightly: no plan at any cycle keeps to the machines
        return
    assert len(spread) <= count or not spread
    event("feasible" if want is not None else "infeasible otherwise")
    if len(spread) >= 2:  # the chain is sound: one machine fewer than it says leaves no plan
        assert fewest(times, arcs, kinds, apart, sum(times), {kind: len(spread) - 1}) is None
