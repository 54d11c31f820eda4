"""专精特新中小企业: the 2022 standard (63号 附件2) to 2026-03-31, the 2026 standard (2号) after."""

from __future__ import annotations

from datetime import date

from jinxiu.engines.rules import Status, evaluate, gaps

from .conftest import ON, by_year, clean_record, with_facts

# Hand-scored under the 2022 table (上年度 2025):
#  专业化: main share 4600/5000 = 92 % → 5; growth (13.9 % + 12.2 %)/2 = 13.05 % → 10;
#          niche 6 years → 3; domain "supporting" → 3                              = 21
#  精细化: digital level 2 → 3; quality 2 items (QMS, brand) → 5; net margin 450/5000 = 9 % → 8;
#          debt 2700/6000 = 45 % → 5                                               = 21
#  特色化: provincial score 10                                                     = 10
#  创新能力: ip (自主研发Ⅰ类) → 8; R&D 250万 / 5 % → 4; R&D staff 30/200 = 15 % → 3;
#          city-level institution → 4                                            = 19
#  total 71 ≥ 60
FIRM = {
    "facts": {
        **clean_record(),
        "niche_years": 6,
        "revenue": by_year(y2023=4000, y2024=4500, y2025=5000),
        "main_revenue": by_year(y2023=3600, y2024=4100, y2025=4600),
        "rd_expense": by_year(y2024=200, y2025=250),
        "net_profit": by_year(y2025=450),
        "total_assets": by_year(y2025=6000),
        "total_liabilities": by_year(y2025=2700),
        "employees": by_year(y2025=200),
        "rd_staff": by_year(y2025=30),
        "main_product_domain": "supporting",
        "digital_level": 2,
        "quality_award_provincial": False,
        "qms_certified": True,
        "own_brand": True,
        "standards_drafted": False,
        "local_feature_score": 10,
        "ip_class1_high_value": 0,
        "ip_class1_own": 2,
        "ip_class1": 2,
        "ip_class2": 5,
        "rd_institution_level": "city",
        # 2026 standard
        "title_innovative_sme": True,
        "ip_class1_main_product": 1,
        "market_position_recognized": True,
        "zjtx_platform_score": by_year(y2026=55),
    }
}

LAST_DAY_2022 = date(2026, 3, 31)
FIRST_DAY_2026 = date(2026, 4, 1)


def table(verdict):
    evaluation = next(o for o in verdict.criteria if o.id == "evaluation")
    return evaluation.children[0]


def test_2022_qualifies_with_scores_per_item(shipped):
    v = evaluate(shipped["zjtx_sme"], FIRM, on=LAST_DAY_2022)
    assert (v.version.id, v.version.document) == ("2022", "工信部企业〔2022〕63号")
    assert v.status is Status.QUALIFIES
    score = table(v)
    assert {i.id: i.points[0] for i in score.items} == {
        "main_share": 5,
        "growth": 10,
        "niche_years": 3,
        "domain": 3,
        "digital": 3,
        "quality": 5,
        "net_margin": 8,
        "debt_ratio": 5,
        "local_feature": 10,
        "ip": 8,
        "rd_input": 4,
        "rd_staff": 3,
        "rd_institution": 4,
    }
    assert {g.id: g.low for g in score.groups} == {
        "specialisation": 21,
        "refinement": 21,
        "feature": 10,
        "innovation": 19,
    }
    assert score.total == (71, 71)


def test_version_in_force_on_both_sides_of_2026_04_01(shipped):
    rs = shipped["zjtx_sme"]
    assert evaluate(rs, FIRM, on=LAST_DAY_2022).version.id == "2022"
    v = evaluate(rs, FIRM, on=FIRST_DAY_2026)
    assert (v.version.id, v.version.document) == ("2026", "工信部企业〔2026〕2号")
    assert v.status is Status.QUALIFIES


