"""Querysets that know who is asking: ``Model.objects.restrict(user, action)``."""

from __future__ import annotations

from django.db import models


class BulkWriteForbidden(RuntimeError):
    """Bulk writes skip the change log; on change-logged models they are refused."""


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        """Only the rows ``user`` may perform ``action`` on (view, add, change, delete, ...)."""
        from jinxiu.apps.core.permissions import restrict_queryset

        return restrict_queryset(self, user=user, action=action)


class ChangeLoggedQuerySet(RestrictedQuerySet):
    """Refuses writes that would bypass the per-object change records."""

    def update(self, **kwargs):
        raise BulkWriteForbidden(
            f"{self.model.__name__}: queryset.update() would skip the change log; "
            "save each object instead"
        )

    def bulk_create(self, objs, *args, **kwargs):
        raise BulkWriteForbidden(
            f"{self.model.__name__}: bulk_create() would skip the change log; save each object"
        )

    def bulk_update(self, objs, fields, *args, **kwargs):
        raise BulkWriteForbidden(
            f"{self.model.__name__}: bulk_update() would skip the change log; save each object"
        )


RestrictedManager = models.Manager.from_queryset(RestrictedQuerySet)
ChangeLoggedManager = models.Manager.from_queryset(ChangeLoggedQuerySet)
