"""Table bases (django-tables2) and the core tables."""

import django_tables2 as tables
from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jinxiu.apps.core.models import JobRun, ObjectChange, Organization


class BaseTable(tables.Table):
    class Meta:
        attrs = {"class": "table table-hover table-sm align-middle"}
        template_name = "django_tables2/bootstrap5-responsive.html"

    @property
    def order_by(self):
        return self._order_by

    @order_by.setter
    def order_by(self, value):
        """A column's sort (``?sort=status``), then the primary key: rows equal in the
        sorted column have no order of their own, and a database may return them in another
        order for each page (a row on two pages, another on none). Not added where the sort
        already ends in a unique column (the registry's name: its paginators recognise that
        order)."""
        tables.Table.order_by.fset(self, value)
        data = getattr(self.data, "data", None)
        if self._order_by and isinstance(data, QuerySet):
            ordering = tuple(data.query.order_by)
            if ordering and not _unique(data.model, ordering[-1]):
                self.data.data = data.order_by(*ordering, "pk")


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


def _unique(model, term) -> bool:
    """Whether the ordering ``term`` ("-organization__name") names one row at most: a unique
    field reached over one-to-one links only (a foreign key's target is shared)."""
    if not isinstance(term, str):
        return False  # an expression
    path = term.lstrip("-").split("__")
    for i, name in enumerate(path):
        if name == "pk":
            return i == len(path) - 1
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return False
        if i == len(path) - 1:
            return bool(field.primary_key or field.unique)
        if not (field.one_to_one and field.related_model):
            return False
        model = field.related_model
    return False
