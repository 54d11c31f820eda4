"""Garment extensions: machine types (平车/包缝/绷缝 ...), zoning, splitting, operators.

The T-shirt bulletin (T恤工序表) below has a stated optimum: at cycle time 60 s the
overlock (包缝) work is 130 s, so at least 3 overlock stations; coverstitch (绷缝) 73 s, at
least 2; bartack (套结) and iron (整烫) each need their own station; manual trimming (剪线头)
goes with anything. 3 + 2 + 1 + 1 = 7 stations, and the plan in the test reaches 7.
"""

import re
from dataclasses import replace

import pytest

from jinxiu.engines.common import MaxRuntime, StopReason
from jinxiu.engines.linebal import Operator, ProblemData, check_solution, solve
from jinxiu.engines.linebal.problem import ProblemError

#        label             type          time
TSHIRT = [
    ("合肩", "overlock", 20),
    ("上领", "overlock", 25),
    ("领圈压线", "coverstitch", 18),
    ("上袖", "overlock", 40),
    ("合侧缝", "overlock", 45),
    ("袖口折边", "coverstitch", 30),
    ("下摆折边", "coverstitch", 25),
    ("打套结", "bartack", 10),
    ("剪线头", "manual", 15),
    ("整烫", "iron", 30),
]
ARCS = ((0, 1), (1, 2), (0, 3), (3, 4), (4, 5), (4, 6), (2, 7), (5, 7), (6, 7), (7, 8), (8, 9))


def tshirt(**kw) -> ProblemData:
    base = {
        "times": tuple(t for _, _, t in TSHIRT),
        "labels": tuple(name for name, _, _ in TSHIRT),
        "machine_types": tuple(m for _, m, _ in TSHIRT),
        "universal": frozenset({"manual"}),
        "precedences": ARCS,
        "cycle_time": 60,
    }
    base.update(kw)
    return ProblemData(**base)


def test_plain_line_needs_five(brute):
    data = tshirt(machine_types=())
    res = solve(data, stop=MaxRuntime(10))
    assert res.stations == 5 == brute.min_stations(data.times, ARCS, 60)
    assert res.proven_optimal


def test_machine_types_need_seven(brute):
    data = tshirt()
    res = solve(data, stop=MaxRuntime(20))
    assert res.stations == 7 and res.proven_optimal
    assert res.stop_reason == StopReason.OPTIMAL
    assert check_solution(data, res) == []
    assert brute.min_stations(data.times, ARCS, 60, ok=_rules(data)) == 7


def test_compatible_types_share(brute):
    # declaring overlock and coverstitch compatible (a combined machine) saves stations
    data = tshirt(compatible=frozenset({frozenset({"overlock", "coverstitch"})}))
    res = solve(data, stop=MaxRuntime(20))
    assert check_solution(data, res) == []
    assert res.proven_optimal
    assert res.stations == brute.min_stations(data.times, ARCS, 60, ok=_rules(data))
    assert res.stations < 7


def test_zoning_must_not_share_costs_a_station(brute):
    # shoulder join at its own station, neither with the collar nor the sleeves
    data = tshirt(must_not_share=((0, 1), (0, 3)))
    res = solve(data, stop=MaxRuntime(20))
    assert res.stations == 8 and res.proven_optimal
    assert check_solution(data, res) == []
    assert brute.min_stations(data.times, ARCS, 60, ok=_rules(data)) == 8


def test_zoning_must_share():
    data = tshirt(must_share=((8, 9),))  # trim and press together
    res = solve(data, stop=MaxRuntime(20))
    assert check_solution(data, res) == []
    pos = {i: k for k, st in enumerate(res.assignment) for i in st}
    assert pos[8] == pos[9] and res.stations == 7


def test_split_long_operation_over_parallel_workplaces():
    # 45 s at cycle 30 needs 2 workplaces; 10 + 45 fits into 2 x 30, 10 + 45 + 10 does not
    data = ProblemData(times=(10, 45, 10), precedences=((0, 1), (1, 2)), cycle_time=30,
                       allow_split=True)
    res = solve(data, stop=MaxRuntime(10))
    assert res.stations == 3 and res.proven_optimal
    assert sorted(res.replicas) == [1, 2]
    assert check_solution(data, res) == []
    k = res.replicas.index(2)
    assert 1 in res.assignment[k] and res.idle_times[k] == 60 - res.station_times[k]


