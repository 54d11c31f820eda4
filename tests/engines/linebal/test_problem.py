"""ProblemData validation: every bad input is refused with a message naming the cause."""

import pytest

from jinxiu.engines.linebal import Operator, ProblemData, ProblemError, seconds_to_units


def make(**kw):
    base = {"times": (3, 4, 5), "precedences": ((0, 1), (1, 2)), "cycle_time": 10}
    base.update(kw)
    return ProblemData(**base)


def test_valid_problem_is_frozen():
    data = make()
    assert data.kind == "SALBP-1" and data.is_simple
    assert data.labels == ("1", "2", "3")
    with pytest.raises(AttributeError):
        data.cycle_time = 3  # type: ignore[misc]


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"precedences": ((0, 1), (1, 2), (2, 0))}, "cycle: 1 -> 2 -> 3 -> 1"),
        ({"precedences": ((0, 7),)}, "unknown task 7"),
        ({"precedences": ((1, 1),)}, "task 2 precedes itself"),
        ({"times": (3, 0, 5)}, "task 2: time 0 is not positive"),
        ({"times": (3, -2, 5)}, "task 2: time -2 is not positive"),
        ({"times": (3, 2.5, 5)}, "task 2: time 2.5 is not an integer"),
        ({"times": (3, 4, 12)}, "task 3: time 12 is longer than the cycle time 10"),
        ({"times": ()}, "no tasks"),
        ({"cycle_time": None}, "exactly one of cycle_time"),
        ({"stations": 2}, "exactly one of cycle_time"),
        ({"cycle_time": 0}, "cycle time 0"),
        ({"labels": ("a", "b", "a")}, "label 'a' is used twice"),
        ({"must_share": ((0, 2),), "must_not_share": ((0, 2),)}, "must share a station"),
        ({"must_share": ((0, 2),)}, "task 2 lies on a precedence path"),
        ({"must_share": ((0, 1),), "times": (6, 5, 1)}, "take 11 together"),
        ({"must_not_share": ((0, 0),)}, "names task 1 twice"),
    ],
)
def test_bad_input_is_refused(kw, message):
    with pytest.raises(ProblemError, match=".*" + message.replace("(", r"\(").replace(
            ")", r"\)").replace(".", r"\.")):
        make(**kw)


def test_labels_name_the_task():
    with pytest.raises(ProblemError, match="task 合肩: time 0"):
        make(times=(3, 0, 5), labels=("x", "合肩", "y"))


def test_incompatible_machine_types_in_a_must_share_group():
    with pytest.raises(ProblemError, match="machine types are not compatible"):
        make(machine_types=("lockstitch", "overlock", None), must_share=((0, 1),))
    # compatible when the pair is declared
    make(machine_types=("lockstitch", "overlock", None), must_share=((0, 1),),
         compatible=frozenset({frozenset({"lockstitch", "overlock"})}))


def test_operators_must_cover_every_machine_type():
    with pytest.raises(ProblemError, match="no named operator can run machine type 'bartack'"):
        make(machine_types=("lockstitch", "lockstitch", "bartack"),
             operators=(Operator("王芳", {"lockstitch": 1.0}),))
    with pytest.raises(ProblemError, match="3 stations but only 1 named operators"):
        make(cycle_time=None, stations=3, operators=(Operator("王芳", {"*": 1.0}),))


def test_split_allows_long_tasks():
    data = make(times=(3, 4, 25), allow_split=True)
    assert not data.is_simple


def test_seconds_to_units():
    assert seconds_to_units([1.5, 0.004, 12.345], scale=100) == (150, 1, 1234)
    assert seconds_to_units([0.5], scale=10) == (5,)


def test_named_operators_are_checked_against_the_cycle():
    """SALBP-1 with named operators: a task too long even for its fastest operator, and
    more work at each task's fastest time than the operators can do in one cycle each."""
    two = (Operator("a", {"x": 1.0}), Operator("b", {"x": 2.0}))
    with pytest.raises(ProblemError) as exc:
        ProblemData(times=(10, 30), precedences=(), machine_types=("x", "x"), operators=two,
                    cycle_time=14)
    assert exc.value.reason == "too_long_skills" and exc.value.values["time"] == 15
    # fastest times 5 + 15 + 14 = 34 against 2 x 16 = 32
    with pytest.raises(ProblemError) as exc:
        ProblemData(times=(10, 30, 28), precedences=(), machine_types=("x", "x", "x"),
                    operators=two, cycle_time=16)
    assert exc.value.reason == "operator_load"
    assert exc.value.values == {"time": 34, "cycle": 16, "capacity": 32, "need": 3,
                                "operators": 2}
    # exactly at capacity is allowed
    ProblemData(times=(10, 30, 28), precedences=(), machine_types=("x", "x", "x"),
                operators=two, cycle_time=17)
