"""Amounts as bureaus write them: "1,234.5万元", "12.3亿", "¥80万", "1亿2000万", "（万元）" headers.

:func:`parse_amount` returns the amount in yuan as an exact ``Decimal`` (no float ever
touches it). A unit written in the cell wins over the column's unit (from its header,
:func:`header_unit`); a bare number takes the column's unit.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

UNITS = {
    "": Decimal(1),
    "元": Decimal(1),
    "千": Decimal(1000),
    "千元": Decimal(1000),
    "万": Decimal(10_000),
    "万元": Decimal(10_000),
    "十万": Decimal(100_000),
    "十万元": Decimal(100_000),
    "百万": Decimal(1_000_000),
    "百万元": Decimal(1_000_000),
    "千万": Decimal(10_000_000),
    "千万元": Decimal(10_000_000),
    "亿": Decimal(100_000_000),
    "亿元": Decimal(100_000_000),
    "万亿": Decimal(10) ** 12,
    "万亿元": Decimal(10) ** 12,
}
TEN_THOUSAND = Decimal(10_000)
_CURRENCY = re.compile(r"^(?:人民币|rmb|cny|¥|\$)+", re.IGNORECASE)
_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+"
_PART = re.compile(rf"({_NUMBER})(万亿元?|千万元?|百万元?|十万元?|千元?|万元?|亿元?|元)?")
_HEADER_UNIT = re.compile(
    r"[（(]\s*(?:单位[:：])?\s*(万亿元|千万元|百万元|十万元|千元|万元|亿元|元)\s*[)）]")


class AmountError(ValueError):
    """The text is not an amount; ``str()`` is the reason, for the person who typed it."""


def header_unit(header: str, default: Decimal = TEN_THOUSAND) -> Decimal:
    """The unit a column header names, e.g. "营业收入（万元）" → 10000; ``default`` if none."""
    found = _HEADER_UNIT.search(unicodedata.normalize("NFKC", str(header or "")))
    return UNITS[found.group(1)] if found else default


MAX_YUAN = Decimal(10) ** 16  # 1 亿亿元: more than any enterprise's figure


def parse_amount(value, *, unit: Decimal = Decimal(1)) -> Decimal | None:
    """The amount in yuan, exactly; None for an empty cell. ``unit``: yuan per bare number.

    Raises :class:`AmountError` naming what is wrong.
    """
    amount = _parse_amount(value, unit)
    if amount is not None and abs(amount) >= MAX_YUAN:
        raise AmountError(_("implausibly large"))
    return amount


def _parse_amount(value, unit: Decimal) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise AmountError(_("not an amount"))
    if isinstance(value, int):
        return Decimal(value) * unit
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise AmountError(_("not an amount"))
        return Decimal(repr(value)) * unit  # the shortest text that reads back as the cell
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise AmountError(_("not an amount"))
        return value * unit
    text = unicodedata.normalize("NFKC", str(value))
    text = re.sub(r"\s+", "", text).replace("，", ",")
    if text in ("", "-", "—", "–", "/"):
        return None
    if "%" in text or "‰" in text:
        raise AmountError(_("a percentage is not an amount"))
    negative = False
    if text[0] in "-−":
        negative, text = True, text[1:]
    elif text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]  # accountants' negative
    text = _CURRENCY.sub("", text)
    if text and text[0] in "-−" and not negative:
        negative, text = True, text[1:]  # "¥-80万"
    if not re.search(r"\d", text):
        raise AmountError(_("no number"))
    total = Decimal(0)
    position = 0
    parts = 0
    previous_scale, previous_word = None, ""
    while position < len(text):
        match = _PART.match(text, position)
        if match is None or match.end() == position:
            rest = text[position:]
            if re.match(r"[\d.,]", rest):
                raise AmountError(_("misplaced thousands separator or decimal point in "
                                    "“%(text)s”") % {"text": rest})
            raise AmountError(_("unknown unit “%(unit)s” (use 元, 千元, 万元, 亿元)")
                              % {"unit": rest})
        number, word = match.group(1), match.group(2) or ""
        try:
            amount = Decimal(number.replace(",", ""))
        except InvalidOperation as exc:  # pragma: no cover - the pattern admits numbers only
            raise AmountError(_("not a number")) from exc
        scale = UNITS[word] if word else unit
        if parts and not word and previous_word:
            raise AmountError(_("the number after “%(unit)s” needs its own unit, as in "
                                "1亿2000万") % {"unit": previous_word})
        if parts and not word:
            raise AmountError(_("misplaced thousands separator or decimal point in "
                                "“%(text)s”") % {"text": text})
        if parts and (previous_scale is not None and scale >= previous_scale):
            # "1亿2000万" goes from large to small units; "12万3" or "3万2亿" do not
            raise AmountError(_("units must go from large to small, as in 1亿2000万"))
        total += amount * scale
        previous_scale, previous_word = scale, word
        position = match.end()
        parts += 1
    return -total if negative else total


def yuan_to_wan(amount: Decimal | None) -> Decimal | None:
    """Yuan → 10,000 yuan, the registry's unit, kept to 0.01 (100 yuan; half up)."""
    if amount is None:
        return None
    return (amount / TEN_THOUSAND).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def parse_count(value) -> int | None:
    """A whole number of people or patents: "1,234", "1234人", "12.0" (Excel); None if empty."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise AmountError(_("not a whole number"))
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float | Decimal):
        number = Decimal(repr(value)) if isinstance(value, float) else value
    else:
        text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))
        text = re.sub(r"(人|名|个|件|项)$", "", text)
        if text in ("", "-", "—", "/"):
            return None
        if not re.fullmatch(rf"{_NUMBER}", text):
            raise AmountError(_("not a whole number"))
        number = Decimal(text.replace(",", ""))
    if not number.is_finite() or number != number.to_integral_value():
        raise AmountError(_("not a whole number"))
    if number < 0:
        raise AmountError(_("cannot be negative"))
    if number > 10_000_000:
        raise AmountError(_("implausibly large"))
    return int(number)
