"""Rule-set revisions, tier records, batch evaluations and their verdicts."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from jinxiu.apps.core.generic_views import (
    ObjectChangeLogView,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ObjectViewMixin,
)
from jinxiu.apps.core.jobs.services import job_live_state
from jinxiu.apps.core.permissions import permission_q, user_can
from jinxiu.apps.cultivation import filtersets, forms, tables
from jinxiu.apps.cultivation.imports import TierImportError, tierrecord_import
from jinxiu.apps.cultivation.models import Evaluation, EvaluationRun, RuleSetRevision, TierRecord
from jinxiu.apps.cultivation.selectors import reviewable_organizations, run_changes
from jinxiu.apps.cultivation.services import (
    evaluation_run_start,
    ruleset_copy,
    ruleset_save,
    tierrecord_delete,
    tierrecord_save,
)
from jinxiu.engines.rules import RuleSetError


# --- rule sets ----------------------------------------------------------------------------
class RuleSetRevisionListView(ObjectListView):
    model = RuleSetRevision
    queryset = RuleSetRevision.objects.select_related("organization")
    table = tables.RuleSetRevisionTable
    filterset = filtersets.RuleSetRevisionFilterSet


class RuleSetRevisionDetailView(ObjectDetailView):
    model = RuleSetRevision
    queryset = RuleSetRevision.objects.select_related("organization", "based_on")
    template_name = "cultivation/ruleset_detail.html"

    def extra_context(self, obj):
        try:
            parsed, problems = obj.parsed(), []
        except RuleSetError as exc:
            parsed, problems = None, exc.problems
        return {"parsed": parsed, "problems": problems, "in_use": obj.in_use(),
                "copy_form": forms.RuleSetCopyForm(user=self.request.user)}


class RuleSetRevisionEditView(ObjectEditView):
    """The YAML editor: the engine's loader checks the text; its problems (file, line, path,
    reason) come back beside the editor and nothing is saved."""

    model = RuleSetRevision
    form = forms.RuleSetRevisionForm
    template_name = "cultivation/ruleset_edit.html"

    def save_form(self, form):
        return ruleset_save(revision=form.save(commit=False), user=self.request.user)

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError as exc:
            obj, _action = self.get_instance()
            form = self.get_form(obj, request.POST)
            form.is_valid()
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return self._render(obj, form, status=400)


class RuleSetRevisionDeleteView(ObjectDeleteView):
    model = RuleSetRevision


class RuleSetRevisionChangeLogView(ObjectChangeLogView):
    model = RuleSetRevision


class RuleSetRevisionCopyView(ObjectViewMixin, View):
    model = RuleSetRevision

    def post(self, request, pk):
        source = self.get_object("view")
        form = forms.RuleSetCopyForm(request.POST, user=request.user)
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
            return redirect(source.get_absolute_url())
        try:
            with transaction.atomic():
                copy = ruleset_copy(source=source, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(source.get_absolute_url())
        messages.success(request, _("Copied to %(obj)s. Edit it and save.") % {"obj": copy})
        return redirect(copy.get_absolute_url())


# --- tier records -------------------------------------------------------------------------
class TierRecordListView(ObjectListView):
    model = TierRecord
    queryset = TierRecord.objects.select_related("organization__region")
    table = tables.TierRecordTable
    filterset = filtersets.TierRecordFilterSet


class TierRecordDetailView(ObjectDetailView):
    model = TierRecord
    queryset = TierRecord.objects.select_related("organization", "ruleset")
    fields = ("organization", "tier", "granted_on", "expires_on", "certificate_no",
              "granted_by", "source", "ruleset", "version", "reminded_on", "revoked_on", "note")


class TierRecordEditView(ObjectEditView):
    model = TierRecord
    form = forms.TierRecordForm

    def save_form(self, form):
        return tierrecord_save(record=form.save(commit=False), user=self.request.user)


class TierRecordDeleteView(ObjectDeleteView):
    model = TierRecord

    def post(self, request, *args, **kwargs):
        record = self.get_object("delete")
        label = str(record)
        with transaction.atomic():
            tierrecord_delete(record=record, user=request.user)
        messages.success(request, _("Deleted “%(obj)s”.") % {"obj": label})
        return redirect("cultivation:tierrecord_list")


class TierRecordChangeLogView(ObjectChangeLogView):
    model = TierRecord


class TierRecordImportView(ObjectViewMixin, View):
    """A bureau's tier list (Excel), all or nothing, with a row-level error report."""

    model = TierRecord

    def get(self, request):
        if permission_q(request.user, TierRecord, "add") is None:
            raise PermissionDenied
        return render(request, "cultivation/tier_import.html",
                      {**self.common_context(), "form": forms.TierImportForm()})

    def post(self, request):
        if permission_q(request.user, TierRecord, "add") is None:
            raise PermissionDenied
        form = forms.TierImportForm(request.POST, request.FILES)
        context = {**self.common_context(), "form": form}
        if not form.is_valid():
            return render(request, "cultivation/tier_import.html", context, status=400)
        try:
            records = tierrecord_import(uploaded=form.cleaned_data["file"], user=request.user,
                                        allowed_organizations=reviewable_organizations(
                                            user=request.user))
        except TierImportError as exc:
            return render(request, "cultivation/tier_import.html",
                          {**context, "errors": exc.errors}, status=400)
        messages.success(request, _("%(n)d tier records imported.") % {"n": len(records)})
        return redirect("cultivation:tierrecord_list")


