"""The engine's refusals reach the planner's user in her language, with operation codes
and seconds (the engine words them in English, in 1/100 s and task labels)."""

import pytest
from django.utils import translation

from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.production.adapter import PlanInputError, plan_problem
from jinxiu.apps.production.models import BalancePlan
from tests.apps.production.factories import make_line, make_operator, make_plan, make_style

pytestmark = pytest.mark.django_db

ZONED = [("1", "合肩", "overlock", "20", []), ("2", "上领", "lockstitch", "30", ["1"]),
         ("3", "整烫", "iron", "10", ["2"])]


def _refusal(plan, language="zh-hans"):
    with translation.override(language), pytest.raises(PlanInputError) as info:
        plan_problem(plan)
    return str(info.value)


def _zone(style, zones):
    with change_context(user=None, source="system"):
        for op in style.operations.all():
            op.zone = zones.get(op.code, "")
            op.save()


def test_an_operation_longer_than_the_cycle_without_duplicates(org):
    plan = make_plan(org, cycle_seconds=35, allow_split=False)  # operation 3 takes 40 s
    assert _refusal(plan) == ("工序 3 需要 40 秒，超过节拍 35 秒：请勾选“长工序并行工位”，"
                              "或放宽节拍。")
    assert _refusal(plan, "en") == (
        "Operation 3 takes 40 s, longer than the cycle time of 35 s: allow duplicate "
        "workplaces or raise the cycle time.")
    plan.cycle_seconds = 40
    assert plan_problem(plan)[0].cycle_time == 4000


@pytest.mark.parametrize(("machines", "cycle", "message"), [
    ({"lockstitch": 0}, 50, "工序 2 需要 1 个平车工位，而产线只有 0 台该设备。"),
    # at 25 s operation 2 (30 s) takes two parallel workplaces, each at a machine
    ({"lockstitch": 1}, 25, "工序 2 需要 2 个平车工位，而产线只有 1 台该设备。"),
])
def test_a_line_with_too_few_machines(org, machines, cycle, message):
    line = make_line(org, machines=machines)
    plan = make_plan(org, line=line, cycle_seconds=cycle, allow_split=True)
    assert _refusal(plan) == message
    # three machines: operation 2's two workplaces, and 70 s of lockstitch work fit 3 · 25 s
    line.machines = {"lockstitch": 3}
    with change_context(user=None, source="system"):
        line.save()
    plan.refresh_from_db()
    assert plan_problem(plan)[0].machines == (("lockstitch", 3),)


def test_zones_that_cannot_share_a_station(org):
    style = make_style(org, code="Z", ops=ZONED)
    _zone(style, {"1": "A", "2": "A"})
    plan = make_plan(org, style=style, cycle_seconds=60)
    assert _refusal(plan) == ("工序 1（包缝）与 2（平车）同属一个工位组，但二者的设备类型"
                              "不能共用一个工位。")
    assert "Operations 1 (Overlock (504/514)) and 2 (Lockstitch (301)) share a zone" in (
        _refusal(plan, "en"))
    _zone(style, {"1": "A", "3": "A"})  # 2 lies between them
    assert _refusal(plan) == ("工序 2 位于工序 1 所在工位组的工序之间，必须与它们同在一个工位："
                              "请把它划入该工位组，或修改工位组。")
    _zone(style, {"2": "A", "3": "A"})
    plan.cycle_seconds = 35
    plan.allow_split = False
    assert _refusal(plan) == "工序 2, 3 同属一个工位组，合计 40 秒，超过节拍 35 秒。"


def test_named_operators_who_cannot_do_the_work(org):
    line = make_line(org)
    make_operator(org, line=line, skills={"overlock": 1.0, "iron": 1.0})
    plan = make_plan(org, line=line, mode=BalancePlan.Mode.MAX_OUTPUT, use_operator_skills=True)
    assert _refusal(plan) == "产线没有能操作平车的在岗操作工（工序 2）。"
    plan.station_count = 3
    make_operator(org, name="李娜", line=line, skills={"lockstitch": 1.0})
    assert _refusal(plan) == "方案要求 3 名操作工，但产线只有 2 名在岗操作工。"


def test_predecessors_that_form_a_cycle(org):
    # single edits (form, API) cannot see a cycle through other operations
    style = make_style(org, code="C", ops=[("A1", "合肩", "overlock", "20", ["B2"]),
                                           ("B2", "上领", "lockstitch", "30", ["A1"])])
    plan = make_plan(org, style=style, cycle_seconds=60)
    assert _refusal(plan) == "紧前工序构成了循环：A1 → B2 → A1。"


def test_long_times_are_written_out_in_full(org):
    # "%g" wrote 12345.67 s as 12345.7 (and larger times in scientific notation)
    style = make_style(org, code="T", ops=[("1", "整件缝制", "lockstitch", "12345.67", [])])
    plan = make_plan(org, style=style, cycle_seconds="40.5", allow_split=False)
    assert _refusal(plan) == ("工序 1 需要 12345.67 秒，超过节拍 40.5 秒：请勾选“长工序并行工位”，"
                              "或放宽节拍。")


