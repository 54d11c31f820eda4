"""Pre-aggregation of scans at ingestion: each scan's counted pieces and the line tallies.

The pieces a scan counts depend on every scan of its (bundle, operation) in time order (see
``figures.counted_pieces``): a late scan that happened earlier can move pieces from a later
scan to itself. So when a batch stores scans, in the same transaction:

1. the batch's bundles are locked (``SELECT … FOR UPDATE`` in id order; on SQLite the write
   lock serialises writers anyway), so two batches never work out the same slot at once;
2. every stored scan of the (bundle, operation) slots the batch touches is read, and the
   counted pieces are worked out again over the stored scans and the batch's new ones;
3. the new scans are inserted with their counted pieces in one multi-row ``INSERT … ON
   CONFLICT DO NOTHING RETURNING`` (only rows really inserted go on; a resent scan is found
   among the slot's stored scans already), stored scans whose count moved are updated;
4. the differences are added to :class:`LineTally` rows (line, UTC hour, operation, operator,
   station) with one ``INSERT … ON CONFLICT DO UPDATE`` — only for events really inserted,
   so a resent event never counts twice.

The tallies therefore always equal what the board would compute from the scans themselves
(tests compare both on generated streams with duplicates and any arrival order).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import connection

from jinxiu.apps.tracking.figures import Scan, counted_pieces

EVENT_COLUMNS = ("organization_id", "device_id", "event_id", "kind", "occurred_at",
                 "received_at", "line_id", "station", "bundle_id", "operation_id",
                 "operator_id", "quantity", "counted", "outcome", "defect_code",
                 "machine_state", "reason")
CHUNK = 500


def hour_of(at: dt.datetime) -> dt.datetime:
    """The start of the UTC hour ``at`` lies in (the tallies' bucket)."""
    return at.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)


def _table(name: str) -> str:
    return connection.ops.quote_name(name)


def _datetime_adapter():
    """Datetime → database parameter. On SQLite Django's adapter (naive UTC text) costs more
    than the rest of a row; this does the same in one step for the usual UTC connection."""
    ops = connection.ops
    if connection.vendor != "sqlite" or connection.timezone != dt.UTC:
        return ops.adapt_datetimefield_value
    return lambda value: str(value.astimezone(dt.UTC).replace(tzinfo=None))


def _insert_events(rows: list) -> set[tuple[int, str]]:
    """Multi-row ``INSERT … ON CONFLICT (device, event id) DO NOTHING RETURNING``: the
    (device, event id) of the rows really inserted."""
    from jinxiu.apps.tracking.models import FloorEvent

    ops = connection.ops
    table = _table(FloorEvent._meta.db_table)
    columns = ", ".join(ops.quote_name(c) for c in EVENT_COLUMNS)
    one = "(" + ", ".join(["%s"] * len(EVENT_COLUMNS)) + ")"
    adapt = _datetime_adapter()
    inserted: set[tuple[int, str]] = set()
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start:start + CHUNK]
            params = []
            received = adapt(chunk[0].received_at)
            for e in chunk:
                params.extend((e.organization_id, e.device_id, e.event_id, e.kind,
                               adapt(e.occurred_at), received, e.line_id,
                               e.station, e.bundle_id, e.operation_id, e.operator_id,
                               e.quantity, e.counted, e.outcome, e.defect_code,
                               e.machine_state, e.reason))
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES "  # noqa: S608
                           f"{', '.join([one] * len(chunk))} "
                           "ON CONFLICT (device_id, event_id) DO NOTHING "
                           "RETURNING device_id, event_id", params)
            inserted.update(map(tuple, cursor.fetchall()))
    return inserted


def _slot_scans(slots: set[tuple[int, int]]) -> list[tuple]:
    """(pk, device, event id, at, bundle, operation, operator, qty, outcome, counted, line,
    station, organization) of every stored scan of ``slots``."""
    from jinxiu.apps.tracking.models import FloorEvent

    bundles = {b for b, _op in slots}
    operations = {op for _b, op in slots}
    rows = FloorEvent.objects.filter(kind="scan", bundle_id__in=bundles,
                                     operation_id__in=operations).order_by().values_list(
        "pk", "device_id", "event_id", "occurred_at", "bundle_id", "operation_id",
        "operator_id", "quantity", "outcome", "counted", "line_id", "station",
        "organization_id")
    return [r for r in rows if (r[4], r[5]) in slots]


def _plain(r, quantity: dict[int, int]) -> Scan:
    return Scan(key=(r[1], r[2]), at=r[3], bundle=r[4], bundle_qty=quantity[r[4]],
                operation=r[5], operator=r[6], quantity=r[7], good=r[8] == "good")


def _new_scan(r, quantity: dict[int, int]) -> Scan:
    return Scan(key=(r.device_id, r.event_id), at=r.occurred_at, bundle=r.bundle_id,
                bundle_qty=quantity[r.bundle_id], operation=r.operation_id,
                operator=r.operator_id, quantity=r.quantity, good=r.outcome == "good")


def events_store(rows: list, bundle_quantity: dict[int, int]) -> int:
    """Store validated event rows (``ingest._Row``) inside the caller's transaction, keeping
    counted pieces and tallies; returns how many were new. ``bundle_quantity``: pieces of
    each bundle the rows name (the SQLite path; PostgreSQL reads them from the bundles)."""
    if not rows:
        return 0
    if connection.vendor == "postgresql":
        from jinxiu.apps.tracking.rollup_pg import events_store_pg

        return events_store_pg(rows)
    return _events_store_python(rows, bundle_quantity)


