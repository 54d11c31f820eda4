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
    assert ev.workplaces in (3, 4)  # {1}{3}{2,4} or one operation each
    assert ev.notes == [
        "Operation 3 takes 40.0 s and one operator does it whole, so no plan has a shorter "
        "cycle. Ticking “duplicate long operations” would run it at parallel workplaces.",
        f"{ev.workplaces} of the 5 operators are enough for this cycle; the others would "
        "not make the line faster."]
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
