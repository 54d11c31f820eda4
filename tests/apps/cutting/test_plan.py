"""Planning a cut order (分床) with its markers (唛架): the job, the refinement of estimated
marker lengths by nesting, the stored plan and markers, the pages and downloads."""

import json

import pytest

from jinxiu.apps.core.models import JobRun
from jinxiu.apps.cutting.adapter import PlanInputError, order_problem, plan_with_markers
from jinxiu.apps.cutting.models import CutOrder, Marker
from jinxiu.apps.cutting.services import order_run
from jinxiu.engines.nesting import check_marker
from jinxiu.engines.nesting.check import load_marker
from tests.apps.cutting.factories import (
    RECTS,
    dxf_bytes,
    laid_out,
    make_marker,
    make_order,
    make_pattern,
)
from tests.helpers.factories import make_org, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(regions):
    return make_org("锦程针织")


@pytest.fixture
def admin(org):
    return make_user(memberships=[(org, "admin")])


@pytest.fixture
def rect_order(org):
    """Two sizes of a 300 × 200 mm piece on a 450 mm fabric: two pieces stack across the
    width, so the best marker of S+M is exactly 300 mm long (utilization 120000 / 135000)."""
    pattern = make_pattern(org, content=dxf_bytes(RECTS))
    return make_order(org, pattern, width=450, max_plies=10, max_garments=2,
                      quantities={"红": {"S": 3, "M": 3}}, seconds_per_marker=1)


