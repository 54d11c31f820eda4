"""A demo order on the demo line, cut into bundles, with piece rates, today's attendance and
a morning of scans (synthetic), so the line board, figures and pay have something to show."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from jinxiu.apps.core.demo import DemoState, demo_step

# (operator's employee number, operation codes) — who works which station on the demo line
STATIONS = [("A01", ["1", "2"]), ("A02", ["4"]), ("A03", ["3", "5"]), ("A04", ["6", "7"]),
            ("A08", ["8", "11"]), ("A05", ["9", "10", "14"]), ("A06", ["12", "13"]),
            ("A07", ["15", "16"])]


@demo_step(65, "shop-floor tracking")
def _tracking(state: DemoState) -> None:
    from jinxiu.apps.production.models import Line, Operation, Style
    from jinxiu.apps.tracking.ingest import events_ingest
    from jinxiu.apps.tracking.models import Attendance, Device, PieceRate, ProductionOrder
    from jinxiu.apps.tracking.services import bundles_cut

    org = state.organizations["ent_knit"]
    style = Style.objects.filter(organization=org, code="P2601").first()
    line = Line.objects.filter(organization=org, name="一号线（示例）").first()
    if style is None or line is None:
        return
    order, _ = ProductionOrder.objects.get_or_create(
        organization=org, number="DEMO-001",
        defaults={"style": style, "line": line, "customer": "示例品牌", "quantity": 120})
    if not order.bundles.exists():
        bundles_cut(order=order, lay=1, plies=30, sizes={"M": 1, "L": 1}, bundle_plies=20,
                    colour="藏青")
    for op in Operation.objects.filter(style=style):
        PieceRate.objects.get_or_create(
            organization=org, operation=op, valid_from=dt.date(2026, 1, 1),
            defaults={"rate": (op.standard_seconds / 60 * Decimal("0.45")).quantize(
                Decimal("0.0001"))})  # about ¥27 an hour at standard (synthetic)
    device, _ = Device.objects.get_or_create(organization=org, name="一号线扫描枪（示例）",
                                             defaults={"line": line, "kind": "scanner"})
    today = timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(today, dt.time(8, 0)))
    operators = {op.employee_no: op for op in line.operators.all()}
    for number, _ops in STATIONS:
        if number in operators:
            Attendance.objects.get_or_create(
                organization=org, operator=operators[number], date=today, shift="day",
                defaults={"clock_in": start, "clock_out": start + dt.timedelta(hours=9),
                          "off_standard": {"meeting": 15}})
    now = timezone.now()
    events = []
    for k, bundle in enumerate(order.bundles.order_by("number")):
        for s, (number, codes) in enumerate(STATIONS):
            at = start + dt.timedelta(minutes=20 * k + 12 * s)
            if at > now or number not in operators:
                continue
            for code in codes:
                events.append({"id": f"demo-{today}-{bundle.number}-{code}", "type": "scan",
                               "at": at.isoformat(), "bundle": bundle.code, "operation": code,
                               "operator": number, "station": f"S{s + 1}"})
    if events:
        events_ingest(device=device, items=events)
