"""Size class (统计上大中小微型企业划分办法 2017, 工业) and 规上 on worked examples at the
thresholds (CRITERIA.md §1.1 and §1.3)."""

from types import SimpleNamespace

import pytest

from jinxiu.apps.enterprises.adapter import latest_indicator, size_verdict
from jinxiu.apps.enterprises.models import YearlyIndicator


def _enterprise(code="1761"):
    return SimpleNamespace(main_industry=code, organization=SimpleNamespace(name="示例企业"))


def _indicator(year, revenue, employees):
    return YearlyIndicator(year=year, operating_revenue=revenue, employees=employees)


@pytest.mark.parametrize(("employees", "revenue", "size"), [
    (1000, 40000, "large"),   # both lower bounds of 大型, exactly
    (999, 40000, "medium"),   # one person short: drops a band (下划一档)
    (1200, 30000, "medium"),  # CRITERIA.md's example: X says 大, Y says 中
    (300, 2000, "medium"),
    (300, 1999.99, "small"),
    (20, 300, "small"),
    (19, 300, "micro"),       # 微型 needs only one indicator
    (20, 299, "micro"),
    (5000, 100, "micro"),
])
def test_industry_size_class_at_the_thresholds(employees, revenue, size):
    verdict = size_verdict(_enterprise(), [_indicator(2025, revenue, employees)])
    assert verdict.year == 2025
    assert verdict.size_class == size, verdict.size_text


def test_wholesale_uses_its_own_thresholds():
    verdict = size_verdict(_enterprise("5132"), [_indicator(2025, 5000, 20)])
    assert verdict.size_class == "medium"  # 批发业: X ≥ 20 and Y ≥ 5000


@pytest.mark.parametrize(("revenue", "above"), [(2000, True), (1999, False), (50000, True)])
def test_above_scale_from_revenue(revenue, above):
    verdict = size_verdict(_enterprise(), [_indicator(2025, revenue, 100)])
    assert verdict.above_scale is above


def test_latest_year_with_figures_is_used():
    rows = [_indicator(2023, 50000, 1500), _indicator(2024, 2500, 120),
            _indicator(2025, None, None)]
    assert latest_indicator(rows).year == 2024
    verdict = size_verdict(_enterprise(), rows)
    assert (verdict.year, verdict.size_class, verdict.above_scale) == (2024, "small", True)


def test_missing_revenue_cannot_tell_the_size():
    verdict = size_verdict(_enterprise(), [_indicator(2025, None, 500)])
    assert verdict.size_class is None
    assert verdict.above_scale is None


def test_no_indicator_no_verdict():
    assert size_verdict(_enterprise(), []) is None
