import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from jinxiu.apps.core.tables import BaseTable
from jinxiu.apps.documents.models import Document


class DocumentTable(BaseTable):
    title = tables.Column(linkify=True)
    organization = tables.Column(verbose_name=_("organization"))

    class Meta(BaseTable.Meta):
        model = Document
        fields = ("title", "organization", "kind", "number", "issued_by", "issued_on",
                  "expires_on")
