"""A plan balanced for other inputs says which of them changed: the bulletin, the cycle time
or number of operators, the plan's settings, the line's machines, operators or routing.
Plans run before the parts were kept get the general notice."""

import pytest

from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.production.adapter import evaluate
from jinxiu.apps.production.models import Line
from jinxiu.apps.production.services import plan_run
from tests.apps.production.factories import make_line, make_plan
from tests.helpers.factories import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]
TAIL = " The figures are for the bulletin as it is now; balance again for a plan made for it."


@pytest.fixture
def plan(org, django_capture_on_commit_callbacks):
    plan = make_plan(org, line=make_line(org), cycle_seconds=50)
    with django_capture_on_commit_callbacks(execute=True):
        plan_run(plan=plan, user=make_user())
    plan.refresh_from_db()
    assert evaluate(plan).warnings == [] and set(plan.result["input_parts"]) == {
        "bulletin", "order", "target", "settings", "machines", "operators", "routing"}
    return plan


def _notice(plan) -> str:
    plan.refresh_from_db()
    ev = evaluate(plan)
    assert ev.stale
    return ev.warnings[0]


def test_the_notice_names_the_lines_machines_and_routing(plan):
    line = plan.line
    line.machines, line.routing = {"overlock": 3}, Line.Routing.FREE
    with change_context(user=None, source="system"):
        line.save()
    assert _notice(plan) == ("Changed after this plan was balanced: the line's machines, "
                             "the line's routing." + TAIL)


def test_the_notice_names_the_target_and_the_settings(plan):
    plan.cycle_seconds = 45
    plan.save()
    assert _notice(plan) == ("Changed after this plan was balanced: the cycle time or the "
                             "number of operators." + TAIL)
    plan.cycle_seconds = 50
    plan.allow_split = False
    plan.save()
    assert _notice(plan) == "Changed after this plan was balanced: the plan's settings." + TAIL
    plan.allow_split = True
    plan.save()
    plan.refresh_from_db()
    assert evaluate(plan).stale is False  # back as it was balanced


def test_the_notice_names_the_bulletin_in_chinese(plan, settings):
    from django.utils import translation

    op = plan.style.operations.get(code="2")
    op.standard_seconds = 31
    op.save()
    with translation.override("zh-hans"):
        assert _notice(plan) == ("本方案平衡之后，以下内容已有改动：工序表。"
                                 "下列数字按当前工序表计算；请重新平衡，得到针对它的方案。")
        plan.cycle_seconds = 45
        plan.save()
        assert _notice(plan).startswith("本方案平衡之后，以下内容已有改动：工序表、节拍或人数。")


def test_a_plan_run_before_the_parts_were_kept_gets_the_general_notice(plan):
    plan.result = {k: v for k, v in plan.result.items() if k != "input_parts"}
    plan.cycle_seconds = 45
    plan.save()
    assert _notice(plan) == ("The bulletin, the line or the plan's settings changed after this "
                             "plan was balanced." + TAIL)


def test_the_notice_names_the_order_apart_from_the_bulletin(plan):
    op = plan.style.operations.get(code="3")
    op.predecessors = ["1"]
    op.save()
    assert _notice(plan) == "Changed after this plan was balanced: the order of operations." + TAIL


def test_predecessors_listed_in_another_order_change_nothing(
        org, django_capture_on_commit_callbacks):
    from tests.apps.production.factories import make_style

    style = make_style(org, code="P", ops=[("A", "甲", "lockstitch", "20", []),
                                           ("B", "乙", "lockstitch", "20", []),
                                           ("C", "丙", "lockstitch", "20", ["A", "B"])])
    plan = make_plan(org, style=style, line=make_line(org, name="二线"), cycle_seconds=40)
    with django_capture_on_commit_callbacks(execute=True):
        plan_run(plan=plan, user=make_user())
    op = style.operations.get(code="C")
    op.predecessors = ["B", "A"]
    op.save()
    plan.refresh_from_db()
    ev = evaluate(plan)
    assert not ev.stale and ev.warnings == []


def test_switching_the_objective_names_the_target_only(plan):
    from jinxiu.apps.production.models import BalancePlan

    plan.mode = BalancePlan.Mode.MAX_OUTPUT  # now the line's operators count, by number
    plan.save()
    assert _notice(plan) == ("Changed after this plan was balanced: the cycle time or the "
                             "number of operators." + TAIL)


def test_a_skills_plan_balanced_before_crews_is_stale(org, django_capture_on_commit_callbacks):
    from jinxiu.apps.production import adapter
    from tests.apps.production.factories import make_operator

    line = make_line(org, name="三线")
    make_operator(org, "甲", line, {"lockstitch": 1.0, "overlock": 1.0})
    make_operator(org, "乙", line, {"lockstitch": 1.0, "overlock": 1.0})
    make_operator(org, "丙", line, {"lockstitch": 1.0, "overlock": 1.0})
    plan = make_plan(org, line=line, cycle_seconds=60, use_operator_skills=True)
    with django_capture_on_commit_callbacks(execute=True):
        plan_run(plan=plan, user=make_user())
    plan.refresh_from_db()
    assert not evaluate(plan).stale
    # its digest as a run before 2026-11-30 kept it: duplicate workplaces then meant nothing
    ops = adapter.plan_operations(plan)
    state = adapter._input_state(plan, ops, None)
    state[5] = True
    plan.result = {k: v for k, v in plan.result.items() if k != "input_parts"}
    plan.result["inputs"] = adapter._digest(state[:-1])
    plan.save()
    ev = evaluate(plan)
    assert ev.stale and ev.warnings[0].startswith("The bulletin, the line or the plan's")
