"""Operators' speeds as plans use them (``Operator.efficiency``): hand work and pressing
at standard speed unless listed, 0 for "does not do it"; a standard-time plan is not made
stale by a change of skills, and says so when an operator is placed at a machine she does
not run."""

import pytest
from django.core.exceptions import ValidationError

from jinxiu.apps.production.adapter import evaluate, plan_problem
from jinxiu.apps.production.models import BalancePlan, Operator
from jinxiu.apps.production.services import plan_run, plan_set_operator
from tests.apps.production.factories import make_line, make_operator, make_plan
from tests.helpers.factories import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]


def _run(plan, capture):
    with capture(execute=True):
        plan_run(plan=plan, user=make_user())
    plan.refresh_from_db()
    return plan


def test_hand_work_pressing_and_conveyors_go_at_standard_speed_unless_listed(org):
    sewer = Operator(organization=org, name="甲", skills={"lockstitch": 1.2})
    presser = Operator(organization=org, name="乙", skills={"iron": 1.5, "manual": 0})
    # hand work, pressing and the unstaffed conveyor machines (烘箱, 冷冻机, 蒸湿回软机)
    conveyor = {"chiller": 1.0, "heat_activator": 1.0, "steamer": 1.0}
    assert sewer.efficiency() == {"iron": 1.0, "lockstitch": 1.2, "manual": 1.0, **conveyor}
    assert presser.efficiency() == {"iron": 1.5, **conveyor}
    presser.full_clean()  # 0 is "does not do it"
    with pytest.raises(ValidationError) as exc:
        Operator(organization=org, name="丙", skills={"iron": 0.05}).full_clean()
    assert "or 0 for “does not do it”" in str(exc.value)


def test_a_sewer_without_pressing_listed_takes_the_pressing_in_a_skills_plan(
        org, django_capture_on_commit_callbacks):
    # small bulletin: 1 (20 s, overlock) → 2 (30 s, lockstitch) → 4 (10 s, iron) ← 3 (40 s)
    line = make_line(org)
    make_operator(org, "包缝工", line, {"overlock": 1.0})
    make_operator(org, "平车甲", line, {"lockstitch": 1.0, "iron": 0})
    make_operator(org, "平车乙", line, {"lockstitch": 1.0})
    plan = make_plan(org, line=line, cycle_seconds=50, use_operator_skills=True)
    data, _ops = plan_problem(plan)
    conveyor = {"chiller": 1.0, "heat_activator": 1.0, "steamer": 1.0}
    assert {o.name: dict(o.efficiency) for o in data.operators} == {
        "包缝工": {"iron": 1.0, "manual": 1.0, "overlock": 1.0, **conveyor},
        "平车甲": {"lockstitch": 1.0, "manual": 1.0, **conveyor},
        "平车乙": {"iron": 1.0, "lockstitch": 1.0, "manual": 1.0, **conveyor}}
    plan = _run(plan, django_capture_on_commit_callbacks)
    ev = evaluate(plan)
    assert plan.current_status == "done" and ev.warnings == []
    where = {o["code"]: v.operator for v in ev.stations for o in v.operations}
    assert where["4"] in ("包缝工", "平车乙")  # never 平车甲, who does no pressing


def test_a_standard_time_plan_stays_fresh_when_skills_change_but_not_the_team(
        org, django_capture_on_commit_callbacks):
    line = make_line(org)
    first = make_operator(org, "甲", line, {"lockstitch": 1.0})
    for name in ("乙", "丙"):
        make_operator(org, name, line, {"lockstitch": 1.0})
    plan = _run(make_plan(org, line=line, mode=BalancePlan.Mode.MAX_OUTPUT),
                django_capture_on_commit_callbacks)
    assert not evaluate(plan).stale
    first.skills = {"lockstitch": 1.3, "overlock": 1.0}
    first.save()
    assert not evaluate(plan).stale
    first.active = False  # two operators now: the plan was balanced for three
    first.save()
    assert evaluate(plan).stale


def test_placing_an_operator_at_a_machine_she_does_not_run_is_warned_without_skills(
        org, django_capture_on_commit_callbacks):
    line = make_line(org)
    presser = make_operator(org, "郭小红", line, {"manual": 1.0, "iron": 1.0})
    newcomer = make_operator(org, "新人", line, {})
    plan = _run(make_plan(org, line=line, cycle_seconds=50), django_capture_on_commit_callbacks)
    ev = evaluate(plan)
    lockstitch = next(v.number for v in ev.stations
                      if all(o["machine_type"] == "lockstitch" for o in v.operations))
    plan_set_operator(plan=plan, station=lockstitch, operator=presser.pk)
    plan.refresh_from_db()
    ev = evaluate(plan)
    codes = [o["code"] for o in ev.stations[lockstitch - 1].operations]
    assert ev.stations[lockstitch - 1].warnings == [
        f"郭小红 has no skill for Lockstitch (301) ({code})." for code in codes]
    plan_set_operator(plan=plan, station=lockstitch, operator=newcomer.pk)  # skills unknown
    plan.refresh_from_db()
    assert evaluate(plan).stations[lockstitch - 1].warnings == []


