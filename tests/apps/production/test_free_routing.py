"""Hanging lines routed freely (吊挂线): the piece comes back to a station, so a plan keeps no
order among the stations. The demo shoe upper needs 13 workplaces there against 15 on a
line in order; moves are not warned for the order; the plan shows a piece's route."""

import io
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.production.adapter import PlanInputError, evaluate, plan_problem
from jinxiu.apps.production.forms import LineForm
from jinxiu.apps.production.machine_types import machine_types
from jinxiu.apps.production.models import BalancePlan, Line, Operation
from jinxiu.apps.production.routing import piece_route, route_order
from jinxiu.apps.production.services import plan_move, plan_run
from tests.apps.production.factories import make_demo_style, make_line, make_plan, make_style
from tests.helpers.factories import make_org, make_user

pytestmark = pytest.mark.django_db


def _ops(rows):
    return [Operation(code=code, predecessors=preds, standard_seconds=Decimal(1))
            for code, preds in rows]


def test_route_order_puts_each_operation_after_its_predecessors_else_bulletin_order():
    ops = _ops([("A", ["C"]), ("B", []), ("C", []), ("D", ["A", "X"]), ("E", ["E"])])
    # A waits for C; the unknown X is passed over; a self-reference does not hold E back
    assert [ops[i].code for i in route_order(ops)] == ["B", "C", "A", "D", "E"]
    looped = _ops([("A", ["B"]), ("B", ["A"]), ("C", [])])
    assert [looped[i].code for i in route_order(looped)] == ["C", "A", "B"]


def test_a_piece_route_merges_repeated_stations_and_counts_the_returns():
    ops = _ops([("1", []), ("2", ["1"]), ("3", ["2"]), ("4", ["3"]), ("5", ["4"])])
    route = piece_route(ops, {"1": 0, "2": 0, "3": 2, "4": 1, "5": 0})
    assert route.stations == [1, 3, 2, 1] and route.returns == 2 and route.visits == 4
    assert route.path == "1 → 3 → 2 → 1"
    assert piece_route(ops, {"1": 0, "3": 1}).stations == [1, 2]  # unplaced: passed over


def test_a_piece_does_what_it_can_at_a_station_before_it_moves_on():
    # 1 → 2 and 1 → 3; 1 and 3 at station 1, 2 at station 2: 3 is done before the piece
    # leaves station 1 (the bulletin's order 1, 2, 3 would bring it back)
    ops = _ops([("1", []), ("2", ["1"]), ("3", ["1"])])
    route = piece_route(ops, {"1": 0, "2": 1, "3": 0}, [1, 2])
    assert route.stations == [1, 2] and route.returns == 0
    assert [[op.code for op in v.operations] for v in route.visits_list] == [["1", "3"], ["2"]]
    assert route.path == "1 → 2×2"  # a station with two parallel workplaces


def test_a_piece_goes_on_to_the_lowest_numbered_station_it_can():
    # 1 → 2 → 4 and 3 → 4 at stations 1, 3, 2, 3 (a plan in line order): after station 1
    # the piece goes to station 2 for operation 3, not to station 3 for operation 2 (the
    # bulletin's order would send it 1 → 3 → 2 → 3)
    ops = _ops([("1", []), ("2", ["1"]), ("3", []), ("4", ["2", "3"])])
    route = piece_route(ops, {"1": 0, "2": 2, "3": 1, "4": 2})
    assert route.stations == [1, 2, 3] and route.returns == 0


def test_the_line_order_leaves_the_engine_input_only_on_a_hanging_line(regions):
    org = make_org()
    style = make_style(org)  # 1 → 2 → 4, 3 → 4
    in_order = make_plan(org, style=style, line=make_line(org), cycle_seconds=60)
    hanging = make_plan(org, style=style, name="吊挂",
                        line=make_line(org, name="吊挂线", routing=Line.Routing.FREE))
    assert len(plan_problem(in_order)[0].precedences) == 3
    data = plan_problem(hanging)[0]
    assert data.precedences == () and data.machine_types == (
        "overlock", "lockstitch", "lockstitch", "iron")
    # the bulletin's own mistakes are still refused
    odd = make_style(org, code="S2", ops=[("1", "合肩", "overlock", "20", ["9"])])
    with pytest.raises(PlanInputError, match="工序 1 的紧前工序“9”不存在"):
        plan_problem(make_plan(org, style=odd, line=hanging.line, name="错"))


def _run(plan, callbacks):
    with callbacks(execute=True):
        plan_run(plan=plan, user=make_user())
    plan.refresh_from_db()
    return evaluate(plan)


