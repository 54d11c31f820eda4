import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from jinxiu.apps.chain.models import (
    ChainBenchmark,
    ChainNode,
    EnterpriseLink,
    KeyProject,
    Platform,
)
from jinxiu.apps.core.tables import BaseTable


class ChainNodeTable(BaseTable):
    name = tables.Column(linkify=True, verbose_name=_("name"))
    parent = tables.Column(verbose_name=_("parent"))
    industry_codes = tables.Column(verbose_name=_("industry codes"), orderable=False)
    organization = tables.Column(verbose_name=_("added by"))
    region = tables.Column(accessor="region__full_name", verbose_name=_("region"))

    class Meta(BaseTable.Meta):
        model = ChainNode
        fields = ("name", "code", "level", "parent", "industry_codes", "organization",
                  "region")
        order_by = ("path",)

    def render_name(self, record):
        return f"{'　' * (record.level - 1)}{record.name}"

    def value_name(self, record):
        return record.name

    def render_industry_codes(self, record):
        return "、".join(record.industry_codes or [])

    def value_industry_codes(self, record):
        return "、".join(record.industry_codes or [])


def _reasons_text(record) -> str:
    from jinxiu.apps.chain.labels import evidence_text

    return "；".join(evidence_text(r) for r in record.reasons or [])


class EnterpriseLinkTable(BaseTable):
    label = tables.Column(accessor="pk", verbose_name=_("link"), linkify=True,
                          orderable=False)
    enterprise = tables.Column(accessor="enterprise__organization__name",
                               verbose_name=_("enterprise"),
                               order_by=("enterprise__organization__name",))
    region = tables.Column(accessor="enterprise__organization__region__full_name",
                           verbose_name=_("region"))
    node = tables.Column(accessor="node__name", verbose_name=_("chain node"),
                         order_by=("node__path",))
    reasons = tables.Column(verbose_name=_("evidence"), orderable=False)
    decided_by = tables.Column(verbose_name=_("decided by"))

    class Meta(BaseTable.Meta):
        model = EnterpriseLink
        fields = ("label", "enterprise", "region", "node", "grade", "reasons", "decision",
                  "decided_by")

    def render_label(self, record):
        return f"#{record.pk}"

    def value_label(self, record):
        return record.pk

    def render_reasons(self, record):
        return _reasons_text(record)

    def value_reasons(self, record):
        return _reasons_text(record)


class ChainBenchmarkTable(BaseTable):
    name = tables.Column(linkify=True)
    region = tables.Column(accessor="region__full_name", verbose_name=_("region"))
    organization = tables.Column(verbose_name=_("entered by"))

    class Meta(BaseTable.Meta):
        model = ChainBenchmark
        fields = ("name", "region", "year", "reference_name", "local_total_output",
                  "reference_total_output", "organization", "source")


class KeyProjectTable(BaseTable):
    name = tables.Column(linkify=True, verbose_name=_("name"))
    owner = tables.Column(accessor="owner_name", verbose_name=_("owner"),
                          order_by=("owner_enterprise__organization__name", "owner_name"))
    node = tables.Column(accessor="node__name", verbose_name=_("chain node"))
    region = tables.Column(accessor="region__full_name", verbose_name=_("region"))

    class Meta(BaseTable.Meta):
        model = KeyProject
        fields = ("code", "name", "owner", "node", "region", "kind", "status",
                  "planned_investment", "start_date", "end_date", "officer", "organization")

    def render_owner(self, record):
        return record.owner_label

    def value_owner(self, record):
        return record.owner_label


class PlatformTable(BaseTable):
    name = tables.Column(linkify=True, verbose_name=_("name"))
    owner = tables.Column(accessor="owner_name", verbose_name=_("owner"),
                          order_by=("owner_enterprise__organization__name", "owner_name"))
    node = tables.Column(accessor="node__name", verbose_name=_("chain node"))
    region = tables.Column(accessor="region__full_name", verbose_name=_("region"))

    class Meta(BaseTable.Meta):
        model = Platform
        fields = ("name", "kind", "level", "owner", "node", "region", "recognized_year",
                  "organization")

    def render_owner(self, record):
        return record.owner_label

    def value_owner(self, record):
        return record.owner_label
