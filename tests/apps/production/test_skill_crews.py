"""A skills plan shares an operation longer than the takt between named operators (a crew,
长工序多人共做): each sews it on her share of the pieces, and the station turns out one every
1 / Σ 1/W, W her own time.

The worked example: 上袖 (set sleeves, lockstitch, 60 s) before 合侧缝 (side seams, overlock,
20 s) and 整烫 (pressing, 10 s), takt 31 s. Nobody sets sleeves in 31 s: 甲 at 1.2 takes
50 s, 乙 at 0.8 75 s, 丙 at 1.0 60 s. 甲 with 乙 keep up (31/50 + 31/75 = 1.03), and so do
甲 with 丙; the side seams and pressing (30 s) go to one operator (丙 or 丁). At least
⌈(50 + 20 + 10) / 31⌉ = 3 operators; three do."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from jinxiu.apps.production.adapter import PlanInputError, evaluate, plan_problem
from jinxiu.apps.production.models import BalancePlan
from jinxiu.apps.production.plans import plan_xlsx
from jinxiu.apps.production.services import plan_move, plan_run
from tests.apps.production.factories import make_line, make_operator, make_plan, make_style
from tests.helpers.factories import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]

SLEEVES = [("A", "上袖", "lockstitch", "60", []), ("B", "合侧缝", "overlock", "20", ["A"]),
           ("C", "整烫", "iron", "10", ["B"])]
OWN = {"甲": 50.0, "乙": 75.0, "丙": 60.0}  # their own times for 上袖


@pytest.fixture
def team(org):
    line = make_line(org, shift_minutes=480, target_output=929)  # takt 31.00 s
    assert line.takt_seconds == Decimal("31.00")
    people = {
        "甲": make_operator(org, "甲", line, {"lockstitch": 1.2}),
        "乙": make_operator(org, "乙", line, {"lockstitch": 0.8}),
        "丙": make_operator(org, "丙", line, {"lockstitch": 1.0, "overlock": 1.0, "iron": 1.0}),
        "丁": make_operator(org, "丁", line, {"overlock": 1.0, "iron": 1.0}),
    }
    return line, people


def _run(plan, capture):
    with capture(execute=True):
        plan_run(plan=plan, user=make_user())
    plan.refresh_from_db()
    assert plan.status == "done", plan.result
    return plan


def _pace(*names) -> float:
    """The crew's seconds between pieces, 1 / Σ 1/W (the planner rounds up to 0.01 s)."""
    return 1 / sum(1 / OWN[name] for name in names)


def approx(seconds: float):
    return pytest.approx(seconds, abs=0.011)


def test_the_fewest_operators_share_the_long_operation(org, team,
                                                        django_capture_on_commit_callbacks):
    line, people = team
    plan = make_plan(org, style=make_style(org, ops=SLEEVES), line=line,
                     use_operator_skills=True)
    plan = _run(plan, django_capture_on_commit_callbacks)
    ev = evaluate(plan)
    # three of the four work: the one left is named
    assert [w[:15] for w in ev.warnings] == ["At no station: "]
    assert ev.workplaces == 3 and plan.result["proven_optimal"]
    first, second = ev.stations
    assert [o["code"] for o in first.operations] == ["A"] and first.replicas == 2
    assert [o["code"] for o in second.operations] == ["B", "C"] and second.replicas == 1
    crew = [first.operator, first.helpers[0][0]]
    assert crew[0] == "甲" and crew[1] in ("乙", "丙")  # the fastest first
    assert first.helpers[0][1] == people[crew[1]].pk
    assert first.per_workplace == approx(_pace(*crew))  # 30 s or 27.28 s
    assert second.per_workplace == pytest.approx(30.0)
    assert ev.bottleneck_seconds == approx(max(30.0, _pace(*crew)))
    # the chart's bar for the crew's station is its pace, not 甲's 50 s over two
    assert plan.result["stations"][0]["helpers"][0]["operator"] == crew[1]
    rows = [r for r in load_workbook(io.BytesIO(plan_xlsx(plan, ev))).active
            .iter_rows(values_only=True) if r and r[0] == 1]
    assert rows[0][1:3] == (2, "、".join(crew))