def test_the_demo_upper_needs_fewer_workplaces_on_a_hanging_line(
        regions, django_capture_on_commit_callbacks):
    from jinxiu.apps.production.demo import SHOE_MACHINES, SHOE_UPPER

    org = make_org()
    style = make_demo_style(org, "XM2602", SHOE_UPPER)
    line = make_line(org, target_output=500, machines=SHOE_MACHINES, output_unit="pair",
                     routing=Line.Routing.FREE)
    plan = make_plan(org, style=style, line=line, time_limit_s=20)
    ev = _run(plan, django_capture_on_commit_callbacks)
    # 619 s at the takt of 57.6 s: 11 by time alone, 15 on a line in order (the machine
    # changes along the chain, test_shoe_lines), 13 here: the 高车 stations take the
    # post-bed seams wherever they come, proven
    assert plan.current_status == "done" and ev.warnings == []
    assert plan.result["proven_optimal"] is True and ev.workplaces == 13
    types = machine_types()
    for st in ev.stations:
        kinds = {op["machine_type"] for op in st.operations}
        assert all(types.can_share(a, b) for a in kinds for b in kinds), kinds
        assert st.per_workplace <= 57.6
    for kind, count in SHOE_MACHINES.items():
        assert sum(1 for st in ev.stations
                   if any(op["machine_type"] == kind for op in st.operations)) <= count
    # stations numbered by their first operation; a piece visits every station, each
    # operation once, at its station and after its predecessors, and goes back along the
    # rail where a station does operations far apart
    firsts = [min(int(op["code"]) for op in st.operations) for st in ev.stations]
    assert firsts == sorted(firsts)
    where = {op["code"]: st.number for st in ev.stations for op in st.operations}
    done: list[str] = []
    for visit in ev.route.visits_list:
        for op in visit.operations:
            assert where[op.code] == visit.station
            assert all(p in done for p in op.predecessors), (op.code, done)
            done.append(op.code)
    assert sorted(done, key=int) == [str(k) for k in range(1, 21)]
    assert sorted(set(ev.route.stations)) == list(range(1, 14))
    # no plan in line order has 13 stations (15 at least), so some station is visited
    # twice, and a repeated station means a move back along the rail
    assert ev.route.visits > 13 and ev.route.returns > 0
    # the same upper on the same machines, in line order: 15, and no route
    line.routing = Line.Routing.SEQUENCE
    line.save()
    again = make_plan(org, style=style, line=line, time_limit_s=20, name="流水")
    ev = _run(again, django_capture_on_commit_callbacks)
    assert ev.workplaces == 15 and ev.route is None


def test_moves_on_a_hanging_line_are_not_warned_for_the_order(
        regions, django_capture_on_commit_callbacks):
    org = make_org()
    style = make_style(org)  # 1 (overlock 20) → 2 (lockstitch 30) → 4 (iron 10); 3 → 4
    line = make_line(org, routing=Line.Routing.FREE)
    plan = make_plan(org, style=style, line=line, cycle_seconds=60)
    ev = _run(plan, django_capture_on_commit_callbacks)
    # the two lockstitch operations (70 s) need two stations, the overlock one a third
    assert ev.workplaces == 3 and ev.warnings == []
    iron = Operation.objects.get(style=style, code="4")
    plan_move(plan=plan, operation=iron, to_station=1, new_station=True)
    plan.refresh_from_db()
    ev = evaluate(plan)
    assert ev.warnings == [] and ev.stations[0].operations[0]["code"] == "4"
    assert ev.route.stations[-1] == 1 and ev.route.returns >= 1
    # the same move on a line in order is warned
    line.routing = Line.Routing.SEQUENCE
    line.save()
    ev = evaluate(BalancePlan.objects.get(pk=plan.pk))
    assert any("comes before its predecessor" in w or "在其紧前工序" in w
               for w in ev.warnings), ev.warnings
    assert ev.route is None


