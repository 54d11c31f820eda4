"""What a bureau sees of an enterprise's floor when the enterprise shares its production
data: daily output and efficiency per enterprise, never scans or pay, nothing from fewer than
3 operators."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.core.models import DataShare
from jinxiu.apps.tracking.ingest import events_ingest
from jinxiu.apps.tracking.models import Attendance
from jinxiu.apps.tracking.selectors import pay_for_month, shared_daily_aggregates
from tests.apps.production.factories import make_operator
from tests.apps.tracking.factories import T0, make_floor, scan
from tests.helpers.factories import make_org, make_user
from tests.helpers.html import page_text

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)


def attend(org, *operators):
    with change_context(user=None, source="system"):
        for operator in operators:
            Attendance.objects.create(organization=org, operator=operator, date=DAY,
                                      clock_in=T0, clock_out=T0 + dt.timedelta(hours=8))


@pytest.fixture
def cluster(regions):
    """甲企业: A1 整烫 (op 4, 10 s) 20 pcs, A2 做门襟 (op 3, 40 s) 20 pcs, A3 合肩 (op 1, 20 s)
    10 pcs: earned 200 + 800 + 200 s = 20 min over 3 × 480 attended minutes → efficiency
    0.0139, output 20 (the last operation). 乙企业: one operator. 丙企业 shares nothing."""
    a_org, b_org, c_org = (make_org(n, region_code="350581") for n in ("甲企业", "乙企业",
                                                                      "丙企业"))
    a, b, c = make_floor(a_org), make_floor(b_org), make_floor(c_org)
    a3 = make_operator(a_org, name="王芳", line=a["line"])
    with change_context(user=None, source="system"):
        a3.employee_no = "A3"
        a3.save()
    attend(a_org, a["a1"], a["a2"], a3)
    attend(b_org, b["a1"])
    events_ingest(device=a["device"], items=[
        scan("a1", 10, op="4"), scan("a2", 20, op="3", operator="A2"),
        scan("a3", 30, bundle="PO1-0002", op="1", operator="A3")])
    events_ingest(device=b["device"], items=[scan("b1", 10, op="4")])
    events_ingest(device=c["device"], items=[scan("c1", 10, op="4")])
    bureau_org = make_org("石狮市工信局", kind="bureau", region_code="350581")
    bureau = make_user("bureau", memberships=[(bureau_org, "viewer")])
    return {"a": a_org, "b": b_org, "c": c_org, "bureau_org": bureau_org, "bureau": bureau}


def share(cluster, *orgs):
    for org in orgs:
        DataShare.objects.create(organization=org, grantee=cluster["bureau_org"],
                                 categories=["production"])
    return type(cluster["bureau"]).objects.get(pk=cluster["bureau"].pk)


def test_without_a_share_the_bureau_sees_nothing(cluster):
    assert shared_daily_aggregates(user=cluster["bureau"], date_from=DAY, date_to=DAY) == []


def test_a_share_gives_daily_aggregates_and_withholds_small_crews(cluster):
    bureau = share(cluster, cluster["a"], cluster["b"])
    rows = shared_daily_aggregates(user=bureau, date_from=DAY, date_to=DAY)
    assert [(r.organization.name, r.day, r.operators, r.output, str(r.efficiency))
            for r in rows] == [("乙企业", DAY, 1, None, "None"),
                               ("甲企业", DAY, 3, 20, "0.0139")]
    assert shared_daily_aggregates(user=bureau, date_from=DAY + dt.timedelta(days=1),
                                   date_to=DAY + dt.timedelta(days=7)) == []


def test_a_share_never_shows_scans_attendance_or_pay(cluster, client):
    bureau = share(cluster, cluster["a"], cluster["b"])
    api = APIClient()
    api.force_authenticate(bureau)
    assert api.get("/api/tracking/events/").json()["results"] == []
    assert api.get("/api/tracking/attendance/").json()["results"] == []
    assert pay_for_month(user=bureau, year=2026, month=3) == []
    client.force_login(bureau)
    page = client.get("/tracking/shared/?from=2026-03-02&to=2026-03-02")
    assert page.status_code == 200
    html = page_text(page)
    assert 'data-day="2026-03-02"' in html and "甲企业" in html and "丙企业" not in html
    assert "不公开" in html  # 乙企业's single operator
    assert "A1" not in html and "陈红" not in html


def test_a_member_of_the_enterprise_is_not_a_grantee(cluster):
    member = make_user("m", memberships=[(cluster["a"], "admin")])
    assert shared_daily_aggregates(user=member, date_from=DAY, date_to=DAY) == []
