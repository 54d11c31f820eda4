"""Shoe factories' lines (鞋厂针车线 and 成型线): their machines are known by the names their
bulletins use, shown in groups, kept apart by the station rules, and the demo's sports
shoe upper balances on the demo stitching line."""

import re

import pytest

from jinxiu.apps.production.adapter import evaluate
from jinxiu.apps.production.bulletins import parse_bulletin, read_rows
from jinxiu.apps.production.machine_types import load_machine_types, machine_types
from jinxiu.apps.production.models import Operator
from jinxiu.apps.production.services import plan_run
from tests.apps.production.factories import make_demo_style, make_line, make_plan, make_style
from tests.apps.production.test_bulletin_spellings import csv_file
from tests.helpers.factories import make_user

SHOE_NAMES = {
    "post_bed": ["高车", "高车机", "单针高车", "柱式车", "post-bed", "Post bed"],
    "twin_post_bed": ["双针高车", "双针柱车"],
    "pattern_sewer": ["花样机", "电脑花样机", "模板机"],
    "zigzag": ["人字车", "曲折缝"],
    "skiving": ["削皮", "削皮机", "片皮机", "铲皮"],
    "folding": ["折边机", "折边", "自动折边机"],
    "punching": ["冲孔", "打孔机"],
    "eyelet": ["打鸡眼", "鸡眼机", "撞钉"],
    "hammer": ["锤平", "锤平机"],
    "toe_laster": ["前帮机", "绷前帮"],
    "side_laster": ["中帮机", "绷中帮"],
    "heel_laster": ["后帮机", "绷后帮"],
    "side_heel_laster": ["中后帮机", "中后帮"],
    "counter_moulder": ["后踵定型机", "后跟定型"],
    "roughing": ["打粗", "磨粗"],
    "cementing": ["刷胶", "喷胶", "刷胶台"],
    "heat_activator": ["烘箱", "活化"],
    "sole_press": ["压底机", "万能压底机"],
    "chiller": ["冷冻机", "冷冻定型"],
    "delasting": ["拔楦", "脱楦机"],
}


@pytest.mark.parametrize(("name", "code"), [(n, c) for c, names in SHOE_NAMES.items()
                                            for n in names])
def test_shoe_machine_names_name_their_type(name, code):
    assert machine_types().code_for(name) == code


@pytest.mark.parametrize(("name", "code"), [
    ("双针", "twin_needle"), ("平车", "lockstitch"), ("手工", "manual")])
def test_garment_names_keep_their_types_beside_the_shoe_ones(name, code):
    assert machine_types().code_for(name) == code


@pytest.mark.parametrize(("a", "b", "shared"), [
    ("post_bed", "lockstitch", True), ("post_bed", "twin_post_bed", True),
    ("skiving", "folding", True), ("side_laster", "heel_laster", True),
    ("roughing", "cementing", True), ("punching", "eyelet", True),
    ("post_bed", "skiving", False), ("toe_laster", "heel_laster", False),
    ("sole_press", "cementing", False), ("twin_post_bed", "lockstitch", False),
    ("cementing", "manual", True), ("sole_press", "iron", True)])
def test_which_shoe_machines_one_operator_may_run_at_one_station(a, b, shared):
    assert machine_types().can_share(a, b) is shared
    assert machine_types().can_share(b, a) is shared


def test_every_type_is_in_one_group_and_choices_come_grouped():
    types = machine_types()
    groups = types.by_group()
    assert list(groups) == ["garment", "shoe_upper", "shoe_lasting", "any"]
    assert sorted(c for codes in groups.values() for c in codes) == sorted(types.labels)
    assert groups["any"] == ["iron", "manual"]
    choices = types.choices()
    assert [str(label) for label, _ in choices] == ["服装缝制", "鞋面针车", "鞋类成型", "通用"]
    assert [(code, str(label)) for code, label in choices[1][1][:2]] == [
        ("post_bed", "高车"), ("twin_post_bed", "双针高车")]


def test_a_type_in_an_unknown_group_is_refused_when_loading(tmp_path):
    path = tmp_path / "types.yaml"
    path.write_text("""
groups:
  - {code: garment, zh: 服装缝制, en: Garment sewing}
machine_types:
  - {code: lockstitch, zh: 平车, en: Lockstitch, group: garment}
  - {code: post_bed, zh: 高车, en: Post-bed, group: shoes}
universal: []
compatible: []
""", encoding="utf-8")
    stray = re.escape("types in unknown groups: {'post_bed': 'shoes'}")
    with pytest.raises(ValueError, match=stray):
        load_machine_types(path)


