"""A bureau clerk imports the registry file with one bad row, reads the error report, fixes
the cell in it, uploads that file again, imports, finds the new firms in the list and sees the
chain atlas change (the import links them to the chain in the follow-up job it starts when it
commits; no manual re-link)."""

import io
import time

import pytest
from django.contrib.contenttypes.models import ContentType
from openpyxl import Workbook, load_workbook
from playwright.sync_api import expect

from jinxiu.apps.chain.services import taxonomy_load
from jinxiu.apps.core.models import JobRun, ObjectPermission, Organization
from jinxiu.apps.core.uscc import make_code
from jinxiu.apps.enterprises.models import Enterprise, ImportBatch
from tests.helpers.factories import make_org, make_regions, make_user

PASSWORD = "e2e-Passw0rd-锦绣"
HEADERS = ["统一社会信用代码", "企业名称", "所属区县", "注册资本", "成立日期", "行业代码"]


@pytest.fixture
def clerk(transactional_db):
    make_regions()
    taxonomy_load()
    bureau = make_org("【测试】石狮市工信局", kind="bureau")
    user = make_user("clerk", memberships=[(bureau, "officer")], password=PASSWORD)
    for model, lookup in ((Organization, "region__code__startswith"),
                          (Enterprise, "organization__region__code__startswith")):
        grant = ObjectPermission.objects.create(
            name=f"石狮 {model.__name__}", actions=["view", "add", "change"],
            constraints={lookup: "350581"})
        grant.object_types.add(ContentType.objects.get_for_model(model))
        grant.users.add(user)
    return user


def _file(path, industry_of_second_row: str) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["石狮市纺织服装企业名录（测试）"])
    sheet.append(HEADERS)
    sheet.append([make_code("91", "350581", "MA2Y0101"), "石狮市测甲针织有限公司", "石狮市",
                  "1,200万元", "2009-04-16", "1761"])
    sheet.append([make_code("91", "350581", "MA2Y0102"), "石狮市测乙印染有限公司", "350581",
                  "0.3亿", "2011-11-02", industry_of_second_row])
    sheet.append([make_code("91", "350581", "MA2Y0103"), "石狮市测丙服饰有限公司", "350581",
                  "¥80万", "2015-06-30", "1819"])
    book.save(path)


def test_import_with_a_bad_row_then_fixed(page, live_server, clerk, task_worker, tmp_path):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "clerk")
    page.fill("#id_password", PASSWORD)
    page.click("#login-form button[type=submit]")
    expect(page.locator("#user-menu")).to_be_visible()

    # the 石狮 chain before the import: no knitting, no dyeing firm
    gaps = f"{live_server.url}/chain/gaps/?region=350581&year=2025"
    page.goto(gaps)
    for node in ("knit_fabric", "fabric_dyeing", "apparel"):
        row = page.locator(f"tr[data-node={node}]")
        expect(row).to_have_attribute("data-verdict", "missing")
        expect(row.locator("td").nth(1)).to_have_text("0")

    bad = tmp_path / "名录.xlsx"
    _file(bad, "9999")
    page.goto(f"{live_server.url}/registry/imports/")
    page.select_option("#id_kind", "enterprises")
    page.set_input_files("#id_file", str(bad))
    page.click("#import-upload button[type=submit]")
    expect(page.locator("#import-mapping")).to_be_visible()
    page.click("#import-check")
    expect(page.locator("#import-errors")).to_contain_text("9999")
    expect(page.locator("#import-status")).to_have_attribute("data-status", "rejected")
    assert not Enterprise.objects.exists()

    with page.expect_download() as download:
        page.click("#import-report")
    report = tmp_path / "错误报告.xlsx"
    download.value.save_as(report)
    book = load_workbook(report)
    data = book.worksheets[0]
    assert [c.value for c in data[1]] == [*HEADERS, "错误说明"]
    assert data.cell(row=3, column=6).value == "9999"
    assert data.cell(row=3, column=6).fill.start_color.rgb.endswith("FFC7CE")
    assert "9999" in data.cell(row=3, column=7).value
    errors = book.worksheets[1]
    assert [c.value for c in errors[2]][:3] == [4, "行业代码", "9999"]

    data.cell(row=3, column=6).value = "1713"  # the clerk fixes the cell in the report
    fixed = io.BytesIO()
    book.save(fixed)
    fixed_path = tmp_path / "名录-改正.xlsx"
    fixed_path.write_bytes(fixed.getvalue())

    page.goto(f"{live_server.url}/registry/imports/")
    page.select_option("#id_kind", "enterprises")
    page.set_input_files("#id_file", str(fixed_path))
    page.click("#import-upload button[type=submit]")
    page.click("#import-check")
    expect(page.locator("#import-status")).to_have_attribute("data-status", "ready")
    page.click("#import-start")
    expect(page.locator("#import-job .jx-job")).to_have_attribute(
        "data-status", "succeeded", timeout=60_000)
    page.reload()
    expect(page.locator("#import-status")).to_have_attribute("data-status", "done")
    expect(page.locator("#import-summary")).to_contain_text("3")

    page.goto(f"{live_server.url}/registry/?q=印染")
    expect(page.locator("table")).to_contain_text("石狮市测乙印染有限公司")
    assert Enterprise.objects.get(organization__name="石狮市测乙印染有限公司").main_industry == \
        "1713"

    # the links follow in the import's follow-up job, which the worker runs next
    link_job = ImportBatch.objects.latest("pk").job.result["link_job"]
    deadline = time.monotonic() + 60
    while JobRun.objects.get(pk=link_job).status != "succeeded":
        assert time.monotonic() < deadline, "the follow-up linking job did not finish"
        time.sleep(0.2)
    # the atlas then reflects the imported firms: 1761 knitting, 1713 (fixed) dyeing,
    # 1819 apparel; the drill-down from a node lists its firm
    page.goto(gaps)
    for node in ("knit_fabric", "fabric_dyeing"):
        row = page.locator(f"tr[data-node={node}]")
        expect(row.locator("td").nth(1)).to_have_text("1")
        expect(row).not_to_have_attribute("data-verdict", "missing")
    page.locator("tr[data-node=fabric_dyeing] a").first.click()
    expect(page.locator("table")).to_contain_text("石狮市测乙印染有限公司")
    expect(page.locator("table")).not_to_contain_text("石狮市测甲针织有限公司")
