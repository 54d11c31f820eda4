"""Pages of the line planner."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from jinxiu.apps.core.fonts import INSTALL_HINT, cjk_font_missing
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
from jinxiu.apps.core.uploads import too_large_response, upload_was_cut_short
from jinxiu.apps.production import filtersets, forms, tables
from jinxiu.apps.production.adapter import (
    PlanInputError,
    bulletin_chains,
    chart_legend,
    chart_scale,
    evaluate,
    machine_colors,
    plan_machines,
    roster_order,
    yamazumi_chart,
)
from jinxiu.apps.production.bulletins import BulletinImportError, bulletin_export, bulletin_import
from jinxiu.apps.production.machine_types import machine_types
from jinxiu.apps.production.models import BalancePlan, Line, Operation, Operator, Style
from jinxiu.apps.production.plans import plan_pdf, plan_xlsx
from jinxiu.apps.production.services import (
    plan_copy,
    plan_move,
    plan_run,
    plan_set_operator,
    plan_set_workplaces,
    plan_undo,
    style_copy,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# a balancing job's failures whose message is written for the user (``jobs.py``)
FAILURE_KINDS = ("ValueError", "PlanInputError")


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


def _parent_url(view, parent) -> str | None:
    """Where a deleted operation or operator leads: its style's or line's page, if the
    user may see it (the right to delete a row does not bring the right to see its
    parent)."""
    if parent is None or not user_can(view.request.user, parent, "view"):
        return None
    return parent.get_absolute_url()


def _parent_from_query(view, model, param: str):
    """The object ``?param=<pk>`` names for a new row's form (the style of a new operation
    or plan, the line of a new operator), where the user may see it; else None."""
    pk = _pk(view.request.GET.get(param))
    if pk is None:
        return None
    return model.objects.restrict(view.request.user, "view").filter(pk=pk).first()


def _pk(value: str | None) -> int | None:
    """A primary key from a query parameter, or None (not ASCII digits, or out of range)."""
    if value and value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


# --- styles and bulletins -----------------------------------------------------------------
class StyleListView(ObjectListView):
    model = Style
    queryset = Style.objects.select_related("organization").annotate(
        operation_count=Count("operations"), total_seconds=Sum("operations__standard_seconds"))
    table = tables.StyleTable
    filterset = filtersets.StyleFilterSet


class StyleDetailView(ObjectDetailView):
    model = Style
    queryset = Style.objects.select_related("organization")
    template_name = "production/style_detail.html"
    fields = ("code", "name", "product", "organization", "description")

    def extra_context(self, obj):
        ops = list(obj.operations.order_by("sequence", "code"))
        total = sum(op.standard_seconds for op in ops)
        user = self.request.user
        mine = Operation.objects.filter(style=obj)
        return {"operations": ops,
                # row buttons only where they would be allowed (one query each)
                "op_editable": set(mine.restrict(user, "change").values_list("pk", flat=True)),
                "op_deletable": set(mine.restrict(user, "delete").values_list("pk", flat=True)),
                "can_add_operation": permission_q(user, Operation, "add") is not None,
                "total_seconds": total, "total_smv": total / 60,
                "chains": bulletin_chains(ops),
                "upload_form": forms.BulletinUploadForm(),
                "copy_form": forms.StyleCopyForm(),
                "plans": obj.plans.select_related("line").order_by("-created")[:10]}


class StyleEditView(ObjectEditView):
    model = Style
    form = forms.StyleForm


class StyleDeleteView(ObjectDeleteView):
    model = Style

    def consequences(self, obj) -> list[str]:
        out = [_("Its bulletin of %(n)d operation(s) is deleted with it.")
               % {"n": obj.operations.count()}]
        plans = list(obj.plans.order_by("name"))
        if plans:
            out.append(_("%(n)d plan(s) of this style are deleted with it: %(names)s.")
                       % {"n": len(plans), "names": _names(plans)})
        return out


class StyleChangeLogView(ObjectChangeLogView):
    model = Style


class StyleBulletinImportView(ObjectViewMixin, View):
    model = Style

    def post(self, request, pk):
        style = self.get_object("change")
        if upload_was_cut_short(request):
            return too_large_response(request)
        form = forms.BulletinUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _("Choose a file to import."))
            return redirect(style.get_absolute_url())
        try:
            # an import deletes the operations its file leaves out: only where the user may
            done = bulletin_import(style=style, uploaded=form.cleaned_data["file"],
                                   may_delete=lambda op: user_can(request.user, op, "delete"),
                                   delete_missing=form.cleaned_data["delete_missing"])
        except BulletinImportError as exc:
            return render(request, "production/bulletin_errors.html",
                          {"style": style, "errors": exc.errors}, status=400)
        messages.success(request, _(
            "%(n)d operations imported: %(added)d new, %(updated)d changed, %(deleted)d "
            "deleted.") % {"n": done.imported, "added": done.added, "updated": done.updated,
                           "deleted": done.deleted})
        if not done.has_predecessors:
            messages.warning(request, _(
                "The file has no predecessors column (紧前工序, 前道工序, 上道工序 …), so the "
                "operations have no order: a plan may put any of them at any station. If the "
                "file has such a column under another name, rename it and import again."))
        if done.ignored_columns:
            messages.info(request, _("Columns not read: %(columns)s.")
                          % {"columns": "、".join(done.ignored_columns)})
        if done.conveyor:
            messages.info(request, _(
                "Ovens, chillers and steam conditioners on a conveyor are not staffed: their "
                "operations count only the time an operator takes to put the shoe in and take "
                "it out, not the time it spends inside. Check these times: %(ops)s.")
                % {"ops": "; ".join(done.conveyor)})
        return redirect(style.get_absolute_url())


class StyleBulletinExportView(ObjectViewMixin, View):
    model = Style

    def get(self, request, pk):
        style = self.get_object("view")
        return _attachment(bulletin_export(style=style), XLSX, f"工序表-{style.code}.xlsx")


class StyleCopyView(ObjectViewMixin, View):
    model = Style

    def post(self, request, pk):
        source = self.get_object("view")
        organization = request.organization
        if organization is None or not user_can(request.user, source, "view"):
            raise PermissionDenied
        form = forms.StyleCopyForm(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    style = style_copy(source=source, organization=organization,
                                       **form.cleaned_data)
                    if not user_can(request.user, style, "add"):
                        raise PermissionDenied
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Copied to %(style)s.") % {"style": style})
                return redirect(style.get_absolute_url())
        else:
            messages.error(request, _("Give a code and a name for the copy."))
        return redirect(source.get_absolute_url())


class OperationListView(ObjectListView):
    model = Operation
    queryset = Operation.objects.select_related("style")
    table = tables.OperationTable
    filterset = filtersets.OperationFilterSet


class OperationDetailView(ObjectDetailView):
    model = Operation
    queryset = Operation.objects.select_related("style", "organization")
    fields = ("style", "sequence", "code", "name", "machine_type", "standard_seconds",
              "predecessors", "zone", "notes")

    def get_fields(self, obj):
        rows = super().get_fields(obj)
        at = self.fields.index("standard_seconds") + 1
        return [*rows[:at], ("SMV", obj.smv), *rows[at:]]


class OperationEditView(ObjectEditView):
    model = Operation
    form = forms.OperationForm

    def get_form(self, obj, data=None, files=None):
        form = super().get_form(obj, data, files)
        style = _parent_from_query(self, Style, "style") if obj.pk is None else None
        if style is not None:
            last = style.operations.aggregate(last=Max("sequence"))["last"] or 0
            form.initial.update({"style": style.pk, "organization": style.organization_id,
                                 "sequence": last + 1})  # after the last, gaps or not
        return form


class OperationDeleteView(ObjectDeleteView):
    model = Operation

    def after_delete_url(self, obj) -> str:
        return _parent_url(self, obj.style) or super().after_delete_url(obj)  # its bulletin

    def consequences(self, obj) -> list[str]:
        followers = [op.code for op in obj.style.operations.exclude(pk=obj.pk)
                     if obj.code in op.predecessors]
        if not followers:
            return []
        return [_("%(ops)s follow it: they take its predecessors (%(preds)s) instead, so the "
                  "order stays.") % {"ops": ", ".join(followers),
                                     "preds": ", ".join(obj.predecessors) or "—"}]


class OperationChangeLogView(ObjectChangeLogView):
    model = Operation


# --- lines and operators ------------------------------------------------------------------
class LineListView(ObjectListView):
    model = Line
    queryset = Line.objects.select_related("organization")
    table = tables.LineTable
    filterset = filtersets.LineFilterSet


class LineDetailView(ObjectDetailView):
    model = Line
    queryset = Line.objects.select_related("organization")
    template_name = "production/line_detail.html"
    fields = ("name", "organization", "shift_minutes", "target_output", "output_unit", "routing",
              "notes")

    def extra_context(self, obj):
        operators = sorted(obj.operators.all(), key=lambda p: (not p.active, roster_order(p)))
        types = machine_types()
        # the skills matrix (技能矩阵): a column per machine type someone here runs
        used = [code for code in types.labels if any(code in (p.skills or {}) for p in operators)]
        user = self.request.user
        mine = Operator.objects.filter(line=obj)
        return {"operators": operators,
                "operator_editable": set(mine.restrict(user, "change")
                                         .values_list("pk", flat=True)),
                "can_add_operator": permission_q(user, Operator, "add") is not None,
                "skill_columns": [types.label(code) for code in used],
                "skill_rows": [(p, [_efficiency(speeds.get(code)) for code in used])
                               for p, speeds in ((p, p.efficiency()) for p in operators)],
                "plans": obj.plans.select_related("style").order_by("-created")[:20]}


def _efficiency(value) -> str:
    """An efficiency as an IE writes it (1.2, 0.85, 1), or "" when she does not run it."""
    return f"{value:g}" if isinstance(value, int | float) and value else ""


class LineEditView(ObjectEditView):
    model = Line
    form = forms.LineForm


def _names(items, limit: int = 10) -> str:
    names = [str(i) for i in items[:limit + 1]]
    return "、".join(names[:limit]) + ("…" if len(names) > limit else "")


class LineDeleteView(ObjectDeleteView):
    model = Line

    def consequences(self, obj) -> list[str]:
        out = []
        plans = list(obj.plans.order_by("name"))
        if plans:
            out.append(_("%(n)d plan(s) use this line and lose its takt, machines and "
                         "operators: %(names)s.") % {"n": len(plans), "names": _names(plans)})
        skilled = [p for p in plans if p.use_operator_skills and p.result]
        if skilled:
            out.append(_("Balanced with its operators' skills, these lose their result: "
                         "%(names)s.") % {"names": _names(skilled)})
        operators = list(obj.operators.order_by("name"))
        if operators:
            out.append(_("%(n)d operator(s) are kept, without a line: %(names)s.")
                       % {"n": len(operators), "names": _names(operators)})
        return out


class LineChangeLogView(ObjectChangeLogView):
    model = Line


class OperatorListView(ObjectListView):
    model = Operator
    queryset = Operator.objects.select_related("line")
    table = tables.OperatorTable
    filterset = filtersets.OperatorFilterSet


class OperatorDetailView(ObjectDetailView):
    model = Operator
    queryset = Operator.objects.select_related("line", "organization")
    fields = ("name", "employee_no", "organization", "line", "skills", "active")


class OperatorEditView(ObjectEditView):
    model = Operator
    form = forms.OperatorForm

    def get_form(self, obj, data=None, files=None):
        form = super().get_form(obj, data, files)
        line = _parent_from_query(self, Line, "line") if obj.pk is None else None
        if line is not None:  # "add operator" on a line's page
            form.initial.update({"line": line.pk, "organization": line.organization_id})
        return form


class OperatorDeleteView(ObjectDeleteView):
    model = Operator

    def after_delete_url(self, obj) -> str:
        return _parent_url(self, obj.line) or super().after_delete_url(obj)


class OperatorChangeLogView(ObjectChangeLogView):
    model = Operator


# --- balancing plans ----------------------------------------------------------------------
class BalancePlanListView(ObjectListView):
    model = BalancePlan
    queryset = BalancePlan.objects.select_related("style", "line")
    table = tables.BalancePlanTable
    filterset = filtersets.BalancePlanFilterSet


class BalancePlanEditView(ObjectEditView):
    model = BalancePlan
    form = forms.BalancePlanForm

    def get_form(self, obj, data=None, files=None):
        form = super().get_form(obj, data, files)
        style = _parent_from_query(self, Style, "style") if obj.pk is None else None
        if style is not None:
            form.initial.update({"style": style.pk, "organization": style.organization_id,
                                 "name": f"{style.code} {_('plan')}"})
        return form


class BalancePlanDeleteView(ObjectDeleteView):
    model = BalancePlan


class BalancePlanChangeLogView(ObjectChangeLogView):
    model = BalancePlan


def _plan_context(request, plan) -> dict:
    evaluation = evaluate(plan)
    context = {"plan": plan, "evaluation": evaluation,
               "can_change": user_can(request.user, plan, "change"),
               "status": plan.current_status,
               # the PDF would print every Chinese character as an empty box
               "pdf_font_missing": evaluation is not None and cjk_font_missing(),
               "font_hint": INSTALL_HINT}
    if evaluation is not None:
        colors = machine_colors(plan_machines(evaluation))
        context["chart"] = yamazumi_chart(evaluation, colors=colors)
        context["chart_legend"] = chart_legend(colors)
        context["station_numbers"] = range(1, len(evaluation.stations) + 2)
        context["line_operators"] = evaluation.operators  # who may sit at a station
    if plan.job_id:
        progress, message = job_live_state(plan.job)
        error = plan.job.error or ""
        kind, _sep, reason = error.partition(": ")
        context.update({"job": plan.job, "progress": progress, "message": message,
                        # the reason without the exception's class name
                        "failure": reason if kind in FAILURE_KINDS else error})
    return context


class BalancePlanDetailView(ObjectViewMixin, View):
    model = BalancePlan
    queryset = BalancePlan.objects.select_related("style", "line", "job", "organization")

    def get(self, request, pk):
        plan = self.get_object("view")
        if request.htmx:  # the panel polls itself while the plan is being balanced
            return render(request, "production/inc/plan_panel.html", _plan_context(request, plan))
        return render(request, "production/plan_detail.html",
                      {**self.common_context(), "object": plan, **_plan_context(request, plan)})


class BalancePlanRunView(ObjectViewMixin, View):
    model = BalancePlan

    def post(self, request, pk):
        plan = self.get_object("run")
        if plan.edited and plan.result and request.POST.get("replace") != "yes":
            # a new run replaces the hand edits: ask first, and offer to keep a copy
            return render(request, "production/plan_run_confirm.html",
                          {**self.common_context(), "object": plan, "plan": plan,
                           "copy_name": _copy_name(plan)})
        try:
            with transaction.atomic():
                plan_run(plan=plan, user=request.user)
        except PlanInputError as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect(plan.get_absolute_url())


def _copy_name(plan: BalancePlan) -> str:
    """"name (copy)", then "name (copy 2)" … : a name no plan of the style has yet."""
    taken = set(BalancePlan.objects.filter(style_id=plan.style_id).values_list("name",
                                                                               flat=True))
    for n in range(1, 1000):
        name = (_("%(name)s (copy)") if n == 1 else _("%(name)s (copy %(n)d)")) % {
            "name": plan.name, "n": n}
        if name[:80] not in taken:
            return name[:80]
    return plan.name


class BalancePlanCopyView(ObjectViewMixin, View):
    """A copy of the plan with its result and hand edits, in the plan's organization; with
    ``then_run``, the plan itself is then balanced again (the copy keeps the edits)."""

    model = BalancePlan

    def post(self, request, pk):
        plan = self.get_object("view")
        form = forms.PlanCopyForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
            return redirect(plan.get_absolute_url())
        then_run = form.cleaned_data["then_run"]
        if then_run and not user_can(request.user, plan, "run"):
            raise PermissionDenied
        try:
            with transaction.atomic():
                copy = plan_copy(plan=plan, name=form.cleaned_data["name"] or _copy_name(plan))
                if not user_can(request.user, copy, "add"):
                    raise PermissionDenied
                if then_run:
                    plan_run(plan=plan, user=request.user)
        except PlanInputError as exc:
            messages.error(request, str(exc))
            return redirect(plan.get_absolute_url())
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(plan.get_absolute_url())
        messages.success(request, _("Copied to %(plan)s.") % {"plan": copy.name})
        return redirect((plan if then_run else copy).get_absolute_url())


class _PlanEditView(ObjectViewMixin, View):
    """A hand edit of a balanced plan (``edit``: the error to show, or None); answers the
    refreshed plan panel (htmx), with the reason in it when the edit was refused."""

    model = BalancePlan
    queryset = BalancePlan.objects.select_related("style", "line", "job")

    note: str | None = None  # what the edit did besides (shown in the panel)

    def edit(self, request, plan) -> str | None:
        raise NotImplementedError

    def post(self, request, pk):
        plan = self.get_object("change")
        try:
            error = self.edit(request, plan)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        context = {**_plan_context(request, plan), "move_error": error, "move_note": self.note}
        if request.htmx:
            # 200 with the reason in the panel: htmx swaps no 4xx answer, and the page
            # would silently keep showing the edit as made
            return render(request, "production/inc/plan_panel.html", context)
        if error:
            messages.error(request, error)
        elif self.note:
            messages.info(request, self.note)
        return redirect(plan.get_absolute_url())


class BalancePlanOperatorView(_PlanEditView):
    """Put an operator of the line at a station (the two exchange places where she already
    works elsewhere)."""

    def edit(self, request, plan) -> str | None:
        form = forms.OperatorAssignForm(request.POST)
        if not form.is_valid():
            return _("Choose a station and an operator.")
        plan_set_operator(plan=plan, station=form.cleaned_data["station"],
                          operator=form.cleaned_data["operator"],
                          seat=form.cleaned_data["seat"] or 0,
                          version=form.cleaned_data["version"])
        return None


class BalancePlanWorkplacesView(_PlanEditView):
    """A skills plan: one operator more or fewer sharing a station's pieces (a crew)."""

    def edit(self, request, plan) -> str | None:
        form = forms.WorkplacesForm(request.POST)
        if not form.is_valid():
            return _("Choose a station and a number of workplaces.")
        left = plan_set_workplaces(plan=plan, station=form.cleaned_data["station"],
                                   count=form.cleaned_data["count"],
                                   version=form.cleaned_data["version"])
        if left:
            self.note = _("No place left for %(names)s: the workplaces they sat at were "
                          "taken away. Place them again where the plan needs them."
                          ) % {"names": _(", ").join(left)}
        return None


