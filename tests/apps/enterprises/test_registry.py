import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from jinxiu.apps.enterprises.industry import industries, industry_name
from jinxiu.apps.enterprises.models import Enterprise
from tests.apps.enterprises.factories import make_enterprise, make_indicator
from tests.helpers.factories import make_org, make_regions, make_user


def test_industry_data_covers_the_chain():
    codes = industries()
    assert industry_name("1761") == "针织或钩针编织物织造"
    assert {"1713", "1762", "1830", "1951", "1953", "2822", "3553", "5132", "7491"} <= set(codes)
    assert codes["1761"].parent == "176" and codes["176"].parent == "17"


def test_unknown_industry_code_is_refused(db):
    org = make_org()
    with pytest.raises(ValidationError) as err:
        make_enterprise(org, main_industry="1234")
    assert "1234" in str(err.value)
    with pytest.raises(ValidationError) as err:
        make_enterprise(org, secondary_industries=["1762", "9999"])
    assert "9999" in str(err.value)


def test_unknown_tag_and_main_as_secondary_are_refused(db):
    org = make_org()
    with pytest.raises(ValidationError):
        make_enterprise(org, tags=["nonsense"])
    with pytest.raises(ValidationError):
        make_enterprise(org, main_industry="1761", secondary_industries=["1761"])


def test_only_enterprises_have_a_registry_record(db):
    with pytest.raises(ValidationError):
        make_enterprise(make_org(kind="bureau"))


def test_indicator_year_is_unique_per_enterprise(client, db):
    org = make_org()
    make_indicator(org, 2025, revenue=100)
    client.force_login(make_user(memberships=[(org, "admin")]))
    response = client.post(reverse("enterprises:yearlyindicator_add"),
                           {"organization": org.pk, "year": 2025, "source": "statistics"})
    assert response.status_code == 400


def test_indicator_records_who_entered_it(client, db):
    org = make_org()
    user = make_user(memberships=[(org, "member")])
    client.force_login(user)
    response = client.post(reverse("enterprises:yearlyindicator_add"),
                           {"organization": org.pk, "year": 2024, "employees": 12,
                            "source": "self_reported"})
    assert response.status_code == 302
    from jinxiu.apps.enterprises.models import YearlyIndicator

    assert YearlyIndicator.objects.get().entered_by == user


@pytest.fixture
def registry(db):
    make_regions()
    a = make_enterprise(make_org("锦绣针织", region_code="350581"), main_industry="1761",
                        tags=["zjtx"], former_names=["老针织厂"],
                        business_scope="针织服装制造")
    b = make_enterprise(make_org("步步鞋业", region_code="350582"), main_industry="1953",
                        secondary_industries=["1762"], tags=["leader", "high_tech"])
    c = make_enterprise(make_org("鹿城服饰", region_code="330302"), main_industry="1811")
    return a, b, c


def _names(client, query):
    response = client.get(reverse("enterprises:enterprise_list") + query)
    assert response.status_code == 200
    return sorted(r.record.organization.name for r in response.context["table"].page.object_list)


def test_list_filters(client, registry):
    client.force_login(make_user())
    assert _names(client, "?q=老针织") == ["锦绣针织"]
    assert _names(client, "?q=服装制造") == ["锦绣针织"]
    assert _names(client, "?region=350500") == ["步步鞋业", "锦绣针织"]
    assert _names(client, "?region=330302") == ["鹿城服饰"]
    assert _names(client, "?industry=176") == ["步步鞋业", "锦绣针织"]  # main or secondary
    assert _names(client, "?industry=19") == ["步步鞋业"]
    assert _names(client, "?tag=leader") == ["步步鞋业"]
    assert _names(client, "?tag=zjtx") == ["锦绣针织"]
    api = APIClient()
    api.force_authenticate(make_user())
    rows = api.get(reverse("enterprise-list") + "?industry=18").json()["results"]
    assert [r["name"] for r in rows] == ["鹿城服饰"]


