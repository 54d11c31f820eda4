from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductionConfig(AppConfig):
    name = "jinxiu.apps.production"
    label = "production"
    verbose_name = _("Production lines")

    def ready(self) -> None:
        from jinxiu.apps.core.navigation import MenuItem, register_menu_item
        from jinxiu.apps.production import demo, jobs  # noqa: F401  (demo step, job kinds)

        for order, label, url, icon in [
            (60, _("Styles and bulletins"), "production:style_list", "list-ol"),
            (61, _("Lines"), "production:line_list", "diagram-3"),
            (62, _("Operators"), "production:operator_list", "people"),
            (63, _("Balancing plans"), "production:balanceplan_list", "bar-chart-steps"),
        ]:
            register_menu_item(MenuItem("production", label, url, icon,
                                        kinds=("enterprise",), order=order))
