from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "jinxiu.apps.enterprises"
    label = "enterprises"
    verbose_name = _("Enterprise registry")

    def ready(self) -> None:
        from jinxiu.apps.core.navigation import MenuItem, register_menu_item
        from jinxiu.apps.enterprises import demo, jobs, signals  # noqa: F401  (registrations)

        signals.connect_indicator_signals()

        register_menu_item(MenuItem("registry", _("Enterprises"), "enterprises:enterprise_list",
                                    "buildings", order=20))
        register_menu_item(MenuItem("registry", _("Yearly indicators"),
                                    "enterprises:yearlyindicator_list", "graph-up", order=21))
        register_menu_item(MenuItem("registry", _("Import"), "enterprises:import_start",
                                    "upload", order=22))
