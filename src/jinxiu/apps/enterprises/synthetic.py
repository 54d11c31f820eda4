"""The synthetic demo cluster (示例数据): about 3,000 invented enterprises with five years of
indicators across 石狮, 温州鹿城, 东莞, 青岛即墨 and 晋城高平, from ``data/demo_cluster.yaml``.

Deterministic: the same seed gives the same firms, names, codes and figures. Every name
starts with 【示例】, every organization is marked ``is_synthetic``; credit codes are made up
(both check characters computed, the organization-code body starting ``MA9C``), so they pass
GB 32100 and GB 11714 but belong to nobody.

:func:`generate` is pure (specs only); :func:`load` writes what is missing, in bulk, with a
change-log record for every row it creates (``bulk.py``), so loading twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

import yaml

DATA = Path(__file__).parent / "data" / "demo_cluster.yaml"
BODY_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
SYNTHETIC_NOTE = "示例数据（虚构）。Synthetic demo data: this enterprise does not exist."


@cache
def profile() -> dict:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


@dataclass
class FirmSpec:
    index: int
    name: str
    short_name: str
    region_code: str
    credit_code: str
    industry: str
    secondary: list[str]
    size: str
    established_on: dt.date
    registered_capital: Decimal
    status: str
    legal_representative: str
    address: str
    business_scope: str
    tags: list[str] = field(default_factory=list)
    # year -> indicator values (amounts in 10,000 yuan)
    years: dict[int, dict] = field(default_factory=dict)


def _body(index: int) -> str:
    """``MA9C`` and four base-31 characters: 923,521 distinct organization-code bodies."""
    digits = []
    for _ in range(4):
        index, rest = divmod(index, len(BODY_ALPHABET))
        digits.append(BODY_ALPHABET[rest])
    if index:
        raise ValueError("too many synthetic firms")
    return "MA9C" + "".join(reversed(digits))


def _pick(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[float(weights[k]) for k in keys])[0]


def _words(industry: str) -> dict:
    words = profile()["words"]
    for size in (4, 3):
        if industry[:size] in words:
            return words[industry[:size]]
    return {"name": "纺织", "scope": "纺织品制造"}


def _money(value: float) -> Decimal:
    return Decimal(str(round(value, 2))).quantize(Decimal("0.01"))


def generate(*, firms: int | None = None, seed: int | None = None,
             years: int | None = None) -> list[FirmSpec]:
    """The cluster's firms, deterministically from ``seed``."""
    from jinxiu.apps.core.uscc import make_code

    spec = profile()
    firms = spec["firms"] if firms is None else firms
    seed = spec["seed"] if seed is None else seed
    years = spec["years"] if years is None else years
    last_year = spec["last_year"]
    rng = random.Random(seed)
    regions = spec["regions"]
    region_weights = {i: r["share"] for i, r in enumerate(regions)}
    size_weights = {k: v["share"] for k, v in spec["sizes"].items()}
    syllables = spec["syllables"]
    used_names: set[str] = set()
    result = []
    for index in range(firms):
        region = regions[_pick(rng, region_weights)]
        industry = _pick(rng, region["industries"])
        words = _words(industry)
        size = _pick(rng, size_weights)
        brand = "".join(rng.sample(syllables, 2))
        name = f"【示例】{region['short']}{brand}{words['name']}有限公司"
        serial = 2
        while name in used_names:
            name = f"【示例】{region['short']}{brand}{words['name']}{serial}有限公司"
            serial += 1
        used_names.add(name)
        others = [c for c in region["industries"] if c != industry]
        secondary = sorted(rng.sample(others, k=min(len(others), rng.choice((0, 0, 1, 2)))))
        bounds = spec["sizes"][size]
        employees = int(math.exp(rng.uniform(*map(math.log, bounds["employees"]))))
        revenue = math.exp(rng.uniform(*map(math.log, bounds["revenue"])))
        growth = rng.gauss(spec["growth"]["mean"], spec["growth"]["spread"])
        margin = max(-0.08, rng.gauss(0.055, 0.035))
        established = dt.date(rng.randint(1988, last_year - 2), rng.randint(1, 12),
                              rng.randint(1, 28))
        status = "operating" if rng.random() < 0.8 else "active"
        if rng.random() < 0.02:
            status = rng.choice(("revoked", "cancelled", "suspended"))
        firm = FirmSpec(
            index=index, name=name, short_name=f"{brand}{words['name']}",
            region_code=region["code"],
            credit_code=make_code("91", region["code"], _body(index)),
            industry=industry, secondary=secondary, size=size, established_on=established,
            registered_capital=_money(max(10.0, revenue * rng.uniform(0.05, 0.4))),
            status=status, legal_representative=f"{rng.choice('陈林黄王李张吴郑蔡刘')}某（示例）",
            address=f"{region['short']}市（示例）{brand}工业区 {rng.randint(1, 300)} 号",
            business_scope=f"{words['scope']}。（示例数据）")
        export_share = region["export_share"] * rng.uniform(0.2, 1.6)
        rd_share = rng.uniform(0.004, 0.045) * (1.5 if size in ("large", "medium") else 1)
        patents = max(0.0, rng.gauss({"large": 40, "medium": 12, "small": 3, "micro": 0.4}[size],
                                     2))
        first = last_year - years + 1
        for year in range(first, last_year + 1):
            factor = (1 + growth) ** (year - last_year) * rng.uniform(0.95, 1.05)
            rev = revenue * factor
            staff = max(1, int(employees * (1 + growth / 3) ** (year - last_year)
                               * rng.uniform(0.97, 1.03)))
            firm.years[year] = {
                "operating_revenue": _money(rev),
                "industrial_output": None if industry.startswith("51")
                else _money(rev * rng.uniform(0.9, 1.04)),
                "profit": _money(rev * (margin + rng.gauss(0, 0.01))),
                "tax": _money(rev * rng.uniform(0.015, 0.045)),
                "rd_expense": _money(rev * rd_share),
                "exports": _money(rev * min(export_share, 0.95)),
                "employees": staff,
                "invention_patents": int(patents * 0.15),
                "utility_model_patents": int(patents * 0.5),
                "design_patents": int(patents * 0.35),
                "software_copyrights": int(patents * 0.05),
            }
        result.append(firm)
    _assign_tags(result, rng, last_year)
    return result


