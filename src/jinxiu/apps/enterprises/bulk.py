"""Creating many registry rows at once, each with its change-log record.

Change-logged models refuse ``bulk_create`` because it would skip the per-object records
(``core.querysets``). Loading thousands of rows one ``save()`` at a time is too slow for the
demo cluster, imports and the benchmark, so this writes the rows in bulk and then the very
records the signals would have written (action "create", the full row as "after", the
current change context's user, source and request id), also in bulk.

The rows are written by :func:`insert`, a plain ``INSERT … VALUES (…), (…) RETURNING id``
(PostgreSQL: ``INSERT … SELECT * FROM UNNEST(column arrays)``):
each value goes through its field's ``pre_save`` and ``get_db_prep_save`` as in
``QuerySet.bulk_create``, without the query compiler's work per value, which was a third of
a 50,000-row import (bench/results/registry.md, round three). The change records are
written as rows, not model instances: only their JSON column needs its field's conversion.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from jinxiu.apps.core.changelog import current_change_context, serialize_object
from jinxiu.apps.core.models.changelog import ChangeAction, ChangeSource, ObjectChange

BATCH = 500


def _connection():
    # the connection itself: the ``django.db.connection`` proxy looks it up on every
    # attribute, and fields ask it for ``ops`` and ``features`` for each value
    return connections[DEFAULT_DB_ALIAS]


def _rows_per_statement(columns: int, batch_size: int) -> int:
    connection = _connection()
    if connection.vendor == "sqlite":
        import sqlite3

        connection.ensure_connection()
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    else:
        limit = 65535  # PostgreSQL's wire protocol
    return max(1, min(batch_size, limit // max(columns, 1)))


def insert_rows(model, fields: list, rows: list[list], *, batch_size: int = BATCH,
                returning: bool = True) -> list:
    """Insert rows of database-ready values for ``fields`` (model fields) into ``model``'s
    table; returns the new primary keys in row order (with ``returning``). On PostgreSQL one
    array per column through ``UNNEST``, as ``bulk_create`` does there: a statement of
    10,000 placeholders took longer to plan than to run."""
    connection = _connection()
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in fields)
    tail = f" RETURNING {quote(model._meta.pk.column)}" if returning else ""
    # table, columns and types from the model; every value is a parameter
    head = f"INSERT INTO {quote(model._meta.db_table)} ({names}) "
    if connection.vendor == "postgresql":
        # the types without their lengths (varchar[], not varchar(200)[]), as Django does
        arrays = ", ".join(f"(%s)::{f.db_type(connection).split('(')[0]}[]" for f in fields)
        per = batch_size
    else:
        one = "(" + ", ".join(["%s"] * len(fields)) + ")"
        per = _rows_per_statement(len(fields), batch_size)
    ids: list = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per):
            chunk = rows[start:start + per]
            if connection.vendor == "postgresql":
                cursor.execute(head + f"SELECT * FROM UNNEST({arrays})" + tail,  # noqa: S608
                               [list(column) for column in zip(*chunk, strict=True)])
            else:
                cursor.execute(head + "VALUES " + ", ".join([one] * len(chunk)) + tail,
                               [value for row in chunk for value in row])
            if returning:
                ids.extend(row[0] for row in cursor.fetchall())
    return ids


def insert(model, objs: list, *, batch_size: int = BATCH) -> list:
    """``bulk_create`` for new objects with database-made primary keys: sets their pks and
    marks them saved. No signals, as with ``bulk_create``."""
    if not objs:
        return objs
    if any(obj.pk is not None for obj in objs):  # not for the rows made here
        return model._base_manager.bulk_create(objs, batch_size=batch_size)
    fields = [f for f in model._meta.concrete_fields if f is not model._meta.pk]
    connection = _connection()
    rows = []
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
        rows.append([f.get_db_prep_save(f.pre_save(obj, True), connection)
                     for f in fields])
    ids = insert_rows(model, fields, rows, batch_size=batch_size)
    if len(ids) != len(objs):
        raise RuntimeError(f"{model.__name__}: {len(ids)} ids for {len(objs)} rows")
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs


def _log_columns() -> list:
    return [ObjectChange._meta.get_field(name) for name in (
        "time", "user", "user_name", "request_id", "source", "action", "changed_object_type",
        "changed_object_id", "object_repr", "organization_id_snapshot", "prechange_data",
        "postchange_data")]


def bulk_create_logged(model, objs: list, *, batch_size: int = BATCH) -> list:
    """Insert ``objs`` (new, unsaved) and one create record for each; returns them with pks."""
    if not objs:
        return []
    created = insert(model, objs, batch_size=batch_size)
    ctx = current_change_context()
    user = ctx.user if ctx else None
    if hasattr(user, "_user"):  # the request's user (a web edit), resolved now
        user = user._user()
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=True)
    connection = _connection()
    columns = _log_columns()
    (time_f, user_f, name_f, request_f, source_f, action_f, type_f, _id_f, _repr_f, _org_f,
     before_f, after_f) = columns
    # what every record shares, converted once; the rest are ints, text and the JSON "after"
    shared = [time_f.get_db_prep_save(timezone.now(), connection),
              user_f.get_db_prep_save(user.pk if user else None, connection),
              name_f.get_db_prep_save(user.get_username() if user else "", connection),
              request_f.get_db_prep_save(ctx.request_id if ctx else None, connection),
              source_f.get_db_prep_save(ctx.source if ctx else ChangeSource.SYSTEM,
                                        connection),
              action_f.get_db_prep_save(ChangeAction.CREATE, connection),
              type_f.get_db_prep_save(content_type.pk, connection)]
    no_before = before_f.get_db_prep_save(None, connection)
    rows = [[*shared, obj.pk, str(obj)[:200], obj.changelog_organization_id(), no_before,
             after_f.get_db_prep_save(serialize_object(obj), connection)]
            for obj in created]
    insert_rows(ObjectChange, columns, rows, batch_size=batch_size, returning=False)
    from jinxiu.apps.enterprises.signals import rows_bulk_created

    rows_bulk_created.send(sender=model, count=len(created))
    return created
