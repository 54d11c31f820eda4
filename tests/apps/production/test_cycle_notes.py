"""A highest-output plan that leaves operators out or stops above the average load says
why: one operation that one operator does whole, or the line's few machines of a type
(``adapter.cycle_notes``). Worked on the small bulletin: 1 (20 s, overlock) → 2 (30 s,
lockstitch) → 4 (10 s, iron) ← 3 (40 s, lockstitch); 100 s in all."""

import pytest

from jinxiu.apps.production.adapter import evaluate
from jinxiu.apps.production.models import BalancePlan
from jinxiu.apps.production.services import plan_run
from tests.apps.production.factories import make_line, make_plan, make_style
from tests.helpers.factories import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]

MAX = BalancePlan.Mode.MAX_OUTPUT


def _balanced(capture, org, **kw):
    plan = make_plan(org, mode=MAX, **{"allow_split": False, **kw})
    with capture(execute=True):
        plan_run(plan=plan, user=make_user())
    plan.refresh_from_db()
    return plan, evaluate(plan)


def test_one_long_operation_holds_the_cycle_and_extra_operators_would_idle(
        org, django_capture_on_commit_callbacks):
    plan, ev = _balanced(django_capture_on_commit_callbacks, org, station_count=5)
    assert plan.result["proven_optimal"] and ev.bottleneck_seconds == 40.0
    # {1} {3} {2, 4}: the fewest workplaces at 40 s (one operation each would be four)
    assert ev.workplaces == 3 and plan.result["engine_stations"] == 3
    assert ev.notes == [
        "Operation 3 takes 40.0 s and one operator does it whole, so no plan has a shorter "
        "cycle. Ticking “duplicate long operations” would run it at parallel workplaces.",
        "3 of the 5 operators are enough for this cycle; the others would not make the line "
        "faster."]
    html = _page(plan)
    assert 'id="plan-notes"' in html and "Operation 3 takes 40.0 s" in html


def test_few_machines_of_a_type_hold_the_cycle(org, django_capture_on_commit_callbacks):
    line = make_line(org, machines={"lockstitch": 1})
    _plan, ev = _balanced(django_capture_on_commit_callbacks, org, station_count=3, line=line)
    assert ev.bottleneck_seconds == 70.0 and ev.warnings == []
    assert ev.notes == [
        "The line's 1 Lockstitch (301) machine(s) share 70.0 s of work, so the cycle cannot "
        "go below 70.0 s. More of them would shorten it."]


def test_no_note_where_neither_limit_holds_the_cycle_or_a_hand_edit_raised_it(
        org, django_capture_on_commit_callbacks):
    plan, ev = _balanced(django_capture_on_commit_callbacks, org, station_count=2)
    # 50 s each is the average; overlock and lockstitch cannot share an operator, so the
    # best is {1} and {2, 3, 4}: held by the machine rules, which the notes do not claim
    assert ev.bottleneck_seconds == 80.0 and ev.notes == []
    plan, ev = _balanced(django_capture_on_commit_callbacks, org, station_count=5,
                         style=make_style(org, code="S2"))
    stations = plan.result["stations"]
    stations[0]["operations"] += [op for s in stations[1:] for op in s["operations"]]
    plan.result["stations"] = stations[:1]
    plan.save()
    ev = evaluate(plan)
    assert ev.bottleneck_seconds == 100.0 and ev.notes == []


def _page(plan):
    from django.test import Client

    client = Client()
    client.force_login(make_user(memberships=[(plan.organization, "admin")]))
    client.cookies["django_language"] = "en"
    return client.get(f"/production/plans/{plan.pk}/").content.decode()


def _sheet(plan):
    import io

    from openpyxl import load_workbook

    from jinxiu.apps.production.plans import plan_xlsx

    sheet = load_workbook(io.BytesIO(plan_xlsx(plan, evaluate(plan)))).active
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_the_excel_and_the_printed_layout_carry_the_notes(org, django_capture_on_commit_callbacks):
    plan, ev = _balanced(django_capture_on_commit_callbacks, org, station_count=5)
    rows = _sheet(plan)
    at = next(k for k, r in enumerate(rows) if r[0] == "Why the cycle is not shorter")
    assert [r[0] for r in rows[at + 1:at + 3]] == ev.notes and len(ev.notes) == 2
    from django.template.loader import render_to_string

    printed = render_to_string("production/plan_print.html", {"plan": plan, "evaluation": ev})
    assert '<ul class="notes"><li>Operation 3 takes 40.0 s' in printed