def test_highest_output_with_a_crew(org, team, django_capture_on_commit_callbacks):
    line, _people = team
    plan = make_plan(org, style=make_style(org, ops=SLEEVES), line=line,
                     use_operator_skills=True, mode=BalancePlan.Mode.MAX_OUTPUT,
                     station_count=3)
    plan = _run(plan, django_capture_on_commit_callbacks)
    ev = evaluate(plan)
    # one of the three sews side seams and presses alone (30 s), whoever shares the sleeves
    assert ev.bottleneck_seconds == pytest.approx(30.0) and plan.result["proven_optimal"]
    assert [v.replicas for v in ev.stations] == [2, 1]
    assert [w[:15] for w in ev.warnings] == ["At no station: "]


def test_the_chart_stacks_a_crews_station_at_its_pace(org, team,
                                                      django_capture_on_commit_callbacks):
    from jinxiu.apps.production.adapter import yamazumi_chart

    line, _people = team
    plan = _run(make_plan(org, style=make_style(org, ops=SLEEVES), line=line,
                          use_operator_skills=True), django_capture_on_commit_callbacks)
    ev = evaluate(plan)
    chart = yamazumi_chart(ev)
    assert chart["xAxis"]["data"] == ["S1×2", "S2"]
    bars = [[s["data"][k]["value"] if s["data"][k] else 0 for s in chart["series"]]
            for k in range(2)]
    assert sum(bars[0]) == pytest.approx(ev.stations[0].per_workplace, abs=0.01)
    assert bars[1] == [20.0, 10.0]


def test_a_move_keeps_the_crew_at_its_station(org, team, django_capture_on_commit_callbacks):
    line, _people = team
    plan = _run(make_plan(org, style=make_style(org, ops=SLEEVES), line=line,
                          use_operator_skills=True), django_capture_on_commit_callbacks)
    crew = [plan.result["stations"][0]["operator"],
            plan.result["stations"][0]["helpers"][0]["operator"]]
    pressing = plan.style.operations.get(code="C")
    plan_move(plan=plan, operation=pressing, to_station=1)
    plan.refresh_from_db()
    ev = evaluate(plan)
    first = ev.stations[0]
    assert [first.operator, first.helpers[0][0]] == crew and first.replicas == 2
    # pressing is done by anyone at standard time: 10 s more for each of the crew
    own = {"甲": 60.0, "乙": 85.0, "丙": 70.0}
    pace = 1 / sum(1 / own[name] for name in crew)  # 35.2 s with 乙, 32.3 s with 丙
    assert first.per_workplace == approx(pace)
    assert first.warnings == [f"Load {first.per_workplace:.1f} s is over the cycle time 31.0 s.",
                              "C comes before its predecessor B."]


def test_without_parallel_workplaces_the_refusal_says_which_box_to_tick(org, team):
    line, _people = team
    plan = make_plan(org, style=make_style(org, ops=SLEEVES), line=line,
                     use_operator_skills=True, allow_split=False)
    with pytest.raises(PlanInputError) as exc:
        plan_problem(plan)
    assert str(exc.value) == (
        "Operation A takes 50 s even for the fastest active operator who runs it, longer "
        "than the cycle time of 31 s: tick “duplicate long operations” to let operators "
        "share it, raise the cycle time or give the skill to a faster operator.")


def test_an_operation_too_long_for_all_who_run_it_together_is_refused(org, team):
    line, _people = team
    # at 19 s: 19/50 + 19/75 + 19/60 = 0.95 of a piece, with all three lockstitch operators
    plan = make_plan(org, style=make_style(org, ops=SLEEVES), line=line,
                     use_operator_skills=True, cycle_seconds=19)
    with pytest.raises(PlanInputError) as exc:
        plan_problem(plan)
    assert str(exc.value) == (
        "Operation A takes 50 s even for the fastest active operator who runs it, and all 3 "
        "who run it, sharing it, cannot keep the cycle time of 19 s: raise the cycle time or "
        "give the skill to more operators.")
    plan.cycle_seconds = 20  # 20/50 + 20/75 + 20/60 = 1: exactly a piece
    data, _ops = plan_problem(plan)
    assert data.cycle_time == 2000


