"""Tables of the cultivation pages."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from jinxiu.apps.core.tables import BaseTable
from jinxiu.apps.cultivation.models import (
    Application,
    Evaluation,
    EvaluationRun,
    RuleSetRevision,
    TierRecord,
)


class RuleSetRevisionTable(BaseTable):
    name = tables.Column(linkify=True)
    organization = tables.Column(default=_("shipped"))

    class Meta(BaseTable.Meta):
        model = RuleSetRevision
        fields = ("name", "code", "revision", "organization", "content_hash", "last_updated")


class TierRecordTable(BaseTable):
    organization = tables.Column(linkify=lambda record: record.get_absolute_url(),
                                 verbose_name=_("enterprise"))
    region = tables.Column(accessor="organization__region__full_name", verbose_name=_("region"))

    class Meta(BaseTable.Meta):
        model = TierRecord
        fields = ("organization", "region", "tier", "granted_on", "expires_on",
                  "certificate_no", "source", "reminded_on", "revoked_on")


class EvaluationRunTable(BaseTable):
    id = tables.Column(linkify=True, verbose_name="#")
    ruleset = tables.Column(verbose_name=_("rule set revision"))

    class Meta(BaseTable.Meta):
        model = EvaluationRun
        fields = ("id", "ruleset", "assessed_on", "organization", "counts", "finished", "note")

    def render_counts(self, value):
        return " · ".join(f"{k}: {v}" for k, v in sorted(value.items())) if value else "—"


class EvaluationTable(BaseTable):
    organization = tables.Column(linkify=lambda record: record.get_absolute_url(),
                                 verbose_name=_("enterprise"))
    region = tables.Column(accessor="organization__region__full_name", verbose_name=_("region"))

    class Meta(BaseTable.Meta):
        model = Evaluation
        fields = ("organization", "region", "status", "classification", "change_count",
                  "version", "assessed_on")


class ApplicationTable(BaseTable):
    id = tables.Column(linkify=True, verbose_name="#")
    organization = tables.Column(verbose_name=_("enterprise"))

    class Meta(BaseTable.Meta):
        model = Application
        fields = ("id", "organization", "tier", "status", "precheck_status", "submitted_at",
                  "decided_at")
