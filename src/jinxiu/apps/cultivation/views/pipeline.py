"""The cultivation pipeline (梯度培育库): titles per tier and region, the funnel, the candidates
for each tier ranked by how little is missing, the expiring titles; Excel and PDF."""

from __future__ import annotations

import io
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from jinxiu.apps.core.permissions import permission_q
from jinxiu.apps.cultivation.models import Evaluation, EvaluationRun, TierRecord
from jinxiu.apps.cultivation.selectors import (
    candidates,
    funnel_option,
    is_reviewer,
    pipeline_counts,
    reviewable_organizations,
    tierrecord_expiring,
)
from jinxiu.apps.cultivation.tiers import tier, tiers

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPIRY_DAYS = 90


def _days(request) -> int:
    raw = request.GET.get("days", "")
    return max(1, min(int(raw), 3650)) if raw.isdigit() else EXPIRY_DAYS


def _change_text(change: dict) -> str:
    label = change.get("label") or change.get("fact")
    year = f" {change['year']}" if change.get("year") else ""
    measure = change.get("measure")
    if measure:
        return f"{label}{year}: {measure}"
    return f"{label}{year}: {_fmt(change.get('current'))} → {_fmt(change.get('required'))}"


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return "—" if value is None else str(value)


def _pipeline(request) -> dict:
    user, on = request.user, timezone.localdate()
    counts = pipeline_counts(user=user, on=on)
    rows = []
    for target in tiers().values():
        for evaluation in candidates(user=user, tier_id=target.id, on=on, limit=50):
            rows.append({"tier": target, "evaluation": evaluation,
                         "changes": [_change_text(c) for c in evaluation.changes]})
    return {
        "on": on, "counts": counts, "tiers": list(tiers().values()),
        "chart": funnel_option(counts, _registry_size(user)),
        "candidates": rows, "days": _days(request),
        "expiring": list(tierrecord_expiring(user=user, on=on, within_days=_days(request))),
    }


def _registry_size(user) -> int:
    """The funnel's base: the registry of the reviewer's region, or the whole registry."""
    from jinxiu.apps.enterprises.models import Enterprise

    if is_reviewer(user) and not user.is_superuser:
        return Enterprise.objects.filter(
            organization__in=reviewable_organizations(user=user)).count()
    return Enterprise.objects.count()


class PipelineView(LoginRequiredMixin, View):
    def get(self, request):
        context = _pipeline(request)
        context["can_import"] = permission_q(request.user, TierRecord, "add") is not None
        context["can_run"] = permission_q(request.user, EvaluationRun, "add") is not None and \
            is_reviewer(request.user)
        context["region_rows"] = [
            (code, name, [counts.get(t.id, 0) for t in context["tiers"]])
            for code, name, counts in context["counts"]["regions"]]
        return render(request, "cultivation/pipeline.html", context)


class ExpiringView(LoginRequiredMixin, View):
    """Titles whose expiry or review date falls within N days (the dashboard tile's list)."""

    def get(self, request):
        on, days = timezone.localdate(), _days(request)
        return render(request, "cultivation/expiring.html", {
            "records": tierrecord_expiring(user=request.user, on=on, within_days=days),
            "days": days, "on": on})


class PipelineExportView(LoginRequiredMixin, View):
    def get(self, request, fmt):
        if permission_q(request.user, TierRecord, "export") is None and \
                permission_q(request.user, Evaluation, "export") is None:
            raise PermissionDenied(_("You may not export these records."))
        context = _pipeline(request)
        name = f"梯度培育库-{context['on']:%Y%m%d}"
        if fmt == "xlsx":
            return _attachment(pipeline_xlsx(context), XLSX, f"{name}.xlsx")
        if fmt != "pdf":
            raise PermissionDenied
        from weasyprint import HTML

        try:
            html = render_to_string("cultivation/pipeline_print.html", context, request=request)
            pdf = HTML(string=html).write_pdf()
        except OSError as exc:  # WeasyPrint without Pango on this machine
            messages.error(request, _("PDF export needs Pango (apt-get install "
                                      "libpango-1.0-0): %(e)s") % {"e": exc})
            return redirect("cultivation:pipeline")
        return _attachment(pdf, "application/pdf", f"{name}.pdf")


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _cell(value):
    if value is None or isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def pipeline_xlsx(context) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    bold = Font(bold=True)
    sheet = book.active
    sheet.title = _("Tiers")[:31]
    sheet.append([_("Region"), *[t.zh for t in context["tiers"]]])
    for code, name, counts in context["counts"]["regions"]:
        sheet.append([_cell(f"{name} ({code})"), *[counts.get(t.id, 0) for t in context["tiers"]]])
    sheet.append([_("Total"), *[context["counts"]["tiers"].get(t.id, 0)
                                for t in context["tiers"]]])
    for cell in sheet[1]:
        cell.font = bold
    sheet = book.create_sheet(_("Candidates")[:31])
    sheet.append([_("Tier"), _("Enterprise"), _("Region"), _("Verdict"), _("Changes needed"),
                  _("What is missing")])
    for row in context["candidates"]:
        evaluation = row["evaluation"]
        region = evaluation.organization.region
        sheet.append([row["tier"].zh, _cell(evaluation.organization.name),
                      region.full_name if region else "", evaluation.get_status_display(),
                      evaluation.change_count,
                      _cell("; ".join(row["changes"]) or "; ".join(evaluation.missing))])
    for cell in sheet[1]:
        cell.font = bold
    sheet = book.create_sheet(_("Expiring")[:31])
    sheet.append([_("Enterprise"), _("Tier"), _("Certificate number"), _("Expires on")])
    for record in context["expiring"]:
        sheet.append([_cell(record.organization.name), tier(record.tier).zh,
                      _cell(record.certificate_no), record.expires_on])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
