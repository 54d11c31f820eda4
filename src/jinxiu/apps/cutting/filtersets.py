import django_filters
from django.utils.translation import gettext_lazy as _

from jinxiu.apps.core.filtersets import SearchFilterSet
from jinxiu.apps.cutting.models import CutOrder, Marker, Pattern, PatternPiece
from jinxiu.apps.production.models import Style


def _visible(model):
    def queryset(request):
        if request is None:
            return model.objects.none()
        return model.objects.restrict(request.user, "view")

    return queryset


class PatternFilterSet(SearchFilterSet):
    search_fields = ("name", "original_name", "style__code", "style__name")
    style = django_filters.ModelChoiceFilter(queryset=_visible(Style), label=_("style"))

    class Meta:
        model = Pattern
        fields = ["q", "style"]


class PatternPieceFilterSet(SearchFilterSet):
    search_fields = ("name", "material", "category")
    pattern = django_filters.ModelChoiceFilter(queryset=_visible(Pattern), label=_("pattern"))
    size = django_filters.CharFilter(label=_("size"))

    class Meta:
        model = PatternPiece
        fields = ["q", "pattern", "size"]


class CutOrderFilterSet(SearchFilterSet):
    search_fields = ("name", "pattern__name", "pattern__style__code")
    style = django_filters.ModelChoiceFilter(field_name="pattern__style",
                                             queryset=_visible(Style), label=_("style"))
    pattern = django_filters.ModelChoiceFilter(queryset=_visible(Pattern), label=_("pattern"))
    status = django_filters.ChoiceFilter(choices=CutOrder.Status.choices, label=_("status"))

    class Meta:
        model = CutOrder
        fields = ["q", "style", "pattern", "status"]


class MarkerFilterSet(SearchFilterSet):
    search_fields = ("name", "order__name", "order__pattern__style__code")
    style = django_filters.ModelChoiceFilter(field_name="order__pattern__style",
                                             queryset=_visible(Style), label=_("style"))
    order = django_filters.ModelChoiceFilter(queryset=_visible(CutOrder), label=_("cut order"))

    class Meta:
        model = Marker
        fields = ["q", "style", "order"]
