import datetime as dt
import io
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from jinxiu.apps.core.models import ObjectChange, ObjectPermission, Organization
from jinxiu.apps.core.uscc import make_code
from jinxiu.apps.enterprises.import_report import error_report
from jinxiu.apps.enterprises.jobs import batch_table
from jinxiu.apps.enterprises.models import Enterprise, ImportBatch, ImportMapping, YearlyIndicator
from jinxiu.apps.enterprises.services import import_batch_check, import_batch_create
from tests.apps.enterprises.factories import make_enterprise, make_indicator
from tests.apps.enterprises.import_helpers import checked, run_import, upload
from tests.helpers.factories import make_org, make_regions, make_user

CODE_A = make_code("91", "350581", "MA2Y0001")
CODE_B = make_code("91", "350581", "MA2Y0002")
CODE_C = make_code("91", "330302", "MA2Y0003")
HEADERS = ["序号", "统一社会信用代码", "企业名称", "所属区县", "注册资本（万元）", "成立日期",
           "行业代码", "经营范围", "标签", "法定代表人"]


def bad_check(code: str) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    return code[:17] + alphabet[(alphabet.index(code[17]) + 1) % 31]


def good_rows():
    return [
        HEADERS,
        [1, CODE_A, "石狮市甲针织服饰有限公司", "350581", "1,200", "2009-04-16", "1761",
         "针织服装制造；服装辅料销售", "专精特新中小企业", "陈一"],
        [2, CODE_B, "石狮乙印染有限公司", "石狮市", "0.5亿元", dt.datetime(2011, 11, 2), "C1713",
         "棉印染精加工", "", "黄二"],
        [3, CODE_C, "温州丙鞋业有限公司", "330302", 800, "2003年8月9日", "1953",
         "皮鞋制造", "龙头企业、高新技术企业", "林三"],
    ]


@pytest.fixture(autouse=True)
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def admin(db):
    make_regions()
    return make_user("import_admin", is_superuser=True)


def test_a_bad_file_is_rejected_with_row_column_value_and_reason(admin):
    rows = good_rows()
    rows.append([4, bad_check(CODE_A)[:-1] + bad_check(CODE_A)[-1], "丁公司", "350581", "10",
                 "2020-01-01", "1761", "", "", ""])
    rows[2][6] = "9999"  # unknown industry code
    rows.append([5, CODE_A, "石狮市甲针织服饰有限公司", "350581", "10", "", "1761", "", "", ""])
    rows.append([6, make_code("91", "350581", "MA2Y0006"), "戊公司", "350581", "abc",
                 "2020-13-01", "1761", "", "", ""])
    before = Organization.objects.count()
    batch = checked(admin, "enterprises", rows, title="石狮市纺织服装企业名录（示例）")
    assert batch.status == ImportBatch.Status.REJECTED
    # the title row is row 1, headers row 2, the first firm row 3
    expected_check = make_code("91", "350581", "MA2Y0001")[17]
    assert batch.errors == [
        {"row": 4, "column": "行业代码", "value": "9999",
         "reason": "unknown industry code 9999 (GB/T 4754-2017)"},
        {"row": 6, "column": "统一社会信用代码", "value": bad_check(CODE_A),
         "reason": f"Position 18: the check character should be {expected_check}, "
                   f"not {bad_check(CODE_A)[17]}."},
        {"row": 7, "column": "统一社会信用代码", "value": CODE_A,
         "reason": "duplicate of row 3 in this file"},
        {"row": 8, "column": "注册资本（万元）", "value": "abc", "reason": "no number"},
        {"row": 8, "column": "成立日期", "value": "2020-13-01", "reason": "no such date"},
    ]
    assert Organization.objects.count() == before
    with pytest.raises(ValidationError):
        from jinxiu.apps.enterprises.services import import_batch_start

        import_batch_start(batch=batch, user=admin)

    book = load_workbook(io.BytesIO(error_report(batch_table(batch), batch.errors)))
    data, errors = book.worksheets
    assert [c.value for c in data[1]] == [*HEADERS, "错误说明"]
    assert data.cell(row=3, column=7).value == "9999"  # sheet row 3 = file row 4
    assert data.cell(row=3, column=7).fill.start_color.rgb.endswith("FFC7CE")
    assert data.cell(row=3, column=11).value == \
        "行业代码：unknown industry code 9999 (GB/T 4754-2017)"
    assert data.cell(row=2, column=11).value in ("", None)  # the good row
    assert [c.value for c in errors[2]] == [4, "行业代码", "9999",
                                            "unknown industry code 9999 (GB/T 4754-2017)"]
    assert errors.max_row == 6