class BalancePlanUndoView(_PlanEditView):
    """Take back the last hand edit."""

    def edit(self, request, plan) -> str | None:
        plan_undo(plan=plan, version=request.POST.get("version") or None)
        return None


class BalancePlanMoveView(_PlanEditView):
    """Move an operation to another station."""

    def edit(self, request, plan) -> str | None:
        form = forms.MoveForm(request.POST)
        if not form.is_valid():
            return _("Choose an operation and a station.")
        operation = get_object_or_404(plan.style.operations, pk=form.cleaned_data["operation"])
        before = _seated(plan)
        plan_move(plan=plan, operation=operation, to_station=form.cleaned_data["to_station"],
                  new_station=form.cleaned_data["new_station"],
                  version=form.cleaned_data["version"])
        released = [name for name in before if name not in _seated(plan)]
        if released:  # a station lost the parallel workplaces they sat at
            self.note = _("No place left for %(names)s: the parallel workplaces they sat "
                          "at went with the long operation. Place them again where the plan "
                          "needs them.") % {"names": _(", ").join(released)}
        return None


def _seated(plan) -> list[str]:
    """Everyone placed at a station of the plan, each workplace's operator in line order."""
    from jinxiu.apps.production.adapter import seat_items

    return [seat["operator"] for item in (plan.result or {}).get("stations", [])
            for seat in seat_items(item, max(1, int(item.get("replicas", 1))))
            if seat.get("operator")]


