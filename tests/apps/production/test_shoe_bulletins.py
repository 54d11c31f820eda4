"""Shoe factories' bulletins as a shoe IE writes them (a walk-through of a derby upper and a
lasting line): their headers, hand work without a machine, a SAM column in seconds, the
unstaffed ovens and chillers, machine counts typed as the line page shows them."""

import dataclasses
from decimal import Decimal

import pytest

from jinxiu.apps.production import adapter, models
from jinxiu.apps.production.adapter import plan_inputs, plan_operations
from jinxiu.apps.production.bulletins import bulletin_import
from jinxiu.apps.production.machine_types import machine_types
from jinxiu.apps.production.models import Line
from tests.apps.production.factories import make_line, make_operator, make_plan, make_style
from tests.apps.production.test_bulletin_spellings import (
    UNKNOWN,
    csv_file,
    parse,
    refused,
    xlsx_file,
)

pytestmark = pytest.mark.usefixtures("_english")


@pytest.mark.parametrize(("code", "machine", "time"), [
    ("No.", "使用设备", "标准工时(S)"), ("序号", "机器设备", "标准工时（s）"),
    ("工序号", "设备", "工时(秒/双)"), ("工序号", "设备", "标准工时(秒/双)"),
    ("工序号", "设备", "秒/双"), ("工序号", "设备", "工时/秒"), ("工序号", "设备", "单双工时(秒)"),
    ("工序号", "设备", "标准时间(秒)"), ("工序号", "设备", "时间(S)")])
def test_shoe_bulletin_headers_are_read(code, machine, time):
    (op,) = parse(csv_file(f"{code},工序名称,{machine},{time}\n1,鞋头削皮,片皮机,20\n"))
    assert (op["code"], op["machine_type"], op["standard_seconds"]) == (
        "1", "skiving", Decimal("20.00"))


@pytest.mark.parametrize("header", ["标准时间", "时间"])
def test_a_time_column_without_its_unit_is_not_read(header):
    """GSD's "standard time" is as often minutes as seconds: a shirt of operations of 1.2,
    1.5 … minutes would pass as seconds, so the column is named missing."""
    assert refused(csv_file(f"工序号,工序名称,设备,{header}\n1,做领,平车,1.2\n2,上领,平车,1.5\n")
                   ) == [(1, "标准工时(秒)", "", "column missing (or SMV)")]
    (op,) = parse(csv_file("工序号,工序名称,设备,标准时间(分)\n1,做领,平车,1.2\n"))
    assert op["standard_seconds"] == Decimal("72.00")


def test_a_header_lacking_one_column_is_named_not_the_title_above_it():
    rows = [["男式德比鞋鞋面工序表"], ["款号 XM2601"],
            ["序号", "部件", "工序名称", "设备", "工价", "前工序"],
            [1, "鞋头", "鞋头削皮", "削皮机", 0.05]]
    assert refused(xlsx_file(rows)) == [(3, "标准工时(秒)", "", "column missing (or SMV)")]


def test_a_sam_column_holding_seconds_is_refused():
    text = "工序号,工序名称,设备,SAM\n1,鞋头削皮,削皮,20\n2,车鞋舌,平车,0.6\n3,车鞋头,高车,2000\n"
    reason = ("minutes for one operation: if this column is in seconds, head it “标准工时(秒)”; "
              "if it is minutes, head it “标准工时(分)”")
    assert refused(csv_file(text)) == [(2, "SAM", "20", f"20 {reason}"),
                                       (4, "SAM", "2000", f"2000 {reason}")]
    # a column that states its unit is believed: a hand-sewn moccasin toe of 12 minutes
    (op,) = parse(csv_file("工序号,工序名称,设备,标准工时(分)\n1,手缝鞋头,手工,12\n"))
    assert op["standard_seconds"] == Decimal("720.00")
    (op,) = parse(csv_file("工序号,工序名称,设备,SAM\n1,车鞋头,高车,9.5\n"))
    assert op["standard_seconds"] == Decimal("570.00")


