from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CuttingConfig(AppConfig):
    name = "jinxiu.apps.cutting"
    label = "cutting"
    verbose_name = _("Cutting room")

    def ready(self) -> None:
        from jinxiu.apps.core.navigation import MenuItem, register_menu_item
        from jinxiu.apps.cutting import demo, jobs  # noqa: F401  (demo step, job kinds)

        for order, label, url, icon in [
            (70, _("Patterns"), "cutting:pattern_list", "vector-pen"),
            (71, _("Cut orders"), "cutting:cutorder_list", "scissors"),
            (72, _("Markers"), "cutting:marker_list", "grid-1x2"),
        ]:
            register_menu_item(MenuItem("cutting", label, url, icon,
                                        kinds=("enterprise",), order=order))
