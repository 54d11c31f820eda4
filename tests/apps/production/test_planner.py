"""The planner with the engine: exact figures on a hand-solved bulletin."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.production.adapter import PlanInputError, evaluate, plan_problem
from jinxiu.apps.production.models import BalancePlan, Operation
from jinxiu.apps.production.services import plan_move, plan_run
from tests.apps.production.factories import (
    make_line,
    make_operator,
    make_plan,
    make_style,
)
from tests.helpers.factories import make_org, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]




def run(plan, user, capture):
    with capture(execute=True):
        plan_run(plan=plan, user=user)
    plan.refresh_from_db()
    return plan


def pk(style, code):
    return style.operations.get(code=code).pk


def test_fewest_operators_for_a_cycle_time(org, django_capture_on_commit_callbacks):
    """SMALL: 1 overlock 20 s → 2 lockstitch 30 s → 4 iron 10 s; 3 lockstitch 40 s → 4.
    At 50 s the two lockstitch jobs (70 s) need two operators and overlock cannot share
    with lockstitch: 3 operators, although 100 s / 50 s would allow 2."""
    plan = make_plan(org, cycle_seconds=50)
    plan = run(plan, make_user(), django_capture_on_commit_callbacks)
    assert plan.current_status == "done"
    assert plan.result["proven_optimal"] is True
    assert len(plan.result["stations"]) == 3
    ev = evaluate(plan)
    assert ev.warnings == [] and ev.workplaces == 3 and ev.total_seconds == 100


def test_highest_output_for_a_number_of_operators(org, django_capture_on_commit_callbacks):
    plan = make_plan(org, mode=BalancePlan.Mode.MAX_OUTPUT, station_count=3)
    plan = run(plan, make_user(), django_capture_on_commit_callbacks)
    assert plan.result["cycle_seconds"] == 40.0  # no station can go under the 40 s operation
    assert plan.result["proven_optimal"] is True
    assert evaluate(plan).bottleneck_seconds == 40.0


# two CP-SAT workers even on one core (adapter.solve_params: plans where one finds none)
@pytest.mark.parametrize(("cores", "workers", "threads"), [(1, 2, 1), (2, 2, 2), (8, 8, 2)])
def test_a_balancing_job_gives_the_engine_the_machines_cores(
        org, django_capture_on_commit_callbacks, monkeypatch, cores, workers, threads):
    from jinxiu.engines import linebal

    seen = []
    real = linebal.solve

    def spy(data, **kwargs):
        seen.append(kwargs["params"])
        return real(data, **kwargs)

    monkeypatch.setattr(linebal, "solve", spy)
    monkeypatch.setattr("jinxiu.apps.production.adapter.os.cpu_count", lambda: cores)
    plan = run(make_plan(org, cycle_seconds=50), make_user(), django_capture_on_commit_callbacks)
    assert plan.current_status == "done" and len(plan.result["stations"]) == 3
    assert [(p.workers, p.threads) for p in seen] == [(workers, threads)]


def test_figures_and_warnings_of_a_hand_edited_plan(org):
    plan = make_plan(org, cycle_seconds=50)
    style = plan.style
    with change_context(user=None, source="system"):
        plan.result = {"kind": "SALBP-1", "proven_optimal": True, "lower_bound": 3,
                       "stations": [{"operations": [pk(style, "1")], "replicas": 1},
                                    {"operations": [pk(style, "3")], "replicas": 1},
                                    {"operations": [pk(style, "2"), pk(style, "4")],
                                     "replicas": 1}]}
        plan.save()
    ev = evaluate(plan)
    assert [round(s.per_workplace, 2) for s in ev.stations] == [20, 40, 40]
    assert [round(s.idle, 2) for s in ev.stations] == [30, 10, 10]
    assert ev.bottleneck_seconds == 40 and ev.bottleneck == 1
    assert round(ev.balance_efficiency, 4) == round(100 / 120, 4)
    assert ev.output_per_hour == 90
    assert ev.smoothness_index == 20
    assert ev.warnings == []

    with change_context(user=None, source="system"):
        plan_move(plan=plan, operation=style.operations.get(code="4"), to_station=1)
    ev = evaluate(plan)
    assert plan.edited
    assert ev.warnings == ["Station 1: 4 comes before its predecessor 2.",
                           "Station 1: 4 comes before its predecessor 3."]
    with change_context(user=None, source="system"):
        plan_move(plan=plan, operation=style.operations.get(code="3"), to_station=1)
    ev = evaluate(plan)
    assert "Station 1: Overlock (504/514) and Lockstitch (301) cannot be run by one operator." \
        in ev.warnings
    assert "Station 1: Load 70.0 s is over the cycle time 50.0 s." in ev.warnings
    assert len(ev.stations) == 2  # the emptied station closed up
    with change_context(user=None, source="system"):
        plan_move(plan=plan, operation=style.operations.get(code="3"), to_station=3)
    assert len(evaluate(plan).stations) == 3  # "new station"


def test_operator_skills_decide_who_does_what(org, django_capture_on_commit_callbacks):
    line = make_line(org, target_output=600)
    make_operator(org, "快手", line, {"overlock": 1.25, "iron": 1.0})
    make_operator(org, "平车甲", line, {"lockstitch": 1.0, "iron": 1.0})
    make_operator(org, "平车乙", line, {"lockstitch": 1.0})
    plan = make_plan(org, line=line, mode=BalancePlan.Mode.MAX_OUTPUT, use_operator_skills=True)
    plan = run(plan, make_user(), django_capture_on_commit_callbacks)
    assert plan.current_status == "done", plan.job.error
    ev = evaluate(plan)
    assert ev.warnings == []
    who = {op["code"]: s.operator for s in ev.stations for op in s.operations}
    assert who["1"] == "快手" and who["2"] != who["3"]
    assert {s.operator for s in ev.stations} == {"快手", "平车甲", "平车乙"}


def test_bad_input_is_refused_before_the_engine(org):
    style = make_style(org, code="E", ops=[])
    with pytest.raises(PlanInputError, match="has no operations"):
        plan_problem(make_plan(org, style=style, cycle_seconds=30))
    with change_context(user=None, source="system"):
        Operation.objects.create(organization=org, style=style, sequence=1, code="1", name="a",
                                 machine_type="manual", standard_seconds=5,
                                 predecessors=["9"])
    with pytest.raises(PlanInputError, match="unknown predecessor “9”"):
        plan_problem(make_plan(org, style=style, cycle_seconds=30))


def test_a_failed_run_shows_as_failed_and_writes_nothing(org, django_capture_on_commit_callbacks):
    plan = make_plan(org, cycle_seconds=10, allow_split=False)  # 40 s > 10 s, no splitting
    with pytest.raises(PlanInputError):
        plan_problem(plan)
    user = make_user()
    with pytest.raises(PlanInputError):
        plan_run(plan=plan, user=user)  # refused at once, no job
    plan.refresh_from_db()
    assert plan.job is None and plan.result is None


def test_plan_pages_exports_and_move_over_http(client, org, django_capture_on_commit_callbacks):
    user = make_user(memberships=[(org, "admin")])
    client.force_login(user)
    plan = make_plan(org, cycle_seconds=50)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/production/plans/{plan.pk}/run/").status_code == 302
    page = client.get(f"/production/plans/{plan.pk}/")
    assert page.status_code == 200 and 'id="yamazumi"' in page.content.decode()
    xlsx = client.get(f"/production/plans/{plan.pk}/export.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    pdf = client.get(f"/production/plans/{plan.pk}/export.pdf")
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"
    op = plan.style.operations.get(code="4")
    moved = client.post(f"/production/plans/{plan.pk}/move/",
                        {"operation": op.pk, "to_station": 1}, HTTP_HX_REQUEST="true")
    assert moved.status_code == 200 and "plan-warnings" in moved.content.decode()
    other = make_style(make_org("别家"), code="X")
    foreign = other.operations.first()
    assert client.post(f"/production/plans/{plan.pk}/move/",
                       {"operation": foreign.pk, "to_station": 1}).status_code == 404
    compare = client.get(f"/production/plans/compare/?plan={plan.pk}&plan={plan.pk}")
    assert compare.status_code == 200


PAGES = ["/production/styles/", "/production/operations/", "/production/lines/",
         "/production/operators/", "/production/plans/", "/api/production/styles/",
         "/api/production/operations/", "/api/production/lines/",
         "/api/production/operators/", "/api/production/plans/"]


def _fill(org, n, start):
    for i in range(start, start + n):
        style = make_style(org, code=f"Q{i}")
        line = make_line(org, name=f"线{i}")
        make_operator(org, f"工{i}", line)
        make_plan(org, style=style, line=line, cycle_seconds=50, name=f"方案{i}")


@pytest.mark.parametrize("url", PAGES)
def test_production_lists_run_the_same_queries_at_3_and_30_rows(org, url):
    user = make_user(memberships=[(org, "admin")])
    counts = []
    for n, start in ((3, 0), (27, 3)):
        _fill(org, n, start)
        if url.startswith("/api/"):
            client = APIClient()
            client.force_authenticate(user)
        else:
            from django.test import Client

            client = Client()
            client.force_login(user)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        body = response.json()["count"] if url.startswith("/api/") else None
        assert body is None or body >= 3
        counts.append(len(ctx))
    assert counts[0] == counts[1], f"{url}: {counts}"


def test_takt_time_is_rounded_down_so_the_target_is_still_met(org):
    line = make_line(org, shift_minutes=480, target_output=691)  # 41.6787… s
    assert str(line.takt_seconds) == "41.67"  # not 41.68, which would make 690.98 a day
    assert 480 * 60 / float(line.takt_seconds) >= 691
    line.target_output = 600
    assert str(line.takt_seconds) == "48.00"