# --- batch evaluation ---------------------------------------------------------------------
class EvaluationRunListView(ObjectListView):
    model = EvaluationRun
    queryset = EvaluationRun.objects.select_related("ruleset__organization", "organization")
    table = tables.EvaluationRunTable
    filterset = filtersets.EvaluationRunFilterSet


class EvaluationRunEditView(ObjectEditView):
    """A new run starts the background job; an existing run changes only its note."""

    model = EvaluationRun
    form = forms.EvaluationRunForm

    def save_form(self, form):
        if form.instance.pk is not None:
            return form.save()
        data = form.cleaned_data
        return evaluation_run_start(
            user=self.request.user, organization=data["organization"],
            ruleset=data["ruleset"], assessed_on=data["assessed_on"],
            filters=form.filters(), note=data.get("note", ""))

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError as exc:
            obj, _action = self.get_instance()
            form = self.get_form(obj, request.POST)
            form.is_valid()
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return self._render(obj, form, status=400)


class EvaluationRunDetailView(ObjectViewMixin, View):
    model = EvaluationRun
    queryset = EvaluationRun.objects.select_related("ruleset", "organization", "job")

    def get(self, request, pk):
        run = self.get_object("view")
        context = {**self.common_context(), "object": run, "run": run,
                   "can_change": user_can(request.user, run, "change")}
        if run.job_id:
            progress, message = job_live_state(run.job)
            context.update({"job": run.job, "progress": progress, "message": message})
        if run.finished:
            context["changes"] = run_changes(user=request.user, run=run)
            context["evaluations_url"] = f"../../evaluations/?run={run.pk}"
        return render(request, "cultivation/run_detail.html", context)


class EvaluationRunDeleteView(ObjectDeleteView):
    model = EvaluationRun


class EvaluationRunChangeLogView(ObjectChangeLogView):
    model = EvaluationRun


class EvaluationListView(ObjectListView):
    model = Evaluation
    queryset = Evaluation.objects.select_related("organization__region")
    table = tables.EvaluationTable
    filterset = filtersets.EvaluationFilterSet


class EvaluationDetailView(ObjectViewMixin, View):
    """A stored verdict: the rules it used, each criterion's evidence, the gap list."""

    model = Evaluation
    queryset = Evaluation.objects.select_related("organization", "run", "ruleset")

    def get(self, request, pk):
        evaluation = self.get_object("view")
        return render(request, "cultivation/evaluation_detail.html",
                      {**self.common_context(), "object": evaluation,
                       "verdict": evaluation.verdict, "today": timezone.localdate()})
