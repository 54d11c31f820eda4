"""A chain office statistician: the atlas draws the chain tree and the county map offline,
a county drills down to the enterprise list, and the gap ledger shows the verdicts."""

import pytest
from playwright.sync_api import expect

from tests.apps.chain.conftest import build_cluster

PASSWORD = "e2e-Passw0rd-锦绣"


@pytest.fixture
def office(transactional_db):
    return build_cluster(password=PASSWORD)


def test_atlas_map_and_drill_down(page, live_server, office):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "statistician")
    page.fill("#id_password", PASSWORD)
    page.click("#login-form button[type=submit]")
    expect(page.locator("#user-menu")).to_be_visible()
    page.goto(f"{live_server.url}/chain/?region=350500&year=2025&preset=wenzhou_10"
              "&node=knit_fabric")
    expect(page.locator("#chart-chain_graph svg")).to_be_visible()
    # the county map of 泉州 from the offline package: its paths are drawn
    expect(page.locator("#chart-region-map svg path").first).to_be_attached()
    assert page.locator("#chart-region-map svg path").count() > 10
    page.screenshot(path="/tmp/jinxiu-chain-atlas.png", full_page=True)
    page.locator("[data-testid=distribution] a", has_text="石狮市").click()
    expect(page.locator("table tbody tr")).to_have_count(2)
    expect(page.locator("table")).to_contain_text("针织甲")
    page.goto(f"{live_server.url}/chain/gaps/?region=350500&year=2025")
    expect(page.locator("tr[data-node=footwear]")).to_have_attribute("data-verdict", "missing")
    expect(page.locator("tr[data-node=knit_fabric]")).to_have_attribute("data-verdict",
                                                                         "strong")