UPPER = """工序号,工序名称,设备类型,标准工时(秒),紧前工序
1,鞋头饰片削边,削皮机,18,
2,饰片刷胶,刷胶,30,1
3,贴鞋头饰片,手工,26,2
4,车鞋头饰片,高车,48,3
5,车商标,电脑花样机,40,4
6,套里车沿口,双针高车,55,5
7,打鸡眼,鸡眼机,24,6
"""


def test_a_shoe_upper_bulletin_imports_with_its_machines():
    ops = parse_bulletin(*read_rows(csv_file(UPPER)))
    assert [(op["code"], op["machine_type"], str(op["standard_seconds"])) for op in ops] == [
        ("1", "skiving", "18.00"), ("2", "cementing", "30.00"), ("3", "manual", "26.00"),
        ("4", "post_bed", "48.00"), ("5", "pattern_sewer", "40.00"),
        ("6", "twin_post_bed", "55.00"), ("7", "eyelet", "24.00")]


@pytest.mark.django_db
def test_the_operation_form_offers_the_machines_in_groups(client, regions):
    from tests.helpers.factories import make_org

    org = make_org()
    style = make_style(org)
    client.force_login(make_user(memberships=[(org, "admin")]))
    html = client.get(f"/production/operations/add/?style={style.pk}").content.decode()
    assert html.index('<optgroup label="服装缝制">') < html.index('value="lockstitch"') \
        < html.index('<optgroup label="鞋面针车">') < html.index('value="post_bed"') \
        < html.index('<optgroup label="鞋类成型">') < html.index('value="toe_laster"') \
        < html.index('<optgroup label="通用">') < html.index('value="manual"')


@pytest.mark.django_db
def test_the_demo_shoe_upper_balances_on_the_demo_stitching_line(
        regions, django_capture_on_commit_callbacks):
    from jinxiu.apps.production.demo import SHOE_MACHINES, SHOE_OPERATORS, SHOE_UPPER
    from tests.helpers.factories import make_org

    org = make_org()
    style = make_demo_style(org, "XM2602", SHOE_UPPER)
    line = make_line(org, shift_minutes=480, target_output=500, machines=SHOE_MACHINES,
                     output_unit="pair")
    plan = make_plan(org, style=style, line=line, time_limit_s=20)
    with django_capture_on_commit_callbacks(execute=True):
        plan_run(plan=plan, user=make_user())
    plan.refresh_from_db()
    ev = evaluate(plan)
    # 619 s of work at the takt of 57.6 s: 11 operators by time alone, but the machines
    # keep apart what the chain of the upper puts in a row (post-bed, pattern sewer,
    # post-bed, zigzag …): 15, proven
    assert plan.current_status == "done" and ev.warnings == []
    assert plan.result["proven_optimal"] is True and ev.workplaces == 15
    types = machine_types()
    for st in ev.stations:
        kinds = {op["machine_type"] for op in st.operations}
        assert all(types.can_share(a, b) for a in kinds for b in kinds), kinds
    for kind, count in SHOE_MACHINES.items():
        used = sum(1 for st in ev.stations
                   if any(op["machine_type"] == kind for op in st.operations))
        assert used <= count, kind

    # the same line with its twelve named operators, each at her own speed
    for person, number, skills in SHOE_OPERATORS:
        Operator.objects.create(organization=org, name=person, employee_no=number, line=line,
                                skills=skills)
    named = make_plan(org, style=style, line=line, time_limit_s=20, name="按人",
                      mode="max_output", use_operator_skills=True)
    with django_capture_on_commit_callbacks(execute=True):
        plan_run(plan=named, user=make_user())
    named.refresh_from_db()
    ev = evaluate(named)
    # twelve operators: one station each, every operation at a machine its operator runs;
    # the cycle is 72.53 s (397 pairs a day against the target of 500), proven
    assert named.current_status == "done" and ev.warnings == []
    assert named.result["cycle_seconds"] == 72.53 and named.result["proven_optimal"] is True
    assert ev.workplaces == 12 and named.output_per_day == 397
    assert ev.unit == "双" and ev.output_per_day == 397  # a shoe line counts pairs
    # and each where she works fastest: no placement of the twelve at these stations has
    # a lower bottleneck, and none at this bottleneck less total working time (ortools'
    # assignment as the judge)
    where = {st.operator: [op["machine_type"] for op in st.operations] for st in ev.stations}
    assert "post_bed" in where["蔡丽华 (S02)"]  # the fastest post-bed sewer sews
    bottleneck, total = placed(named)
    assert best_total(named, bottleneck - 1) is None
    assert best_total(named, bottleneck) == total


