"""Pages of shop-floor tracking: orders and their cutting into bundles, tickets, devices and
the event log."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
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
from jinxiu.apps.tracking import filtersets, forms, tables
from jinxiu.apps.tracking.models import Bundle, Device, FloorEvent, ProductionOrder
from jinxiu.apps.tracking.services import bundles_cut, device_rotate_token
from jinxiu.apps.tracking.tickets import tickets_pdf

__all__ = [
    "BundleChangeLogView", "BundleDeleteView", "BundleDetailView", "BundleEditView",
    "BundleListView", "BundleTicketView", "DeviceChangeLogView", "DeviceDeleteView",
    "DeviceDetailView", "DeviceEditView", "DeviceListView", "DeviceTokenView",
    "FloorEventDetailView", "FloorEventListView", "ProductionOrderChangeLogView",
    "ProductionOrderCutView", "ProductionOrderDeleteView", "ProductionOrderDetailView",
    "ProductionOrderEditView", "ProductionOrderListView", "ProductionOrderTicketsView",
]


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    return response


# --- production orders ----------------------------------------------------------------------
class ProductionOrderListView(ObjectListView):
    model = ProductionOrder
    queryset = ProductionOrder.objects.select_related("organization", "style", "line").annotate(
        bundle_count=Count("bundles"))
    table = tables.ProductionOrderTable
    filterset = filtersets.ProductionOrderFilterSet


class ProductionOrderDetailView(ObjectDetailView):
    model = ProductionOrder
    queryset = ProductionOrder.objects.select_related("organization", "style", "line")
    template_name = "tracking/order_detail.html"
    fields = ("number", "organization", "style", "line", "customer", "quantity", "due_date",
              "status")

    def extra_context(self, obj):
        lays = list(obj.bundles.values("lay").annotate(bundles=Count("id")).order_by("lay"))
        sizes: dict[str, int] = {}
        for size, qty in obj.bundles.values_list("size", "quantity"):
            sizes[size] = sizes.get(size, 0) + qty
        return {"lays": lays, "sizes": sizes, "cut_total": sum(sizes.values()),
                "cut_form": forms.CutForm(initial={"lay": (lays[-1]["lay"] + 1) if lays else 1}),
                "bundles": obj.bundles.order_by("number")[:200]}


class ProductionOrderEditView(ObjectEditView):
    model = ProductionOrder
    form = forms.ProductionOrderForm


class ProductionOrderDeleteView(ObjectDeleteView):
    model = ProductionOrder


class ProductionOrderChangeLogView(ObjectChangeLogView):
    model = ProductionOrder


class ProductionOrderCutView(ObjectViewMixin, View):
    """Cutting output: one lay of the order becomes bundles."""

    model = ProductionOrder

    def post(self, request, pk):
        order = self.get_object("change")
        form = forms.CutForm(request.POST)
        if form.is_valid():
            try:
                created = bundles_cut(order=order, **form.cleaned_data)
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("%(n)d bundles cut from lay %(lay)d.")
                                 % {"n": len(created), "lay": form.cleaned_data["lay"]})
        else:
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                for error in errors:
                    messages.error(request, f"{label}: {error}" if label else error)
        return redirect(order.get_absolute_url())


class ProductionOrderTicketsView(ObjectViewMixin, View):
    model = ProductionOrder

    def get(self, request, pk):
        order = self.get_object("view")
        bundles = order.bundles.select_related("order__style").order_by("number")
        lay = request.GET.get("lay")
        if lay and lay.isdigit():
            bundles = bundles.filter(lay=int(lay))
        return _pdf(tickets_pdf(list(bundles), request=request), f"扎票-{order.number}.pdf")


# --- bundles ------------------------------------------------------------------------------------
class BundleListView(ObjectListView):
    model = Bundle
    queryset = Bundle.objects.select_related("order")
    table = tables.BundleTable
    filterset = filtersets.BundleFilterSet


class BundleDetailView(ObjectDetailView):
    model = Bundle
    queryset = Bundle.objects.select_related("organization", "order__style")
    template_name = "tracking/bundle_detail.html"
    fields = ("code", "organization", "order", "size", "colour", "quantity", "lay",
              "ply_from", "ply_to", "tag")

    def extra_context(self, obj):
        return {"events": obj.events.restrict(self.request.user, "view").select_related(
            "operation", "operator").order_by("occurred_at")[:200]}


class BundleEditView(ObjectEditView):
    model = Bundle
    form = forms.BundleForm


class BundleDeleteView(ObjectDeleteView):
    model = Bundle


class BundleChangeLogView(ObjectChangeLogView):
    model = Bundle


class BundleTicketView(ObjectViewMixin, View):
    model = Bundle
    queryset = Bundle.objects.select_related("order__style")

    def get(self, request, pk):
        bundle = self.get_object("view")
        return _pdf(tickets_pdf([bundle], request=request), f"扎票-{bundle.code}.pdf")


# --- devices ------------------------------------------------------------------------------------
class DeviceListView(ObjectListView):
    model = Device
    queryset = Device.objects.select_related("organization", "line")
    table = tables.DeviceTable
    filterset = filtersets.DeviceFilterSet


class DeviceDetailView(ObjectDetailView):
    model = Device
    queryset = Device.objects.select_related("organization", "line")
    template_name = "tracking/device_detail.html"
    fields = ("name", "organization", "kind", "line", "station", "token_prefix", "active")


class DeviceEditView(ObjectEditView):
    model = Device
    form = forms.DeviceForm


class DeviceDeleteView(ObjectDeleteView):
    model = Device


class DeviceChangeLogView(ObjectChangeLogView):
    model = Device


class DeviceTokenView(ObjectViewMixin, View):
    """Issue a new token (the old one stops working) and show it once."""

    model = Device

    def post(self, request, pk):
        device = self.get_object("change")
        token = device_rotate_token(device=device)
        return render(request, "tracking/device_token.html",
                      {**self.common_context(), "object": device, "token": token})


# --- events -------------------------------------------------------------------------------------
class FloorEventListView(ObjectListView):
    model = FloorEvent
    queryset = FloorEvent.objects.select_related("line", "bundle", "operation", "operator")
    table = tables.FloorEventTable
    filterset = filtersets.FloorEventFilterSet


class FloorEventDetailView(ObjectDetailView):
    model = FloorEvent
    queryset = FloorEvent.objects.select_related("organization", "device", "line", "bundle",
                                                 "operation", "operator")
