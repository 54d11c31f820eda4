from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChainConfig(AppConfig):
    name = "jinxiu.apps.chain"
    label = "chain"
    verbose_name = _("Industry chain atlas")

    def ready(self) -> None:
        from jinxiu.apps.chain import atlas_cache, demo, jobs, receivers  # noqa: F401  (registrations)
        from jinxiu.apps.core.navigation import (
            GROUPS,
            HomeTile,
            MenuItem,
            register_home_tile,
            register_menu_item,
        )

        GROUPS.setdefault("chain", _("Industry chain"))

        for order, label, url, icon in [
            (30, _("Chain atlas"), "chain:atlas", "diagram-3"),
            (31, _("Gap analysis"), "chain:gaps", "exclamation-diamond"),
            (32, _("Investment targets"), "chain:candidates", "bullseye"),
            (33, _("Chain links"), "chain:enterpriselink_list", "link-45deg"),
            (34, _("Chain nodes"), "chain:chainnode_list", "list-nested"),
            (35, _("Reference figures"), "chain:chainbenchmark_list", "bar-chart"),
            (36, _("Key projects"), "chain:keyproject_list", "kanban"),
            (37, _("Overdue milestones"), "chain:overdue", "alarm"),
            (38, _("Investment roll-up"), "chain:rollup", "bar-chart-line"),
            (39, _("Key platforms"), "chain:platform_list", "building-gear"),
        ]:
            register_menu_item(MenuItem("chain", label, url, icon, order=order))
        register_home_tile(HomeTile(_("Overdue milestones"), "chain:overdue", _overdue_count,
                                    icon="alarm", alert=True, order=30))


def _overdue_count(request):
    """Overdue milestones of the key projects the user may see (hidden when none may be)."""
    from jinxiu.apps.chain.ledger import overdue_milestones
    from jinxiu.apps.chain.models import KeyProject
    from jinxiu.apps.core.permissions import permission_q

    if permission_q(request.user, KeyProject, "view") is None:
        return None
    return len(overdue_milestones(user=request.user))
