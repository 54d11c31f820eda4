import datetime as dt
from decimal import Decimal

import pytest

from jinxiu.apps.chain.models import ChainBenchmark
from jinxiu.apps.chain.services import links_rebuild, taxonomy_load
from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.core.models import StatisticsPolicy
from jinxiu.apps.enterprises.models import Enterprise
from tests.apps.enterprises.factories import make_enterprise, make_indicator
from tests.helpers.factories import make_org, make_regions, make_user

# (name, region, main industry, scope, tags, output 2025, output 2023) — see test_atlas.py
FIRMS = [
    ("针织甲", "350581", "1761", "针织面料织造", ["leader"], 60000, 50000),
    ("针织乙", "350581", "1761", "", [], 20000, 16000),
    ("针织丙", "350582", "1761", "", [], 10000, 9000),
    ("印染丁", "350581", "1713", "", [], 8000, 10000),
    # the pool outside 泉州
    ("鞋业戊", "330302", "1953", "", ["leader"], 90000, 70000),
    ("皮鞋己", "330302", "1952", "", [], 5000, None),
    ("印染庚", "330302", "1762", "", [], 30000, None),
]


@pytest.fixture
def cluster(db):
    return build_cluster()


def build_cluster(password: str = "pw-Test-12345") -> dict:
    make_regions()
    taxonomy_load()
    firms = {}
    for name, region, code, scope, tags, out25, out23 in FIRMS:
        org = make_org(name, region_code=region)
        firms[name] = make_enterprise(org, main_industry=code, business_scope=scope, tags=tags)
        for year, output in ((2025, out25), (2023, out23)):
            if output is not None:
                make_indicator(org, year, industrial_output=Decimal(output))
    bureau = make_org("石狮工信局", kind="bureau", region_code="350581")
    StatisticsPolicy.objects.create(bureau=bureau, categories=["financial"], basis="统计法",
                                    valid_from=dt.date(2020, 1, 1))
    with change_context(user=None, source="system"):
        links_rebuild(enterprises=Enterprise.objects.select_related("organization__region"))
        benchmark = ChainBenchmark.objects.create(
            organization=bureau, name="参照", region=firms["针织甲"].organization.region.parent,
            year=2025, local_total_output=Decimal("1000000"), reference_name="参照省",
            reference_total_output=Decimal("100000000"),
            node_outputs={"knit_fabric": 5000000}, source="测试年鉴")
    return {
        "firms": firms, "bureau": bureau, "benchmark": benchmark,
        "statistician": make_user("statistician", memberships=[(bureau, "officer", True)],
                                  password=password),
        "stranger": make_user("stranger", memberships=[(make_org("外企业",
                                                                 region_code="330302"),
                                                        "admin")]),
        "admin": make_user("root", is_superuser=True),
    }
