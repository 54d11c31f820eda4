import datetime as dt

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from jinxiu.apps.core.jobs import services
from jinxiu.apps.core.jobs.registry import job_kind
from jinxiu.apps.core.jobs.services import (
    JobCancelled,
    JobContext,
    job_cancel,
    job_enqueue,
    job_execute,
    job_live_state,
    job_reap_stale,
    job_retry,
)
from jinxiu.apps.core.models import JobRun, Organization
from jinxiu.apps.documents.models import Document
from tests.helpers.factories import make_org, make_user

pytestmark = pytest.mark.django_db

SEEN: list[tuple[int, str]] = []


@job_kind("tests.steps", label="test: three steps")
def _steps(ctx):
    org = Organization.objects.get(pk=ctx.params["org"])
    for i in range(3):
        Document.objects.create(organization=org, title=f"step {i}")
        ctx.progress(30 * (i + 1), f"step {i}")
        SEEN.append(job_live_state(ctx.job))
        if ctx.params.get("fail_at") == i:
            raise ValueError(f"bad row {i}")
    return {"made": 3}


@job_kind("tests.superuser", label="test: superuser only", superuser_only=True)
def _super(ctx):
    return None


@pytest.fixture
def org(regions):
    return make_org()


@pytest.fixture
def owner():
    return make_user("owner")