def _events_store_python(rows: list, bundle_quantity: dict[int, int]) -> int:
    """SQLite (and any other database): counted pieces worked out in Python over the touched
    slots' stored scans, multi-row ``INSERT … ON CONFLICT DO NOTHING RETURNING``."""
    from jinxiu.apps.tracking.models import Bundle, FloorEvent

    scans = [r for r in rows if r.kind == "scan"]
    before, candidates = [], []
    if scans:
        if connection.features.has_select_for_update:  # SQLite: one writer at a time anyway
            list(Bundle.objects.select_for_update().filter(
                pk__in=sorted({r.bundle_id for r in scans})).order_by("pk").values_list(
                "pk", flat=True))
        before = _slot_scans({(r.bundle_id, r.operation_id) for r in scans})
        stored_keys = {(r[1], r[2]) for r in before}
        # a resent scan names the same bundle and operation: its stored twin is in ``before``
        candidates = [r for r in scans if (r.device_id, r.event_id) not in stored_keys]
        counted = counted_pieces([_plain(r, bundle_quantity) for r in before] +
                                 [_new_scan(r, bundle_quantity) for r in candidates])
        for r in candidates:
            r.counted = counted[(r.device_id, r.event_id)]
    inserted = _insert_events([r for r in rows if r.kind != "scan"] + candidates)
    new = [r for r in candidates if (r.device_id, r.event_id) in inserted]
    moved = []
    if len(new) != len(candidates):
        # an id the device had used for another bundle or operation: not stored again, so
        # work the counts out without it
        counted = counted_pieces([_plain(r, bundle_quantity) for r in before] +
                                 [_new_scan(r, bundle_quantity) for r in new])
        for r in new:
            if counted[(r.device_id, r.event_id)] != r.counted:
                r.counted = counted[(r.device_id, r.event_id)]
                moved.append((r.counted, r.device_id, r.event_id))
    # tally differences: (org, line, hour, operation, operator, station) → [scans, pieces, rework]
    deltas: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])
    for r in before:
        now = counted[(r[1], r[2])]
        if now != r[9]:
            moved.append((now, r[1], r[2]))
            deltas[(r[12], r[10], hour_of(r[3]), r[5], r[6], r[11])][1] += now - r[9]
    for r in new:
        d = deltas[(r.organization_id, r.line_id, hour_of(r.occurred_at), r.operation_id,
                    r.operator_id, r.station)]
        d[0] += 1
        d[1] += r.counted
        if r.outcome != "good":
            d[2] += r.quantity
    if moved:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {_table(FloorEvent._meta.db_table)} SET counted = %s "  # noqa: S608
                "WHERE device_id = %s AND event_id = %s", moved)
    tallies_add(deltas)
    return len(inserted)


def tallies_add(deltas: dict[tuple, list[int]]) -> None:
    """Add ``deltas`` to the tallies, creating the missing ones (keys sorted: concurrent
    batches lock tally rows in the same order)."""
    from jinxiu.apps.tracking.models import LineTally

    if not deltas:
        return
    table = _table(LineTally._meta.db_table)
    adapt = _datetime_adapter()
    items = sorted(deltas.items(), key=lambda kv: (kv[0][1], kv[0][2], kv[0][3], kv[0][4],
                                                   kv[0][5]))
    with connection.cursor() as cursor:
        for start in range(0, len(items), CHUNK):
            chunk = items[start:start + CHUNK]
            params = []
            for (org, line, hour, operation, operator, station), (n, pieces, rework) in chunk:
                params.extend((org, line, adapt(hour), operation, operator, station, n,
                               pieces, rework))
            values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} (organization_id, line_id, hour, operation_id, "  # noqa: S608
                "operator_id, station, scans, pieces, rework) VALUES " + values +
                " ON CONFLICT (line_id, hour, operation_id, operator_id, station) DO UPDATE SET "
                f"scans = {table}.scans + excluded.scans, "
                f"pieces = {table}.pieces + excluded.pieces, "
                f"rework = {table}.rework + excluded.rework", params)


def tallies_rebuild(event_model, tally_model) -> int:
    """Work out every scan's counted pieces and all tallies afresh from the stored events
    (the migration that introduced them; a repair). Returns the number of tallies."""
    rows = list(event_model.objects.filter(kind="scan").order_by().values_list(
        "pk", "device_id", "event_id", "occurred_at", "bundle_id", "operation_id",
        "operator_id", "quantity", "outcome", "counted", "line_id", "station",
        "organization_id"))
    quantity = dict(event_model.objects.filter(kind="scan").order_by().values_list(
        "bundle_id", "bundle__quantity").distinct())
    counted = counted_pieces([_plain(r, quantity) for r in rows])
    tally_model.objects.all().delete()
    deltas: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])
    moved = []
    for r in rows:
        new = counted[(r[1], r[2])]
        if new != r[9]:
            moved.append((new, r[0]))
        d = deltas[(r[12], r[10], hour_of(r[3]), r[5], r[6], r[11])]
        d[0] += 1
        d[1] += new
        if r[8] != "good":
            d[2] += r[7]
    if moved:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {_table(event_model._meta.db_table)} SET counted = %s "  # noqa: S608
                "WHERE id = %s", moved)
    tallies_add(deltas)
    return len(deltas)
