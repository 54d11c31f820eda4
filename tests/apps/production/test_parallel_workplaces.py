"""Highest output with the operators a line has, when a long operation may be given to
several of them (重复工位): the planner's "maximise output" mode with duplicates allowed."""

import pytest

from jinxiu.apps.production.adapter import evaluate
from jinxiu.apps.production.models import BalancePlan, Operation
from jinxiu.apps.production.services import plan_move, plan_run
from tests.apps.production.factories import make_plan, make_style
from tests.helpers.factories import make_user

pytestmark = pytest.mark.django_db

# 上袖 (90 s) dominates 135 s of work for four operators
LONG = [("1", "合肩", "lockstitch", "20", []), ("2", "上袖", "lockstitch", "90", ["1"]),
        ("3", "整烫", "iron", "25", ["2"])]


def _run(org, django_capture_on_commit_callbacks, allow_split):
    plan = make_plan(org, style=make_style(org, code=f"L{int(allow_split)}", ops=LONG),
                     mode=BalancePlan.Mode.MAX_OUTPUT, station_count=4,
                     allow_split=allow_split)
    with django_capture_on_commit_callbacks(execute=True):
        plan_run(plan=plan, user=make_user())
    plan.refresh_from_db()
    assert plan.current_status == "done"
    return plan


def test_four_operators_share_the_long_operation(org, django_capture_on_commit_callbacks):
    # without duplicates the 90 s operation is the cycle; with them operations 1 and 2
    # (110 s) go to three operators side by side: 36.67 s each, operation 3 (25 s) to the
    # fourth; 2 and 3 together would take 115 s, 38.33 s each
    single = _run(org, django_capture_on_commit_callbacks, allow_split=False)
    assert single.result["cycle_seconds"] == 90.0
    plan = _run(org, django_capture_on_commit_callbacks, allow_split=True)
    assert plan.result["cycle_seconds"] == 36.67 and plan.result["proven_optimal"] is True
    ev = evaluate(plan)
    assert [([op["code"] for op in st.operations], st.replicas) for st in ev.stations] == [
        (["1", "2"], 3), (["3"], 1)]
    assert ev.workplaces == 4 and ev.warnings == []
    assert round(ev.bottleneck_seconds, 2) == 36.67
    assert round(ev.output_per_hour) == round(3600 / (110 / 3))


def test_duplicate_workplaces_follow_the_long_operation_when_it_moves(
        org, django_capture_on_commit_callbacks, _english):
    plan = _run(org, django_capture_on_commit_callbacks, allow_split=True)
    pk = {op.code: op.pk for op in plan.style.operations.all()}
    plan_move(plan=plan, operation=Operation.objects.get(pk=pk["2"]), to_station=2)
    plan.refresh_from_db()
    ev = evaluate(plan)
    # the 20 s operation keeps one operator; the 90 s one takes its three along
    assert [([op["code"] for op in st.operations], st.replicas) for st in ev.stations] == [
        (["1"], 1), (["2", "3"], 3)]
    assert ev.workplaces == 4 and ev.warnings == []
    assert round(ev.bottleneck_seconds, 2) == 38.33  # 115 s over three
    # a station of its own for operation 3: five operators for a plan of four
    plan_move(plan=plan, operation=Operation.objects.get(pk=pk["3"]), to_station=3)
    plan.refresh_from_db()
    ev = evaluate(plan)
    assert [st.replicas for st in ev.stations] == [1, 3, 1]
    assert ev.warnings == ["The plan needs 5 operators; it was balanced for 4."]
