"""A user-visible background job: what runs, for whom, how far it has come, what came out."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jinxiu.apps.core.querysets import RestrictedManager


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


FINISHED = {JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED}


class JobRun(models.Model):
    kind = models.CharField(_("kind"), max_length=64)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="jobs",
        verbose_name=_("owner"),
    )
    organization = models.ForeignKey(
        "core.Organization", null=True, blank=True, on_delete=models.PROTECT,
        related_name="jobs", verbose_name=_("organization"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED,
        db_index=True,
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    message = models.CharField(_("message"), max_length=200, blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    cancel_requested = models.BooleanField(_("cancel requested"), default=False)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    # the interface language of the request that started it: the job's progress messages
    # and errors are written in it (a worker process has no request; blank: the default)
    language = models.CharField(_("language"), max_length=16, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    started = models.DateTimeField(_("started"), null=True, blank=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)
    heartbeat = models.DateTimeField(_("heartbeat"), null=True, blank=True)

    objects = RestrictedManager()
    visibility = "owner"

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")

    def __str__(self) -> str:
        return f"#{self.pk} {self.label}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("core:job_detail", args=[self.pk])

    @property
    def label(self) -> str:
        from jinxiu.apps.core.jobs.registry import job_label

        return job_label(self.kind)

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