@pytest.mark.parametrize("mark", ["手工", "无", "/", "-", "—", "辅工", "－"])
def test_hand_work_may_be_marked_as_shoe_bulletins_mark_it(mark):
    (op,) = parse(csv_file(f"工序号,工序名称,设备,秒\n1,剪线头,{mark},30\n"))
    assert op["machine_type"] == "manual"


def test_an_empty_machine_cell_says_how_to_mark_hand_work_and_the_list_comes_once():
    text = ("工序号,工序名称,设备,秒\n1,检验,,25\n2,热定型,烤炉,150\n3,包装,,20\n"
            "4,穿鞋带,人手,30\n")
    assert refused(csv_file(text)) == [
        (2, "设备", "", "empty (hand work: write 手工)"),
        (3, "设备", "烤炉", UNKNOWN),
        (4, "设备", "", "empty (hand work: write 手工)"),
        (5, "设备", "人手", "unknown machine type (the known ones are listed at row 3)")]


def test_a_total_row_whose_word_stands_in_a_column_not_read_is_skipped():
    rows = [["序号", "部件", "工序名称", "设备", "标准工时(秒)"],
            [1, "鞋头", "鞋头削皮", "削皮", 20], [2, "鞋舌", "车鞋舌", "平车", 36],
            [None, "合计", None, None, 56]]
    assert [op["code"] for op in parse(xlsx_file(rows))] == ["1", "2"]


LASTING = """工序号,工序名称,设备,标准工时(秒),前工序
1,刷胶,刷胶,30,
2,热定型,烘箱,150,1
3,压底,压底机,20,2
4,冷冻定型,冷冻机,8,3
5,拔楦,拔楦,15,4
"""


@pytest.mark.django_db
def test_the_import_asks_to_check_the_oven_and_chiller_times(org, admin_client):
    style = make_style(org, code="C1", ops=[])
    done = bulletin_import(style=style, uploaded=csv_file(LASTING))
    assert done.conveyor == ("2 热定型 (Oven / heat activation, 150 s)",
                             "4 冷冻定型 (Chiller, 8 s)")
    response = admin_client.post(f"/production/styles/{style.pk}/import/",
                                 {"file": csv_file(LASTING)}, follow=True)
    assert ("Ovens, chillers and steam conditioners on a conveyor are not staffed: their "
            "operations count only the time an operator takes to put the shoe in and "
            "take it out, not the time it spends inside. Check these times: 2 热定型 (Oven / "
            "heat activation, 150 s); 4 冷冻定型 (Chiller, 8 s).") in response.content.decode()
    plain = make_style(org, code="C2", ops=[])
    assert bulletin_import(style=plain, uploaded=csv_file(
        "工序号,工序名称,设备,秒\n1,车鞋舌,平车,36\n")).conveyor == ()


def test_ovens_chillers_and_steamers_go_beside_any_machine_and_are_not_counted():
    types = machine_types()
    assert types.conveyor == {"heat_activator", "chiller", "steamer"}
    assert types.conveyor <= types.universal
    assert types.can_share("heat_activator", "cementing")
    assert types.can_share("chiller", "sole_press") and types.can_share("chiller", "delasting")
    assert types.code_for("press") == "iron"  # as in GSD bulletins; a shoe's: "sole press"
    assert types.code_for("sole press") == "sole_press"
    # a garment factory's computerised lockstitch or a sweater factory's knitting machine;
    # a knitwear heat-setting press; a seamless bonding press; a feed-off-the-arm machine
    # a knitwear factory's 筒车 is a cylinder-bed coverstitch, a shoe factory's a post-bed
    for name in ("电脑车", "电脑针车", "热定型", "压合机", "手臂车", "筒车"):
        assert types.code_for(name) is None, name
    assert types.code_for("pressing") == "iron"


@pytest.mark.django_db
@pytest.mark.parametrize(("typed", "stored"), [
    ("高车 × 5, 削皮 2台, 冲孔*1, 锤平 x 1", {"post_bed": 5, "skiving": 2, "punching": 1,
                                           "hammer": 1}),
    ("高车×5，压底机 1部", {"post_bed": 5, "sole_press": 1}),
    ("Post-bed (301) × 4", {"post_bed": 4}),
    ("后帮机 1, 中后帮机 1", {"heel_laster": 1, "side_heel_laster": 1})])
