"""The change log: who changed what, when, from where, before and after."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from jinxiu.apps.core.querysets import RestrictedManager


class ChangeSource(models.TextChoices):
    WEB = "web", _("Web")
    API = "api", _("API")
    JOB = "job", _("Background job")
    CLI = "cli", _("Command line")
    IMPORT = "import", _("Import")
    SYSTEM = "system", _("System")


class ChangeAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")


class ObjectChange(models.Model):
    time = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("user"),
    )
    user_name = models.CharField(_("user name"), max_length=150, blank=True)
    request_id = models.UUIDField(_("request id"), null=True, blank=True, db_index=True)
    source = models.CharField(_("source"), max_length=8, choices=ChangeSource.choices)
    action = models.CharField(_("action"), max_length=8, choices=ChangeAction.choices)
    changed_object_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("object type")
    )
    changed_object_id = models.PositiveBigIntegerField(_("object id"))
    object_repr = models.CharField(_("object"), max_length=200)
    organization_id_snapshot = models.PositiveBigIntegerField(
        _("owning organization"), null=True, blank=True, db_index=True
    )
    prechange_data = models.JSONField(_("before"), null=True, blank=True)
    postchange_data = models.JSONField(_("after"), null=True, blank=True)

    objects = RestrictedManager()
    visibility = "changelog"

    class Meta:
        ordering = ["-time", "-pk"]
        indexes = [models.Index(fields=["changed_object_type", "changed_object_id"])]
        verbose_name = _("change record")
        verbose_name_plural = _("change log")

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise RuntimeError("Change records are never edited")
        return super().save(*args, **kwargs)

    def diff(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for every field whose value changed."""
        before = self.prechange_data or {}
        after = self.postchange_data or {}
        return [
            (key, before.get(key), after.get(key))
            for key in sorted(set(before) | set(after))
            if before.get(key) != after.get(key)
        ]

