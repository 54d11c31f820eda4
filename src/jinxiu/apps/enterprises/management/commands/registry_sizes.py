"""``jinxiu registry_sizes``: compute and store every enterprise's size class and 规上 status
from its yearly indicators (a backfill; saves and imports keep them in step afterwards)."""

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.core.models.changelog import ChangeSource
from jinxiu.apps.enterprises.models import Enterprise
from jinxiu.apps.enterprises.services import size_assessments_refresh


class Command(BaseCommand):
    help = ("Recompute the stored size class (大/中/小/微) and 规上 status of every enterprise, "
            "or of one region and below, from its yearly indicators.")

    def add_arguments(self, parser):
        parser.add_argument("--region", default="",
                            help="region code prefix, e.g. 350581 (default: all)")

    def handle(self, *args, region, **options):
        started = time.perf_counter()
        enterprises = Enterprise._base_manager.all()
        if region:
            enterprises = enterprises.filter(organization__region__code__startswith=region)
        ids = list(enterprises.values_list("organization_id", flat=True))

        def progress(done, total):
            self.stdout.write(f"{done}/{total}")

        with change_context(user=None, source=ChangeSource.CLI), transaction.atomic():
            stats = size_assessments_refresh(organization_ids=ids, progress=progress)
        self.stdout.write(", ".join(f"{k} {v}" for k, v in stats.items())
                          + f" ({time.perf_counter() - started:.1f} s)")
