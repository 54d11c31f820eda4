from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackingConfig(AppConfig):
    name = "jinxiu.apps.tracking"
    label = "tracking"
    verbose_name = _("Shop-floor tracking")

    def ready(self) -> None:
        from jinxiu.apps.core.navigation import MenuItem, register_menu_item

        for order, label, url, icon in [
            (64, _("Production orders"), "tracking:productionorder_list", "clipboard-check"),
            (65, _("Bundles"), "tracking:bundle_list", "upc-scan"),
            (66, _("Floor devices"), "tracking:device_list", "broadcast"),
            (67, _("Floor events"), "tracking:floorevent_list", "activity"),
        ]:
            register_menu_item(MenuItem("production", label, url, icon,
                                        kinds=("enterprise",), order=order))
