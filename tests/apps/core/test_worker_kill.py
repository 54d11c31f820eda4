"""A worker process killed mid-job: nothing half-written, the job is reaped, a retry completes."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

import tests.helpers.slow_job  # noqa: F401  (the job kind, in this process too)
from jinxiu.apps.core.jobs.services import job_enqueue, job_live_state, job_reap_stale, job_retry
from jinxiu.apps.core.models import JobRun
from jinxiu.apps.documents.models import Document
from tests.helpers.factories import make_org, make_user

REPO = Path(__file__).resolve().parents[3]


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    if connection.vendor == "postgresql":
        auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
        return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    pytest.skip(f"no worker test for {connection.vendor}")


@pytest.mark.slow
def test_killed_worker_leaves_no_half_written_results(transactional_db, settings, tmp_path):
    if connection.vendor == "sqlite" and ":memory:" in str(connection.settings_dict["NAME"]):
        pytest.skip("needs a file database shared with the worker process")
    cache_dir = tmp_path / "cache"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(cache_dir)}}
    from tests.helpers.factories import make_regions

    make_regions()
    org = make_org()
    owner = make_user()
    job = job_enqueue(kind="tests.slow_writer", user=owner,
                      params={"org": org.pk, "steps": 40, "sleep": 0.25})

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.helpers.worker_settings",
           "JINXIU_DATABASE_URL": _database_url(), "JINXIU_TEST_CACHE_DIR": str(cache_dir),
           "PYTHONPATH": str(REPO)}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115
    worker = subprocess.Popen([sys.executable, "-m", "jinxiu.cli", "worker"], env=env, cwd=REPO,
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        progress = 0
        while time.monotonic() < deadline and progress < 20:
            time.sleep(0.3)
            job.refresh_from_db()
            progress, _message = job_live_state(job)
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()
        assert progress >= 20, f"the job did not get going: {job.status} {progress}"
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
        log.close()

    job.refresh_from_db()
    assert job.status == "running"  # the worker died without a word
    assert Document.objects.count() == 0  # its writes were never committed

    settings.JINXIU_JOB_STALE_SECONDS = 0
    assert job_reap_stale() == 1
    job.refresh_from_db()
    assert job.status == "failed" and job.error

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    job.params = {**job.params, "sleep": 0.0}
    job.save()
    job_retry(job=job, user=owner)  # autocommit: runs at once on the immediate backend
    job.refresh_from_db()
    assert (job.status, job.attempts, job.result) == ("succeeded", 2, {"written": 40})
    assert Document.objects.filter(organization=org).count() == 40
    assert JobRun.objects.count() == 1


def test_cancel_reaches_a_running_job_without_waiting_for_it(transactional_db, settings, tmp_path):
    """On SQLite the running job holds the write lock; cancelling must not wait for it."""
    import threading

    from django.db import connections

    from jinxiu.apps.core.jobs.services import job_cancel, job_execute

    settings.CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(tmp_path / "cache")}}
    from tests.helpers.factories import make_regions

    make_regions()
    org, owner = make_org(), make_user()
    job = JobRun.objects.create(kind="tests.slow_writer", owner=owner,
                                params={"org": org.pk, "steps": 12, "sleep": 0.3})

    def run():
        try:
            job_execute(job_id=job.pk)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + 30
    while JobRun.objects.get(pk=job.pk).status != "running" and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.8)
    started = time.monotonic()
    job_cancel(job=JobRun.objects.get(pk=job.pk), user=owner)
    waited = time.monotonic() - started
    thread.join(timeout=60)
    job.refresh_from_db()
    assert waited < 1.0, f"cancel waited {waited:.1f} s for the running job"
    assert job.status == "cancelled"
    assert Document.objects.count() == 0
