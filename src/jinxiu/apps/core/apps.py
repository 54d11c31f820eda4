from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "jinxiu.apps.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from jinxiu.apps.core import changelog, jobs  # noqa: F401  (signal receivers, job kinds)
