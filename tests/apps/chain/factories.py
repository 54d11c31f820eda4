import itertools
from decimal import Decimal

from jinxiu.apps.chain.models import ChainBenchmark, ChainNode, EnterpriseLink
from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.enterprises.models import Enterprise

_seq = itertools.count(1)


def root() -> ChainNode:
    with change_context(user=None, source="system"):
        node, _ = ChainNode.objects.get_or_create(code="tafc", defaults={"name": "纺织服装鞋业"})
        return node


def make_node(organization=None, *, code=None, parent=None, **extra) -> ChainNode:
    with change_context(user=None, source="system"):
        node = ChainNode(code=code or f"node_{next(_seq)}", name=extra.pop("name", "测试节点"),
                         parent=parent or root(), organization=organization,
                         region=organization.region if organization else None, **extra)
        node.full_clean()
        node.save()
        return node


def enterprise_of(org, **extra) -> Enterprise:
    from tests.apps.enterprises.factories import make_enterprise

    existing = Enterprise.objects.filter(organization=org).first()
    return existing or make_enterprise(org, **extra)


def make_link(enterprise, node, **extra) -> EnterpriseLink:
    with change_context(user=None, source="system"):
        return EnterpriseLink.objects.create(enterprise=enterprise, node=node, **extra)


def make_benchmark(organization, **extra) -> ChainBenchmark:
    with change_context(user=None, source="system"):
        values = {"name": f"参照{next(_seq)}", "region": organization.region, "year": 2025,
                  "local_total_output": Decimal("1000"), "reference_name": "参照省",
                  "reference_total_output": Decimal("100000"), "source": "测试年鉴",
                  **extra}
        benchmark = ChainBenchmark(organization=organization, **values)
        benchmark.full_clean()
        benchmark.save()
        return benchmark


def make_project(organization, **extra):
    from jinxiu.apps.chain.models import KeyProject

    with change_context(user=None, source="system"):
        values = {"code": f"P{next(_seq):03d}", "name": "测试项目", "region":
                  organization.region, **extra}
        project = KeyProject(organization=organization, **values)
        project.full_clean()
        project.save()
        return project


def make_platform(organization, **extra):
    from jinxiu.apps.chain.models import Platform

    with change_context(user=None, source="system"):
        values = {"name": f"测试平台{next(_seq)}", "kind": "testing", "level": "provincial",
                  "owner_name": "测试研究院", "region": organization.region, **extra}
        platform = Platform(organization=organization, **values)
        platform.full_clean()
        platform.save()
        return platform