def test_the_plan_page_has_a_picker_per_crew_member(admin_client, org, team,
                                                    django_capture_on_commit_callbacks):
    import re

    line, people = team
    plan = _run(make_plan(org, style=make_style(org, ops=SLEEVES), line=line,
                          use_operator_skills=True), django_capture_on_commit_callbacks)
    page = admin_client.get(f"/production/plans/{plan.pk}/").content.decode()
    partner = plan.result["stations"][0]["helpers"][0]["operator"]
    for picker, name in (("operator-1", "甲"), ("operator-1-1", partner)):
        select = re.search(rf'<select name="operator" id="{picker}".*?</select>', page, re.S)
        assert f'<option value="{people[name].pk}" selected>{name}</option>' in select[0]
    assert re.search(r"<td>1 ×2\s*<div", page)  # the station, with its crew's − / + buttons


def test_the_api_gives_the_stations_with_the_crew_to_the_enterprise_only(
        org, team, django_capture_on_commit_callbacks):
    from rest_framework.test import APIClient

    from tests.helpers.factories import make_org

    line, _people = team
    plan = make_plan(org, style=make_style(org, ops=SLEEVES), line=line,
                     use_operator_skills=True)
    api = APIClient()
    api.force_authenticate(make_user(memberships=[(org, "admin")]))
    url = f"/api/production/plans/{plan.pk}/stations/"
    assert api.get(url).status_code == 404  # not balanced yet
    plan = _run(plan, django_capture_on_commit_callbacks)
    body = api.get(url).json()
    crew = [plan.result["stations"][0]["operator"],
            plan.result["stations"][0]["helpers"][0]["operator"]]
    first, second = body["stations"]
    assert first["station"] == 1 and first["workplaces"] == 2 and first["operators"] == crew
    assert [op["code"] for op in first["operations"]] == ["A"]
    assert first["operations"][0]["seconds"] == 50.0  # at 甲's speed, who leads the crew
    assert first["seconds"] == approx(_pace(*crew)) and first["warnings"] == []
    assert second["operators"] in (["丙"], ["丁"]) and second["seconds"] == 30.0
    assert second["idle_seconds"] == 1.0  # to the takt of 31 s
    assert body["workplaces"] == 3 and body["cycle_seconds"] == 31.0
    assert body["bottleneck_seconds"] == 30.0 and body["proven_optimal"] is True
    assert body["output_per_day"] == 960 and body["stale"] is False  # 480 min at 30 s
    # in the default language (the API asks for none): the one of the four left out
    assert [w[:9] for w in body["warnings"]] == ["未安排到任何工位："]
    assert body["unassigned"] == []
    stranger = APIClient()
    stranger.force_authenticate(make_user("外人", memberships=[(make_org("别家"), "admin")]))
    assert stranger.get(url).status_code == 404


def test_an_empty_workplace_of_a_crew_is_warned_and_not_counted(
        org, team, django_capture_on_commit_callbacks):
    from jinxiu.apps.production.services import plan_set_operator

    line, _people = team
    plan = _run(make_plan(org, style=make_style(org, ops=SLEEVES), line=line,
                          use_operator_skills=True), django_capture_on_commit_callbacks)
    plan_set_operator(plan=plan, station=1, seat=1, operator=None)
    plan.refresh_from_db()
    first = evaluate(plan).stations[0]
    assert first.replicas == 2 and first.per_workplace == 50.0  # 甲 alone
    assert first.warnings == ["Workplace 2 has no operator; the station's pace counts only "
                              "those placed.", "Load 50.0 s is over the cycle time 31.0 s."]


