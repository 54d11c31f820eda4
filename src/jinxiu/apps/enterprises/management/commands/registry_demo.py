"""``jinxiu registry_demo``: load the synthetic demo cluster (示例数据) into the registry."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.core.models import Region
from jinxiu.apps.core.models.changelog import ChangeSource
from jinxiu.apps.enterprises.synthetic import generate, load, profile


class Command(BaseCommand):
    help = ("Generate the synthetic demo cluster (deterministic; every name starts with "
            "【示例】) and load what is missing: enterprises, registry records, indicators.")

    def add_arguments(self, parser):
        spec = profile()
        parser.add_argument("--firms", type=int, default=spec["firms"])
        parser.add_argument("--seed", type=int, default=spec["seed"])
        parser.add_argument("--years", type=int, default=spec["years"])

    def handle(self, *args, firms, seed, years, **options):
        if not Region.objects.exists():
            raise CommandError("Regions are not loaded: run `jinxiu regions load` first.")
        if firms < 0 or years < 1:
            raise CommandError("--firms must be 0 or more and --years 1 or more.")
        started = time.perf_counter()
        specs = generate(firms=firms, seed=seed, years=years)
        generated = time.perf_counter()
        with change_context(user=None, source=ChangeSource.CLI), transaction.atomic():
            counts = load(specs)
        done = time.perf_counter()
        self.stdout.write(self.style.SUCCESS(
            f"Synthetic cluster (seed {seed}): {counts['firms']} firms; created "
            f"{counts['organizations']} organizations, {counts['records']} registry records, "
            f"{counts['indicators']} yearly indicators; {counts['skipped']} skipped (region "
            f"missing). Generated in {generated - started:.1f} s, written in "
            f"{done - generated:.1f} s."))
