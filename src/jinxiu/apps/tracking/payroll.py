"""The month's piece-rate pay as an Excel workbook for payroll (计件工资表)."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _


def pay_xlsx(rows, *, year: int, month: int) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    summary = book.active
    summary.title = _("Pay")[:31]
    bold = Font(bold=True)
    summary.append([_("Piece-rate pay %(year)d-%(month)02d") % {"year": year, "month": month}])
    summary["A1"].font = bold
    summary.append([_("Organization"), _("Employee number"), _("Operator"), _("Pieces"),
                    _("Repairs (not paid)"), _("Pay (yuan)")])
    for cell in summary[2]:
        cell.font = bold
    detail = book.create_sheet(_("By operation")[:31])
    detail.append([_("Employee number"), _("Operator"), _("Style"), _("Operation code"),
                   _("Operation"), _("Pieces"), _("Repairs (not paid)"), _("Rate (yuan)"),
                   _("Pay (yuan)")])
    for cell in detail[1]:
        cell.font = bold
    for operator, items, total in rows:
        summary.append([str(operator.organization), operator.employee_no, operator.name,
                        sum(line.pieces for _op, line in items),
                        sum(line.repairs for _op, line in items), float(total)])
        for operation, line in items:
            detail.append([operator.employee_no, operator.name, str(operation.style),
                           operation.code, operation.name, line.pieces, line.repairs,
                           float(line.rate) if line.rate is not None else None,
                           float(line.pay)])
    summary.append([])
    summary.append([_("Total"), None, None, None, None,
                    float(sum((r[2] for r in rows), 0))])
    for sheet, widths in ((summary, (18, 12, 12, 10, 14, 12)),
                          (detail, (12, 12, 22, 10, 20, 10, 14, 10, 10))):
        for i, width in enumerate(widths):
            sheet.column_dimensions[chr(65 + i)].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