def test_the_job_plans_one_lay_and_nests_its_marker(rect_order, admin,
                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order_run(order=rect_order, user=admin)
    order = CutOrder.objects.get(pk=rect_order.pk)
    assert order.current_status == "done", order.job.error
    plan = order.plan
    assert [(lay["ratio"], lay["plies"]) for lay in plan["lays"]] == [
        ({"M": 1, "S": 1}, {"红": 3})]
    assert plan["overcut"] == {"红": {"S": 0, "M": 0}}
    assert plan["cut"] == {"红": {"S": 3, "M": 3}}
    (marker,) = Marker.objects.filter(order=order)
    assert (marker.name, marker.ratio, marker.plies, marker.lays, marker.pieces) == (
        "M1", {"M": 1, "S": 1}, 3, 1, 2)
    assert marker.length == pytest.approx(300, abs=0.1)  # sparrow computes in 32-bit floats
    assert marker.utilization == pytest.approx(120000 / 135000, abs=3e-4)
    assert order.fabric_length == pytest.approx(900, abs=0.3)
    assert plan["exact_lengths"] is True and plan["optimal"] is True
    # the stored marker passes the independent check again
    data = order_problem(order, marker.ratio)
    placements, length = load_marker(data, marker.result)
    assert check_marker(data, placements, length) == []
    job = JobRun.objects.get(pk=order.job_id)
    assert (job.status, job.result["markers"], job.result["fabric_mm"]) == (
        "succeeded", 1, pytest.approx(900, abs=0.3))


def test_estimates_are_replaced_by_nested_lengths_until_the_plan_is_exact(rect_order):
    """With a loose solver (pieces one after the other) S+M is 600 mm, not the 333 mm the
    first estimate (80 % utilization) expects; the second round re-plans with 44 % for the
    ratios not nested and keeps S+M × 3 (one lay, 1800 mm) — nested once, two rounds."""
    calls, reports = [], []

    def loose(data, **kw):
        calls.append(dict(data.ratio))
        kw["on_progress"](type("P", (), {"utilization": 0.4, "elapsed_s": 0.1})())
        return laid_out(data)

    run = plan_with_markers(rect_order, seconds=1, solve_fn=loose,
                            report=lambda msg, best: reports.append((msg, best)))
    assert calls == [{"M": 1, "S": 1}]
    assert (run.rounds, run.nested, run.exact) == (2, 1, True)
    assert [(lay.ratio, lay.plies) for lay in run.plan.lays] == [({"M": 1, "S": 1}, {"红": 3})]
    assert run.plan.fabric_length == pytest.approx(1800)
    assert reports[0] == ("第 1 轮，唛架 1/1（M×1 S×1）", None)  # Chinese first
    assert reports[1][1] == 0.4


def test_marker_longer_than_the_table_is_avoided(org):
    """The table takes 400 mm: S+M (600 mm with the loose solver) fails, so the plan cuts
    S and M in separate lays of 300 mm each."""
    pattern = make_pattern(org, content=dxf_bytes(RECTS))
    order = make_order(org, pattern, width=450, max_length=400, max_plies=10, max_garments=2,
                       quantities={"红": {"S": 3, "M": 3}})
    from jinxiu.engines.nesting import MarkerTooLongError

    def loose(data, **kw):
        result = laid_out(data)
        if result.length > data.max_length:
            raise MarkerTooLongError(result, data.max_length)
        return result

    run = plan_with_markers(order, seconds=1, solve_fn=loose)
    assert sorted((tuple(lay.ratio.items()), lay.plies["红"]) for lay in run.plan.lays) == [
        ((("M", 1),), 3), ((("S", 1),), 3)]
    assert run.plan.fabric_length == pytest.approx(1800)
    assert list(run.failures) == [(("M", 1), ("S", 1))]


def test_an_order_no_marker_can_serve_is_refused(org):
    pattern = make_pattern(org, content=dxf_bytes(RECTS))
    order = make_order(org, pattern, width=450, max_length=250)
    from django.utils import translation

    with pytest.raises(PlanInputError,
                       match="片 \\(S\\)：长度在所有允许方向上都超过最大唛架长度 250"):
        order_run(order=order, user=None)  # Chinese first
    with translation.override("en"), pytest.raises(
            PlanInputError, match="longer than the maximum marker length 250"):
        order_run(order=order, user=None)
    assert order.job_id is None


def test_order_page_shows_lays_and_overcut(org, admin, client):
    order = make_order(org, quantities={"红": {"S": 3, "M": 2}, "白": {"M": 1}})
    marker = make_marker(org, order)
    order.plan = {"lays": [{"marker": 1, "ratio": {"M": 1, "S": 1}, "plies": {"红": 3, "白": 1},
                            "total_plies": 4, "length": marker.length,
                            "fabric": marker.length * 4}],
                  "markers": 1, "fabric_length": marker.length * 4,
                  "cut": {"红": {"S": 3, "M": 3}, "白": {"M": 1}},
                  "overcut": {"红": {"S": 0, "M": 1}, "白": {"M": 0}},
                  "optimal": True, "exact_lengths": True, "candidates": 5, "rounds": 2,
                  "nested": 1, "piece_area": 120000 * 4}
    order.status = "done"
    order.save()
    client.force_login(admin)
    body = client.get(order.get_absolute_url()).content.decode()
    assert 'data-status="done"' in body
    assert '<tr data-lay="1"><td>1</td>' in body and "M×1 S×1" in body and "白×1 红×3" in body
    assert '<div class="fs-4" id="fig-fabric">2.40</div>' in body  # 4 plies × 600 mm
    assert '<div class="fs-4" id="fig-utilization">44.44%</div>' in body
    assert '3 / 2 <span class="badge text-bg-warning">+1</span>' in body


def test_marker_page_and_downloads(org, admin, client, tmp_path):
    marker = make_marker(org)
    client.force_login(admin)
    body = client.get(marker.get_absolute_url()).content.decode()
    assert '<svg id="marker-svg"' in body and body.count('class="piece"') == 2
    assert "<script>" not in body and "jinxiu/marker.js" in body
    files = {}
    for fmt in ("pdf", "dxf", "json", "svg"):
        response = client.get(f"/cutting/markers/{marker.pk}/marker.{fmt}")
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
        files[fmt] = response.content
    assert files["pdf"].startswith(b"%PDF-")
    doc = json.loads(files["json"])
    assert (len(doc["placements"]), doc["length"], doc["width"]) == (2, 600.0, 450.0)
    assert files["svg"].count(b'class="piece"') == 2
    from jinxiu.engines.nesting.readers import read_dxf

    path = tmp_path / "m.dxf"
    path.write_bytes(files["dxf"])
    back = read_dxf(path)
    assert sorted((p.name, p.size) for p in back.pieces) == [("片", "M"), ("片", "S")]
    assert client.get(f"/cutting/markers/{marker.pk}/marker.exe").status_code == 404


def test_the_job_reports_the_best_utilization_so_far(rect_order):
    """What the running page shows: the job's progress message carries the best marker's
    utilization as soon as the solver reports one."""
    from jinxiu.apps.cutting.jobs import plan_job

    reported = []

    class Ctx:
        params = {"order": rect_order.pk}

        def progress(self, percent, message=""):
            reported.append((percent, str(message)))

    from django.utils import translation

    with translation.override("en"):
        result = plan_job(Ctx())
    assert result["markers"] == 1
    best = [m for _p, m in reported if m.startswith("best utilization so far")]
    assert best, reported
    assert best[-1].startswith("best utilization so far 88.")  # 120000 / 135000 = 88.9 %
    assert [p for p, _m in reported] == sorted(p for p, _m in reported)


def test_api_run_queues_the_plan_or_says_why_not(org, admin, rect_order,
                                                 django_capture_on_commit_callbacks):
    from rest_framework.test import APIClient

    api = APIClient()
    viewer = make_user(memberships=[(org, "viewer")])
    api.force_authenticate(viewer)
    assert api.post(f"/api/cutting/orders/{rect_order.pk}/run/").status_code == 403
    api.force_authenticate(admin)
    too_narrow = make_order(org, rect_order.pattern, width=150)
    response = api.post(f"/api/cutting/orders/{too_narrow.pk}/run/")
    assert response.status_code == 400
    assert response.json()["detail"].startswith(
        "无法排床：裁片 片 (S)：在所有允许方向上都放不进有效布幅 150")
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/api/cutting/orders/{rect_order.pk}/run/")
    assert response.status_code == 202
    rect_order.refresh_from_db()
    assert rect_order.status == "done" and rect_order.markers.count() == 1


def test_copy_keeps_the_planned_order_and_starts_a_draft(org, admin, client):
    order = make_order(org, width=450, spacing=1.5, quantities={"红": {"S": 3, "M": 3}})
    make_marker(org, order)
    order.status, order.plan = "done", {"lays": []}
    order.save()
    client.force_login(admin)
    response = client.post(f"/cutting/orders/{order.pk}/copy/")
    copy = CutOrder.objects.exclude(pk=order.pk).get()
    assert response["Location"] == f"/cutting/orders/{copy.pk}/edit/"
    assert (copy.name, copy.status, copy.plan, copy.width, copy.spacing, copy.quantities) == (
        "裁单1 (2)", "draft", None, 450, 1.5, {"红": {"S": 3, "M": 3}})
    assert copy.markers.count() == 0 and order.markers.count() == 1
    viewer = make_user(memberships=[(org, "viewer")])
    client.force_login(viewer)
    assert client.post(f"/cutting/orders/{order.pk}/copy/").status_code == 403
    assert CutOrder.objects.count() == 2


def test_api_marker_list_leaves_out_the_marker_document(org, admin):
    from rest_framework.test import APIClient

    marker = make_marker(org)
    api = APIClient()
    api.force_authenticate(admin)
    (row,) = api.get("/api/cutting/markers/").json()["results"]
    assert "result" not in row and row["ratio"] == {"S": 1, "M": 1}
    detail = api.get(f"/api/cutting/markers/{marker.pk}/").json()
    assert len(detail["result"]["placements"]) == 2 and detail["length"] == 600.0
