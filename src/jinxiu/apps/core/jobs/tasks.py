"""The one task every job runs through; it fetches the JobRun by id."""

from django_tasks import task


@task()
def run_job(job_id: int) -> None:
    from jinxiu.apps.core.jobs.services import job_execute

    job_execute(job_id=job_id)
