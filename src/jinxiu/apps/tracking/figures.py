"""The shop floor's arithmetic, on plain rows (no queries): pieces that count, operator
figures, piece-rate pay, WIP, output per hour and downtime.

Definitions (shown on the pages, as the apparel industry uses them):

* **counted pieces** of a (bundle, operation): good scans in time order, up to the bundle's
  pieces. A bundle split between operators counts for each their part; pieces scanned again
  after a rework are repairs: they count neither for earned minutes nor for pay (返工不重复计件).
  A rework scan counts nothing; it records a defect.
* **earned minutes** (产出标准分钟) = Σ counted pieces × SMV (standard minutes of the operation).
* **attended minutes** (出勤分钟) = clock-out − clock-in; **off-standard minutes** (非标准工时) =
  time the operator could not work to standard for a reason not theirs (waiting for work,
  machine breakdown, meeting, training …), by reason; **on-standard minutes** = attended −
  off-standard.
* **performance** (绩效) = earned / on-standard minutes — how fast the operator works while
  working; **efficiency** (效率) = earned / attended minutes — including the lost time.
* **piece-rate pay** (计件工资) = Σ counted pieces × the operation's rate valid on the day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Scan:
    key: tuple[int, str]  # (device id, event id): a total order for simultaneous scans
    at: dt.datetime
    bundle: int
    bundle_qty: int
    operation: int
    operator: int | None
    quantity: int
    good: bool
    defect: str = ""
    station: str = ""


def counted_pieces(scans: list[Scan]) -> dict[tuple[int, str], int]:
    """Per scan key, the pieces that count (see the module's definition)."""
    done: dict[tuple[int, int], int] = defaultdict(int)
    counted: dict[tuple[int, str], int] = {}
    for scan in sorted(scans, key=lambda s: (s.at, s.key)):
        if not scan.good:
            counted[scan.key] = 0
            continue
        slot = (scan.bundle, scan.operation)
        take = max(0, min(scan.quantity, scan.bundle_qty - done[slot]))
        done[slot] += take
        counted[scan.key] = take
    return counted


@dataclass
class OperatorFigures:
    operator: int
    pieces: int = 0
    repairs: int = 0  # good pieces that did not count (repairs after rework, over-scans)
    rework: int = 0  # pieces reported for rework
    earned: Decimal = Decimal(0)  # minutes
    attended: Decimal = Decimal(0)
    off_standard: dict[str, Decimal] = field(default_factory=dict)
    pay: Decimal = Decimal(0)

    @property
    def off_standard_total(self) -> Decimal:
        return sum(self.off_standard.values(), Decimal(0))

    @property
    def on_standard(self) -> Decimal:
        return self.attended - self.off_standard_total

    @property
    def performance(self) -> Decimal | None:
        return _ratio(self.earned, self.on_standard)

    @property
    def efficiency(self) -> Decimal | None:
        return _ratio(self.earned, self.attended)


def _ratio(a: Decimal, b: Decimal) -> Decimal | None:
    return (a / b).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP) if b > 0 else None


@dataclass(frozen=True)
class Shift:
    operator: int
    start: dt.datetime
    end: dt.datetime
    off_standard: dict[str, Decimal]

    @property
    def minutes(self) -> Decimal:
        return Decimal(int((self.end - self.start).total_seconds())) / 60


def operator_figures(scans: list[Scan], counted: dict, seconds: dict[int, Decimal],
                     shifts: list[Shift], rate_for=None) -> dict[int, OperatorFigures]:
    """Figures per operator over ``shifts`` (their scans inside a shift); ``counted`` from
    :func:`counted_pieces` over all scans of the bundles concerned; ``seconds`` the standard
    seconds of each operation (SMV × 60); ``rate_for(operation, day)`` the piece rate or None."""
    figures: dict[int, OperatorFigures] = {}

    def of(operator):
        return figures.setdefault(operator, OperatorFigures(operator))

    windows = defaultdict(list)
    for shift in shifts:
        f = of(shift.operator)
        f.attended += shift.minutes
        for reason, minutes in shift.off_standard.items():
            f.off_standard[reason] = f.off_standard.get(reason, Decimal(0)) + Decimal(minutes)
        windows[shift.operator].append((shift.start, shift.end))
    for scan in scans:
        if scan.operator is None or not any(
                start <= scan.at < end for start, end in windows.get(scan.operator, ())):
            continue
        f = of(scan.operator)
        if not scan.good:
            f.rework += scan.quantity
            continue
        pieces = counted.get(scan.key, 0)
        f.pieces += pieces
        f.repairs += scan.quantity - pieces
        f.earned += pieces * seconds[scan.operation]  # seconds until the end
        if rate_for is not None:
            rate = rate_for(scan.operation, scan.at.date())
            if rate is not None:
                f.pay += pieces * rate
    for f in figures.values():
        f.earned = (f.earned / 60).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
        f.pay = f.pay.quantize(CENT, rounding=ROUND_HALF_UP)
    return figures


