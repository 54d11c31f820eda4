"""An IE's own bulletin, as the walk-through met it: a 前工序 column, section headings
(【前片】) in a column of their own, "E02/E03" predecessors, a 部件 and a 工价 column. The
import reads what it can, says what it did and what it did not read, and warns when the
file gives the operations no order at all."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jinxiu.apps.production.bulletins import BulletinImportError, bulletin_import
from tests.apps.production.factories import make_style
from tests.helpers.factories import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]

HEADER = "序号,部件,工序编号,工序名称,设备,工时(秒),前工序,工价(元)\n"
ROWS = ("【前片】,,,,,,,\n"
        "1,前片,A01,合前片,四线,20,,0.10\n"
        "2,前片,A02,压前片,冚车,25,A01,0.12\n"
        "【后片】,,,,,,,\n"
        "3,后片,B01,合后片,平车,30,,0.15\n"
        "4,整件,C01,合侧缝,四线,40,A02/B01,0.20\n")


def _csv(text):
    return SimpleUploadedFile("衬衫.csv", text.encode(), content_type="text/csv")


def test_headings_slashes_and_a_front_process_column_are_read(org):
    style = make_style(org, code="X", ops=[])
    done = bulletin_import(style=style, uploaded=_csv(HEADER + ROWS))
    assert (done.imported, done.added, done.updated, done.deleted) == (4, 4, 0, 0)
    assert done.has_predecessors and done.ignored_columns == ("序号", "部件", "工价(元)")
    ops = {op.code: (op.machine_type, op.predecessors)
           for op in style.operations.order_by("sequence")}
    assert ops == {"A01": ("overlock", []), "A02": ("coverstitch", ["A01"]),
                   "B01": ("lockstitch", []), "C01": ("overlock", ["A02", "B01"])}


def test_a_code_with_a_slash_stays_whole_and_an_unknown_part_is_named(org):
    style = make_style(org, code="X", ops=[])
    text = ("工序号,工序名称,设备,秒,紧前工序\n"
            "1/2,合肩,平车,5,\n3,上领,平车,5,1/2\n"  # "1/2" is a code here
            "4,整烫,熨烫,5,3/9\n")
    with pytest.raises(BulletinImportError) as exc:
        bulletin_import(style=style, uploaded=_csv(text))
    assert [(e.row, e.column, e.value, e.reason) for e in exc.value.errors] == [
        (4, "紧前工序", "3/9", "no operation has this code")]
    assert not style.operations.exists()


def test_the_page_says_what_changed_and_warns_of_a_file_without_order(client, org, settings):
    style = make_style(org)  # 1, 2, 3, 4
    client.force_login(make_user(memberships=[(org, "admin")]))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = ("工序号,工序名称,设备类型,标准工时(秒),紧前工序\n"
            "1,合肩,包缝,20,\n2,上领,平车,33,1\n3,做门襟,平车,40,\n5,钉扣,钉扣,9,3\n")
    page = client.post(f"/production/styles/{style.pk}/import/",
                       {"file": _csv(text), "delete_missing": "on"}, follow=True)
    html = page.content.decode()
    assert "4 operations imported: 1 new, 1 changed, 1 deleted." in html
    assert "no predecessors column" not in html and "Columns not read" not in html
    bare = "工序号,工序名称,设备类型,标准工时(秒),部件\n1,合肩,包缝,20,前片\n"
    page = client.post(f"/production/styles/{style.pk}/import/",
                       {"file": _csv(bare), "delete_missing": "on"}, follow=True)
    html = page.content.decode()
    assert "1 operations imported: 0 new, 0 changed, 3 deleted." in html
    assert "The file has no predecessors column" in html and "Columns not read: 部件." in html


@pytest.mark.parametrize("heading", ["【前片】,,,,", ",【前片】,,,", ",,后片部分,,"])
def test_a_heading_in_any_column_is_passed_over(org, heading):
    style = make_style(org, code="X", ops=[])
    text = f"工序号,工序名称,设备,工时(秒),紧前工序\n{heading}\nA01,合前片,四线,20,\n"
    assert bulletin_import(style=style, uploaded=_csv(text)).imported == 1


def test_a_row_with_only_a_code_or_only_predecessors_is_reported_not_dropped(org):
    style = make_style(org, code="X", ops=[])
    text = ("工序号,工序名称,设备,工时(秒),紧前工序\nA01,合前片,四线,20,\n15,,,,\n"
            ",,,,A01\n")
    with pytest.raises(BulletinImportError) as exc:
        bulletin_import(style=style, uploaded=_csv(text))
    assert [(e.row, e.column) for e in exc.value.errors] == [
        (3, "工序名称"), (3, "设备"), (3, "工时(秒)"),
        (4, "工序号"), (4, "工序名称"), (4, "设备"), (4, "工时(秒)")]
    assert not style.operations.exists()


@pytest.mark.parametrize("tail", ["3,,,,,\n", ",,,,,OK\n", "3,,,,,注意\n"])
def test_template_rows_left_blank_but_for_a_number_or_remark_are_passed_over(org, tail):
    style = make_style(org, code="X", ops=[])
    text = ("序号,工序号,工序名称,设备,工时(秒),备注\n1,A01,合前片,四线,20,\n"
            "2,A02,合后片,四线,20,\n" + tail)
    assert bulletin_import(style=style, uploaded=_csv(text)).imported == 2