def test_switching_a_line_between_routings_turns_its_plans_stale_and_back(
        regions, django_capture_on_commit_callbacks):
    org = make_org()
    line = make_line(org)
    plan = make_plan(org, line=line, cycle_seconds=60)
    assert _run(plan, django_capture_on_commit_callbacks).stale is False
    line.routing = Line.Routing.FREE
    line.save()
    assert evaluate(BalancePlan.objects.get(pk=plan.pk)).stale is True
    line.routing = Line.Routing.SEQUENCE
    line.save()
    assert evaluate(BalancePlan.objects.get(pk=plan.pk)).stale is False
    # a predecessor edited: stale on a line in order, not on a hanging line whose run does
    # not see the order (balanced there afresh first)
    op = Operation.objects.get(style=plan.style, code="2")
    with change_context(user=None, source="system"):
        op.predecessors = []
        op.save()
    assert evaluate(BalancePlan.objects.get(pk=plan.pk)).stale is True
    line.routing = Line.Routing.FREE
    line.save()
    plan = BalancePlan.objects.get(pk=plan.pk)
    assert _run(plan, django_capture_on_commit_callbacks).stale is False
    with change_context(user=None, source="system"):
        op.predecessors = ["1"]
        op.save()
    assert evaluate(BalancePlan.objects.get(pk=plan.pk)).stale is False


def test_the_line_form_sets_the_routing_and_a_post_without_it_keeps_it(regions):
    org = make_org()
    line = make_line(org)
    user = make_user(memberships=[(org, "admin")])
    data = {"organization": org.pk, "name": "吊挂线", "shift_minutes": 480,
            "target_output": 600, "routing": "free", "machines": "", "notes": ""}
    form = LineForm(data, instance=line, user=user)
    assert form.is_valid(), form.errors
    assert form.save().routing == "free"
    data.pop("routing")
    form = LineForm(data, instance=Line.objects.get(pk=line.pk), user=user)
    assert form.is_valid(), form.errors
    assert form.save().routing == "free"
    assert str(Line.Routing.FREE.label) == "吊挂线（按工序派站）"


def test_the_plan_page_excel_and_pdf_show_the_route(
        client, regions, django_capture_on_commit_callbacks):
    from openpyxl import load_workbook

    org = make_org()
    line = make_line(org, name="吊挂线", routing=Line.Routing.FREE)
    plan = make_plan(org, line=line, cycle_seconds=60)
    ev = _run(plan, django_capture_on_commit_callbacks)
    client.force_login(make_user(memberships=[(org, "admin")]))
    html = client.get(plan.get_absolute_url()).content.decode()
    assert "吊挂路线" in html and f'<span id="route-path">{ev.route.path}</span>' in html
    assert "吊挂线（按工序派站）" in html
    book = load_workbook(io.BytesIO(client.get(
        reverse("production:balanceplan_export", args=[plan.pk, "xlsx"]))
                                    .content))
    rows = [[c for c in row if c is not None] for row in book.active.iter_rows(values_only=True)]
    assert ["吊挂路线", ev.route.path] in rows
    assert [ev.route.summary] in rows and ev.route.summary.startswith("每件经过工位")
    layout = render_to_string("production/plan_print.html", {"plan": plan, "evaluation": ev})
    assert f"吊挂路线: {ev.route.path} · {ev.route.summary}" in layout


def test_the_excel_lists_each_operation_with_its_station_in_bulletin_order(
        client, regions, django_capture_on_commit_callbacks):
    from openpyxl import load_workbook

    org = make_org()
    plan = make_plan(org, line=make_line(org, routing=Line.Routing.FREE), cycle_seconds=60)
    ev = _run(plan, django_capture_on_commit_callbacks)
    where = {op["code"]: st.number for st in ev.stations for op in st.operations}
    client.force_login(make_user(memberships=[(org, "admin")]))
    book = load_workbook(io.BytesIO(client.get(
        reverse("production:balanceplan_export", args=[plan.pk, "xlsx"])).content))
    assert book.sheetnames == ["工位", "按工序", "吊挂路线"]
    rows = list(book["按工序"].iter_rows(values_only=True))
    assert rows == [
        ("工序号", "工序", "设备", "秒", "工位", "并行人数", "操作工"),
        ("1", "合肩", "包缝", 20, where["1"], 1, None),
        ("2", "上领", "平车", 30, where["2"], 1, None),
        ("3", "做门襟", "平车", 40, where["3"], 1, None),
        ("4", "整烫", "熨烫", 10, where["4"], 1, None)]
    assert where["2"] != where["3"]  # 70 s of lockstitch: two stations
    # the route table: a stop per row, the operations of that stop
    route = list(book["吊挂路线"].iter_rows(values_only=True))
    assert route[0] == ("步序", "工位", "并行人数", "工序号", "工序", "操作工")
    steps = [r for r in route[1:] if r and isinstance(r[0], int)]
    assert [r[1] for r in steps] == ev.route.stations
    assert sorted(c for r in steps for c in r[3].split("、")) == ["1", "2", "3", "4"]
    assert route[-1] == (ev.route.summary, None, None, None, None, None)
    assert ("产线", "一号线", "吊挂线（按工序派站）") in list(
        book["工位"].iter_rows(max_col=3, values_only=True))


