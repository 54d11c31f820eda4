"""The API's generic viewset: the same restrict() as the pages, the same FilterSets."""

from __future__ import annotations

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied

from jinxiu.apps.core.permissions import ACTION_LABELS, organizations_for, user_can

ACTIONS = {
    "list": "view",
    "retrieve": "view",
    "create": "add",
    "update": "change",
    "partial_update": "change",
    "destroy": "delete",
}


class RestrictedModelViewSet(viewsets.ModelViewSet):
    """List and retrieve what the user may view; write only what they may change.

    An object outside what the user may view is a 404; one they may view but not change or
    delete is a 403. Creates and updates run in a transaction and are rolled back when the
    saved object falls outside what the user may add or change.
    """

    def get_queryset(self):
        return self.queryset.all().restrict(self.request.user, "view")

    def get_object(self):
        queryset = self.filter_queryset(self.get_queryset())
        lookup = self.lookup_url_kwarg or self.lookup_field
        obj = get_object_or_404(queryset, pk=self.kwargs[lookup])
        action = ACTIONS.get(self.action, "view")
        if action != "view" and not user_can(self.request.user, obj, action):
            raise PermissionDenied(_("You may view this object but not %(action)s it.")
                                   % {"action": ACTION_LABELS.get(action, action)})
        return obj

    def _save_checked(self, serializer, action: str):
        with transaction.atomic():
            obj = serializer.save()
            if not user_can(self.request.user, obj, action):
                raise PermissionDenied(_("You may not save this object with these values."))

    def perform_create(self, serializer):
        self._save_checked(serializer, "add")

    def perform_update(self, serializer):
        self._save_checked(serializer, "change")

    def perform_destroy(self, instance):
        with transaction.atomic():
            instance.delete()


class TenantSerializerMixin:
    """Limits the ``organization`` field to organizations the user may act for."""

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and "organization" in fields:
            field = fields["organization"]
            if isinstance(field, serializers.PrimaryKeyRelatedField) and not field.read_only:
                action = "add" if self.instance is None else "change"
                field.queryset = organizations_for(request.user, action)
        return fields
