"""Lines without an order among the tasks (a hanging line routed freely, 吊挂线): the
engine's optimum and proof equal an exhaustive search (the stations' symmetry is broken
in CP-SAT, which must not cut a better plan off), and the stations come in the order of
their first task."""

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from jinxiu.engines.common import MaxRuntime
from jinxiu.engines.linebal import ProblemData, check_solution, solve
from jinxiu.engines.linebal.cpsat import _first_fit_hint, _first_fit_labels
from jinxiu.engines.linebal.problem import ProblemError
from tests.engines.linebal.test_garment import _rules
from tests.engines.linebal.test_operators_brute import _problem, min_stations, named_lines

TYPES = ["lockstitch", "overlock", "iron", "coverstitch"]


def _alternating(**kw) -> ProblemData:
    """A chain that changes machine at every step: 高车, 花样机, 高车, 花样机, 40 s each."""
    return ProblemData(times=(40, 40, 40, 40), labels=("A", "B", "C", "D"),
                       machine_types=("post_bed", "pattern_sewer", "post_bed",
                                      "pattern_sewer"), **kw)


def test_a_free_route_lets_one_station_do_operations_far_apart():
    in_order = solve(_alternating(precedences=((0, 1), (1, 2), (2, 3)), cycle_time=80),
                     stop=MaxRuntime(10))
    assert in_order.stations == 4 and in_order.proven_optimal
    data = _alternating(cycle_time=80)
    free = solve(data, stop=MaxRuntime(10))
    assert free.proven_optimal and free.stations == 2
    assert free.assignment == ((0, 2), (1, 3))  # numbered by their first task
    assert check_solution(data, free) == []


def test_a_free_route_numbers_stations_by_their_first_task_with_operators_too():
    data = _problem([30, 30, 30, 30], [], ["overlock", "lockstitch", "overlock", "lockstitch"],
                    [{"overlock": 1.0}, {"lockstitch": 1.0}], {}, stations=2)
    res = solve(data, stop=MaxRuntime(10))
    assert res.proven_optimal and res.cycle_time == 60
    assert res.assignment == ((0, 2), (1, 3)) and res.operators == ("o0", "o1")
    assert check_solution(data, res) == []


def test_first_fit_labels_bound_the_jth_longest_task_to_position_j_plus_one():
    assert _first_fit_labels([5, 9, 7, 9], [4, 4, 4, 4]) == [4, 1, 3, 2]
    assert _first_fit_labels([5, 9], [1, 3]) == [1, 1]  # a tighter window stays


def test_a_hint_is_renumbered_to_fit_the_first_fit_windows():
    t = [5, 9, 7, 9]
    hint, ops = _first_fit_hint(t, [[0], [2, 3], [1]], [7, 8, 9])
    assert hint == [[1], [2, 3], [0]] and ops == [9, 8, 7]
    late = _first_fit_labels(t, [4] * 4)
    assert all(k + 1 <= late[i] for k, st in enumerate(hint) for i in st)
    assert _first_fit_hint(t, [[0], [1, 2, 3]], None) == ([[1, 2, 3], [0]], None)


@st.composite
def free_lines(draw):
    n = draw(st.integers(1, 7))
    times = draw(st.lists(st.integers(1, 9), min_size=n, max_size=n))
    types = [draw(st.sampled_from(TYPES)) for _ in range(n)]
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    share = draw(st.lists(st.sampled_from(pairs), max_size=1, unique=True)) if pairs else []
    apart = draw(st.lists(st.sampled_from(pairs), max_size=2, unique=True)) if pairs else []
    return times, types, share, [p for p in apart if p not in share]


def _plain(times, types, share, apart, **kw) -> ProblemData:
    return ProblemData(times=tuple(times), machine_types=tuple(types),
                       universal=frozenset({"iron"}),
                       compatible=frozenset({frozenset({"lockstitch", "coverstitch"})}),
                       must_share=tuple(share), must_not_share=tuple(apart), **kw)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(free_lines(), st.integers(0, 6))
def test_free_salbp1_matches_exhaustive_search(brute, line, slack):
    times, types, share, apart = line
    c = max(times) + slack
    try:
        data = _plain(times, types, share, apart, cycle_time=c)
    except ProblemError:  # a must-share pair over the cycle or of clashing machines
        event("refused")
        return
    want = brute.min_stations(times, (), c, ok=_rules(data))
    res = solve(data, stop=MaxRuntime(10))
    event(f"{want} stations")
    assert res.stations == want and res.proven_optimal and res.lower_bound == want
    assert check_solution(data, res) == []
    firsts = [st[0] for st in res.assignment]
    assert firsts == sorted(firsts)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(free_lines(), st.integers(1, 4))
def test_free_salbp2_matches_exhaustive_search(brute, line, m):
    times, types, share, apart = line
    try:
        data = _plain(times, types, share, apart, stations=m)
    except ProblemError:
        event("refused")
        return
    ok = _rules(data)
    want = next((c for c in range(max(times), sum(times) + 1)
                 if (k := brute.min_stations(times, (), c, ok=ok)) is not None and k <= m),
                None)
    res = solve(data, stop=MaxRuntime(10))
    if want is None:
        assert not res.assignment
        return
    assert res.cycle_time == want and res.proven_optimal and res.lower_bound == want
    assert check_solution(data, res) == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(named_lines(), st.integers(0, 3))
def test_free_salbp1_with_named_operators_matches_exhaustive_search(line, slack):
    times, _arcs, types, team, machines = line
    c = max(times) + slack * 3
    try:
        data = _problem(times, (), types, team, machines, cycle_time=c)
    except ProblemError:
        event("refused")
        return
    want = min_stations(times, (), types, team, c, machines)
    res = solve(data, stop=MaxRuntime(10))
    event("infeasible" if want is None else f"{want} stations")
    if want is None:
        assert not res.assignment
        return
    assert res.stations == want and res.proven_optimal and res.lower_bound == want
    assert check_solution(data, res) == []
