"""Words for evidence and verdict reason codes (the engine returns codes and values)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from jinxiu.apps.enterprises.industry import industry_label
from jinxiu.apps.enterprises.tags import tag_label


def evidence_text(reason: dict) -> str:
    kind, value = reason.get("kind"), reason.get("value") or ""
    if kind == "main_industry":
        return _("main industry %(code)s") % {"code": industry_label(value)}
    if kind == "secondary_industry":
        return _("secondary industry %(code)s") % {"code": industry_label(value)}
    if kind == "scope_product":
        return _("product “%(word)s” in the business scope") % {"word": value}
    if kind == "scope_keyword":
        return _("word “%(word)s” in the business scope") % {"word": value}
    if kind == "manual":
        return _("linked by a person")
    return f"{kind} {value}"


VERDICTS = {"missing": "缺链", "weak": "弱链", "strong": "强链"}


def verdict_label(verdict: str) -> str:
    return {"missing": _("Missing (缺链)"), "weak": _("Weak (弱链)"),
            "strong": _("Strong (强链)")}.get(verdict, verdict)


def _pct(value) -> str:
    return f"{100 * value:.1f}%"


def reason_text(reason) -> str:
    code, value = reason.code, reason.value
    texts = {
        "no_firm": lambda: _("no local firm"),
        "few_firms": lambda: _("only %(n)s firm(s)") % {"n": value},
        "no_anchor": lambda: _("no anchor firm (output ≥ %(t)s ten-thousand yuan or a "
                               "leader tag)") % {"t": f"{value:,.0f}"},
        "low_lq": lambda: _("location quotient %(lq)s below 1") % {"lq": f"{value:.2f}"},
        "declining": lambda: _("output falling %(g)s a year") % {"g": _pct(-value)},
        "anchor": lambda: _("%(n)s anchor firm(s)") % {"n": value},
        "high_lq": lambda: _("location quotient %(lq)s") % {"lq": f"{value:.2f}"},
        "growing": lambda: _("output growing %(g)s a year") % {"g": _pct(value)},
        "withheld": lambda: _("figures withheld: fewer than 3 firms report them"),
        "fills_missing": lambda: _("fills a missing node"),
        "supplies_anchor": lambda: _("would be the local anchor"),
        "size": lambda: _("size (%(p)s points)") % {"p": value},
        "growth": lambda: _("growing %(g)s a year") % {"g": _pct(value)},
        "tier": lambda: _("tier: %(tags)s") % {
            "tags": "、".join(tag_label(t) for t in str(value).split(","))},
        "strong_link": lambda: _("strong evidence for the node"),
    }
    return texts[code]() if code in texts else code
