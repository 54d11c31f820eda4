"""Bulletins as factories write them: other header spellings, machine names and abbreviations,
a title above the header, blank rows, a total line, old .xls files."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from jinxiu.apps.production import bulletins
from jinxiu.apps.production.bulletins import (
    BulletinImportError,
    bulletin_import,
    parse_bulletin,
    read_rows,
)
from jinxiu.apps.production.machine_types import DATA, load_machine_types, machine_types
from tests.apps.production.factories import make_style

pytestmark = pytest.mark.usefixtures("_english")
UNKNOWN = (  # in the page's language, each type with the Chinese word a bulletin has
    "unknown machine type; known: Garment sewing: Lockstitch (301) 平车, Overlock (504/514) "
    "包缝, Coverstitch (406/602) 绷缝, Bartack 套结, Button sewing 钉扣, Buttonhole 锁眼, Twin "
    "needle 双针, Blind stitch 暗缝, Feed-off-the-arm 埋夹车, Multi-needle 多针车, Fusing press "
    "粘合机, Zigzag (304) 人字车; Shoe uppers (closing): Post-bed (301) 高车, Twin-needle "
    "post-bed 双针高车, Programmable pattern sewer 花样机, Skiving 削皮, Edge folding 折边机, "
    "Punching / perforating 冲孔, Eyelet setting 打鸡眼, High-frequency welding 高频机, Hot "
    "press (no-sew) 热压机, Seam hammering 锤平; Shoe lasting and bottoming: Toe lasting 前帮机, "
    "Side lasting 中帮机, Heel seat lasting 后帮机, Side and heel seat lasting 中后帮机, Counter "
    "moulding 后踵定型机, Roughing 打粗, Cementing 刷胶, Oven / heat activation 烘箱, Steam "
    "conditioner 蒸湿回软机, Sole press 压底机, Heel attaching 钉跟机, Chiller 冷冻机, De-lasting "
    "拔楦; Any line: Iron / press 熨烫, Manual 手工")


def csv_file(text, name="工序表.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def xlsx_file(rows, merge=(), name="工序表.xlsx"):
    """An .xlsx whose sheet holds ``rows`` from row 1 (None or [] leaves a row blank)."""
    book = Workbook()
    sheet = book.active
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row or [], start=1):
            if value is not None:
                sheet.cell(row=r, column=c, value=value)
    for cells in merge:
        sheet.merge_cells(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def parse(uploaded):
    return parse_bulletin(*read_rows(uploaded))


def refused(uploaded):
    with pytest.raises(BulletinImportError) as exc:
        parse(uploaded)
    return [(e.row, e.column, e.value, e.reason) for e in exc.value.errors]


# --- machine names ------------------------------------------------------------------------
ALIASES = {
    "lockstitch": ["平缝机", "单针平车", "平缝", "电脑平车", "SNLS", "平车"],
    "overlock": ["包缝机", "拷边", "四线", "三线", "五线", "拷克", "OL", "O/L", "包缝"],
    "coverstitch": ["冚车", "坎车", "绷缝机", "FL", "F/L", "绷缝"],
    "twin_needle": ["双针车", "DNLS", "双针"],
    "bartack": ["套结机", "打枣", "打结", "BT", "套结"],
    "button": ["钉扣机", "钉扣", "BS", "button sew"],
    "buttonhole": ["锁眼机", "锁眼", "开纽门", "BH"],
    "blindstitch": ["暗缝机", "挑脚", "暗缝"],
    "iron": ["整烫", "烫", "熨", "压烫", "Press", "熨烫"],
    # a garment walk-through (2026-11-29): shirt and jeans side seams, elastic, fusing
    "feed_off_arm": ["埋夹", "埋夹车", "FOA"],
    "multi_needle": ["多针车", "橡筋车", "KS", "Kansai"],
    "fusing": ["粘衬", "压衬", "粘合机"],
    "manual": ["手工", "手缝"],
}


@pytest.mark.parametrize(("name", "code"), [(a, c) for c, names in ALIASES.items()
                                            for a in names])
def test_each_machine_name_of_the_review_names_its_type(name, code):
    assert bulletins._machine(name) == code


@pytest.mark.parametrize(("name", "code"), [
    ("ｏ／ｌ", "overlock"), (" Snls ", "lockstitch"), ("f / l", "coverstitch"),
    ("单针 平车", "lockstitch"), ("Lockstitch (301)", "lockstitch"), ("lockstitch", "lockstitch")])
def test_machine_names_match_with_width_spaces_and_case_folded(name, code):
    assert bulletins._machine(name) == code


@pytest.mark.parametrize("name", ["双针包缝", "平车A", "包缝平车", "O", "L", "", "工价"])
def test_a_machine_name_matches_whole_never_a_part(name):
    assert bulletins._machine(name) is None


def _types_file(tmp_path, lockstitch_aliases, overlock_aliases):
    path = tmp_path / "machine_types.yaml"
    path.write_text(f"""