def test_an_operation_too_long_for_every_operator_is_shared_or_refused_saying_how(org):
    from jinxiu.apps.production.adapter import PlanInputError

    line = make_line(org)
    make_operator(org, "甲", line, {"overlock": 1.0, "lockstitch": 1.0})
    make_operator(org, "乙", line, {"lockstitch": 1.1})
    make_operator(org, "丙", line, {"lockstitch": 1.0})
    plan = make_plan(org, line=line, cycle_seconds=35, use_operator_skills=True)
    assert plan.allow_split  # ticked: 乙 and another may share operation 3 (36.37 s, 40 s)
    data, _ops = plan_problem(plan)
    assert data.allow_split and data.splits
    plan.allow_split = False
    with pytest.raises(PlanInputError) as exc:
        plan_problem(plan)
    assert str(exc.value) == (
        "Operation 3 takes 36.37 s even for the fastest active operator who runs it, longer "
        "than the cycle time of 35 s: tick “duplicate long operations” to let operators "
        "share it, raise the cycle time or give the skill to a faster operator.")


def test_operators_are_listed_by_employee_number_as_on_the_roster(admin_client, org):
    from jinxiu.apps.production.adapter import plan_operators

    line = make_line(org)
    for name, number in (("王芳", "10"), ("李娜", "2"), ("陈红", ""), ("赵敏", "A7")):
        worker = make_operator(org, name, line)
        worker.employee_no = number
        worker.save()
    plan = make_plan(org, line=line)
    assert [p.name for p in plan_operators(plan)] == ["李娜", "王芳", "赵敏", "陈红"]
    page = admin_client.get(f"/production/lines/{line.pk}/").content.decode()
    rows = [page.index(name) for name in ("李娜", "王芳", "赵敏", "陈红")]
    assert rows == sorted(rows)


def test_a_plan_stored_with_the_older_digest_is_not_stale_for_that_alone(
        org, django_capture_on_commit_callbacks):
    from jinxiu.apps.production.adapter import plan_inputs, plan_operations

    line = make_line(org)
    for name in ("甲", "乙"):
        make_operator(org, name, line, {"lockstitch": 1.0})
    plan = _run(make_plan(org, line=line, mode=BalancePlan.Mode.MAX_OUTPUT),
                django_capture_on_commit_callbacks)
    ops = plan_operations(plan)
    older = plan_inputs(plan, ops, legacy=True)  # operators' skills digested, as before
    assert older != plan.result["inputs"]
    plan.result = {**plan.result, "inputs": older}
    plan.save()
    assert not evaluate(plan).stale


def test_a_failing_second_search_keeps_the_plan_in_hand(org, monkeypatch):
    from jinxiu.apps.production import adapter
    from jinxiu.engines.linebal import ProblemError, solve

    plan = make_plan(org, mode=BalancePlan.Mode.MAX_OUTPUT, allow_split=False, station_count=5)
    data, _ops = plan_problem(plan)
    first = solve(data)

    def refuse(*args, **kwargs):
        raise ProblemError("refused", reason="machines")

    monkeypatch.setattr("jinxiu.engines.linebal.solve", refuse)
    assert adapter.fewest_workplaces(data, first, seconds=1) is first


def test_listing_a_speed_an_operator_already_has_does_not_stale_a_skills_plan(
        org, django_capture_on_commit_callbacks):
    line = make_line(org)
    make_operator(org, "包缝工", line, {"overlock": 1.0})
    first = make_operator(org, "平车甲", line, {"lockstitch": 1.0})
    make_operator(org, "平车乙", line, {"lockstitch": 1.0})
    plan = _run(make_plan(org, line=line, cycle_seconds=50, use_operator_skills=True),
                django_capture_on_commit_callbacks)
    assert not evaluate(plan).stale
    from jinxiu.apps.production.adapter import plan_inputs, plan_operations

    stored = plan.result["inputs"]  # a plan stored with the skills as typed: still fresh
    plan.result = {**plan.result, "inputs": plan_inputs(plan, plan_operations(plan),
                                                        legacy=True)}
    assert plan.result["inputs"] != stored and not evaluate(plan).stale
    plan.result = {**plan.result, "inputs": stored}
    first.skills = {"lockstitch": 1.0, "iron": 1.0, "manual": 1}  # what she did already
    first.save()
    assert not evaluate(plan).stale
    first.skills = {"lockstitch": 1.0, "iron": 0}  # no pressing now: another plan
    first.save()
    assert evaluate(plan).stale
