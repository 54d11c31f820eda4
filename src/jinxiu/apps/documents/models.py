"""Documents an organization keeps on the platform: licences, certificates, reports.

They are the organization's own data (category ``documents``): other organizations see
them only when it shares them (e.g. with its association for a membership review, or with
the bureau for the graded management of dyeing plants, 印染分级管理).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jinxiu.apps.core.models import TenantModel
from jinxiu.apps.core.models.base import DataCategory


def _upload_to(instance, filename: str) -> str:
    from pathlib import Path
    from uuid import uuid4

    return f"documents/{instance.organization_id}/{uuid4().hex}{Path(filename).suffix.lower()}"


class Document(TenantModel):
    class Kind(models.TextChoices):
        LICENCE = "licence", _("Licence or permit")
        CERTIFICATE = "certificate", _("Certificate")
        REPORT = "report", _("Report")
        CONTRACT = "contract", _("Contract")
        OTHER = "other", _("Other")

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    number = models.CharField(_("document number"), max_length=64, blank=True)
    issued_by = models.CharField(_("issued by"), max_length=200, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to=_upload_to, blank=True)
    original_name = models.CharField(_("original file name"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("uploaded by"),
    )

    data_category = DataCategory.DOCUMENTS

    class Meta:
        ordering = ["organization__name", "-issued_on", "title"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.issued_on and self.expires_on and self.expires_on < self.issued_on:
            raise ValidationError(
                {"expires_on": _("A document cannot expire before it is issued.")}
            )

    def get_absolute_url(self) -> str:
        return reverse("documents:document_detail", args=[self.pk])

    def save(self, *args, **kwargs):
        old_name = None
        if self.pk is not None:
            old_name = Document._base_manager.filter(pk=self.pk).values_list(
                "file", flat=True).first()
        super().save(*args, **kwargs)
        if old_name and old_name != self.file.name:
            _remove_file_on_commit(self.file.storage, old_name)  # a replaced file

    def delete(self, *args, **kwargs):
        name, storage = self.file.name, self.file.storage
        result = super().delete(*args, **kwargs)
        if name:
            _remove_file_on_commit(storage, name)
        return result


def _remove_file_on_commit(storage, name: str) -> None:
    """Remove a file once the database change that dropped it has committed (never before:
    a rolled-back delete must keep its file)."""
    from django.db import transaction

    transaction.on_commit(lambda: storage.delete(name))
