"""An industrial engineer: import a bulletin, balance the line, move an operation, export."""

import re

import pytest
from playwright.sync_api import expect

from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.production.models import Style
from tests.helpers.factories import make_org, make_regions, make_user

PASSWORD = "e2e-Passw0rd-锦绣"
BULLETIN = """工序号,工序名称,设备类型,标准工时(秒),紧前工序
1,合肩缝,包缝,20,
2,上领,平车,30,1
3,做门襟,平车,40,
4,整烫,熨烫,10,"2,3"
"""


@pytest.fixture
def engineer(transactional_db):
    make_regions()
    org = make_org("【测试】锦程针织")
    with change_context(user=None, source="system"):
        Style.objects.create(organization=org, code="P1", name="POLO")
    return make_user("ie", memberships=[(org, "admin")], password=PASSWORD)


def test_import_balance_move_export(page, live_server, engineer, task_worker, tmp_path):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "ie")
    page.fill("#id_password", PASSWORD)
    page.click("#login-form button[type=submit]")
    expect(page.locator("#user-menu")).to_be_visible()
    style = Style.objects.get(code="P1")
    page.goto(f"{live_server.url}/production/styles/{style.pk}/")

    bad = tmp_path / "坏工序表.csv"
    bad.write_text(BULLETIN.replace("熨烫", "火箭"), encoding="utf-8")
    page.set_input_files("#bulletin-file", str(bad))
    page.click("#import-form button[type=submit]")
    expect(page.locator("#import-errors")).to_contain_text("火箭")
    page.go_back()

    good = tmp_path / "工序表.csv"
    good.write_text(BULLETIN, encoding="utf-8")
    page.set_input_files("#bulletin-file", str(good))
    page.click("#import-form button[type=submit]")
    expect(page.locator("#bulletin tbody tr")).to_have_count(4)

    page.click("#new-plan")
    page.fill("#id_cycle_seconds", "50")
    page.click("form.jx-form button[type=submit]")
    page.click("#run-plan")
    expect(page.locator("#plan-panel")).to_have_attribute("data-status", "done", timeout=60_000)
    expect(page.locator("#fig-workplaces")).to_have_text("3")
    expect(page.locator("#yamazumi svg")).to_be_visible()

    row = page.locator("[data-operation='4']")
    row.locator("select").select_option("1")  # htmx posts the move; the panel comes back
    expect(page.locator("#plan-warnings")).to_contain_text("4")
    expect(page.locator("[data-station='1'] [data-operation='4']")).to_be_visible()
    # the chart's key after the swap: each machine type's square in its colour (set by
    # app.js from data-swatch; the CSP refuses inline styles)
    swatch = page.locator("#chart-legend .jx-swatch").first
    expect(swatch).to_have_css("background-color", "rgb(84, 112, 198)")  # #5470c6

    with page.expect_download() as download:
        page.click("#export-plan-xlsx")
    assert re.search(r"\.xlsx$", download.value.suggested_filename)
    page.goto(f"{live_server.url}/production/styles/{style.pk}/")
    with page.expect_download() as download:
        page.click("#export-bulletin")
    assert download.value.suggested_filename.endswith(".xlsx")
