"""Machines on a line (设备台数): entered with the line, respected by the balancing, and
warned about when a hand edit needs more of them than the line has."""

import pytest
from rest_framework.test import APIClient

from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.production.adapter import evaluate
from jinxiu.apps.production.models import BalancePlan, Line, Operator
from jinxiu.apps.production.services import plan_run
from tests.apps.production.factories import make_demo_style, make_line, make_plan
from tests.helpers.factories import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]


def _line_form(org, machines):
    return {"organization": org.pk, "name": "二号线", "shift_minutes": 480,
            "target_output": 600, "machines": machines, "notes": ""}


def test_a_line_keeps_its_machines_and_shows_them(admin_client, org):
    response = admin_client.post("/production/lines/add/",
                                 _line_form(org, '{"overlock": 3, "lockstitch": 12}'))
    assert response.status_code == 302
    line = Line.objects.get(name="二号线")
    assert line.machines == {"overlock": 3, "lockstitch": 12}
    page = admin_client.get(line.get_absolute_url()).content.decode()
    machines = page[page.index('id="line-machines"'):]
    machines = machines[:machines.index("</ul>")]
    # in the order of the machine-type list, not of the entry
    assert machines.index("Lockstitch (301) × 12") < machines.index("Overlock (504/514) × 3")


@pytest.mark.parametrize(("machines", "reason"), [
    ('{"loom": 2}', "Unknown machine type “loom”."),
    ('{"iron": 2}', "“iron” is done beside any machine and is not counted."),
    ('{"overlock": true}', "The count for “overlock” must be a whole number from 0 to 999."),
    ('{"overlock": -1}', "The count for “overlock” must be a whole number from 0 to 999."),
    ('{"overlock": 1.5}', "The count for “overlock” must be a whole number from 0 to 999."),
    # the example is a machine count, not the operators' skills (a machine count of 1.0
    # would be refused)
    ('[1, 2]', "Not readable: write it as 包缝 3, 套结 1."),
    ('{"包缝": 3,}', "Not readable: write it as 包缝 3, 套结 1."),
    ("包缝 3, 套结", "“套结” is not a name and a number; write it as 包缝 3, 套结 1."),
])
def test_bad_machine_lists_are_refused_with_the_reason(admin_client, org, machines, reason):
    response = admin_client.post("/production/lines/add/", _line_form(org, machines))
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert not Line.objects.filter(name="二号线").exists()


def test_the_api_checks_machines_too(org):
    api = APIClient()
    api.force_authenticate(make_user(memberships=[(org, "admin")]))
    response = api.post("/api/production/lines/", {
        "organization": org.pk, "name": "三号线", "machines": {"manual": 1}}, format="json")
    assert response.status_code == 400
    assert response.json() == {"machines": ["“manual”可在任何设备旁完成，不计台数。"]}  # zh first
    assert not Line.objects.filter(name="三号线").exists()


def test_one_lockstitch_machine_puts_both_lockstitch_operations_at_one_station(
        org, django_capture_on_commit_callbacks):
    """SMALL on 3 operators: 40 s with any number of machines (test_planner); with one
    lockstitch machine, operations 2 (30 s) and 3 (40 s) share it: 70 s, proven."""
    line = make_line(org, machines={"lockstitch": 1})
    plan = make_plan(org, line=line, mode=BalancePlan.Mode.MAX_OUTPUT, station_count=3)
    with django_capture_on_commit_callbacks(execute=True):
        plan_run(plan=plan, user=make_user())
    plan.refresh_from_db()
    assert plan.current_status == "done"
    assert plan.result["cycle_seconds"] == 70.0 and plan.result["proven_optimal"] is True
    ev = evaluate(plan)
    assert ev.warnings == []
    codes = [[op["code"] for op in st.operations] for st in ev.stations]
    assert ["2", "3"] in codes


def test_a_hand_edit_that_needs_more_machines_than_the_line_has_is_warned(org):
    line = make_line(org, machines={"lockstitch": 1})
    plan = make_plan(org, line=line, cycle_seconds=50)
    pk = {op.code: op.pk for op in plan.style.operations.all()}
    with change_context(user=None, source="system"):
        plan.result = {"kind": "SALBP-1", "proven_optimal": True, "lower_bound": 3,
                       "cycle_seconds": 50.0,
                       "stations": [{"operations": [pk["1"]], "replicas": 1, "operator": ""},
                                    {"operations": [pk["3"]], "replicas": 1, "operator": ""},
                                    {"operations": [pk["2"], pk["4"]], "replicas": 1,
                                     "operator": ""}]}
        plan.status = BalancePlan.Status.DONE
        plan.save()
    assert evaluate(plan).warnings == [
        "The plan uses 2 Lockstitch (301) workplaces; the line has 1 such machines."]
    line.machines = {"lockstitch": 2}
    with change_context(user=None, source="system"):
        line.save()
    plan.refresh_from_db()
    assert evaluate(plan).warnings == []


