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
    parser.add_argument("--fill", choices=["sql", "python"], default=None,
                        help="how the background is written: sql (by the database itself: "
                             "generate_series on PostgreSQL, a recursive CTE on SQLite; the "
                             "default) or python (events_store batches, slow)")
    args = parser.parse_args(argv)
    args.transport = "dashboard"
    args.fill = args.fill or "sql"
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


FILL_SQL = """
WITH gen AS (
  SELECT g, g / (49 * %(per_day)s) AS d, (g / %(per_day)s) %% 49 + 1 AS l, g %% %(per_day)s AS i
  FROM generate_series(%(first)s, %(last)s) AS g),
ev AS (
  SELECT gen.*, (d * %(per_day)s + i) / 40 AS pass, i %% 40 AS s FROM gen),
ins AS (
  INSERT INTO tracking_floorevent (organization_id, device_id, event_id, kind, occurred_at,
      received_at, line_id, station, bundle_id, operation_id, operator_id, quantity, counted,
      outcome, defect_code, machine_state, reason)
  SELECT %(org)s, (%(devices)s::bigint[])[l + 1], 'b' || d || '-' || i, 'scan',
      %(day0)s::timestamptz + d * interval '1 day' + i * interval '2 seconds',
      %(day0)s::timestamptz + d * interval '1 day', (%(lines)s::bigint[])[l + 1], 'S' || s,
      (%(bundles)s::bigint[])[l * %(nb)s + pass %% %(nb)s + 1], (%(ops)s::bigint[])[s + 1],
      (%(operators)s::bigint[])[l * 40 + s + 1], 20,
      CASE WHEN pass < %(nb)s THEN 20 ELSE 0 END, 'good', '', '', ''
  FROM ev
  RETURNING organization_id, line_id, occurred_at, operation_id, operator_id, station, counted)
INSERT INTO tracking_linetally (organization_id, line_id, hour, operation_id, operator_id,
    station, scans, pieces, rework)
SELECT organization_id, line_id, date_trunc('hour', occurred_at, 'UTC'), operation_id,
    operator_id, station, count(*), sum(counted), 0
FROM ins GROUP BY 1, 2, 3, 4, 5, 6
ON CONFLICT (line_id, hour, operation_id, operator_id, station) DO UPDATE SET
  scans = tracking_linetally.scans + excluded.scans,
  pieces = tracking_linetally.pieces + excluded.pieces"""


def _fill_sql(args, org, lines, devices, ops, operators, bundles, day0):
    """The background events and their tallies written by PostgreSQL itself
    (``generate_series``), one day of the 49 other lines per statement: what ingestion
    stores — the same rows as the Python fill, each slot's first good scan counting the
    bundle's pieces — at a few hundred thousand rows a second instead of a few thousand."""
    from django.db import connection, transaction

    per_day = args.day_events
    chunk = 49 * per_day
    params = {
        "per_day": per_day, "org": org.pk, "nb": len(bundles[0]),
        "day0": dt.datetime.combine(day0, dt.time(8), tzinfo=TZ),
        "devices": [dv.pk for dv in devices], "lines": [ln.pk for ln in lines],
        "ops": [op.pk for op in ops],
        "bundles": [b.pk for line_bundles in bundles for b in line_bundles],
        "operators": [o.pk for line_ops in operators for o in line_ops]}
    written = 0
    while written < args.background:
        last = min(written + chunk, args.background) - 1
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(FILL_SQL, {**params, "first": written, "last": last})
        written = last + 1
        print(f"fill: {written:,} events, {time.monotonic() - T0:.0f} s", file=sys.stderr)
    return written, (written - 1) // chunk + 1


