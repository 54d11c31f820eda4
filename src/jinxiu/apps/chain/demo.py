"""The chain atlas in the demo cluster. SYNTHETIC: the reference figures are invented."""

from __future__ import annotations

from decimal import Decimal

from jinxiu.apps.core.demo import DemoState, demo_step

# after every step that adds enterprises, so that the links cover them all
ORDER = 90


@demo_step(ORDER, "chain atlas")
def _chain(state: DemoState) -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Max

    from jinxiu.apps.chain.models import ChainBenchmark, ChainNode, EnterpriseLink
    from jinxiu.apps.chain.services import links_rebuild, taxonomy_load
    from jinxiu.apps.core.models import ObjectPermission, Organization
    from jinxiu.apps.enterprises.models import Enterprise, YearlyIndicator

    taxonomy_load()
    bureau = next((o for o in state.organizations.values()
                   if o.kind == Organization.Kind.BUREAU and o.region is not None), None)
    if bureau is not None:
        if not ChainNode.objects.filter(code="shishi_casual_jacket").exists():
            node = ChainNode(code="shishi_casual_jacket", name="休闲夹克（示例 地方特色节点）",
                             name_en="Casual jackets (demo local node)",
                             parent=ChainNode.objects.get(code="woven_apparel"),
                             keywords=["休闲夹克", "夹克"], products=["休闲夹克", "茄克"],
                             source="示例数据：地方扩展节点（虚构）", organization=bureau,
                             region=bureau.region)
            node.full_clean()
            node.save()
        year = YearlyIndicator.objects.aggregate(y=Max("year"))["y"]
        if year and not ChainBenchmark.objects.filter(region=bureau.region, year=year).exists():
            ChainBenchmark.objects.create(
                organization=bureau, name="示例参照（虚构数字）", region=bureau.region,
                year=year, local_total_output=Decimal("9800000"),
                reference_name="示例省（虚构）", reference_total_output=Decimal("600000000"),
                node_outputs={"knit_fabric": 2400000, "fabric_dyeing": 3100000,
                              "apparel": 9000000, "shoes": 4200000},
                source="示例数据：数字为虚构，仅供演示区位熵计算")
        bureau_users = [u for u in state.users.values()
                        if u.memberships.filter(organization=bureau).exists()]
        perm, _created = ObjectPermission.objects.get_or_create(
            name="【示例】链长办：确认本地企业的产业链归属",
            defaults={"actions": ["view", "change"],
                      "constraints": {"enterprise__organization__region__code__startswith":
                                      bureau.region.prefix}})
        perm.object_types.add(ContentType.objects.get_for_model(EnterpriseLink))
        for user in bureau_users:
            perm.users.add(user)
        _projects(bureau)
    links_rebuild(enterprises=Enterprise.objects.select_related("organization__region"))


# (number, name, node, kind, status, planned total, {year: (planned, completed)},
#  [(milestone, planned date, actual date)]) — invented
PROJECTS = [
    ("SS-2025-01", "【示例】智能针织生产线技改项目", "knit_fabric", "upgrade", "building", 8600,
     {"2025": (3000, 2400), "2026": (5600, None)},
     [("设备招标", "2025-04-30", "2025-05-12"), ("设备安装", "2025-10-31", None),
      ("试产", "2026-06-30", None)]),
    ("SS-2025-02", "【示例】印染废水集中处理提升项目", "fabric_dyeing", "upgrade", "signed", 4200,
     {"2025": (1200, 800)},
     [("环评批复", "2025-06-30", "2025-07-20"), ("开工", "2025-09-30", None)]),
    ("SS-2026-01", "【示例】鞋材新材料招商项目", "soles", "investment", "planned", 30000,
     {"2026": (10000, None)}, [("签约", "2026-12-31", None)]),
]


def _projects(bureau) -> None:
    import datetime as dt

    from jinxiu.apps.chain.models import ChainNode, KeyProject, Milestone

    for code, name, node, kind, status, total, years, milestones in PROJECTS:
        if KeyProject.objects.filter(organization=bureau, code=code).exists():
            continue
        project = KeyProject(
            organization=bureau, code=code, name=name, node=ChainNode.objects.get(code=node),
            region=bureau.region, kind=kind, status=status, planned_investment=Decimal(total),
            investments={y: {k: v for k, v in zip(("planned", "completed"), amounts,
                                                  strict=True) if v is not None}
                         for y, amounts in years.items()},
            officer="王科长（示例）", note="示例数据（虚构）")
        project.full_clean()
        project.save()
        for title, planned, actual in milestones:
            Milestone.objects.create(project=project, name=title,
                                     planned_date=dt.date.fromisoformat(planned),
                                     actual_date=dt.date.fromisoformat(actual) if actual
                                     else None)
