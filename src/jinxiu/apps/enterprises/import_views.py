"""Pages of the registry import: upload, map the columns, check, confirm matches, import.

Kept apart from ``views.py`` for length; ``urls.py`` routes to both."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from jinxiu.apps.core.jobs.services import job_live_state
from jinxiu.apps.core.permissions import permission_q, user_can
from jinxiu.apps.core.uploads import too_large_response, upload_was_cut_short
from jinxiu.apps.enterprises.forms import ImportUploadForm
from jinxiu.apps.enterprises.import_check import NEW
from jinxiu.apps.enterprises.import_report import error_report
from jinxiu.apps.enterprises.imports import FIELDS, ImportRefused
from jinxiu.apps.enterprises.jobs import batch_table
from jinxiu.apps.enterprises.models import Enterprise, ImportBatch, YearlyIndicator
from jinxiu.apps.enterprises.services import (
    import_batch_check,
    import_batch_create,
    import_batch_start,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PREVIEW_ROWS = 10
SHOWN_ERRORS = 200


def may_import(user) -> bool:
    return any(permission_q(user, model, "add") is not None
               for model in (Enterprise, YearlyIndicator))


class ImportStartView(LoginRequiredMixin, View):
    def get(self, request):
        if not may_import(request.user):
            raise PermissionDenied(_("You may not import into the registry."))
        return self._render(request, ImportUploadForm())

    def _render(self, request, form, status=200):
        batches = ImportBatch.objects.restrict(request.user, "view").select_related("job")[:20]
        return render(request, "enterprises/import_start.html",
                      {"form": form, "batches": batches}, status=status)

    def post(self, request):
        if not may_import(request.user):
            raise PermissionDenied(_("You may not import into the registry."))
        if upload_was_cut_short(request):
            return too_large_response(request)
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, form, status=400)
        try:
            batch = import_batch_create(user=request.user, organization=request.organization,
                                        kind=form.cleaned_data["kind"],
                                        uploaded=form.cleaned_data["file"])
        except ValidationError as exc:
            form.add_error("file", exc)
            return self._render(request, form, status=400)
        return redirect(batch.get_absolute_url())


def _batch(request, pk) -> ImportBatch:
    return get_object_or_404(ImportBatch.objects.restrict(request.user, "view")
                             .select_related("job"), pk=pk)


class ImportDetailView(LoginRequiredMixin, View):
    def get(self, request, pk, status=200):
        batch = _batch(request, pk)
        if batch.status == ImportBatch.Status.QUEUED and batch.job is not None and \
                batch.job.status in ("failed", "cancelled"):
            # the job wrote nothing (its transaction rolled back, this row's status too)
            batch.status = ImportBatch.Status.FAILED
            batch.save(update_fields=["status"])
        try:
            table = batch_table(batch)
        except ImportRefused as exc:  # the stored file is gone or unreadable
            messages.error(request, str(exc))
            table = None
        fields = FIELDS[batch.kind]
        labels = {f.key: f.label for f in fields}
        columns = [{"index": str(i), "header": h, "field": batch.mapping.get(str(i), ""),
                    "samples": [_sample(cells, i) for _n, cells in
                                (table.rows[:3] if table else [])]}
                   for i, h in enumerate(batch.headers)]
        preview = []
        if table is not None and batch.mapping:
            mapped = sorted(batch.mapping.items(), key=lambda item: int(item[0]))
            preview = [(number, [_sample(cells, int(i)) for i, _k in mapped])
                       for number, cells in table.rows[:PREVIEW_ROWS]]
        context = {
            "batch": batch, "columns": columns, "fields": fields,
            "mapped_labels": [labels[k] for _i, k in
                              sorted(batch.mapping.items(), key=lambda item: int(item[0]))
                              if k in labels],
            "preview": preview, "errors": batch.errors[:SHOWN_ERRORS],
            "more_errors": max(0, len(batch.errors) - SHOWN_ERRORS),
            "proposals": batch.proposals, "decisions": batch.decisions, "new": NEW,
            "editable": batch.status in (ImportBatch.Status.UPLOADED,
                                         ImportBatch.Status.REJECTED,
                                         ImportBatch.Status.READY,
                                         ImportBatch.Status.FAILED),
            "can_start": batch.status == ImportBatch.Status.READY and not batch.undecided,
        }
        if batch.job is not None:
            progress, message = job_live_state(batch.job)
            context.update(job=batch.job, progress=progress, message=message,
                           can_change=user_can(request.user, batch.job, "change"))
        return render(request, "enterprises/import_detail.html", context, status=status)

    def post(self, request, pk):
        batch = _batch(request, pk)
        action = request.POST.get("action")
        try:
            if action == "check":
                valid = {f.key for f in FIELDS[batch.kind]}
                mapping = {}
                for i in range(len(batch.headers)):
                    key = request.POST.get(f"col-{i}", "")
                    if key in valid:
                        if key in mapping.values():
                            raise ValidationError(_("“%(field)s” is mapped to two columns.")
                                                  % {"field": key})
                        mapping[str(i)] = key
                import_batch_check(batch=batch, user=request.user, mapping=mapping)
            elif action == "decide":
                decisions = {}
                for proposal in batch.proposals:
                    value = request.POST.get(f"match-{proposal['row']}", "")
                    allowed = {str(c["id"]) for c in proposal["candidates"]}
                    if batch.kind == "enterprises":
                        allowed.add(NEW)
                    if value in allowed:
                        decisions[str(proposal["row"])] = value
                import_batch_check(batch=batch, user=request.user, decisions=decisions)
            elif action == "start":
                import_batch_start(batch=batch, user=request.user)
                messages.success(request, _("The import has started."))
            else:
                raise ValidationError(_("Unknown action."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return self.get(request, pk, status=400)
        return redirect(batch.get_absolute_url())


class ImportReportView(LoginRequiredMixin, View):
    def get(self, request, pk):
        batch = _batch(request, pk)
        content = error_report(batch_table(batch), batch.errors)
        response = HttpResponse(content, content_type=XLSX)
        stem = batch.filename.rsplit(".", 1)[0]
        from urllib.parse import quote

        response["Content-Disposition"] = (
            f"attachment; filename=\"import-errors-{batch.pk}.xlsx\"; "
            f"filename*=UTF-8''{quote(stem + '-错误报告.xlsx')}")
        return response


def _sample(cells, index: int) -> str:
    from jinxiu.apps.enterprises.imports import _cell_text

    return _cell_text(cells[index]) if index < len(cells) else ""
