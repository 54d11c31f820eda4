"""Third review of the planner, as an industrial engineer meets it: plans that silently
lost or kept numbers after the bulletin or the line changed, runs that failed without a
reason, and bulletin edits that broke the precedence graph. Each test failed before its
fix."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.core.jobs.services import JobCancelled
from jinxiu.apps.production import jobs
from jinxiu.apps.production.adapter import PlanInputError, evaluate, plan_problem
from jinxiu.apps.production.bulletins import bulletin_export, bulletin_import
from jinxiu.apps.production.models import BalancePlan, Operation
from jinxiu.apps.production.services import plan_run
from tests.apps.production.factories import make_line, make_operator, make_plan, make_style
from tests.helpers.factories import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]



def _run(plan, capture):
    with capture(execute=True):
        plan_run(plan=plan, user=make_user())
    plan.refresh_from_db()
    return plan


def _csv(rows: list[str]) -> SimpleUploadedFile:
    text = "工序号,工序名称,设备类型,标准工时(秒),紧前工序\n" + "\n".join(rows) + "\n"
    return SimpleUploadedFile("工序表.csv", text.encode(), content_type="text/csv")


def _team(org, line):
    """Three operators whose skills decide who does what on the small bulletin."""
    return (make_operator(org, "快手", line, {"overlock": 1.25, "iron": 1.0}),
            make_operator(org, "平车甲", line, {"lockstitch": 1.0, "iron": 1.0}),
            make_operator(org, "平车乙", line, {"lockstitch": 1.0}))


SMALL_CSV = ["1,合肩,包缝,20,", "2,上领,平车,30,1", "3,做门襟,平车,40,", "4,整烫,熨烫,10,2 3"]


# --- re-importing a bulletin ------------------------------------------------------------------
def test_reimporting_the_same_bulletin_keeps_every_plan_as_it_was(
        org, django_capture_on_commit_callbacks):
    plan = _run(make_plan(org, cycle_seconds=50), django_capture_on_commit_callbacks)
    before = evaluate(plan)
    pks = sorted(plan.style.operations.values_list("pk", flat=True))
    data = bulletin_export(style=plan.style)
    done = bulletin_import(style=plan.style, uploaded=SimpleUploadedFile("a.xlsx", data))
    assert (done.imported, done.added, done.updated, done.deleted) == (4, 0, 0, 0)
    assert sorted(plan.style.operations.values_list("pk", flat=True)) == pks
    after = evaluate(plan)
    assert not after.stale and after.warnings == []
    assert [s.load for s in after.stations] == [s.load for s in before.stations] == [
        40.0, 20.0, 40.0]


def test_reimport_with_a_new_time_updates_the_plan_and_says_it_is_stale(
        org, django_capture_on_commit_callbacks):
    plan = _run(make_plan(org, cycle_seconds=50), django_capture_on_commit_callbacks)
    rows = [*SMALL_CSV[:2], "3,做门襟,平车,35,", SMALL_CSV[3]]
    bulletin_import(style=plan.style, uploaded=_csv(rows))
    ev = evaluate(plan)
    assert ev.stale and ev.warnings[0].startswith(
        "Changed after this plan was balanced: the bulletin. ") and ev.unassigned == []
    assert [s.load for s in ev.stations] == [35.0, 20.0, 40.0]


def test_an_import_that_leaves_operations_out_needs_the_right_to_delete(
        client, org, django_capture_on_commit_callbacks):
    plan = _run(make_plan(org, cycle_seconds=50), django_capture_on_commit_callbacks)
    style = plan.style
    before = list(style.operations.values_list("pk", "code", "standard_seconds"))
    client.force_login(make_user(memberships=[(org, "member")]))  # may change, not delete
    without_4 = [*SMALL_CSV[:2], "3,做门襟,平车,45,"]
    response = client.post(f"/production/styles/{style.pk}/import/",
                           {"file": _csv(without_4), "delete_missing": "on"})
    assert response.status_code == 400  # the page in Chinese, the default
    assert "文件中没有这些工序，而您无权删除工序" in response.content.decode()
    assert list(style.operations.values_list("pk", "code", "standard_seconds")) == before
    client.force_login(make_user(memberships=[(org, "admin")]))
    # without the tick, not even an admin's import deletes: it says what it would delete
    unticked = client.post(f"/production/styles/{style.pk}/import/", {"file": _csv(without_4)})
    assert unticked.status_code == 400 and "4 整烫" in unticked.content.decode()
    assert list(style.operations.values_list("pk", "code", "standard_seconds")) == before
    assert client.post(f"/production/styles/{style.pk}/import/",
                       {"file": _csv(without_4), "delete_missing": "on"}).status_code == 302
    assert list(style.operations.values_list("code", "standard_seconds")) == [
        ("1", Decimal("20.00")), ("2", Decimal("30.00")), ("3", Decimal("45.00"))]


# --- failed and cancelled runs ----------------------------------------------------------------
def test_a_failed_run_is_stored_as_failed_with_its_reason(
        admin_client, org, monkeypatch, django_capture_on_commit_callbacks):
    from jinxiu.engines import linebal
    from jinxiu.engines.linebal.result import make_result

    def infeasible(data, **kwargs):
        return make_result(data, [], cycle_time=None, lower_bound=0, proven=True,
                           runtime_s=0.0, stop_reason="infeasible")

    monkeypatch.setattr(linebal, "solve", infeasible)
    plan = _run(make_plan(org, cycle_seconds=50), django_capture_on_commit_callbacks)
    assert plan.status == "failed" and plan.result is None
    page = admin_client.get(f"/production/plans/{plan.pk}/").content.decode()
    assert "Balancing failed: No plan keeps every rule" in page and "ValueError" not in page
    listed = admin_client.get("/production/plans/?status=failed").content.decode()
    assert f'href="/production/plans/{plan.pk}/"' in listed


def test_a_cancelled_run_puts_the_plan_back(org, monkeypatch, django_capture_on_commit_callbacks):
    plan = _run(make_plan(org, cycle_seconds=50), django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False):
        plan_run(plan=plan, user=make_user())
    plan.refresh_from_db()
    assert plan.status == "running"

    def cancelled(ctx):
        raise JobCancelled

    monkeypatch.setattr(jobs, "_balance", cancelled)

    class Ctx:
        params = {"plan": plan.pk}
        job = plan.job

    with pytest.raises(JobCancelled):
        jobs.balance_job(Ctx())
    plan.refresh_from_db()
    assert plan.status == "done" and len(plan.result["stations"]) == 3


def test_the_search_reports_progress_and_stops_when_cancelled(monkeypatch):
    now = [100.0]
    monkeypatch.setattr(jobs.time, "perf_counter", lambda: now[0])
    reports = []

    class Ctx:
        cancel = False

        def progress(self, percent, message=""):
            reports.append((percent, str(message)))
            if self.cancel:
                raise JobCancelled

    ctx = Ctx()
    stop = jobs._Reporting(ctx, 20, 40)
    stop._clock = lambda: now[0]
    stop._start = 100.0
    assert stop(0) is False and reports == [(10.0, "Balancing 40 operations: 0 of at most 20 s")]
    now[0] = 100.5
    assert stop(0) is False and len(reports) == 1  # at most one report a second
    now[0] = 110.0
    assert stop(0) is False and reports[-1] == (52.5, "Balancing 40 operations: 10 of at most "
                                                      "20 s")
    ctx.cancel = True
    now[0] = 112.0
    assert stop(0) is True and stop.cancelled and stop(0) is True
    stop.cancelled = False
    now[0] = 120.0
    assert stop(0) is True  # the time limit


# --- infeasible skills, said before the run ---------------------------------------------------
def test_an_operation_too_long_for_every_skilled_operator_is_named(org):
    line = make_line(org, target_output=800)  # takt 36 s
    make_operator(org, "甲", line, {"overlock": 1.0, "lockstitch": 1.2, "iron": 1.0})
    make_operator(org, "乙", line, {"lockstitch": 1.0, "iron": 0.5})
    style = make_style(org, code="T", ops=[("1", "合肩", "overlock", "20", []),
                                           ("2", "熨烫", "iron", "45", ["1"])])
    plan = make_plan(org, style=style, line=line, use_operator_skills=True, allow_split=False)
    with pytest.raises(PlanInputError, match=r"Operation 2 takes 45 s even for the fastest "
                                             r"active operator who runs it, longer than the "
                                             r"cycle time of 36 s"):
        plan_problem(plan)


def test_too_few_operators_for_the_work_is_said_with_the_count_needed(org):
    line = make_line(org, target_output=800)  # takt 36 s
    make_operator(org, "甲", line, {"lockstitch": 1.0, "overlock": 1.0, "iron": 1.0})
    make_operator(org, "乙", line, {"lockstitch": 1.25, "overlock": 1.0, "iron": 1.0})
    plan = make_plan(org, line=line, use_operator_skills=True, allow_split=False)
    # fastest times 20 + 24 + 32 + 10 = 86 s against 2 x 36 = 72 s
    with pytest.raises(PlanInputError, match=r"takes 86 s per piece, but the line's 2 active "
                                             r"operators can do at most 72 s at a cycle time "
                                             r"of 36 s: about 3 operators are needed"):
        plan_problem(plan)


# --- plans whose line or operators changed ----------------------------------------------------
def test_a_deactivated_operator_makes_the_plan_stale_and_is_named(
        org, django_capture_on_commit_callbacks):
    line = make_line(org, target_output=600)
    fast, _a, _b = _team(org, line)
    plan = make_plan(org, line=line, mode=BalancePlan.Mode.MAX_OUTPUT, use_operator_skills=True)
    plan = _run(plan, django_capture_on_commit_callbacks)
    assert evaluate(plan).warnings == []
    with change_context(user=None, source="system"):
        fast.active = False
        fast.save()
    ev = evaluate(plan)
    assert ev.stale and ev.warnings[0].startswith(
        "Changed after this plan was balanced: the line's operators. ")
    station = next(s for s in ev.stations if s.operator == "快手")
    assert station.warnings == ["快手 is no longer an active operator of the line; the load is "
                                "at standard time."]


def test_changing_the_line_of_a_plan_with_skills_forgets_its_result(
        admin_client, org, django_capture_on_commit_callbacks):
    line = make_line(org, target_output=600)
    make_operator(org, "快手", line, {"overlock": 1.25, "iron": 1.0, "lockstitch": 1.0})
    make_operator(org, "平车甲", line, {"lockstitch": 1.0, "iron": 1.0})
    other = make_line(org, name="二号线")
    plan = _run(make_plan(org, line=line, mode=BalancePlan.Mode.MAX_OUTPUT,
                          use_operator_skills=True), django_capture_on_commit_callbacks)
    assert plan.status == "done"
    form = {"organization": org.pk, "name": plan.name, "style": plan.style_id,
            "mode": plan.mode, "use_operator_skills": "on", "allow_split": "on",
            "time_limit_s": 20}
    assert admin_client.post(f"/production/plans/{plan.pk}/edit/",
                             {**form, "line": line.pk, "name": "改名"}).status_code == 302
    plan.refresh_from_db()
    assert plan.status == "done" and plan.name == "改名"  # the same line: kept
    assert admin_client.post(f"/production/plans/{plan.pk}/edit/",
                             {**form, "line": other.pk}).status_code == 302
    plan.refresh_from_db()
    assert plan.status == "draft" and plan.result is None


def test_a_plan_needing_more_operators_than_the_line_has_says_so(
        org, django_capture_on_commit_callbacks):
    line = make_line(org)
    make_operator(org, "陈红", line)
    plan = _run(make_plan(org, line=line, cycle_seconds=50), django_capture_on_commit_callbacks)
    assert evaluate(plan).warnings == ["The plan needs 3 operators; the line has 1 active ones."]


def test_a_machine_clash_is_warned_once_per_pair_of_types(org, django_capture_on_commit_callbacks):
    plan = _run(make_plan(org, cycle_seconds=50), django_capture_on_commit_callbacks)
    ops = dict(plan.style.operations.values_list("code", "pk"))
    plan.result = {**plan.result, "stations": [
        {"operations": [ops["1"], ops["2"], ops["3"]], "replicas": 1, "operator": ""},
        {"operations": [ops["4"]], "replicas": 1, "operator": ""}]}
    with change_context(user=None, source="system"):
        plan.save()
    clashes = [w for w in evaluate(plan).warnings if "cannot be run by one operator" in w]
    assert clashes == ["Station 1: Overlock (504/514) and Lockstitch (301) cannot be run by one "
                       "operator."]


# --- editing the bulletin by hand -------------------------------------------------------------
def test_an_operation_cannot_precede_itself_or_close_a_cycle(admin_client, org):
    style = make_style(org)
    op1 = style.operations.get(code="1")
    form = {"organization": org.pk, "style": style.pk, "sequence": 1, "code": "1",
            "name": "合肩", "machine_type": "overlock", "standard_seconds": "20"}
    page = admin_client.post(f"/production/operations/{op1.pk}/edit/",
                             {**form, "predecessors": "1"}).content.decode()
    assert "An operation cannot precede itself." in page
    page = admin_client.post(f"/production/operations/{op1.pk}/edit/",
                             {**form, "predecessors": "4"}).content.decode()
    assert "The predecessors would form a cycle: 1 → 2 → 4 → 1." in page
    op1.refresh_from_db()
    assert op1.predecessors == []
    # renamed at the same time: the cycle is found through the new code
    page = admin_client.post(f"/production/operations/{op1.pk}/edit/",
                             {**form, "code": "1A", "predecessors": "4"}).content.decode()
    assert "The predecessors would form a cycle: 1A → 2 → 4 → 1A." in page


def test_the_api_refuses_a_cycle_too(admin_client, org):
    style = make_style(org)
    op1 = style.operations.get(code="1")
    response = admin_client.patch(f"/api/production/operations/{op1.pk}/",
                                  {"predecessors": ["4"]}, content_type="application/json")
    assert response.status_code == 400 and "form a cycle" in response.content.decode()
    op1.refresh_from_db()
    assert op1.predecessors == []


def test_renaming_an_operation_renames_it_in_its_followers(admin_client, org):
    style = make_style(org)
    op2 = style.operations.get(code="2")
    response = admin_client.post(f"/production/operations/{op2.pk}/edit/", {
        "organization": org.pk, "style": style.pk, "sequence": 2, "code": "2A", "name": "上领",
        "machine_type": "lockstitch", "standard_seconds": "30", "predecessors": "1"})
    assert response.status_code == 302
    assert style.operations.get(code="4").predecessors == ["2A", "3"]


def test_deleting_an_operation_hands_its_predecessors_to_its_followers(admin_client, org):
    style = make_style(org)
    op2 = style.operations.get(code="2")
    assert admin_client.post(f"/production/operations/{op2.pk}/delete/").status_code == 302
    assert not Operation.objects.filter(pk=op2.pk).exists()
    # 1 had to come before 2, and 2 before 4: 1 still comes before 4
    assert style.operations.get(code="4").predecessors == ["3", "1"]


def test_the_bulletin_total_smv_is_not_rounded_to_a_whole_number(admin_client, org):
    style = make_style(org, ops=[("1", "合肩", "overlock", "1385", [])])
    page = admin_client.get(f"/production/styles/{style.pk}/").content.decode()
    assert "1385.00 s · SMV 23.08" in page


# --- the line's takt and the day's output ---------------------------------------------------
def test_the_chart_draws_the_lines_takt_and_the_page_gives_the_days_output(
        admin_client, org, django_capture_on_commit_callbacks):
    from jinxiu.apps.production.adapter import yamazumi_chart

    line = make_line(org, target_output=600)  # 480 min: takt 48 s
    plan = _run(make_plan(org, line=line, cycle_seconds=50), django_capture_on_commit_callbacks)
    ev = evaluate(plan)
    assert (ev.takt_seconds, ev.target_per_day, ev.bottleneck_seconds) == (48.0, 600, 40.0)
    assert ev.output_per_day == 720  # 28 800 s / 40 s
    marks = yamazumi_chart(ev)["series"][0]["markLine"]["data"]
    assert [(m["yAxis"], m["label"]["formatter"]) for m in marks] == [
        (50.0, "Cycle 50.0 s"), (48.0, "Takt 48.0 s (target 600 pieces a day)")]
    page = admin_client.get(f"/production/plans/{plan.pk}/").content.decode()
    assert "720 pieces a day (target 600)" in page
    highest = _run(make_plan(org, style=plan.style, line=line, station_count=2,
                             mode=BalancePlan.Mode.MAX_OUTPUT),
                   django_capture_on_commit_callbacks)
    ev2 = evaluate(highest)
    marks = yamazumi_chart(ev2)["series"][0]["markLine"]["data"]
    assert [m["label"]["formatter"] for m in marks] == [
        f"Cycle (bottleneck) {ev2.bottleneck_seconds:.1f} s",
        "Takt 48.0 s (target 600 pieces a day)"]


def test_compared_plans_share_one_scale_and_show_their_objective(
        admin_client, org, django_capture_on_commit_callbacks):
    line = make_line(org, target_output=600)
    a = _run(make_plan(org, line=line, cycle_seconds=50, name="甲"),
             django_capture_on_commit_callbacks)
    b = _run(make_plan(org, style=a.style, line=line, mode=BalancePlan.Mode.MAX_OUTPUT,
                       station_count=2, name="乙"), django_capture_on_commit_callbacks)
    response = admin_client.get(f"/production/plans/compare/?plan={a.pk}&plan={b.pk}")
    scales = [c["chart"]["yAxis"]["max"] for c in response.context["columns"]]
    top = max(evaluate(b).bottleneck_seconds, 50.0)
    assert scales[0] == scales[1] == -(-top * 1.1 // 10) * 10
    page = response.content.decode()
    assert "Highest output with the operators I have" in page and "720 pieces (target 600)" in page
    # the style and its standard minutes: 100 s of the small bulletin, in both columns
    assert page.count('<td data-field="style">S1 款式S1 · SMV 1.67</td>') == 2


def test_the_plan_page_warns_when_the_pdf_would_lose_its_chinese(
        admin_client, org, monkeypatch, django_capture_on_commit_callbacks):
    from jinxiu.apps.production import views

    plan = _run(make_plan(org, cycle_seconds=50), django_capture_on_commit_callbacks)
    monkeypatch.setattr(views, "cjk_font_missing", lambda: True)
    page = admin_client.get(f"/production/plans/{plan.pk}/").content.decode()
    assert 'id="pdf-font-missing"' in page and "fonts-noto-cjk" in page
    monkeypatch.setattr(views, "cjk_font_missing", lambda: False)
    page = admin_client.get(f"/production/plans/{plan.pk}/").content.decode()
    assert 'id="pdf-font-missing"' not in page


def test_the_printed_layout_lists_the_plans_own_warnings_once(
        org, django_capture_on_commit_callbacks):
    from django.template.loader import render_to_string

    line = make_line(org)
    make_operator(org, "陈红", line)
    plan = _run(make_plan(org, line=line, cycle_seconds=50), django_capture_on_commit_callbacks)
    ops = dict(plan.style.operations.values_list("code", "pk"))
    plan.result = {**plan.result, "stations": [
        {"operations": [ops["1"], ops["3"]], "replicas": 1, "operator": ""},
        {"operations": [ops["2"], ops["4"]], "replicas": 1, "operator": ""}]}
    with change_context(user=None, source="system"):
        plan.save()
    ev = evaluate(plan)
    assert ev.plan_warnings == ["The plan needs 2 operators; the line has 1 active ones."]
    assert ev.warnings == ["Station 1: Overlock (504/514) and Lockstitch (301) cannot be run "
                           "by one operator.", "Station 1: Load 60.0 s is over the cycle time "
                           "50.0 s.", *ev.plan_warnings]
    html = render_to_string("production/plan_print.html", {"plan": plan, "evaluation": ev})
    assert html.count("The plan needs 2 operators") == 1
    assert html.count("cannot be run by one operator") == 1  # on its station only


# --- keeping versions, placing operators ------------------------------------------------------
def _edited(plan):
    from jinxiu.apps.production.services import plan_move

    with change_context(user=None, source="system"):
        plan_move(plan=plan, operation=plan.style.operations.get(code="4"), to_station=1)
    plan.refresh_from_db()
    assert plan.edited
    return plan


def test_balancing_an_edited_plan_again_asks_first_and_can_keep_a_copy(
        admin_client, org, django_capture_on_commit_callbacks):
    plan = _edited(_run(make_plan(org, cycle_seconds=50), django_capture_on_commit_callbacks))
    edited_stations = plan.result["stations"]
    plans, job = BalancePlan.objects.count(), plan.job_id
    page = admin_client.post(f"/production/plans/{plan.pk}/run/")
    assert page.status_code == 200 and 'id="run-confirm"' in page.content.decode()
    plan.refresh_from_db()
    assert plan.job_id == job and plan.edited and BalancePlan.objects.count() == plans
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/production/plans/{plan.pk}/copy/",
                                     {"name": "手改版", "then_run": "on"})
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    copy = BalancePlan.objects.get(name="手改版")
    assert copy.edited and copy.result["stations"] == edited_stations and copy.job_id is None
    assert (copy.style_id, copy.cycle_seconds, copy.status) == (plan.style_id, Decimal("50"),
                                                                "done")
    plan.refresh_from_db()
    assert plan.job_id != job and not plan.edited and plan.status == "done"


def test_replace_yes_balances_an_edited_plan_at_once(
        admin_client, org, django_capture_on_commit_callbacks):
    plan = _edited(_run(make_plan(org, cycle_seconds=50), django_capture_on_commit_callbacks))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/production/plans/{plan.pk}/run/", {"replace": "yes"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert not plan.edited and plan.status == "done"


def test_a_viewer_cannot_copy_a_plan(client, org, django_capture_on_commit_callbacks):
    plan = _run(make_plan(org, cycle_seconds=50), django_capture_on_commit_callbacks)
    client.force_login(make_user(memberships=[(org, "viewer")]))
    count = BalancePlan.objects.count()
    assert client.post(f"/production/plans/{plan.pk}/copy/", {"name": "x"}).status_code == 403
    assert BalancePlan.objects.count() == count
    client.force_login(make_user(memberships=[(org, "member")]))  # may add and run
    assert client.post(f"/production/plans/{plan.pk}/copy/", {"name": "x"}).status_code == 302
    assert BalancePlan.objects.count() == count + 1


def test_operators_are_placed_and_exchanged_at_stations(
        admin_client, org, django_capture_on_commit_callbacks):
    line = make_line(org, target_output=600)
    fast, a, b = _team(org, line)
    gone = make_operator(org, "离职", line, {"lockstitch": 1.0})
    gone.active = False
    with change_context(user=None, source="system"):
        gone.save()
    plan = _run(make_plan(org, line=line, mode=BalancePlan.Mode.MAX_OUTPUT,
                          use_operator_skills=True), django_capture_on_commit_callbacks)
    before = [s["operator_id"] for s in plan.result["stations"]]
    assert sorted(before) == sorted([fast.pk, a.pk, b.pk])
    url = f"/production/plans/{plan.pk}/operator/"
    page = admin_client.get(plan.get_absolute_url()).content.decode()
    assert 'id="operator-1"' in page and ">离职<" not in page
    k, other = before.index(a.pk), before.index(b.pk)
    response = admin_client.post(url, {"station": k + 1, "operator": b.pk,
                                       "version": plan.last_updated.isoformat()},
                                 HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    plan.refresh_from_db()
    after = [(s["operator"], s["operator_id"]) for s in plan.result["stations"]]
    assert after[k] == ("平车乙", b.pk) and after[other] == ("平车甲", a.pk) and plan.edited
    for refused, reason in (({"station": 1, "operator": gone.pk}, "not an active operator"),
                            ({"station": 9, "operator": fast.pk}, "There is no station 9"),
                            ({"station": 1, "operator": fast.pk, "version": "2000-01-01"},
                             "changed since this page was loaded")):
        response = admin_client.post(url, refused, HTTP_HX_REQUEST="true")
        assert reason in response.content.decode()
        plan.refresh_from_db()
        assert [(s["operator"], s["operator_id"]) for s in plan.result["stations"]] == after


def test_an_operator_stays_at_her_station_when_her_name_or_number_changes(
        org, django_capture_on_commit_callbacks):
    line = make_line(org, target_output=600)
    fast, _a, _b = _team(org, line)
    plan = _run(make_plan(org, line=line, mode=BalancePlan.Mode.MAX_OUTPUT,
                          use_operator_skills=True), django_capture_on_commit_callbacks)
    loads = [s.load for s in evaluate(plan).stations]
    with change_context(user=None, source="system"):
        fast.name, fast.employee_no = "快手红", "C001"
        fast.save()
    ev = evaluate(plan)
    assert not ev.stale and ev.warnings == [] and [s.load for s in ev.stations] == loads
    assert "快手红 (C001)" in [s.operator for s in ev.stations]


def test_an_operation_leaving_its_station_for_a_new_one_takes_the_operator_along(
        org, django_capture_on_commit_callbacks):
    from jinxiu.apps.production.services import plan_move

    line = make_line(org, target_output=600)
    fast = make_operator(org, "快手", line, {"overlock": 1.25, "iron": 1.0, "lockstitch": 1.0})
    make_operator(org, "平车甲", line, {"lockstitch": 1.0, "iron": 1.0})
    make_operator(org, "平车乙", line, {"lockstitch": 1.0, "iron": 1.0})
    plan = _run(make_plan(org, line=line, mode=BalancePlan.Mode.MAX_OUTPUT,
                          use_operator_skills=True), django_capture_on_commit_callbacks)
    ev = evaluate(plan)
    alone = next(s for s in ev.stations if len(s.operations) == 1)
    op = plan.style.operations.get(pk=alone.operations[0]["pk"])
    plan_move(plan=plan, operation=op, to_station=alone.number + 1, new_station=True)
    plan.refresh_from_db()
    moved = evaluate(plan)
    assert [s.operator for s in moved.stations] == [s.operator for s in ev.stations]
    assert moved.warnings == []
    # into another station: the operator left without one is named
    target = 1 if alone.number != 1 else 2
    plan_move(plan=plan, operation=op, to_station=target)
    plan.refresh_from_db()
    assert f"At no station: {alone.operator}." in evaluate(plan).warnings
    assert fast.pk in {p.pk for p in line.operators.all()}


def test_an_operator_no_longer_on_the_line_is_not_moved_by_an_exchange(
        org, django_capture_on_commit_callbacks):
    from jinxiu.apps.production.services import plan_set_operator

    line = make_line(org, target_output=600)
    _fast, a, b = _team(org, line)
    plan = _run(make_plan(org, line=line, mode=BalancePlan.Mode.MAX_OUTPUT,
                          use_operator_skills=True), django_capture_on_commit_callbacks)
    ids = [s["operator_id"] for s in plan.result["stations"]]
    with change_context(user=None, source="system"):
        a.active = False
        a.save()
    plan_set_operator(plan=plan, station=ids.index(a.pk) + 1, operator=b.pk)
    plan.refresh_from_db()
    after = [s["operator_id"] for s in plan.result["stations"]]
    assert after[ids.index(a.pk)] == b.pk and after[ids.index(b.pk)] is None
    assert a.pk not in after


# --- skills by name, and the line's skills matrix -------------------------------------------
def test_skills_and_machines_are_typed_by_name_and_shown_by_name(admin_client, org):
    line = make_line(org)
    form = {"organization": org.pk, "name": "王芳", "employee_no": "B07", "line": line.pk,
            "active": "on"}
    response = admin_client.post("/production/operators/add/",
                                 {**form, "skills": '{"平车": 1.2, "四线": 0.9, "手工": 1}'})
    assert response.status_code == 302
    op = line.operators.get(name="王芳")
    assert op.skills == {"lockstitch": 1.2, "overlock": 0.9, "manual": 1}
    page = admin_client.get(f"/production/operators/{op.pk}/edit/").content.decode()
    assert "Lockstitch (301)" in page  # the English page shows English names
    twice = admin_client.post(f"/production/operators/{op.pk}/edit/",
                              {**form, "skills": '{"平车": 1.2, "lockstitch": 1.0}'})
    assert "names a machine type given before" in twice.content.decode()
    unknown = admin_client.post(f"/production/operators/{op.pk}/edit/",
                                {**form, "skills": '{"火箭": 1.0}'})
    assert "Unknown machine type “火箭”" in unknown.content.decode()
    op.refresh_from_db()
    assert op.skills == {"lockstitch": 1.2, "overlock": 0.9, "manual": 1}
    assert admin_client.post(f"/production/lines/{line.pk}/edit/", {
        "organization": org.pk, "name": line.name, "shift_minutes": 480, "target_output": 600,
        "machines": '{"包缝机": 2}'}).status_code == 302
    line.refresh_from_db()
    assert line.machines == {"overlock": 2}


def test_the_line_page_shows_a_skills_matrix(admin_client, org):
    line = make_line(org)
    make_operator(org, "甲", line, {"lockstitch": 1.2, "iron": 1.0})
    make_operator(org, "乙", line, {"overlock": 0.85})
    page = admin_client.get(f"/production/lines/{line.pk}/").content.decode()
    matrix = page[page.index('id="skills-matrix"'):page.index("</table>",
                                                              page.index('id="skills-matrix"'))]
    assert [h for h in ("Lockstitch (301)", "Overlock (504/514)", "Iron / press")
            if h in matrix] == ["Lockstitch (301)", "Overlock (504/514)", "Iron / press"]
    assert matrix.index("Lockstitch") < matrix.index("Overlock") < matrix.index("Iron")
    row_a = matrix[matrix.index(">甲<"):matrix.index("</tr>", matrix.index(">甲<"))]
    row_b = matrix[matrix.index(">乙<"):matrix.index("</tr>", matrix.index(">乙<"))]
    assert [c.split("<")[0] for c in row_a.split('text-center">')[1:]] == ["1.2", "—", "1"]
    # pressing not listed: at standard speed (``Operator.efficiency``)
    assert [c.split("<")[0] for c in row_b.split('text-center">')[1:]] == ["—", "0.85", "1"]


def test_delete_pages_say_what_else_changes(admin_client, org, django_capture_on_commit_callbacks):
    line = make_line(org)
    make_operator(org, "陈红", line)
    plan = _run(make_plan(org, line=line, cycle_seconds=50, name="春款方案"),
                django_capture_on_commit_callbacks)
    page = admin_client.get(f"/production/lines/{line.pk}/delete/").content.decode()
    assert "1 plan(s) use this line and lose its takt, machines and operators: 春款方案." in page
    assert "1 operator(s) are kept, without a line: 陈红." in page
    page = admin_client.get(f"/production/styles/{plan.style_id}/delete/").content.decode()
    assert "Its bulletin of 4 operation(s) is deleted with it." in page
    assert "1 plan(s) of this style are deleted with it: 春款方案." in page
    op2 = plan.style.operations.get(code="2")
    page = admin_client.get(f"/production/operations/{op2.pk}/delete/").content.decode()
    assert "4 follow it: they take its predecessors (1) instead, so the order stays." in page
    op3 = plan.style.operations.get(code="3")
    page = admin_client.get(f"/production/operations/{op3.pk}/delete/").content.decode()
    assert "they take its predecessors (—) instead" in page
    assert 'id="delete-consequences"' not in admin_client.get(
        f"/production/operations/{plan.style.operations.get(code='4').pk}/delete/"
    ).content.decode()


def test_hand_edits_are_taken_back_one_by_one(admin_client, org, monkeypatch,
                                               django_capture_on_commit_callbacks):
    from jinxiu.apps.production import services

    plan = _run(make_plan(org, cycle_seconds=50), django_capture_on_commit_callbacks)
    engine = plan.result["stations"]
    ops = dict(plan.style.operations.values_list("code", "pk"))
    url = f"/production/plans/{plan.pk}/"
    for code, to in (("4", 1), ("3", 3)):
        plan.refresh_from_db()
        admin_client.post(url + "move/", {"operation": ops[code], "to_station": to,
                                          "version": plan.last_updated.isoformat()},
                          HTTP_HX_REQUEST="true")
    plan.refresh_from_db()
    twice = plan.result["stations"]
    assert plan.edited and len(plan.result["undo"]) == 2 and twice != engine
    page = admin_client.get(url).content.decode()
    assert 'id="undo-edit"' in page and "Undo (2 edits)" in page
    stale = admin_client.post(url + "undo/", {"version": "2000-01-01"}, HTTP_HX_REQUEST="true")
    assert "changed since this page was loaded" in stale.content.decode()
    plan.refresh_from_db()
    assert plan.result["stations"] == twice
    admin_client.post(url + "undo/", {"version": plan.last_updated.isoformat()},
                      HTTP_HX_REQUEST="true")
    plan.refresh_from_db()
    assert plan.edited and len(plan.result["undo"]) == 1 and plan.result["stations"] != engine
    response = admin_client.post(url + "undo/", {"version": plan.last_updated.isoformat()},
                                 HTTP_HX_REQUEST="true")
    assert 'id="undo-edit"' not in response.content.decode()
    plan.refresh_from_db()
    assert plan.result["stations"] == engine and not plan.edited and plan.result["undo"] == []
    none_left = admin_client.post(url + "undo/", HTTP_HX_REQUEST="true")
    assert "There is no hand edit to take back." in none_left.content.decode()
    # beyond the depth the oldest edits are dropped: back at the start it stays "edited"
    monkeypatch.setattr(services, "UNDO_DEPTH", 1)
    for to in (1, 2):
        services.plan_move(plan=plan, operation=plan.style.operations.get(code="4"),
                           to_station=to)
    services.plan_undo(plan=plan)
    plan.refresh_from_db()
    assert plan.edited and plan.result["undo"] == []


def test_an_operation_may_be_given_in_smv(admin_client, org):
    style = make_style(org)
    form = {"organization": org.pk, "style": style.pk, "sequence": 5, "code": "5",
            "name": "钉商标", "machine_type": "lockstitch", "predecessors": "4"}
    assert admin_client.post("/production/operations/add/",
                             {**form, "smv": "0.25"}).status_code == 302
    op = style.operations.get(code="5")
    assert op.standard_seconds == Decimal("15.00")
    page = admin_client.get(f"/production/operations/{op.pk}/edit/").content.decode()
    assert 'name="smv" value="0.2500"' in page
    both = admin_client.post(f"/production/operations/{op.pk}/edit/",
                             {**form, "standard_seconds": "20", "smv": "0.5"})
    assert "0.5 min is 30.00 s, not the 20 s given" in both.content.decode()
    # the edit page shows both: the one changed wins (seconds here, then the SMV)
    assert admin_client.post(f"/production/operations/{op.pk}/edit/", {
        **form, "standard_seconds": "20", "smv": "0.2500"}).status_code == 302
    op.refresh_from_db()
    assert op.standard_seconds == Decimal("20.00")
    assert admin_client.post(f"/production/operations/{op.pk}/edit/", {
        **form, "standard_seconds": "20.00", "smv": "0.5"}).status_code == 302
    op.refresh_from_db()
    assert op.standard_seconds == Decimal("30.00")
    neither = admin_client.post(f"/production/operations/{op.pk}/edit/", form)
    assert "Give the seconds or the SMV." in neither.content.decode()
    agree = admin_client.post(f"/production/operations/{op.pk}/edit/",
                              {**form, "standard_seconds": "16", "smv": "0.2667"})
    assert agree.status_code == 302
    op.refresh_from_db()
    assert op.standard_seconds == Decimal("16.00")
    page = admin_client.get(f"/production/styles/{style.pk}/").content.decode()
    assert "<td class=\"text-end\">16.00</td><td class=\"text-end\">0.2667</td>" in page


def test_a_new_station_opens_where_the_ie_wants_it(admin_client, org,
                                                   django_capture_on_commit_callbacks):
    plan = _run(make_plan(org, cycle_seconds=50), django_capture_on_commit_callbacks)
    codes = [[op["code"] for op in s.operations] for s in evaluate(plan).stations]
    assert codes == [["3"], ["1"], ["2", "4"]]
    op2 = plan.style.operations.get(code="2")
    page = admin_client.get(plan.get_absolute_url()).content.decode()
    picker = page[page.index(f'id="move-{op2.pk}"'):]
    assert '<option value="+3">' in picker[:picker.index("</select>")]
    response = admin_client.post(f"/production/plans/{plan.pk}/move/", {
        "operation": op2.pk, "to_station": "+3", "version": plan.last_updated.isoformat()},
        HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    plan.refresh_from_db()
    ev = evaluate(plan)
    assert [[op["code"] for op in s.operations] for s in ev.stations] == [
        ["3"], ["1"], ["2"], ["4"]]
    assert ev.warnings == []
    bad = admin_client.post(f"/production/plans/{plan.pk}/move/", {
        "operation": op2.pk, "to_station": "+0", "version": plan.last_updated.isoformat()},
        HTTP_HX_REQUEST="true")
    assert "Choose an operation and a station." in bad.content.decode()


# --- from the review of this change ---------------------------------------------------------
def test_an_import_checks_the_right_to_delete_each_operation_it_drops(client, org):
    from django.contrib.contenttypes.models import ContentType

    from jinxiu.apps.core.models import ObjectPermission

    style = make_style(org)
    user = make_user(memberships=[(org, "member")])
    grant = ObjectPermission.objects.create(name="删合肩", actions=["delete"],
                                            constraints={"code": "1"})
    grant.object_types.add(ContentType.objects.get_for_model(Operation))
    grant.users.add(user)
    client.force_login(user)
    before = list(style.operations.values_list("pk", "code", "predecessors"))
    # 4 may not be deleted by this user, 1 may: a file leaving out both changes nothing
    response = client.post(f"/production/styles/{style.pk}/import/",
                           {"file": _csv(["2,上领,平车,30,", "3,做门襟,平车,40,"]),
                            "delete_missing": "on"})
    assert response.status_code == 400 and "文件中没有这些工序" in response.content.decode()
    assert ">4<" in response.content.decode() and ">1, 4<" not in response.content.decode()
    assert list(style.operations.values_list("pk", "code", "predecessors")) == before
    ok = client.post(f"/production/styles/{style.pk}/import/",
                     {"file": _csv(["2,上领,平车,30,", "3,做门襟,平车,40,", SMALL_CSV[3]]),
                      "delete_missing": "on"})
    assert ok.status_code == 302
    assert sorted(style.operations.values_list("code", flat=True)) == ["2", "3", "4"]


def test_the_digest_does_not_depend_on_the_order_of_namesakes(
        org, monkeypatch, django_capture_on_commit_callbacks):
    from jinxiu.apps.production import adapter
    from jinxiu.apps.production.models import Operator

    line = make_line(org)
    with change_context(user=None, source="system"):
        for no, eff in (("001", 1.0), ("002", 1.2)):
            Operator.objects.create(organization=org, name="王芳", employee_no=no, line=line,
                                    skills={"lockstitch": eff, "overlock": 1.0, "iron": 1.0})
    plan = _run(make_plan(org, line=line, mode=BalancePlan.Mode.MAX_OUTPUT,
                          use_operator_skills=True), django_capture_on_commit_callbacks)
    assert plan.status == "done" and not evaluate(plan).stale
    real = adapter.plan_operators
    monkeypatch.setattr(adapter, "plan_operators", lambda p: list(reversed(real(p))))
    assert not evaluate(plan).stale


def test_a_retried_run_never_replaces_hand_edits(org, django_capture_on_commit_callbacks):
    from jinxiu.apps.core.jobs.services import job_execute, job_retry
    from jinxiu.apps.core.models import JobRun
    from jinxiu.apps.production.services import plan_move

    plan = _run(make_plan(org, cycle_seconds=50), django_capture_on_commit_callbacks)
    job = plan.job
    JobRun.objects.filter(pk=job.pk).update(status="cancelled")  # as after a cancel
    plan_move(plan=plan, operation=plan.style.operations.get(code="4"), to_station=1)
    plan.refresh_from_db()
    edited = plan.result["stations"]
    with django_capture_on_commit_callbacks(execute=False):
        job_retry(job=job, user=make_user())
    job_execute(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "no longer the plan's current one" in job.error
    plan.refresh_from_db()
    assert plan.edited and plan.result["stations"] == edited and plan.status == "done"


def test_undo_keeps_a_plan_edited_before_plans_kept_their_edits(
        org, django_capture_on_commit_callbacks):
    from jinxiu.apps.production.services import plan_move, plan_undo

    plan = _run(make_plan(org, cycle_seconds=50), django_capture_on_commit_callbacks)
    plan.result = {**plan.result, "stations": list(reversed(plan.result["stations"]))}
    plan.edited = True  # a hand edit from before the undo list
    with change_context(user=None, source="system"):
        plan.save()
    plan_move(plan=plan, operation=plan.style.operations.get(code="1"), to_station=1)
    plan_undo(plan=plan)
    plan.refresh_from_db()
    assert plan.edited and plan.result["undo"] == []


def test_namesakes_are_told_apart_by_their_records(org, django_capture_on_commit_callbacks):
    from jinxiu.apps.production.services import plan_set_operator

    line = make_line(org)
    first = make_operator(org, "王芳", line)
    second = make_operator(org, "王芳", line)
    plan = _run(make_plan(org, cycle_seconds=50, line=line), django_capture_on_commit_callbacks)
    plan_set_operator(plan=plan, station=1, operator=first.pk)
    plan_set_operator(plan=plan, station=2, operator=second.pk)
    plan.refresh_from_db()
    assert [s["operator_id"] for s in plan.result["stations"]] == [first.pk, second.pk, None]


def test_the_api_forgets_a_skills_plans_result_when_its_line_changes(
        admin_client, org, django_capture_on_commit_callbacks):
    line = make_line(org, target_output=600)
    make_operator(org, "快手", line, {"overlock": 1.25, "iron": 1.0, "lockstitch": 1.0})
    make_operator(org, "平车甲", line, {"lockstitch": 1.0, "iron": 1.0})
    other = make_line(org, name="二号线")
    plan = _run(make_plan(org, line=line, mode=BalancePlan.Mode.MAX_OUTPUT,
                          use_operator_skills=True), django_capture_on_commit_callbacks)
    url = f"/api/production/plans/{plan.pk}/"
    assert admin_client.patch(url, {"name": "改名"},
                              content_type="application/json").status_code == 200
    plan.refresh_from_db()
    assert plan.status == "done"
    assert admin_client.patch(url, {"line": other.pk},
                              content_type="application/json").status_code == 200
    plan.refresh_from_db()
    assert plan.status == "draft" and plan.result is None


def test_deleting_a_line_makes_its_skills_plans_forget_their_result(
        admin_client, org, django_capture_on_commit_callbacks):
    line = make_line(org, target_output=600)
    make_operator(org, "快手", line, {"overlock": 1.25, "iron": 1.0, "lockstitch": 1.0})
    make_operator(org, "平车甲", line, {"lockstitch": 1.0, "iron": 1.0})
    skilled = _run(make_plan(org, line=line, mode=BalancePlan.Mode.MAX_OUTPUT,
                             use_operator_skills=True, name="技能方案"),
                   django_capture_on_commit_callbacks)
    plain = _run(make_plan(org, style=skilled.style, line=line, cycle_seconds=50,
                           name="普通方案"), django_capture_on_commit_callbacks)
    page = admin_client.get(f"/production/lines/{line.pk}/delete/").content.decode()
    assert "skills, these lose their result: 技能方案." in page
    assert admin_client.post(f"/production/lines/{line.pk}/delete/").status_code == 302
    skilled.refresh_from_db()
    plain.refresh_from_db()
    assert skilled.line_id is None and skilled.status == "draft" and skilled.result is None
    assert plain.line_id is None and plain.status == "done" and plain.result is not None
    with pytest.raises(PlanInputError, match="uses operators' skills but has no line"):
        plan_problem(skilled)


def test_a_zone_whose_machines_cannot_share_a_station_is_refused(admin_client, org):
    style = make_style(org)
    op2 = style.operations.get(code="2")
    op2.zone = "A"
    with change_context(user=None, source="system"):
        op2.save()
    op1 = style.operations.get(code="1")
    page = admin_client.post(f"/production/operations/{op1.pk}/edit/", {
        "organization": org.pk, "style": style.pk, "sequence": 1, "code": "1", "name": "合肩",
        "machine_type": "overlock", "standard_seconds": "20", "zone": "A"}).content.decode()
    assert ("Zone “A” holds operation 2 (Lockstitch (301)), which cannot share a station "
            "with Overlock (504/514).") in page
    assert style.operations.get(code="1").zone == ""
    with pytest.raises(Exception) as exc:
        bulletin_import(style=style, uploaded=SimpleUploadedFile("z.csv", (
            "工序号,工序名称,设备类型,标准工时(秒),紧前工序,工位组\n1,合肩,包缝,20,,A\n"
            "2,上领,平车,30,1,A\n3,做门襟,平车,40,,\n4,整烫,熨烫,10,2 3,A\n").encode()))
    assert [(e.row, e.column, e.value, e.reason) for e in exc.value.errors] == [
        (3, "工位组", "A", "Lockstitch (301) cannot share a station with Overlock (504/514) of "
                          "operation 1 in the same zone")]


def test_the_plan_list_counts_workplaces_as_the_plan_page_does(
        admin_client, org, django_capture_on_commit_callbacks):
    style = make_style(org, code="L", ops=[("1", "长工序", "lockstitch", "90", []),
                                           ("2", "短工序", "lockstitch", "20", ["1"])])
    plan = _run(make_plan(org, style=style, cycle_seconds=50), django_capture_on_commit_callbacks)
    ev = evaluate(plan)
    assert ev.workplaces == 3 and len(ev.stations) == 2  # 90 s over two workplaces
    page = admin_client.get("/production/plans/").content.decode()
    row = page[page.index(f'href="/production/plans/{plan.pk}/"'):]
    assert ">3</td>" in row[:row.index("</tr>")] and ">2</td>" not in row[:row.index("</tr>")]


def test_copies_of_a_plan_get_names_of_their_own(admin_client, org,
                                                 django_capture_on_commit_callbacks):
    plan = _run(make_plan(org, cycle_seconds=50, name="春款"), django_capture_on_commit_callbacks)
    for _ in range(3):
        assert admin_client.post(f"/production/plans/{plan.pk}/copy/").status_code == 302
    assert sorted(BalancePlan.objects.values_list("name", flat=True)) == [
        "春款", "春款 (copy 2)", "春款 (copy 3)", "春款 (copy)"]



def test_detail_pages_show_values_as_an_ie_reads_them(admin_client, org):
    line = make_line(org)
    op = make_operator(org, "王芳", line, {"lockstitch": 1.1, "overlock": 0.9})
    page = admin_client.get(f"/production/operators/{op.pk}/").content.decode()
    assert "Lockstitch (301) 1.1, Overlock (504/514) 0.9" in page and "{&#x27;" not in page
    style = make_style(org)
    first = style.operations.get(code="1")
    page = admin_client.get(f"/production/operations/{first.pk}/").content.decode()
    assert "[]" not in page and ">0.3333<" in page  # 20 s as SMV
    bad = admin_client.post(f"/production/operators/{op.pk}/edit/", {
        "organization": org.pk, "name": "王芳", "line": line.pk, "active": "on",
        "skills": '{"平车": 7}'})
    assert ("Efficiency for “Lockstitch (301)” must be a number between 0.1 and 3, or 0 for "
            "“does not do it”.") in bad.content.decode()


def test_the_bound_says_its_unit_and_the_excel_its_state(
        admin_client, org, django_capture_on_commit_callbacks):
    import io

    from openpyxl import load_workbook

    from jinxiu.apps.production.plans import plan_xlsx

    plan = _run(make_plan(org, cycle_seconds=50), django_capture_on_commit_callbacks)
    plan.result = {**plan.result, "proven_optimal": False, "lower_bound": 2}
    with change_context(user=None, source="system"):
        plan.save()
    page = admin_client.get(plan.get_absolute_url()).content.decode()
    assert "lower bound 2 stations" in page
    compare = admin_client.get(f"/production/plans/compare/?plan={plan.pk}").content.decode()
    assert "lower bound 2 stations" in compare
    with change_context(user=None, source="system"):
        plan.edited = True
        plan.save()
    sheet = load_workbook(io.BytesIO(plan_xlsx(plan, evaluate(plan)))).active
    rows = {r[0]: r[1] for r in sheet.iter_rows(values_only=True) if r and r[0]}
    assert rows["Optimality"] == "edited by hand" and rows["Balance efficiency (%)"] == 83.3


def test_a_new_operation_is_offered_the_place_after_the_last(admin_client, org):
    style = make_style(org)
    with change_context(user=None, source="system"):
        style.operations.get(code="2").delete()  # sequences 1, 3, 4 left
    form = admin_client.get(f"/production/operations/add/?style={style.pk}")
    assert form.context["form"].initial["sequence"] == 5
