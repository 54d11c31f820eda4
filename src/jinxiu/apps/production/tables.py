import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from jinxiu.apps.core.tables import BaseTable
from jinxiu.apps.production.models import BalancePlan, Line, Operation, Operator, Style


class StyleTable(BaseTable):
    code = tables.Column(linkify=True)
    organization = tables.Column(verbose_name=_("organization"))
    operation_count = tables.Column(verbose_name=_("operations"), orderable=False)
    total_seconds = tables.Column(verbose_name=_("total time (s)"), orderable=False)

    class Meta(BaseTable.Meta):
        model = Style
        fields = ("code", "name", "product", "organization", "operation_count", "total_seconds")


class OperationTable(BaseTable):
    code = tables.Column(linkify=True)
    style = tables.Column(verbose_name=_("style"))

    class Meta(BaseTable.Meta):
        model = Operation
        fields = ("style", "sequence", "code", "name", "machine_type", "standard_seconds",
                  "predecessors", "zone")

    def render_predecessors(self, value):
        return ", ".join(value)


class LineTable(BaseTable):
    name = tables.Column(linkify=True)
    organization = tables.Column(verbose_name=_("organization"))
    takt_seconds = tables.Column(verbose_name=_("takt time (s)"), orderable=False)

    class Meta(BaseTable.Meta):
        model = Line
        fields = ("name", "organization", "shift_minutes", "target_output", "takt_seconds",
                  "routing")


class OperatorTable(BaseTable):
    name = tables.Column(linkify=True)
    line = tables.Column(verbose_name=_("line"))

    class Meta(BaseTable.Meta):
        model = Operator
        fields = ("name", "employee_no", "line", "skills", "active")

    def render_skills(self, record):
        return record.get_skills_display()


class BalancePlanTable(BaseTable):
    name = tables.Column(linkify=True)
    style = tables.Column(verbose_name=_("style"))
    line = tables.Column(verbose_name=_("line"))
    # a hanging line's plans read differently (stations take operations far apart)
    routing = tables.Column(accessor="line__routing", verbose_name=_("routing"),
                            orderable=False)
    stations = tables.Column(accessor="result__stations", verbose_name=_("Workplaces"),
                             orderable=False)

    class Meta(BaseTable.Meta):
        model = BalancePlan
        fields = ("name", "style", "line", "routing", "mode", "status", "stations", "edited",
                  "created")

    def render_routing(self, record):
        return record.line.get_routing_display() if record.line_id else "—"

    def render_stations(self, value):
        """Workplaces, as the plan page counts them (a station with duplicates counts its
        parallel workplaces)."""
        return sum(max(1, int(s.get("replicas", 1))) for s in value) if value else "—"
