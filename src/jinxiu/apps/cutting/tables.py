import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from jinxiu.apps.core.tables import BaseTable
from jinxiu.apps.cutting.models import CutOrder, Marker, Pattern, PatternPiece


class PatternTable(BaseTable):
    name = tables.Column(linkify=True)
    style = tables.Column(verbose_name=_("style"))
    organization = tables.Column(verbose_name=_("organization"))
    piece_count = tables.Column(verbose_name=_("pieces"), orderable=False)

    class Meta(BaseTable.Meta):
        model = Pattern
        fields = ("name", "version", "style", "organization", "sizes", "piece_count",
                  "original_name", "created")

    def render_sizes(self, value):
        return " ".join(value)


class PatternPieceTable(BaseTable):
    name = tables.Column(linkify=True)
    pattern = tables.Column(verbose_name=_("pattern"))

    class Meta(BaseTable.Meta):
        model = PatternPiece
        fields = ("name", "size", "pattern", "quantity", "pair", "material", "grain", "area")

    def render_area(self, value):
        return f"{value / 1e4:.1f} cm²"


class CutOrderTable(BaseTable):
    name = tables.Column(linkify=True)
    pattern = tables.Column(verbose_name=_("pattern"))
    style = tables.Column(accessor="pattern__style", verbose_name=_("style"))
    fabric_length = tables.Column(verbose_name=_("fabric used (m)"))

    class Meta(BaseTable.Meta):
        model = CutOrder
        fields = ("name", "style", "pattern", "width", "status", "fabric_length", "created")

    def render_fabric_length(self, value):
        return f"{value / 1000:.2f}"


class MarkerTable(BaseTable):
    name = tables.Column(linkify=True)
    order = tables.Column(verbose_name=_("cut order"))
    style = tables.Column(accessor="order__pattern__style", verbose_name=_("style"))
    ratio = tables.Column(verbose_name=_("size ratio"), orderable=False)
    utilization = tables.Column(verbose_name=_("utilization"))

    class Meta(BaseTable.Meta):
        model = Marker
        fields = ("name", "order", "style", "ratio", "plies", "width", "length", "utilization",
                  "created")

    def render_ratio(self, record):
        return record.ratio_text

    def render_utilization(self, value):
        return f"{value:.2%}"

    def render_length(self, value):
        return f"{value:.0f}"