class BalancePlanExportView(ObjectViewMixin, View):
    model = BalancePlan
    queryset = BalancePlan.objects.select_related("style", "line", "organization")

    def get(self, request, pk, fmt):
        plan = self.get_object("view")
        if fmt not in ("xlsx", "pdf"):
            raise Http404
        evaluation = evaluate(plan)
        if evaluation is None:
            messages.error(request, _("Run the plan first."))
            return redirect(plan.get_absolute_url())
        if fmt == "xlsx":
            return _attachment(plan_xlsx(plan, evaluation), XLSX, f"平衡方案-{plan.name}.xlsx")
        try:
            pdf = plan_pdf(plan, evaluation, request=request)
        except OSError as exc:  # WeasyPrint without Pango on this machine
            messages.error(request, _("PDF export needs Pango (apt-get install "
                                      "libpango-1.0-0): %(e)s") % {"e": exc})
            return redirect(plan.get_absolute_url())
        return _attachment(pdf, "application/pdf", f"平衡方案-{plan.name}.pdf")


class BalancePlanCompareView(ObjectViewMixin, View):
    model = BalancePlan
    queryset = BalancePlan.objects.select_related("style", "line")

    def get(self, request):
        visible = self.restricted("view")
        ids = [i for i in map(_pk, request.GET.getlist("plan")) if i][:2]
        plans = [get_object_or_404(visible, pk=i) for i in ids]
        evaluations = [evaluate(plan) for plan in plans]
        y_max = chart_scale(evaluations)  # one scale: the bars compare at a glance
        colors = machine_colors(plan_machines(*evaluations))  # one colour per type in both
        columns = []
        for n, (plan, evaluation) in enumerate(zip(plans, evaluations, strict=True), start=1):
            chart = yamazumi_chart(evaluation, y_max, colors) if evaluation else None
            columns.append({"plan": plan, "evaluation": evaluation, "chart": chart,
                            "dom_id": f"compare-{n}-{plan.pk}"})
        choices = visible.filter(result__isnull=False).order_by("-created")[:50]
        return render(request, "production/plan_compare.html",
                      {**self.common_context(), "columns": columns, "choices": choices,
                       "chart_legend": chart_legend(colors),
                       "slots": ([*ids, None, None])[:2]})
