"""统计 size classes (国统字〔2017〕213号) and 规上/限上 scope."""

from __future__ import annotations

import pytest

from jinxiu.engines.rules import Status, evaluate, gaps

from .conftest import ON, by_year


def firm(code, x=None, y=None, z=None, main=None, directory=None):
    facts = {"industry_code": code}
    if x is not None:
        facts["employees"] = by_year(y2025=x)
    if y is not None:
        facts["revenue"] = by_year(y2025=y)
    if z is not None:
        facts["total_assets"] = by_year(y2025=z)
    if main is not None:
        facts["main_revenue"] = by_year(y2025=main)
    if directory is not None:
        facts["above_scale_directory"] = by_year(y2025=directory)
    return {"facts": facts}


@pytest.mark.parametrize(
    ("code", "x", "y", "z", "expected"),
    [
        ("1711", 1000, 40000, None, "large"),  # both lower bounds, inclusive
        ("1711", 1200, 30000, None, "medium"),  # X says large, Y says medium → medium (下划一档)
        ("1711", 999, 40000, None, "medium"),
        ("1810", 300, 2000, None, "medium"),
        ("1810", 299, 2000, None, "small"),
        ("C1951", 20, 300, None, "small"),  # 制鞋, section letter accepted
        ("1951", 19, 5000, None, "micro"),  # 微型 needs one indicator only
        ("1951", 500, 299, None, "micro"),
        ("5132", 20, 5000, None, "medium"),  # 批发
        ("5232", 9, 100, None, "micro"),  # 零售: X < 10
        ("7491", 300, None, None, "large"),  # 工业设计: 其他未列明, X only
        ("7212", 100, None, 8000, "medium"),  # 租赁和商务服务: X and 资产总额
    ],
)
def test_size_classes(shipped, code, x, y, z, expected):
    v = evaluate(shipped["size_class"], firm(code, x, y, z), on=ON)
    assert (v.status, v.classification) == (Status.QUALIFIES, expected)


def test_size_class_cannot_tell_names_missing_fact(shipped):
    # 1200 people, revenue unknown: large and medium depend on revenue
    v = evaluate(shipped["size_class"], firm("1711", x=1200), on=ON)
    assert v.status is Status.UNKNOWN and v.classification is None
    assert v.missing == ("revenue[2025]",)
    # a firm with 10 people is micro whatever its revenue
    v = evaluate(shipped["size_class"], firm("1711", x=10), on=ON)
    assert v.classification == "micro"


def test_size_class_labels_the_other_sector_assumption(shipped):
    v = evaluate(shipped["size_class"], firm("7491", 300), on=ON)
    assert any(a.startswith("other_sectors:") for a in v.assumptions)


def test_above_scale_prediction_directory_and_gap(shipped):
    rs = shipped["above_scale"]
    v = evaluate(rs, firm("1711", main=2000, directory=False), on=ON)
    assert v.status is Status.QUALIFIES  # exactly 2000万元: likely 规上
    paths = v.criteria[0].children
    assert [p.id for p in paths if p.status is Status.QUALIFIES] == ["industry"]
    low = firm("1711", main=1800, directory=False)
    assert evaluate(rs, low, on=ON).status is Status.FAILS
    (change,) = gaps(rs, low, on=ON).changes
    assert (change.fact, change.year, change.current, change.required) == (
        "main_revenue",
        2025,
        1800,
        2000,
    )
    v = evaluate(rs, firm("1711", main=1800, directory=True), on=ON)
    assert v.status is Status.QUALIFIES
    v = evaluate(rs, firm("1711", main=1800), on=ON)
    assert (v.status, v.missing) == (Status.UNKNOWN, ("above_scale_directory[2025]",))


def test_above_scale_retail_threshold(shipped):
    rs = shipped["above_scale"]
    assert evaluate(rs, firm("5232", main=500, directory=False), on=ON).status is Status.QUALIFIES
    assert evaluate(rs, firm("5232", main=499, directory=False), on=ON).status is Status.FAILS
