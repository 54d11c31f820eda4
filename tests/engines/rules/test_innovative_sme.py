"""创新型中小企业 (工信部企业〔2022〕63号 附件1): the 100-point table and the direct routes."""

from __future__ import annotations

from datetime import date

import pytest

from jinxiu.engines.rules import Status, evaluate, gaps

from .conftest import ON, by_year, clean_record, with_facts

# Scored by hand (assessment 2026-06-30, 上年度 = 2025):
#   ip: Ⅱ类 only → 5;  rd ratio 90 / 3000 = 3.0 % → 15 (boundary goes to the higher band)
#   growth (2760 − 2500) / 2500 = 10.4 % → 15;  debt 3000 / 5000 = 60 % → 5
#   domain not 战略性新兴 → 5;  main share 2760 / 3000 = 92 % → 20
#   创新能力 20 (≥ 20), 成长性 20 (≥ 15), 专业化 25 (≥ 15), total 65 (≥ 60) → qualifies
FIRM = {
    "enterprise": "示例服饰有限公司",
    "facts": {
        **clean_record(),
        "ip_class1_high_value": 0,
        "ip_class1_own": 0,
        "ip_class1": 0,
        "ip_class2": 3,
        "rd_expense": {"source": "研发辅助账", "by_year": {"2025": 90}},
        "revenue": {"source": "审计报告", "by_year": {"2024": 2600, "2025": 3000}},
        "main_revenue": {"source": "审计报告", "by_year": {"2024": 2500, "2025": 2760}},
        "total_assets": by_year(y2025=5000),
        "total_liabilities": by_year(y2025=3000),
        "strategic_emerging": False,
        "sti_award_national_3y": False,
        "sti_award_provincial_3y": False,
        "title_high_tech": False,
        "title_other_honour": False,
        "rd_institution_level": "city",
        "equity_financing": by_year(y2023=0, y2024=0, y2025=100),
    },
}


def score_of(verdict):
    (evaluation,) = [o for o in verdict.criteria if o.id == "evaluation"]
    return evaluation.children[0]


def test_qualifies_with_points_per_item(shipped):
    v = evaluate(shipped["innovative_sme"], FIRM, on=ON)
    assert v.status is Status.QUALIFIES
    assert v.version.id == "2022"
    score = score_of(v)
    assert {i.id: i.points for i in score.items} == {
        "ip": (5, 5),
        "rd_ratio": (15, 15),
        "revenue_growth": (15, 15),
        "debt_ratio": (5, 5),
        "domain": (5, 5),
        "main_share": (20, 20),
    }
    assert {g.id: g.low for g in score.groups} == {
        "innovation": 20,
        "growth": 20,
        "specialisation": 25,
    }
    assert score.total == (65, 65)
    rd = next(i for i in score.items if i.id == "rd_ratio")
    assert rd.value == pytest.approx(0.03)
    assert rd.band == "B 3%–5%"
    rd_use = next(f for f in rd.facts if f.name == "rd_expense")
    assert (rd_use.year, rd_use.value, rd_use.source) == (2025, 90, "研发辅助账")


def test_total_exactly_60_qualifies():
    # debt 80 % → 0: 成长性 15 (exactly its minimum), total exactly 60
    firm = with_facts(FIRM, total_liabilities=by_year(y2025=4000))
    from jinxiu.engines.rules import load_ruleset

    v = evaluate(load_ruleset("innovative_sme"), firm, on=ON)
    assert score_of(v).total == (60, 60)
    assert v.status is Status.QUALIFIES


def test_fails_on_innovation_group_with_gap(shipped):
    # R&D 63 of 3000 = 2.1 % → 10 points: total 60 but 创新能力 15 < 20
    firm = with_facts(FIRM, rd_expense={"by_year": {"2025": 63}})
    rs = shipped["innovative_sme"]
    v = evaluate(rs, firm, on=ON)
    assert v.status is Status.FAILS
    assert score_of(v).total == (60, 60)
    innovation = next(g for g in score_of(v).groups if g.id == "innovation")
    assert (innovation.low, innovation.status) == (15, Status.FAILS)
    g = gaps(rs, firm, on=ON)
    (change,) = g.changes
    assert (change.fact, change.year, change.current, change.required) == (
        "rd_expense",
        2025,
        63,
        90,
    )
    assert change.delta == 27
    assert g.effort == pytest.approx(27 / 63)
    assert g.rank_key == (0, 1, pytest.approx(27 / 63))
    assert change.measure == "rd_ratio: 2.1 % → 3 %"


def test_cannot_tell_names_the_missing_fact(shipped):
    firm = with_facts(FIRM, rd_expense=None)
    v = evaluate(shipped["innovative_sme"], firm, on=ON)
    assert v.status is Status.UNKNOWN
    assert v.missing == ("rd_expense[2025]",)
    rd = next(i for i in score_of(v).items if i.id == "rd_ratio")
    assert rd.points is None and rd.missing == ("rd_expense[2025]",)
    assert score_of(v).total == (50, 70)  # rd_ratio item: 0 to 20
    assert gaps(shipped["innovative_sme"], firm, on=ON).changes == ()


def test_direct_route_qualifies_even_when_the_score_cannot_be_told(shipped):
    firm = with_facts(FIRM, rd_expense=None, title_high_tech=True)
    v = evaluate(shipped["innovative_sme"], firm, on=ON)
    assert v.status is Status.QUALIFIES
    evaluation = next(o for o in v.criteria if o.id == "evaluation")
    assert [c.status for c in evaluation.children] == [
        Status.UNKNOWN,
        Status.FAILS,
        Status.QUALIFIES,
        Status.FAILS,
        Status.FAILS,
    ]


def test_equity_direct_route_boundary(shipped):
    rs = shipped["innovative_sme"]
    low = with_facts(FIRM, rd_expense={"by_year": {"2025": 63}})
    at = with_facts(low, equity_financing=by_year(y2023=200, y2024=200, y2025=100))
    assert evaluate(rs, at, on=ON).status is Status.QUALIFIES  # exactly 500万元
    below = with_facts(low, equity_financing=by_year(y2023=200, y2024=199.99, y2025=100))
    assert evaluate(rs, below, on=ON).status is Status.FAILS


def test_eligibility_failure(shipped):
    firm = with_facts(FIRM, serious_dishonesty_listed=True)
    v = evaluate(shipped["innovative_sme"], firm, on=ON)
    assert v.status is Status.FAILS
    eligibility = v.criteria[0]
    assert [c.id for c in eligibility.children if c.status is Status.FAILS] == ["not_dishonest"]


def test_no_version_before_2022(shipped):
    from jinxiu.engines.rules import NoVersionInForce

    with pytest.raises(NoVersionInForce, match="no version in force on 2022-07-31"):
        evaluate(shipped["innovative_sme"], FIRM, on=date(2022, 7, 31))


def test_band_boundary_survives_floating_point(shipped):
    # 4.02 / 134 is exactly 3 % on paper (0.0299999… in binary): band B, 15 points
    firm = with_facts(
        FIRM,
        rd_expense=by_year(y2025=4.02),
        revenue=by_year(y2024=120, y2025=134),
        main_revenue=by_year(y2024=100, y2025=110),
    )
    v = evaluate(shipped["innovative_sme"], firm, on=ON)
    rd = next(i for i in score_of(v).items if i.id == "rd_ratio")
    assert rd.points == (15, 15)
