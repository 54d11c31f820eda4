from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jinxiu.apps.enterprises.amounts import (
    AmountError,
    header_unit,
    parse_amount,
    parse_count,
    yuan_to_wan,
)

WAN = Decimal(10_000)


@pytest.fixture(autouse=True)
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


def test_reasons_are_chinese_first():
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(AmountError) as err:
        parse_amount("12%")
    assert str(err.value) == "百分比不是金额"


@pytest.mark.parametrize(("text", "yuan"), [
    ("1,234.5万元", "12345000"),
    ("12.3亿", "1230000000"),
    ("¥80万", "800000"),
    ("￥80万", "800000"),
    ("人民币 3,000 万元", "30000000"),
    ("1亿2000万", "120000000"),
    ("2亿3456万7890元", "234567890"),
    ("１２３４.５６元", "1234.56"),  # full-width digits
    ("1，234", "1234"),  # full-width comma
    ("0.5千元", "500"),
    ("3百万元", "3000000"),
    ("-3.5万", "-35000"),
    ("(1,200)", "-1200"),
    (".5万", "5000"),
    ("1.23456789亿", "123456789"),
])
def test_amounts_parse_to_yuan_exactly(text, yuan):
    assert parse_amount(text) == Decimal(yuan)


def test_a_bare_number_takes_the_column_unit():
    assert parse_amount("1234.5", unit=WAN) == Decimal("12345000")
    assert parse_amount(1234.5, unit=WAN) == Decimal("12345000")  # an Excel number cell
    assert parse_amount(0.1, unit=Decimal(1)) == Decimal("0.1")  # no binary float error
    assert parse_amount(80, unit=WAN) == Decimal("800000")
    # a unit in the cell wins over the column's
    assert parse_amount("1.5亿", unit=WAN) == Decimal("150000000")


@pytest.mark.parametrize("empty", [None, "", "  ", "-", "—", "/"])
def test_empty_cells_are_none(empty):
    assert parse_amount(empty) is None


@pytest.mark.parametrize(("text", "reason"), [
    ("12%", "percentage"),
    ("abc", "no number"),
    ("12美元", "unknown unit “美元”"),
    ("1,23,4", "misplaced thousands separator"),
    ("1.2.3", "misplaced thousands separator"),
    ("12万3", "the number after “万” needs its own unit"),
    ("3万2亿", "large to small"),
    ("万元", "no number"),
])
def test_bad_amounts_say_why(text, reason):
    with pytest.raises(AmountError) as err:
        parse_amount(text)
    assert reason in str(err.value)


@pytest.mark.parametrize(("header", "unit"), [
    ("营业收入（万元）", WAN), ("营业收入(元)", Decimal(1)), ("利润总额（千元）", Decimal(1000)),
    ("出口（单位：亿元）", Decimal(100_000_000)), ("营业收入", WAN),
])
def test_header_units(header, unit):
    assert header_unit(header) == unit


def test_yuan_to_the_registry_unit():
    assert yuan_to_wan(Decimal("12345000")) == Decimal("1234.50")
    assert yuan_to_wan(Decimal("1234.56")) == Decimal("0.12")  # kept to 100 yuan
    assert yuan_to_wan(Decimal("150")) == Decimal("0.02")  # half up
    assert yuan_to_wan(None) is None


@pytest.mark.parametrize(("value", "count"), [
    ("1,234", 1234), ("320人", 320), (12.0, 12), (7, 7), ("", None), (" 45 ", 45)])
def test_counts(value, count):
    assert parse_count(value) == count


@pytest.mark.parametrize("value", ["12.5", "-3", "many", 1.5, True])
def test_bad_counts(value):
    with pytest.raises(AmountError):
        parse_count(value)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**13), st.integers(min_value=0, max_value=4))
def test_formatted_amounts_read_back(yuan_cents, places):
    """Any amount written with thousands separators and a 万 or 亿 unit reads back exactly."""
    amount = Decimal(yuan_cents) / 100
    for unit, word in ((WAN, "万元"), (Decimal(100_000_000), "亿"), (Decimal(1), "元")):
        shown = amount / unit
        text = f"{shown:,f}{word}"
        assert parse_amount(text) == amount, text


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=12))
def test_any_text_parses_or_says_why(text):
    try:
        value = parse_amount(text)
    except AmountError as exc:
        assert str(exc)
    else:
        assert value is None or value.is_finite()
