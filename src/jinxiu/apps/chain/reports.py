"""The gap ledger and the 招商地图 (candidate map) as Excel workbooks and a printable PDF."""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from jinxiu.apps.chain.charts import candidate_rows, gap_rows
from jinxiu.apps.chain.labels import verdict_label


def _book(title: str, header: list, rows: list[list], widths: tuple, intro: list[list]):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    for line in intro:
        sheet.append(line)
    sheet.append([])
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for i, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + i)].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _intro(atlas) -> list[list]:
    lines = [[_("Region"), atlas.region.full_name], [_("Year"), atlas.year],
             [_("Anchor threshold (10,000 yuan)"), atlas.params.anchor_output]]
    if atlas.benchmark is not None:
        lines.append([_("Reference figures"), str(atlas.benchmark), atlas.benchmark.source])
    lines.append([_("Figures from fewer than 3 firms are withheld unless you may see every "
                    "one of them.")])
    return lines


def _round(value, digits=4):
    return round(value, digits) if value is not None else None


def gaps_xlsx(atlas) -> bytes:
    header = [_("Node"), _("Code"), _("Level"), _("Firms"), _("Output (10,000 yuan)"),
              _("Share"), _("Location quotient"), _("Anchor firms"), _("Yearly growth"),
              _("Verdict"), _("Reasons")]
    rows = [[r["indent"] + r["node"].name, r["node"].code, r["node"].level, r["firms"],
             _round(r["output"], 2), _round(r["share"]), _round(r["lq"]), r["anchors"],
             _round(r["growth"]), r["verdict_label"], "；".join(r["reasons"])]
            for r in gap_rows(atlas)]
    return _book(_("Gap analysis"), header, rows, (26, 18, 6, 8, 16, 10, 12, 10, 12, 12, 60),
                 _intro(atlas))


def candidates_xlsx(atlas, rows) -> bytes:
    header = [_("Node"), _("Verdict"), _("Candidate"), _("Region"), _("Credit code"),
              _("Score"), _("Output (10,000 yuan)"), _("Reasons")]
    body = []
    for r in rows:
        org = r.enterprise.organization
        body.append([r.node.name, verdict_label(r.verdict), org.name,
                     org.region.full_name if org.region else "", org.credit_code or "",
                     r.score, float(r.output) if r.output is not None else None,
                     "；".join(candidate_rows([r])[0]["reasons"])])
    return _book(_("Investment targets"), header, body, (18, 10, 30, 24, 22, 8, 16, 60),
                 _intro(atlas))


def candidates_pdf(atlas, rows, *, request=None) -> bytes:
    """A printable A4 招商地图 (WeasyPrint; needs Pango from the OS)."""
    from weasyprint import HTML

    html = render_to_string("chain/candidates_print.html", {
        "atlas": atlas, "rows": candidate_rows(rows),
        "gaps": [r for r in gap_rows(atlas) if r["verdict"] in ("missing", "weak")]},
        request=request)
    return HTML(string=html).write_pdf()
