"""GB/T 4754-2017 industry codes of the chain, from ``data/gbt4754.csv`` (source in the file
and in ``data/README.md``)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DATA = Path(__file__).parent / "data" / "gbt4754.csv"


@dataclass(frozen=True)
class Industry:
    code: str
    name: str
    level: str  # section, division, group, class
    parent: str


@cache
def industries() -> dict[str, Industry]:
    with DATA.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return {row["code"]: Industry(row["code"], row["name_zh"], row["level"], row["parent"])
            for row in csv.DictReader(lines)}


def industry_name(code: str | None) -> str:
    item = industries().get(code or "")
    return item.name if item else (code or "")


def industry_label(code: str | None) -> str:
    return f"{code} {industry_name(code)}" if code else ""


def industry_choices() -> list[tuple[str, str]]:
    """Numeric codes (division, group, class) as choices, in code order."""
    return [(c, f"{c} {i.name}") for c, i in sorted(industries().items())
            if i.level != "section"]


def validate_industry_code(value: str) -> None:
    item = industries().get((value or "").strip())
    if item is None or item.level == "section":
        raise ValidationError(_("Unknown industry code %(code)s (GB/T 4754-2017)."),
                              code="unknown_industry", params={"code": value})


def validate_industry_codes(values) -> None:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ValidationError(_("A list of GB/T 4754-2017 codes is expected."),
                              code="not_a_list")
    for value in values:
        validate_industry_code(value)
