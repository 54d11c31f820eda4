"""Fuzzy matching of enterprise names (rows of an import that carry no credit code).

Names are compared on a key: brackets and their content dropped (（石狮）, 【示例】), leading
region names stripped (福建省, 泉州, 石狮市 …, from the region table) and trailing company
forms stripped (股份有限公司, 有限公司 …). Two scores: rapidfuzz's ratio on the keys'
characters, and on their pinyin (pypinyin), which catches homophone typos (锦程/金程).
A match is only ever proposed; a person confirms it before anything is written.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

COMPANY_FORMS = ("集团股份有限公司", "集团有限责任公司", "集团有限公司", "股份有限公司",
                 "有限责任公司", "有限公司", "股份公司", "集团公司", "总公司", "分公司", "公司",
                 "集团")
REGION_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州",
                   "自治县", "地区", "省", "市", "区", "县", "盟", "旗")
_BRACKETS = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")
THRESHOLD = 80.0
LIMIT = 3


@dataclass(frozen=True)
class Candidate:
    id: int
    name: str
    score: float


def region_names() -> tuple[frozenset[str], int]:
    """Region names with and without their administrative suffix, and the longest length
    (read again whenever the number of regions changes, e.g. after ``regions load``)."""
    from jinxiu.apps.core.models import Region

    return _region_names(Region.objects.count())


@cache
def _region_names(count: int) -> tuple[frozenset[str], int]:
    from jinxiu.apps.core.models import Region

    names = set()
    for name in Region.objects.values_list("name", flat=True):
        names.add(name)
        for suffix in REGION_SUFFIXES:
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                names.add(name[: -len(suffix)])
                break
    names.update({"中国", "中华"})
    return frozenset(names), max((len(n) for n in names), default=0)


def name_key(name: str, regions: tuple[frozenset[str], int] | None = None) -> str:
    names, longest = regions if regions is not None else region_names()
    text = unicodedata.normalize("NFKC", name or "")
    text = re.sub(r"\s+", "", _BRACKETS.sub("", text))
    original = text
    changed = True
    while changed:
        changed = False
        for size in range(min(longest, len(text) - 2), 1, -1):
            if text[:size] in names:  # at least two characters stay
                text, changed = text[size:], True
                break
    for form in COMPANY_FORMS:
        if text.endswith(form) and len(text) > len(form):
            text = text[: -len(form)]
            break
    return text or original


def pinyin_key(key: str) -> str:
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(key))


class Matcher:
    """Candidates among ``choices`` [(id, name)] for names that are not registered as such."""

    def __init__(self, choices: list[tuple[int, str]]) -> None:
        regions = region_names()
        self.choices = choices
        self.keys = [name_key(name, regions) for _id, name in choices]
        self.pinyin = [pinyin_key(k) for k in self.keys]
        self._regions = regions

    def candidates(self, name: str, *, limit: int = LIMIT,
                   threshold: float = THRESHOLD) -> list[Candidate]:
        from rapidfuzz import fuzz, process

        if not self.choices:
            return []
        key = name_key(name, self._regions)
        scores: dict[int, float] = {}
        for _choice, score, index in process.extract(key, self.keys, scorer=fuzz.ratio,
                                                     limit=limit * 3):
            scores[index] = max(scores.get(index, 0.0), score)
        for _choice, score, index in process.extract(pinyin_key(key), self.pinyin,
                                                     scorer=fuzz.ratio, limit=limit * 3):
            # the same sound is a weaker sign than the same characters
            scores[index] = max(scores.get(index, 0.0), score * 0.95)
        ranked = sorted(((s, i) for i, s in scores.items() if s >= threshold),
                        key=lambda item: (-item[0], self.choices[item[1]][1]))
        return [Candidate(self.choices[i][0], self.choices[i][1], round(s, 1))
                for s, i in ranked[:limit]]
