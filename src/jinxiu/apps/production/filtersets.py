import django_filters
from django.utils.translation import gettext_lazy as _

from jinxiu.apps.core.filtersets import SearchFilterSet
from jinxiu.apps.production.machine_types import machine_types
from jinxiu.apps.production.models import BalancePlan, Line, Operation, Operator, Style


def _visible(model):
    def queryset(request):
        if request is None:
            return model.objects.none()
        return model.objects.restrict(request.user, "view")

    return queryset


class StyleFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "product")

    class Meta:
        model = Style
        fields = ["q"]


class OperationFilterSet(SearchFilterSet):
    search_fields = ("code", "name")
    style = django_filters.ModelChoiceFilter(queryset=_visible(Style), label=_("style"))
    machine_type = django_filters.ChoiceFilter(choices=lambda: machine_types().choices(),
                                               label=_("machine type"))

    class Meta:
        model = Operation
        fields = ["q", "style", "machine_type"]


class LineFilterSet(SearchFilterSet):
    search_fields = ("name",)

    class Meta:
        model = Line
        fields = ["q"]


class OperatorFilterSet(SearchFilterSet):
    search_fields = ("name", "employee_no")
    line = django_filters.ModelChoiceFilter(queryset=_visible(Line), label=_("line"))
    active = django_filters.BooleanFilter(label=_("active"))

    class Meta:
        model = Operator
        fields = ["q", "line", "active"]


class BalancePlanFilterSet(SearchFilterSet):
    search_fields = ("name",)
    style = django_filters.ModelChoiceFilter(queryset=_visible(Style), label=_("style"))
    line = django_filters.ModelChoiceFilter(queryset=_visible(Line), label=_("line"))
    status = django_filters.ChoiceFilter(choices=BalancePlan.Status.choices, label=_("status"))

    class Meta:
        model = BalancePlan
        fields = ["q", "style", "line", "status"]
