"""Filters shared by the list pages and the API (the same FilterSet serves both)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jinxiu.apps.core.models import JobRun, ObjectChange, Organization, Region
from jinxiu.apps.core.models.changelog import ChangeAction, ChangeSource
from jinxiu.apps.core.models.jobs import JobStatus


class SearchFilterSet(django_filters.FilterSet):
    """A FilterSet with a free-text ``q`` over ``search_fields``."""

    search_fields: tuple[str, ...] = ()
    q = django_filters.CharFilter(method="search", label=_("Search"))

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        q = Q()
        for field in self.search_fields:
            q |= Q(**{f"{field}__icontains": value})
        return queryset.filter(q)


class RegionFilter(django_filters.CharFilter):
    """Filter by a region code: the region and everything under it.

    Filters on the ids of the regions in the subtree (a province has a few hundred): the
    region foreign key's index serves them, where a LIKE on the joined region code cannot
    use an index on SQLite (its LIKE ignores case) and made the registry's list scan."""

    def filter(self, qs, value):
        if not value:
            return qs
        region = Region.objects.filter(code=value.strip()).first()
        if region is None:
            return qs.none()
        ids = list(region.subtree().values_list("pk", flat=True))
        return qs.filter(**{f"{self.field_name}_id__in": ids})


class OrganizationFilterSet(SearchFilterSet):
    search_fields = ("name", "short_name", "credit_code")
    kind = django_filters.ChoiceFilter(choices=Organization.Kind.choices, label=_("kind"))
    region = RegionFilter(field_name="region", label=_("Region code (and below)"))

    class Meta:
        model = Organization
        fields = ["q", "kind", "region"]


class JobRunFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=JobStatus.choices, label=_("status"))
    kind = django_filters.CharFilter(label=_("kind"))

    class Meta:
        model = JobRun
        fields = ["status", "kind"]


class ObjectChangeFilterSet(SearchFilterSet):
    search_fields = ("object_repr", "user_name")
    action = django_filters.ChoiceFilter(choices=ChangeAction.choices, label=_("action"))
    source = django_filters.ChoiceFilter(choices=ChangeSource.choices, label=_("source"))
    time_after = django_filters.DateFilter(
        field_name="time", lookup_expr="date__gte", label=_("From date")
    )
    time_before = django_filters.DateFilter(
        field_name="time", lookup_expr="date__lte", label=_("To date")
    )

    class Meta:
        model = ObjectChange
        fields = ["q", "action", "source", "time_after", "time_before"]
