"""Worked examples across the shipped qualification rule sets:

- for every version, a firm that qualifies, and for each top-level criterion one change that
  makes the firm fail on exactly that criterion (a meta-test checks that every criterion of
  every version has its case, so a criterion added to a file needs an example here);
- for every rule set, a firm that cannot be told, naming the missing facts;
- the version in force on both sides of every effective date (and none before the first).

The qualifying firms are the hand-scored ones of the per-rule-set test modules."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from jinxiu.engines.rules import NoVersionInForce, Status, evaluate, load_shipped

from . import (
    test_high_tech,
    test_innovative_sme,
    test_little_giant,
    test_stable_jobs,
    test_tech_sme,
    test_zjtx_sme,
)
from .conftest import ON, by_year, with_facts

SHIPPED = load_shipped()
NO_AWARDS = {
    "sti_award_national_3y": False,
    "sti_award_provincial_3y": False,
    "chuangke_top500_3y": False,
    "chuangke_top50_3y": False,
}


def dyeing_plant(year: int) -> dict:
    """A woven-cotton plant exactly at every limit of the 规范条件 (30 kgce, 1.6 t, 40 %, 95 %)."""
    y = f"y{year}"
    return {
        "facts": {
            "dye_product_class": "woven_cotton",
            "dye_energy": by_year(**{y: 30}),
            "dye_water": by_year(**{y: 1.6}),
            "water_reuse_rate": by_year(**{y: 0.40}),
            "product_pass_rate": by_year(**{y: 0.95}),
            "online_monitoring": True,
            "cleaner_production_audit": True,
            "obsolete_equipment": False,
        }
    }


def stable_firm() -> dict:
    """The 稳岗返还 firm (5.5 % layoffs, exactly the SME limit) with the same figures each year."""
    return with_facts(
        test_stable_jobs.FIRM,
        ui_insured_avg=by_year(y2021=200, y2022=200, y2023=200, y2024=200),
        ui_new_claimants=by_year(y2021=11, y2022=11, y2023=11, y2024=11),
        ui_premium_paid=by_year(y2021=100000, y2022=100000, y2023=100000, y2024=100000),
    )


def _dyeing_breaks(year: int, *, equipment: bool) -> dict:
    y = f"y{year}"
    out = {
        "energy": {"dye_energy": by_year(**{y: 30.1})},
        "water": {"dye_water": by_year(**{y: 1.61})},
        "reuse": {"water_reuse_rate": by_year(**{y: 0.399})},
        "pass_rate": {"product_pass_rate": by_year(**{y: 0.949})},
        "monitoring": {"online_monitoring": False},
        "cleaner_production": {"cleaner_production_audit": False},
    }
    if equipment:
        out["equipment"] = {"obsolete_equipment": True}
    return out


# (rule set, assessment date, version expected, qualifying firm, {criterion: fact changes})
CASES = [
    (
        "innovative_sme", ON, "2022", test_innovative_sme.FIRM,
        {
            "eligibility": {"is_sme": False},
            "evaluation": {"rd_expense": by_year(y2025=0)},  # innovation group 5 < 20
        },
    ),
    (
        "zjtx_sme", date(2026, 3, 31), "2022", with_facts(test_zjtx_sme.FIRM, **NO_AWARDS),
        {
            "eligibility": {"is_sme": False},
            "niche": {"niche_years": 1},
            "rd": {"rd_expense": by_year(y2024=20, y2025=40)},
            "revenue": {
                "revenue": by_year(y2023=400, y2024=450, y2025=900),
                "equity_financing": by_year(y2024=0, y2025=0),
            },
            "evaluation": {  # 71 − 10 (特色化) − 5 (quality) = 56 < 60, no direct route
                "local_feature_score": 0,
                "own_brand": False,
                "qms_certified": False,
                "equity_financing": by_year(y2024=0, y2025=0),
            },
        },
    ),
    (
        "zjtx_sme", ON, "2026", with_facts(test_zjtx_sme.FIRM, **NO_AWARDS),
        {
            "eligibility": {"is_sme": False},
            "tier1_and_niche": {"title_innovative_sme": False},
            "scale": {"total_liabilities": by_year(y2025=5000)},
            "rd": {"rd_expense": by_year(y2024=20, y2025=40)},
            "ip": {"ip_class1_main_product": 0, "rd_institution_level": "none"},
            "market": {"market_position_recognized": False},
            "platform_score": {"zjtx_platform_score": by_year(y2026=40)},
        },
    ),
    (
        "little_giant", date(2026, 3, 31), "2022", with_facts(test_little_giant.FIRM, **NO_AWARDS),
        {
            "eligibility": {"is_sme": False},
            "prerequisite": {"title_zjtx_sme": False},
            "specialised": {"niche_years": 1},
            "refined": {"sound_governance": False},
            "distinctive": {"own_brand": False},
            "innovative": {
                "rd_expense": by_year(y2024=10, y2025=20),
                "has_rd_institution": False,
            },
            "chain": {"key_chain_link": False},
            "domain": {"priority_domain": False},
        },
    ),
    (
        "little_giant", ON, "2026", with_facts(test_little_giant.FIRM, **NO_AWARDS),
        {
            "eligibility": {"is_sme": False},
            "tier2_and_niche": {"title_zjtx_sme": False},
            "scale": {"total_liabilities": by_year(y2025=10000)},
            "rd": {"rd_expense": by_year(y2024=100, y2025=200)},
            "ip": {"ip_class1_main_product": 0},
            "market": {"market_share": 0.01, "market_rank_domestic": 30},
            "domain": {"priority_domain": False, "key_chain_link": False},
            "platform_score": {"zjtx_platform_score": by_year(y2026=40)},
        },
    ),
    (
        "high_tech", ON, "2016", test_high_tech.FIRM,
        {
            "registered": {"registered_on": "2026-01-01"},
            "core_ip": {"core_ip_owned": False},
            "domain": {"hightech_domain": False},
            "tech_staff": {"tech_staff": by_year(y2025=10)},
            "rd": {"rd_expense_domestic": by_year(y2023=100, y2024=100, y2025=100)},
            "hightech_revenue": {"hightech_revenue": by_year(y2025=2000)},
            "innovation": {"hte_rd_management": 0, "conversions_3y_avg": 0},
            "no_incident": {"major_incident_1y": True},
        },
    ),
    (
        "tech_sme", ON, "2017", with_facts(test_tech_sme.FIRM, tech_staff=by_year(y2025=75)),
        {
            "basic": {"resident_enterprise": False},
            "evaluation": {"tech_staff": by_year(y2025=0)},  # a zero staff score fails
        },
    ),
    *(
        (
            "stable_jobs", date(year, 6, 30), str(year), stable_firm(),
            {
                "insured": {"ui_months_paid": 6},
                "layoff": {"ui_new_claimants": by_year(y2021=30, y2022=30, y2023=30, y2024=30)},
                "not_dishonest": {"serious_dishonesty_listed": True},
                "fund_reserve": {"ui_fund_reserve_years": 0.5},
            },
        )
        for year in (2022, 2023, 2024, 2025)
    ),
    (
        "dyeing_standard", date(2023, 6, 30), "2017", dyeing_plant(2022),
        _dyeing_breaks(2022, equipment=False),
    ),
    (
        "dyeing_standard", ON, "2023", dyeing_plant(2025),
        _dyeing_breaks(2025, equipment=True),
    ),
]  # fmt: skip
BREAKS = [
    pytest.param(rid, on, firm, cid, change, id=f"{rid}-{version}-{cid}")
    for rid, on, version, firm, breaks in CASES
    for cid, change in breaks.items()
]


@pytest.mark.parametrize(
    ("rid", "on", "version", "firm"),
    [pytest.param(r, o, v, f, id=f"{r}-{v}") for r, o, v, f, _ in CASES],
)
def test_the_worked_firm_qualifies(rid, on, version, firm):
    v = evaluate(SHIPPED[rid], firm, on=on)
    assert (v.version.id, v.status, v.missing) == (version, Status.QUALIFIES, ())
    assert all(o.status is Status.QUALIFIES for o in v.criteria)


@pytest.mark.parametrize(("rid", "on", "firm", "cid", "change"), BREAKS)
def test_one_change_fails_exactly_one_criterion(rid, on, firm, cid, change):
    v = evaluate(SHIPPED[rid], with_facts(firm, **change), on=on)
    assert v.status is Status.FAILS
    assert [o.id for o in v.criteria if o.status is not Status.QUALIFIES] == [cid]
    failing = next(o for o in v.criteria if o.id == cid)
    assert failing.status is Status.FAILS


def test_every_criterion_of_every_qualification_version_has_a_failing_example():
    covered = {(rid, version): set(breaks) for rid, _, version, _, breaks in CASES}
    for rid, rs in SHIPPED.items():
        for ver in rs.versions:
            if ver.kind != "qualification" or rid == "above_scale":
                continue  # above_scale is one any-of block: tested path by path
            assert covered.get((rid, ver.id)) == {c.id for c in ver.criteria}, (rid, ver.id)


# (rule set, date, firm, the missing facts named)
UNKNOWN = [
    ("innovative_sme", ON, with_facts(test_innovative_sme.FIRM, is_sme=None), ["is_sme"]),
    ("zjtx_sme", ON, with_facts(test_zjtx_sme.FIRM, niche_years=None), ["niche_years"]),
    ("little_giant", ON, with_facts(test_little_giant.FIRM, title_zjtx_sme=None),
     ["title_zjtx_sme"]),
    ("high_tech", ON, with_facts(test_high_tech.FIRM, core_ip_owned=None), ["core_ip_owned"]),
    ("tech_sme", ON, with_facts(test_tech_sme.FIRM, tech_staff=by_year(y2025=75),
                                resident_enterprise=None), ["resident_enterprise"]),
    ("stable_jobs", date(2024, 6, 30), with_facts(test_stable_jobs.FIRM, ui_months_paid=None),
     ["ui_months_paid"]),
    ("dyeing_standard", ON, with_facts(dyeing_plant(2025), online_monitoring=None),
     ["online_monitoring"]),
    ("dyeing_standard", ON, with_facts(dyeing_plant(2025), dye_product_class=None),
     ["dye_product_class"]),
    ("above_scale", ON, {"facts": {"industry_code": "1810", "revenue": by_year(y2024=2500)}},
     ["above_scale_directory[2025]", "main_revenue[2025]"]),
    ("size_class", ON, {"facts": {"industry_code": "1810", "employees": by_year(y2025=50)}},
     ["revenue[2025]"]),
]  # fmt: skip


@pytest.mark.parametrize(("rid", "on", "firm", "missing"), UNKNOWN, ids=[u[0] for u in UNKNOWN])
def test_cannot_tell_names_the_missing_fact(rid, on, firm, missing):
    v = evaluate(SHIPPED[rid], firm, on=on)
    assert v.status is Status.UNKNOWN
    assert list(v.missing) == missing


def test_every_rule_set_has_a_cannot_tell_example():
    assert {u[0] for u in UNKNOWN} >= set(SHIPPED) - {"dyeing_grading"}  # see its own module


BOUNDARIES = [
    pytest.param(rid, ver, id=f"{rid}-{ver.id}")
    for rid, rs in SHIPPED.items()
    for ver in rs.versions
]


@pytest.mark.parametrize(("rid", "ver"), BOUNDARIES)
def test_version_in_force_on_both_sides_of_its_dates(rid, ver):
    rs = SHIPPED[rid]
    assert rs.version_on(ver.effective_from) is ver
    before = ver.effective_from - timedelta(days=1)
    earlier = [v for v in rs.versions if v.effective_from < ver.effective_from]
    if earlier:
        assert rs.version_on(before) is earlier[-1]
        assert earlier[-1].effective_to == before  # no gap between editions
    else:
        with pytest.raises(NoVersionInForce):
            rs.version_on(before)
    if ver.effective_to is not None:
        assert rs.version_on(ver.effective_to) is ver
        after = ver.effective_to + timedelta(days=1)
        later = [v for v in rs.versions if v.effective_from > ver.effective_from]
        if later:
            assert rs.version_on(after) is later[0]
        else:
            with pytest.raises(NoVersionInForce):
                rs.version_on(after)


def test_the_verdict_uses_the_version_in_force_on_each_side_of_2026_04_01():
    firm = with_facts(test_zjtx_sme.FIRM, **NO_AWARDS)
    before = evaluate(SHIPPED["zjtx_sme"], firm, on=date(2026, 3, 31))
    after = evaluate(SHIPPED["zjtx_sme"], firm, on=date(2026, 4, 1))
    assert (before.version.id, before.version.document) == ("2022", "工信部企业〔2022〕63号")
    assert (after.version.id, after.version.document) == ("2026", "工信部企业〔2026〕2号")
    assert before.version.content_hash != after.version.content_hash
