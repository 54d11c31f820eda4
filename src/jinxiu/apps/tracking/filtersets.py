import django_filters
from django.utils.translation import gettext_lazy as _

from jinxiu.apps.core.filtersets import SearchFilterSet
from jinxiu.apps.production.models import Line, Operation, Operator, Style
from jinxiu.apps.tracking.models import (
    Attendance,
    Bundle,
    Device,
    FloorAccount,
    FloorEvent,
    PieceRate,
    ProductionOrder,
)


def _visible(model):
    def queryset(request):
        if request is None:
            return model.objects.none()
        return model.objects.restrict(request.user, "view")

    return queryset


class ProductionOrderFilterSet(SearchFilterSet):
    search_fields = ("number", "customer")
    style = django_filters.ModelChoiceFilter(queryset=_visible(Style), label=_("style"))
    line = django_filters.ModelChoiceFilter(queryset=_visible(Line), label=_("line"))
    status = django_filters.ChoiceFilter(choices=ProductionOrder.Status.choices,
                                         label=_("status"))

    class Meta:
        model = ProductionOrder
        fields = ["q", "style", "line", "status"]


class BundleFilterSet(SearchFilterSet):
    search_fields = ("code", "size", "colour", "tag")
    order = django_filters.ModelChoiceFilter(queryset=_visible(ProductionOrder),
                                             label=_("production order"))

    class Meta:
        model = Bundle
        fields = ["q", "order", "lay"]


class DeviceFilterSet(SearchFilterSet):
    search_fields = ("name", "station", "token_prefix")
    line = django_filters.ModelChoiceFilter(queryset=_visible(Line), label=_("line"))
    kind = django_filters.ChoiceFilter(choices=Device.Kind.choices, label=_("kind"))

    class Meta:
        model = Device
        fields = ["q", "line", "kind", "active"]


class FloorEventFilterSet(SearchFilterSet):
    search_fields = ("event_id", "station", "defect_code", "bundle__code")
    line = django_filters.ModelChoiceFilter(queryset=_visible(Line), label=_("line"))
    operator = django_filters.ModelChoiceFilter(queryset=_visible(Operator),
                                                label=_("operator"))
    kind = django_filters.ChoiceFilter(choices=FloorEvent.Kind.choices, label=_("kind"))
    outcome = django_filters.ChoiceFilter(choices=FloorEvent.Outcome.choices,
                                          label=_("outcome"))
    since = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="gte",
                                             label=_("since"))

    class Meta:
        model = FloorEvent
        fields = ["q", "line", "operator", "kind", "outcome", "since"]


class AttendanceFilterSet(SearchFilterSet):
    search_fields = ("operator__name", "operator__employee_no")
    operator = django_filters.ModelChoiceFilter(queryset=_visible(Operator),
                                                label=_("operator"))
    date = django_filters.DateFilter(label=_("date"))
    shift = django_filters.ChoiceFilter(choices=Attendance.Shift.choices, label=_("shift"))

    class Meta:
        model = Attendance
        fields = ["q", "operator", "date", "shift"]


class PieceRateFilterSet(SearchFilterSet):
    search_fields = ("operation__code", "operation__name", "operation__style__code")
    operation = django_filters.ModelChoiceFilter(queryset=_visible(Operation),
                                                 label=_("operation"))

    class Meta:
        model = PieceRate
        fields = ["q", "operation"]


class FloorAccountFilterSet(SearchFilterSet):
    search_fields = ("user__username", "operator__name", "operator__employee_no")
    operator = django_filters.ModelChoiceFilter(queryset=_visible(Operator),
                                                label=_("operator"))
    lines = django_filters.ModelChoiceFilter(queryset=_visible(Line), label=_("line"))

    class Meta:
        model = FloorAccount
        fields = ["q", "operator", "lines"]
