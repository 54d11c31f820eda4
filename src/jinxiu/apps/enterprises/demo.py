"""Registry records for the demo cluster. SYNTHETIC: the credit codes are made up (their check
characters are computed so they validate; they may coincide with no real entity), and every
figure is invented."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from jinxiu.apps.core.demo import DemoState, demo_step

# organization-code bodies "MA9DEM0n": made up for the demo
REGISTRY = {
    "ent_knit": {
        "body": "MA9DEM01",
        "legal_representative": "陈某（示例）",
        "registered_capital": "3000",
        "established_on": "2009-04-16",
        "address": "福建省石狮市（示例）针织工业区 1 号",
        "latitude": "24.731900", "longitude": "118.648300",
        "business_scope": "针织或钩针编织物织造；针织服装制造；服装辅料销售。（示例数据）",
        "main_industry": "1761", "secondary_industries": ["1821", "1829"],
        "tags": ["zjtx"],
        # year, revenue, output, profit, tax, R&D, exports, employees, patents (inv, utl, des, sw)
        "years": [
            (2023, "18200", "17650", "910", "520", "560", "6100", 280, (1, 9, 14, 2)),
            (2024, "21400", "20800", "1120", "610", "690", "7400", 305, (2, 12, 18, 3)),
            (2025, "24650", "23900", "1310", "705", "820", "8800", 318, (3, 15, 21, 3)),
        ],
    },
    "ent_shoe": {
        "body": "MA9DEM02",
        "legal_representative": "林某（示例）",
        "registered_capital": "8800",
        "established_on": "2003-08-09",
        "address": "福建省晋江市（示例）鞋业园 8 号",
        "latitude": "24.781200", "longitude": "118.552000",
        "business_scope": "塑料鞋、橡胶鞋、纺织面料鞋制造；鞋材销售。（示例数据）",
        "main_industry": "1953", "secondary_industries": ["1951", "1954"],
        "tags": ["leader", "high_tech"],
        "years": [
            (2023, "52300", "50100", "3100", "1880", "1720", "21000", 1180, (6, 40, 55, 4)),
            (2024, "58900", "56700", "3560", "2050", "1960", "23900", 1240, (8, 46, 61, 5)),
            (2025, "63100", "61000", "3900", "2210", "2150", "25600", 1265, (9, 51, 66, 6)),
        ],
    },
    "ent_dye": {
        "body": "MA9DEM03",
        "legal_representative": "黄某（示例）",
        "registered_capital": "1200",
        "established_on": "2011-11-02",
        "address": "福建省石狮市（示例）印染集控区 3 号",
        "latitude": None, "longitude": None,
        "business_scope": "棉印染精加工；针织物印染精加工。（示例数据）",
        "main_industry": "1713", "secondary_industries": ["1762"],
        "tags": [],
        "years": [
            (2023, "1650", "1600", "80", "62", "35", None, 95, (0, 3, 0, 0)),
            (2024, "1880", "1820", "96", "70", "41", None, 102, (0, 4, 0, 0)),
            (2025, "2120", "2060", "118", "79", "48", None, 110, (1, 5, 0, 0)),
        ],
    },
}


def _dec(value):
    return Decimal(value) if value is not None else None


@demo_step(40, "registry")
def _registry(state: DemoState) -> None:
    from jinxiu.apps.core.models import Organization
    from jinxiu.apps.core.uscc import make_code
    from jinxiu.apps.enterprises.models import Enterprise, YearlyIndicator

    for key, org in state.organizations.items():
        if org.kind != Organization.Kind.ENTERPRISE or key not in REGISTRY:
            continue
        spec = REGISTRY[key]
        if not org.credit_code and org.region is not None:
            org.credit_code = make_code("91", org.region.code, spec["body"])
            org.save()
        if not Enterprise.objects.filter(organization=org).exists():
            enterprise = Enterprise(
                organization=org, legal_representative=spec["legal_representative"],
                registered_capital=_dec(spec["registered_capital"]),
                established_on=dt.date.fromisoformat(spec["established_on"]),
                address=spec["address"], latitude=_dec(spec["latitude"]),
                longitude=_dec(spec["longitude"]), business_scope=spec["business_scope"],
                main_industry=spec["main_industry"],
                secondary_industries=spec["secondary_industries"], tags=spec["tags"],
                status=Enterprise.Status.OPERATING,
            )
            enterprise.full_clean()
            enterprise.save()
        for year, revenue, output, profit, tax, rd, exports, employees, patents in spec["years"]:
            if YearlyIndicator.objects.filter(organization=org, year=year).exists():
                continue
            YearlyIndicator.objects.create(
                organization=org, year=year, operating_revenue=_dec(revenue),
                industrial_output=_dec(output), profit=_dec(profit), tax=_dec(tax),
                rd_expense=_dec(rd), exports=_dec(exports), employees=employees,
                invention_patents=patents[0], utility_model_patents=patents[1],
                design_patents=patents[2], software_copyrights=patents[3],
                source=YearlyIndicator.Source.SELF_REPORTED,
            )


@demo_step(45, "registry cluster")
def _registry_cluster(state: DemoState) -> None:
    """The synthetic cluster of ``synthetic.py`` (``JINXIU_DEMO_CLUSTER_FIRMS`` firms; 0 in
    the test settings, where each test builds what it needs)."""
    from django.conf import settings

    from jinxiu.apps.enterprises.synthetic import generate, load

    firms = getattr(settings, "JINXIU_DEMO_CLUSTER_FIRMS", 3000)
    if firms > 0:
        load(generate(firms=firms))
