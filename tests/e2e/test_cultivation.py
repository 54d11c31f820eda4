"""An enterprise applies for 创新型中小企业 with a live pre-check; the bureau reviews and
approves; the title lands in the tier records."""

import pytest
from playwright.sync_api import expect

from jinxiu.apps.cultivation.models import Application, TierRecord
from jinxiu.apps.cultivation.services import ruleset_sync_shipped
from tests.apps.enterprises.factories import make_enterprise, make_indicator
from tests.helpers.factories import make_org, make_regions, make_user

PASSWORD = "e2e-Passw0rd-锦绣"


@pytest.fixture
def people(transactional_db):
    make_regions()
    ruleset_sync_shipped()
    firm = make_org("【测试】华彩印染", region_code="350581")
    make_enterprise(firm, main_industry="1713")
    make_indicator(firm, 2025, revenue=2120, employees=110)
    bureau = make_org("【测试】石狮工信局", kind="bureau", region_code="350581")
    make_user("dye", memberships=[(firm, "admin")], password=PASSWORD)
    make_user("officer", memberships=[(bureau, "officer")], password=PASSWORD)
    return firm


def _login(page, url, username):
    page.context.clear_cookies()
    page.goto(f"{url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form button[type=submit]")
    expect(page.locator("#user-menu")).to_be_visible()


def test_application_from_draft_to_approval(page, live_server, people):
    _login(page, live_server.url, "dye")
    page.goto(f"{live_server.url}/cultivation/applications/add/")
    page.select_option("#id_tier", "innovative_sme")
    page.fill("#id_assessed_on", "2026-06-30")
    page.fill("#id_note", "申报创新型中小企业")
    page.click("form.jx-form button[type=submit]")
    application = Application.objects.get()
    page.goto(f"{live_server.url}/cultivation/applications/{application.pk}/edit/")
    expect(page.locator("#precheck .jx-verdict")).to_have_attribute("data-status", "cannot_tell")
    # a fact that rules the firm out: the pre-check follows at once, nothing is saved yet
    page.select_option("#id_f__abnormal_operation_listed", "true")
    expect(page.locator("#precheck .jx-verdict")).to_have_attribute(
        "data-status", "does_not_qualify")
    page.select_option("#id_f__abnormal_operation_listed", "false")
    expect(page.locator("#precheck .jx-verdict")).to_have_attribute("data-status", "cannot_tell")
    page.click("#application-form button[type=submit]")
    page.click("#submit-application")
    expect(page.locator("#application-status")).to_have_attribute("data-status", "submitted")

    _login(page, live_server.url, "officer")
    page.goto(f"{live_server.url}/cultivation/applications/{application.pk}/")
    page.click("#start-review")
    expect(page.locator("#application-status")).to_have_attribute("data-status",
                                                                  "under_review")
    page.fill("#id_granted_on", "2026-07-15")
    page.fill("#id_certificate_no", "CX-2026-001")
    page.click("#approve-application")
    expect(page.locator("#application-status")).to_have_attribute("data-status", "approved")
    record = TierRecord.objects.get()
    assert (record.tier, record.certificate_no, str(record.expires_on)) == (
        "innovative_sme", "CX-2026-001", "2029-07-14")
    # the pipeline counts the new title and draws the funnel
    page.goto(f"{live_server.url}/cultivation/")
    expect(page.locator("#tier-counts td[data-tier='innovative_sme']")).to_have_text("1")
    expect(page.locator("#tier-funnel canvas, #tier-funnel svg").first).to_be_visible()
    if __import__("os").environ.get("JINXIU_SCREENSHOT"):
        page.screenshot(path="/tmp/cultivation-pipeline.png", full_page=True)
