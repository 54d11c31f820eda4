from django.core.management.base import BaseCommand, CommandError

from jinxiu.apps.core.changelog import change_context


class Command(BaseCommand):
    help = ("Chain atlas: `load` the shipped taxonomy (or a YAML file) into chain nodes; "
            "`relink` the registry's enterprises to the nodes (keeps people's decisions).")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["load", "relink"])
        parser.add_argument("--file", help="a taxonomy YAML file (default: the shipped one)")
        parser.add_argument("--region", help="relink only enterprises of this region code")

    def handle(self, *args, action, file=None, region=None, **options):
        from jinxiu.apps.chain.services import links_rebuild, taxonomy_load
        from jinxiu.apps.enterprises.models import Enterprise
        from jinxiu.engines.chain import TaxonomyError, read_taxonomy

        with change_context(user=None, source="cli"):
            if action == "load":
                try:
                    taxonomy = read_taxonomy(file) if file else None
                    stats = taxonomy_load(taxonomy=taxonomy)
                except (OSError, TaxonomyError) as exc:
                    raise CommandError(str(exc)) from exc
                self.stdout.write(self.style.SUCCESS(
                    f"{stats['nodes']} nodes: {stats['created']} created, "
                    f"{stats['updated']} updated."))
                return
            enterprises = Enterprise.objects.select_related("organization__region")
            if region:
                enterprises = enterprises.filter(
                    organization__region__code__startswith=region)
            stats = links_rebuild(enterprises=enterprises)
            self.stdout.write(self.style.SUCCESS(
                f"{stats['enterprises']} enterprises: {stats['created']} links created, "
                f"{stats['updated']} updated, {stats['removed']} removed, "
                f"{stats['kept_decisions']} decisions kept."))
