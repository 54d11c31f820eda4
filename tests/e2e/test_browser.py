"""Sign in in Chinese, switch to English, open a list, run the demo job to 100 %."""

import re

import pytest
from playwright.sync_api import expect

from tests.helpers.factories import make_org, make_regions, make_user

PASSWORD = "e2e-Passw0rd-锦绣"


@pytest.fixture
def people(transactional_db):
    make_regions()
    org = make_org("【测试】锦程针织")
    return {
        "ie": make_user("ie", memberships=[(org, "admin")], password=PASSWORD,
                        display_name="张工"),
        "root": make_user("root", is_superuser=True, is_staff=True, password=PASSWORD),
    }


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    expect(page.locator("h1")).to_have_text("登录")  # Chinese first, despite an English browser
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form button[type=submit]")
    expect(page.locator("#user-menu")).to_be_visible()


def test_sign_in_in_chinese_switch_to_english_open_a_list(page, live_server, people):
    sign_in(page, live_server, "ie")
    expect(page.locator("h1")).to_contain_text("欢迎")
    page.select_option("#language-select", "en")
    expect(page.locator("h1")).to_contain_text("Welcome")
    page.goto(f"{live_server.url}/documents/")
    expect(page.locator("h1")).to_have_text("Documents")
    expect(page.locator("#export-xlsx")).to_have_text(re.compile("Export to Excel"))
    page.goto(f"{live_server.url}/documents/add/")
    page.fill("#id_title", "ISO 9001 certificate")
    page.select_option("#id_kind", "certificate")
    page.click("form.jx-form button[type=submit]")
    expect(page.locator("h1")).to_have_text("ISO 9001 certificate")
    page.goto(f"{live_server.url}/documents/")
    expect(page.locator("table")).to_contain_text("ISO 9001 certificate")
    # a phone's width still shows the list and the menu toggle
    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.locator(".navbar-toggler")).to_be_visible()
    expect(page.locator("table")).to_contain_text("ISO 9001 certificate")


def test_demo_job_progress_bar_reaches_100(page, live_server, people, task_worker):
    sign_in(page, live_server, "root")
    page.click("#start-demo-job")
    expect(page).to_have_url(re.compile(r"/jobs/\d+/$"))
    job = page.locator(".jx-job")
    expect(job).to_have_attribute("data-status", "succeeded", timeout=60_000)
    expect(page.locator(".jx-job-percent")).to_have_text("100%")
    expect(page.locator(".progress-bar")).to_have_attribute("data-progress", "100")
    width = page.eval_on_selector(".progress-bar", "el => el.style.width")
    assert width == "100%"
    page.goto(f"{live_server.url}/organizations/")
    expect(page.locator("table")).to_contain_text("【示例】石狮市工业和信息化局")


def test_no_console_errors_and_csp_holds_on_the_home_page(page, live_server, people):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, live_server, "ie")
    expect(page.locator("#organization-kinds svg")).to_be_visible()  # the ECharts chart drew
    assert errors == []
