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
         "/api/documents/", "/api/organizations/", "/api/jobs/", "/api/changes/"]


def _fill(org, user, n):
    with change_context(user=user, source="system"):
        for _i in range(n):
            make_org()
            Document.objects.create(organization=org, title="文件", uploaded_by=user)
            JobRun.objects.create(kind="core.demo_load", owner=user)


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
    few, _ = _count(user, url)
    _fill(org, user, 27)
    many, _response = _count(user, url)
    assert few == many, f"{url}: {few} queries at 3 rows, {many} at 30"


TRACKING_PAGES = ["/tracking/orders/", "/tracking/bundles/", "/tracking/devices/",
                  "/tracking/events/", "/api/tracking/orders/", "/api/tracking/bundles/",
                  "/api/tracking/devices/", "/api/tracking/events/", "/tracking/attendance/",
                  "/tracking/rates/", "/api/tracking/attendance/", "/api/tracking/rates/"]


@pytest.mark.parametrize("url", TRACKING_PAGES)
def test_tracking_query_count_does_not_grow_with_rows(regions, url):
    from jinxiu.apps.tracking.ingest import events_ingest
    from jinxiu.apps.tracking.models import Attendance, PieceRate
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
        events_ingest(device=floor["device"], items=[
            scan(f"e{i}", i % 50, bundle=f"Q{i}-0001", operator=("A1", "A2")[i % 2])
            for i in range(start, start + n)])

    fill(0, 3)
    _count(user, url)  # warms the content-type cache, as any earlier request would
    few, _ = _count(user, url)
    fill(3, 27)
    many, _response = _count(user, url)
    assert few == many, f"{url}: {few} queries at 3 rows, {many} at 30"
