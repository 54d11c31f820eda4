"""List pages and API lists run the same number of queries at 3 rows and at 30."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.core.models import JobRun
from jinxiu.apps.documents.models import Document
from tests.helpers.factories import make_org, make_user

pytestmark = pytest.mark.django_db

PAGES = ["/documents/", "/organizations/", "/jobs/", "/changes/",
         "/api/documents/", "/api/organizations/", "/api/jobs/", "/api/changes/",
         "/registry/", "/registry/?q=针织&region=350500&industry=17&tag=zjtx",
         "/registry/?size=micro&above_scale=no", "/registry/indicators/", "/registry/imports/",
         "/api/enterprises/", "/api/enterprises/?q=针织", "/api/enterprises/?size=micro",
         "/api/yearly-indicators/"]


def _fill(org, user, n):
    from jinxiu.apps.enterprises.models import ImportBatch, YearlyIndicator
    from tests.apps.enterprises.factories import make_enterprise

    with change_context(user=user, source="system"):
        for _i in range(n):
            other = make_org()
            make_enterprise(other, tags=["zjtx"], business_scope="针织服装制造",
                            main_industry="1761")
            Document.objects.create(organization=org, title="文件", uploaded_by=user)
            JobRun.objects.create(kind="core.demo_load", owner=user)
            YearlyIndicator.objects.create(
                organization=org, employees=10,
                year=1950 + YearlyIndicator.objects.filter(organization=org).count())
            ImportBatch.objects.create(kind="enterprises", owner=user, file="imports/x.csv",
                                       filename="x.csv")


def _count(user, url) -> tuple[int, int]:
    if url.startswith("/api/"):
        client = APIClient()
        client.force_authenticate(user)
    else:
        from django.test import Client

        client = Client()
        client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx), response


@pytest.mark.parametrize("url", PAGES)
def test_query_count_does_not_grow_with_rows(regions, url):
    org = make_org("本企业")
    user = make_user(memberships=[(org, "admin")])
    _fill(org, user, 3)
    _count(user, url)  # warm the per-process caches (content types) first
    few, _ = _count(user, url)
    _fill(org, user, 27)
    many, _response = _count(user, url)
    assert few == many, f"{url}: {few} queries at 3 rows, {many} at 30"


CUTTING_PAGES = ["/cutting/patterns/", "/cutting/pieces/", "/cutting/orders/",
                 "/cutting/markers/", "/api/cutting/patterns/", "/api/cutting/pieces/",
                 "/api/cutting/orders/", "/api/cutting/markers/"]


def _fill_cutting(org, n, start):
    from tests.apps.cutting import factories as f

    for i in range(start, start + n):
        pattern = f.make_small_pattern(org, f.make_style(org, f"C{i}"))
        f.make_marker(org, f.make_order(org, pattern, name=f"裁单{i}"))


@pytest.mark.parametrize("url", CUTTING_PAGES)
def test_cutting_lists_run_the_same_queries_at_3_and_30_rows(regions, url):
    org = make_org("裁剪车间")
    user = make_user(memberships=[(org, "admin")])
    _fill_cutting(org, 3, 0)
    few, _ = _count(user, url)
    _fill_cutting(org, 27, 3)
    many, _response = _count(user, url)
    assert few == many, f"{url}: {few} queries at 3 rows, {many} at 30"


CHAIN_PAGES = ["/chain/nodes/", "/chain/links/", "/chain/benchmarks/",
               "/api/chain/nodes/", "/api/chain/links/", "/api/chain/benchmarks/",
               "/chain/gaps/?region=350581&year=2025", "/chain/?region=350581&year=2025",
               "/chain/candidates/?region=350581&year=2025", "/chain/projects/",
               "/api/chain/projects/", "/chain/projects/overdue/",
               "/chain/projects/rollup/?by=node", "/chain/projects/rollup/?by=year",
               "/chain/platforms/", "/api/chain/platforms/",
               "/chain/?region=350581&year=2025&preset=jincheng_7"]


def _fill_chain(org, n):
    import datetime as dt
    from decimal import Decimal

    from jinxiu.apps.chain.models import (
        ChainBenchmark,
        ChainNode,
        EnterpriseLink,
        KeyProject,
        Milestone,
        Platform,
    )
    from jinxiu.apps.enterprises.models import Enterprise, YearlyIndicator

    with change_context(user=None, source="system"):
        root, _ = ChainNode.objects.get_or_create(code="tafc", defaults={"name": "链"})
        for _i in range(n):
            firm_org = make_org(region_code="350581")
            firm = Enterprise.objects.create(organization=firm_org, main_industry="1761")
            YearlyIndicator.objects.create(organization=firm_org, year=2025,
                                           industrial_output=Decimal("100"))
            node = ChainNode.objects.create(code=f"n{ChainNode.objects.count()}", name="节点",
                                            parent=root, organization=org, region=org.region)
            EnterpriseLink.objects.create(enterprise=firm, node=node, grade="strong")
            ChainBenchmark.objects.create(organization=org, name="参照", region=org.region,
                                          year=2025, local_total_output=1, reference_name="省",
                                          reference_total_output=1, source="年鉴")
            project = KeyProject.objects.create(
                organization=org, code=f"P{KeyProject.objects.count()}", name="项目",
                region=org.region, node=node, owner_enterprise=firm,
                investments={"2025": {"planned": 10}})
            Milestone.objects.create(project=project, name="开工",
                                     planned_date=dt.date(2020, 1, 1))
            Platform.objects.create(organization=org, name=f"平台{Platform.objects.count()}",
                                    kind="testing", level="county", node=node,
                                    owner_enterprise=firm, region=org.region)


@pytest.mark.parametrize("url", CHAIN_PAGES)
def test_chain_query_count_does_not_grow_with_rows(regions, url):
    org = make_org("本局", kind="bureau")
    user = make_user(memberships=[(org, "admin", True)])
    _fill_chain(org, 3)
    few, _ = _count(user, url)
    _fill_chain(org, 27)
    many, _response = _count(user, url)
    assert few == many, f"{url}: {few} queries at 3 rows, {many} at 30"


CULTIVATION_PAGES = ["/cultivation/", "/cultivation/expiring/",
                     "/cultivation/records/", "/cultivation/runs/",
                     "/cultivation/evaluations/", "/cultivation/applications/",
                     "/cultivation/rulesets/", "/api/cultivation/records/",
                     "/api/cultivation/runs/", "/api/cultivation/evaluations/",
                     "/api/cultivation/applications/", "/api/cultivation/rulesets/"]


def _fill_cultivation(bureau, run, n):
    import datetime as dt

    from tests.apps.cultivation.factories import make_application, make_evaluation, make_record

    for _i in range(n):
        firm = make_org()
        make_record(firm, "innovative_sme", granted=dt.date.today() - dt.timedelta(days=1000))
        make_evaluation(firm, run, "does_not_qualify", change_count=1,
                        changes=[{"fact": "rd_expense", "year": 2025, "label": "研发费用",
                                  "current": 1, "required": 2, "measure": ""}])
        make_application(firm)


@pytest.mark.parametrize("url", CULTIVATION_PAGES)
def test_cultivation_query_count_does_not_grow_with_rows(regions, url):
    from django.utils import timezone

    from tests.apps.cultivation.factories import make_run

    bureau = make_org("本局", kind="bureau")
    user = make_user(memberships=[(bureau, "officer")])
    run = make_run(bureau, code="innovative_sme")
    with change_context(user=None, source="system"):
        run.finished = timezone.now()
        run.save()
    _fill_cultivation(bureau, run, 3)
    few, _ = _count(user, url)
    _fill_cultivation(bureau, run, 27)
    many, _response = _count(user, url)
    assert few == many, f"{url}: {few} queries at 3 rows, {many} at 30"


TRACKING_PAGES = ["/tracking/orders/", "/tracking/bundles/", "/tracking/devices/",
                  "/tracking/events/", "/api/tracking/orders/", "/api/tracking/bundles/",
                  "/api/tracking/devices/", "/api/tracking/events/", "/tracking/attendance/",
                  "/tracking/rates/", "/api/tracking/attendance/", "/api/tracking/rates/",
                  "/tracking/accounts/", "/api/tracking/accounts/"]


@pytest.mark.parametrize("url", TRACKING_PAGES)
def test_tracking_query_count_does_not_grow_with_rows(regions, url):
    from jinxiu.apps.production.models import Operator
    from jinxiu.apps.tracking.ingest import events_ingest
    from jinxiu.apps.tracking.models import Attendance, FloorAccount, PieceRate
    from jinxiu.apps.tracking.services import bundles_cut
    from tests.apps.tracking.factories import T0, make_device, make_floor, make_order, scan

    org = make_org("本企业")
    user = make_user(memberships=[(org, "admin")])
    floor = make_floor(org)
    operation = floor["order"].style.operations.first()

    def fill(start, n):
        with change_context(user=user, source="system"):
            for i in range(start, start + n):
                order = make_order(org, number=f"Q{i}", style=floor["order"].style,
                                   line=floor["line"])
                bundles_cut(order=order, lay=1, plies=20, sizes={"M": 1}, bundle_plies=20)
                make_device(org, line=floor["line"], name=f"d{i}")
                day = T0 + dt.timedelta(days=i)
                Attendance.objects.create(organization=org, operator=floor["a1"],
                                          date=day.date(), clock_in=day,
                                          clock_out=day + dt.timedelta(hours=8))
                PieceRate.objects.create(organization=org, operation=operation,
                                         rate=Decimal("0.1"), valid_from=day.date())
                account = FloorAccount.objects.create(
                    organization=org, user=make_user(f"floor{i}"),
                    operator=Operator.objects.create(organization=org, name=f"工{i}",
                                                     line=floor["line"], employee_no=f"F{i}"))
                account.lines.set([floor["line"]])
        events_ingest(device=floor["device"], items=[
            scan(f"e{i}", i % 50, bundle=f"Q{i}-0001", operator=("A1", "A2")[i % 2])
            for i in range(start, start + n)])

    fill(0, 3)
    _count(user, url)  # warms the content-type cache, as any earlier request would
    few, _ = _count(user, url)
    fill(3, 27)
    many, _response = _count(user, url)
    assert few == many, f"{url}: {few} queries at 3 rows, {many} at 30"
