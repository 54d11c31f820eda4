from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_shipped(sender, **kwargs) -> None:
    from jinxiu.apps.cultivation.services import ruleset_sync_shipped

    ruleset_sync_shipped()


class CultivationConfig(AppConfig):
    name = "jinxiu.apps.cultivation"
    label = "cultivation"
    verbose_name = _("Tiered cultivation")

    def ready(self) -> None:
        from jinxiu.apps.core.navigation import MenuItem, register_menu_item
        from jinxiu.apps.cultivation import demo, jobs  # noqa: F401  (demo step, job kinds)

        post_migrate.connect(_sync_shipped, sender=self)
        for order, label, url, icon, kinds in [
            (30, _("Cultivation pipeline"), "cultivation:pipeline", "bar-chart-steps", None),
            (31, _("Tier records"), "cultivation:tierrecord_list", "award", None),
            (32, _("Tier applications"), "cultivation:application_list", "send-check", None),
            (33, _("Evaluation runs"), "cultivation:evaluationrun_list", "play-circle",
             ("bureau", "association")),
            (34, _("Rule sets"), "cultivation:rulesetrevision_list", "journal-check", None),
        ]:
            extra = {"kinds": kinds} if kinds else {}
            register_menu_item(MenuItem("registry", label, url, icon, order=order, **extra))
