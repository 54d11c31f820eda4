"""Line-board query time with many stored events (bench/ingest/README.md).

    python bench/ingest/dashboard.py --db postgres --background 1000000 --day-events 10000

Fills a fresh database with ``--background`` events spread over 50 lines and many past days
(written straight into the table as ingestion writes them), then one busy line-day of
``--day-events`` scans, and times ``line_dashboard`` (all the board's figures for that line
and day) ``--repeat`` times. Prints one JSON line with p50/p95.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench" / "ingest"))
sys.path.insert(0, str(REPO / "src"))

from loadgen import TZ, configure  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--background", type=int, default=1_000_000)
    parser.add_argument("--day-events", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args(argv)
    args.transport = "dashboard"
    env = configure(args)
    try:
        return _measure(args, env)
    finally:
        if args.db == "postgres":  # drop the database this run created, and only that one
            from django.db import connections

            connections.close_all()
            name = env["JINXIU_DATABASE_URL"].rsplit("/", 1)[1]
            subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc",
                            f"DROP DATABASE {name}"], check=False)


def _measure(args, env) -> int:
    subprocess.run([str(REPO / ".venv/bin/jinxiu"), "migrate", "-v", "0"], check=True, env=env)
    import django

    django.setup()
    from django.db import connection, transaction

    from jinxiu.apps.core.changelog import change_context
    from jinxiu.apps.core.models import Organization, User
    from jinxiu.apps.production.models import Line, Operation, Operator, Style
    from jinxiu.apps.tracking.ingest import _Row
    from jinxiu.apps.tracking.models import Device, ProductionOrder
    from jinxiu.apps.tracking.rollup import events_store
    from jinxiu.apps.tracking.selectors import line_dashboard
    from jinxiu.apps.tracking.services import bundles_cut

    with change_context(user=None, source="cli"), transaction.atomic():
        org = Organization.objects.create(name="压测企业", kind="enterprise")
        style = Style.objects.create(organization=org, code="B1", name="压测款")
        ops = [Operation.objects.create(organization=org, style=style, sequence=s, code=f"{s}",
                                        name=f"工序{s}", machine_type="lockstitch",
                                        standard_seconds=30,
                                        predecessors=[f"{s - 1}"] if s > 1 else [])
               for s in range(1, 41)]
        lines, devices, operators, bundles = [], [], [], []
        for n in range(50):
            line = Line.objects.create(organization=org, name=f"L{n}")
            lines.append(line)
            operators.append([Operator.objects.create(organization=org, name=f"工{n}-{s}",
                                                       line=line, employee_no=f"{n}-{s}")
                              for s in range(40)])
            order = ProductionOrder.objects.create(organization=org, number=f"P{n}",
                                                   style=style, line=line, quantity=1000)
            bundles.append(bundles_cut(order=order, lay=1, plies=1000, sizes={"M": 1},
                                       bundle_plies=20))
            devices.append(Device.objects.create(organization=org, name=f"d{n}", line=line))
        user = User.objects.create_superuser("bench", password=uuid.uuid4().hex)

    def rows(line_no, day, count, prefix):
        start = dt.datetime.combine(day, dt.time(8), tzinfo=TZ)
        out = []
        for i in range(count):
            k, s = divmod(i, 40)
            bundle = bundles[line_no][k % len(bundles[line_no])]
            out.append(_Row(organization_id=org.pk, device_id=devices[line_no].pk,
                            event_id=f"{prefix}{i}", kind="scan",
                            occurred_at=start + dt.timedelta(seconds=i * 2),
                            received_at=start, line_id=lines[line_no].pk, station=f"S{s}",
                            bundle=None, bundle_id=bundle.pk, operation_id=ops[s].pk,
                            operator_id=operators[line_no][s].pk, quantity=20,
                            outcome="good"))
        return out

    quantities = {b.pk: b.quantity for line_bundles in bundles for b in line_bundles}

    t0 = time.monotonic()
    day0 = dt.date(2026, 1, 1)
    per_day = args.day_events
    written = 0
    d = 0
    while written < args.background:
        for n in range(1, 50):  # line 0 is the one measured: its bundles are its own day's
            if written >= args.background:
                break
            count = min(per_day, args.background - written)
            with transaction.atomic():
                events_store(rows(n, day0 + dt.timedelta(days=d), count, f"b{d}-"),
                             quantities)
            written += count
        d += 1
    day = day0 + dt.timedelta(days=d + 1)
    with transaction.atomic():
        events_store(rows(0, day, args.day_events, "t-"), quantities)
    fill_s = time.monotonic() - t0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    now = dt.datetime.combine(day, dt.time(23), tzinfo=TZ)

    def timed(from_scans):
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            board = line_dashboard(user=user, line=lines[0], day=day, now=now,
                                   from_scans=from_scans)
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        return times, board

    times, board = timed(False)
    scan_times, scan_board = timed(True)
    assert board == scan_board, "the tallies and the scans disagree"
    result = {"db": args.db, "stored_events": written + args.day_events,
              "line_day_events": args.day_events, "fill_s": round(fill_s, 1),
              "p50_ms": round(statistics.median(times), 1),
              "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
              "from_scans_p50_ms": round(statistics.median(scan_times), 1),
              "from_scans_p95_ms": round(scan_times[int(0.95 * (len(scan_times) - 1))], 1),
              "output": board["output"],
              "load_avg_1m_at_end": round(os.getloadavg()[0], 2),
              "machine": f"{platform.node()} {platform.machine()} {os.cpu_count()} cpus",
              "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