def test_excel_export_of_a_filtered_list(client, registry):
    import io

    from openpyxl import load_workbook

    client.force_login(make_user())
    response = client.get(reverse("enterprises:enterprise_list") + "?tag=leader&export=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == "步步鞋业"
    assert "1953 塑料鞋制造" in rows[1]


def _fill(n, start):
    for i in range(start, start + n):
        org = make_org(f"企业{i:03d}")
        make_enterprise(org, tags=["zjtx"], secondary_industries=["1762"])
        make_indicator(org, 2025, revenue=1000 + i, employees=50)


@pytest.mark.parametrize("url_name", ["enterprises:enterprise_list",
                                      "enterprises:yearlyindicator_list",
                                      "enterprise-list", "yearlyindicator-list"])
def test_registry_lists_run_the_same_queries_at_3_and_30_rows(db, url_name):
    from django.test import Client

    make_regions()
    user = make_user(is_superuser=True)
    url = reverse(url_name)
    counts = []
    for n, start in ((3, 0), (27, 3)):
        _fill(n, start)
        if url.startswith("/api/"):
            client = APIClient()
            client.force_authenticate(user)
        else:
            client = Client()
            client.force_login(user)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1], f"{url}: {counts}"


def test_demo_data_is_valid_and_idempotent(db):
    from jinxiu.apps.core.changelog import change_context
    from jinxiu.apps.core.demo import demo_load
    from jinxiu.apps.core.models import ObjectChange
    from jinxiu.apps.core.uscc import check_code
    from jinxiu.apps.enterprises.models import YearlyIndicator

    make_regions()  # the demo's regions (石狮, 晋江) are among the test regions
    with change_context(user=None, source="cli"):
        demo_load()
    first = (Enterprise.objects.count(), YearlyIndicator.objects.count(),
             ObjectChange.objects.count())
    with change_context(user=None, source="cli"):
        demo_load()
    assert (Enterprise.objects.count(), YearlyIndicator.objects.count(),
            ObjectChange.objects.count()) == first
    assert first[:2] == (3, 9)
    for enterprise in Enterprise.objects.select_related("organization__region"):
        org = enterprise.organization
        assert org.is_synthetic and check_code(org.credit_code, region=org.region) == []


def test_unknown_codes_are_field_errors_on_the_page_and_in_the_api(client, db):
    org = make_org()
    enterprise = make_enterprise(org)
    admin = make_user(memberships=[(org, "admin")])
    client.force_login(admin)
    response = client.post(reverse("enterprises:enterprise_edit", args=[enterprise.pk]),
                           {"organization": org.pk, "status": "active", "main_industry": "1761",
                            "secondary_industries": "1762, 1234", "former_names": ""})
    assert response.status_code == 400
    assert "1234" in str(response.context["form"].errors["secondary_industries"])
    api = APIClient()
    api.force_authenticate(admin)
    response = api.patch(reverse("enterprise-detail", args=[enterprise.pk]),
                         {"main_industry": "1234"}, format="json")
    assert response.status_code == 400 and "1234" in str(response.json()["main_industry"])
    response = api.patch(reverse("enterprise-detail", args=[enterprise.pk]),
                         {"tags": ["nonsense"]}, format="json")
    assert response.status_code == 400 and "tags" in response.json()
    enterprise.refresh_from_db()
    assert enterprise.secondary_industries == [] and enterprise.tags == []


def test_detail_page_shows_facts_chart_and_verdict_to_the_owner(client, db):
    make_regions()
    org = make_org("图表企业", credit_code="91350581MA2Y00001G")
    enterprise = make_enterprise(org, tags=["leader"], secondary_industries=["1830"])
    for year, revenue, employees in ((2023, 1800, 250), (2024, 2100, 310), (2025, 2600, 330)):
        make_indicator(org, year, revenue=revenue, employees=employees)
    client.force_login(make_user(memberships=[(org, "viewer")]))
    body = client.get(enterprise.get_absolute_url()).content.decode()
    assert "91350581MA2Y00001G" in body and "1830 服饰制造" in body
    assert 'id="revenue-chart"' in body and "2600" in body
    assert 'data-testid="size-class">中型' in body or 'data-testid="size-class">Medium' in body \
        or "中型" in body
