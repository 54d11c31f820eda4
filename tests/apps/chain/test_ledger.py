"""The key-project ledger: Excel import (all or nothing), overdue milestones, roll-ups."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from jinxiu.apps.chain.ledger import (
    COLUMNS,
    investment_rollup,
    overdue_milestones,
)
from jinxiu.apps.chain.models import KeyProject, Milestone
from jinxiu.apps.chain.services import taxonomy_load
from tests.apps.chain.factories import make_project
from tests.helpers.factories import make_org, make_regions, make_user

YEARS = ["2025年计划投资（万元）", "2025年完成投资（万元）", "2026年计划投资（万元）",
         "2026年完成投资（万元）"]
GOOD = ["P1", "鞋材新材料项目", "外地鞋材公司", "soles", "350581", "新建", "在建", "1.2亿",
        "2025-03-01", "2026/12/31", "王科长", "", 6000, "4,500", 6000, None]


def _book(rows, milestones=None) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.title = "重点项目"
    sheet.append(COLUMNS + YEARS)
    for row in rows:
        sheet.append(row)
    if milestones is not None:
        ms = book.create_sheet("节点计划")
        ms.append(["项目编号", "节点名称", "计划日期", "实际日期", "备注"])
        for row in milestones:
            ms.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("台账.xlsx", buffer.getvalue())


@pytest.fixture
def bureau_world(db):
    make_regions()
    taxonomy_load()
    bureau = make_org("石狮工信局", kind="bureau")
    return {"bureau": bureau, "officer": make_user(memberships=[(bureau, "officer")])}


def _post(client, world, upload, **extra):
    client.force_login(world["officer"])
    return client.post(reverse("chain:ledger_import"),
                       {"organization": world["bureau"].pk, "file": upload, **extra})


def test_import_creates_projects_with_years_and_milestones(client, bureau_world):
    response = _post(client, bureau_world, _book(
        [GOOD], [["P1", "开工", "2025-03-01", "2025-03-05", ""],
                 ["P1", "主体完工", "2025-09-30", None, "延期"]]))
    assert response.status_code == 302
    project = KeyProject.objects.get()
    assert (project.code, project.node.code, project.region.code, project.kind,
            project.status) == ("P1", "soles", "350581", "new", "building")
    assert project.planned_investment == 12000  # 1.2亿 = 12000 万元
    assert project.owner_name == "外地鞋材公司" and project.owner_enterprise is None
    assert project.investments == {"2025": {"planned": 6000.0, "completed": 4500.0},
                                   "2026": {"planned": 6000.0}}
    assert project.end_date == dt.date(2026, 12, 31)
    assert [m.name for m in project.milestones.all()] == ["开工", "主体完工"]
    # re-import: matched by number, updated, milestones replaced
    changed = [*GOOD[:6], "投产", *GOOD[7:]]
    assert _post(client, bureau_world, _book([changed], [])).status_code == 302
    project.refresh_from_db()
    assert KeyProject.objects.count() == 1 and project.status == "operating"
    assert project.milestones.count() == 2  # an empty milestone sheet names no project


def test_a_bad_file_names_row_column_value_reason_and_writes_nothing(client, bureau_world):
    bad = [GOOD,
           ["P2", "", "", "no_such_node", "999999", "扩张", "在建", "很多", "2025-13-01",
            None, "", "", "x", None, None, None],
           ["P1", "重复", "", "", "350581", "", "", None, None, None, "", "", None, None,
            None, None]]
    response = _post(client, bureau_world, _book(bad, [["P9", "开工", "2025-01-01", None,
                                                        ""]]))
    assert response.status_code == 400
    problems = {(p.sheet, p.row, p.column, p.value) for p in response.context["problems"]}
    assert problems == {
        ("重点项目", 3, "项目名称", ""), ("重点项目", 3, "产业链节点", "no_such_node"),
        ("重点项目", 3, "所在地区代码", "999999"), ("重点项目", 3, "项目类型", "扩张"),
        ("重点项目", 3, "计划总投资（万元）", "很多"), ("重点项目", 3, "计划开工", "2025-13-01"),
        ("重点项目", 3, "2025年计划投资（万元）", "x"), ("重点项目", 4, "项目编号", "P1"),
        ("节点计划", 2, "项目编号", "P9")}
    reasons = {p.column: p.reason for p in response.context["problems"] if p.row == 3}
    assert "在建" in reasons["项目类型"] or "新建" in reasons["项目类型"]
    assert not KeyProject.objects.exists() and not Milestone.objects.exists()
    # the same problems as a workbook to fix the file with
    report = _post(client, bureau_world, _book(bad), report="xlsx")
    rows = list(load_workbook(io.BytesIO(report.content)).active.iter_rows(values_only=True))
    assert ("重点项目", 4, "项目编号", "P1") in [r[:4] for r in rows]
    assert not KeyProject.objects.exists()


def test_wrong_files_are_refused(client, bureau_world):
    fake = SimpleUploadedFile("台账.xlsx", b"not a zip at all")
    response = _post(client, bureau_world, fake)
    assert response.status_code == 400 and "file" in response.context["form"].errors
    other = make_org("别的局", kind="bureau")
    client.force_login(bureau_world["officer"])
    response = client.post(reverse("chain:ledger_import"),
                           {"organization": other.pk, "file": _book([GOOD])})
    assert response.status_code == 400 and "organization" in response.context["form"].errors
    assert not KeyProject.objects.exists()


def test_overdue_milestones_and_the_atlas_tile(client, bureau_world):
    project = make_project(bureau_world["bureau"], officer="王科长")
    from django.utils import timezone

    today = timezone.localdate()
    day = dt.timedelta(days=1)
    Milestone.objects.create(project=project, name="开工", planned_date=today - 92 * day,
                             actual_date=today - 90 * day)
    Milestone.objects.create(project=project, name="封顶", planned_date=today - 12 * day)
    Milestone.objects.create(project=project, name="投产", planned_date=today + 90 * day)
    rows = overdue_milestones(user=bureau_world["officer"], today=today)
    assert [(m.name, days) for m, days in rows] == [("封顶", 12)]
    stranger = make_user(memberships=[(make_org("外企"), "admin")])
    assert overdue_milestones(user=stranger, today=today) == []
    client.force_login(bureau_world["officer"])
    response = client.get(reverse("chain:overdue"))
    assert "封顶" in response.content.decode()
    response = client.get(reverse("chain:atlas"), {"region": "350581"})
    assert response.context["overdue"] == 1


def test_rollups_by_node_region_and_year(bureau_world):
    from jinxiu.apps.chain.models import ChainNode

    bureau = bureau_world["bureau"]
    make_project(bureau, node=ChainNode.objects.get(code="soles"),
                 investments={"2025": {"planned": 100, "completed": 60},
                              "2026": {"planned": 50}})
    make_project(bureau, node=ChainNode.objects.get(code="soles"),
                 investments={"2025": {"planned": 300, "completed": 300}})
    make_project(bureau, investments={"2026": {"planned": 40, "completed": 10}})
    user = bureau_world["officer"]
    by_node = {r["key"]: (r["projects"], r["planned"], r["completed"])
               for r in investment_rollup(user=user, by="node")}
    assert by_node == {"鞋底": (2, 450.0, 360.0), "(no node)": (1, 40.0, 10.0)} or \
        by_node == {"鞋底": (2, 450.0, 360.0), "（无节点）": (1, 40.0, 10.0)}
    by_year = {r["key"]: (r["projects"], r["planned"], r["completed"], r["rate"])
               for r in investment_rollup(user=user, by="year")}
    assert by_year == {"2025": (2, 400.0, 360.0, 0.9), "2026": (2, 90.0, 10.0, 10 / 90)}
    by_region = investment_rollup(user=user, by="region")
    assert [(r["key"], r["projects"]) for r in by_region] == [("福建省泉州市石狮市", 3)]


def test_milestones_page_saves_the_formset(client, bureau_world):
    project = make_project(bureau_world["bureau"])
    client.force_login(bureau_world["officer"])
    url = reverse("chain:keyproject_milestones", args=[project.pk])
    data = {"milestones-TOTAL_FORMS": "3", "milestones-INITIAL_FORMS": "0",
            "milestones-MIN_NUM_FORMS": "0", "milestones-MAX_NUM_FORMS": "1000",
            "milestones-0-name": "开工", "milestones-0-planned_date": "2026-01-10",
            "milestones-1-name": "竣工", "milestones-1-planned_date": "not a date"}
    assert client.post(url, data).status_code == 400 and not Milestone.objects.exists()
    data["milestones-1-planned_date"] = "2026-12-10"
    assert client.post(url, data).status_code == 302
    assert [m.name for m in project.milestones.all()] == ["开工", "竣工"]
    viewer = make_user(memberships=[(bureau_world["bureau"], "viewer")])
    client.force_login(viewer)
    assert client.post(url, data).status_code == 403


def test_home_page_tile_counts_overdue_milestones(client, bureau_world):
    from django.utils import timezone

    project = make_project(bureau_world["bureau"])
    Milestone.objects.create(project=project, name="封顶",
                             planned_date=timezone.localdate() - dt.timedelta(days=3))
    client.force_login(bureau_world["officer"])
    tiles = client.get("/").context["tiles"]
    assert [(str(t["label"]), t["value"], t["alert"]) for t in tiles] in (
        [("Overdue milestones", 1, True)], [("逾期节点", 1, True)])
    # someone who may see no project gets no tile
    client.force_login(make_user())
    assert client.get("/").context["tiles"] == []
