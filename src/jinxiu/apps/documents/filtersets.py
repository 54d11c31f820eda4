import django_filters
from django.utils.translation import gettext_lazy as _

from jinxiu.apps.core.filtersets import SearchFilterSet
from jinxiu.apps.core.models import Organization
from jinxiu.apps.documents.models import Document


def _visible_organizations(request):
    if request is None:
        return Organization.objects.none()
    return Organization.objects.restrict(request.user, "view")


class DocumentFilterSet(SearchFilterSet):
    search_fields = ("title", "number", "issued_by", "note")
    kind = django_filters.ChoiceFilter(choices=Document.Kind.choices, label=_("kind"))
    organization = django_filters.ModelChoiceFilter(
        queryset=_visible_organizations, label=_("organization")
    )
    expires_before = django_filters.DateFilter(
        field_name="expires_on", lookup_expr="lte", label=_("Expires on or before")
    )

    class Meta:
        model = Document
        fields = ["q", "kind", "organization", "expires_before"]