def wip_before(operations: list[tuple[int, list[int]]], counted_by_op: dict[int, int],
               loaded: int) -> dict[int, int]:
    """Pieces waiting in front of each operation: what its predecessors finished (the
    slowest of them), or the pieces loaded onto the line for a first operation, minus what
    it has done. ``operations``: (operation id, predecessor ids) in bulletin order."""
    wip = {}
    for op, preds in operations:
        supply = min((counted_by_op.get(p, 0) for p in preds), default=loaded)
        wip[op] = max(0, supply - counted_by_op.get(op, 0))
    return wip


@dataclass(frozen=True)
class MachineEvent:
    station: str
    at: dt.datetime
    state: str
    reason: str


def downtime(events: list[MachineEvent], until: dt.datetime) -> dict[tuple[str, str], float]:
    """Minutes down per (station, reason): a state lasts until the station's next state
    event, the last one until ``until``."""
    by_station = defaultdict(list)
    for e in events:
        by_station[e.station].append(e)
    minutes: dict[tuple[str, str], float] = defaultdict(float)
    for station, items in by_station.items():
        items.sort(key=lambda e: e.at)
        for current, following in zip(items, [*items[1:], None], strict=True):
            if current.state != "down":
                continue
            end = following.at if following is not None else until
            if end > current.at:
                minutes[(station, current.reason)] += (end - current.at).total_seconds() / 60
    return dict(minutes)


@dataclass
class PayLine:
    operator: int
    operation: int
    pieces: int = 0
    repairs: int = 0
    rate: Decimal | None = None
    pay: Decimal = Decimal(0)


def pay_lines(scans: list[Scan], counted: dict, rate_for) -> dict[tuple[int, int], PayLine]:
    """Piece-rate pay per (operator, operation) for the good scans given; the rate is the one
    valid on the scan's day (a change of rate mid-month applies from its date)."""
    lines: dict[tuple[int, int], PayLine] = {}
    for scan in scans:
        if scan.operator is None or not scan.good:
            continue
        line = lines.setdefault((scan.operator, scan.operation),
                                PayLine(scan.operator, scan.operation))
        pieces = counted.get(scan.key, 0)
        line.pieces += pieces
        line.repairs += scan.quantity - pieces
        rate = rate_for(scan.operation, scan.at.date())
        if rate is not None:
            line.rate = rate
            line.pay += pieces * rate
    for line in lines.values():
        line.pay = line.pay.quantize(CENT, rounding=ROUND_HALF_UP)
    return lines


@dataclass(frozen=True)
class AlertRules:
    window_minutes: int = 30
    station_below_takt: float = 0.9
    wip_hours: float = 1.0
    operator_performance: float = 0.6


@dataclass(frozen=True)
class Alert:
    kind: str  # "station", "wip", "operator"
    subject: object  # station name, operation id, operator id
    value: float
    limit: float


def floor_alerts(scans: list[Scan], counted: dict, seconds: dict[int, Decimal],
                 wip: dict[int, int], *,
                 takt_seconds: float, target_per_hour: float, until: dt.datetime,
                 rules: AlertRules, first_at: dt.datetime | None = None,
                 station_operations: dict[str, set] | None = None) -> list[Alert]:
    """The alerts of a line at ``until``:

    * a station whose output over the window (pieces per operation it worked) is below
      ``station_below_takt`` × window / takt — once the line has run a whole window;
    * an operation with more than ``wip_hours`` × the hourly target waiting in front of it;
    * an operator who scanned in the window and earned less than ``operator_performance`` ×
      the window's minutes.

    ``scans`` must hold at least the window's scans; the line's first scan before ``until``
    and the operations each station worked before ``until`` come from ``first_at`` and
    ``station_operations`` when given (read from the tallies), else from ``scans``.
    """
    window = dt.timedelta(minutes=rules.window_minutes)
    since = until - window
    alerts: list[Alert] = []
    scans = [s for s in scans if s.at < until]
    recent = [s for s in scans if since <= s.at < until]
    if first_at is None and scans:
        first_at = min(s.at for s in scans)
    if station_operations is None:
        station_operations = defaultdict(set)
        for s in scans:
            station_operations[s.station].add(s.operation)
    if first_at is not None and first_at <= since and takt_seconds > 0:
        expected = rules.window_minutes * 60 / takt_seconds
        pieces: dict[str, int] = defaultdict(int)
        operations = station_operations
        for s in recent:
            pieces[s.station] += counted.get(s.key, 0)
        for station in sorted(operations):
            if not station:
                continue
            made = pieces.get(station, 0) / len(operations[station])
            if made < rules.station_below_takt * expected:
                alerts.append(Alert("station", station, round(made, 1), round(expected, 1)))
    limit = rules.wip_hours * target_per_hour
    for op, waiting in wip.items():
        if waiting > limit:
            alerts.append(Alert("wip", op, waiting, round(limit, 1)))
    earned: dict[int, Decimal] = defaultdict(Decimal)
    for s in recent:
        if s.operator is not None:
            earned[s.operator] += counted.get(s.key, 0) * seconds.get(s.operation, 0) / 60
    for operator, minutes in sorted(earned.items()):
        performance = float(minutes) / rules.window_minutes
        if performance < rules.operator_performance:
            alerts.append(Alert("operator", operator, round(performance, 2),
                                rules.operator_performance))
    return alerts