def test_a_crew_left_without_its_long_operation_is_warned(
        org, team, django_capture_on_commit_callbacks):
    line, _people = team
    plan = _run(make_plan(org, style=make_style(org, ops=SLEEVES), line=line,
                          use_operator_skills=True), django_capture_on_commit_callbacks)
    ops = {op.code: op for op in plan.style.operations.all()}
    # 合侧缝 joins the crew, then 上袖 goes to a new station at the end: the crew stays
    # behind with 合侧缝 only (a station that empties takes its crew along instead)
    plan_move(plan=plan, operation=ops["B"], to_station=1)
    plan.refresh_from_db()
    plan_move(plan=plan, operation=ops["A"], to_station=3)
    plan.refresh_from_db()
    ev = evaluate(plan)
    crew = next(v for v in ev.stations if v.replicas == 2)
    assert [o["code"] for o in crew.operations] == ["B"]
    assert ("A crew of 2, but no operation here is longer than the cycle time even for the "
            "fastest operator who runs it: one of them can do it; the others may go "
            "elsewhere.") in crew.warnings
    assert not any(w.startswith("A crew") for v in ev.stations if v is not crew
                   for w in v.warnings)


def test_a_crew_is_set_by_hand_on_a_skills_plan_only(
        org, team, django_capture_on_commit_callbacks):
    from django.core.exceptions import ValidationError

    from jinxiu.apps.production.services import plan_set_operator, plan_set_workplaces

    line, people = team
    plan = _run(make_plan(org, style=make_style(org, ops=SLEEVES), line=line,
                          use_operator_skills=True), django_capture_on_commit_callbacks)
    partner = plan.result["stations"][0]["helpers"][0]["operator"]
    free = next(name for name in ("乙", "丙", "丁") if name != partner and name not in (
        plan.result["stations"][1]["operator"],))
    # one more at the short work of station 2: an empty seat, then the free operator in it
    assert plan_set_workplaces(plan=plan, station=2, count=2) == []
    plan.refresh_from_db()
    assert "Workplace 2 has no operator; the station's pace counts only those placed." in (
        evaluate(plan).stations[1].warnings)
    plan_set_operator(plan=plan, station=2, seat=1, operator=people[free].pk)
    plan.refresh_from_db()
    second = evaluate(plan).stations[1]
    assert second.replicas == 2 and second.helpers[0][0] == free
    assert second.warnings[-1].startswith("A crew of 2, but no operation here is longer")
    # one fewer at the sleeves: the partner loses her seat and 甲 sews them alone
    assert plan_set_workplaces(plan=plan, station=1, count=1) == [partner]
    plan.refresh_from_db()
    first = evaluate(plan).stations[0]
    assert (first.replicas, first.helpers, first.per_workplace) == (1, [], 50.0)
    assert plan.edited
    before = plan.result
    for bad in (0, 11):
        with pytest.raises(ValidationError, match=r"A station has 1 to 10 workplaces\."):
            plan_set_workplaces(plan=plan, station=1, count=bad)
    with pytest.raises(ValidationError, match=r"There is no station 3\."):
        plan_set_workplaces(plan=plan, station=3, count=2)
    plan.refresh_from_db()
    assert plan.result == before  # nothing changed by the refusals
    standard = _run(make_plan(org, style=plan.style, line=line, name="标准"),
                    django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError, match="Only a plan with operators' skills"):
        plan_set_workplaces(plan=standard, station=1, count=2)


def test_the_crew_buttons_over_http(admin_client, org, team, django_capture_on_commit_callbacks):
    from tests.helpers.factories import make_org

    line, _people = team
    plan = _run(make_plan(org, style=make_style(org, ops=SLEEVES), line=line,
                          use_operator_skills=True), django_capture_on_commit_callbacks)
    partner = plan.result["stations"][0]["helpers"][0]["operator"]
    url = f"/production/plans/{plan.pk}/workplaces/"
    page = admin_client.post(url, {"station": 1, "count": 1},
                             HTTP_HX_REQUEST="true").content.decode()
    assert f'role="status">No place left for {partner}: the workplaces they sat at were taken ' \
           'away. Place them again where the plan needs them.</div>' in page
    plan.refresh_from_db()
    assert plan.result["stations"][0]["replicas"] == 1
    # a user of another enterprise changes nothing
    from django.test import Client

    stranger = Client()
    stranger.force_login(make_user("外人", memberships=[(make_org("别家"), "admin")]))
    assert stranger.post(url, {"station": 1, "count": 3}).status_code == 404
    plan.refresh_from_db()
    assert plan.result["stations"][0]["replicas"] == 1