def test_a_machine_type_whose_operations_outrun_its_machines(org):
    # operations 2 and 3 are lockstitch, 30 + 40 s; one lockstitch machine at 50 s does 50 s
    line = make_line(org, machines={"lockstitch": 1})
    plan = make_plan(org, line=line, cycle_seconds=50, allow_split=True)
    assert _refusal(plan) == (
        "平车工序（2, 3）每件共需 70 秒，而产线的 1 台该设备在节拍 50 秒下最多只能完成 50 秒。")
    assert _refusal(plan, "en") == (
        "The Lockstitch (301) operations (2, 3) take 70 s per piece, but the line's 1 such "
        "machine(s) can do at most 50 s at a cycle time of 50 s.")
    plan.cycle_seconds = 70
    assert plan_problem(plan)[0].machines == (("lockstitch", 1),)


def test_alternating_machine_types_need_more_operators_than_the_plan_has(org):
    # overlock and lockstitch never share a station: 1 → 2 → 3 → 4 need four stations
    style = make_style(org, code="ALT", ops=[
        ("1", "合肩", "overlock", "20", []), ("2", "上领", "lockstitch", "30", ["1"]),
        ("3", "合侧缝", "overlock", "20", ["2"]), ("4", "上袖", "lockstitch", "30", ["3"])])
    plan = make_plan(org, style=style, mode=BalancePlan.Mode.MAX_OUTPUT, station_count=3)
    assert _refusal(plan) == ("工序 1 → 2 → 3 → 4 依次相连，其中 3 处前后工序的设备类型不能共用"
                              "工位：至少需要 4 名操作工，而方案只有 3 名。")
    assert _refusal(plan, "en") == (
        "Operations 1 → 2 → 3 → 4 follow one another, and 3 times along them the next cannot "
        "share a station with the one before (their machine types): they need at least 4 "
        "operators, but the plan has 3.")
    plan.station_count = 4
    assert plan_problem(plan)[0].stations == 4


def test_overlock_operations_kept_apart_need_a_machine_each(org):
    style = make_style(org, code="ALT2", ops=[
        ("1", "合肩", "overlock", "20", []), ("2", "上领", "lockstitch", "30", ["1"]),
        ("3", "合侧缝", "overlock", "20", ["2"])])
    line = make_line(org, machines={"overlock": 1})
    plan = make_plan(org, style=style, line=line, cycle_seconds=60)
    assert _refusal(plan) == ("包缝工序 1, 3 位于同一条工序路径上，设备类型使它们只能依次排在"
                              "不同工位（产品按线序逐个工位经过，每个工位只经过一次）："
                              "至少需要 2 台包缝设备，"
                              "而产线只有 1 台。请给产线增加该设备，或把包缝从产线设备清单中去掉。")
    assert _refusal(plan, "en").startswith("The Overlock (504/514) operations 1, 3 lie along one")
    line.machines = {"overlock": 2}
    with change_context(user=None, source="system"):
        line.save()
    plan.refresh_from_db()
    assert plan_problem(plan)[0].machines == (("overlock", 2),)


def test_overlock_operations_kept_apart_need_an_overlock_operator_each(org):
    style = make_style(org, code="ALT3", ops=[
        ("1", "合肩", "overlock", "20", []), ("2", "上领", "lockstitch", "30", ["1"]),
        ("3", "合侧缝", "overlock", "20", ["2"])])
    line = make_line(org)
    make_operator(org, name="王芳", line=line, skills={"overlock": 1.0, "lockstitch": 1.0})
    make_operator(org, name="李娜", line=line, skills={"lockstitch": 1.2})
    third = make_operator(org, name="张伟", line=line, skills={"lockstitch": 0.9})
    plan = make_plan(org, style=style, line=line, cycle_seconds=60, use_operator_skills=True)
    assert _refusal(plan) == ("包缝工序 1, 3 位于同一条工序路径上，设备类型使它们只能依次排在"
                              "不同工位（产品按线序逐个工位经过，每个工位只经过一次）："
                              "至少需要 2 名会操作包缝"
                              "的操作工，而产线只有 1 名。请给其他操作工的技能加上包缝。")
    assert "they need 2 operators who run Overlock (504/514), but the line has 1." in (
        _refusal(plan, "en"))
    third.skills = {"lockstitch": 0.9, "overlock": 0.8}
    with change_context(user=None, source="system"):
        third.save()
    assert len(plan_problem(plan)[0].operators) == 3


def test_alternating_machine_types_need_more_operators_than_the_line_has(org):
    style = make_style(org, code="ALT4", ops=[
        ("1", "合肩", "overlock", "20", []), ("2", "上领", "lockstitch", "30", ["1"]),
        ("3", "合侧缝", "overlock", "20", ["2"]), ("4", "上袖", "lockstitch", "30", ["3"])])
    line = make_line(org)
    for name in ("王芳", "李娜", "张伟"):
        make_operator(org, name=name, line=line, skills={"overlock": 1.0, "lockstitch": 1.0})
    plan = make_plan(org, style=style, line=line, cycle_seconds=60, use_operator_skills=True)
    assert _refusal(plan) == ("工序 1 → 2 → 3 → 4 依次相连，其中 3 处前后工序的设备类型不能共用"
                              "工位：至少需要 4 名操作工，而产线只有 3 名在岗操作工。")
    assert _refusal(plan, "en").endswith("but the line has 3 active ones.")