machine_types:
  - {{code: lockstitch, zh: 平车, en: Lockstitch (301), aliases: {lockstitch_aliases}}}
  - {{code: overlock,   zh: 包缝, en: Overlock (504/514), aliases: {overlock_aliases}}}
universal: []
compatible: []
""", encoding="utf-8")
    return path


def test_a_name_given_to_two_types_is_refused_when_loading(tmp_path):
    ok = load_machine_types(_types_file(tmp_path, "[平缝机, SNLS]", "[拷边, OL]"))
    assert ok.code_for("snls") == "lockstitch" and ok.code_for("拷边") == "overlock"
    with pytest.raises(ValueError, match="“ol” would name both lockstitch and overlock"):
        load_machine_types(_types_file(tmp_path, "[平缝机, OL]", "[拷边, ol]"))
    with pytest.raises(ValueError, match="“包缝” would name both lockstitch and overlock"):
        load_machine_types(_types_file(tmp_path, "[平缝机, 包缝]", "[拷边]"))
    with pytest.raises(ValueError, match="aliases that are no names"):
        load_machine_types(_types_file(tmp_path, "[平缝机, yes]", "[拷边]"))


def test_the_shipped_file_loads_and_names_every_type():
    assert load_machine_types(DATA) == machine_types()
    assert set(machine_types().names.values()) == set(machine_types().labels)


# --- headers ------------------------------------------------------------------------------
@pytest.mark.parametrize(("headers", "time", "seconds"), [
    ("工序代码,工序内容,机器类型,标准工时", "18", "18.00"),  # bare 标准工时: seconds
    ("工序号,工序名称,车种,工时（秒）", "18.5", "18.50"),
    ("工序号,工序名称,机种,SAM(秒)", "18", "18.00"),
    ("工序编码,工序名,机台,时间(秒)", "7", "7.00"),
    ("工序号,工序名称,设备,秒数", "12", "12.00"),
    ("工序号,工序名称,机器类型,SMV(分)", "0.25", "15.00"),
    ("工序号,工序名称,机器类型,SMV（分）", "0.5333", "32.00"),
    ("工序号,工序名称,设备类型,标准工时(分钟)", "0.3", "18.00"),
    ("工序号,工序名称,设备类型,SAM (min)", "1.25", "75.00"),
    ("工序号,工序名称,设备类型,SAM", "0.2", "12.00"),  # SAM alone is minutes
    ("序号,工序代码,工序名称,机器类型,工价,标准工时", "20", "20.00"),  # 工价 is money
    # an operation breakdown in English, as GSD and buyers' files head it
    ("Op. No.,Operation Description,Machine Type,SMV", "0.3", "18.00"),
    ("Op #,Operation Desc.,Equipment,Time (sec)", "18", "18.00"),
    ("Operation Code,Operation Name,Machine Name,Standard Time (s)", "18", "18.00"),
    # a row number beside the operation's own number: the operation's wins
    ("No.,Op. No.,Operation Description,Machine Type,Time (sec)", "18", "18.00"),
    ("No,Operation Code,Operation Description,Equipment,SAM", "0.3", "18.00"),
])
def test_header_spellings_of_real_bulletins(headers, time, seconds):
    other = ("9," if headers.startswith(("序号,", "No,", "No.,")) else "")
    extra = ",0.12" if "工价" in headers else ""
    text = f"{headers}\n{other}A1,合肩缝,包缝机{extra},{time}\n"
    (op,) = parse(csv_file(text))
    assert (op["code"], op["name"], op["machine_type"]) == ("A1", "合肩缝", "overlock")
    assert op["standard_seconds"] == Decimal(seconds)


def test_a_money_column_is_never_taken_for_the_time():
    assert refused(csv_file("工序号,工序名称,设备,工价\n1,合肩,平车,0.12\n")) == [
        (1, "标准工时(秒)", "", "column missing (or SMV)")]


def test_a_bare_time_column_under_one_second_is_taken_for_minutes_and_refused():
    assert refused(csv_file("工序号,工序名称,设备,标准工时\n1,合肩,平车,0.25\n2,上领,平车,30\n")) \
        == [(2, "标准工时", "0.25", "under 1 second: if this column is in minutes, head it "
                                    "“标准工时(分)”")]
    (op,) = parse(csv_file("工序号,工序名称,设备,标准工时(秒)\n1,合肩,平车,0.25\n"))
    assert op["standard_seconds"] == Decimal("0.25")  # a column that says seconds is believed


# --- where the header is, and row numbers -------------------------------------------------
TITLED = [
    ["锦绣服装有限公司 工序表 款号 A123"],
    ["日期：2026-11-02", None, None, "IE：陈红"],
    None,
    ["序号", "工序代码", "工序内容", "机器类型", "SMV(分)", "工价", "紧前工序"],
    [1, "A01", "合肩缝", "四线", 0.3, 0.05, None],
    [2, "A02", "上领", "单针平车", 0.5333, 0.08, "A01"],
    [3, "A03", "钉扣", "火箭", 0.1, 0.02, "A02"],
    [None, None, "合计", None, 0.9333, 0.15, None],
]


@pytest.mark.django_db
def test_a_title_and_a_date_above_the_header_are_passed_over(org):
    uploaded = xlsx_file(TITLED[:6], merge=["A1:G1"])
    headers, rows = read_rows(uploaded)
    assert headers.number == 4 and [r.number for r in rows] == [5, 6]
    style = make_style(org, code="T1", ops=[])
    done = bulletin_import(style=style, uploaded=xlsx_file(TITLED[:6], merge=["A1:G1"]))
    assert done.imported == 2
    assert list(style.operations.order_by("sequence").values_list(
        "code", "machine_type", "standard_seconds", "predecessors")) == [
        ("A01", "overlock", Decimal("18.00"), []),
        ("A02", "lockstitch", Decimal("32.00"), ["A01"])]


def test_a_bad_cell_below_a_title_is_reported_at_its_spreadsheet_row():
    assert refused(xlsx_file(TITLED, merge=["A1:G1"])) == [
        (7, "机器类型", "火箭", UNKNOWN)]


def test_without_a_header_in_the_first_rows_the_first_row_is_named():
    rows = [None, ["锦绣服装有限公司 工序表"], *[[f"说明 {i}"] for i in range(9)],
            ["工序号", "工序名称", "设备", "秒"], [1, "a", "平车", 5]]
    assert refused(xlsx_file(rows)) == [
        (2, "工序号", "", "column missing"), (2, "工序名称", "", "column missing"),
        (2, "设备", "", "column missing"), (2, "标准工时(秒)", "", "column missing (or SMV)")]


def test_blank_rows_keep_the_row_numbers_true_in_csv_and_xlsx():
    text = "工序号,工序名称,设备,秒\n1,合肩,平车,5\n,,,\n\n2,上领,拷边,abc\n1,压线,平车,6\n"
    expected = [(5, "秒", "abc", "not a positive number"),
                (6, "工序号", "1", "duplicate of row 2")]
    assert refused(csv_file(text)) == expected
    rows = [["工序号", "工序名称", "设备", "秒"], [1, "合肩", "平车", 5], None, None,
            [2, "上领", "拷边", "abc"], [1, "压线", "平车", 6]]
    assert refused(xlsx_file(rows)) == expected


def test_errors_come_in_row_order():
    text = ("工序号,工序名称,设备,秒,紧前工序\n"
            "1,合肩,平车,5,9\n"  # row 2: unknown predecessor (found after all rows)
            "2,,火箭,5,1\n"  # row 3: two cells
            "3,上领,平车,5,8\n")  # row 4: unknown predecessor
    assert [(e[0], e[1]) for e in refused(csv_file(text))] == [
        (2, "紧前工序"), (3, "工序名称"), (3, "设备"), (4, "紧前工序")]


# --- total lines --------------------------------------------------------------------------
def test_a_total_line_is_skipped_by_its_code_or_name_but_only_a_whole_word():
    text = ("工序号,工序名称,设备,秒\n"
            "1,合肩,平车,5\n"
            "合计,,,5\n"  # total in the code column
            "小计,4道工序,,5\n"
            "9,总计,,5\n"  # total in the name column, with a count in the code column
            "2,合计检查,手工,8\n"  # an operation whose name begins with 合计
            "Total:,,,18\n")
    ops = parse(csv_file(text))
    assert [(op["code"], op["name"], op["row"]) for op in ops] == [
        ("1", "合肩", 2), ("2", "合计检查", 6)]


def test_a_row_named_total_that_is_a_whole_operation_is_kept():
    (op,) = parse(csv_file("工序号,工序名称,设备,秒\n7,合计,平车,5\n"))
    assert (op["code"], op["name"], op["machine_type"]) == ("7", "合计", "lockstitch")
    # a name only beginning with a total word is no total line: its bad cells are reported
    assert refused(csv_file("工序号,工序名称,设备,秒\n1,合计检查,,8\n")) == [
        (2, "设备", "", "empty (hand work: write 手工)")]


# --- old Excel ----------------------------------------------------------------------------
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504


@pytest.mark.parametrize("name", ["工序表.xls", "工序表.XLS", "renamed.xlsx"])
def test_an_old_excel_file_is_refused_saying_to_save_it_as_xlsx(name):
    ((row, _column, value, reason),) = refused(SimpleUploadedFile(name, OLE2))
    assert (row, value) == (0, name)
    assert "save it as .xlsx" in reason and "(.xls)" in reason