def test_a_good_file_imports_every_row_and_logs_it(admin, django_capture_on_commit_callbacks):
    batch = checked(admin, "enterprises", good_rows())
    assert batch.errors == [] and batch.status == ImportBatch.Status.READY
    assert batch.summary == {"rows": 3, "new": 3, "matched": 0}
    job = run_import(batch, admin, django_capture_on_commit_callbacks)
    assert job.status == "succeeded", job.error
    assert job.result == {"created": 3, "updated": 0, "unchanged": 0, "rows": 3}
    a = Enterprise.objects.get(organization__credit_code=CODE_A)
    assert a.organization.name == "石狮市甲针织服饰有限公司"
    assert a.organization.region.code == "350581"
    assert a.registered_capital == Decimal("1200.00")
    assert a.established_on == dt.date(2009, 4, 16)
    assert (a.main_industry, a.tags, a.legal_representative) == ("1761", ["zjtx"], "陈一")
    b = Enterprise.objects.get(organization__credit_code=CODE_B)
    assert b.registered_capital == Decimal("5000.00")  # 0.5亿元
    assert b.main_industry == "1713" and b.established_on == dt.date(2011, 11, 2)
    c = Enterprise.objects.get(organization__credit_code=CODE_C)
    assert c.organization.region.code == "330302" and c.tags == ["leader", "high_tech"]
    assert c.established_on == dt.date(2003, 8, 9)
    logged = ObjectChange.objects.filter(
        changed_object_type=ContentType.objects.get_for_model(Enterprise), source="import")
    assert logged.count() == 3 and {o.user_id for o in logged} == {admin.pk}


def test_reimport_updates_by_code_and_logs_the_change(admin, django_capture_on_commit_callbacks):
    run_import(checked(admin, "enterprises", good_rows()), admin,
               django_capture_on_commit_callbacks)
    rows = good_rows()
    rows[1][2] = "石狮市甲针织科技有限公司"  # renamed
    rows[1][9] = "陈四"
    job = run_import(checked(admin, "enterprises", rows), admin,
                     django_capture_on_commit_callbacks)
    assert job.result == {"created": 0, "updated": 1, "unchanged": 2, "rows": 3}
    a = Enterprise.objects.get(organization__credit_code=CODE_A)
    assert a.organization.name == "石狮市甲针织科技有限公司"
    assert a.former_names == ["石狮市甲针织服饰有限公司"]
    assert a.legal_representative == "陈四"
    change = ObjectChange.objects.filter(
        changed_object_type=ContentType.objects.get_for_model(Enterprise),
        changed_object_id=a.pk, action="update").get()
    assert change.prechange_data["legal_representative"] == "陈一"
    assert change.postchange_data["legal_representative"] == "陈四"
    assert change.source == "import" and change.user == admin


def test_indicator_amounts_and_units(admin, django_capture_on_commit_callbacks):
    org = make_org("石狮市锦程针织服饰有限公司", credit_code=CODE_A)
    make_enterprise(org)
    make_indicator(org, 2023, revenue=100, employees=10)
    rows = [["统一社会信用代码", "年度", "营业收入（元）", "利润总额", "从业人员", "发明专利"],
            [CODE_A, "2023年", "1,234.5万元", "12.3亿", "320人", 2],
            [CODE_A, 2024, 8_000_000, "¥80万", "1,002", ""]]
    batch = checked(admin, "indicators", rows, name="指标.csv")
    assert batch.errors == []
    job = run_import(batch, admin, django_capture_on_commit_callbacks)
    assert job.result == {"created": 1, "updated": 1, "unchanged": 0, "rows": 2}
    y23, y24 = YearlyIndicator.objects.filter(organization=org).order_by("year")
    assert (y23.operating_revenue, y23.profit, y23.employees, y23.invention_patents) == (
        Decimal("1234.50"), Decimal("123000.00"), 320, 2)
    assert y23.source == "imported"
    assert (y24.operating_revenue, y24.profit, y24.employees) == (
        Decimal("800.00"), Decimal("80.00"), 1002)
    assert y24.entered_by == admin and y24.source == "imported"


def test_indicator_rows_for_unknown_codes_and_duplicate_years(admin):
    org = make_org("甲", credit_code=CODE_A)
    make_enterprise(org)
    rows = [["统一社会信用代码", "年度", "营业收入"],
            [CODE_A, 2024, "100"], [CODE_A, "2024", "200"], [CODE_B, 2024, "1"],
            [CODE_A, "明年", "1"]]
    batch = checked(admin, "indicators", rows)
    assert [(e["row"], e["column"], e["reason"]) for e in batch.errors] == [
        (3, "统一社会信用代码", "duplicate of row 2 in this file"),
        (5, "年度", "not a year between 1949 and this year"),
        (4, "统一社会信用代码",
         "no enterprise has this credit code in the registry; import it first"),
    ]


