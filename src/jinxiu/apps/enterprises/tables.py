import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from jinxiu.apps.core.tables import BaseTable
from jinxiu.apps.enterprises.models import Enterprise, YearlyIndicator


class EnterpriseTable(BaseTable):
    name = tables.Column(accessor="organization__name", verbose_name=_("name"), linkify=True,
                         order_by=("organization__name",))
    credit_code = tables.Column(accessor="organization__credit_code",
                                verbose_name=_("unified social credit code"))
    region = tables.Column(accessor="organization__region__full_name",
                           verbose_name=_("region"))
    main_industry = tables.Column(verbose_name=_("main industry"))
    tags = tables.Column(verbose_name=_("tags"), orderable=False)

    class Meta(BaseTable.Meta):
        model = Enterprise
        fields = ("name", "credit_code", "region", "main_industry", "status", "tags",
                  "legal_representative", "established_on")

    def render_name(self, record):
        return record.organization.name

    def render_main_industry(self, record):
        return record.main_industry_label

    def value_main_industry(self, record):
        return record.main_industry_label

    def render_tags(self, record):
        return "、".join(record.tag_labels)

    def value_tags(self, record):
        return "、".join(record.tag_labels)


class YearlyIndicatorTable(BaseTable):
    label = tables.Column(accessor="pk", verbose_name=_("record"), linkify=True,
                          orderable=False)
    organization = tables.Column(verbose_name=_("organization"))

    class Meta(BaseTable.Meta):
        model = YearlyIndicator
        fields = ("label", "organization", "year", "operating_revenue", "industrial_output",
                  "profit", "tax", "rd_expense", "exports", "employees", "source")

    def render_label(self, record):
        return str(record)

    def value_label(self, record):
        return str(record)