def test_a_refusal_on_a_hanging_line_does_not_name_the_order(
        client, regions, django_capture_on_commit_callbacks, monkeypatch):
    import jinxiu.engines.linebal as linebal
    from jinxiu.engines.linebal.result import make_result

    def nothing_fits(data, **_kw):
        return make_result(data, None, cycle_time=data.cycle_time, lower_bound=0,
                           proven=False, runtime_s=0.0, stop_reason="infeasible")

    monkeypatch.setattr(linebal, "solve", nothing_fits)
    org = make_org()
    style = make_style(org)
    plans = [make_plan(org, style=style, line=make_line(org, name=f"线{k}", routing=routing),
                       cycle_seconds=60, name=f"方案{k}")
             for k, routing in enumerate(Line.Routing.values)]
    client.force_login(make_user(memberships=[(org, "admin")]))
    pages = []
    for plan in plans:
        _run(plan, django_capture_on_commit_callbacks)
        pages.append(client.get(plan.get_absolute_url()).content.decode())
    assert "没有能满足全部规则（工序先后、设备类型" in pages[0]
    assert "没有能满足全部规则（设备类型、工位组" in pages[1]


def test_the_plan_form_says_which_line_is_a_hanging_line(regions):
    from jinxiu.apps.production.forms import BalancePlanForm

    org = make_org()
    make_line(org, name="一号线")
    make_line(org, name="吊挂线", routing=Line.Routing.FREE)
    form = BalancePlanForm(user=make_user(memberships=[(org, "admin")]))
    labels = sorted(label for value, label in form.fields["line"].choices if value)
    assert labels == ["一号线", "吊挂线 · 吊挂线（按工序派站）"]


def test_the_api_gives_the_route_table_to_the_enterprise_only(
        regions, django_capture_on_commit_callbacks):
    from rest_framework.test import APIClient

    org = make_org()
    plan = make_plan(org, line=make_line(org, routing=Line.Routing.FREE), cycle_seconds=60)
    api = APIClient()
    api.force_authenticate(make_user(memberships=[(org, "admin")]))
    url = f"/api/production/plans/{plan.pk}/route/"
    assert api.get(url).status_code == 404  # not balanced yet
    ev = _run(plan, django_capture_on_commit_callbacks)
    body = api.get(url).json()
    assert body["routing"] == "free" and body["stale"] is False
    assert [s["station"] for s in body["stops"]] == ev.route.stations
    assert body["visits"] == ev.route.visits and body["returns"] == ev.route.returns
    assert sorted(c for s in body["stops"] for c in s["operations"]) == ["1", "2", "3", "4"]
    assert [s["step"] for s in body["stops"]] == list(range(1, ev.route.visits + 1))
    # a line in order: the stops follow the stations
    in_order = make_plan(org, style=plan.style, line=make_line(org, name="流水"),
                         cycle_seconds=60, name="流水")
    _run(in_order, django_capture_on_commit_callbacks)
    body = api.get(f"/api/production/plans/{in_order.pk}/route/").json()
    assert body["routing"] == "sequence" and body["returns"] == 0
    assert [s["station"] for s in body["stops"]] == sorted(s["station"] for s in body["stops"])
    # another enterprise's user does not see it
    stranger = APIClient()
    stranger.force_authenticate(make_user("外人", memberships=[(make_org("别家"), "admin")]))
    assert stranger.get(url).status_code == 404


def test_the_plan_list_says_each_plans_routing(client, regions, settings):
    import re

    settings.LANGUAGE_CODE = "zh-hans"
    org = make_org()
    make_plan(org, line=make_line(org, name="吊挂线", routing=Line.Routing.FREE), name="吊挂方案")
    make_plan(org, style=make_style(org, code="S2"), line=make_line(org, name="流水"),
              name="流水方案")
    make_plan(org, style=make_style(org, code="S3"), cycle_seconds=60, name="无线方案")
    client.force_login(make_user(memberships=[(org, "admin")]))
    page = client.get("/production/plans/").content.decode()
    rows = {name: re.search(rf">{name}</a>.*?</tr>", page, re.S)[0]
            for name in ("吊挂方案", "流水方案", "无线方案")}
    assert "吊挂线（按工序派站）" in rows["吊挂方案"] and "流水线" not in rows["吊挂方案"]
    assert "流水线（按工序顺序）" in rows["流水方案"]
    assert "按工序" not in rows["无线方案"]
