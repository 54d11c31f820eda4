"""Reads of shop-floor tracking. Every figure starts from what the user may see
(``restrict``); the pieces that count for a (bundle, operation) are worked out over all of its
scans, so an operator who sees only their own scans still sees their own pay correctly."""

from __future__ import annotations

import datetime as dt
import functools
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import yaml
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from jinxiu.apps.core.models.base import DataCategory
from jinxiu.apps.core.permissions import ALL, permission_q, user_permissions
from jinxiu.apps.production.models import Operation, Operator
from jinxiu.apps.tracking.figures import (
    AlertRules,
    MachineEvent,
    Scan,
    Shift,
    counted_pieces,
    downtime,
    floor_alerts,
    operator_figures,
    pay_lines,
    wip_before,
)
from jinxiu.apps.tracking.models import Attendance, Bundle, FloorEvent, LineTally, PieceRate
from jinxiu.apps.tracking.rollup import hour_of

SCAN_FIELDS = ("device_id", "event_id", "occurred_at", "bundle_id", "bundle__quantity",
               "operation_id", "operator_id", "quantity", "outcome", "defect_code", "station")
RULES = Path(__file__).parent / "data" / "alert_rules.yaml"


@functools.cache
def alert_rules() -> AlertRules:
    """The thresholds of ``data/alert_rules.yaml``."""
    with open(RULES, encoding="utf-8") as fh:
        return AlertRules(**yaml.safe_load(fh))


def _scan(row) -> Scan:
    return Scan(key=(row[0], row[1]), at=row[2], bundle=row[3], bundle_qty=row[4],
                operation=row[5], operator=row[6], quantity=row[7], good=row[8] == "good",
                defect=row[9], station=row[10])


def _scans(qs) -> list[Scan]:
    return [_scan(r) for r in qs.filter(kind=FloorEvent.Kind.SCAN).values_list(*SCAN_FIELDS)]


def _counted_for(scans: list[Scan]) -> dict:
    """Counted pieces of ``scans``, worked out over every scan of their (bundle, operation)."""
    bundles = {s.bundle for s in scans}
    operations = {s.operation for s in scans}
    if not bundles:
        return {}
    everything = _scans(FloorEvent.objects.filter(bundle_id__in=bundles,
                                                  operation_id__in=operations))
    return counted_pieces(everything)


def _seconds(operation_ids) -> dict[int, Decimal]:
    return {pk: s for pk, s in Operation.objects.filter(pk__in=operation_ids)
            .values_list("pk", "standard_seconds")}


def _rates(operation_ids):
    table = defaultdict(list)
    for op, start, rate in PieceRate.objects.filter(operation_id__in=operation_ids).order_by(
            "valid_from").values_list("operation_id", "valid_from", "rate"):
        table[op].append((start, rate))

    def rate_for(operation, day):
        rows = table.get(operation, [])
        i = bisect_right([r[0] for r in rows], day)
        return rows[i - 1][1] if i else None

    return rate_for


def operator_figures_for_day(*, user, day: dt.date, line=None, shift: str = ""):
    """[(operator, figures)] for the shifts of ``day`` the user may see."""
    attendances = Attendance.objects.restrict(user, "view").filter(date=day).select_related(
        "operator")
    if line is not None:
        attendances = attendances.filter(operator__line=line)
    if shift:
        attendances = attendances.filter(shift=shift)
    attendances = list(attendances)
    if not attendances:
        return []
    shifts = [Shift(a.operator_id, a.clock_in, a.clock_out,
                    {k: Decimal(str(v)) for k, v in a.off_standard.items()})
              for a in attendances]
    start, end = min(s.start for s in shifts), max(s.end for s in shifts)
    scans = _scans(FloorEvent.objects.restrict(user, "view").filter(
        operator_id__in={s.operator for s in shifts}, occurred_at__gte=start,
        occurred_at__lt=end))
    counted = _counted_for(scans)
    operations = {s.operation for s in scans}
    figures = operator_figures(scans, counted, _seconds(operations), shifts, _rates(operations))
    operators = {a.operator_id: a.operator for a in attendances}
    return sorted(((operators[k], f) for k, f in figures.items()),
                  key=lambda pair: (pair[0].employee_no, pair[0].name))


def month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime(year, month, 1, tzinfo=tz)
    following = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    return start, following