@pytest.mark.django_db
def test_the_chart_gives_each_machine_of_a_plan_its_own_colour_and_a_key(
        client, regions, django_capture_on_commit_callbacks):
    """35 types and 10 colours: coloured by place in the whole list, 刷胶 and 折边机 (and
    平车 and 双针高车) of the demo upper were drawn alike. The colours now go to the types
    of the plans shown (hand work and pressing in greys), and a key names them."""
    from jinxiu.apps.production.demo import SHOE_UPPER
    from tests.helpers.factories import make_org

    org = make_org()
    style = make_demo_style(org, "XM2602", SHOE_UPPER)
    polo = make_style(org, code="P1")  # 包缝, 平车, 熨烫
    plans = [make_plan(org, style=s, cycle_seconds=60, name=s.code) for s in (style, polo)]
    with django_capture_on_commit_callbacks(execute=True):
        for plan in plans:
            plan_run(plan=plan, user=make_user())
    client.force_login(make_user(memberships=[(org, "admin")]))

    page = client.get(plans[0].get_absolute_url()).content.decode()
    key = page[page.index('id="chart-legend"'):]
    key = key[:key.index("</ul>")]
    names = ["平车", "人字车", "高车", "双针高车", "花样机", "削皮", "折边机", "冲孔", "打鸡眼",
             "锤平", "刷胶", "手工"]  # the upper's types, in the list's order
    assert [key.index(f"</span>{n}</li>") for n in names] == sorted(
        key.index(f"</span>{n}</li>") for n in names)
    colours = re.findall(r'data-swatch="(#[0-9a-f]{6})"', key)
    assert len(colours) == 12 and len(set(colours)) == 12
    assert colours[-1] == "#b0b0b0"  # hand work in grey
    chart = json_option(page, "yamazumi")
    by_type = {}
    for series in chart["series"]:
        for item in series["data"]:
            if item:
                by_type.setdefault(item["name"].rsplit("(", 1)[1].rstrip(")"), set()).add(
                    item["itemStyle"]["color"])
    assert by_type["刷胶"] != by_type["折边机"] and by_type["平车"] != by_type["双针高车"]
    assert all(len(c) == 1 for c in by_type.values())

    # side by side: one colour per type across both plans (包缝 is new to the second)
    compare = client.get("/production/plans/compare/",
                         {"plan": [plans[0].pk, plans[1].pk]}).content.decode()
    first = json_option(compare, f"compare-1-{plans[0].pk}")
    second = json_option(compare, f"compare-2-{plans[1].pk}")

    def colour_of(option, machine):
        return {item["itemStyle"]["color"] for s in option["series"] for item in s["data"]
                if item and item["name"].endswith(f"({machine})")}

    assert colour_of(first, "平车") == colour_of(second, "平车")
    assert colour_of(second, "包缝") != colour_of(second, "平车")
    key = compare[compare.index(f'id="compare-2-{plans[1].pk}-legend"'):]
    key = key[:key.index("</ul>")]
    assert "</span>包缝</li>" in key
    union = re.findall(r'data-swatch="(#[0-9a-f]{6})"', key)  # both plans' 14 types
    assert len(union) == 14 and len(set(union)) == 14


def json_option(html, dom_id):
    import html as html_lib
    import json

    start = html.index(f'id="{dom_id}" data-option="') + len(f'id="{dom_id}" data-option="')
    return json.loads(html_lib.unescape(html[start:html.index('"', start)]))


def _costs(plan):
    """(time of station k for operator o, or None) and the plan's placement, in units."""
    from jinxiu.apps.production.adapter import plan_problem
    from jinxiu.engines.linebal.greedy import operator_loads

    data, ops = plan_problem(plan)
    index = {op.pk: i for i, op in enumerate(ops)}
    stations = [[index[pk] for pk in st["operations"]] for st in plan.result["stations"]]
    names = [o.name for o in data.operators]
    cycle = round(plan.result["cycle_seconds"] * 100)
    times = operator_loads(data, stations)
    times = [[t if t is not None and t <= cycle else None for t in row] for row in times]
    placed = [names.index(st["operator"]) for st in plan.result["stations"]]
    return times, placed


def placed(plan):
    """The plan's (bottleneck, total working time) in units."""
    times, seats = _costs(plan)
    chosen = [times[k][o] for k, o in enumerate(seats)]
    return max(chosen), sum(chosen)


def best_total(plan, cap):
    """The least total over every placement with no station over ``cap`` (None: none)."""
    from ortools.graph.python import linear_sum_assignment

    times, _seats = _costs(plan)
    solver = linear_sum_assignment.SimpleLinearSumAssignment()
    for k, row in enumerate(times):
        for o, t in enumerate(row):
            if t is not None and t <= cap:
                solver.add_arc_with_cost(k, o, t)
    if solver.solve() != solver.OPTIMAL:  # twelve stations, twelve operators
        return None
    return solver.optimal_cost()
