"""Starting, running, cancelling and retrying jobs.

Progress lives in the cache as well as on the row: a handler runs inside one database
transaction (all or nothing), so progress written to the row during the run would not be
seen by others until the end. The cache (a file cache for the embedded default, Redis for
workers on several machines) is shared between the web server and the workers.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.core.jobs.registry import get_job_kind
from jinxiu.apps.core.models.changelog import ChangeSource
from jinxiu.apps.core.models.jobs import FINISHED, JobRun, JobStatus

logger = logging.getLogger(__name__)


class JobCancelled(Exception):
    """Raised inside a handler at its next progress report after a cancel request."""


def _progress_key(job_id: int) -> str:
    return f"jinxiu:job:{job_id}:progress"


def _cancel_key(job_id: int) -> str:
    return f"jinxiu:job:{job_id}:cancel"


class JobContext:
    """What a handler gets: parameters, owner, organization, and progress reporting."""

    def __init__(self, job: JobRun) -> None:
        self.job = job
        self.params = dict(job.params)
        self.user = job.owner
        self.organization = job.organization

    def progress(self, percent: float, message: str = "") -> None:
        """Report progress (0–99; 100 is set when the job succeeds). Raises JobCancelled."""
        value = max(0, min(99, int(percent)))
        cache.set(
            _progress_key(self.job.pk),
            {"progress": value, "message": str(message)[:200], "heartbeat": time.time()},
            timeout=7 * 24 * 3600,
        )
        if cache.get(_cancel_key(self.job.pk)):
            raise JobCancelled


def job_live_state(job: JobRun) -> tuple[int, str]:
    """(progress, message): the running job's latest report, else what the row says."""
    if job.status == JobStatus.RUNNING:
        state = cache.get(_progress_key(job.pk))
        if state:
            return state["progress"], state["message"]
    return job.progress, job.message


def job_enqueue(*, kind: str, user, organization=None, params: dict | None = None) -> JobRun:
    """Create the JobRun and hand it to the task backend once the transaction commits."""
    job_kind = get_job_kind(kind)
    if job_kind.superuser_only and not user.is_superuser:
        raise PermissionDenied(_("Only a system administrator may start this job."))
    job = JobRun.objects.create(
        kind=kind, params=params or {}, owner=user, organization=organization
    )
    transaction.on_commit(lambda: _send(job.pk))
    return job


def _send(job_id: int) -> None:
    from jinxiu.apps.core.jobs.tasks import run_job

    result = run_job.enqueue(job_id)
    JobRun.objects.filter(pk=job_id, task_id="").update(task_id=str(result.id)[:64])


def job_execute(*, job_id: int) -> None:
    """Run the job once. Safe to call again: a finished or claimed job is left alone."""
    stale = timezone.now() - timedelta(seconds=settings.JINXIU_JOB_STALE_SECONDS)
    with transaction.atomic():
        job = JobRun.objects.select_for_update().select_related("owner", "organization").get(
            pk=job_id
        )
        if job.status in FINISHED:
            logger.info("job %s already %s; nothing to do", job.pk, job.status)
            return
        if job.status == JobStatus.RUNNING and job.heartbeat and job.heartbeat > stale:
            logger.info("job %s is running elsewhere; nothing to do", job.pk)
            return
        if job.cancel_requested:
            _finish(job, JobStatus.CANCELLED, message=_("Cancelled before it started."))
            return
        job.status = JobStatus.RUNNING
        job.attempts += 1
        job.started = job.heartbeat = timezone.now()
        job.progress, job.message, job.error, job.result = 0, "", "", None
        job.save()
    cache.delete(_progress_key(job.pk))

    ctx = JobContext(job)
    try:
        handler = get_job_kind(job.kind).handler
        with change_context(user=job.owner, source=ChangeSource.JOB), transaction.atomic():
            result = handler(ctx)
    except JobCancelled:
        _finish(job, JobStatus.CANCELLED, message=_("Cancelled; nothing was written."))
    except Exception as exc:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        progress, _msg = job_live_state(job)
        _finish(job, JobStatus.FAILED, error=f"{type(exc).__name__}: {exc}", progress=progress,
                message=_("Failed; nothing was written."))
    else:
        _finish(job, JobStatus.SUCCEEDED, result=result, progress=100, message=_("Done."))


def _finish(job: JobRun, status: str, *, result=None, error: str = "", progress=None,
            message: str = "") -> None:
    job.status = status
    job.result = result
    job.error = error
    job.message = message
    if progress is not None:
        job.progress = progress
    job.finished = job.heartbeat = timezone.now()
    job.save()
    cache.delete(_progress_key(job.pk))
    cache.delete(_cancel_key(job.pk))


def job_cancel(*, job: JobRun, user) -> JobRun:
    if job.is_finished:
        raise ValidationError(_("This job has already finished."))
    if job.status == JobStatus.QUEUED:
        job.cancel_requested = True
        _finish(job, JobStatus.CANCELLED, message=_("Cancelled before it started."))
    else:
        job.cancel_requested = True
        job.save(update_fields=["cancel_requested"])
        cache.set(_cancel_key(job.pk), True, timeout=7 * 24 * 3600)
    return job


def job_retry(*, job: JobRun, user) -> JobRun:
    """Run a failed or cancelled job again (same row, one more attempt)."""
    if job.status not in (JobStatus.FAILED, JobStatus.CANCELLED):
        raise ValidationError(_("Only a failed or cancelled job can be retried."))
    get_job_kind(job.kind)  # the kind must still exist
    job.status = JobStatus.QUEUED
    job.progress, job.message, job.error, job.result = 0, "", "", None
    job.cancel_requested = False
    job.finished = None
    job.task_id = ""
    job.save()
    transaction.on_commit(lambda: _send(job.pk))
    return job


def job_reap_stale(*, now=None) -> int:
    """Mark running jobs whose worker stopped reporting as failed; they can be retried.

    Their writes were never committed (a handler runs in one transaction), so a retry
    starts from a clean state.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.JINXIU_JOB_STALE_SECONDS)
    reaped = 0
    for job in JobRun.objects.filter(status=JobStatus.RUNNING):
        state = cache.get(_progress_key(job.pk))
        beat = job.heartbeat
        if state:
            beat = max(beat or cutoff, dt.datetime.fromtimestamp(state["heartbeat"], tz=dt.UTC))
        if beat is None or beat < cutoff:
            _finish(job, JobStatus.FAILED, progress=job_live_state(job)[0],
                    error=_("The worker stopped while running this job (no heartbeat since "
                            "%(time)s). Nothing it wrote was kept; retry it.")
                    % {"time": beat.isoformat() if beat else "-"},
                    message=_("Worker lost."))
            reaped += 1
    return reaped
