import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.core.demo import demo_load, demo_logins
from jinxiu.apps.core.jobs.services import job_enqueue
from jinxiu.apps.core.models import JobRun, Region, User
from jinxiu.apps.core.models.changelog import ChangeSource
from jinxiu.apps.core.regions import region_load


def system_user() -> User:
    """The owner of jobs started from the command line."""
    user, created = User.objects.get_or_create(
        username="jinxiu-system",
        defaults={"display_name": "Jinxiu system", "is_active": False, "is_superuser": True},
    )
    if created:
        user.set_unusable_password()
        user.save()
    return user


class Command(BaseCommand):
    help = "Load the synthetic demo data set (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["load", "logins"])
        parser.add_argument("--job", action="store_true",
                            help="run it as a background job through the configured task backend")
        parser.add_argument("--wait", action="store_true", help="with --job: wait for it to end")
        parser.add_argument("--timeout", type=float, default=300.0)

    def handle(self, *args, action, job=False, wait=False, timeout=300.0, **options):
        if action == "logins":
            for username, password, who in demo_logins():
                self.stdout.write(f"{username:10} {password:18} {who}")
            return
        if not Region.objects.exists():
            self.stdout.write("Loading regions first ...")
            region_load()
        if not job:
            with change_context(user=None, source=ChangeSource.CLI), transaction.atomic():
                state = demo_load(progress=lambda p, m: self.stdout.write(f"  {p:5.1f}%  {m}"))
            self.stdout.write(self.style.SUCCESS(
                f"Demo data loaded: {len(state.organizations)} organizations, "
                f"{len(state.users)} users."))
            return
        with transaction.atomic():
            run = job_enqueue(kind="core.demo_load", user=system_user())
        self.stdout.write(f"Job #{run.pk} queued.")
        if not wait:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            run = JobRun.objects.get(pk=run.pk)
            if run.is_finished:
                break
            time.sleep(0.5)
        else:
            raise CommandError(f"Job #{run.pk} did not finish within {timeout:.0f} s "
                               f"(status {run.status}); is a worker running?")
        if run.status != "succeeded":
            raise CommandError(f"Job #{run.pk} {run.status}: {run.error}")
        self.stdout.write(self.style.SUCCESS(f"Job #{run.pk} succeeded: {run.result}"))
