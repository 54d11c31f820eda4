"""Filters shared by the list pages and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from jinxiu.apps.core.filtersets import RegionFilter, SearchFilterSet
from jinxiu.apps.cultivation.models import (
    Application,
    Evaluation,
    EvaluationRun,
    RuleSetRevision,
    Status,
    TierRecord,
)
from jinxiu.apps.cultivation.tiers import tier_choices


class RuleSetRevisionFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "organization__name")
    code = django_filters.CharFilter(label=_("rule set"))
    shipped = django_filters.BooleanFilter(field_name="organization", lookup_expr="isnull",
                                           label=_("shipped"))

    class Meta:
        model = RuleSetRevision
        fields = ["q", "code", "shipped"]


class TierRecordFilterSet(SearchFilterSet):
    search_fields = ("organization__name", "certificate_no")
    tier = django_filters.ChoiceFilter(choices=tier_choices, label=_("tier"))
    region = RegionFilter(field_name="organization__region", label=_("Region code (and below)"))
    expires_before = django_filters.DateFilter(field_name="expires_on", lookup_expr="lte",
                                               label=_("Expires by"))
    source = django_filters.ChoiceFilter(choices=TierRecord.Source.choices, label=_("source"))

    class Meta:
        model = TierRecord
        fields = ["q", "tier", "region", "expires_before", "source"]


class EvaluationRunFilterSet(SearchFilterSet):
    search_fields = ("ruleset__code", "ruleset__name", "note")

    class Meta:
        model = EvaluationRun
        fields = ["q"]


class EvaluationFilterSet(SearchFilterSet):
    search_fields = ("organization__name",)
    run = django_filters.NumberFilter(field_name="run_id", label=_("evaluation run"))
    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("verdict"))
    region = RegionFilter(field_name="organization__region", label=_("Region code (and below)"))

    class Meta:
        model = Evaluation
        fields = ["q", "run", "status", "region"]


class ApplicationFilterSet(SearchFilterSet):
    search_fields = ("organization__name",)
    tier = django_filters.ChoiceFilter(choices=tier_choices, label=_("tier"))
    status = django_filters.ChoiceFilter(choices=Application.Status.choices, label=_("status"))
    region = RegionFilter(field_name="organization__region", label=_("Region code (and below)"))

    class Meta:
        model = Application
        fields = ["q", "tier", "status", "region"]
