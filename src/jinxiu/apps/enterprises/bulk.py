"""Creating many registry rows at once, each with its change-log record.

Change-logged models refuse ``bulk_create`` because it would skip the per-object records
(``core.querysets``). Loading thousands of rows one ``save()`` at a time is too slow for the
demo cluster and the benchmark, so this writes the rows in bulk through the base manager and
then the very records the signals would have written (action "create", the full row as
"after", the current change context's user, source and request id), also in bulk.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from jinxiu.apps.core.changelog import current_change_context, serialize_object
from jinxiu.apps.core.models.changelog import ChangeAction, ChangeSource, ObjectChange

BATCH = 500


def bulk_create_logged(model, objs: list, *, batch_size: int = BATCH) -> list:
    """Insert ``objs`` (new, unsaved) and one create record for each; returns them with pks."""
    if not objs:
        return []
    created = model._base_manager.bulk_create(objs, batch_size=batch_size)
    ctx = current_change_context()
    user = ctx.user if ctx else None
    if hasattr(user, "_user"):  # the request's user (a web edit), resolved now
        user = user._user()
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=True)
    records = [
        ObjectChange(
            user=user, user_name=user.get_username() if user else "",
            request_id=ctx.request_id if ctx else None,
            source=ctx.source if ctx else ChangeSource.SYSTEM, action=ChangeAction.CREATE,
            changed_object_type=content_type, changed_object_id=obj.pk,
            object_repr=str(obj)[:200],
            organization_id_snapshot=obj.changelog_organization_id(),
            prechange_data=None, postchange_data=serialize_object(obj))
        for obj in created]
    ObjectChange.objects.bulk_create(records, batch_size=batch_size)
    from jinxiu.apps.enterprises.signals import rows_bulk_created

    rows_bulk_created.send(sender=model, count=len(created))
    return created