def _assign_tags(firms: list[FirmSpec], rng: random.Random, last_year: int) -> None:
    """龙头: the largest firm by revenue in each region and industry division with at least
    30 firms; 专精特新 and 高新 on a share of small and medium firms with R&D."""
    by_group: dict[tuple[str, str], list[FirmSpec]] = {}
    for firm in firms:
        by_group.setdefault((firm.region_code, firm.industry[:2]), []).append(firm)
    for group in by_group.values():
        if len(group) >= 30:
            leader = max(group, key=lambda f: f.years[last_year]["operating_revenue"])
            leader.tags.append("leader")
    for firm in firms:
        if firm.size in ("small", "medium") and rng.random() < 0.08:
            firm.tags.append("zjtx")
        if firm.size != "micro" and rng.random() < 0.06:
            firm.tags.append("high_tech")


def _chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def load(firms: list[FirmSpec], *, progress=None) -> dict:
    """Write the firms that are not there yet (by name), their registry records and missing
    indicator years. Call inside a transaction and a change context. Firms whose region is
    not in the region table are skipped and counted."""
    from jinxiu.apps.core.models import Organization, Region
    from jinxiu.apps.enterprises.bulk import bulk_create_logged
    from jinxiu.apps.enterprises.models import Enterprise, YearlyIndicator

    regions = {r.code: r for r in Region.objects.filter(
        code__in={f.region_code for f in firms})}
    usable = [f for f in firms if f.region_code in regions]
    orgs: dict[str, Organization] = {}
    for chunk in _chunks([f.name for f in usable]):
        for org in Organization.objects.filter(name__in=chunk):
            orgs[org.name] = org
    new_orgs = [Organization(name=f.name, short_name=f.short_name,
                             kind=Organization.Kind.ENTERPRISE,
                             region=regions[f.region_code], credit_code=f.credit_code,
                             is_synthetic=True, description=SYNTHETIC_NOTE)
                for f in usable if f.name not in orgs]
    for org in bulk_create_logged(Organization, new_orgs):
        orgs[org.name] = org
    if progress:
        progress(30, "organizations")
    with_record = set()
    for chunk in _chunks([o.pk for o in orgs.values()]):
        with_record.update(Enterprise.objects.filter(organization_id__in=chunk)
                           .values_list("organization_id", flat=True))
    new_records = []
    for f in usable:
        org = orgs[f.name]
        if org.pk in with_record:
            continue
        record = Enterprise(
            organization=org, legal_representative=f.legal_representative,
            registered_capital=f.registered_capital, established_on=f.established_on,
            status=f.status, address=f.address, business_scope=f.business_scope,
            main_industry=f.industry, secondary_industries=f.secondary, tags=f.tags)
        record.search_index = record.build_search_index()
        new_records.append(record)
    bulk_create_logged(Enterprise, new_records)
    if progress:
        progress(60, "registry records")
    have = set()
    for chunk in _chunks([o.pk for o in orgs.values()]):
        have.update(YearlyIndicator.objects.filter(organization_id__in=chunk)
                    .values_list("organization_id", "year"))
    new_indicators = [
        YearlyIndicator(organization=orgs[f.name], year=year,
                        source=YearlyIndicator.Source.STATISTICS, **values)
        for f in usable for year, values in f.years.items()
        if (orgs[f.name].pk, year) not in have]
    bulk_create_logged(YearlyIndicator, new_indicators)
    # bulk writes send no signals: the stored size class and 规上 of these firms, at once
    from jinxiu.apps.enterprises.services import size_assessments_refresh

    size_assessments_refresh(organization_ids={i.organization_id for i in new_indicators})
    return {"firms": len(usable), "skipped": len(firms) - len(usable),
            "organizations": len(new_orgs), "records": len(new_records),
            "indicators": len(new_indicators)}
