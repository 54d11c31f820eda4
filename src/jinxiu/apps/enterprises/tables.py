import django_tables2 as tables
from django.utils.formats import date_format
from django.utils.html import format_html
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
        template_name = "enterprises/inc/enterprise_table.html"

    # each column's cell as django-tables2 renders it ("—" when empty); the list template
    # reads them from ``cell_rows``: the library's per-cell dispatch (signature inspection,
    # attribute and accessor resolution) took most of a 25-row page's time
    CELLS = {
        "name": lambda r: format_html('<a href="{}">{}</a>', r.get_absolute_url(),
                                      r.organization.name),
        "credit_code": lambda r: r.organization.credit_code,
        "region": lambda r: r.organization.region.full_name if r.organization.region else None,
        "main_industry": lambda r: r.main_industry_label,
        "status": lambda r: r.get_status_display(),
        "tags": lambda r: "、".join(r.tag_labels),
        "legal_representative": lambda r: r.legal_representative,
        "established_on": lambda r: date_format(r.established_on, "SHORT_DATE_FORMAT")
        if r.established_on else None,
    }

    @property
    def cell_rows(self) -> list[list]:
        names = [column.name for column in self.columns]
        default = self.default
        rows = []
        for row in self.paginated_rows:
            record = row.record
            rows.append([value if (value := self.CELLS[name](record)) not in (None, "")
                         else default for name in names])
        return rows

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