def test_with_skills_the_excel_gives_standard_and_operator_seconds(
        org, django_capture_on_commit_callbacks):
    from tests.apps.production.factories import make_operator

    line = make_line(org)
    for name, skills in (("快手", {"overlock": 1.25, "iron": 1.0}),
                         ("平车甲", {"lockstitch": 1.0, "iron": 1.0}),
                         ("平车乙", {"lockstitch": 0.8})):
        make_operator(org, name, line, skills)
    plan = make_plan(org, line=line, cycle_seconds=60, use_operator_skills=True)
    with django_capture_on_commit_callbacks(execute=True):
        plan_run(plan=plan, user=make_user())
    plan.refresh_from_db()
    rows = _sheet(plan)
    header = rows[at_header(rows)]
    assert header == ["Station", "Parallel workplaces", "Operator", "Operation code", "Operation",
                      "Machine", "Standard seconds", "Operator's seconds",
                      "Station load (s)", "Idle (s)"]
    by_code = {r[3]: r for r in rows[at_header(rows) + 1:] if r[3]}
    ev = evaluate(plan)
    who = {o["code"]: v.operator for v in ev.stations for o in v.operations}
    speed = {"快手": {"overlock": 1.25, "iron": 1.0}, "平车甲": {"lockstitch": 1.0, "iron": 1.0},
             "平车乙": {"lockstitch": 0.8, "iron": 1.0}}  # pressing: 1 unless listed
    for code, machine, standard in (("1", "overlock", 20.0), ("2", "lockstitch", 30.0),
                                    ("3", "lockstitch", 40.0), ("4", "iron", 10.0)):
        row = by_code[code]
        assert row[6] == standard
        assert row[7] == round(standard / speed[who[code]][machine], 2)


def at_header(rows) -> int:
    return next(k for k, r in enumerate(rows) if r[0] == "Station")


def test_a_hand_edit_that_breaks_the_machine_count_gets_no_note(
        org, django_capture_on_commit_callbacks):
    from jinxiu.apps.production.services import plan_move

    line = make_line(org, machines={"lockstitch": 1})
    plan, ev = _balanced(django_capture_on_commit_callbacks, org, station_count=3, line=line)
    assert ev.bottleneck_seconds == 70.0 and len(ev.notes) == 1
    plan_move(plan=plan, operation=plan.style.operations.get(code="3"),
              to_station=len(plan.result["stations"]) + 1)
    plan.refresh_from_db()
    ev = evaluate(plan)
    assert ev.bottleneck_seconds == 40.0  # two lockstitch workplaces on one machine
    assert ev.warnings[0] == ("The plan uses 2 Lockstitch (301) workplaces; the line has 1 "
                              "such machines.")
    assert ev.notes == []


def test_two_limits_at_one_value_more_machines_alone_are_not_promised(
        org, django_capture_on_commit_callbacks):
    line = make_line(org, machines={"lockstitch": 1})
    style = make_style(org, code="T", ops=[("1", "合肩", "overlock", "10", []),
                                           ("2", "上领", "lockstitch", "70", ["1"])])
    _plan, ev = _balanced(django_capture_on_commit_callbacks, org, station_count=2,
                          line=line, style=style)
    assert ev.bottleneck_seconds == 70.0
    assert ev.notes == [
        "Operation 2 takes 70.0 s and one operator does it whole, so no plan has a shorter "
        "cycle. Ticking “duplicate long operations” would run it at parallel workplaces.",
        "The line's 1 Lockstitch (301) machine(s) share 70.0 s of work, so the cycle cannot "
        "go below 70.0 s."]


def test_the_lines_operators_count_when_the_plan_names_no_number(
        org, django_capture_on_commit_callbacks):
    from tests.apps.production.factories import make_operator

    line = make_line(org, machines={"lockstitch": 1})
    for name in ("甲", "乙", "丙"):
        make_operator(org, name, line)
    _plan, ev = _balanced(django_capture_on_commit_callbacks, org, line=line)
    assert ev.bottleneck_seconds == 70.0 and ev.workplaces == 3
    assert ev.notes == [
        "The line's 1 Lockstitch (301) machine(s) share 70.0 s of work, so the cycle cannot "
        "go below 70.0 s. More of them would shorten it."]


def test_fewest_workplaces_keeps_the_cycle_and_its_proof_and_needs_fewer(org):
    from jinxiu.apps.production.adapter import fewest_workplaces, plan_problem
    from jinxiu.engines.linebal import check_solution
    from jinxiu.engines.linebal.result import make_result

    plan = make_plan(org, mode=MAX, allow_split=False, station_count=5)
    data, ops = plan_problem(plan)
    codes = [op.code for op in ops]
    one_each = [[codes.index(c)] for c in ("1", "3", "2", "4")]  # 4 workplaces at 40 s
    loose = make_result(data, one_each, cycle_time=None, lower_bound=4000, proven=True,
                        runtime_s=0.1, stop_reason="optimal")
    tight = fewest_workplaces(data, loose, seconds=2)
    assert (loose.stations, tight.stations) == (4, 3)
    assert (tight.cycle_time, tight.lower_bound, tight.proven_optimal) == (4000, 4000, True)
    assert check_solution(data.with_cycle_time(4000), tight) == []
    # SALBP-1, and a plan already as small as it gets, come back as they were
    assert fewest_workplaces(data, tight, seconds=2) is tight
    salbp1 = data.with_cycle_time(4000)
    assert fewest_workplaces(salbp1, loose, seconds=2) is loose
