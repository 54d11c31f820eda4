import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from jinxiu.apps.production.bulletins import (
    BulletinImportError,
    bulletin_export,
    bulletin_import,
)
from jinxiu.apps.production.models import Operation
from tests.apps.production.factories import make_style
from tests.apps.production.test_bulletin_spellings import UNKNOWN
from tests.helpers.factories import make_org, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]


GOOD = """工序号,工序名称,设备类型,SMV,紧前工序,备注
1,合肩缝,包缝,0.30,,
2,上领,包缝,0.5333,1,
3,压领线,平车,0.4667,2,小心
4,整烫,熨烫,0.5,"1，3",
"""


def csv_file(text, name="工序表.csv", encoding="utf-8"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


@pytest.fixture
def style(regions):
    return make_style(make_org(), code="P1", ops=[])


def test_import_with_chinese_headers_and_smv(style):
    assert bulletin_import(style=style, uploaded=csv_file(GOOD)).imported == 4
    ops = {op.code: op for op in style.operations.all()}
    assert ops["1"].standard_seconds == Decimal("18.00")
    assert ops["2"].standard_seconds == Decimal("32.00")  # 0.5333 min × 60 = 31.998 → 32.00
    assert ops["3"].machine_type == "lockstitch" and ops["3"].notes == "小心"
    assert ops["4"].predecessors == ["1", "3"] and ops["4"].machine_type == "iron"
    assert [op.sequence for op in style.operations.order_by("sequence")] == [1, 2, 3, 4]


def test_gbk_csv_from_excel_on_windows_is_read(style):
    done = bulletin_import(style=style, uploaded=csv_file(GOOD, encoding="gb18030"))
    assert done.imported == 4


def test_bad_rows_are_all_reported_and_nothing_is_written(style):
    bulletin_import(style=style, uploaded=csv_file(GOOD))
    bad = """工序号,工序名称,设备类型,标准工时(秒),紧前工序
1,合肩缝,包缝,18,
1,上领,包缝,32,
3,压领线,火箭,28,2
4,整烫,熨烫,abc,9
5,,平车,-3,
"""
    with pytest.raises(BulletinImportError) as exc:
        bulletin_import(style=style, uploaded=csv_file(bad))
    found = {(e.row, e.column, e.value, e.reason) for e in exc.value.errors}
    assert (3, "工序号", "1", "duplicate of row 2") in found
    assert (4, "设备类型", "火箭", UNKNOWN) in found
    assert (5, "标准工时(秒)", "abc", "not a positive number") in found
    assert (5, "紧前工序", "9", "no operation has this code") in found
    assert (6, "工序名称", "", "empty") in found
    assert (6, "标准工时(秒)", "-3", "not a positive number") in found
    assert style.operations.count() == 4  # the earlier bulletin is untouched
    assert Operation.objects.filter(name="压领线", machine_type="lockstitch").exists()


def test_a_precedence_cycle_is_named(style):
    text = "工序号,工序名称,设备类型,秒,紧前工序\n1,a,平车,5,3\n2,b,平车,5,1\n3,c,平车,5,2\n"
    with pytest.raises(BulletinImportError) as exc:
        bulletin_import(style=style, uploaded=csv_file(text))
    (error,) = exc.value.errors
    assert error.reason == "the predecessors form a cycle"
    assert error.value in ("1 → 2 → 3 → 1", "2 → 3 → 1 → 2", "3 → 1 → 2 → 3")


def test_missing_columns_and_wrong_file_types_are_refused(style):
    with pytest.raises(BulletinImportError) as exc:
        bulletin_import(style=style, uploaded=csv_file("名称,秒\na,5\n"))
    assert {e.column for e in exc.value.errors} == {"工序号", "工序名称", "设备"}
    assert {e.reason for e in exc.value.errors} == {"column missing"}
    with pytest.raises(BulletinImportError, match=r"only \.xlsx and \.csv"):
        bulletin_import(style=style, uploaded=SimpleUploadedFile("a.txt", b"x"))
    with pytest.raises(BulletinImportError, match="not a readable Excel file"):
        bulletin_import(style=style, uploaded=SimpleUploadedFile("a.xlsx", b"PK\x03\x04junk"))


def test_export_and_import_round_trip(style):
    bulletin_import(style=style, uploaded=csv_file(GOOD))
    data = bulletin_export(style=style)
    sheet = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in sheet[1]][:4] == ["工序号", "工序名称", "设备类型", "标准工时(秒)"]
    assert sheet["B7"].value == "合计" and sheet["D7"].value == 18 + 32 + 28 + 30
    copy = make_style(style.organization, code="P2", ops=[])
    assert bulletin_import(style=copy, uploaded=SimpleUploadedFile("x.xlsx", data)).imported == 4
    fields = ("code", "name", "machine_type", "standard_seconds", "predecessors", "notes")
    assert list(copy.operations.values_list(*fields)) == list(
        style.operations.values_list(*fields))


def test_import_page_reports_errors_in_a_table(client, style):
    user = make_user(memberships=[(style.organization, "admin")])
    client.force_login(user)
    response = client.post(f"/production/styles/{style.pk}/import/",
                           {"file": csv_file("工序号,工序名称,设备类型,秒\n1,a,火箭,5\n")})
    assert response.status_code == 400
    html = response.content.decode()
    assert "火箭" in html and 'id="import-errors"' in html
    assert "未知设备类型；可用：【服装缝制】平车、包缝、绷缝" in html
    assert "；【鞋面针车】高车、双针高车、花样机" in html
    assert style.operations.count() == 0
    ok = client.post(f"/production/styles/{style.pk}/import/", {"file": csv_file(GOOD)})
    assert ok.status_code == 302 and style.operations.count() == 4
    viewer = make_user(memberships=[(style.organization, "viewer")])
    client.force_login(viewer)
    assert client.post(f"/production/styles/{style.pk}/import/",
                       {"file": csv_file(GOOD)}).status_code == 403
