"""A balancing plan as an Excel workbook and as a printable PDF line layout."""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from jinxiu.apps.production.adapter import Evaluation
from jinxiu.apps.production.bulletins import xlsx_safe
from jinxiu.apps.production.models import BalancePlan


def plan_xlsx(plan: BalancePlan, evaluation: Evaluation) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("Stations")[:31]
    bold = Font(bold=True)
    sheet.append([_("Plan"), plan.name])
    sheet.append([_("Style"), str(plan.style)])
    sheet.append([_("Line"), str(plan.line or ""), *(
        [plan.line.get_routing_display()] if evaluation.route is not None else [])])
    if evaluation.cycle_seconds:
        sheet.append([_("Cycle time (s)"), round(evaluation.cycle_seconds, 2)])
    sheet.append([_("Bottleneck (s)"), round(evaluation.bottleneck_seconds, 2)])
    sheet.append([_("Workplaces"), evaluation.workplaces])
    sheet.append([_("Balance efficiency (%)"), round(evaluation.balance_efficiency * 100, 1)])
    sheet.append([_("Output per hour"), round(evaluation.output_per_hour, 1)])
    if evaluation.output_per_day is not None:
        sheet.append([_("Output per day"), evaluation.output_per_day, evaluation.unit])
        sheet.append([_("Target per day"), evaluation.target_per_day, evaluation.unit])
    if evaluation.route is not None:
        sheet.append([_("Route on the hanging line"), evaluation.route.path])
        sheet.append([None, evaluation.route.summary])
    state = (_("balanced for other inputs") if evaluation.stale else
             _("edited by hand") if plan.edited else
             _("proven optimal") if plan.result.get("proven_optimal") else "")
    if state:
        sheet.append([_("Optimality"), state])
    sheet.append([])
    skills = plan.use_operator_skills
    # with skills, each operation at its operator's own speed beside its standard time
    times = [_("Standard seconds"), _("Operator's seconds")] if skills else [_("Seconds")]
    sheet.append([_("Station"), _("Parallel workplaces"), _("Operator"), _("Operation code"),
                  _("Operation"), _("Machine"), *times, _("Station load (s)"),
                  _("Idle (s)")])
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for view in evaluation.stations:
        for i, op in enumerate(view.operations):
            first = i == 0
            sheet.append([view.number if first else None, view.replicas if first else None,
                          view.names if first else None, op["code"], op["name"],
                          op["machine"], *([op["standard"]] if skills else []),
                          op["seconds"], round(view.per_workplace, 2) if first else None,
                          round(view.idle, 2) if first else None])
    for title, lines in ((_("Why the cycle is not shorter"), evaluation.notes),
                         (_("Warnings"), evaluation.warnings)):
        if lines:
            sheet.append([])
            sheet.append([title])
            sheet.cell(sheet.max_row, 1).font = bold
            for line in lines:
                sheet.append([line])
    xlsx_safe(sheet)
    widths = (8, 8, 14, 10, 28, 12, *((10, 10) if skills else (10,)), 14, 10)
    for col, width in zip("ABCDEFGHIJ", widths, strict=False):
        sheet.column_dimensions[col].width = width
    _by_operation(book.create_sheet(_("By operation")[:31]), evaluation, bold)
    if evaluation.route is not None:
        _route(book.create_sheet(_("Route on the hanging line")[:31]), evaluation, bold)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _by_operation(sheet, evaluation: Evaluation, bold) -> None:
    """Each operation with its station and operators, in the bulletin's order (工序站位表):
    what a supervisor looks up, and what a hanging system's route table is typed from."""
    sheet.append([_("Operation code"), _("Operation"), _("Machine"), _("Seconds"),
                  _("Station"), _("Parallel workplaces"), _("Operator")])
    for cell in sheet[1]:
        cell.font = bold
    rows = [(op["pk"], op["code"], op["name"], op["machine"], op["standard"], view.number,
             view.replicas, view.names) for view in evaluation.stations
            for op in view.operations]
    rows += [(op["pk"], op["code"], op["name"], op["machine"], op["seconds"], None, None, None)
             for op in evaluation.unassigned]
    for row in sorted(rows, key=lambda r: evaluation.order.get(r[0], 0)):
        sheet.append(list(row[1:]))
    xlsx_safe(sheet)
    for col, width in zip("ABCDEFG", (10, 28, 12, 10, 8, 8, 20), strict=True):
        sheet.column_dimensions[col].width = width


def _route(sheet, evaluation: Evaluation, bold) -> None:
    """A hanging line's route table (吊挂路线): each stop of a piece in order, the station
    with its parallel workplaces, the operations done there on that stop, its operators."""
    sheet.append([_("Step"), _("Station"), _("Parallel workplaces"), _("Operation code"),
                  _("Operation"), _("Operator")])
    for cell in sheet[1]:
        cell.font = bold
    names = {view.number: view.names for view in evaluation.stations}
    for step, visit in enumerate(evaluation.route.visits_list, start=1):
        sheet.append([step, visit.station, visit.replicas,
                      "、".join(op.code for op in visit.operations),
                      "、".join(op.name for op in visit.operations), names.get(visit.station)])
    sheet.append([])
    sheet.append([evaluation.route.summary])
    xlsx_safe(sheet)
    for col, width in zip("ABCDEF", (6, 8, 8, 14, 36, 20), strict=True):
        sheet.column_dimensions[col].width = width


def plan_pdf(plan: BalancePlan, evaluation: Evaluation, *, request=None) -> bytes:
    """A printable A4 landscape line layout (WeasyPrint; needs Pango from the OS)."""
    from weasyprint import HTML

    html = render_to_string("production/plan_print.html",
                            {"plan": plan, "evaluation": evaluation}, request=request)
    return HTML(string=html).write_pdf()
