"""Second review of the planner: runs that overlap, changes made while a plan is being
balanced, operations added after a run, and input that is wrong in quieter ways. Each
test failed before its fix."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.core.models import JobRun
from jinxiu.apps.production import bulletins
from jinxiu.apps.production.adapter import PlanInputError, evaluate, plan_problem
from jinxiu.apps.production.bulletins import BulletinImportError, bulletin_import
from jinxiu.apps.production.models import BalancePlan, Operation, Operator
from jinxiu.apps.production.services import plan_run
from tests.apps.production.factories import make_line, make_operator, make_plan, make_style
from tests.helpers.factories import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]


def _during_the_search(monkeypatch, change):
    """Run ``change()`` while the engine searches (between reading and saving)."""
    from jinxiu.engines import linebal

    real = linebal.solve

    def solve(data, **kwargs):
        change()
        return real(data, **kwargs)

    monkeypatch.setattr(linebal, "solve", solve)


def _run(plan, capture):
    with capture(execute=True):
        plan_run(plan=plan, user=make_user())
    plan.refresh_from_db()
    return plan


# --- runs that overlap ----------------------------------------------------------------------
def test_balance_again_while_a_job_is_queued_is_refused_and_queues_nothing(
        admin_client, org, django_capture_on_commit_callbacks):
    plan = make_plan(org, cycle_seconds=50)
    with django_capture_on_commit_callbacks(execute=False):  # the first job stays queued
        plan_run(plan=plan, user=make_user())
    plan.refresh_from_db()
    first_job = plan.job_id
    jobs = JobRun.objects.count()
    with pytest.raises(ValidationError, match="already being balanced"):
        plan_run(plan=plan, user=make_user())
    response = admin_client.post(f"/production/plans/{plan.pk}/run/", follow=True)
    assert "The plan is already being balanced" in response.content.decode()
    assert JobRun.objects.count() == jobs
    plan.refresh_from_db()
    assert plan.job_id == first_job and plan.status == "running"


def test_a_plan_whose_job_failed_may_be_balanced_again(org, django_capture_on_commit_callbacks):
    plan = make_plan(org, cycle_seconds=50)
    with django_capture_on_commit_callbacks(execute=False):
        plan_run(plan=plan, user=make_user())
    plan.refresh_from_db()
    JobRun.objects.filter(pk=plan.job_id).update(status="failed", finished=plan.created)
    plan.refresh_from_db()
    assert plan.current_status == "failed"
    plan = _run(plan, django_capture_on_commit_callbacks)
    assert plan.current_status == "done" and len(plan.result["stations"]) == 3


# --- changes while the engine searches ------------------------------------------------------
def test_a_bulletin_reimported_during_the_search_fails_the_job_and_keeps_no_dead_ids(
        org, monkeypatch, django_capture_on_commit_callbacks):
    plan = make_plan(org, cycle_seconds=50)
    style = plan.style
    text = "工序号,工序名称,设备类型,秒\n1,合肩,包缝,20\n2,上领,平车,30\n"

    def reimport():
        with change_context(user=None, source="system"):
            bulletin_import(style=style, uploaded=SimpleUploadedFile(
                "b.csv", text.encode(), content_type="text/csv"))

    _during_the_search(monkeypatch, reimport)
    plan = _run(plan, django_capture_on_commit_callbacks)
    assert plan.current_status == "failed"
    assert plan.result is None  # nothing stored, so no operation ids of the old bulletin
    assert "was changed while the plan was being balanced" in plan.job.error


def test_an_edited_operation_time_during_the_search_fails_the_job(
        org, monkeypatch, django_capture_on_commit_callbacks):
    plan = make_plan(org, cycle_seconds=50)
    op = plan.style.operations.get(code="3")

    def edit():
        op.standard_seconds = Decimal("45")
        with change_context(user=None, source="system"):
            op.save()

    _during_the_search(monkeypatch, edit)
    plan = _run(plan, django_capture_on_commit_callbacks)
    assert plan.current_status == "failed" and plan.result is None
    assert plan.job.error == ("ValueError: The bulletin of S1 款式S1 was changed while the "
                              "plan was being balanced; balance it again.")


def test_a_style_changed_during_the_search_keeps_the_plan_reset(
        admin_client, org, monkeypatch, django_capture_on_commit_callbacks):
    plan = make_plan(org, cycle_seconds=50)
    other = make_style(org, code="S2")

    def change_style():
        response = admin_client.post(f"/production/plans/{plan.pk}/edit/", {
            "organization": org.pk, "name": plan.name, "style": other.pk,
            "mode": plan.mode, "cycle_seconds": "50", "allow_split": "on",
            "time_limit_s": plan.time_limit_s})
        assert response.status_code == 302

    _during_the_search(monkeypatch, change_style)
    with django_capture_on_commit_callbacks(execute=True):
        plan_run(plan=plan, user=make_user())
    plan.refresh_from_db()
    # the job did not write the old style back, nor a result of the old style's bulletin
    assert plan.style_id == other.pk
    assert plan.status == "draft" and plan.result is None and plan.job_id is None
    job = JobRun.objects.latest("pk")
    assert job.status == "failed" and "changed while it was being balanced" in job.error


# --- operations added after a run -----------------------------------------------------------
def test_an_operation_added_after_the_run_can_be_given_a_station(
        admin_client, org, django_capture_on_commit_callbacks):
    plan = _run(make_plan(org, cycle_seconds=50), django_capture_on_commit_callbacks)
    with change_context(user=None, source="system"):
        new = Operation.objects.create(organization=org, style=plan.style, sequence=5,
                                       code="5", name="钉商标", machine_type="lockstitch",
                                       standard_seconds=Decimal("8"), predecessors=["4"])
    ev = evaluate(plan)
    assert [op["code"] for op in ev.unassigned] == ["5"]
    # the bulletin changed since the run: said first, then what it means for this plan
    assert ev.stale and ev.warnings[1:] == ["Not assigned: 5."]
    # (the new operation follows 4: the order of operations changed too)
    assert ev.warnings[0].startswith(
        "Changed after this plan was balanced: the bulletin, the order of operations. ")
    page = admin_client.get(f"/production/plans/{plan.pk}/").content.decode()
    row = page[page.index('id="unassigned"'):]
    assert f'id="move-{new.pk}"' in row and "Assign to station" in row
    last = len(plan.result["stations"])
    response = admin_client.post(f"/production/plans/{plan.pk}/move/", {
        "operation": new.pk, "to_station": last,
        "version": plan.last_updated.isoformat()}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'id="unassigned"' not in response.content.decode()
    plan.refresh_from_db()
    assert new.pk in plan.result["stations"][last - 1]["operations"]
    ev = evaluate(plan)
    assert ev.unassigned == [] and ev.total_seconds == 108


# --- quieter bad input ----------------------------------------------------------------------
def test_an_operator_skill_of_true_is_refused(org):
    operator = Operator(organization=org, name="林芳", skills={"lockstitch": True})
    with pytest.raises(ValidationError) as exc:
        operator.full_clean()
    assert "must be a number between 0.1 and 3" in str(exc.value)


def test_two_operators_of_one_name_are_refused_before_the_engine_sees_them(org):
    line = make_line(org)
    skills = {"overlock": 1.0, "lockstitch": 1.0, "iron": 1.0}
    make_operator(org, name="陈红", line=line, skills=skills)
    second = make_operator(org, name="陈红", line=line, skills=skills)
    plan = make_plan(org, line=line, mode=BalancePlan.Mode.MAX_OUTPUT, use_operator_skills=True)
    with pytest.raises(PlanInputError,
                       match="both called “陈红”; give them employee numbers"):
        plan_problem(plan)
    second.employee_no = "A7"
    with change_context(user=None, source="system"):
        second.save()
    data, _ops = plan_problem(plan)
    assert sorted(o.name for o in data.operators) == ["陈红", "陈红 (A7)"]


class _Sheet:
    """A worksheet of ``n`` operation rows that counts the rows read from it."""

    def __init__(self, n):
        self.n, self.read = n, 0

    def iter_rows(self, values_only=True):
        yield ("工序号", "工序名称", "设备类型", "秒")
        for i in range(self.n):
            self.read += 1
            yield (str(i + 1), "工序", "平车", 5)


def test_an_excel_bulletin_past_the_row_limit_is_refused_without_reading_it_all(
        org, monkeypatch):
    import openpyxl

    sheet = _Sheet(50_000)

    class Book:
        worksheets = [sheet]

    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: Book())
    style = make_style(org)
    before = list(style.operations.values_list("code", flat=True))
    with pytest.raises(BulletinImportError) as exc:
        bulletin_import(style=style, uploaded=SimpleUploadedFile("big.xlsx", b"PK"))
    assert [e.reason for e in exc.value.errors] == [
        f"more than {bulletins.MAX_ROWS} operations"]
    assert sheet.read == bulletins.MAX_ROWS + 1
    assert list(style.operations.values_list("code", flat=True)) == before
