"""Filters shared by the registry pages and the API.

Size class and 规上 filter on the stored assessments (``SizeAssessment``, financial data): only
the assessments the user may view take part, so a firm whose figures the user may not see is
never in the result, whatever the value asked for — the filter tells nothing the user could
not read on the firm's page.
"""

import re

import django_filters
from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jinxiu.apps.core.filtersets import RegionFilter, SearchFilterSet
from jinxiu.apps.core.models import Organization
from jinxiu.apps.core.uscc import normalize
from jinxiu.apps.enterprises.models import Enterprise, SizeAssessment, YearlyIndicator
from jinxiu.apps.enterprises.search import search_q
from jinxiu.apps.enterprises.tags import tag_choices


def is_code_query(value: str) -> bool:
    """A query that looks like a credit code (digits and code letters only, at least six,
    starting with a digit): matched against codes from their start."""
    return re.fullmatch(r"[0-9][0-9A-HJ-NP-RTUWXY]{5,17}", normalize(value.strip())) is not None


def _visible_enterprises(request):
    if request is None:
        return Organization.objects.none()
    return Organization.objects.restrict(request.user, "view").filter(
        kind=Organization.Kind.ENTERPRISE)


def _chain_node_choices() -> list[tuple[str, str]]:
    from jinxiu.apps.chain.models import ChainNode

    return [(code, "　" * (level - 1) + name) for code, name, level in
            ChainNode.objects.order_by("path").values_list("code", "name", "level")]


class EnterpriseFilterSet(SearchFilterSet):
    search_fields = ("search_index",)
    region = RegionFilter(field_name="organization__region", label=_("Region code (and below)"))
    industry = django_filters.CharFilter(method="filter_industry",
                                         label=_("Industry code (prefix)"))
    tag = django_filters.ChoiceFilter(choices=tag_choices, method="filter_tag", label=_("tag"))
    status = django_filters.ChoiceFilter(choices=Enterprise.Status.choices, label=_("status"))
    chain_node = django_filters.ChoiceFilter(choices=lambda: _chain_node_choices(),
                                             method="filter_chain_node",
                                             label=_("Chain node (and below)"))

    size = django_filters.ChoiceFilter(choices=SizeAssessment.SizeClass.choices,
                                       method="filter_size", label=_("size class"))
    above_scale = django_filters.ChoiceFilter(
        choices=[("yes", _("Above designated size (规上)")),
                 ("no", _("Below designated size"))],
        method="filter_above_scale", label=_("above designated size (规上)"))

    class Meta:
        model = Enterprise
        fields = ["q", "region", "industry", "tag", "status", "chain_node", "size",
                  "above_scale"]

    # the filters besides the search
    NARROWING = tuple(f for f in Meta.fields if f != "q")

    def _assessed(self, queryset, **lookup):
        user = getattr(self.request, "user", None)
        if user is None:
            return queryset.none()
        visible = SizeAssessment.objects.restrict(user, "view").filter(**lookup)
        return queryset.filter(organization_id__in=visible.values("organization_id"))

    def filter_size(self, queryset, name, value: str):
        return self._assessed(queryset, size_class=value) if value else queryset

    def filter_above_scale(self, queryset, name, value: str):
        if value not in ("yes", "no"):
            return queryset
        return self._assessed(queryset, above_scale=value == "yes")

    def search(self, queryset, name, value):
        """Name, short and former names, credit code and business scope, through the jieba
        search index (``search.py``). A query that looks like a credit code (digits and code
        letters only, at least six, starting with a digit) matches codes from their start,
        through the code's unique index instead of a scan."""
        value = value.strip()
        if not value:
            return queryset
        if is_code_query(value):
            code = normalize(value)
            # the range lets the database walk the unique index (SQLite's LIKE cannot: it
            # ignores case); startswith keeps the match exact whatever the collation
            return queryset.filter(organization__credit_code__gte=code,
                                   organization__credit_code__lte=code + "Z" * (18 - len(code)),
                                   organization__credit_code__startswith=code)
        return queryset.filter(search_q(value))

    def filter_industry(self, queryset, name, value: str):
        value = value.strip()
        if not value:
            return queryset
        # secondary codes are a JSON list of strings: match '"<prefix>' in its text
        return queryset.filter(Q(main_industry__startswith=value)
                               | Q(secondary_industries__icontains=f'"{value}'))

    def filter_chain_node(self, queryset, name, value: str):
        """Enterprises the chain atlas counts on the node or below it (apps/chain)."""
        from jinxiu.apps.chain.models import ChainNode, EnterpriseLink

        node = ChainNode.objects.filter(code=value.strip()).only("path").first()
        if node is None:
            return queryset.none()
        # the subtree's node ids (a few dozen): the links' node index serves them, where a
        # LIKE on the joined node path made SQLite read all 300,000 links
        nodes = list(ChainNode.objects.filter(
            Q(path=node.path) | Q(path__startswith=f"{node.path}/")).values_list("pk", flat=True))
        links = EnterpriseLink.objects.filter(EnterpriseLink.COUNTED, node_id__in=nodes)
        return queryset.filter(pk__in=links.values("enterprise_id"))

    def filter_tag(self, queryset, name, value: str):
        """Tags are codes from ``data/tags.yaml`` (the choice and the model validate them).
        PostgreSQL: ``tags @> '["code"]'`` through the GIN index on the tags (migration
        0007); SQLite: the code with its quotes in the list's text."""
        if not value:
            return queryset
        if connection.vendor == "postgresql":
            return queryset.filter(tags__contains=[value])
        return queryset.filter(tags__icontains=f'"{value}"')


class YearlyIndicatorFilterSet(SearchFilterSet):
    search_fields = ("organization__name",)
    organization = django_filters.ModelChoiceFilter(queryset=_visible_enterprises,
                                                    label=_("organization"))
    year = django_filters.NumberFilter(label=_("year"))
    source = django_filters.ChoiceFilter(choices=YearlyIndicator.Source.choices,
                                         label=_("source"))

    class Meta:
        model = YearlyIndicator
        fields = ["q", "organization", "year", "source"]
