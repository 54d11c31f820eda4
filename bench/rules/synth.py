"""Synthetic enterprise facts for the rules-engine benchmark (deterministic).

Firms are drawn in chunks of ``CHUNK`` with ``Random(f"{seed}:{chunk}")``, so firm *i* is the
same whatever the number of worker processes. The mix follows a county textile/apparel/footwear
registry: mostly micro and small firms, a tail of medium and large ones; three fiscal years
(2023–2025) of revenue, costs, R&D and staff; intellectual property by class; titles and
certifications; dyeing plants with energy and water figures; unemployment-insurance data; and
facts left out at random (about 6 % of each, more for firms that file little) so that "cannot
tell" occurs as it does with real filings.

    python bench/rules/synth.py 5 --seed 0      # print five firms as JSON
"""

from __future__ import annotations

import json
import math
import sys
from datetime import date
from random import Random

CHUNK = 1000
YEARS = (2023, 2024, 2025)

# (share of firms, revenue median 万元, revenue spread (log sd), employees low, high)
SIZE_BANDS = (
    ("micro", 0.42, 60, 0.7, 3, 19),
    ("small", 0.38, 900, 0.6, 20, 99),
    ("medium", 0.16, 9000, 0.5, 100, 999),
    ("large", 0.04, 60000, 0.6, 1000, 6000),
)
INDUSTRIES = (
    ("1711", 0.10),  # cotton spinning and weaving
    ("1713", 0.08),  # cotton dyeing and finishing
    ("1723", 0.03),  # wool dyeing
    ("1752", 0.03),  # chemical-fibre dyeing (knit)
    ("1761", 0.08),  # knitted fabrics
    ("1810", 0.38),  # apparel (woven)
    ("1820", 0.08),  # knitted apparel
    ("1951", 0.14),  # leather shoes
    ("1952", 0.05),  # synthetic-material shoes
    ("5132", 0.03),  # textile wholesale
)
DYEING = {"1713": "woven_cotton", "1723": "worsted", "1752": "yarn_knit"}
RD_LEVELS = ("none", "below_city", "city", "provincial", "national")


def _pick(rng: Random, table):
    x = rng.random()
    acc = 0.0
    for row in table:
        acc += row[1]
        if x < acc:
            return row
    return table[-1]


