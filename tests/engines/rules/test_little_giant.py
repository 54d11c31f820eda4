"""专精特新"小巨人": 63号 附件3 (to 2026-03-31, and for the 2026 复核) and 2号 (from 2026-04-01)."""

from __future__ import annotations

from datetime import date

from jinxiu.engines.rules import Status, evaluate, gaps

from .conftest import ON, by_year, clean_record, with_facts

FIRM = {
    "facts": {
        **clean_record(),
        "title_zjtx_sme": True,
        "niche_years": 8,
        "revenue": by_year(y2023=8000, y2024=9000, y2025=10000),
        "main_revenue": by_year(y2023=7400, y2024=8400, y2025=9500),
        "total_assets": by_year(y2025=12000),
        "total_liabilities": by_year(y2025=6000),
        "rd_expense": by_year(y2024=400, y2025=900),
        "employees": by_year(y2025=300),
        "rd_staff": by_year(y2025=45),
        "ip_class1_main_product": 5,
        "market_share": 0.12,
        "market_rank_domestic": 2,
        "priority_domain": True,
        "key_chain_link": True,
        "zjtx_platform_score": by_year(y2026=65),
        # 2022 aspects
        "sound_governance": True,
        "info_system_core_business": True,
        "mgmt_or_product_cert": True,
        "own_brand": True,
        "has_rd_institution": True,
    }
}


def test_2026_qualifies(shipped):
    v = evaluate(shipped["little_giant"], FIRM, on=ON)
    assert (v.version.id, v.status) == ("2026", Status.QUALIFIES)
    # manual inputs are flagged so a reviewer sees what rests on judgement
    assert {o.id for o in v.criteria if o.manual} == {"market", "domain", "platform_score"}


def test_2026_one_rd_change_serves_two_criteria(shipped):
    # 250 + 900 = 1150 < 1200 and 250 / 9000 = 2.78 % < 3 %: raising 2024 R&D to 300 fixes both
    rs = shipped["little_giant"]
    firm = with_facts(FIRM, rd_expense=by_year(y2024=250, y2025=900))
    v = evaluate(rs, firm, on=ON)
    rd = next(o for o in v.criteria if o.id == "rd")
    assert [c.id for c in rd.children if c.status is Status.FAILS] == ["rd_total", "rd_share_prev"]
    (change,) = gaps(rs, firm, on=ON).changes
    assert (change.fact, change.year, change.current, change.required) == (
        "rd_expense",
        2024,
        250,
        300,
    )


def test_2026_revenue_boundary(shipped):
    rs = shipped["little_giant"]
    at = with_facts(
        FIRM,
        revenue=by_year(y2023=4500, y2024=4800, y2025=5000),
        main_revenue=by_year(y2025=4500),
        rd_expense=by_year(y2024=600, y2025=600),
    )
    scale = next(o for o in evaluate(rs, at, on=ON).criteria if o.id == "scale")
    assert scale.children[0].status is Status.QUALIFIES  # exactly 5000万元
    assert scale.children[1].status is Status.QUALIFIES  # exactly 90 %
    below = with_facts(at, revenue=by_year(y2023=4500, y2024=4800, y2025=4999.99))
    scale = next(o for o in evaluate(rs, below, on=ON).criteria if o.id == "scale")
    assert scale.children[0].status is Status.FAILS


def test_2026_cannot_tell_without_the_platform_score(shipped):
    v = evaluate(shipped["little_giant"], with_facts(FIRM, zjtx_platform_score=None), on=ON)
    assert v.status is Status.UNKNOWN
    assert v.missing == ("zjtx_platform_score[2026]",)


def test_2022_version_before_2026_04_01_and_for_review(shipped):
    rs = shipped["little_giant"]
    v = evaluate(rs, FIRM, on=date(2026, 3, 31))
    assert (v.version.id, v.status) == ("2022", Status.QUALIFIES)
    # the 2026 复核 of titles granted under 63号 uses the 2022 standard, named explicitly
    assert evaluate(rs, FIRM, on=ON, version="2022").version.id == "2022"


def test_2022_innovation_band_by_revenue(shipped):
    # revenue 8000 (5000万–1亿): needs ≥ 6 % in both years; 400/9000 = 4.4 % fails the band
    rs = shipped["little_giant"]
    firm = with_facts(
        FIRM,
        revenue=by_year(y2023=7000, y2024=9000, y2025=8000),
        main_revenue=by_year(y2023=6400, y2024=8400, y2025=7600),
        chuangke_top50_3y=False,
        sti_award_national_3y=False,
    )
    on = date(2026, 3, 31)
    v = evaluate(rs, firm, on=on)
    assert v.status is Status.FAILS
    innovative = next(o for o in v.criteria if o.id == "innovative")
    band = innovative.children[0].children[0]
    assert [c.status for c in band.children] == [Status.FAILS, Status.FAILS, Status.FAILS]
    # two single-fact ways out: R&D 2024 400 → 540 (+35 %), or revenue 2025 8000 → 10000 (+25 %),
    # which moves the firm into the ≥ 1亿 band where 3 % suffices; the smaller relative change wins
    (change,) = gaps(rs, firm, on=on).changes
    assert (change.fact, change.year, change.current, change.required) == (
        "revenue",
        2025,
        8000,
        10000,
    )


def test_2022_fails_market_share_needs_manual_input(shipped):
    v = evaluate(shipped["little_giant"], with_facts(FIRM, market_share=0.08), on=date(2026, 3, 1))
    assert v.status is Status.FAILS
    distinctive = next(o for o in v.criteria if o.id == "distinctive")
    assert distinctive.children[0].manual
