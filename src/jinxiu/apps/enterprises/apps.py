from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "jinxiu.apps.enterprises"
    label = "enterprises"
    verbose_name = _("Enterprise registry")

    def ready(self) -> None:
        from jinxiu.apps.core.navigation import MenuItem, register_menu_item
        from jinxiu.apps.enterprises import demo, jobs, signals  # noqa: F401  (registrations)

        signals.connect_indicator_signals()
        post_migrate.connect(_ensure_fulltext, sender=self,
                             dispatch_uid="enterprises_ensure_fulltext")

        register_menu_item(MenuItem("registry", _("Enterprises"), "enterprises:enterprise_list",
                                    "buildings", order=20))
        register_menu_item(MenuItem("registry", _("Yearly indicators"),
                                    "enterprises:yearlyindicator_list", "graph-up", order=21))
        register_menu_item(MenuItem("registry", _("Import"), "enterprises:import_start",
                                    "upload", order=22))


def _ensure_fulltext(sender, using="default", **kwargs) -> None:
    """SQLite drops the FTS triggers whenever a migration rebuilds the registry table; make
    them (and the index) again. Nothing to do when they are there."""
    from django.db import connections

    from jinxiu.apps.enterprises.fulltext import install

    install(connections[using])
