"""The stored size class and 规上 status: maintained when indicators or the main industry
change (form, import, backfill command), and filtered on without revealing a firm's figures.

``SizeAssessment`` has no pages or API of its own (it is shown and filtered through the
registry); its visibility — the indicators' (financial data) — is tested here."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.core.models import DataShare, StatisticsPolicy
from jinxiu.apps.core.uscc import make_code
from jinxiu.apps.enterprises.models import SizeAssessment, YearlyIndicator
from tests.apps.enterprises.factories import make_enterprise, make_indicator
from tests.apps.enterprises.import_helpers import checked, run_import
from tests.helpers.factories import make_org, make_regions, make_user


def _size(org):
    row = SizeAssessment._base_manager.filter(organization=org).first()
    return None if row is None else (row.year, row.size_class, row.above_scale)


@pytest.fixture
def firm(db):
    make_regions()
    org = make_org("规模企业", region_code="350581")
    make_enterprise(org, main_industry="1761")
    return org


def test_indicators_keep_the_assessment_in_step(firm):
    assert _size(firm) is None
    make_indicator(firm, 2024, revenue=2500, employees=320)  # 工业: 300+ and 2,000+ → 中型
    assert _size(firm) == (2024, "medium", True)
    row = SizeAssessment._base_manager.get(organization=firm)
    assert "2500" in row.size_text.replace(",", "")
    latest = make_indicator(firm, 2025, revenue=1999, employees=320)  # below 2,000: 小型
    assert _size(firm) == (2025, "small", False)
    with change_context(user=None, source="system"):
        latest.employees = 19  # 微型 needs one indicator below its bound
        latest.save()
    assert _size(firm) == (2025, "micro", False)
    with change_context(user=None, source="system"):
        latest.delete()
    assert _size(firm) == (2024, "medium", True)
    with change_context(user=None, source="system"):
        YearlyIndicator.objects.filter(organization=firm).get().delete()
    assert _size(firm) is None


def test_the_main_industry_decides_the_thresholds(firm):
    make_indicator(firm, 2025, revenue=5000, employees=20)
    assert _size(firm) == (2025, "small", True)  # 工业: X ≥ 20 and Y ≥ 300 → 小型
    enterprise = firm.enterprise
    with change_context(user=None, source="system"):
        enterprise.main_industry = "5132"  # 批发业: X ≥ 20 and Y ≥ 5000 → 中型
        enterprise.save()
    assert _size(firm)[1] == "medium"


def test_an_indicator_import_refreshes_the_assessments(firm, django_capture_on_commit_callbacks):
    admin = make_user("import_admin", is_superuser=True)
    code = make_code("91", "350581", "MA2Y0077")
    firm.credit_code = code
    firm.save()
    rows = [["统一社会信用代码", "企业名称", "年度", "营业收入", "从业人员"],
            [code, "规模企业", 2025, "4.2亿元", 1200]]
    job = run_import(checked(admin, "indicators", rows), admin,
                     django_capture_on_commit_callbacks)
    assert job.status == "succeeded", job.error
    assert _size(firm) == (2025, "large", True)  # 42,000万 and 1,200 people: 大型


def test_backfill_command(firm):
    make_indicator(firm, 2025, revenue=2500, employees=320)
    SizeAssessment._base_manager.all().delete()
    call_command("registry_sizes", "--region", "3505")
    assert _size(firm) == (2025, "medium", True)
    call_command("registry_sizes")  # again: nothing changes
    assert SizeAssessment._base_manager.count() == 1


@pytest.fixture
def world(firm):
    make_indicator(firm, 2025, revenue=2500, employees=320)
    small = make_org("小企业", region_code="350581")
    make_enterprise(small)
    make_indicator(small, 2025, revenue=500, employees=50)
    bureau = make_org("石狮工信局", kind="bureau", region_code="350581")
    far_bureau = make_org("鹿城工信局", kind="bureau", region_code="330302")
    for b in (bureau, far_bureau):
        StatisticsPolicy.objects.create(bureau=b, categories=["financial"], basis="统计法",
                                        valid_from=dt.date(2020, 1, 1))
    partner = make_org("合作企业", region_code="330302")
    return {
        "firm": firm, "small": small, "partner": partner,
        "statistician": make_user("stat", memberships=[(bureau, "officer", True)]),
        "far_statistician": make_user("far", memberships=[(far_bureau, "officer", True)]),
        "bureau_officer": make_user("officer", memberships=[(bureau, "officer", False)]),
        "owner": make_user("owner", memberships=[(firm, "viewer")]),
        "partner_user": make_user("partner", memberships=[(partner, "viewer")]),
    }


def _names(client, user, query):
    client.force_login(user)
    response = client.get(reverse("enterprises:enterprise_list") + query)
    assert response.status_code == 200
    return {row.record.organization.name for row in response.context["table"].page.object_list}



def test_size_filter_for_those_who_may_see_the_figures(client, world):
    w = world
    assert _names(client, w["statistician"], "?size=medium") == {"规模企业"}
    assert _names(client, w["statistician"], "?size=small") == {"小企业"}
    assert _names(client, w["statistician"], "?above_scale=yes") == {"规模企业"}
    assert _names(client, w["statistician"], "?above_scale=no") == {"小企业"}
    assert _names(client, w["owner"], "?size=medium") == {"规模企业"}
    assert _names(client, w["owner"], "?size=small") == set()  # not its figures


@pytest.mark.parametrize("who", ["far_statistician", "bureau_officer", "partner_user"])
def test_size_filter_reveals_nothing_to_others(client, world, who):
    user = world[who]
    assert _names(client, user, "") == {"规模企业", "小企业"}  # registry facts: public
    for query in ("?size=medium", "?size=small", "?size=large", "?size=micro",
                  "?above_scale=yes", "?above_scale=no"):
        assert _names(client, user, query) == set(), query


def test_a_share_of_financial_data_lets_the_partner_filter_that_firm(client, world):
    w = world
    DataShare.objects.create(organization=w["firm"], grantee=w["partner"],
                             categories=["financial"])
    assert _names(client, w["partner_user"], "?size=medium") == {"规模企业"}
    assert _names(client, w["partner_user"], "?above_scale=no") == set()


def test_api_filter_follows_the_same_rule(world):
    api = APIClient()
    for who, expected in (("statistician", 1), ("bureau_officer", 0)):
        api.force_authenticate(world[who])
        response = api.get(reverse("enterprise-list") + "?size=medium")
        assert response.status_code == 200
        assert response.json()["count"] == expected


def test_nobody_types_an_assessment(world):
    row = SizeAssessment._base_manager.get(organization=world["firm"])
    for who in ("owner", "statistician"):
        assert not SizeAssessment.objects.restrict(world[who], "change").filter(
            pk=row.pk).exists()
    assert SizeAssessment.objects.restrict(world["owner"], "view").filter(pk=row.pk).exists()
    assert Decimal(2500) == YearlyIndicator._base_manager.get(
        organization=world["firm"]).operating_revenue


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's TOAST")
def test_the_reasons_live_outside_the_assessments_rows(firm):
    # PostgreSQL (migration 0008): the size filter reads class and owner of thousands of
    # rows; the engine's reasons (kilobytes) go to the TOAST table and read back whole, and
    # 40 assessments lie in at most 2 heap pages (compressed into the rows: 8 a page, 5+).
    # Counted by the pages the live rows are on: rolled-back rows of earlier tests stay in
    # the table's file.
    make_indicator(firm, 2025, revenue=2500, employees=320)
    for i in range(39):
        org = make_org(f"规模企业{i}", region_code="350581")
        make_enterprise(org, main_industry="1761")
        make_indicator(org, 2025, revenue=100 + i, employees=30)
    row = SizeAssessment._base_manager.get(organization=firm)
    assert len(row.size_text.encode()) + len(row.above_scale_text.encode()) > 1000
    assert SizeAssessment._base_manager.count() == 40
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(DISTINCT (ctid::text::point)[0]) "
                       "FROM enterprises_sizeassessment")
        assert cursor.fetchone()[0] <= 2


def test_the_size_filter_counts_and_pages_in_one_reading(client, world, monkeypatch):
    # RegistryAssessedPaginator (both databases): the visible assessments are read once for
    # count and page; the same rows and count as the plain paginator's two readings
    from django.test.utils import CaptureQueriesContext

    from jinxiu.apps.core.paginators import CappedPaginator
    from jinxiu.apps.enterprises import views
    from jinxiu.apps.enterprises.paginators import RegistryAssessedPaginator

    w = world
    for i in range(3):
        org = make_org(f"石狮小企业{i}", region_code="350581")
        make_enterprise(org)
        make_indicator(org, 2025, revenue=400 + i, employees=40)
    client.force_login(w["statistician"])
    url = reverse("enterprises:enterprise_list")

    def read(params):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, params)
        table = response.context["table"]
        assessed = [q["sql"] for q in ctx.captured_queries
                    if "enterprises_sizeassessment" in q["sql"]]
        return ([r.record.organization.name for r in table.page.object_list],
                table.paginator.count, type(table.paginator), assessed)

    names, count, used, assessed = read({"size": "small"})
    small = ["小企业", "石狮小企业0", "石狮小企业1", "石狮小企业2"]
    assert (sorted(names), count, used) == (sorted(small), 4, RegistryAssessedPaginator)
    assert len(assessed) == 1 and "MATERIALIZED" in assessed[0]
    monkeypatch.setattr(views.EnterpriseListView, "paginator_class", CappedPaginator)
    plain = read({"size": "small"})
    assert plain[:2] == (names, count) and len(plain[3]) == 2