def test_long_operation_without_split_is_refused():
    with pytest.raises(ValueError, match="longer than the cycle time 30"):
        ProblemData(times=(10, 45), precedences=((0, 1),), cycle_time=30)


OPS = (
    Operator("李娜", {"lockstitch": 1.2, "overlock": 0.5}),
    Operator("王芳", {"lockstitch": 0.8, "overlock": 1.0}),
    Operator("张伟", {"lockstitch": 1.0, "overlock": 1.2}),
)


def test_operators_salbp2_picks_the_skilled_ones():
    data = ProblemData(times=(60, 60), precedences=((0, 1),), stations=2,
                       machine_types=("lockstitch", "overlock"), operators=OPS)
    res = solve(data, stop=MaxRuntime(10))
    assert res.cycle_time == 50 and res.proven_optimal
    assert res.operators == ("李娜", "张伟")
    assert res.station_times == (50, 50)
    assert check_solution(data, res) == []


def test_operators_salbp1_and_infeasible_cycle():
    data = ProblemData(times=(60, 60), precedences=((0, 1),), cycle_time=50,
                       machine_types=("lockstitch", "overlock"), operators=OPS)
    res = solve(data, stop=MaxRuntime(10))
    assert res.stations == 2 and res.proven_optimal
    # at 49 no operator does the lockstitch task in time: refused with its reason, before
    # any search (it was an "infeasible" result after one)
    with pytest.raises(ProblemError) as exc:
        ProblemData(times=(60, 60), precedences=((0, 1),), cycle_time=49,
                    machine_types=("lockstitch", "overlock"), operators=OPS)
    assert exc.value.reason == "too_long_skills" and exc.value.tasks == (0,)


def test_salbp2_with_machine_types():
    data = tshirt(cycle_time=None, stations=7)
    res = solve(data, stop=MaxRuntime(20))
    assert check_solution(data, res) == []
    assert res.proven_optimal and res.cycle_time == 45  # 合侧缝 alone at 45 s


def _rules(data: ProblemData):
    n = data.num_tasks

    def ok(mask: int) -> bool:
        members = [k for k in range(n) if (mask >> k) & 1]
        for a in members:
            for b in members:
                if a < b and not data.types_compatible(a, b):
                    return False
        for i, j in data.must_not_share:
            if (mask >> i) & 1 and (mask >> j) & 1:
                return False
        return all(((mask >> i) & 1) == ((mask >> j) & 1) for i, j in data.must_share)

    return ok


# --- machines on the line (设备台数) ---------------------------------------------------------
def _four(**kw) -> ProblemData:
    """Two overlock and two lockstitch operations of 30 s, unrelated; the two machine
    types cannot share a station."""
    base = {"times": (30, 30, 30, 30), "labels": ("O1", "O2", "L1", "L2"),
            "machine_types": ("overlock", "overlock", "lockstitch", "lockstitch"),
            "stations": 4}
    base.update(kw)
    return ProblemData(**base)


def test_one_overlock_machine_puts_both_overlock_operations_at_one_station():
    free = solve(_four(), stop=MaxRuntime(10))
    assert free.cycle_time == 30 and free.proven_optimal
    data = _four(machines={"overlock": 1})
    res = solve(data, stop=MaxRuntime(10))
    assert res.cycle_time == 60 and res.proven_optimal
    assert sorted(sorted(st) for st in res.assignment if 0 in st) == [[0, 1]]
    assert check_solution(data, res) == []
    # the checker counts the machines on its own: the free plan breaks the limit
    assert check_solution(data, free) == ["2 workplaces use overlock machines, the line has 1"]


