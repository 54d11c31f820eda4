"""科技型中小企业 (国科发政〔2017〕115号): size caps, 100 points with a non-zero staff score,
direct routes."""

from __future__ import annotations

from jinxiu.engines.rules import Status, evaluate, gaps

from .conftest import ON, by_year, with_facts

# staff 60/300 = 20 % → 12; R&D 120/4000 = 3 % of sales (4 % of costs) → 20; 4 Ⅱ类 → 24: 56
FIRM = {
    "facts": {
        "resident_enterprise": True,
        "employees": by_year(y2025=300),
        "tech_staff": by_year(y2025=60),
        "revenue": by_year(y2025=4000),
        "total_cost": by_year(y2025=3000),
        "total_assets": by_year(y2025=5000),
        "rd_expense": by_year(y2025=120),
        "restricted_products": False,
        "major_incident_1y": False,
        "abnormal_operation_listed": False,
        "serious_dishonesty_listed": False,
        "ip_class1": 0,
        "ip_class2": 4,
        "title_high_tech": False,
        "sti_award_national_5y_top3": False,
        "rd_institution_level": "city",
        "standards_led_5y": False,
    }
}


def score(v):
    return v.criteria[1].children[0].children[1]


def test_fails_at_56_with_gap(shipped):
    rs = shipped["tech_sme"]
    v = evaluate(rs, FIRM, on=ON)
    assert {i.id: i.points[0] for i in score(v).items} == {
        "staff": 12,
        "rd_input": 20,
        "results": 24,
    }
    assert v.status is Status.FAILS
    (change,) = gaps(rs, FIRM, on=ON).changes
    assert (change.fact, change.year, change.current, change.required) == (
        "tech_staff",
        2025,
        60,
        75,
    )  # 25 % → 16 points → exactly 60


def test_qualifies_at_exactly_60(shipped):
    v = evaluate(shipped["tech_sme"], with_facts(FIRM, tech_staff=by_year(y2025=75)), on=ON)
    assert score(v).total == (60, 60)
    assert v.status is Status.QUALIFIES


def test_rd_input_takes_the_better_ratio(shipped):
    firm = with_facts(FIRM, total_cost=by_year(y2025=400))  # 120/400 = 30 % of costs → 50
    v = evaluate(shipped["tech_sme"], firm, on=ON)
    assert next(i for i in score(v).items if i.id == "rd_input").points == (50, 50)
    assert v.status is Status.QUALIFIES


def test_zero_staff_score_fails_whatever_the_total(shipped):
    firm = with_facts(
        FIRM, tech_staff=by_year(y2025=29), ip_class1=1, total_cost=by_year(y2025=400)
    )  # 9.7 %: 0 + 50 + 30 = 80
    v = evaluate(shipped["tech_sme"], firm, on=ON)
    assert score(v).total == (80, 80)
    assert v.status is Status.FAILS


def test_direct_route_and_size_cap(shipped):
    rs = shipped["tech_sme"]
    assert evaluate(rs, with_facts(FIRM, title_high_tech=True), on=ON).status is Status.QUALIFIES
    big = with_facts(FIRM, title_high_tech=True, employees=by_year(y2025=501))
    assert evaluate(rs, big, on=ON).status is Status.FAILS


def test_cannot_tell_without_costs_when_sales_ratio_is_low(shipped):
    firm = with_facts(FIRM, total_cost=None)
    v = evaluate(shipped["tech_sme"], firm, on=ON)
    assert v.status is Status.UNKNOWN
    assert v.missing == ("total_cost[2025]",)