def firm(rng: Random, index: int) -> dict:
    """One firm's facts in the engine's JSON shape (``{"enterprise": ..., "facts": {...}}``)."""
    band, _, median, spread, emp_lo, emp_hi = _pick(rng, SIZE_BANDS)
    code = _pick(rng, INDUSTRIES)[0]
    sparse = rng.random() < 0.10  # files little: a third of its facts are missing
    p_missing = 0.33 if sparse else 0.06
    innovative = rng.random() < (0.15 if band == "micro" else 0.35 if band == "small" else 0.6)

    revenue0 = median * math.exp(rng.gauss(0, spread))
    growth = rng.gauss(0.06, 0.15)
    revenue, cost, rd, profit, rd_staff, tech_staff, employees = {}, {}, {}, {}, {}, {}, {}
    rd_ratio = rng.uniform(0.025, 0.09) if innovative else rng.uniform(0.0, 0.03)
    staff = rng.randint(emp_lo, emp_hi)
    r = revenue0
    for y in YEARS:
        r = max(5.0, r * (1 + growth + rng.gauss(0, 0.08)))
        revenue[y] = round(r, 2)
        cost[y] = round(r * rng.uniform(0.8, 0.98), 2)
        rd[y] = round(r * max(0.0, rd_ratio + rng.gauss(0, 0.006)), 2)
        profit[y] = round(r * rng.gauss(0.05, 0.06), 2)
        staff = max(1, int(staff * rng.uniform(0.9, 1.12)))
        employees[y] = staff
        rd_staff[y] = int(staff * (rng.uniform(0.06, 0.25) if innovative else rng.uniform(0, 0.08)))
        tech_staff[y] = rd_staff[y] + int(staff * rng.uniform(0, 0.06))
    assets = revenue[2025] * rng.uniform(0.6, 1.6)
    ip1 = rng.choice((0, 0, 1, 2, 3, 5, 8, 12)) if innovative else rng.choice((0, 0, 0, 1))
    facts: dict = {
        "industry_code": code,
        "registered_on": date(rng.randint(1995, 2023), rng.randint(1, 12), rng.randint(1, 28)),
        "employees": {"source": "统计年报", "by_year": employees},
        "revenue": {"source": "审计报告", "by_year": revenue},
        "main_revenue": {
            "by_year": {y: round(v * rng.uniform(0.85, 1.0), 2) for y, v in revenue.items()}
        },
        "total_income": {
            "by_year": {y: round(v * rng.uniform(1.0, 1.05), 2) for y, v in revenue.items()}
        },
        "total_assets": {"by_year": {2025: round(assets, 2)}},
        "total_liabilities": {"by_year": {2025: round(assets * rng.uniform(0.2, 0.8), 2)}},
        "total_cost": {"by_year": cost},
        "net_profit": {"by_year": profit},
        "is_sme": band != "large",
        "is_large": band == "large",
        "above_scale_directory": {"by_year": {2025: revenue[2025] >= 2000}},
        "resident_enterprise": True,
        "abnormal_operation_listed": rng.random() < 0.03,
        "serious_dishonesty_listed": rng.random() < 0.01,
        "restricted_products": rng.random() < 0.02,
        "major_incident_3y": rng.random() < 0.02,
        "major_incident_1y": rng.random() < 0.01,
        "rd_expense": {"source": "研发辅助账", "by_year": rd},
        "rd_expense_domestic": {
            "by_year": {y: round(v * rng.uniform(0.9, 1.0), 2) for y, v in rd.items()}
        },
        "rd_staff": {"by_year": rd_staff},
        "tech_staff": {"by_year": tech_staff},
        "rd_institution_level": rng.choice(RD_LEVELS[2:] if innovative else RD_LEVELS[:3]),
        "has_rd_institution": innovative and rng.random() < 0.7,
        "ip_class1_high_value": min(ip1, rng.randint(0, 3)),
        "ip_class1_own": ip1,
        "ip_class1": ip1,
        "ip_class2": rng.randint(0, 30 if innovative else 6),
        "ip_class1_main_product": min(ip1, rng.randint(0, 4)),
        "core_ip_owned": ip1 > 0 or rng.random() < 0.3,
        "hightech_domain": innovative and rng.random() < 0.7,
        "sti_award_national_3y": innovative and rng.random() < 0.01,
        "sti_award_provincial_3y": innovative and rng.random() < 0.05,
        "sti_award_national_rank_3y": rng.randint(1, 10),
        "sti_award_provincial_rank_3y": rng.randint(1, 10),
        "sti_award_national_5y_top3": innovative and rng.random() < 0.005,
        "standards_led_5y": innovative and rng.random() < 0.05,
        "title_high_tech": innovative and rng.random() < 0.4,
        "title_other_honour": rng.random() < 0.05,
        "title_innovative_sme": innovative and rng.random() < 0.5,
        "title_zjtx_sme": innovative and rng.random() < 0.2,
        "chuangke_top500_3y": rng.random() < 0.01,
        "chuangke_top50_3y": rng.random() < 0.002,
        "equity_financing": {
            "by_year": {y: rng.choice((0, 0, 0, 0, 200, 500, 2000)) for y in YEARS}
        },
        "niche_years": rng.randint(0, 25),
        "strategic_emerging": rng.random() < 0.1,
        "main_product_domain": rng.choice(("other", "other", "supporting", "breakthrough")),
        "priority_domain": rng.random() < 0.15,
        "key_chain_link": rng.random() < 0.1,
        "market_share": round(rng.betavariate(1.2, 25), 4),
        "market_rank_domestic": rng.randint(1, 60),
        "market_position_recognized": rng.random() < 0.1,
        "own_brand": rng.random() < 0.5,
        "digital_level": rng.randint(1, 4),
        "quality_award_provincial": rng.random() < 0.04,
        "qms_certified": rng.random() < 0.55,
        "standards_drafted": innovative and rng.random() < 0.15,
        "sound_governance": rng.random() < 0.6,
        "info_system_core_business": rng.random() < 0.5,
        "mgmt_or_product_cert": rng.random() < 0.5,
        "local_feature_score": rng.randint(0, 15),
        "zjtx_platform_score": {"by_year": {2026: rng.randint(40, 100)}},
        "hightech_revenue": {
            "by_year": {
                y: round(v * (rng.uniform(0.4, 0.9) if innovative else rng.uniform(0, 0.3)), 2)
                for y, v in revenue.items()
            }
        },
        "conversions_3y_avg": rng.choice((0, 1, 2, 3, 5, 8)),
        "ui_months_paid": rng.choice((6, 12, 12, 12, 24)),
        "ui_insured_avg": {
            "by_year": {y: max(1, int(v * rng.uniform(0.8, 1.0))) for y, v in employees.items()}
        },
        "ui_new_claimants": {
            "by_year": {y: int(v * rng.uniform(0, 0.08)) for y, v in employees.items()}
        },
        "ui_premium_paid": {
            "by_year": {y: round(v * rng.uniform(600, 1300), 2) for y, v in employees.items()}
        },
        "ui_fund_reserve_years": round(rng.uniform(0.8, 3.0), 1),
    }
    if innovative and rng.random() < 0.3:  # an expert has scored the 高企 items
        facts.update(
            {
                "hte_tech_advancement": rng.randint(2, 8),
                "hte_core_support": rng.randint(2, 8),
                "hte_ip_quantity": rng.randint(1, 8),
                "hte_ip_acquisition": rng.randint(1, 6),
                "hte_standards_bonus": rng.randint(0, 2),
                "hte_conversion": rng.randint(5, 30),
                "hte_rd_management": rng.randint(5, 20),
            }
        )
    if code in DYEING:
        facts.update(
            {
                "dye_product_class": DYEING[code],
                "dye_energy": {"by_year": {y: round(rng.uniform(20, 40), 1) for y in YEARS}},
                "dye_water": {"by_year": {y: round(rng.uniform(1.0, 2.2), 2) for y in YEARS}},
                "water_reuse_rate": {
                    "by_year": {y: round(rng.uniform(0.2, 0.6), 3) for y in YEARS}
                },
                "product_pass_rate": {
                    "by_year": {y: round(rng.uniform(0.9, 0.995), 3) for y in YEARS}
                },
                "online_monitoring": rng.random() < 0.8,
                "cleaner_production_audit": rng.random() < 0.6,
                "in_industrial_park": rng.random() < 0.7,
                "env_violation_1y": rng.random() < 0.08,
                "tax_per_mu": {"by_year": {y: round(rng.uniform(5, 80), 1) for y in YEARS}},
                "tax_per_cod_ton": {"by_year": {y: round(rng.uniform(10, 400), 1) for y in YEARS}},
            }
        )
    for name in list(facts):
        if name not in ("industry_code", "revenue") and rng.random() < p_missing:
            del facts[name]
    if "revenue" in facts and rng.random() < p_missing:  # a year missing, not the whole series
        del facts["revenue"]["by_year"][rng.choice(YEARS)]
    return {"enterprise": f"合成企业{index:06d}", "facts": facts}


def chunk(seed: int, number: int, n: int = CHUNK) -> list[dict]:
    """Firms ``number * CHUNK`` … ``number * CHUNK + n - 1``."""
    rng = Random(f"{seed}:{number}")
    return [firm(rng, number * CHUNK + i) for i in range(n)]


def firms(seed: int, count: int):
    for number in range(math.ceil(count / CHUNK)):
        yield from chunk(seed, number, min(CHUNK, count - number * CHUNK))


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 0
    print(json.dumps(list(firms(seed, count)), ensure_ascii=False, indent=1, default=str))
