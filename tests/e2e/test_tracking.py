"""A supervisor: cut a lay into bundles, print the tickets, give a scanner its token, feed
scans, and watch the line board and the month's pay change."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.production.models import Operation
from jinxiu.apps.tracking.models import Device, PieceRate
from tests.apps.production.factories import make_line, make_operator
from tests.apps.tracking.factories import make_order
from tests.helpers.factories import make_org, make_regions, make_user

PASSWORD = "e2e-Passw0rd-锦绣"


@pytest.fixture
def supervisor(transactional_db):
    make_regions()
    org = make_org("【测试】锦程针织")
    line = make_line(org, name="一号线")
    with change_context(user=None, source="system"):
        worker = make_operator(org, name="陈红", line=line)
        worker.employee_no = "A1"
        worker.save()
        order = make_order(org, number="PO1", line=line)
        for op in Operation.objects.filter(style=order.style):
            PieceRate.objects.create(organization=org, operation=op, rate=Decimal("0.10"),
                                     valid_from=dt.date(2020, 1, 1))
        Device.objects.create(organization=org, name="一号线扫描枪", line=line, station="S1")
    make_user("sup", memberships=[(org, "admin")], password=PASSWORD)
    return {"org": org, "line": line, "order": order, "worker": worker}


def test_cut_print_scan_and_watch(page, live_server, supervisor):
    base = live_server.url
    page.goto(f"{base}/login/")
    page.fill("#id_username", "sup")
    page.fill("#id_password", PASSWORD)
    page.click("#login-form button[type=submit]")
    expect(page.locator("#user-menu")).to_be_visible()

    order = supervisor["order"]
    page.goto(f"{base}/tracking/orders/{order.pk}/")
    page.fill("#id_plies", "30")
    page.fill("#id_sizes", "M:1")
    page.fill("#id_bundle_plies", "20")
    page.click("text=分扎")
    expect(page.locator("table tbody tr")).to_have_count(2)
    pdf = page.request.get(f"{base}/tracking/orders/{order.pk}/tickets.pdf")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")

    device = Device.objects.get()
    page.goto(f"{base}/tracking/devices/{device.pk}/")
    page.click("text=签发新令牌")
    token = page.locator("[data-testid=device-token]").inner_text().strip()

    line = supervisor["line"]
    page.goto(f"{base}/tracking/lines/{line.pk}/board/")
    expect(page.locator("#fig-output")).to_have_text("0")
    now = timezone.localtime()
    # within the last ten minutes, but today: the board and the pay are per local day (a
    # run just after midnight in Asia/Shanghai, 16:00 UTC, saw yesterday's scans as none)
    earliest = max(now - dt.timedelta(minutes=10),
                   now.replace(hour=0, minute=0, second=0, microsecond=0))
    scans = [{"id": f"e{op}", "type": "scan", "operation": str(op), "operator": "A1",
              "bundle": "PO1-0001", "at": (earliest + (now - earliest) * op / 5).isoformat()}
             for op in (1, 2, 3, 4)]
    response = page.request.post(
        f"{base}/api/tracking/ingest/", data="\n".join(json.dumps(s) for s in scans),
        headers={"Authorization": f"Device {token}",
                 "Content-Type": "application/x-ndjson"})
    assert response.json() == {"received": 4, "stored": 4, "duplicates": 0}
    # the board refreshes itself: 20 pieces finished the last operation (整烫)
    expect(page.locator("#fig-output")).to_have_text("20", timeout=20_000)
    expect(page.locator("#chart-output svg")).to_be_visible()

    page.goto(f"{base}/tracking/pay/")
    # 4 operations × 20 pieces × ¥0.10
    expect(page.locator('#pay tr[data-operator="A1"]')).to_contain_text("8.00")

    # 陈红 gets a floor account linked to her operator record: signed in, she sees her own pay
    # and no line board, with no permission set up by hand
    from jinxiu.apps.tracking.models import FloorAccount

    chen = make_user("chen", password=PASSWORD)
    with change_context(user=None, source="system"):
        FloorAccount.objects.create(organization=supervisor["org"], user=chen,
                                    operator=supervisor["worker"])
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.fill("#id_username", "chen")
    page.fill("#id_password", PASSWORD)
    page.click("#login-form button[type=submit]")
    expect(page.locator("#user-menu")).to_be_visible()
    page.goto(f"{base}/tracking/pay/")
    expect(page.locator('#pay tr[data-operator="A1"]')).to_contain_text("8.00")
    board = page.goto(f"{base}/tracking/lines/{supervisor['line'].pk}/board/")
    assert board.status == 404