def test_names_without_a_code_are_matched_only_when_confirmed(
        admin, django_capture_on_commit_callbacks):
    known = make_org("石狮市锦程针织服饰有限公司", credit_code=CODE_A)
    make_enterprise(known, legal_representative="陈一")
    make_enterprise(make_org("晋江步云鞋业有限公司", region_code="350582"))
    rows = [["企业名称", "法定代表人", "所属区县"],
            ["石狮金程针织服饰股份有限公司", "陈五", "350581"],  # a homophone typo
            ["石狮完全不同的新公司", "王六", "350581"]]
    batch = checked(admin, "enterprises", rows)
    assert batch.errors == []
    (proposal,) = batch.proposals
    assert proposal["row"] == 2
    assert [c["id"] for c in proposal["candidates"]] == [known.pk]
    assert proposal["candidates"][0]["score"] >= 90
    assert batch.undecided == [proposal]
    from jinxiu.apps.enterprises.services import import_batch_start

    with pytest.raises(ValidationError):
        import_batch_start(batch=batch, user=admin)
    assert Enterprise.objects.get(organization=known).legal_representative == "陈一"
    batch = import_batch_check(batch=batch, user=admin, decisions={"2": str(known.pk)})
    assert batch.summary == {"rows": 2, "new": 1, "matched": 1}
    job = run_import(batch, admin, django_capture_on_commit_callbacks)
    assert job.result == {"created": 1, "updated": 1, "unchanged": 0, "rows": 2}
    known_ent = Enterprise.objects.get(organization=known)
    assert known_ent.legal_representative == "陈五"
    # the file's name differs: the registered one becomes a former name
    assert known_ent.organization.name == "石狮金程针织服饰股份有限公司"
    assert known_ent.former_names == ["石狮市锦程针织服饰有限公司"]
    assert Organization.objects.filter(name="石狮完全不同的新公司", credit_code=None).exists()


def test_mappings_are_remembered_per_organization(admin):
    bureau = make_org("石狮工信局", kind="bureau")
    rows = [["机构全称", "代码"], ["石狮甲公司", CODE_A]]
    batch = import_batch_create(user=admin, organization=bureau, kind="enterprises",
                                uploaded=upload(rows))
    assert batch.mapping == {}  # neither header is a known spelling
    import_batch_check(batch=batch, user=admin, mapping={"0": "name", "1": "credit_code"})
    assert ImportMapping.objects.get(organization=bureau).columns == {
        "机构全称": "name", "代码": "credit_code"}
    again = import_batch_create(user=admin, organization=bureau, kind="enterprises",
                                uploaded=upload([["代码", "机构全称 "], [CODE_A, "甲"]]))
    assert again.mapping == {"0": "credit_code", "1": "name"}
    other = import_batch_create(user=admin, organization=None, kind="enterprises",
                                uploaded=upload(rows))
    assert other.mapping == {}


def test_a_file_over_the_size_limit_is_refused(admin, settings):
    settings.MAX_UPLOAD_MB = 1
    settings.MAX_UPLOAD_BYTES = 1024 * 1024
    rows = [["企业名称", "经营范围"]] + [[f"公司{i}", "针织" * 200] for i in range(1500)]
    with pytest.raises(ValidationError) as err:
        import_batch_create(user=admin, organization=None, kind="enterprises",
                            uploaded=upload(rows, name="big.csv"))
    assert "limit is 1 MB" in str(err.value)
    assert not ImportBatch.objects.exists()


def test_too_many_rows_or_wrong_type_is_refused(admin, monkeypatch):
    from jinxiu.apps.enterprises import imports

    monkeypatch.setattr(imports, "MAX_ROWS", 3)
    rows = [["企业名称"]] + [[f"公司{i}"] for i in range(4)]
    with pytest.raises(ValidationError) as err:
        import_batch_create(user=admin, organization=None, kind="enterprises",
                            uploaded=upload(rows))
    assert "more than 3 rows" in str(err.value)
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError):
        import_batch_create(user=admin, organization=None, kind="enterprises",
                            uploaded=SimpleUploadedFile("x.xlsx", b"not a zip file"))
    assert not ImportBatch.objects.exists()


def test_rows_the_uploader_may_not_write_reject_the_whole_file(
        db, django_capture_on_commit_callbacks):
    make_regions()
    mine = make_org("我的企业", credit_code=CODE_A)
    theirs = make_org("别人的企业", credit_code=CODE_B)
    for org in (mine, theirs):
        make_enterprise(org)
    owner_admin = make_user(memberships=[(mine, "admin")])
    rows = [["统一社会信用代码", "年度", "营业收入"], [CODE_A, 2024, "100"], [CODE_B, 2024, "200"]]
    batch = checked(owner_admin, "indicators", rows, organization=mine)
    assert batch.errors == []
    job = run_import(batch, owner_admin, django_capture_on_commit_callbacks)
    assert job.status == "failed"
    assert "you may not write 1 of the yearly indicators" in job.error
    assert not YearlyIndicator.objects.exists()
    # its own figures alone go in
    batch = checked(owner_admin, "indicators", rows[:2], organization=mine)
    assert run_import(batch, owner_admin, django_capture_on_commit_callbacks).status == \
        "succeeded"
    assert YearlyIndicator.objects.get().organization == mine