def test_machine_counts_typed_as_the_line_page_shows_them(admin_client, org, typed, stored):
    response = admin_client.post("/production/lines/add/", {
        "organization": org.pk, "name": "针车二线", "shift_minutes": 480, "target_output": 600,
        "machines": typed, "notes": ""})
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert Line.objects.get(name="针车二线").machines == stored


@pytest.mark.django_db
def test_an_oven_is_not_counted_as_a_lines_machine(admin_client, org):
    response = admin_client.post("/production/lines/add/", {
        "organization": org.pk, "name": "成型一线", "shift_minutes": 480, "target_output": 600,
        "machines": "烘箱 2", "notes": ""})
    assert response.status_code == 400
    assert "is done beside any machine and is not counted" in response.content.decode()
    assert not Line.objects.filter(name="成型一线").exists()


@pytest.mark.django_db
def test_the_conveyor_machines_leave_a_skills_plans_digest_as_it_was(org, monkeypatch):
    """Plans balanced before the conveyor machines were added stay fresh: an operator who
    lists none of them digests as before; one who lists a speed for the oven does not."""
    line = make_line(org)
    sewer = make_operator(org, "甲", line, {"lockstitch": 1.0})
    plan = make_plan(org, line=line, cycle_seconds=50, use_operator_skills=True)
    ops = plan_operations(plan)
    now = plan_inputs(plan, ops)
    before = dataclasses.replace(machine_types(), universal=frozenset({"manual", "iron"}),
                                 conveyor=frozenset())
    with monkeypatch.context() as patch:
        patch.setattr(models, "machine_types", lambda: before)
        patch.setattr(adapter, "machine_types", lambda: before)
        assert plan_inputs(plan, ops) == now
    sewer.skills = {"lockstitch": 1.0, "heat_activator": 1.2}
    sewer.save()
    assert plan_inputs(plan, ops) != now
    sewer.skills = {"lockstitch": 1.0, "heat_activator": 0}  # she does not tend the oven
    sewer.save()
    assert plan_inputs(plan, ops) != now
    sewer.skills = {"lockstitch": 1.0, "heat_activator": 1}  # as if not listed
    sewer.save()
    assert plan_inputs(plan, ops) == now


@pytest.mark.django_db
def test_a_shoe_line_counts_its_output_in_pairs(admin_client, org,
                                                django_capture_on_commit_callbacks):
    from io import BytesIO

    from openpyxl import load_workbook

    from jinxiu.apps.production.services import plan_run
    from tests.helpers.factories import make_user

    form = {"organization": org.pk, "name": "针车三线", "shift_minutes": 480,
            "target_output": 600, "output_unit": "pair", "machines": "", "notes": ""}
    assert admin_client.post("/production/lines/add/", form).status_code == 302
    line = Line.objects.get(name="针车三线")
    assert line.output_unit == "pair"
    # a post without the field (an older form, a script) keeps the unit
    del form["output_unit"]
    form["target_output"] = 500
    assert admin_client.post(f"/production/lines/{line.pk}/edit/", form).status_code == 302
    line.refresh_from_db()
    assert (line.output_unit, line.target_output) == ("pair", 500)

    plan = make_plan(org, line=line)  # the small bulletin: 100 s, takt 57.6 s
    with django_capture_on_commit_callbacks(execute=True):
        plan_run(plan=plan, user=make_user())
    page = admin_client.get(plan.get_absolute_url()).content.decode()
    assert "pairs a day (target 500)" in page
    sheet = load_workbook(BytesIO(admin_client.get(
        f"/production/plans/{plan.pk}/export.xlsx").content)).active
    rows = {r[0]: r[1:3] for r in sheet.iter_rows(values_only=True) if r and r[0]}
    assert rows["Target per day"] == (500, "pairs")
