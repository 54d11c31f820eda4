"""The PostgreSQL way of storing a batch (``rollup.events_store``): three statements, whatever
the batch's size, and no per-row SQL text.

1. ``SELECT … FOR UPDATE`` on the batch's bundles (id order): two batches never work out the
   same (bundle, operation) slot at once;
2. ``INSERT … SELECT FROM unnest(<one array per column>) ON CONFLICT (device, event id) DO
   NOTHING RETURNING`` — the columns travel as binary arrays, so the statement's text is the
   same for every batch (no multi-row ``VALUES`` to build and to parse); new scans are
   inserted with 0 counted pieces;
3. one statement that, for the slots of the scans really inserted, works the counted pieces
   out again over all their stored scans with a window function, updates the scans whose
   count moved, and adds the differences to the hourly :class:`LineTally` rows (``INSERT … ON
   CONFLICT DO UPDATE``). Only rows the insert returned count as new, so a resent event never
   counts twice.

Counted pieces as in ``figures.counted_pieces``: the good scans of a slot in (time, device,
event id) order take pieces up to the bundle's quantity. With ``upto`` the running sum of the
good quantities including the scan, a scan counts ``min(Q, upto) − min(Q, upto − its own)``
(a rework scan, whose own good quantity is 0, counts nothing). Event ids are ordered byte-wise
(``COLLATE "C"``), as Python orders the strings.
"""

from __future__ import annotations

import psycopg
from django.db import connection

INSERT_COLUMNS = (
    ("organization_id", "bigint"), ("device_id", "bigint"), ("event_id", "text"),
    ("kind", "text"), ("occurred_at", "timestamptz"), ("line_id", "bigint"),
    ("station", "text"), ("bundle_id", "bigint"), ("operation_id", "bigint"),
    ("operator_id", "bigint"), ("quantity", "bigint"), ("outcome", "text"),
    ("defect_code", "text"), ("machine_state", "text"), ("reason", "text"))


def _sql() -> tuple[str, str, str]:
    from jinxiu.apps.tracking.models import Bundle, FloorEvent, LineTally

    events = FloorEvent._meta.db_table
    tally = LineTally._meta.db_table
    bundle = Bundle._meta.db_table
    lock = f"SELECT id FROM {bundle} WHERE id = ANY(%b::bigint[]) ORDER BY id FOR UPDATE"  # noqa: S608
    names = ", ".join(c for c, _t in INSERT_COLUMNS)
    arrays = ", ".join(f"%b::{t}[]" for _c, t in INSERT_COLUMNS)
    insert = (f"INSERT INTO {events} ({names}, received_at, counted) "  # noqa: S608
              f"SELECT u.*, %b::timestamptz, 0 FROM unnest({arrays}) AS u "
              "ON CONFLICT (device_id, event_id) DO NOTHING RETURNING id, kind = 'scan'")
    recount = f"""
WITH new AS (SELECT unnest(%b::bigint[]) AS id),
slots AS (SELECT DISTINCT e.bundle_id, e.operation_id FROM {events} e JOIN new ON new.id = e.id),
ordered AS (
  SELECT e.id, e.counted, e.organization_id, e.line_id, e.occurred_at, e.operation_id,
         e.operator_id, e.station, e.quantity, e.outcome, e.bundle_id,
         CASE WHEN e.outcome = 'good' THEN e.quantity ELSE 0 END AS good,
         SUM(CASE WHEN e.outcome = 'good' THEN e.quantity ELSE 0 END) OVER (
           PARTITION BY e.bundle_id, e.operation_id
           ORDER BY e.occurred_at, e.device_id, e.event_id COLLATE "C"
           ROWS UNBOUNDED PRECEDING) AS upto
  FROM {events} e JOIN slots s ON s.bundle_id = e.bundle_id AND s.operation_id = e.operation_id
  WHERE e.kind = 'scan'),
calc AS (
  SELECT o.*, (new.id IS NOT NULL) AS is_new,
         GREATEST(0, LEAST(b.quantity, o.upto) - LEAST(b.quantity, o.upto - o.good)) AS now
  FROM ordered o JOIN {bundle} b ON b.id = o.bundle_id LEFT JOIN new ON new.id = o.id),
moved AS (
  UPDATE {events} e SET counted = calc.now FROM calc
  WHERE e.id = calc.id AND e.counted <> calc.now RETURNING e.id)
INSERT INTO {tally} AS t (organization_id, line_id, hour, operation_id, operator_id, station,
                          scans, pieces, rework)
SELECT organization_id, line_id, date_trunc('hour', occurred_at, 'UTC'), operation_id,
       operator_id, station, SUM(is_new::int), SUM(now - counted),
       SUM(CASE WHEN is_new AND outcome <> 'good' THEN quantity ELSE 0 END)
FROM calc WHERE is_new OR now <> counted
GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 2, 3, 4, 5, 6
ON CONFLICT (line_id, hour, operation_id, operator_id, station) DO UPDATE SET
  scans = t.scans + excluded.scans, pieces = t.pieces + excluded.pieces,
  rework = t.rework + excluded.rework"""  # noqa: S608
    return lock, insert, recount


_STATEMENTS: tuple[str, str, str] | None = None


def events_store_pg(rows: list) -> int:
    """Store validated rows (``ingest._Row``) inside the caller's transaction; how many were
    new (see the module's docstring)."""
    global _STATEMENTS
    if not connection.in_atomic_block:  # three statements: they must commit together
        raise RuntimeError("events_store_pg runs inside the caller's transaction.atomic()")
    if _STATEMENTS is None:
        _STATEMENTS = _sql()
    lock, insert, recount = _STATEMENTS
    connection.ensure_connection()
    columns = [[getattr(r, name) for r in rows] for name, _t in INSERT_COLUMNS]
    bundles = sorted({r.bundle_id for r in rows if r.kind == "scan"})
    # a plain psycopg cursor on Django's connection (same transaction): server-side binding
    # and binary arrays; it bypasses Django's query log and execute wrappers
    with psycopg.Cursor(connection.connection) as cursor:
        if bundles:
            cursor.execute(lock, [bundles])
        cursor.execute(insert, [rows[0].received_at, *columns])
        inserted = cursor.fetchall()
        new_scans = [pk for pk, is_scan in inserted if is_scan]
        if new_scans:
            cursor.execute(recount, [new_scans])
    return len(inserted)