def pay_for_month(*, user, year: int, month: int, organization=None, action: str = "view"):
    """[(operator, [(operation, PayLine)], total)] of the month's counted good scans that the
    user may ``action`` (an operator: their own; payroll export needs ``export``)."""
    start, end = month_bounds(year, month)
    events = FloorEvent.objects.restrict(user, action).filter(occurred_at__gte=start,
                                                               occurred_at__lt=end)
    if organization is not None:
        events = events.filter(organization=organization)
    scans = _scans(events)
    operations = {s.operation for s in scans}
    lines = pay_lines(scans, _counted_for(scans), _rates(operations))
    ops = Operation.objects.select_related("style").in_bulk({k[1] for k in lines})
    people = Operator.objects.select_related("organization").in_bulk({k[0] for k in lines})
    by_operator = defaultdict(list)
    for (operator, operation), line in lines.items():
        by_operator[operator].append((ops[operation], line))
    rows = []
    for operator, items in by_operator.items():
        items.sort(key=lambda pair: (pair[0].style_id, pair[0].sequence))
        rows.append((people[operator], items, sum((i[1].pay for i in items), Decimal(0))))
    rows.sort(key=lambda r: (r[0].employee_no, r[0].name))
    return rows


@dataclass
class _DayFigures:
    """What the board adds up over a line-day, from the scans or from the tallies."""

    hourly: dict = field(default_factory=lambda: defaultdict(int))  # local hour → finished
    by_op: dict = field(default_factory=lambda: defaultdict(int))
    last_hour: dict = field(default_factory=lambda: defaultdict(int))
    defects_op: dict = field(default_factory=lambda: defaultdict(int))
    defects_operator: dict = field(default_factory=lambda: defaultdict(int))
    station_ops: dict = field(default_factory=lambda: defaultdict(set))  # before ``until``
    ops: set = field(default_factory=set)
    first_at: dt.datetime | None = None  # the first scan before ``until``
    recent: list = field(default_factory=list)  # scans for the windows (last hour, alerts)
    counted: dict = field(default_factory=dict)
    loaded: int = 0


def _add_scans(day: _DayFigures, scans: list[Scan], counted: dict, until, tz) -> list:
    """Add raw scans; returns [(local hour, operation, pieces)] for the finished output."""
    finished = []
    for s in scans:
        pieces = counted.get(s.key, 0)
        day.ops.add(s.operation)
        day.by_op[s.operation] += pieces
        finished.append((timezone.localtime(s.at, tz).hour, s.operation, pieces))
        if until - dt.timedelta(hours=1) <= s.at < until:
            day.last_hour[s.operation] += pieces
        if s.at < until:
            day.station_ops[s.station].add(s.operation)
            if day.first_at is None or s.at < day.first_at:
                day.first_at = s.at
        if not s.good:
            day.defects_op[s.operation] += s.quantity
            if s.operator:
                day.defects_operator[s.operator] += s.quantity
    day.recent.extend(scans)
    day.counted.update(counted)
    return finished


def _day_from_scans(events, until, tz) -> tuple[_DayFigures, list]:
    """The reference computation: every scan of the line-day, counted over its slots."""
    scans = _scans(events)
    day = _DayFigures()
    finished = _add_scans(day, scans, _counted_for(scans), until, tz)
    day.loaded = sum({s.bundle: s.bundle_qty for s in scans}.values())
    return day, finished


def _day_from_tallies(user, line, events, start, end, until, tz) -> tuple[_DayFigures, list]:
    """Tallies for the whole hours before the last hour's window, the scans (with their
    stored counted pieces) from there on: the same figures as :func:`_day_from_scans`."""
    cut = max(start, hour_of(until - dt.timedelta(hours=1)))
    recent = [(_scan(r), r[-1]) for r in events.filter(
        kind=FloorEvent.Kind.SCAN, occurred_at__gte=cut).values_list(*SCAN_FIELDS, "counted")]
    day = _DayFigures()
    finished = _add_scans(day, [s for s, _c in recent], {s.key: c for s, c in recent},
                          until, tz)
    for hour, op, operator, station, pieces, rework in LineTally.objects.restrict(
            user, "view").filter(line=line, hour__gte=start, hour__lt=cut).values_list(
            "hour", "operation_id", "operator_id", "station", "pieces", "rework"):
        day.ops.add(op)
        day.by_op[op] += pieces
        finished.append((timezone.localtime(hour, tz).hour, op, pieces))
        day.station_ops[station].add(op)  # before the cut, so before ``until``
        if day.first_at is None or hour < day.first_at:
            day.first_at = hour  # the first scan lies in this hour, before the cut
        if rework:
            day.defects_op[op] += rework
            day.defects_operator[operator] += rework
    day.loaded = Bundle.objects.filter(pk__in=events.filter(
        kind=FloorEvent.Kind.SCAN).values("bundle_id")).aggregate(n=Sum("quantity"))["n"] or 0
    return day, finished


def _tallies_apply(user, line, start: dt.datetime) -> bool:
    """Whether the tallies give this user's board: the user sees every event of the line
    (tallies hold all of them), and local hours are whole UTC hours (as in China)."""
    q = permission_q(user, FloorEvent, "view")
    if q is None:
        return False
    whole = q is ALL or line.organization_id in user_permissions(user).organization_ids_for(
        "view")
    return whole and start.utcoffset() is not None and start.utcoffset().total_seconds() % 3600 == 0


