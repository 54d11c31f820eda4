"""Pages of the cutting room: patterns and their pieces, cut orders and their plans, markers."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.db import transaction
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
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
from jinxiu.apps.core.permissions import user_can
from jinxiu.apps.cutting import exports, filtersets, forms, selectors, tables
from jinxiu.apps.cutting.adapter import PlanInputError
from jinxiu.apps.cutting.models import CutOrder, Marker, Pattern, PatternPiece
from jinxiu.apps.cutting.services import order_copy, order_run, pattern_import
from jinxiu.apps.production.models import Style


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


class _RoundedFieldsMixin:
    """Detail rows with lengths in whole tenths of a millimetre, not 17 digits."""

    def get_fields(self, obj):
        return [(label, round(value, 1) if isinstance(value, float) else value)
                for label, value in super().get_fields(obj)]


# --- patterns -------------------------------------------------------------------------------
class PatternListView(ObjectListView):
    model = Pattern
    queryset = Pattern.objects.select_related("style", "organization").annotate(
        piece_count=Count("pieces"))
    table = tables.PatternTable
    filterset = filtersets.PatternFilterSet


class PatternDetailView(_RoundedFieldsMixin, ObjectDetailView):
    model = Pattern
    queryset = Pattern.objects.select_related("style", "organization", "uploaded_by")
    template_name = "cutting/pattern_detail.html"
    fields = ("style", "version", "organization", "original_name", "units", "units_source",
              "notes", "uploaded_by")

    def extra_context(self, obj):
        user = self.request.user
        return {
            "pieces": selectors.piece_reviews(user=user, pattern=obj),
            "versions": selectors.pattern_history(user=user, style=obj.style),
            "orders": selectors.order_history(user=user, style=obj.style),
            "can_add_order": user_can(user, obj, "change"),
        }


class PatternEditView(ObjectEditView):
    model = Pattern
    form = forms.PatternUploadForm

    def get_form(self, obj, data=None, files=None):
        if obj.pk is not None:
            return forms.PatternForm(data=data, files=files, instance=obj,
                                     user=self.request.user)
        form = super().get_form(obj, data, files)
        style_pk = self.request.GET.get("style")
        if style_pk and style_pk.isdigit():
            style = Style.objects.restrict(self.request.user, "view").filter(pk=style_pk).first()
            if style is not None:
                form.initial.update({"style": style.pk, "organization": style.organization_id})
        return form

    def save_form(self, form):
        if form.instance.pk is not None:
            return form.save()
        data = form.cleaned_data
        return pattern_import(organization=data["organization"], style=data["style"],
                              uploaded=data["file"], user=self.request.user,
                              name=data.get("name") or "", notes=data.get("notes") or "",
                              parsed=form.parsed)


class PatternDeleteView(ObjectDeleteView):
    model = Pattern


class PatternChangeLogView(ObjectChangeLogView):
    model = Pattern


class PatternDownloadView(ObjectViewMixin, View):
    model = Pattern

    def get(self, request, pk):
        pattern = self.get_object("view")
        if not pattern.file:
            messages.error(request, _("The original file is not kept for this pattern."))
            return redirect(pattern.get_absolute_url())
        with pattern.file.open("rb") as fh:
            content = fh.read()
        return _attachment(content, "application/dxf",
                           pattern.original_name or f"{pattern.style.code}.dxf")


class PatternPieceListView(ObjectListView):
    model = PatternPiece
    queryset = PatternPiece.objects.select_related("pattern").defer("outline", "holes",
                                                                     "drills")
    table = tables.PatternPieceTable
    filterset = filtersets.PatternPieceFilterSet


class PatternPieceDetailView(_RoundedFieldsMixin, ObjectDetailView):
    model = PatternPiece
    queryset = PatternPiece.objects.select_related("pattern__style", "organization")
    template_name = "cutting/piece_detail.html"
    fields = ("pattern", "name", "size", "quantity", "pair", "material", "category", "grain",
              "grain_angle", "on_fold", "notches", "area", "length", "breadth")

    def extra_context(self, obj):
        return {"review": selectors.piece_review(obj, size=240)}


class PatternPieceEditView(ObjectEditView):
    model = PatternPiece
    form = forms.PatternPieceForm

    def get_instance(self):
        from django.http import Http404

        if "pk" not in self.kwargs:
            raise Http404  # pieces come from a pattern file
        return super().get_instance()


class PatternPieceDeleteView(ObjectDeleteView):
    model = PatternPiece


class PatternPieceChangeLogView(ObjectChangeLogView):
    model = PatternPiece


# --- cut orders -----------------------------------------------------------------------------
class CutOrderListView(ObjectListView):
    model = CutOrder
    queryset = CutOrder.objects.select_related("pattern__style")
    table = tables.CutOrderTable
    filterset = filtersets.CutOrderFilterSet


class CutOrderEditView(ObjectEditView):
    model = CutOrder
    form = forms.CutOrderForm

    def get_form(self, obj, data=None, files=None):
        form = super().get_form(obj, data, files)
        pattern_pk = self.request.GET.get("pattern")
        if obj.pk is None and pattern_pk and pattern_pk.isdigit():
            pattern = Pattern.objects.restrict(self.request.user, "view").filter(
                pk=pattern_pk).first()
            if pattern is not None:
                materials = pattern.materials
                form.initial.update({
                    "pattern": pattern.pk, "organization": pattern.organization_id,
                    "name": f"{pattern.style.code}-{_('order')}",
                    "material": materials[0] if len(materials) == 1 else "",
                    "quantities": {"": {s: 0 for s in pattern.sizes}} if pattern.sizes
                    else {"": {"": 0}}})
        return form


class CutOrderDeleteView(ObjectDeleteView):
    model = CutOrder


class CutOrderChangeLogView(ObjectChangeLogView):
    model = CutOrder


def _order_context(request, order) -> dict:
    context = {"order": order, "status": order.current_status,
               "can_change": user_can(request.user, order, "change"),
               "plan": selectors.plan_view(order)}
    if order.job_id:
        progress, message = job_live_state(order.job)
        context.update({"job": order.job, "progress": progress, "message": message})
    return context


class CutOrderDetailView(ObjectViewMixin, View):
    model = CutOrder
    queryset = CutOrder.objects.select_related("pattern__style", "job", "organization")

    def get(self, request, pk):
        order = self.get_object("view")
        if request.htmx:  # the panel polls itself while the plan is being computed
            return render(request, "cutting/inc/order_panel.html", _order_context(request, order))
        return render(request, "cutting/order_detail.html",
                      {**self.common_context(), "object": order,
                       **_order_context(request, order)})


class CutOrderRunView(ObjectViewMixin, View):
    model = CutOrder

    def post(self, request, pk):
        order = self.get_object("run")
        try:
            with transaction.atomic():
                order_run(order=order, user=request.user)
        except PlanInputError as exc:
            messages.error(request, str(exc))
        return redirect(order.get_absolute_url())


class CutOrderCopyView(ObjectViewMixin, View):
    """A copy of the order (quantities and fabric) as a new draft, to plan it differently
    and compare; the original keeps its plan and markers."""

    model = CutOrder

    def post(self, request, pk):
        from django.core.exceptions import PermissionDenied

        source = self.get_object("view")
        with transaction.atomic():
            order = order_copy(source=source)
            if not user_can(request.user, order, "add"):  # rolls the copy back
                raise PermissionDenied(_("You may not add cut orders for this organization."))
        messages.success(request, _("Copied to %(order)s.") % {"order": order})
        return redirect(reverse("cutting:cutorder_edit", args=[order.pk]))


# --- markers --------------------------------------------------------------------------------
class MarkerListView(ObjectListView):
    model = Marker
    queryset = Marker.objects.select_related("order__pattern__style").defer("result")
    table = tables.MarkerTable
    filterset = filtersets.MarkerFilterSet


class MarkerDetailView(_RoundedFieldsMixin, ObjectDetailView):
    model = Marker
    queryset = Marker.objects.select_related("order__pattern__style", "organization")
    template_name = "cutting/marker_detail.html"
    fields = ("order", "name", "plies", "lays", "width", "length", "pieces", "runtime_s",
              "stop_reason", "seed", "notes")

    def extra_context(self, obj):
        return {"svg": exports.marker_svg(obj), "formats": exports.FORMATS,
                "siblings": selectors.order_markers(user=self.request.user, order=obj.order)}


class MarkerEditView(ObjectEditView):
    model = Marker
    form = forms.MarkerForm

    def get_instance(self):
        from django.http import Http404

        if "pk" not in self.kwargs:
            raise Http404  # markers come from a cut order's plan
        return super().get_instance()


class MarkerDeleteView(ObjectDeleteView):
    model = Marker


class MarkerChangeLogView(ObjectChangeLogView):
    model = Marker


class MarkerDownloadView(ObjectViewMixin, View):
    model = Marker
    queryset = Marker.objects.select_related("order__pattern__style")

    def get(self, request, pk, fmt):
        from django.http import Http404

        marker = self.get_object("view")
        if fmt not in exports.FORMATS:
            raise Http404
        content, content_type = exports.marker_file(marker, fmt, request=request)
        return _attachment(content, content_type, exports.marker_filename(marker, fmt))
