"""``jinxiu cultivation remind --within 90``: mark the tier titles whose expiry or review date
falls within N days as reminded (run it daily from cron or a scheduler), and list them;
``jinxiu cultivation sync-rules``: copy changed shipped rule-set files in as new revisions."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


class Command(BaseCommand):
    help = "Tiered cultivation: expiry reminders and shipped rule sets."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        remind = sub.add_parser("remind", help="mark titles expiring soon as reminded")
        remind.add_argument("--within", type=int, default=90, help="days ahead (default 90)")
        remind.add_argument("--on", help="today's date, YYYY-MM-DD (default: today)")
        sub.add_parser("sync-rules", help="copy changed shipped rule sets in as revisions")

    def handle(self, *args, action, **options):
        from jinxiu.apps.cultivation.services import ruleset_sync_shipped, tierrecord_remind

        if action == "sync-rules":
            created = ruleset_sync_shipped()
            for revision in created:
                self.stdout.write(f"{revision.code} r{revision.revision}")
            self.stdout.write(f"{len(created)} new revisions")
            return
        try:
            on = dt.date.fromisoformat(options["on"]) if options.get("on") \
                else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--on: {exc}") from exc
        if options["within"] < 0:
            raise CommandError("--within must be 0 or more days")
        reminded = tierrecord_remind(on=on, within_days=options["within"])
        for record in reminded:
            self.stdout.write(f"{record.expires_on}\t{record.organization.name}\t"
                              f"{record.tier}\t{record.certificate_no}")
        self.stdout.write(f"{len(reminded)} reminders")