def line_dashboard(*, user, line, day: dt.date, now: dt.datetime | None = None,
                   from_scans: bool = False) -> dict:
    """The live figures of ``line`` on ``day``: output per hour against the target, WIP per
    operation and station, the bottleneck, defects and downtime. Read from the tallies
    where they apply; ``from_scans`` forces the computation over the day's scans."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
    end = start + dt.timedelta(days=1)
    now = now or timezone.now()
    until = min(now, end)
    events = FloorEvent.objects.restrict(user, "view").filter(
        line=line, occurred_at__gte=start, occurred_at__lt=end)
    if not from_scans and _tallies_apply(user, line, start):
        figures, finished = _day_from_tallies(user, line, events, start, end, until, tz)
    else:
        figures, finished = _day_from_scans(events, until, tz)
    ops = figures.ops
    styles = set(Operation.objects.filter(pk__in=ops).values_list("style_id", flat=True))
    operations = list(Operation.objects.filter(style_id__in=styles).order_by(
        "style_id", "sequence", "code"))
    code_to_pk = {(op.style_id, op.code): op.pk for op in operations}
    last_op = {}
    for op in operations:
        last_op[op.style_id] = op.pk  # the last operation of each bulletin finishes pieces
    finishing = set(last_op.values())
    hourly = defaultdict(int)
    for hour, op, pieces in finished:
        if op in finishing:
            hourly[hour] += pieces
    by_op, last_hour = figures.by_op, figures.last_hour
    defects_op, defects_operator = figures.defects_op, figures.defects_operator
    loaded = figures.loaded
    graph = [(op.pk, [code_to_pk[(op.style_id, p)] for p in op.predecessors
                      if (op.style_id, p) in code_to_pk]) for op in operations]
    wip = wip_before(graph, by_op, loaded)
    active = [op for op in operations if by_op.get(op.pk) or wip.get(op.pk)]
    bottleneck = None
    if active:
        bottleneck = min(active, key=lambda op: (last_hour.get(op.pk, 0), -wip.get(op.pk, 0)))

    stations = _station_wip(events)
    machine = [MachineEvent(*row) for row in events.filter(kind=FloorEvent.Kind.MACHINE)
               .values_list("station", "occurred_at", "machine_state", "reason")]
    down = downtime(machine, until)
    target_per_hour = line.target_output * 60 / line.shift_minutes
    alerts = floor_alerts(figures.recent, figures.counted, _seconds(ops), wip,
                          takt_seconds=float(line.takt_seconds),
                          target_per_hour=target_per_hour, until=until, rules=alert_rules(),
                          first_at=figures.first_at, station_operations=figures.station_ops)
    operators = Operator.objects.in_bulk(
        set(defects_operator) | {a.subject for a in alerts if a.kind == "operator"})
    return {
        "hours": _hours(hourly, start, until, tz),
        "target_per_hour": round(target_per_hour, 1),
        "operations": [{"op": op, "done": by_op.get(op.pk, 0), "wip": wip.get(op.pk, 0),
                        "last_hour": last_hour.get(op.pk, 0)} for op in operations],
        "bottleneck": bottleneck,
        "stations": stations,
        "defects_by_operation": sorted(
            ((op, defects_op[op.pk]) for op in operations if defects_op.get(op.pk)),
            key=lambda pair: -pair[1]),
        # ties in a fixed order (the operator's key; station and reason): the counts come
        # from dicts filled in the order the scans were read, which the tallies do not keep
        "defects_by_operator": sorted(
            ((operators[k], n) for k, n in defects_operator.items() if k in operators),
            key=lambda pair: (-pair[1], pair[0].pk)),
        "downtime": sorted(((station, reason, round(m, 1)) for (station, reason), m
                            in down.items()),
                           key=lambda r: (-r[2], str(r[0] or ""), str(r[1] or ""))),
        "alerts": _alert_texts(alerts, {op.pk: op for op in operations}, operators),
        "output": sum(hourly.values()),
        "loaded": loaded,
    }


def _alert_texts(alerts, operations, operators) -> list[str]:
    texts = []
    for a in alerts:
        if a.kind == "station":
            texts.append(_("Station %(station)s made %(made)s pieces per operation in the last "
                           "window; takt asks for %(limit)s.")
                         % {"station": a.subject, "made": a.value, "limit": a.limit})
        elif a.kind == "wip":
            op = operations[a.subject]
            texts.append(_("%(n)d pieces are piling up before %(op)s (limit %(limit)s).")
                         % {"n": a.value, "op": f"{op.code} {op.name}", "limit": a.limit})
        else:
            texts.append(_("%(operator)s works at %(pct)d%% of standard in the last window.")
                         % {"operator": operators.get(a.subject, a.subject),
                            "pct": round(a.value * 100)})
    return texts


def _hours(hourly: dict[int, int], start, until, tz) -> list[tuple[int, int]]:
    """(hour, pieces) from the first hour with output to the last, or to now on today."""
    if not hourly:
        return []
    last = max(hourly)
    if until > start and until - start < dt.timedelta(days=1):
        last = max(last, timezone.localtime(until, tz).hour)
    return [(h, hourly.get(h, 0)) for h in range(min(hourly), last + 1)]


def _station_wip(events) -> list[tuple[str, int, int]]:
    """(station, bundles, pieces) hanging at each station now: bundles whose latest hanger
    event is an arrival there."""
    latest = {}
    for bundle, station, kind, qty in events.filter(
            kind__in=[FloorEvent.Kind.HANGER_IN, FloorEvent.Kind.HANGER_OUT]).values_list(
            "bundle_id", "station", "kind", "bundle__quantity").order_by(
            "occurred_at", "device_id", "event_id"):
        latest[bundle] = (station, kind, qty)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for station, kind, qty in latest.values():
        if kind == FloorEvent.Kind.HANGER_IN:
            counts[station][0] += 1
            counts[station][1] += qty
    return sorted((s, c[0], c[1]) for s, c in counts.items())


MIN_OPERATORS = 3  # no figure from fewer operators: it would show one person's work


@dataclass
class SharedDay:
    """One enterprise's day as a bureau sees it when the enterprise shares production data."""

    organization: object
    day: dt.date
    operators: int  # operators who scanned that day
    output: int | None  # finished pieces (last operation of each bulletin); None: withheld
    efficiency: Decimal | None  # earned / attended minutes of the day; None: withheld

    @property
    def withheld(self) -> bool:
        return self.operators < MIN_OPERATORS


