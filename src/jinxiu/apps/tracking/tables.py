import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from jinxiu.apps.core.tables import BaseTable
from jinxiu.apps.tracking.models import (
    Attendance,
    Bundle,
    Device,
    FloorAccount,
    FloorEvent,
    PieceRate,
    ProductionOrder,
)


class ProductionOrderTable(BaseTable):
    number = tables.Column(linkify=True)
    organization = tables.Column(verbose_name=_("organization"))
    style = tables.Column(verbose_name=_("style"))
    line = tables.Column(verbose_name=_("line"))
    bundle_count = tables.Column(verbose_name=_("bundles"), orderable=False)

    class Meta(BaseTable.Meta):
        model = ProductionOrder
        fields = ("number", "organization", "style", "line", "customer", "quantity",
                  "due_date", "status", "bundle_count")


class BundleTable(BaseTable):
    code = tables.Column(linkify=True)
    order = tables.Column(verbose_name=_("production order"))

    class Meta(BaseTable.Meta):
        model = Bundle
        fields = ("code", "order", "size", "colour", "quantity", "lay", "ply_from", "ply_to",
                  "tag")


class DeviceTable(BaseTable):
    name = tables.Column(linkify=True)
    organization = tables.Column(verbose_name=_("organization"))
    line = tables.Column(verbose_name=_("line"))

    class Meta(BaseTable.Meta):
        model = Device
        fields = ("name", "organization", "kind", "line", "station", "token_prefix", "active")


class FloorEventTable(BaseTable):
    event_id = tables.Column(linkify=True)
    line = tables.Column(verbose_name=_("line"))
    bundle = tables.Column(verbose_name=_("bundle"))
    operation = tables.Column(verbose_name=_("operation"))
    operator = tables.Column(verbose_name=_("operator"))

    class Meta(BaseTable.Meta):
        model = FloorEvent
        fields = ("occurred_at", "kind", "event_id", "line", "station", "bundle", "operation",
                  "operator", "quantity", "outcome", "defect_code", "machine_state", "reason")


class AttendanceTable(BaseTable):
    operator = tables.Column(linkify=True, verbose_name=_("operator"))
    attended = tables.Column(accessor="attended_minutes", verbose_name=_("attended minutes"),
                             orderable=False)

    class Meta(BaseTable.Meta):
        model = Attendance
        fields = ("date", "shift", "operator", "clock_in", "clock_out", "attended",
                  "off_standard")

    def render_off_standard(self, value):
        return ", ".join(f"{k} {v:g}" for k, v in value.items())


class PieceRateTable(BaseTable):
    operation = tables.Column(linkify=True, verbose_name=_("operation"))
    style = tables.Column(accessor="operation__style", verbose_name=_("style"))

    class Meta(BaseTable.Meta):
        model = PieceRate
        fields = ("style", "operation", "rate", "valid_from")


class FloorAccountTable(BaseTable):
    user = tables.Column(linkify=True, verbose_name=_("user"))
    organization = tables.Column(verbose_name=_("organization"))
    operator = tables.Column(verbose_name=_("operator"))
    lines = tables.ManyToManyColumn(verbose_name=_("supervised lines"))

    class Meta(BaseTable.Meta):
        model = FloorAccount
        fields = ("user", "organization", "operator", "lines")
