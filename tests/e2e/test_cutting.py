"""A cutting-room engineer: upload a style's DXF (a bad one first), review the pieces, enter a
cut order, plan it in the background, look at the marker, download its PDF."""

import pytest
from playwright.sync_api import expect

from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.production.models import Style
from tests.apps.cutting.factories import RECTS, dxf_bytes, rect
from tests.helpers.factories import make_org, make_regions, make_user

PASSWORD = "e2e-Passw0rd-锦绣"


@pytest.fixture
def engineer(transactional_db):
    make_regions()
    org = make_org("【测试】锦程服饰")
    with change_context(user=None, source="system"):
        Style.objects.create(organization=org, code="T1", name="T 恤")
    return make_user("cutter", memberships=[(org, "admin")], password=PASSWORD)


def test_upload_plan_view_marker_download_pdf(page, live_server, engineer, task_worker,
                                              tmp_path):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "cutter")
    page.fill("#id_password", PASSWORD)
    page.click("#login-form button[type=submit]")
    expect(page.locator("#user-menu")).to_be_visible()
    style = Style.objects.get(code="T1")
    page.goto(f"{live_server.url}/cutting/patterns/add/?style={style.pk}")

    bad = tmp_path / "坏纸样.dxf"
    bad.write_bytes(dxf_bytes([{"name": "前片", "outline": rect(300, 500), "closed": False}]))
    page.set_input_files("#id_file", str(bad))
    page.click("form.jx-form button[type=submit]")
    expect(page.locator("[data-field=file]", has_text="前片")).to_contain_text("未闭合")

    good = tmp_path / "T1.dxf"
    good.write_bytes(dxf_bytes(RECTS))
    page.set_input_files("#id_file", str(good))
    page.click("form.jx-form button[type=submit]")
    expect(page.locator("#pieces tbody tr")).to_have_count(2)
    expect(page.locator("#pieces svg.jx-piece-thumb")).to_have_count(2)

    page.click("#new-order")
    page.fill("#id_quantities", "红: S=3, M=3")
    page.fill("#id_width", "450")
    page.fill("#id_max_plies", "10")
    page.fill("#id_max_garments", "2")
    page.fill("#id_seconds_per_marker", "1")
    page.click("form.jx-form button[type=submit]")
    page.click("#run-order")
    expect(page.locator("#order-panel")).to_have_attribute("data-status", "done",
                                                           timeout=90_000)
    expect(page.locator("#fig-markers")).to_have_text("1")
    expect(page.locator("#lays tbody tr")).to_have_count(1)

    page.locator("#lays a").first.click()
    svg = page.locator("#marker-svg")
    expect(svg).to_be_visible()
    expect(page.locator("#marker-svg path.piece")).to_have_count(2)
    before = svg.get_attribute("viewBox")
    page.click("#zoom-in")
    # the script changes it after the click: wait for that (an at-once read failed on a
    # loaded machine)
    expect(svg).not_to_have_attribute("viewBox", before)
    with page.expect_download() as download:
        page.click("#download-pdf")
    assert download.value.suggested_filename.endswith(".pdf")
    path = tmp_path / "marker.pdf"
    download.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF-")
