"""The error report of a rejected import, as an Excel workbook.

Sheet 1 is the file's own data (header and rows in their order) with every bad cell filled
red and an extra column "错误说明" (the reasons of that row): fix the cells and import this
very file again (the extra column is not mapped). Sheet 2 lists the errors: row, column,
value, reason, where the row numbers are those of the uploaded file.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from jinxiu.apps.enterprises.imports import Table

RED = "FFC7CE"


def error_report(table: Table, errors: list[dict]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    fill = PatternFill("solid", start_color=RED, end_color=RED)
    bold = Font(bold=True)
    by_row: dict[int, list[dict]] = {}
    for error in errors:
        by_row.setdefault(error["row"], []).append(error)

    book = Workbook()
    data = book.active
    data.title = _("data (fix and import again)")[:31]
    explain = "错误说明"
    data.append([*(_plain(h) for h in table.headers), explain])
    for cell in data[1]:
        cell.font = bold
    header_index = {h: i for i, h in enumerate(table.headers)}
    for out_row, (number, cells) in enumerate(table.rows, start=2):
        row_errors = by_row.get(number, [])
        values = [_plain(c) for c in cells] + [""] * (len(table.headers) - len(cells))
        values = values[:len(table.headers)]
        data.append([*values, _plain("；".join(f"{e['column']}：{e['reason']}"
                                               for e in row_errors))])
        for error in row_errors:
            index = header_index.get(error["column"])
            if index is not None:
                data.cell(row=out_row, column=index + 1).fill = fill
        if row_errors:
            data.cell(row=out_row, column=len(table.headers) + 1).fill = fill

    sheet = book.create_sheet(_("errors")[:31])
    sheet.append([_("Row"), _("Column"), _("Value"), _("Reason")])
    for cell in sheet[1]:
        cell.font = bold
    for error in errors:
        sheet.append([error["row"], _plain(error["column"]), _plain(error["value"]),
                      _plain(error["reason"])])
    for column, width in zip("ABCD", (8, 24, 28, 80), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _plain(value):
    """A value openpyxl can write: control characters (possible in a CSV) are dropped."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, float) and value != value:
        return str(value)
    if hasattr(value, "isoformat"):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))
