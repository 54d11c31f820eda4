"""Recording changes: a context says who and from where; signals write the records.

Web and API requests get their context from :class:`ChangeContextMiddleware`. Jobs, imports
and CLI commands must open one explicitly::

    with change_context(user=user, source=ChangeSource.CLI):
        ...
"""

from __future__ import annotations

import contextvars
import datetime as dt
import decimal
import uuid
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.db.models.fields.files import FieldFile
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from jinxiu.apps.core.models.base import ChangeLoggedModel
from jinxiu.apps.core.models.changelog import ChangeAction, ChangeSource, ObjectChange


@dataclass(frozen=True)
class ChangeContext:
    user: object | None
    source: str
    request_id: uuid.UUID


_current: contextvars.ContextVar[ChangeContext | None] = contextvars.ContextVar(
    "jinxiu_change_context", default=None
)


@contextmanager
def change_context(*, user, source: str, request_id: uuid.UUID | None = None):
    """Record every change made inside the block as done by ``user`` from ``source``."""
    if source not in ChangeSource.values:
        raise ValueError(f"unknown change source {source!r}")
    token = _current.set(ChangeContext(user, source, request_id or uuid.uuid4()))
    try:
        yield
    finally:
        _current.reset(token)


def current_change_context() -> ChangeContext | None:
    return _current.get()


def _json_value(value):
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value


def serialize_object(instance: Model, *, with_m2m: bool = False) -> dict:
    """The concrete field values of ``instance`` as JSON-safe data (foreign keys by id),
    and with ``with_m2m`` the sorted ids of its many-to-many relations."""
    exclude = set(getattr(instance, "changelog_exclude", ()))
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in exclude:
            continue
        data[field.attname] = _json_value(field.value_from_object(instance))
    if with_m2m and instance.pk is not None:
        for field in instance._meta.many_to_many:
            if field.name not in exclude:
                data[field.name] = sorted(
                    getattr(instance, field.name).values_list("pk", flat=True))
    return data


def _without_timestamps(data):
    return {k: v for k, v in (data or {}).items() if k != "last_updated"}


def _record(instance: ChangeLoggedModel, action: str, before, after) -> None:
    ctx = _current.get()
    user = ctx.user if ctx else None
    if hasattr(user, "_user"):  # the request's user, resolved now (after API authentication)
        user = user._user()
    if user is not None and not user.is_authenticated:
        user = None
    ObjectChange.objects.create(
        user=user,
        user_name=user.get_username() if user else "",
        request_id=ctx.request_id if ctx else None,
        source=ctx.source if ctx else ChangeSource.SYSTEM,
        action=action,
        changed_object_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
        changed_object_id=instance.pk,
        object_repr=str(instance)[:200],
        organization_id_snapshot=getattr(instance, "changelog_organization_id", lambda: None)(),
        prechange_data=before,
        postchange_data=after,
    )


def _logged(sender) -> bool:
    """Change-logged models, plus users and groups (who may do what is worth a record)."""
    if not isinstance(sender, type):
        return False
    if issubclass(sender, ChangeLoggedModel):
        return True
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    return sender in (get_user_model(), Group)


@receiver(pre_save, dispatch_uid="jinxiu_changelog_pre_save")
def _snapshot_before_save(sender, instance, raw=False, **kwargs):
    if raw or not _logged(sender) or instance.pk is None:
        return
    old = sender._base_manager.filter(pk=instance.pk).first()
    instance._changelog_before = serialize_object(old) if old is not None else None


@receiver(post_save, dispatch_uid="jinxiu_changelog_post_save")
def _record_save(sender, instance, created, raw=False, **kwargs):
    if raw or not _logged(sender):
        return
    before = None if created else getattr(instance, "_changelog_before", None)
    after = serialize_object(instance)
    if not created and _without_timestamps(before) == _without_timestamps(after):
        return  # nothing but the timestamp changed: no record
    _record(instance, ChangeAction.CREATE if created else ChangeAction.UPDATE, before, after)
    instance._changelog_before = after


@receiver(m2m_changed, dispatch_uid="jinxiu_changelog_m2m")
def _record_m2m(sender, instance, action, reverse, model, pk_set, **kwargs):
    """Adding or removing related objects (who holds a permission, a user's groups)."""
    if action not in ("pre_add", "pre_remove", "pre_clear", "post_add", "post_remove",
                      "post_clear"):
        return
    target = instance
    if reverse:
        # e.g. group.user_set.add(user): record it on each user whose groups changed
        if not _logged(model) or (not pk_set and action != "pre_clear"):
            return
        if action.startswith("pre"):
            return
        for obj in model._base_manager.filter(pk__in=pk_set or []):
            _record(obj, ChangeAction.UPDATE, None, serialize_object(obj, with_m2m=True))
        return
    if not _logged(type(target)):
        return
    if action.startswith("pre"):
        target._changelog_m2m_before = serialize_object(target, with_m2m=True)
        return
    before = getattr(target, "_changelog_m2m_before", None)
    after = serialize_object(target, with_m2m=True)
    if before != after:
        _record(target, ChangeAction.UPDATE, before, after)


@receiver(pre_delete, dispatch_uid="jinxiu_changelog_pre_delete")
def _snapshot_before_delete(sender, instance, **kwargs):
    if _logged(sender):
        instance._changelog_before = serialize_object(instance)
        instance._changelog_pk = instance.pk


@receiver(post_delete, dispatch_uid="jinxiu_changelog_post_delete")
def _record_delete(sender, instance, **kwargs):
    if not _logged(sender):
        return
    instance.pk = getattr(instance, "_changelog_pk", instance.pk)
    _record(instance, ChangeAction.DELETE, getattr(instance, "_changelog_before", None), None)
    instance.pk = None
