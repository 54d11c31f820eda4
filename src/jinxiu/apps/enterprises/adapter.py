"""Between the registry's rows and the rules engine (``jinxiu.engines.rules``).

Size class (统计上大中小微型企业划分办法 2017, rule set ``size_class``) and 规上 status (rule
set ``above_scale``) are computed from the latest yearly indicator, never typed. The caller
passes only indicators the user may view (``selectors.indicators_for``), so a verdict never
reveals a figure the user could not read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from jinxiu.engines.rules import NoVersionInForce, Status, evaluate, load_ruleset, verdict_text
from jinxiu.engines.rules.loader import DATA_DIR

# operating revenue stands for 主营业务收入 too: the registry records one revenue figure
REVENUE_FACTS = ("revenue", "main_revenue")


@dataclass(frozen=True)
class SizeVerdict:
    year: int  # the indicator year the verdict is based on
    size_class: str | None  # large / medium / small / micro, None when it cannot be told
    size_title: str  # 大型 … or ""
    size_text: str  # the engine's explanation (reasons, values, thresholds)
    above_scale: bool | None  # True predicted 规上/限上; False not; None cannot tell
    above_scale_text: str


def latest_indicator(indicators):
    """The latest year that has employees or operating revenue, or None."""
    usable = [i for i in indicators if i.employees is not None
              or i.operating_revenue is not None]
    return max(usable, key=lambda i: i.year) if usable else None


def facts_for(enterprise, indicator) -> dict:
    """The engine's facts for one enterprise and one indicator year."""
    year = str(indicator.year)
    facts: dict = {"industry_code": enterprise.main_industry or None}
    source = indicator.get_source_display()
    if indicator.employees is not None:
        facts["employees"] = {"source": str(source), "by_year": {year: indicator.employees}}
    if indicator.operating_revenue is not None:
        for name in REVENUE_FACTS:
            facts[name] = {"source": str(source),
                           "by_year": {year: float(indicator.operating_revenue)}}
    return {"enterprise": enterprise.organization.name,
            "facts": {k: v for k, v in facts.items() if v is not None}}


def assessment_date(year: int) -> dt.date:
    """The engine reads ``[-1]`` as the year before the assessment: assess on 1 January of
    the following year so the indicator year is 上年度."""
    return dt.date(year + 1, 1, 1)


_RULESETS: dict[str, tuple[float, object]] = {}


def _ruleset(name: str):
    """The shipped rule set, parsed once per version of its file (parsing takes ~18 ms, the
    evaluation well under 1 ms: a backfill of 100,000 firms would spend an hour parsing)."""
    mtime = (DATA_DIR / f"{name}.yaml").stat().st_mtime
    cached = _RULESETS.get(name)
    if cached is None or cached[0] != mtime:
        cached = _RULESETS[name] = (mtime, load_ruleset(name))
    return cached[1]


def size_verdict(enterprise, indicators) -> SizeVerdict | None:
    indicator = latest_indicator(list(indicators))
    if indicator is None:
        return None
    facts = facts_for(enterprise, indicator)
    on = assessment_date(indicator.year)
    size_class, size_title, size_text = None, "", ""
    try:
        verdict = evaluate(_ruleset("size_class"), facts, on=on)
    except NoVersionInForce:
        verdict = None
    if verdict is not None:
        size_text = verdict_text(verdict)
        if verdict.status == Status.QUALIFIES and verdict.classification:
            size_class = verdict.classification
            size_title = verdict.classification_title or verdict.classification
    above, above_text = None, ""
    try:
        verdict = evaluate(_ruleset("above_scale"), facts, on=on)
    except NoVersionInForce:
        verdict = None
    if verdict is not None:
        above_text = verdict_text(verdict)
        if verdict.status == Status.QUALIFIES:
            above = True
        elif verdict.status == Status.FAILS:
            above = False
        else:
            # only the official directory flag is unknown: the revenue test says no
            above = False if _only_directory_missing(verdict) else None
    return SizeVerdict(indicator.year, size_class, size_title, size_text, above, above_text)


def _only_directory_missing(verdict) -> bool:
    missing = [str(m) for m in (verdict.missing or ())]
    return bool(missing) and all(m.startswith("above_scale_directory") for m in missing)
