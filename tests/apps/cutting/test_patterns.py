"""Uploading a style's DXF pattern: pieces stored with their outlines; a bad file is refused
with the reason per piece, and nothing (no row, no file) is stored."""

from pathlib import Path

import pytest
from django.conf import settings
from shapely.geometry import Polygon

from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.cutting.models import CutOrder, Pattern, PatternPiece
from jinxiu.apps.cutting.sample import demo_pattern_dxf
from tests.apps.cutting.factories import dxf_bytes, make_order, make_pattern, make_style, rect
from tests.apps.cutting.factories import upload as as_upload
from tests.helpers.factories import make_org, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(regions):
    return make_org("锦程针织")


@pytest.fixture
def admin(org):
    return make_user(memberships=[(org, "admin")])


@pytest.fixture
def client(client):
    """Messages in English (the interface is Chinese unless the user chooses otherwise)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "patterns"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_sample_pattern_is_stored_with_its_pieces(org, admin, client):
    style = make_style(org, "T2601")
    client.force_login(admin)
    response = client.post("/cutting/patterns/add/", {
        "organization": org.pk, "style": style.pk, "name": "",
        "file": as_upload(demo_pattern_dxf(), "T2601.dxf")})
    assert response.status_code == 302
    pattern = Pattern.objects.get()
    assert (pattern.name, pattern.version, pattern.units, pattern.units_source) == (
        "T2601", 1, "mm", "$INSUNITS")
    assert (pattern.sizes, pattern.materials, pattern.original_name) == (
        ["L", "M", "S"], ["Fabric"], "T2601.dxf")
    rows = {(p.name, p.size): p for p in pattern.pieces.all()}
    assert len(rows) == 12
    sleeve = rows["袖片", "M"]
    assert (sleeve.quantity, sleeve.pair, sleeve.grain_angle, sleeve.material) == (
        2, True, 90.0, "Fabric")
    front = rows["前片", "S"]
    assert (front.quantity, front.pair) == (1, False)
    # the outline is the file's, in mm; the neck rib is a 40 × 440 mm strip in size S
    rib = rows["领条", "S"]
    assert Polygon(rib.outline).area == pytest.approx(40 * 440)
    assert (rib.length, rib.breadth, rib.area) == (40, 440, pytest.approx(17600))
    assert round(front.area) == 293829
    assert len(_stored_files()) == 1
    # the next upload of the same style is version 2; the page lists both
    response = client.post("/cutting/patterns/add/", {
        "organization": org.pk, "style": style.pk, "name": "改版",
        "file": as_upload(demo_pattern_dxf(("M", "L")))})
    second = Pattern.objects.get(version=2)
    assert (second.name, second.pieces.count()) == ("改版", 8)
    page = client.get(second.get_absolute_url())
    assert page.status_code == 200
    body = page.content.decode()
    assert body.count('class="jx-piece-thumb"') == 8
    assert 'id="pattern-versions"' in body and ">v1</a>" in body


BAD = {
    "open outline": (
        dxf_bytes([{"name": "前片", "outline": rect(300, 500), "closed": False},
                   {"name": "后片", "outline": rect(300, 500)}]),
        ["前片: the cut line (layer 1) is not closed (1 open chain(s))"]),
    "self-intersection": (
        dxf_bytes([{"name": "蝴蝶", "outline": [(0, 0), (300, 300), (300, 0), (0, 300)]}]),
        ["蝴蝶: cut line: outline self-intersects"]),
    "no pieces": (dxf_bytes([]), ["no pattern pieces"]),
    "empty file": (b"", ["The submitted file is empty."]),
    "not a DXF": (b"hello\nworld\n", ["not a readable DXF file"]),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_file_is_refused_with_the_reason_and_nothing_is_stored(org, admin, client, case):
    content, reasons = BAD[case]
    style = make_style(org)
    client.force_login(admin)
    response = client.post("/cutting/patterns/add/", {
        "organization": org.pk, "style": style.pk, "file": as_upload(content, "坏纸样.dxf")})
    assert response.status_code == 400
    errors = " | ".join(str(e) for e in response.context["form"].errors["file"])
    for reason in reasons:
        assert reason in errors, errors
    assert Pattern.objects.count() == 0 and PatternPiece.objects.count() == 0
    assert _stored_files() == []


def test_huge_file_is_refused_before_it_is_read(org, admin, client, settings):
    settings.MAX_UPLOAD_MB = 1
    settings.MAX_UPLOAD_BYTES = 1024 * 1024
    style = make_style(org)
    client.force_login(admin)
    big = demo_pattern_dxf() + b"999\n" + b"x" * (1024 * 1024) + b"\n"
    response = client.post("/cutting/patterns/add/", {
        "organization": org.pk, "style": style.pk, "file": as_upload(big)})
    assert response.status_code == 413
    assert Pattern.objects.count() == 0 and _stored_files() == []


def test_wrong_extension_is_refused(org, admin, client):
    client.force_login(admin)
    response = client.post("/cutting/patterns/add/", {
        "organization": org.pk, "style": make_style(org).pk,
        "file": as_upload(demo_pattern_dxf(), "pattern.pdf")})
    assert response.status_code == 400
    assert "not accepted" in str(response.context["form"].errors["file"])
    assert Pattern.objects.count() == 0


def test_api_upload_reports_pieces_and_refuses_bad_files(org, admin):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(admin)
    style = make_style(org)
    ok = api.post("/api/cutting/patterns/", {"organization": org.pk, "style": style.pk,
                                             "file": as_upload(demo_pattern_dxf(("M",)))},
                  format="multipart")
    assert ok.status_code == 201, ok.json()
    assert (ok.json()["piece_count"], ok.json()["sizes"], ok.json()["version"]) == (4, ["M"], 1)
    bad = api.post("/api/cutting/patterns/", {
        "organization": org.pk, "style": style.pk,
        "file": as_upload(dxf_bytes([{"name": "开口", "outline": rect(9, 9), "closed": False}]))},
        format="multipart")
    assert bad.status_code == 400, bad.json()
    (summary, line) = bad.json()["file"]  # in Chinese: the API follows the same locale
    assert summary.startswith("1 个裁片无法使用，未保存任何内容。")
    assert line == "裁片 开口：裁剪线（第 1 层）未闭合（1 段开口线）"
    assert Pattern.objects.count() == 1


def test_piece_wider_than_the_fabric_is_refused_before_planning(org, admin, client):
    pattern = make_pattern(org, content=dxf_bytes([
        {"name": "大身", "size": "M", "outline": rect(800, 1600)}]))
    order = make_order(org, pattern, width=1500, quantities={"": {"M": 10}})
    client.force_login(admin)
    response = client.post(f"/cutting/orders/{order.pk}/run/", follow=True)
    text = [str(m) for m in response.context["messages"]]
    assert len(text) == 1
    assert "大身 (M)" in text[0] and "fits the usable width 1500 in no allowed orientation" \
        in text[0]
    order.refresh_from_db()
    assert (order.status, order.job_id, order.plan) == ("draft", None, None)
    # the order form refuses it too, on saving
    response = client.post(f"/cutting/orders/{order.pk}/edit/", {
        "organization": org.pk, "name": "宽幅", "pattern": pattern.pk, "quantities": "M=10",
        "width": 1400, "max_plies": 60, "max_garments": 4, "max_overcut": 0, "spacing": 2,
        "grain": "two_way", "marker_cost": 0, "seconds_per_marker": 5})
    assert response.status_code == 400
    (error,) = response.context["form"].non_field_errors()
    assert error.startswith("The order cannot be planned: Piece 大身 (M): fits the usable width "
                            "1400 in no allowed orientation")
    order.refresh_from_db()
    assert (order.name, order.width) == ("裁单1", 1500)


def test_order_quantities_must_name_the_pattern_sizes(org, admin, client):
    pattern = make_pattern(org)
    client.force_login(admin)
    response = client.post("/cutting/orders/add/", {
        "organization": org.pk, "name": "单", "pattern": pattern.pk,
        "quantities": "红: S=10, XXL=5", "width": 1500, "max_plies": 60, "max_garments": 4,
        "max_overcut": 0, "spacing": 0, "grain": "two_way", "marker_cost": 0,
        "seconds_per_marker": 5})
    assert response.status_code == 400
    assert response.context["form"].errors["quantities"] == [
        "红/XXL: the pattern has no size XXL; its sizes are L, M, S."]
    assert CutOrder.objects.count() == 0


def test_editing_a_piece_checks_pairs(org, admin, client):
    pattern = make_pattern(org)
    piece = pattern.pieces.get(name="袖片", size="M")
    client.force_login(admin)
    response = client.post(f"/cutting/pieces/{piece.pk}/edit/", {
        "quantity": 3, "material": "Fabric", "pair": "on", "grain": "", "category": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["pair"] == [
        "3 pieces per garment cannot be cut as left/right pairs: give an even number."]
    with change_context(user=admin, source="web"):
        piece.refresh_from_db()
    assert (piece.quantity, piece.pair) == (2, True)


@pytest.mark.parametrize(("engine", "english", "chinese"), [
    ("cut line: outline self-intersects (Self-intersection[150 150]); repairing it would "
     "change the area by 50.0%", None,
     "裁剪线：轮廓自相交（Self-intersection[150 150]）；修复会使面积变化 50.0%"),
    ("fits the usable width 150 in no allowed orientation (height across the fabric 0°: 200)",
     None, "在所有允许方向上都放不进有效布幅 150（height across the fabric 0°: 200）"),
    ("款式.dxf: no pattern pieces (no blocks with a cut line on layer 1)", None,
     "款式.dxf：没有纸样裁片（没有在第 1 层有裁剪线的块）"),
    ("something the engine says that we do not know", None,
     "something the engine says that we do not know"),
])
def test_engine_reasons_in_the_users_language(engine, english, chinese):
    from django.utils import translation

    from jinxiu.apps.cutting.reasons import reason

    with translation.override("en"):
        assert reason(engine) == (english or engine)
    with translation.override("zh-hans"):
        assert reason(engine) == chinese
