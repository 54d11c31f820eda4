import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jinxiu.apps.chain.models import (
    ChainBenchmark,
    ChainNode,
    EnterpriseLink,
    KeyProject,
    Platform,
)
from jinxiu.apps.core.filtersets import RegionFilter, SearchFilterSet


class ChainNodeFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "name_en", "keywords", "products")
    level = django_filters.NumberFilter(label=_("level"))
    region = RegionFilter(field_name="region", label=_("Region code (and below)"))
    shipped = django_filters.BooleanFilter(field_name="organization", lookup_expr="isnull",
                                           label=_("shipped taxonomy"))

    class Meta:
        model = ChainNode
        fields = ["q", "level", "region", "shipped"]


class EnterpriseLinkFilterSet(SearchFilterSet):
    search_fields = ("enterprise__organization__name", "node__name", "node__code")
    node = django_filters.CharFilter(method="filter_node", label=_("Chain node (and below)"))
    region = RegionFilter(field_name="enterprise__organization__region",
                          label=_("Region code (and below)"))
    grade = django_filters.ChoiceFilter(choices=EnterpriseLink.Grade.choices,
                                        label=_("evidence grade"))
    decision = django_filters.ChoiceFilter(choices=EnterpriseLink.Decision.choices,
                                           label=_("decision"))

    class Meta:
        model = EnterpriseLink
        fields = ["q", "node", "region", "grade", "decision"]

    def filter_node(self, queryset, name, value):
        node = ChainNode.objects.filter(code=value.strip()).first()
        if node is None:
            return queryset.none()
        return queryset.filter(Q(node__path=node.path)
                               | Q(node__path__startswith=f"{node.path}/"))


class ChainBenchmarkFilterSet(SearchFilterSet):
    search_fields = ("name", "reference_name", "source")
    region = RegionFilter(field_name="region", label=_("Region code (and below)"))
    year = django_filters.NumberFilter(label=_("year"))

    class Meta:
        model = ChainBenchmark
        fields = ["q", "region", "year"]


class KeyProjectFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "owner_name", "owner_enterprise__organization__name",
                     "officer")
    region = RegionFilter(field_name="region", label=_("Region code (and below)"))
    node = django_filters.CharFilter(method="filter_node", label=_("Chain node (and below)"))
    status = django_filters.ChoiceFilter(choices=KeyProject.Status.choices, label=_("status"))
    kind = django_filters.ChoiceFilter(choices=KeyProject.Kind.choices, label=_("kind"))

    class Meta:
        model = KeyProject
        fields = ["q", "region", "node", "status", "kind"]

    def filter_node(self, queryset, name, value):
        node = ChainNode.objects.filter(code=value.strip()).first()
        if node is None:
            return queryset.none()
        return queryset.filter(Q(node__path=node.path)
                               | Q(node__path__startswith=f"{node.path}/"))


class PlatformFilterSet(SearchFilterSet):
    search_fields = ("name", "owner_name", "owner_enterprise__organization__name")
    region = RegionFilter(field_name="region", label=_("Region code (and below)"))
    node = django_filters.CharFilter(method="filter_node", label=_("Chain node (and below)"))
    kind = django_filters.ChoiceFilter(choices=Platform.Kind.choices, label=_("kind"))
    level = django_filters.ChoiceFilter(choices=Platform.Level.choices, label=_("level"))

    class Meta:
        model = Platform
        fields = ["q", "region", "node", "kind", "level"]

    filter_node = KeyProjectFilterSet.filter_node