FILL_SQLITE = """
INSERT INTO tracking_floorevent (organization_id, device_id, event_id, kind, occurred_at,
    received_at, line_id, station, bundle_id, operation_id, operator_id, quantity, counted,
    outcome, defect_code, machine_state, reason)
WITH RECURSIVE gen(g) AS (SELECT %(first)s UNION ALL SELECT g + 1 FROM gen WHERE g < %(last)s),
ev AS (
  SELECT g / (49 * %(per_day)s) AS d, (g / %(per_day)s) %% 49 + 1 AS l, g %% %(per_day)s AS i
  FROM gen),
ev2 AS (SELECT ev.*, (d * %(per_day)s + i) / 40 AS pass, i %% 40 AS s FROM ev)
SELECT %(org)s, fl.device_id, 'b' || ev2.d || '-' || ev2.i, 'scan',
    datetime(%(day0)s, '+' || ev2.d || ' days', '+' || (ev2.i * 2) || ' seconds'),
    datetime(%(day0)s, '+' || ev2.d || ' days'), fl.line_id, 'S' || ev2.s, fb.bundle_id,
    fo.op_id, fp.operator_id, 20, CASE WHEN ev2.pass < %(nb)s THEN 20 ELSE 0 END,
    'good', '', '', ''
FROM ev2
JOIN fill_lines fl ON fl.l = ev2.l
JOIN fill_bundles fb ON fb.l = ev2.l AND fb.k = ev2.pass %% %(nb)s
JOIN fill_ops fo ON fo.s = ev2.s
JOIN fill_operators fp ON fp.l = ev2.l AND fp.s = ev2.s"""

TALLY_SQLITE = """
INSERT INTO tracking_linetally (organization_id, line_id, hour, operation_id, operator_id,
    station, scans, pieces, rework)
SELECT organization_id, line_id, strftime('%%Y-%%m-%%d %%H:00:00', occurred_at), operation_id,
    operator_id, station, count(*), sum(counted), 0
FROM tracking_floorevent WHERE id > %(after)s
GROUP BY 1, 2, 3, 4, 5, 6"""


def _fill_sqlite(args, org, lines, devices, ops, operators, bundles, day0):
    """The SQLite counterpart of :func:`_fill_sql`: a recursive CTE generates a day of the 49
    other lines per statement (lookup tables instead of arrays), tallies grouped from the
    rows just written."""
    from django.db import connection, transaction

    per_day = args.day_events
    chunk = 49 * per_day
    with connection.cursor() as cursor:
        for ddl in ("CREATE TEMP TABLE fill_lines (l int PRIMARY KEY, line_id int, "
                    "device_id int)",
                    "CREATE TEMP TABLE fill_bundles (l int, k int, bundle_id int, "
                    "PRIMARY KEY (l, k))",
                    "CREATE TEMP TABLE fill_ops (s int PRIMARY KEY, op_id int)",
                    "CREATE TEMP TABLE fill_operators (l int, s int, operator_id int, "
                    "PRIMARY KEY (l, s))"):
            cursor.execute(ddl)
        cursor.executemany("INSERT INTO fill_lines VALUES (%s, %s, %s)",
                           [(n, ln.pk, devices[n].pk) for n, ln in enumerate(lines)])
        cursor.executemany("INSERT INTO fill_bundles VALUES (%s, %s, %s)",
                           [(n, k, b.pk) for n, bs in enumerate(bundles)
                            for k, b in enumerate(bs)])
        cursor.executemany("INSERT INTO fill_ops VALUES (%s, %s)",
                           [(s, op.pk) for s, op in enumerate(ops)])
        cursor.executemany("INSERT INTO fill_operators VALUES (%s, %s, %s)",
                           [(n, s, o.pk) for n, os_ in enumerate(operators)
                            for s, o in enumerate(os_)])
    start = dt.datetime.combine(day0, dt.time(8), tzinfo=TZ).astimezone(dt.UTC)
    params = {"per_day": per_day, "org": org.pk, "nb": len(bundles[0]),
              "day0": start.strftime("%Y-%m-%d %H:%M:%S")}
    written = 0
    while written < args.background:
        last = min(written + chunk, args.background) - 1
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT coalesce(max(id), 0) FROM tracking_floorevent")
            after = cursor.fetchone()[0]
            cursor.execute(FILL_SQLITE, {**params, "first": written, "last": last})
            cursor.execute(TALLY_SQLITE, {"after": after})
        written = last + 1
        print(f"fill: {written:,} events, {time.monotonic() - T0:.0f} s", file=sys.stderr)
    return written, (written - 1) // chunk + 1


T0 = time.monotonic()


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
    if args.fill == "sql":
        fill = _fill_sql if args.db == "postgres" else _fill_sqlite
        written, d = fill(args, org, lines, devices, ops, operators, bundles, day0)
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
    result = {"db": args.db, "fill": args.fill, "stored_events": written + args.day_events,
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
