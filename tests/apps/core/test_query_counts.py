"""List pages and API lists run the same number of queries at 3 rows and at 30."""

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
         "/registry/indicators/", "/registry/imports/",
         "/api/enterprises/", "/api/enterprises/?q=针织", "/api/yearly-indicators/"]


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
