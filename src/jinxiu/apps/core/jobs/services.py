"""Starting, running, cancelling and retrying jobs.

Progress lives in the cache as well as on the row: a handler runs inside one database
transaction (all or nothing), so progress written to the row during the run would not be
seen by others until the end. The cache (a file cache for the embedded default, Redis for
workers on several machines) is shared between the web server and the workers.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.core.jobs.registry import get_job_kind, job_kinds
from jinxiu.apps.core.models.changelog import ChangeSource
from jinxiu.apps.core.models.jobs import FINISHED, JobRun, JobStatus

logger = logging.getLogger(__name__)


class JobCancelled(BaseException):
    """Raised inside a handler at its next progress report after a cancel request.

    A BaseException, so that a handler's own ``except Exception`` cannot swallow it."""


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
    """Create the JobRun and hand it to the task backend once the transaction commits.

    Outside a transaction that is at once: a caller that writes after enqueuing (a status,
    the job's id) must hold a transaction, or a quick worker may finish the job first and
    the caller's write then overwrites what the job stored (an import shown "queued" after
    it was done; a plan run outside a transaction would lose its result). The services that
    enqueue are atomic themselves, whatever their caller holds."""
    job_kind = get_job_kind(kind)
    if job_kind.superuser_only and not user.is_superuser:
        raise PermissionDenied(_("Only a system administrator may start this job."))
    job = JobRun.objects.create(
        kind=kind, params=params or {}, owner=user, organization=organization,
        language=translation.get_language() or "",
    )
    transaction.on_commit(lambda: _send(job.pk))
    return job


def _send(job_id: int) -> None:
    from jinxiu.apps.core.jobs.tasks import run_job

    result = run_job.enqueue(job_id)
    JobRun.objects.filter(pk=job_id, task_id="").update(task_id=str(result.id)[:64])


def _last_beat(job: JobRun):
    """The latest sign of life: the row's heartbeat or the running handler's last report."""
    beat = job.heartbeat
    state = cache.get(_progress_key(job.pk))
    if state:
        reported = dt.datetime.fromtimestamp(state["heartbeat"], tz=dt.UTC)
        beat = max(beat, reported) if beat else reported
    return beat


def job_execute(*, job_id: int) -> None:
    """Run the job once. Safe to call again: a finished or claimed job is left alone.

    Every change of a job's status is a compare-and-set on the row, so a cancel, a retry,
    a reaper and a second delivery of the same task cannot overwrite each other. The job
    runs in the language of the request that started it (``JobRun.language``), so that
    its messages and errors read as the page did.
    """
    language = JobRun.objects.filter(pk=job_id).values_list("language", flat=True).first()
    supported = {code for code, _name in settings.LANGUAGES}
    with translation.override(language if language in supported else settings.LANGUAGE_CODE):
        _execute(job_id)


def _execute(job_id: int) -> None:
    stale = timezone.now() - timedelta(seconds=settings.JINXIU_JOB_STALE_SECONDS)
    with transaction.atomic():
        job = (JobRun.objects.select_for_update(of=("self",))
               .select_related("owner", "organization").get(pk=job_id))
        if job.status in FINISHED:
            logger.info("job %s already %s; nothing to do", job.pk, job.status)
            return
        beat = _last_beat(job)
        if job.status == JobStatus.RUNNING and beat and beat > stale:
            logger.info("job %s is running elsewhere; nothing to do", job.pk)
            return
        if job.cancel_requested or cache.get(_cancel_key(job.pk)):
            _finish(job, JobStatus.CANCELLED, from_statuses=(job.status,),
                    message=_("Cancelled before it started."))
            return
        now = timezone.now()
        claimed = JobRun.objects.filter(pk=job.pk, status=job.status).update(
            status=JobStatus.RUNNING, attempts=job.attempts + 1, started=now, heartbeat=now,
            progress=0, message="", error="", result=None, finished=None)
        if not claimed:
            return
        job.refresh_from_db()
    cache.delete(_progress_key(job.pk))

    ctx = JobContext(job)
    kind = get_job_kind(job.kind)
    try:
        with change_context(user=job.owner, source=ChangeSource.JOB):
            if kind.atomic:
                with transaction.atomic():
                    result = kind.handler(ctx)
                    # the outcome commits with the results, or neither does
                    _finish(job, JobStatus.SUCCEEDED, from_statuses=(JobStatus.RUNNING,),
                            result=result, progress=100, message=_("Done."))
            else:
                result = kind.handler(ctx)
                _finish(job, JobStatus.SUCCEEDED, from_statuses=(JobStatus.RUNNING,),
                        result=result, progress=100, message=_("Done."))
    except JobCancelled:
        _finish(job, JobStatus.CANCELLED, from_statuses=(JobStatus.RUNNING,),
                message=_("Cancelled; nothing was written."))
    except Exception as exc:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        progress, _msg = job_live_state(job)
        _finish(job, JobStatus.FAILED, from_statuses=(JobStatus.RUNNING,),
                error=f"{type(exc).__name__}: {exc}", progress=progress,
                message=_("Failed; nothing was written."))


