"""Edge cases found in review: each failed before its fix."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.core.models import JobRun
from jinxiu.apps.production.bulletins import BulletinImportError, bulletin_export, bulletin_import
from jinxiu.apps.production.models import BalancePlan, Operation
from jinxiu.apps.production.services import plan_run
from tests.apps.production.factories import make_plan, make_style
from tests.helpers.factories import make_org, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]




def csv_file(text, name="工序表.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def _ops(style):
    return list(style.operations.order_by("sequence").values_list(
        "code", "name", "standard_seconds"))


def _balanced(org, **kw):
    """A plan with a stored result: stations [1], [3], [2, 4] (no engine run)."""
    plan = make_plan(org, cycle_seconds=50, **kw)
    pk = {op.code: op.pk for op in plan.style.operations.all()}
    with change_context(user=None, source="system"):
        plan.result = {"kind": "SALBP-1", "proven_optimal": True, "lower_bound": 3,
                       "cycle_seconds": 40.0,
                       "stations": [{"operations": [pk["1"]], "replicas": 1, "operator": ""},
                                    {"operations": [pk["3"]], "replicas": 1, "operator": ""},
                                    {"operations": [pk["2"], pk["4"]], "replicas": 1,
                                     "operator": ""}]}
        plan.status = BalancePlan.Status.DONE
        plan.save()
    return plan, pk


# --- bulletin import ----------------------------------------------------------------------
def test_an_operation_code_longer_than_the_field_is_a_row_error_not_a_crash(
        admin_client, org):
    style = make_style(org, code="P1")
    before = _ops(style)
    text = "工序号,工序名称,设备类型,秒\n1,a,平车,5\nABCDEFGHIJKLMNOPQ,b,平车,6\n"
    with pytest.raises(BulletinImportError) as exc:
        bulletin_import(style=style, uploaded=csv_file(text))
    assert [(e.row, e.column, e.value) for e in exc.value.errors] == [
        (3, "工序号", "ABCDEFGHIJKLMNOPQ")]
    assert exc.value.errors[0].reason == "longer than 16 characters"
    response = admin_client.post(f"/production/styles/{style.pk}/import/",
                                 {"file": csv_file(text)})
    assert response.status_code == 400
    assert "ABCDEFGHIJKLMNOPQ" in response.content.decode()
    assert _ops(style) == before


def test_the_operation_code_column_wins_over_a_row_number_column(org):
    """Bulletins often carry 序号 (row number) before 工序编号 (the code the predecessors use)."""
    style = make_style(org, code="P1", ops=[])
    text = ("序号,工序编号,工序名称,设备类型,秒,紧前工序\n"
            "1,A01,合肩,包缝,20,\n2,A02,上领,平车,30,A01\n")
    assert bulletin_import(style=style, uploaded=csv_file(text)).imported == 2
    assert list(style.operations.order_by("sequence").values_list("code", "predecessors")) == [
        ("A01", []), ("A02", ["A01"])]


def _reexport(style, edits: dict[str, float]) -> SimpleUploadedFile:
    book = load_workbook(io.BytesIO(bulletin_export(style=style)))
    for ref, value in edits.items():
        book.active[ref].value = value
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("b.xlsx", buffer.getvalue())


def test_the_column_changed_in_an_exported_bulletin_is_the_one_taken(org):
    """An IE exports the bulletin and changes one time column: whichever of seconds and SMV
    no longer holds the stored time is the new value, as on the operation form."""
    style = make_style(org, code="P1")
    sheet = load_workbook(io.BytesIO(bulletin_export(style=style))).active
    assert sheet["A3"].value == "2" and (sheet["D3"].value, sheet["E3"].value) == (30, 0.5)
    done = bulletin_import(style=style, uploaded=_reexport(style, {"E3": 0.6}))
    assert (done.imported, done.added, done.updated, done.deleted) == (4, 0, 1, 0)
    assert style.operations.get(code="2").standard_seconds == Decimal("36.00")
    done = bulletin_import(style=style, uploaded=_reexport(style, {"D3": 42}))  # SMV 0.6 left
    assert style.operations.get(code="2").standard_seconds == Decimal("42.00")
    assert done.updated == 1


def test_seconds_and_smv_that_both_changed_and_disagree_are_refused_naming_the_row(org):
    style = make_style(org, code="P1")
    before = _ops(style)
    with pytest.raises(BulletinImportError) as exc:
        bulletin_import(style=style, uploaded=_reexport(style, {"D3": 31, "E3": 0.6}))
    assert [(e.row, e.column, e.value) for e in exc.value.errors] == [(3, "SMV", "0.6")]
    assert exc.value.errors[0].reason == \
        "does not match 标准工时(秒) 31 (0.6 min = 36.00 s); fill in one of the two"
    assert _ops(style) == before
    # the unedited export still round-trips, changing nothing
    done = bulletin_import(style=style, uploaded=_reexport(style, {}))
    assert (done.imported, done.added, done.updated, done.deleted) == (4, 0, 0, 0)


def test_control_characters_from_a_csv_do_not_break_the_excel_exports(
        admin_client, org):
    style = make_style(org, code="P1", ops=[])
    text = "工序号,工序名称,设备类型,秒,备注\n1,合\x0b肩,平车,5,a\x01b\n"
    assert bulletin_import(style=style, uploaded=csv_file(text)).imported == 1
    op = style.operations.get()
    assert (op.name, op.notes) == ("合 肩", "a b")
    response = admin_client.get(f"/production/styles/{style.pk}/export/")
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content)).active["B2"].value == "合 肩"


def test_exported_cells_never_start_a_formula(admin_client, org):
    style = make_style(org, code="P1",
                       ops=[("1", "=HYPERLINK(\"http://x\",\"y\")", "lockstitch", "5", [])])
    plan = make_plan(org, style=style, cycle_seconds=50, name="=1+1")
    with change_context(user=None, source="system"):
        plan.result = {"stations": [{"operations": [style.operations.get().pk],
                                     "replicas": 1, "operator": ""}]}
        plan.save()
    sheet = load_workbook(io.BytesIO(
        admin_client.get(f"/production/styles/{style.pk}/export/").content)).active
    assert sheet["B2"].value == "=HYPERLINK(\"http://x\",\"y\")" and sheet["B2"].data_type == "s"
    sheet = load_workbook(io.BytesIO(
        admin_client.get(f"/production/plans/{plan.pk}/export.xlsx").content)).active
    assert sheet["B1"].value == "=1+1" and sheet["B1"].data_type == "s"
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert [c.data_type for c in cells if c.value == "=HYPERLINK(\"http://x\",\"y\")"] == ["s"]
    assert all(c.data_type != "f" for c in cells)


# --- moves --------------------------------------------------------------------------------
def test_a_move_while_the_plan_is_being_balanced_is_refused(
        admin_client, org, django_capture_on_commit_callbacks):
    plan, pk = _balanced(org)
    with django_capture_on_commit_callbacks(execute=False):  # the job stays queued
        plan_run(plan=plan, user=make_user())
    plan.refresh_from_db()
    assert plan.current_status == "running"
    before = plan.result
    response = admin_client.post(f"/production/plans/{plan.pk}/move/",
                                 {"operation": pk["4"], "to_station": 1},
                                 HTTP_HX_REQUEST="true")
    assert response.status_code == 200  # htmx swaps only a 2xx answer: the reason shows
    assert "The plan is being balanced" in response.content.decode()
    plan.refresh_from_db()
    assert plan.result == before and plan.edited is False


def test_a_move_from_a_page_older_than_the_plan_is_refused(admin_client, org):
    plan, pk = _balanced(org)
    page = admin_client.get(f"/production/plans/{plan.pk}/")
    version = plan.last_updated.isoformat()
    assert f'name="version" value="{version}"' in page.content.decode()
    ok = admin_client.post(f"/production/plans/{plan.pk}/move/",
                           {"operation": pk["4"], "to_station": 1, "version": version},
                           HTTP_HX_REQUEST="true")
    assert ok.status_code == 200
    plan.refresh_from_db()
    after_first = plan.result["stations"]
    assert [s["operations"] for s in after_first] == [[pk["1"], pk["4"]], [pk["3"]], [pk["2"]]]
    # the same page again (the old version): the stations were renumbered since
    stale = admin_client.post(f"/production/plans/{plan.pk}/move/",
                              {"operation": pk["2"], "to_station": 1, "version": version},
                              HTTP_HX_REQUEST="true")
    assert stale.status_code == 200
    assert "The plan was changed since this page was loaded" in stale.content.decode()
    plan.refresh_from_db()
    assert plan.result["stations"] == after_first


def test_a_move_after_the_bulletin_was_reimported_closes_up_dead_stations(org):
    from jinxiu.apps.production.services import plan_move

    plan, pk = _balanced(org)
    with change_context(user=None, source="system"):
        Operation.objects.get(pk=pk["3"]).delete()  # station 2 now holds only a deleted op
        plan_move(plan=plan, operation=Operation.objects.get(pk=pk["4"]), to_station=1)
    plan.refresh_from_db()
    assert [s["operations"] for s in plan.result["stations"]] == [[pk["1"], pk["4"]], [pk["2"]]]


def test_a_huge_operation_id_or_non_ascii_digits_are_not_a_crash(admin_client, org):
    plan, _pk = _balanced(org)
    before = plan.result
    response = admin_client.post(f"/production/plans/{plan.pk}/move/",
                                 {"operation": 10 ** 30, "to_station": 1})
    assert response.status_code == 302  # refused: "Choose an operation and a station."
    plan.refresh_from_db()
    assert plan.result == before
    assert admin_client.get("/production/plans/compare/?plan=²").status_code == 200
    assert admin_client.get("/production/plans/add/?style=²").status_code == 200
    assert admin_client.get("/production/operations/add/?style=²").status_code == 200


# --- plans: export, compare, edit ---------------------------------------------------------
def test_an_unknown_export_format_is_a_404(admin_client, org):
    plan, _pk = _balanced(org)
    assert admin_client.get(f"/production/plans/{plan.pk}/export.csv").status_code == 404


def test_compared_charts_have_distinct_ids(admin_client, org):
    first, _pk = _balanced(org)
    second, _pk = _balanced(org, style=make_style(org, code="S2"))
    html = admin_client.get(
        f"/production/plans/compare/?plan={first.pk}&plan={second.pk}").content.decode()
    assert f'id="compare-1-{first.pk}"' in html and f'id="compare-2-{second.pk}"' in html


def test_changing_a_plans_style_drops_the_old_result(admin_client, org):
    plan, _pk = _balanced(org)
    other = make_style(org, code="S2")
    response = admin_client.post(f"/production/plans/{plan.pk}/edit/", {
        "organization": org.pk, "name": plan.name, "style": other.pk, "mode": "min_stations",
        "cycle_seconds": "50", "allow_split": "on", "time_limit_s": 20})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.style_id, plan.result, plan.status, plan.edited) == (
        other.pk, None, "draft", False)


def test_renaming_a_plan_keeps_its_result(admin_client, org):
    plan, _pk = _balanced(org)
    before = plan.result
    response = admin_client.post(f"/production/plans/{plan.pk}/edit/", {
        "organization": org.pk, "name": "新名字", "style": plan.style_id,
        "mode": "min_stations", "cycle_seconds": "50", "allow_split": "on",
        "time_limit_s": 20})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.name, plan.result, plan.status) == ("新名字", before, "done")


def test_a_move_to_a_station_that_does_not_exist_changes_nothing(admin_client, org):
    plan, pk = _balanced(org)
    before = plan.result
    response = admin_client.post(f"/production/plans/{plan.pk}/move/",
                                 {"operation": pk["4"], "to_station": 5},
                                 HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "There is no station 5." in response.content.decode()
    plan.refresh_from_db()
    assert plan.result == before and plan.edited is False
    # one past the last opens a new station
    response = admin_client.post(f"/production/plans/{plan.pk}/move/",
                                 {"operation": pk["4"], "to_station": 4},
                                 HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    plan.refresh_from_db()
    assert [s["operations"] for s in plan.result["stations"]] == [
        [pk["1"]], [pk["3"]], [pk["2"]], [pk["4"]]]
    assert JobRun.objects.count() == 0


def test_changing_a_plans_style_over_the_api_drops_the_old_result(org):
    from rest_framework.test import APIClient

    plan, _pk = _balanced(org)
    other = make_style(org, code="S2")
    api = APIClient()
    api.force_authenticate(make_user(memberships=[(org, "admin")]))
    response = api.patch(f"/api/production/plans/{plan.pk}/", {"style": other.pk},
                         format="json")
    assert response.status_code == 200
    plan.refresh_from_db()
    assert (plan.style_id, plan.result, plan.status) == (other.pk, None, "draft")


def test_a_time_limit_past_the_job_heartbeat_timeout_is_refused(admin_client, org):
    """The engine reports no progress while it searches: a run longer than the stale-job
    timeout (600 s) would be reaped as "worker lost" while it is still computing."""
    plan, _pk = _balanced(org)
    data = {"organization": org.pk, "name": "长", "style": plan.style_id,
            "mode": "min_stations", "cycle_seconds": "50", "allow_split": "on",
            "time_limit_s": 900}
    assert admin_client.post("/production/plans/add/", data).status_code == 400
    assert admin_client.post(f"/production/plans/{plan.pk}/edit/", data).status_code == 400
    assert BalancePlan.objects.count() == 1
    plan.refresh_from_db()
    assert (plan.name, plan.time_limit_s) == ("方案", 20)
    assert admin_client.post(f"/production/plans/{plan.pk}/edit/",
                             {**data, "time_limit_s": 300}).status_code == 302


# --- another enterprise -------------------------------------------------------------------
def test_another_enterprises_user_can_reach_none_of_the_planner_actions(
        client, org, django_capture_on_commit_callbacks):
    plan, pk = _balanced(org)
    style = plan.style
    before = (plan.result, list(style.operations.values_list("pk", "code", "name")))
    other = make_org("别家")
    outsider = make_user(memberships=[(other, "admin")])
    client.force_login(outsider)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/production/plans/{plan.pk}/run/").status_code == 404
    assert client.post(f"/production/plans/{plan.pk}/move/",
                       {"operation": pk["4"], "to_station": 1}).status_code == 404
    assert client.get(f"/production/plans/{plan.pk}/export.xlsx").status_code == 404
    assert client.get(f"/production/plans/{plan.pk}/export.pdf").status_code == 404
    assert client.get(f"/production/plans/compare/?plan={plan.pk}").status_code == 404
    assert client.post(f"/production/styles/{style.pk}/copy/",
                       {"code": "C1", "name": "偷"}).status_code == 404
    assert client.get(f"/production/styles/{style.pk}/export/").status_code == 404
    assert client.post(f"/production/styles/{style.pk}/import/",
                       {"file": csv_file("工序号,工序名称,设备类型,秒\n1,a,平车,5\n")}
                       ).status_code == 404
    # nothing of the first enterprise is offered in the second one's forms and compare page
    own = make_style(other, code="O1")
    for url in ("/production/plans/add/", "/production/operations/add/",
                f"/production/plans/compare/?plan={make_plan(other, style=own).pk}"):
        html = client.get(url).content.decode()
        assert f'value="{style.pk}"' not in html and "款式S1" not in html, url
    plan.refresh_from_db()
    assert (plan.result, list(style.operations.values_list("pk", "code", "name"))) == before
    assert plan.job is None and JobRun.objects.count() == 0
    assert not style.__class__.objects.filter(code="C1").exists()


def test_a_file_with_headers_but_no_operations_does_not_wipe_the_bulletin(org):
    style = make_style(org, code="P1")
    before = _ops(style)
    with pytest.raises(BulletinImportError) as exc:
        bulletin_import(style=style, uploaded=csv_file("工序号,工序名称,设备类型,秒\n,合计,,0\n"))
    assert [(e.row, e.reason) for e in exc.value.errors] == [(2, "the file has no operations")]
    assert _ops(style) == before


def test_predecessor_errors_name_the_files_own_column_and_the_cycles_row(org):
    style = make_style(org, code="P1", ops=[])
    text = "code,name,machine,seconds,predecessors\n1,a,lockstitch,5,\n2,b,lockstitch,5,9\n"
    with pytest.raises(BulletinImportError) as exc:
        bulletin_import(style=style, uploaded=csv_file(text))
    assert [(e.row, e.column, e.value) for e in exc.value.errors] == [(3, "predecessors", "9")]
    text = "工序号,工序名称,设备类型,秒,前道工序\n1,a,平车,5,\n2,b,平车,5,3\n3,c,平车,5,2\n"
    with pytest.raises(BulletinImportError) as exc:
        bulletin_import(style=style, uploaded=csv_file(text))
    assert [(e.row, e.column, e.value) for e in exc.value.errors] == [(3, "前道工序", "2 → 3 → 2")]
    assert style.operations.count() == 0


def test_an_import_cut_short_by_the_upload_limit_says_so(rf, org, settings):
    """A file sent without a length (chunked) passes the size middleware; the upload handler
    stops it at the limit, and the page must say the file is too large."""
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.cache import SessionStore

    from jinxiu.apps.production.views import StyleBulletinImportView

    style = make_style(org, code="P1")
    before = _ops(style)
    settings.MAX_UPLOAD_BYTES = 20
    request = rf.post(f"/production/styles/{style.pk}/import/",
                      {"file": csv_file("工序号,工序名称,设备类型,秒\n1,a,平车,5\n")})
    request.user = make_user(memberships=[(org, "admin")])
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    request.htmx = False
    response = StyleBulletinImportView.as_view()(request, pk=style.pk)
    assert response.status_code == 413
    assert _ops(style) == before