def test_parallel_workplaces_of_a_split_operation_each_take_a_machine():
    def line(limit):
        return ProblemData(times=(50, 20), labels=("O1", "O2"),
                           machine_types=("overlock", "overlock"), cycle_time=30,
                           allow_split=True, machines={"overlock": limit})

    res = solve(line(3), stop=MaxRuntime(10))
    assert res.stations == 3 and res.proven_optimal and check_solution(line(3), res) == []
    # two machines at 30 s do 60 s of overlock work, O1 and O2 take 70: refused up front
    # (it was a search that ended "infeasible": O1 takes both machines, O2 has none left)
    with pytest.raises(ProblemError) as info:
        line(2)
    assert (info.value.reason, info.value.tasks, info.value.values) == (
        "machine_load", (0, 1), {"time": 70, "cycle": 30, "capacity": 60, "count": 2})
    assert str(info.value) == ("the overlock operations take 70 in all, more than 2 overlock "
                               "machine(s) can do at cycle time 30 (60)")
    # the same line asked for its best output: the machines bound the cycle, 70 / 2 = 35
    data = replace(line(3), cycle_time=None, stations=3, machines={"overlock": 2})
    assert data.machine_floor() == 35
    res = solve(data, stop=MaxRuntime(10))
    assert res.cycle_time == 35 and res.lower_bound == 35 and res.proven_optimal
    assert res.replicas == (2,) and check_solution(data, res) == []


def test_the_machines_bound_the_cycle_of_a_garment_salbp2():
    # one overlock machine for O1 and O2 (30 s each): whatever the stations, c >= 60
    data = _four(machines={"overlock": 1})
    assert data.machine_floor() == 60 and _four().machine_floor() == 0
    assert data.machine_floor([10, 20, 99, 99]) == 30  # other times, e.g. the fastest ones


@pytest.mark.parametrize(("machines", "message"), [
    ({"overlock": 1}, "O1: needs 2 overlock workplace(s) but the line has 1 overlock"),
    ({"overlock": -1}, "count -1 for 'overlock' is not a whole number >= 0"),
    ({"overlock": True}, "count True for 'overlock' is not a whole number >= 0"),
    ({"manual": 2}, "'manual' is done beside any machine and cannot be limited"),
    ((("overlock", 3), ("overlock", 4)), "machine type 'overlock' is listed twice"),
    ((("overlock",),), "is not a (machine type, count) pair"),
])
def test_machine_limits_are_checked_before_solving(machines, message):
    with pytest.raises(ProblemError, match=re.escape(message)):
        ProblemData(times=(50, 20), labels=("O1", "O2"), machine_types=("overlock", "manual"),
                    universal=frozenset({"manual"}), cycle_time=30, allow_split=True,
                    machines=machines)


def test_machines_of_types_no_task_uses_leave_a_plain_salbp(scholl):
    # WEE-MAG c = 45 has 38 stations (Scholl's table).  Listing the line's overlock
    # machines, which none of its tasks uses, must not turn it into a garment problem:
    # that sent it to CP-SAT, which found no plan within its cap.
    from jinxiu.engines.linebal import read_in2

    data = read_in2(scholl / "WEE-MAG.IN2").problem(cycle_time=45, machines={"overlock": 3})
    assert data.machines == () and data.is_simple
    res = solve(data, stop=MaxRuntime(20))
    assert res.stations == 38 and res.proven_optimal
    # the types a task does use stay limited
    typed = ProblemData(times=(30, 30), machine_types=("overlock", None), cycle_time=60,
                        machines={"overlock": 1, "lockstitch": 2})
    assert typed.machines == (("overlock", 1),) and not typed.is_simple
    # an unused type is still validated
    with pytest.raises(ProblemError, match="count -2 for 'lockstitch'"):
        ProblemData(times=(30,), machine_types=("overlock",), cycle_time=60,
                    machines={"lockstitch": -2})


def test_refusals_carry_their_reason_tasks_and_numbers():
    """An application words the refusal itself from these (the message is English)."""
    def refusal(**kw):
        base = {"times": (50, 20), "labels": ("O1", "O2"),
                "machine_types": ("overlock", "lockstitch"), "cycle_time": 30}
        with pytest.raises(ProblemError) as info:
            ProblemData(**{**base, **kw})
        return info.value.reason, info.value.tasks, info.value.values

    assert refusal() == ("too_long", (0,), {"time": 50, "cycle": 30})
    assert refusal(allow_split=True, machines={"overlock": 1}) == (
        "machines", (0,), {"need": 2, "count": 1})
    assert refusal(must_share=((0, 1),), allow_split=True) == ("zone_types", (0, 1), {})
    assert refusal(precedences=((0, 1), (1, 0)), allow_split=True)[:2] == ("cycle", (0, 1, 0))
    assert refusal(operators=(Operator("A", {"overlock": 1.0}),), cycle_time=None,
                   stations=1) == ("no_operator", (1,), {})
