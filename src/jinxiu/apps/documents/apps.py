from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "jinxiu.apps.documents"
    label = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        from jinxiu.apps.core.navigation import MenuItem, register_menu_item
        from jinxiu.apps.documents import demo  # noqa: F401  (demo data step)

        register_menu_item(MenuItem("data", _("Documents"), "documents:document_list",
                                    "file-earmark-text", order=50))