def test_same_firm_without_platform_facts_differs_by_version(shipped):
    rs = shipped["zjtx_sme"]
    firm = with_facts(FIRM, zjtx_platform_score=None, market_position_recognized=None)
    assert evaluate(rs, firm, on=LAST_DAY_2022).status is Status.QUALIFIES
    v = evaluate(rs, firm, on=FIRST_DAY_2026)
    assert v.status is Status.UNKNOWN
    assert v.missing == ("market_position_recognized", "zjtx_platform_score[2026]")


def test_province_score_missing_still_qualifies_on_the_range(shipped):
    # 特色化 unknown → 0 to 15: total 61–76, already ≥ 60
    v = evaluate(
        shipped["zjtx_sme"], with_facts(FIRM, local_feature_score=None), on=ON, version="2022"
    )
    assert table(v).total == (61, 76)
    assert v.status is Status.QUALIFIES


def test_2022_fails_on_niche_years_with_gap(shipped):
    rs = shipped["zjtx_sme"]
    firm = with_facts(FIRM, niche_years=1.5)
    v = evaluate(rs, firm, on=LAST_DAY_2022)
    assert v.status is Status.FAILS
    assert [o.id for o in v.criteria if o.status is Status.FAILS] == ["niche"]
    (change,) = gaps(rs, firm, on=LAST_DAY_2022).changes
    assert (change.fact, change.current, change.required) == ("niche_years", 1.5, 2)


def test_2022_rd_boundaries_exactly_100_and_exactly_3_percent(shipped):
    rs = shipped["zjtx_sme"]

    def rd_status(revenue, rd):
        firm = with_facts(
            FIRM,
            revenue=by_year(y2023=4000, y2024=4500, y2025=revenue),
            rd_expense=by_year(y2024=200, y2025=rd),
        )
        return next(o for o in evaluate(rs, firm, on=LAST_DAY_2022).criteria if o.id == "rd").status

    assert rd_status(2500, 100) is Status.QUALIFIES  # exactly 100万元 (4 %)
    assert rd_status(2500, 99.99) is Status.FAILS
    assert rd_status(5000, 150) is Status.QUALIFIES  # exactly 3 %
    assert rd_status(5000, 149.99) is Status.FAILS


def test_2026_fails_on_second_year_rd_share_with_gap(shipped):
    rs = shipped["zjtx_sme"]
    firm = with_facts(FIRM, rd_expense=by_year(y2024=120, y2025=250))  # 120/4500 = 2.67 %
    v = evaluate(rs, firm, on=FIRST_DAY_2026)
    assert v.status is Status.FAILS
    rd = next(o for o in v.criteria if o.id == "rd")
    assert [c.id for c in rd.children if c.status is Status.FAILS] == ["rd_share_prev"]
    check = rd.children[3].checks[0]
    assert check.threshold == 0.03 and round(check.value, 4) == 0.0267
    (change,) = gaps(rs, firm, on=FIRST_DAY_2026).changes
    assert (change.fact, change.year, change.current, change.required) == (
        "rd_expense",
        2024,
        120,
        135,
    )
    assert change.measure == "rd_expense[-2] / revenue[-2]: 2.67 % → 3 %"


def test_2026_direct_routes_are_gone(shipped):
    # A firm qualifying in 2022 only through an award direct route fails the 2026 hard tests
    rs = shipped["zjtx_sme"]
    firm = with_facts(FIRM, title_innovative_sme=False)
    v = evaluate(rs, firm, on=FIRST_DAY_2026)
    assert v.status is Status.FAILS
    (change,) = gaps(rs, firm, on=FIRST_DAY_2026).changes
    assert (change.fact, change.required, change.action) == ("title_innovative_sme", True, "set")


def test_gaps_can_keep_past_years_fixed(shipped):
    rs = shipped["zjtx_sme"]
    firm = with_facts(FIRM, rd_expense=by_year(y2024=120, y2025=250))
    g = gaps(rs, firm, on=FIRST_DAY_2026, frozen_before=2025)
    assert g.changes == () and not g.feasible
