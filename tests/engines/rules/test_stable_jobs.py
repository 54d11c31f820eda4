"""失业保险稳岗返还: one version per year, ratios by firm size, layoff-rate limits."""

from __future__ import annotations

from datetime import date

import pytest

from jinxiu.engines.rules import NoVersionInForce, Status, evaluate, gaps

from .conftest import by_year, with_facts

FIRM = {
    "facts": {
        "is_sme": True,
        "ui_months_paid": 36,
        "ui_insured_avg": by_year(y2023=200, y2024=200),
        "ui_new_claimants": by_year(y2023=11, y2024=11),  # 5.5 % exactly
        "serious_dishonesty_listed": False,
        "ui_fund_reserve_years": 1.8,
        "ui_premium_paid": by_year(y2023=120000, y2024=100000),  # 元
    }
}


def outputs(v):
    return {o.id: o.value for o in v.outputs}


def test_2024_sme_qualifies_at_exactly_5_5_percent(shipped):
    v = evaluate(shipped["stable_jobs"], FIRM, on=date(2025, 6, 30))
    assert (v.version.id, v.version.document) == ("2025", v.version.document)
    v = evaluate(shipped["stable_jobs"], FIRM, on=date(2024, 6, 30))
    assert (v.version.id, v.version.document) == ("2024", "人社部发〔2024〕40号")
    assert v.status is Status.QUALIFIES
    assert outputs(v) == {"return_ratio": 0.6, "refund": pytest.approx(72000)}


def test_large_firm_ratio_by_year(shipped):
    large = with_facts(FIRM, is_sme=False)
    rs = shipped["stable_jobs"]
    assert outputs(evaluate(rs, large, on=date(2024, 6, 30)))["return_ratio"] == 0.3
    assert outputs(evaluate(rs, large, on=date(2022, 6, 30)))["return_ratio"] == 0.5
    assert outputs(evaluate(rs, FIRM, on=date(2022, 6, 30)))["return_ratio"] == 0.9


def test_2025_local_top_up_is_capped_by_the_ceiling(shipped):
    rs = shipped["stable_jobs"]
    on = date(2025, 9, 1)
    assert outputs(evaluate(rs, FIRM, on=on))["return_ratio"] == 0.6
    local = with_facts(FIRM, ui_local_return_ratio=0.9)
    assert outputs(evaluate(rs, local, on=on))["return_ratio"] == 0.9
    # 2024 allows no top-up: a local 90 % is capped at 60 %
    assert outputs(evaluate(rs, local, on=date(2024, 9, 1)))["return_ratio"] == 0.6


def test_layoff_rate_fails_with_gap(shipped):
    rs = shipped["stable_jobs"]
    firm = with_facts(FIRM, ui_new_claimants=by_year(y2023=14))  # 7 %
    on = date(2024, 6, 30)
    v = evaluate(rs, firm, on=on)
    assert v.status is Status.FAILS
    layoff = next(o for o in v.criteria if o.id == "layoff")
    assert layoff.checks[-1].value == pytest.approx(0.07)
    (change,) = gaps(rs, firm, on=on).changes
    assert (change.fact, change.year, change.current, change.required) == (
        "ui_new_claimants",
        2023,
        14,
        11,
    )


def test_small_firm_uses_the_20_percent_limit(shipped):
    small = with_facts(
        FIRM, ui_insured_avg=by_year(y2023=30), ui_new_claimants=by_year(y2023=6)
    )  # 20 % of 30 staff
    assert evaluate(shipped["stable_jobs"], small, on=date(2024, 3, 1)).status is Status.QUALIFIES
    small = with_facts(small, ui_new_claimants=by_year(y2023=7))
    assert evaluate(shipped["stable_jobs"], small, on=date(2024, 3, 1)).status is Status.FAILS


def test_no_layoffs_needs_no_headcount(shipped):
    firm = with_facts(FIRM, ui_insured_avg=None, ui_new_claimants=by_year(y2023=0))
    assert evaluate(shipped["stable_jobs"], firm, on=date(2024, 3, 1)).status is Status.QUALIFIES


def test_cannot_tell_names_missing_fact(shipped):
    v = evaluate(shipped["stable_jobs"], with_facts(FIRM, ui_months_paid=None), on=date(2024, 3, 1))
    assert (v.status, v.missing) == (Status.UNKNOWN, ("ui_months_paid",))


def test_versions_on_both_sides_of_new_year_and_none_for_2026(shipped):
    rs = shipped["stable_jobs"]
    assert evaluate(rs, FIRM, on=date(2023, 12, 31)).version.id == "2023"
    assert evaluate(rs, FIRM, on=date(2024, 1, 1)).version.id == "2024"
    with pytest.raises(NoVersionInForce, match="no version in force on 2026-06-30"):
        evaluate(rs, FIRM, on=date(2026, 6, 30))
