"""Versioned qualification rule sets (tiers, subsidies, grading) → tri-state verdicts.

Public API::

    from jinxiu.engines.rules import load_ruleset, evaluate, gaps
    rs = load_ruleset("zjtx_sme")                   # a shipped id, or a path to a YAML file
    verdict = evaluate(rs, facts, on=date(2026, 6, 30))
    verdict.status                                  # Status.QUALIFIES / FAILS / UNKNOWN
    gap_list = gaps(rs, facts, on=date(2026, 6, 30))

Pure Python: no Django. See docs/engines/rules.md for the file format and fact names.
"""

from jinxiu.engines.rules.evaluate import evaluate
from jinxiu.engines.rules.facts import Facts, FactsError, FactSpec, facts_from_dict, load_facts
from jinxiu.engines.rules.gaps import gaps
from jinxiu.engines.rules.loader import (
    Problem,
    RuleSetError,
    catalogue,
    load_ruleset,
    load_shipped,
    parse_ruleset,
    shipped_ids,
)
from jinxiu.engines.rules.model import (
    Change,
    GapList,
    NoVersionInForce,
    Outcome,
    RuleSet,
    Status,
    Verdict,
    Version,
)
from jinxiu.engines.rules.render import verdict_data, verdict_text

__all__ = [
    "Change",
    "FactSpec",
    "Facts",
    "FactsError",
    "GapList",
    "NoVersionInForce",
    "Outcome",
    "Problem",
    "RuleSet",
    "RuleSetError",
    "Status",
    "Verdict",
    "Version",
    "catalogue",
    "evaluate",
    "facts_from_dict",
    "gaps",
    "load_facts",
    "load_ruleset",
    "load_shipped",
    "parse_ruleset",
    "shipped_ids",
    "verdict_data",
    "verdict_text",
]