def shared_daily_aggregates(*, user, date_from: dt.date, date_to: dt.date) -> list[SharedDay]:
    """Per enterprise and day, the output and efficiency of the enterprises that share their
    production data with one of ``user``'s organizations (an active ``DataShare``) — never a
    scan, an operator or pay; days with fewer than :data:`MIN_OPERATORS` operators show the
    head count only.

    The share is the permission: it is read first, and only the enterprises it names are
    summed, from the line tallies and attendance (which the grantee cannot read as rows)."""
    from jinxiu.apps.core.models import Organization

    owners = sorted({s.organization_id for s in user_permissions(user).shares()
                     if DataCategory.PRODUCTION in s.categories}) \
        if user is not None and user.is_authenticated and user.is_active else []
    if not owners or date_to < date_from:
        return []
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(date_from, dt.time(0), tzinfo=tz)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    tallies = list(LineTally.objects.filter(organization_id__in=owners, hour__gte=start,
                                            hour__lt=end).values_list(
        "organization_id", "hour", "operation_id", "operator_id", "pieces"))
    operations = {pk: (style, seconds) for pk, style, seconds in Operation.objects.filter(
        pk__in={t[2] for t in tallies}).values_list("pk", "style_id", "standard_seconds")}
    finishing = {}
    for pk, style in Operation.objects.filter(
            style_id__in={s for s, _sec in operations.values()}).order_by(
            "style_id", "sequence", "code").values_list("pk", "style_id"):
        finishing[style] = pk
    finishing = set(finishing.values())
    days: dict[tuple[int, dt.date], dict] = defaultdict(
        lambda: {"operators": set(), "output": 0, "earned": Decimal(0), "attended": 0})
    for org, hour, operation, operator, pieces in tallies:
        day = days[(org, timezone.localtime(hour, tz).date())]
        day["operators"].add(operator)
        day["earned"] += pieces * operations[operation][1]
        if operation in finishing:
            day["output"] += pieces
    for org, date, clock_in, clock_out in Attendance.objects.filter(
            organization_id__in=owners, date__gte=date_from, date__lte=date_to).values_list(
            "organization_id", "date", "clock_in", "clock_out"):
        days[(org, date)]["attended"] += int((clock_out - clock_in).total_seconds() // 60)
    names = Organization.objects.in_bulk(owners)
    rows = []
    for (org, date), d in sorted(days.items(), key=lambda kv: (names[kv[0][0]].name, kv[0][1])):
        count = len(d["operators"])
        shown = count >= MIN_OPERATORS
        efficiency = None
        if shown and d["attended"]:
            efficiency = (d["earned"] / 60 / d["attended"]).quantize(
                Decimal("0.0001"), rounding=ROUND_HALF_UP)
        rows.append(SharedDay(names[org], date, count, d["output"] if shown else None,
                              efficiency))
    return rows
