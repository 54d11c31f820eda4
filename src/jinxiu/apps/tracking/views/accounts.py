"""Floor accounts (which user is which operator, which lines a supervisor runs) and what a
grantee of an enterprise's production data sees of its floor."""

import datetime as dt

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from jinxiu.apps.core.generic_views import (
    ObjectChangeLogView,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
)
from jinxiu.apps.tracking import filtersets, forms, tables
from jinxiu.apps.tracking.models import FloorAccount
from jinxiu.apps.tracking.selectors import MIN_OPERATORS, shared_daily_aggregates

__all__ = ["FloorAccountChangeLogView", "FloorAccountDeleteView", "FloorAccountDetailView",
           "FloorAccountEditView", "FloorAccountListView", "SharedFloorView"]


class FloorAccountListView(ObjectListView):
    model = FloorAccount
    queryset = FloorAccount.objects.select_related("user", "organization", "operator") \
        .prefetch_related("lines")
    table = tables.FloorAccountTable
    filterset = filtersets.FloorAccountFilterSet


class FloorAccountDetailView(ObjectDetailView):
    model = FloorAccount
    queryset = FloorAccount.objects.select_related("user", "organization", "operator")
    fields = ("user", "organization", "operator", "lines")


class FloorAccountEditView(ObjectEditView):
    model = FloorAccount
    form = forms.FloorAccountForm


class FloorAccountDeleteView(ObjectDeleteView):
    model = FloorAccount


class FloorAccountChangeLogView(ObjectChangeLogView):
    model = FloorAccount


class SharedFloorView(LoginRequiredMixin, View):
    """What a bureau (or any grantee) sees of the enterprises that share their production
    data: per enterprise and day, output and efficiency — never scans, operators or pay."""

    def get(self, request):
        today = timezone.localdate()
        try:
            date_to = dt.date.fromisoformat(request.GET.get("to", ""))
        except ValueError:
            date_to = today
        try:
            date_from = dt.date.fromisoformat(request.GET.get("from", ""))
        except ValueError:
            date_from = date_to - dt.timedelta(days=6)
        if (date_to - date_from).days > 92:
            date_from = date_to - dt.timedelta(days=92)
        rows = shared_daily_aggregates(user=request.user, date_from=date_from,
                                       date_to=date_to)
        return render(request, "tracking/shared.html", {
            "rows": rows, "date_from": date_from, "date_to": date_to,
            "min_operators": MIN_OPERATORS})
