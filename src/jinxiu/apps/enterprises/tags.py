"""The registry's tag vocabulary, from ``data/tags.yaml``."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

DATA = Path(__file__).parent / "data" / "tags.yaml"


@cache
def tag_labels() -> dict[str, tuple[str, str]]:
    raw = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    return {item["id"]: (item["zh"], item["en"]) for item in raw["tags"]}


def tag_label(tag: str) -> str:
    zh_name, en = tag_labels().get(tag, (tag, tag))
    return zh_name if (get_language() or "zh-hans").startswith("zh") else en


def tag_choices() -> list[tuple[str, str]]:
    return [(tag, tag_label(tag)) for tag in tag_labels()]


def validate_tags(values) -> None:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ValidationError(_("A list of tags is expected."), code="not_a_list")
    unknown = [v for v in values if v not in tag_labels()]
    if unknown:
        raise ValidationError(_("Unknown tag %(tag)s."), code="unknown_tag",
                              params={"tag": unknown[0]})
