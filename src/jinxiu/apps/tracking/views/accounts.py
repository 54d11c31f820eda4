"""Floor accounts: which user is which operator, and which lines a supervisor runs."""

from jinxiu.apps.core.generic_views import (
    ObjectChangeLogView,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
)
from jinxiu.apps.tracking import filtersets, forms, tables
from jinxiu.apps.tracking.models import FloorAccount

__all__ = ["FloorAccountChangeLogView", "FloorAccountDeleteView", "FloorAccountDetailView",
           "FloorAccountEditView", "FloorAccountListView"]


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