def _finish(job: JobRun, status: str, *, from_statuses, result=None, error: str = "",
            progress=None, message: str = "") -> bool:
    """Move the job to ``status`` if it is still in one of ``from_statuses``."""
    now = timezone.now()
    fields = {"status": status, "result": result, "error": error, "message": message,
              "finished": now, "heartbeat": now}
    if progress is not None:
        fields["progress"] = progress
    if status == JobStatus.CANCELLED:
        fields["cancel_requested"] = True
    updated = JobRun.objects.filter(pk=job.pk, status__in=from_statuses).update(**fields)
    if updated:
        for key, value in fields.items():
            setattr(job, key, value)
        cache.delete(_progress_key(job.pk))
        cache.delete(_cancel_key(job.pk))
    return bool(updated)


def job_cancel(*, job: JobRun, user) -> JobRun:
    """Cancel a queued job at once; ask a running one to stop at its next progress report.

    The request reaches a running handler through the cache, without writing the row: on
    SQLite the running job holds the database's write lock until it ends.
    """
    cache.set(_cancel_key(job.pk), True, timeout=7 * 24 * 3600)
    current = JobRun.objects.get(pk=job.pk)
    if current.status == JobStatus.QUEUED and _finish(
            current, JobStatus.CANCELLED, from_statuses=(JobStatus.QUEUED,),
            message=_("Cancelled before it started.")):
        return current
    current.refresh_from_db()
    if current.is_finished:
        cache.delete(_cancel_key(job.pk))
        raise ValidationError(_("This job has already finished."))
    return current  # running: the handler raises JobCancelled at its next report


def job_retry(*, job: JobRun, user) -> JobRun:
    """Run a failed or cancelled job again (same row, one more attempt)."""
    get_job_kind(job.kind)  # the kind must still exist
    cache.delete(_cancel_key(job.pk))
    updated = JobRun.objects.filter(
        pk=job.pk, status__in=(JobStatus.FAILED, JobStatus.CANCELLED)
    ).update(status=JobStatus.QUEUED, progress=0, message="", error="", result=None,
             cancel_requested=False, finished=None, task_id="")
    if not updated:
        raise ValidationError(_("Only a failed or cancelled job can be retried."))
    job.refresh_from_db()
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
        beat = _last_beat(job)
        if beat is not None and beat >= cutoff:
            continue
        progress = job_live_state(job)[0]
        stale_row = JobRun.objects.filter(pk=job.pk, status=JobStatus.RUNNING,
                                          heartbeat=job.heartbeat)
        # re-check the live heartbeat right before the compare-and-set
        beat = _last_beat(job)
        if beat is not None and beat >= cutoff:
            continue
        if stale_row.update(
                status=JobStatus.FAILED, progress=progress, message=_("Worker lost."),
                error=_("The worker stopped while running this job (no heartbeat since "
                        "%(time)s). Nothing it wrote was kept; retry it.")
                % {"time": beat.isoformat() if beat else "-"},
                finished=now):
            cache.delete(_progress_key(job.pk))
            reaped += 1
    return reaped


def job_warm_up() -> threading.Thread | None:
    """Start, in one daemon thread, the ``warm_up`` of every job kind that has one (a
    worker calls this when it starts); None when no kind has one. A failed warm-up is
    logged and costs nothing else: the job then loads what it needs itself."""
    hooks = [kind for kind in job_kinds() if kind.warm_up is not None]
    if not hooks:
        return None

    def run() -> None:
        for kind in hooks:
            started = time.monotonic()
            try:
                kind.warm_up()
            except Exception:
                logger.exception("warm-up of job kind %s failed", kind.name)
            else:
                logger.info("job kind %s warmed up in %.1f s", kind.name,
                            time.monotonic() - started)

    thread = threading.Thread(target=run, name="jinxiu-warm-up", daemon=True)
    thread.start()
    return thread