def test_only_granted_users_register_new_organizations(db, django_capture_on_commit_callbacks):
    make_regions()
    bureau = make_org("石狮工信局", kind="bureau")
    officer = make_user(memberships=[(bureau, "officer")])
    rows = [["统一社会信用代码", "企业名称"], [CODE_A, "新企业"]]
    batch = checked(officer, "enterprises", rows, organization=bureau)
    assert [e["reason"] for e in batch.errors] == [
        "not registered yet, and you may not register new organizations"]
    grant = ObjectPermission.objects.create(
        name="registry of 石狮", actions=["add", "change", "view"],
        constraints={"region__code__startswith": "350581"})
    grant.object_types.add(ContentType.objects.get_for_model(Organization))
    grant.users.add(officer)
    ent_grant = ObjectPermission.objects.create(
        name="registry records of 石狮", actions=["add", "change", "view"],
        constraints={"organization__region__code__startswith": "350581"})
    ent_grant.object_types.add(ContentType.objects.get_for_model(Enterprise))
    ent_grant.users.add(officer)
    from jinxiu.apps.core.permissions import forget_permissions

    forget_permissions(officer)
    batch = checked(officer, "enterprises", [*rows, [CODE_C, "温州企业"]], organization=bureau)
    assert batch.errors == []
    job = run_import(batch, officer, django_capture_on_commit_callbacks)
    assert job.status == "failed" and "new organizations" in job.error
    assert not Organization.objects.filter(kind="enterprise").exists()
    forget_permissions(officer)
    job = run_import(checked(officer, "enterprises", rows, organization=bureau), officer,
                     django_capture_on_commit_callbacks)
    assert job.status == "succeeded", job.error
    assert Enterprise.objects.get().organization.credit_code == CODE_A


def test_an_unchanged_row_of_someone_elses_figures_is_refused_too(
        db, django_capture_on_commit_callbacks):
    """Otherwise "1 unchanged" would confirm a guess of another enterprise's figures."""
    make_regions()
    mine = make_org("我的企业", credit_code=CODE_A)
    theirs = make_org("别人的企业", credit_code=CODE_B)
    for org in (mine, theirs):
        make_enterprise(org)
    make_indicator(theirs, 2024, revenue=200)
    guesser = make_user(memberships=[(mine, "admin")])
    rows = [["统一社会信用代码", "年度", "营业收入"], [CODE_B, 2024, "200"]]
    job = run_import(checked(guesser, "indicators", rows, organization=mine), guesser,
                     django_capture_on_commit_callbacks)
    assert job.status == "failed" and job.result is None
    assert "you may not write 1 of the yearly indicators" in job.error


def test_one_name_under_two_codes_and_a_rename_onto_a_taken_name(admin):
    make_enterprise(make_org("石狮乙印染有限公司", credit_code=CODE_B))
    make_enterprise(make_org("已有的名称"))
    rows = [["统一社会信用代码", "企业名称", "所属区县"],
            [CODE_A, "同名公司", "350581"], [CODE_C, "同名公司", "330302"],
            [CODE_B, "已有的名称", "350581"]]
    batch = checked(admin, "enterprises", rows)
    assert [(e["row"], e["column"], e["reason"]) for e in batch.errors] == [
        (3, "企业名称", "duplicate of row 2 in this file"),
        (4, "企业名称", "another registered organization already has this name"),
    ]


def test_the_file_is_read_once_for_the_upload_and_every_check(admin, monkeypatch):
    from jinxiu.apps.enterprises import imports

    reads = []
    original = imports.read_table
    monkeypatch.setattr(imports, "read_table",
                        lambda data, name: reads.append(name) or original(data, name))
    batch = checked(admin, "enterprises", good_rows())
    again = import_batch_check(batch=batch, user=admin, mapping=batch.mapping)
    assert reads == ["名录.xlsx"] and not again.errors
    assert batch_table(again).rows == original(batch.file.open("rb").read(), "x.xlsx").rows
    # other bytes are another file: read again, never mistaken for the first
    rows = good_rows()
    rows[1][9] = "陈五"
    other = checked(admin, "enterprises", rows)
    assert len(reads) == 2 and batch_table(other).rows[0][1][9] == "陈五"
