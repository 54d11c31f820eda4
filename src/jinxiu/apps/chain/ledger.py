"""The key-project ledger (重点项目台账): reads, roll-ups, overdue milestones, and the Excel
workbook that is both the export and the import template.

Import is all-or-nothing: every problem is reported with its sheet, row, column, value and
reason, and nothing is written while one remains. Projects are matched by number within the
keeping organization (re-import updates them); a milestone sheet, when present, replaces the
milestones of the projects it names.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinxiu.apps.chain.models import ChainNode, KeyProject, Milestone
from jinxiu.apps.core.models import Region
from jinxiu.apps.enterprises.models import Enterprise

PROJECT_SHEET, MILESTONE_SHEET = "重点项目", "节点计划"
COLUMNS = ["项目编号", "项目名称", "业主单位", "产业链节点", "所在地区代码", "项目类型", "项目状态",
           "计划总投资（万元）", "计划开工", "计划竣工", "责任人", "备注"]
MILESTONE_COLUMNS = ["项目编号", "节点名称", "计划日期", "实际日期", "备注"]
_YEAR_COLUMN = re.compile(r"^(\d{4})年(计划|完成)投资")


def project_list(*, user):
    return KeyProject.objects.select_related(
        "organization", "owner_enterprise__organization", "node", "region").restrict(user,
                                                                                      "view")


def overdue_milestones(*, user, today: dt.date | None = None) -> list[tuple[Milestone, int]]:
    today = today or timezone.localdate()
    projects = KeyProject.objects.restrict(user, "view").values("pk")
    rows = Milestone.objects.filter(project__in=projects, actual_date__isnull=True,
                                    planned_date__lt=today).select_related(
        "project__node", "project__region").order_by("planned_date", "pk")
    return [(m, m.overdue_days(today)) for m in rows]


def investment_rollup(*, user, by: str) -> list[dict]:
    """Planned and completed investment summed by ``node`` (top segment), ``region`` or
    ``year`` over the projects ``user`` may see."""
    totals: dict[str, dict] = {}
    for project in project_list(user=user):
        if by == "year":
            for year, planned, completed in project.year_rows():
                row = totals.setdefault(str(year), {"key": str(year), "projects": set(),
                                                    "planned": 0.0, "completed": 0.0})
                row["projects"].add(project.pk)
                row["planned"] += planned or 0
                row["completed"] += completed or 0
            continue
        if by == "node":
            key = project.node.name if project.node else _("(no node)")
        else:
            key = project.region.full_name
        row = totals.setdefault(key, {"key": key, "projects": set(), "planned": 0.0,
                                      "completed": 0.0})
        row["projects"].add(project.pk)
        for _year, planned, completed in project.year_rows():
            row["planned"] += planned or 0
            row["completed"] += completed or 0
    out = sorted(totals.values(), key=lambda r: r["key"])
    for row in out:
        row["projects"] = len(row["projects"])
        row["rate"] = row["completed"] / row["planned"] if row["planned"] else None
    return out


# --- Excel -----------------------------------------------------------------------------------

def _years(projects) -> list[int]:
    return sorted({y for p in projects for y, _p, _c in p.year_rows()})


def ledger_xlsx(projects) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    projects = list(projects)
    years = _years(projects)
    book = Workbook()
    sheet = book.active
    sheet.title = PROJECT_SHEET
    sheet.append(COLUMNS + [f"{y}年{k}投资（万元）" for y in years for k in ("计划", "完成")])
    for p in projects:
        by_year = {y: (pl, co) for y, pl, co in p.year_rows()}
        row = [p.code, p.name, p.owner_label, p.node.code if p.node else "", p.region.code,
               p.get_kind_display(), p.get_status_display(),
               float(p.planned_investment) if p.planned_investment is not None else None,
               p.start_date, p.end_date, p.officer, p.note]
        for y in years:
            row += list(by_year.get(y, (None, None)))
        sheet.append(row)
    milestones = book.create_sheet(MILESTONE_SHEET)
    milestones.append(MILESTONE_COLUMNS)
    for m in Milestone.objects.filter(project__in=projects).select_related("project"):
        milestones.append([m.project.code, m.name, m.planned_date, m.actual_date, m.note])
    for ws in (sheet, milestones):
        for cell in ws[1]:
            cell.font = Font(bold=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int
    column: str
    value: str
    reason: str


class LedgerImportError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _amount(value):
    if value is None or _text(value) == "":
        return None
    if isinstance(value, (int, float)):
        if value < 0:
            raise ValueError
        return float(value)
    text = _text(value).replace(",", "").replace("，", "").replace(" ", "")
    factor = 1.0
    if text.endswith("亿元") or text.endswith("亿"):
        text, factor = text.rstrip("元").rstrip("亿"), 10000.0
    elif text.endswith("万元") or text.endswith("万"):
        text = text.rstrip("元").rstrip("万")
    number = float(text) * factor
    if number < 0:
        raise ValueError
    return number


def _date(value):
    if value is None or _text(value) == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", _text(value))
    if not match:
        raise ValueError
    return dt.date(*(int(g) for g in match.groups()))


def _choice(choices, value):
    text = _text(value)
    for key, label in choices:
        if text in (key, str(label)) or (text and f"（{text}）" in str(label)) \
                or (text and f"({text})" in str(label)):
            return key
    raise ValueError


def _rows(book, name, columns, problems):
    if name not in book.sheetnames:
        return None
    sheet = book[name]
    rows = list(sheet.iter_rows(values_only=True))
    if not rows:
        return []
    header = [_text(h) for h in rows[0]]
    for column in columns:
        if column not in header:
            problems.append(Problem(name, 1, column, "", _("column missing")))
    return [(number, dict(zip(header, row, strict=False)))
            for number, row in enumerate(rows[1:], start=2)
            if any(_text(v) for v in row)]


def ledger_import(*, file, organization, user) -> dict:
    """Read the workbook, check everything, then write it all in one transaction."""
    from openpyxl import load_workbook

    problems: list[Problem] = []
    try:
        book = load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise LedgerImportError([Problem("", 0, "", "", _("not a readable Excel workbook: "
                                                          "%(e)s") % {"e": exc})]) from exc
    rows = _rows(book, PROJECT_SHEET, COLUMNS, problems)
    if rows is None:
        raise LedgerImportError([Problem(PROJECT_SHEET, 0, "", "", _("sheet missing"))])
    milestone_rows = _rows(book, MILESTONE_SHEET, MILESTONE_COLUMNS, problems)
    if problems:
        raise LedgerImportError(problems)

    nodes = {n.code: n for n in ChainNode.objects.all()}
    nodes_by_name = {n.name: n for n in nodes.values()}
    regions = {r.code: r for r in Region.objects.all()}
    existing = {p.code: p for p in KeyProject.objects.filter(organization=organization)}
    planned: list[KeyProject] = []
    seen: dict[str, int] = {}

    def bad(sheet, number, column, value, reason):
        problems.append(Problem(sheet, number, column, _text(value), reason))

    for number, row in rows:
        code = _text(row.get("项目编号"))
        if not code:
            bad(PROJECT_SHEET, number, "项目编号", "", _("required"))
            continue
        if code in seen:
            bad(PROJECT_SHEET, number, "项目编号", code,
                _("duplicate of row %(n)d") % {"n": seen[code]})
            continue
        seen[code] = number
        project = existing.get(code) or KeyProject(organization=organization, code=code)
        project.name = _text(row.get("项目名称"))
        if not project.name:
            bad(PROJECT_SHEET, number, "项目名称", "", _("required"))
        owner = _text(row.get("业主单位"))
        enterprise = Enterprise.objects.filter(organization__credit_code=owner).first() \
            or Enterprise.objects.filter(organization__name=owner).first() if owner else None
        project.owner_enterprise, project.owner_name = (enterprise, "") if enterprise \
            else (None, owner)
        node_text = _text(row.get("产业链节点"))
        project.node = nodes.get(node_text) or nodes_by_name.get(node_text)
        if node_text and project.node is None:
            bad(PROJECT_SHEET, number, "产业链节点", node_text, _("unknown chain node"))
        region_code = _text(row.get("所在地区代码"))
        project.region = regions.get(region_code)
        if project.region_id is None:
            bad(PROJECT_SHEET, number, "所在地区代码", region_code,
                _("unknown region code (GB/T 2260)"))
        for column, field, choices in (("项目类型", "kind", KeyProject.Kind.choices),
                                       ("项目状态", "status", KeyProject.Status.choices)):
            value = row.get(column)
            if _text(value):
                try:
                    setattr(project, field, _choice(choices, value))
                except ValueError:
                    bad(PROJECT_SHEET, number, column, value,
                        _("not one of: %(c)s") % {"c": "、".join(str(c[1]) for c in choices)})
        try:
            amount = _amount(row.get("计划总投资（万元）"))
            project.planned_investment = None if amount is None else round(amount, 2)
        except ValueError:
            bad(PROJECT_SHEET, number, "计划总投资（万元）", row.get("计划总投资（万元）"),
                _("not an amount"))
        for column, field in (("计划开工", "start_date"), ("计划竣工", "end_date")):
            try:
                setattr(project, field, _date(row.get(column)))
            except ValueError:
                bad(PROJECT_SHEET, number, column, row.get(column),
                    _("not a date (2025-03-01)"))
        project.officer = _text(row.get("责任人"))
        project.note = _text(row.get("备注"))
        investments: dict[str, dict] = {}
        for column, value in row.items():
            match = _YEAR_COLUMN.match(column or "")
            if not match:
                continue
            try:
                amount = _amount(value)
            except ValueError:
                bad(PROJECT_SHEET, number, column, value, _("not an amount"))
                continue
            if amount is not None:
                key = "planned" if match.group(2) == "计划" else "completed"
                investments.setdefault(match.group(1), {})[key] = amount
        project.investments = investments
        if not any(p.row == number and p.sheet == PROJECT_SHEET for p in problems):
            try:
                project.full_clean(exclude=["organization"], validate_unique=False)
            except Exception as exc:  # ValidationError: name each field
                for field, messages in getattr(exc, "message_dict", {"": [str(exc)]}).items():
                    bad(PROJECT_SHEET, number, field, getattr(project, field, ""),
                        "；".join(messages))
        planned.append(project)

    milestones: dict[str, list[Milestone]] = {}
    for number, row in milestone_rows or []:
        code = _text(row.get("项目编号"))
        if code not in seen and code not in existing:
            bad(MILESTONE_SHEET, number, "项目编号", code, _("no such project"))
            continue
        try:
            planned_date = _date(row.get("计划日期"))
            actual = _date(row.get("实际日期"))
        except ValueError:
            bad(MILESTONE_SHEET, number, "计划日期/实际日期",
                f"{_text(row.get('计划日期'))} {_text(row.get('实际日期'))}",
                _("not a date (2025-03-01)"))
            continue
        name = _text(row.get("节点名称"))
        if not name or planned_date is None:
            bad(MILESTONE_SHEET, number, "节点名称/计划日期", name, _("required"))
            continue
        milestones.setdefault(code, []).append(
            Milestone(name=name, planned_date=planned_date, actual_date=actual,
                      note=_text(row.get("备注"))))
    if problems:
        raise LedgerImportError(problems)

    created = sum(1 for p in planned if p.pk is None)
    with transaction.atomic():
        for project in planned:
            project.save()
        by_code = {p.code: p for p in [*existing.values(), *planned]}
        for code, items in milestones.items():
            project = by_code[code]
            project.milestones.all().delete()
            for item in items:
                item.project = project
                item.save()
    return {"created": created, "updated": len(planned) - created,
            "milestones": sum(len(v) for v in milestones.values())}


def problems_xlsx(problems: list[Problem]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = _("Problems")[:31]
    sheet.append([_("Sheet"), _("Row"), _("Column"), _("Value"), _("Reason")])
    for p in problems:
        sheet.append([p.sheet, p.row, p.column, p.value, p.reason])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
