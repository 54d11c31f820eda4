from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackingConfig(AppConfig):
    name = "jinxiu.apps.tracking"
    label = "tracking"
    verbose_name = _("Shop-floor tracking")

    def ready(self) -> None:
        from jinxiu.apps.core.navigation import MenuItem, register_menu_item
        from jinxiu.apps.tracking import demo, rebalance  # noqa: F401  (demo step, job kind)

        for order, label, url, icon in [
            (64, _("Line boards"), "tracking:boards", "display"),
            (64, _("Production orders"), "tracking:productionorder_list", "clipboard-check"),
            (65, _("Bundles"), "tracking:bundle_list", "upc-scan"),
            (66, _("Floor devices"), "tracking:device_list", "broadcast"),
            (67, _("Floor events"), "tracking:floorevent_list", "activity"),
            (68, _("Attendance"), "tracking:attendance_list", "calendar-check"),
            (69, _("Piece rates"), "tracking:piecerate_list", "currency-yen"),
            (70, _("Operator figures"), "tracking:figures", "speedometer2"),
            (71, _("Piece-rate pay"), "tracking:pay", "cash-coin"),
            (72, _("Floor accounts"), "tracking:flooraccount_list", "person-badge"),
        ]:
            register_menu_item(MenuItem("production", label, url, icon,
                                        kinds=("enterprise",), order=order))
        register_menu_item(MenuItem("production", _("Shared floor figures"), "tracking:shared",
                                    "bar-chart-line", kinds=("bureau", "association"),
                                    order=73))
