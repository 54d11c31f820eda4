"""The cultivation tiers (梯度培育), from ``data/tiers.yaml``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from django.utils.translation import get_language

DATA = Path(__file__).parent / "data" / "tiers.yaml"


@dataclass(frozen=True)
class Tier:
    id: str
    zh: str
    en: str
    ruleset: str  # the shipped rule set that decides it
    tag: str  # the registry tag a valid record sets
    valid_years: int
    level: int | None = None  # place on the SME ladder (1 → 3); None: beside it
    next: str | None = None
    title_fact: str | None = None  # the engine fact "holds a valid title of this tier"

    @property
    def label(self) -> str:
        return self.zh if (get_language() or "zh-hans").startswith("zh") else self.en


@cache
def tiers() -> dict[str, Tier]:
    raw = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    return {t["id"]: Tier(**t) for t in raw["tiers"]}


def tier(tier_id: str) -> Tier:
    return tiers()[tier_id]


def tier_choices() -> list[tuple[str, str]]:
    return [(t.id, t.zh) for t in tiers().values()]


def ladder() -> list[Tier]:
    """The SME ladder, lowest first (创新型 → 专精特新 → 小巨人)."""
    return sorted((t for t in tiers().values() if t.level), key=lambda t: t.level)


def previous_tier(tier_id: str) -> Tier | None:
    return next((t for t in tiers().values() if t.next == tier_id), None)


def expiry_for(granted: dt.date, tier_id: str) -> dt.date:
    """The last day a title granted on ``granted`` is valid: the tier's validity period in
    years, ending the day before the anniversary (granted 2024-11-28, 3 years → 2027-11-27)."""
    years = tier(tier_id).valid_years
    try:
        end = granted.replace(year=granted.year + years)
    except ValueError:  # granted on 29 February
        end = granted.replace(year=granted.year + years, day=28)
    return end - dt.timedelta(days=1)
