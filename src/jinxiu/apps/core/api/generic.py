"""The API's generic viewset: the same restrict() as the pages, the same FilterSets."""

from __future__ import annotations

from django.db import transaction
from django.db.models import ProtectedError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from rest_framework import serializers, viewsets
from rest_framework.exceptions import APIException, PermissionDenied

from jinxiu.apps.core.permissions import ACTION_LABELS, organizations_for, user_can


class Conflict(APIException):
    status_code = 409
    default_code = "conflict"


class PayloadTooLarge(APIException):
    status_code = 413
    default_code = "too_large"
    default_detail = "The upload is larger than the limit; nothing was saved."


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

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method in ("POST", "PUT", "PATCH") and \
                getattr(request._request, "upload_too_large", False):
            raise PayloadTooLarge

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
        try:
            with transaction.atomic():
                instance.delete()
        except ProtectedError as exc:
            raise Conflict(_("Other records still refer to this object; nothing was deleted."),
                           ) from exc


class ModelCleanMixin:
    """Runs the model's ``clean()`` (its cross-field rules) on the instance as it would be
    saved, so the API refuses what the forms refuse, with the same messages."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        current = {} if self.instance is None else {
            f.name: getattr(self.instance, f.name) for f in model._meta.concrete_fields}
        model(**{**current, **attrs}).clean()
        return attrs


class TenantSerializerMixin:
    """Every writable related field accepts only objects the user may see; ``organization``
    only organizations the user may act for (and, on an update, the current owner)."""

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is None:
            return fields
        for name, field in fields.items():
            inner = field.child_relation if isinstance(field, serializers.ManyRelatedField) \
                else field
            if not isinstance(inner, serializers.PrimaryKeyRelatedField) or field.read_only:
                continue
            if name == "organization":
                action = "add" if self.instance is None else "change"
                choices = organizations_for(request.user, action)
                current = getattr(self.instance, "organization_id", None)
                if current is not None and not isinstance(self.instance, list):
                    choices = (choices | choices.model.objects.filter(pk=current)).distinct()
                inner.queryset = choices
            elif hasattr(inner.queryset, "restrict"):
                inner.queryset = inner.queryset.restrict(request.user, "view")
        return fields
