"""Table bases (django-tables2) and the core tables."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from jinxiu.apps.core.models import JobRun, ObjectChange, Organization


class BaseTable(tables.Table):
    class Meta:
        attrs = {"class": "table table-hover table-sm align-middle"}
        template_name = "django_tables2/bootstrap5-responsive.html"


class OrganizationTable(BaseTable):
    name = tables.Column(linkify=True)
    region = tables.Column(accessor="region__full_name", verbose_name=_("region"))

    class Meta(BaseTable.Meta):
        model = Organization
        fields = ("name", "short_name", "kind", "region", "credit_code", "is_synthetic")


class JobRunTable(BaseTable):
    id = tables.Column(linkify=True, verbose_name="#")
    label = tables.Column(accessor="kind", verbose_name=_("kind"), linkify=True)
    owner = tables.Column(verbose_name=_("owner"))

    class Meta(BaseTable.Meta):
        model = JobRun
        fields = ("id", "label", "status", "progress", "owner", "created", "finished")

    def render_label(self, record):
        return record.label


class ObjectChangeTable(BaseTable):
    time = tables.DateTimeColumn(format="Y-m-d H:i:s")
    changed_object_type = tables.Column(verbose_name=_("object type"))

    class Meta(BaseTable.Meta):
        model = ObjectChange
        fields = ("time", "user_name", "source", "action", "changed_object_type", "object_repr")
