"""The floor's live figures: the line dashboard (with TV and phone layouts), operator figures
per day and shift, and the month's piece-rate pay."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from jinxiu.apps.core.generic_views import (
    ObjectChangeLogView,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ObjectViewMixin,
)
from jinxiu.apps.production.models import Line
from jinxiu.apps.tracking import charts, filtersets, forms, tables
from jinxiu.apps.tracking.models import Attendance, PieceRate, reason_label
from jinxiu.apps.tracking.payroll import pay_xlsx
from jinxiu.apps.tracking.rebalance import line_rebalance
from jinxiu.apps.tracking.selectors import (
    line_dashboard,
    operator_figures_for_day,
    pay_for_month,
)

__all__ = [
    "AttendanceChangeLogView", "AttendanceDeleteView", "AttendanceDetailView",
    "AttendanceEditView", "AttendanceListView", "BoardIndexView", "LineBoardView",
    "LineRebalanceView",
    "OperatorFiguresView", "PayView", "PieceRateChangeLogView", "PieceRateDeleteView",
    "PieceRateDetailView",
    "PieceRateEditView", "PieceRateListView",
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _day(request) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return timezone.localdate()


# --- attendance and piece rates -----------------------------------------------------------------
class AttendanceListView(ObjectListView):
    model = Attendance
    queryset = Attendance.objects.select_related("operator")
    table = tables.AttendanceTable
    filterset = filtersets.AttendanceFilterSet


class AttendanceDetailView(ObjectDetailView):
    model = Attendance
    queryset = Attendance.objects.select_related("organization", "operator")
    fields = ("operator", "organization", "date", "shift", "clock_in", "clock_out",
              "off_standard")


class AttendanceEditView(ObjectEditView):
    model = Attendance
    form = forms.AttendanceForm


class AttendanceDeleteView(ObjectDeleteView):
    model = Attendance


class AttendanceChangeLogView(ObjectChangeLogView):
    model = Attendance


class PieceRateListView(ObjectListView):
    model = PieceRate
    queryset = PieceRate.objects.select_related("operation__style")
    table = tables.PieceRateTable
    filterset = filtersets.PieceRateFilterSet


class PieceRateDetailView(ObjectDetailView):
    model = PieceRate
    queryset = PieceRate.objects.select_related("organization", "operation")
    fields = ("operation", "organization", "rate", "valid_from")


class PieceRateEditView(ObjectEditView):
    model = PieceRate
    form = forms.PieceRateForm


class PieceRateDeleteView(ObjectDeleteView):
    model = PieceRate


class PieceRateChangeLogView(ObjectChangeLogView):
    model = PieceRate


# --- the line dashboard -------------------------------------------------------------------------
class LineBoardView(ObjectViewMixin, View):
    """One line's day, refreshed by htmx every few seconds. ``?mode=tv`` for the large screen
    at the line, ``?mode=phone`` for the supervisor's phone."""

    model = Line
    url_base = "line"

    def url_name(self, view: str) -> str:
        return f"production:line_{view}"

    def get(self, request, pk):
        line = self.get_object("view")
        day = _day(request)
        board = line_dashboard(user=request.user, line=line, day=day)
        mode = request.GET.get("mode", "")
        context = {"line": line, "day": day, "board": board, "mode": mode,
                   "alerts": board["alerts"],
                   "output_chart": charts.output_chart(board),
                   "wip_chart": charts.wip_chart(board),
                   "defects_chart": charts.defects_chart(board),
                   "today": day == timezone.localdate()}
        if request.htmx:
            return render(request, "tracking/inc/board.html", context)
        template = {"tv": "tracking/board_tv.html", "phone": "tracking/board_phone.html"}.get(
            mode, "tracking/board.html")
        return render(request, template, context)


class BoardIndexView(ObjectViewMixin, View):
    """The lines the user may see, each with its board."""

    model = Line

    def get(self, request):
        return render(request, "tracking/board_index.html",
                      {"lines": Line.objects.restrict(request.user, "view")
                       .select_related("organization")})


class LineRebalanceView(ObjectViewMixin, View):
    """“Re-balance now”: a new balancing plan on the observed performance; opens its page."""

    model = Line

    def url_name(self, view: str) -> str:
        return f"production:line_{view}"

    def post(self, request, pk):
        line = self.get_object("run")
        try:
            plan = line_rebalance(line=line, user=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("tracking:line_board", pk=line.pk)
        messages.success(request, _("Re-balancing started; compare the proposal with the plan "
                                    "in use when it is done."))
        return redirect(plan.get_absolute_url())


# --- operator figures and pay -------------------------------------------------------------------
class OperatorFiguresView(ObjectViewMixin, View):
    model = Attendance

    def get(self, request):
        day = _day(request)
        shift = request.GET.get("shift", "")
        line = None
        if request.GET.get("line", "").isdigit():
            line = get_object_or_404(Line.objects.restrict(request.user, "view"),
                                     pk=int(request.GET["line"]))
        rows = operator_figures_for_day(user=request.user, day=day, line=line, shift=shift)
        for _operator, figures in rows:
            figures.off_standard_labels = [(reason_label(k), v)
                                           for k, v in figures.off_standard.items()]
        return render(request, "tracking/figures.html", {
            "day": day, "shift": shift, "line": line, "rows": rows,
            "lines": Line.objects.restrict(request.user, "view"),
            "shifts": Attendance.Shift.choices})


class PayView(ObjectViewMixin, View):
    """The month's piece-rate pay per operator and operation; ``?export=xlsx`` for payroll."""

    model = Attendance

    def get(self, request):
        today = timezone.localdate()
        try:
            year, month = (int(x) for x in request.GET.get("month", "").split("-"))
            dt.date(year, month, 1)
        except ValueError:
            year, month = today.year, today.month
        export = request.GET.get("export") == "xlsx"
        rows = pay_for_month(user=request.user, year=year, month=month,
                             action="export" if export else "view")
        if request.GET.get("export") == "xlsx":
            response = HttpResponse(pay_xlsx(rows, year=year, month=month), content_type=XLSX)
            response["Content-Disposition"] = (
                f"attachment; filename=piece-rate-{year}-{month:02d}.xlsx")
            return response
        return render(request, "tracking/pay.html", {
            "rows": rows, "month": f"{year}-{month:02d}",
            "total": sum((r[2] for r in rows), 0)})
