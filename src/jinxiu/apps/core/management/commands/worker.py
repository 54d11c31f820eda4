from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from jinxiu.apps.core.jobs.services import job_reap_stale, job_warm_up


class Command(BaseCommand):
    help = "Run a background worker for the configured task backend (db or rq)."

    def handle(self, *args, **options):
        reaped = job_reap_stale()
        if reaped:
            self.stdout.write(f"{reaped} job(s) whose worker was lost marked failed.")
        warm = job_warm_up()
        if warm is not None:
            self.stdout.write("Loading the engines in the background "
                              "(the first start on a machine compiles them: about a minute).")
        backend = settings.TASK_BACKEND
        if backend == "db":
            call_command("db_worker", "--interval", "0.5")
        elif backend == "rq":
            call_command("rqworker", "default", job_class="django_tasks_rq.backend.Job")
        else:
            raise CommandError(f"The {backend!r} task backend runs tasks in-process; no worker.")
