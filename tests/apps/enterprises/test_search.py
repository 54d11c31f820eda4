import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.core.uscc import make_code
from jinxiu.apps.enterprises.filtersets import EnterpriseFilterSet
from jinxiu.apps.enterprises.models import Enterprise
from jinxiu.apps.enterprises.search import search_q, tokens
from tests.apps.enterprises.factories import make_enterprise
from tests.helpers.factories import make_org, make_regions, make_user

KNIT = make_code("91", "350581", "MA2Y0001")


@pytest.fixture
def registry(db):
    make_regions()
    knit = make_enterprise(
        make_org("石狮市锦程针织服饰有限公司", credit_code=KNIT, short_name="锦程针织"),
        former_names=["石狮锦程制衣厂"], business_scope="针织或钩针编织物织造；服装辅料销售",
        main_industry="1761", tags=["zjtx"])
    shoe = make_enterprise(
        make_org("温州步云鞋业有限公司", region_code="330302"),
        business_scope="皮鞋制造；鞋材销售", main_industry="1952", tags=["leader"])
    dye = make_enterprise(make_org("晋江华彩印染有限公司", region_code="350582"),
                          business_scope="棉印染精加工", main_industry="1713")
    return {"knit": knit, "shoe": shoe, "dye": dye}


def _names(**params):
    fs = EnterpriseFilterSet(params, queryset=Enterprise.objects.all())
    assert fs.is_valid(), fs.errors
    return sorted(e.organization.short_name or e.organization.name for e in fs.qs)


def test_tokens_segment_chinese():
    assert tokens("石狮市锦程针织服饰有限公司")[:3] == ["石狮", "石狮市", "锦程"]
    assert "针织" in tokens("针织或钩针编织物织造") and "钩针" in tokens("针织或钩针编织物织造")


@pytest.mark.parametrize(("query", "found"), [
    ("锦程", ["锦程针织"]),
    ("锦程针织服饰", ["锦程针织"]),
    ("制衣厂", ["锦程针织"]),  # a former name
    ("钩针", ["锦程针织"]),  # business scope
    ("鞋业 温州", ["温州步云鞋业有限公司"]),  # words in another order
    ("91350581", ["锦程针织"]),  # a code from its start
    (KNIT.lower(), ["锦程针织"]),
    ("印染", ["晋江华彩印染有限公司"]),
    ("服饰 皮鞋", []),
])
def test_search_finds_name_former_name_code_and_scope(registry, query, found):
    assert _names(q=query) == found


def test_the_index_follows_a_renamed_organization(registry):
    org = registry["knit"].organization
    with change_context(user=None, source="system"):
        org.name = "石狮市华美服饰有限公司"
        org.save()
    assert _names(q="华美") == ["锦程针织"]
    assert Enterprise.objects.filter(search_q("华美")).count() == 1


def test_filters_by_region_below_industry_prefix_and_tag(registry):
    assert _names(region="350500") == ["晋江华彩印染有限公司", "锦程针织"]  # 泉州 and below
    assert _names(region="330000") == ["温州步云鞋业有限公司"]
    assert _names(industry="17") == ["晋江华彩印染有限公司", "锦程针织"]
    assert _names(industry="195") == ["温州步云鞋业有限公司"]
    assert _names(tag="zjtx") == ["锦程针织"]
    assert _names(region="350500", industry="1761", q="针织") == ["锦程针织"]


def test_excel_export_of_a_filtered_list(registry, client):
    client.force_login(make_user())
    response = client.get(reverse("enterprises:enterprise_list"),
                          {"q": "针织", "region": "350581", "export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 2
    assert "石狮市锦程针织服饰有限公司" in [c.value for c in sheet[2]]
