import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from jinxiu.apps.tracking.forms import OffStandardField
from tests.apps.tracking.conftest import DAY
from tests.helpers.factories import make_org, make_user

pytestmark = pytest.mark.django_db


def test_figures_page_shows_the_worked_shift(client, worked):
    client.force_login(worked["admin"])
    response = client.get(f"/tracking/figures/?day={DAY}")
    assert response.status_code == 200
    rows = {op.employee_no: f for op, f in response.context["rows"]}
    assert (rows["A1"].earned, rows["A1"].pay) == (Decimal("23.0000"), Decimal("5.76"))
    html = response.content.decode()
    assert 'data-operator="A1"' in html and "5.76" in html
    assert "待料（等待裁片或上工序） 30" in html  # off-standard by reason, in Chinese


def test_pay_page_and_payroll_export(client, worked):
    client.force_login(worked["admin"])
    response = client.get("/tracking/pay/?month=2026-03")
    assert response.status_code == 200 and response.context["total"] == Decimal("8.00")
    export = client.get("/tracking/pay/?month=2026-03&export=xlsx")
    assert export.status_code == 200
    book = load_workbook(io.BytesIO(export.content))
    summary = [[c.value for c in row] for row in book.worksheets[0].iter_rows()]
    assert summary[2] == ["甲企业", "A1", "陈红", 52, 3, 6.56]
    assert summary[3] == ["甲企业", "A2", "李明", 8, 0, 1.44]
    assert summary[-1][-1] == 8.0
    detail = [[c.value for c in row] for row in book.worksheets[1].iter_rows()]
    assert detail[1][3:] == ["1", "合肩", 10, 0, 0.08, 0.8]
    # a viewer reads the pay but does not export payroll
    viewer = make_user("v", memberships=[(worked["org"], "viewer")])
    client.force_login(viewer)
    assert client.get("/tracking/pay/?month=2026-03").context["total"] == Decimal("8.00")
    empty = client.get("/tracking/pay/?month=2026-03&export=xlsx")
    assert len(list(load_workbook(io.BytesIO(empty.content)).worksheets[0].iter_rows())) == 4


def test_line_board_in_its_three_layouts_and_refresh(client, worked):
    client.force_login(worked["admin"])
    url = f"/tracking/lines/{worked['line'].pk}/board/?day={DAY}"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="chart-output"' in html and 'id="chart-wip"' in html
    assert "<script>" not in html  # no inline scripts: charts carry data-option
    assert "目标 600 件</div>" in html  # the line's target in its unit (a shoe line: 双)
    assert page.context["board"]["bottleneck"] is not None
    tv = client.get(url + "&mode=tv").content.decode()
    assert "jx-tv" in tv and 'hx-trigger="every 10s"' in tv
    assert "jx-phone" in client.get(url + "&mode=phone").content.decode()
    partial = client.get(url, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and b"<html" not in partial.content
    # today's board polls; a past day's does not
    today = client.get(f"/tracking/lines/{worked['line'].pk}/board/").content.decode()
    assert 'hx-trigger="every 10s"' in today
    assert 'hx-trigger="every 10s"' not in html
    stranger = make_user("s", memberships=[(make_org("乙企业"), "admin")])
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    assert client.get(f"/tracking/figures/?day={DAY}").context["rows"] == []
    assert client.get("/tracking/pay/?month=2026-03").context["rows"] == []


def test_board_index_lists_visible_lines(client, worked):
    client.force_login(worked["admin"])
    response = client.get("/tracking/boards/")
    assert list(response.context["lines"]) == [worked["line"]]
    assert timezone.localdate()  # the board defaults to today


def test_off_standard_field_reads_both_notations():
    field = OffStandardField(required=False)
    assert field.clean("meeting: 15，waiting_work：20") == {"meeting": 15.0, "waiting_work": 20.0}
    assert field.clean('{"training": 30}') == {"training": 30}
    with pytest.raises(Exception, match="开会"):
        field.clean("开会 15")
