"""高新技术企业 (国科发火〔2016〕32号 / 195号): R&D ratio by revenue band over three years,
high-tech income share, S&T staff share, and the innovation score that must exceed 70."""

from __future__ import annotations

from datetime import date

import pytest

from jinxiu.engines.rules import Status, evaluate, gaps

from .conftest import ON, by_year, with_facts

FIRM = {
    "facts": {
        "resident_enterprise": True,
        "registered_on": "2019-03-01",
        "core_ip_owned": True,
        "hightech_domain": True,
        "employees": by_year(y2025=200),
        "tech_staff": by_year(y2025=25),  # 12.5 %
        # sales ≤ 5000万元 in 2025 → R&D ≥ 5 % of three years' sales: 690 / 13500 = 5.11 %
        "revenue": by_year(y2023=4000, y2024=4500, y2025=5000),
        "rd_expense": by_year(y2023=200, y2024=230, y2025=260),
        "rd_expense_domestic": by_year(y2023=200, y2024=230, y2025=260),
        "hightech_revenue": by_year(y2025=3500),
        "total_income": by_year(y2025=5200),  # 67.3 %
        "major_incident_1y": False,
        # innovation evaluation
        "hte_tech_advancement": 6,
        "hte_core_support": 6,
        "ip_class1": 2,  # → 知识产权数量 7–8 unless the expert score is given
        "hte_ip_acquisition": 5,
        "standards_drafted": True,  # → bonus 1–2
        "conversions_3y_avg": 5,  # → 25–30
        "hte_rd_management": 14,
        "total_assets": by_year(y2023=6000, y2024=7000, y2025=8000),
        "total_liabilities": by_year(y2023=3000, y2024=3400, y2025=3700),
    }
}


def innovation(v):
    return next(o for o in v.criteria if o.id == "innovation")


def test_qualifies_with_ranges_resolved_by_the_bound(shipped):
    v = evaluate(shipped["high_tech"], FIRM, on=ON)
    score = innovation(v)
    points = {i.id: i.points for i in score.items}
    assert points == {
        "advancement": (6, 6),
        "core_support": (6, 6),
        "ip_quantity": (7, 8),
        "ip_acquisition": (5, 5),
        "standards_bonus": (1, 2),
        "conversion": (25, 30),
        "rd_management": (14, 14),
        "net_asset_growth": (5, 6),  # 0.5 × (3600/3000 + 4300/3600) − 1 = 19.7 %
        "sales_growth": (3, 4),  # 0.5 × (4500/4000 + 5000/4500) − 1 = 11.8 %
    }
    growth = next(i for i in score.items if i.id == "net_asset_growth")
    assert growth.value == pytest.approx(0.197222, abs=1e-6)
    assert score.total == (72, 81)
    assert score.status is Status.QUALIFIES
    assert v.status is Status.QUALIFIES
    rd = next(o for o in v.criteria if o.id == "rd").children[0]
    check = rd.checks[-1]  # after the comparisons that chose the revenue band
    assert check.value == pytest.approx(690 / 13500) and check.threshold == 0.05


def test_score_exactly_70_fails_71_passes(shipped):
    rs = shipped["high_tech"]
    exact = with_facts(
        FIRM,
        hte_ip_quantity=8,
        hte_standards_bonus=2,
        hte_conversion=20,
        hte_growth_net_assets=5,
        hte_growth_sales=3,
        hte_rd_management=15,
    )  # 6+6+8+5+2 + 20 + 15 + 5+3 = 70
    v = evaluate(rs, exact, on=ON)
    assert innovation(v).total == (70, 70)
    assert innovation(v).status is Status.FAILS
    assert v.status is Status.FAILS
    # every item is an expert's score: no change of facts can move it
    g = gaps(rs, exact, on=ON)
    assert (g.changes, g.feasible) == ((), False)
    assert g.notes == (
        "innovation (企业创新能力评价得分 70 分以上（不含 70 分）): no change of single "
        "facts found",
    )
    v = evaluate(rs, with_facts(exact, hte_rd_management=16), on=ON)
    assert (innovation(v).total, v.status) == ((71, 71), Status.QUALIFIES)


def test_cannot_tell_when_the_expert_part_decides(shipped):
    firm = with_facts(FIRM, conversions_3y_avg=4)  # 19–24 → total 66–75 straddles 70
    v = evaluate(shipped["high_tech"], firm, on=ON)
    assert innovation(v).total == (66, 75)
    assert v.status is Status.UNKNOWN
    assert "score of conversion (expert judgement)" in v.missing


def test_missing_expert_score_is_named(shipped):
    v = evaluate(shipped["high_tech"], with_facts(FIRM, hte_rd_management=None), on=ON)
    assert v.status is Status.UNKNOWN
    assert "hte_rd_management" in v.missing


def test_rd_ratio_band_by_revenue_and_gap(shipped):
    # 2025 sales 6000 (5000万–2亿) → 4 %; (200 + 230 + 120) / 14500 = 3.79 %
    rs = shipped["high_tech"]
    firm = with_facts(
        FIRM,
        revenue=by_year(y2023=4000, y2024=4500, y2025=6000),
        rd_expense=by_year(y2023=200, y2024=230, y2025=120),
        rd_expense_domestic=by_year(y2023=200, y2024=230, y2025=120),
    )
    v = evaluate(rs, firm, on=ON)
    assert v.status is Status.FAILS
    check = next(o for o in v.criteria if o.id == "rd").children[0].checks[-1]
    assert check.threshold == 0.04
    (change,) = gaps(rs, firm, on=ON).changes
    assert (change.fact, change.year, change.current, change.required) == (
        "rd_expense",
        2024,
        230,
        260,
    )
    assert change.measure == "rd_ratio_3y: 3.79 % → 4 %"


def test_revenue_band_boundaries(shipped):
    rs = shipped["high_tech"]

    def threshold(sales_2025):
        firm = with_facts(FIRM, revenue=by_year(y2023=4000, y2024=4500, y2025=sales_2025))
        rd = next(o for o in evaluate(rs, firm, on=ON).criteria if o.id == "rd")
        return rd.children[0].checks[-1].threshold

    assert threshold(5000) == 0.05  # ≤ 5000万元
    assert threshold(5000.01) == 0.04
    assert threshold(20000) == 0.04  # ≤ 2亿元
    assert threshold(20000.01) == 0.03


def test_tech_staff_exactly_10_percent_and_registration_365_days(shipped):
    rs = shipped["high_tech"]
    v = evaluate(rs, with_facts(FIRM, tech_staff=by_year(y2025=20)), on=ON)
    assert next(o for o in v.criteria if o.id == "tech_staff").status is Status.QUALIFIES
    young = with_facts(FIRM, registered_on="2025-07-01")  # 364 days before 2026-06-30
    v = evaluate(rs, young, on=ON)
    assert next(o for o in v.criteria if o.id == "registered").status is Status.FAILS
    v = evaluate(rs, with_facts(FIRM, registered_on="2025-06-30"), on=ON)
    assert next(o for o in v.criteria if o.id == "registered").status is Status.QUALIFIES


def test_version_since_2016(shipped):
    assert evaluate(shipped["high_tech"], FIRM, on=date(2016, 1, 1)).version.id == "2016"