def test_job_is_enqueued_only_after_commit(org, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = job_enqueue(kind="tests.steps", user=owner, params={"org": org.pk})
    assert len(callbacks) == 1
    job.refresh_from_db()
    assert job.status == "queued" and Document.objects.count() == 0
    callbacks[0]()  # the commit happens: the immediate backend runs it
    job.refresh_from_db()
    assert job.status == "succeeded" and job.task_id


def test_progress_is_visible_while_running_and_100_at_the_end(
        org, owner, django_capture_on_commit_callbacks):
    SEEN.clear()
    with django_capture_on_commit_callbacks(execute=True):
        job = job_enqueue(kind="tests.steps", user=owner, params={"org": org.pk})
    assert SEEN == [(30, "step 0"), (60, "step 1"), (90, "step 2")]
    job.refresh_from_db()
    assert (job.status, job.progress, job.result, job.attempts) == ("succeeded", 100,
                                                                   {"made": 3}, 1)
    assert Document.objects.count() == 3
    assert job.started <= job.finished


def test_failure_rolls_back_everything_and_records_the_error(
        org, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_enqueue(kind="tests.steps", user=owner, params={"org": org.pk, "fail_at": 1})
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error == "ValueError: bad row 1"
    assert job.progress == 60  # how far it got
    assert Document.objects.count() == 0  # nothing half-written


def test_retry_runs_the_same_job_again_and_is_idempotent(
        org, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_enqueue(kind="tests.steps", user=owner, params={"org": org.pk, "fail_at": 0})
    job.refresh_from_db()
    job.params = {"org": org.pk}  # the cause is fixed
    job.save()
    with django_capture_on_commit_callbacks(execute=True):
        job_retry(job=job, user=owner)
    job.refresh_from_db()
    assert (job.status, job.attempts, job.error) == ("succeeded", 2, "")
    assert Document.objects.count() == 3
    job_execute(job_id=job.pk)  # a resent task: finished jobs are left alone
    job.refresh_from_db()
    assert job.attempts == 2 and Document.objects.count() == 3
    with pytest.raises(ValidationError):
        job_retry(job=job, user=owner)  # a succeeded job is not retried


def test_a_killed_worker_leaves_a_reapable_job_and_no_results(org, owner, settings):
    """The worker died mid-job: its transaction never committed, the row still says running."""
    job = JobRun.objects.create(kind="tests.steps", owner=owner, params={"org": org.pk},
                                status="running", attempts=1,
                                heartbeat=timezone.now() - dt.timedelta(hours=2))
    job_execute(job_id=job.pk)  # the row is claimed but stale: a redelivered task may run it
    job.refresh_from_db()
    assert job.status == "succeeded"

    lost = JobRun.objects.create(kind="tests.steps", owner=owner, params={"org": org.pk},
                                 status="running", attempts=1,
                                 heartbeat=timezone.now() - dt.timedelta(hours=2))
    fresh = JobRun.objects.create(kind="tests.steps", owner=owner, params={"org": org.pk},
                                  status="running", attempts=1, heartbeat=timezone.now())
    with translation.override("en"):
        assert job_reap_stale() == 1
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert lost.status == "failed" and "worker stopped" in lost.error
    assert fresh.status == "running"
    job_execute(job_id=fresh.pk)  # another worker holds it: left alone
    fresh.refresh_from_db()
    assert fresh.attempts == 1


def test_cancel_a_queued_job_and_a_running_one(org, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        job = job_enqueue(kind="tests.steps", user=owner, params={"org": org.pk})
    job_cancel(job=job, user=owner)
    job.refresh_from_db()
    assert job.status == "cancelled"
    job_execute(job_id=job.pk)  # the queued task arrives later: nothing runs
    assert Document.objects.count() == 0

    running = JobRun.objects.create(kind="tests.steps", owner=owner, params={"org": org.pk},
                                    status="running", heartbeat=timezone.now())
    job_cancel(job=running, user=owner)
    ctx = JobContext(running)
    with pytest.raises(JobCancelled):
        ctx.progress(10, "x")
    cache.clear()


def test_superuser_only_kinds_refuse_others(owner):
    with pytest.raises(PermissionDenied):
        job_enqueue(kind="tests.superuser", user=owner)
    with pytest.raises(LookupError):
        job_enqueue(kind="no.such.kind", user=owner)


def test_job_pages_show_only_own_jobs_and_progress_fragment(client, org, owner):
    other = make_user("other")
    mine = JobRun.objects.create(kind="tests.steps", owner=owner, status="running",
                                 heartbeat=timezone.now())
    theirs = JobRun.objects.create(kind="tests.steps", owner=other)
    JobContext(mine).progress(42, "halfway")
    client.force_login(owner)
    fragment = client.get(f"/jobs/{mine.pk}/progress/")
    assert fragment.status_code == 200
    html = fragment.content.decode()
    assert 'data-progress="42"' in html and "halfway" in html and "hx-get" in html
    assert client.get(f"/jobs/{theirs.pk}/").status_code == 404
    assert client.get(f"/jobs/{theirs.pk}/progress/").status_code == 404
    assert client.post(f"/jobs/{theirs.pk}/cancel/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "queued"
    listing = client.get("/jobs/")
    assert [r.record.pk for r in listing.context["table"].page.object_list] == [mine.pk]
    cache.clear()


def test_demo_load_job_end_to_end(db, django_capture_on_commit_callbacks, settings):
    """The shipped job: load regions, then the demo data set through a job, twice."""
    from pathlib import Path

    from jinxiu.apps.core.regions import region_load

    if not (Path(settings.JINXIU_REGION_DATA_DIR) / "areas.json").exists():
        pytest.skip("region data not built (run make assets)")
    region_load()
    admin = make_user("root", is_superuser=True)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            job = job_enqueue(kind="core.demo_load", user=admin)
        job.refresh_from_db()
        assert job.status == "succeeded", job.error
        assert job.result == {"organizations": 6, "users": 6}
    assert Organization.objects.filter(is_synthetic=True).count() == 6
    assert Document.objects.count() == 7


# --- races (found in review): every status change is a compare-and-set ----------------------
STALE: dict = {}


@job_kind("tests.cancel_race", label="test: cancelled by a stale page while starting")
def _cancel_race(ctx):
    Document.objects.create(organization=Organization.objects.get(pk=ctx.params["org"]),
                            title="w")
    job_cancel(job=STALE["job"], user=ctx.user)  # the web request, holding a stale copy
    STALE["during"] = JobRun.objects.get(pk=ctx.job.pk).status
    ctx.progress(50, "x")
    return {}


def test_cancel_from_a_stale_copy_stops_the_started_job(org, owner):
    job = JobRun.objects.create(kind="tests.cancel_race", owner=owner, params={"org": org.pk})
    STALE["job"] = JobRun.objects.get(pk=job.pk)  # loaded while still queued
    job_execute(job_id=job.pk)
    job.refresh_from_db()
    assert STALE["during"] == "running"  # the row was not overwritten as "cancelled"
    assert job.status == "cancelled"  # the running handler saw the request
    assert Document.objects.count() == 0  # and its writes were rolled back
    cache.clear()


@job_kind("tests.noop", label="test: nothing")
def _noop(ctx):
    return {"ok": 1}


def test_reaper_does_not_overwrite_a_job_that_just_finished(owner, settings, monkeypatch):
    settings.JINXIU_JOB_STALE_SECONDS = 60
    started = timezone.now() - dt.timedelta(minutes=30)
    job = JobRun.objects.create(kind="tests.noop", owner=owner, status="running",
                                started=started, heartbeat=started)
    real_get = services.cache.get

    def finishes_meanwhile(key, *args, **kwargs):
        if key == services._progress_key(job.pk):
            services._finish(JobRun.objects.get(pk=job.pk), "succeeded",
                             from_statuses=("running",), result={"ok": 1}, progress=100)
        return real_get(key, *args, **kwargs)

    monkeypatch.setattr(services.cache, "get", finishes_meanwhile)
    assert services.job_reap_stale() == 0
    job.refresh_from_db()
    assert job.status == "succeeded"


def test_a_late_cancel_does_not_cancel_the_retry(owner, django_capture_on_commit_callbacks):
    job = JobRun.objects.create(kind="tests.noop", owner=owner, status="running",
                                heartbeat=timezone.now())
    stale = JobRun.objects.get(pk=job.pk)
    services._finish(job, "failed", from_statuses=("running",), error="boom")
    with pytest.raises(ValidationError):
        job_cancel(job=stale, user=owner)  # too late: it has finished
    with django_capture_on_commit_callbacks(execute=True):
        job_retry(job=job, user=owner)
    job.refresh_from_db()
    assert job.status == "succeeded"


def test_a_handler_cannot_swallow_a_cancel(org, owner, django_capture_on_commit_callbacks):
    assert not issubclass(JobCancelled, Exception)


# --- warm-up when a worker starts -------------------------------------------------------------
def test_a_starting_worker_warms_up_every_kind_that_asks_once_in_the_background(
        monkeypatch, caplog):
    from jinxiu.apps.core.jobs import registry

    calls = []

    def broken():
        calls.append("broken")
        raise RuntimeError("no compiler")

    kinds = {
        "tests.plain": registry.JobKind("tests.plain", "plain", lambda ctx: None),
        "tests.a": registry.JobKind("tests.a", "a", lambda ctx: None, warm_up=broken),
        "tests.b": registry.JobKind("tests.b", "b", lambda ctx: None,
                                    warm_up=lambda: calls.append("b")),
    }
    monkeypatch.setattr(registry, "_KINDS", kinds)
    thread = services.job_warm_up()
    thread.join(timeout=10)
    assert not thread.is_alive() and thread.daemon
    assert calls == ["broken", "b"]  # a failed warm-up does not stop the others
    assert "warm-up of job kind tests.a failed" in caplog.text

    monkeypatch.setattr(registry, "_KINDS", {"tests.plain": kinds["tests.plain"]})
    assert services.job_warm_up() is None


def test_the_balancing_job_kind_loads_the_line_balancing_engine():
    from jinxiu.apps.core.jobs.registry import get_job_kind
    from jinxiu.engines.linebal import cbfs

    kind = get_job_kind("production.balance")
    assert kind.warm_up is not None
    kind.warm_up()
    assert cbfs._warm is True


@job_kind("tests.words", label="test: fails with a translated message")
def _words(ctx):
    ctx.progress(10, translation.gettext("Balancing"))
    raise ValueError(translation.gettext("Failed; nothing was written."))


@pytest.mark.parametrize(("language", "error", "message"), [
    ("en", "ValueError: Failed; nothing was written.", "Failed; nothing was written."),
    ("zh-hans", "ValueError: 失败，未写入任何数据。", "失败，未写入任何数据。"),
])
def test_a_job_speaks_the_language_of_the_request_that_started_it(owner, language, error,
                                                                    message):
    with translation.override(language):
        job = job_enqueue(kind="tests.words", user=owner)
    assert job.language == language
    # the worker runs later, in a process whose language is the other one, and keeps it
    worker = "zh-hans" if language == "en" else "en"
    with translation.override(worker):
        job_execute(job_id=job.pk)
        assert translation.get_language() == worker
    job.refresh_from_db()
    assert (job.status, job.error, job.message) == ("failed", error, message)


def test_a_job_without_a_known_language_runs_in_the_default(owner, settings):
    job = job_enqueue(kind="tests.words", user=owner)
    JobRun.objects.filter(pk=job.pk).update(language="xx")  # not a language of the site
    with translation.override("en"):  # the worker's language is not the default
        job_execute(job_id=job.pk)
    job.refresh_from_db()
    assert job.error == "ValueError: 失败，未写入任何数据。"
