"""A station doubled for a long operation (×2) has a workplace per operator, and each can
be given its operator: the page has a picker per workplace, the Excel and the printed
layout name both, an exchange works between any two workplaces, and the workplaces a
station loses take their operators with them. Small bulletin, cycle 25 s: operation 3
(40 s) runs at two workplaces."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from openpyxl import load_workbook

from jinxiu.apps.production.adapter import evaluate
from jinxiu.apps.production.models import Operation
from jinxiu.apps.production.plans import plan_xlsx
from jinxiu.apps.production.services import plan_move, plan_run, plan_set_operator
from tests.apps.production.factories import make_line, make_operator, make_plan
from tests.helpers.factories import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]


@pytest.fixture
def doubled(org, django_capture_on_commit_callbacks):
    line = make_line(org)
    people = {name: make_operator(org, name, line, {}) for name in ("甲", "乙", "丙")}
    plan = make_plan(org, line=line, cycle_seconds=25)
    with django_capture_on_commit_callbacks(execute=True):
        plan_run(plan=plan, user=make_user())
    plan.refresh_from_db()
    ev = evaluate(plan)
    station = next(v.number for v in ev.stations if v.replicas == 2)
    assert [o["code"] for o in ev.stations[station - 1].operations] == ["3"]
    return plan, station, people


def test_each_workplace_of_a_doubled_station_gets_its_operator(doubled):
    plan, station, people = doubled
    plan_set_operator(plan=plan, station=station, seat=0, operator=people["甲"].pk)
    plan_set_operator(plan=plan, station=station, seat=1, operator=people["乙"].pk)
    plan.refresh_from_db()
    ev = evaluate(plan)
    view = ev.stations[station - 1]
    assert (view.operator, view.helpers) == ("甲", [("乙", people["乙"].pk)])
    assert view.names == "甲、乙" and view.warnings == []
    rows = [r for r in load_workbook(io.BytesIO(plan_xlsx(plan, ev))).active
            .iter_rows(values_only=True) if r and r[0] == station]
    assert rows[0][1:3] == (2, "甲、乙")
    printed = render_to_string("production/plan_print.html", {"plan": plan, "evaluation": ev})
    assert "<span>甲、乙</span>" in printed


def test_an_exchange_works_between_any_two_workplaces(doubled):
    plan, station, people = doubled
    plan_set_operator(plan=plan, station=station, seat=1, operator=people["乙"].pk)
    other = 1 if station != 1 else 2
    plan_set_operator(plan=plan, station=other, operator=people["丙"].pk)
    plan.refresh_from_db()
    # 乙 goes from the second workplace of the doubled station to the other station;
    # 丙 takes her place there
    plan_set_operator(plan=plan, station=other, operator=people["乙"].pk)
    plan.refresh_from_db()
    ev = evaluate(plan)
    assert ev.stations[other - 1].operator == "乙"
    assert ev.stations[station - 1].helpers == [("丙", people["丙"].pk)]


def test_a_workplace_the_station_does_not_have_is_refused_and_nothing_changes(doubled):
    plan, station, people = doubled
    before = plan.result
    with pytest.raises(ValidationError) as exc:
        plan_set_operator(plan=plan, station=station, seat=2, operator=people["甲"].pk)
    assert exc.value.messages == [f"Station {station} has no workplace 3."]
    plan.refresh_from_db()
    assert plan.result == before and not plan.edited


def test_workplaces_a_station_loses_take_their_operators_along(doubled):
    plan, station, people = doubled
    ops = {op.code: op for op in Operation.objects.filter(style=plan.style)}
    plan_move(plan=plan, operation=ops["4"], to_station=station)  # 40 + 10 s: still ×2
    plan.refresh_from_db()
    plan_set_operator(plan=plan, station=station, seat=1, operator=people["乙"].pk)
    plan.refresh_from_db()
    assert plan.result["stations"][station - 1]["helpers"][0]["operator"] == "乙"
    # operation 3 leaves for a new station at the end: 10 s are left, one workplace
    plan_move(plan=plan, operation=ops["3"], to_station=len(plan.result["stations"]) + 1)
    plan.refresh_from_db()
    left, new = plan.result["stations"][station - 1], plan.result["stations"][-1]
    assert (left["replicas"], "helpers" in left) == (1, False)
    assert (new["operations"], new["replicas"], "helpers" in new) == ([ops["3"].pk], 2, False)


def test_a_helper_no_longer_on_the_line_or_without_the_skill_is_warned(doubled):
    plan, station, people = doubled
    plan_set_operator(plan=plan, station=station, seat=1, operator=people["乙"].pk)
    plan.refresh_from_db()
    people["乙"].skills = {"overlock": 1.0}
    people["乙"].save()
    assert evaluate(plan).stations[station - 1].warnings == [
        "乙 has no skill for Lockstitch (301) (3)."]
    people["乙"].active = False
    people["乙"].save()
    assert evaluate(plan).stations[station - 1].warnings == [
        "乙 is no longer an active operator of the line; the load is at standard time."]


def test_the_page_has_a_picker_per_workplace(doubled, client, org):
    plan, station, _people = doubled
    client.force_login(make_user(memberships=[(org, "admin")]))
    html = client.get(plan.get_absolute_url()).content.decode()
    assert f'id="operator-{station}"' in html and f'id="operator-{station}-1"' in html
    assert f'id="operator-{station}-2"' not in html
    response = client.post(f"/production/plans/{plan.pk}/operator/", {
        "station": station, "seat": 1, "operator": _people["丙"].pk,
        "version": plan.last_updated.isoformat()}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    plan.refresh_from_db()
    assert plan.result["stations"][station - 1]["helpers"] == [
        {"operator": "丙", "operator_id": _people["丙"].pk}]


def test_a_doubled_station_moved_whole_takes_both_operators_along(doubled):
    plan, station, people = doubled
    plan_set_operator(plan=plan, station=station, seat=0, operator=people["甲"].pk)
    plan_set_operator(plan=plan, station=station, seat=1, operator=people["乙"].pk)
    plan.refresh_from_db()
    three = Operation.objects.get(style=plan.style, code="3")
    plan_move(plan=plan, operation=three, to_station=len(plan.result["stations"]) + 1)
    plan.refresh_from_db()
    new = plan.result["stations"][-1]
    assert (new["operations"], new["replicas"], new["operator"]) == ([three.pk], 2, "甲")
    assert new["helpers"] == [{"operator": "乙", "operator_id": people["乙"].pk}]
    assert sum(1 for s in plan.result["stations"] if s.get("helpers")) == 1


@pytest.mark.parametrize("number", ["①", "²"])
def test_employee_numbers_of_any_digits_sort_without_breaking_pages(doubled, client, org,
                                                                    number):
    plan, _station, people = doubled
    people["甲"].employee_no = number
    people["甲"].full_clean()
    people["甲"].save()
    client.force_login(make_user(memberships=[(org, "admin")]))
    assert client.get(plan.line.get_absolute_url()).status_code == 200
    assert client.get(plan.get_absolute_url()).status_code == 200


def test_a_move_that_takes_a_workplace_away_says_who_lost_her_place(doubled, client, org):
    plan, station, people = doubled
    ops = {op.code: op for op in Operation.objects.filter(style=plan.style)}
    plan_set_operator(plan=plan, station=station, seat=0, operator=people["甲"].pk)
    plan_set_operator(plan=plan, station=station, seat=1, operator=people["乙"].pk)
    plan.refresh_from_db()
    client.force_login(make_user(memberships=[(org, "admin")]))
    # operation 4 (10 s) joins the doubled station: it stays ×2, nobody loses a place
    page = client.post(f"/production/plans/{plan.pk}/move/",
                       {"operation": ops["4"].pk, "to_station": station},
                       HTTP_HX_REQUEST="true").content.decode()
    assert 'role="status"' not in page
    plan.refresh_from_db()
    # operation 3 (40 s) leaves for a new station: its second workplace goes with it, and
    # 乙, who sat there, has no place (甲 stays with the 10 s left behind)
    page = client.post(f"/production/plans/{plan.pk}/move/",
                       {"operation": ops["3"].pk,
                        "to_station": len(plan.result["stations"]) + 1},
                       HTTP_HX_REQUEST="true").content.decode()
    assert ('<div class="alert alert-info" role="status">乙 已没有工位：所在的并行工位随长工序'
            '移走了。如方案仍需要，请重新安排。</div>') in page  # (its default language)