def test_the_demo_polo_shirt_balances_on_the_demo_lines_machines(
        org, django_capture_on_commit_callbacks):
    from jinxiu.apps.production.demo import MACHINES, POLO

    style = make_demo_style(org, "P2601", POLO)
    line = make_line(org, shift_minutes=480, target_output=500, machines=MACHINES)
    plan = make_plan(org, style=style, line=line, time_limit_s=20)
    with django_capture_on_commit_callbacks(execute=True):
        plan_run(plan=plan, user=make_user())
    plan.refresh_from_db()
    ev = evaluate(plan)
    # takt 57.6 s: 11 operators, proven, within the demo line's machines
    assert plan.current_status == "done" and ev.warnings == []
    assert plan.result["proven_optimal"] is True and ev.workplaces == 11
    for kind, count in MACHINES.items():
        used = sum(1 for st in ev.stations
                   if any(op["machine_type"] == kind for op in st.operations))
        assert used <= count, kind


def test_an_operators_skills_form_shows_a_skills_example(admin_client, org):
    response = admin_client.post("/production/operators/add/", {
        "organization": org.pk, "name": "王芳", "employee_no": "", "skills": "[1.0]",
        "active": "on"})
    assert response.status_code == 400
    assert "Not readable: write it as 平车 1.2, 包缝 0.9." in response.content.decode()


@pytest.mark.parametrize("typed", [
    '{"平车": 1.2, "包缝": 0.9}',
    "{“平车”：1.2，“包缝”：0.9}",  # a Chinese input method's quotes, colon and comma
    "平车 1.2, 包缝 0.9",
    "平车：1.2、四线=0.9",
    "平车1.2\n包缝 0.9",
])
def test_skills_are_read_as_an_ie_types_them(admin_client, org, typed):
    response = admin_client.post("/production/operators/add/", {
        "organization": org.pk, "name": "王芳", "employee_no": "", "skills": typed,
        "active": "on"})
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert Operator.objects.get(name="王芳").skills == {"lockstitch": 1.2, "overlock": 0.9}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_skills_are_shown_as_typed_and_come_back_unchanged(admin_client, org, settings,
                                                           language):
    import re

    from tests.apps.production.factories import make_operator

    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    worker = make_operator(org, "王芳", None, {"overlock": 0.9, "lockstitch": 1.2, "iron": 1})
    page = admin_client.get(f"/production/operators/{worker.pk}/edit/").content.decode()
    shown = re.search(r'<textarea name="skills"[^>]*>\s*(.*?)</textarea>', page, re.S)[1]
    assert shown == {"zh-hans": "平车 1.2, 包缝 0.9, 熨烫 1",
                     "en": "Lockstitch (301) 1.2, Overlock (504/514) 0.9, Iron / press 1"}[
        language]
    response = admin_client.post(f"/production/operators/{worker.pk}/edit/", {
        "organization": org.pk, "name": "王芳", "skills": shown, "active": "on"})
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.skills == {"lockstitch": 1.2, "overlock": 0.9, "iron": 1}


@pytest.mark.parametrize(("typed", "reason"), [
    ("平车 1.2, 平车 0.8", "“平车” is given twice."),
    ("平车 1,25", "“25” is not a name and a number; write it as 平车 1.2, 包缝 0.9."),
    ("平车 -1", "“平车 -1” is not a name and a number; write it as 平车 1.2, 包缝 0.9."),
    ("平车 .5", "“平车 .5” is not a name and a number; write it as 平车 1.2, 包缝 0.9."),
    ("SNLS12", "“SNLS12” is not a name and a number; write it as 平车 1.2, 包缝 0.9."),
])
def test_pairs_that_cannot_be_read_one_way_are_refused_naming_them(admin_client, org, typed,
                                                                    reason):
    response = admin_client.post("/production/operators/add/", {
        "organization": org.pk, "name": "王芳", "employee_no": "", "skills": typed,
        "active": "on"})
    assert response.status_code == 400 and reason in response.content.decode()
    assert not Operator.objects.filter(name="王芳").exists()


def test_numbers_with_a_leading_zero_are_read(admin_client, org):
    response = admin_client.post("/production/operators/add/", {
        "organization": org.pk, "name": "王芳", "employee_no": "", "skills": "平车 01.2, SNLS 2",
        "active": "on"})
    assert response.status_code == 400  # 平车 and SNLS name one type: refused, no crash
    assert "names a machine type given before" in response.content.decode()
    response = admin_client.post("/production/lines/add/", _line_form(org, "包缝 03, 套结：01"))
    assert response.status_code == 302
    assert Line.objects.get(name="二号线").machines == {"overlock": 3, "bartack": 1}
