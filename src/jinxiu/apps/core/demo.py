"""The demo cluster (synthetic): organizations, people, shares and each app's sample data.

Apps add their own sample data with :func:`demo_step`; the steps run in order inside the
``core.demo_load`` job (one transaction) and are idempotent, so loading twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.utils import timezone

DEMO_FILE = Path(__file__).parent / "data" / "demo.yaml"


@dataclass
class DemoState:
    """What earlier steps created, for later steps to build on."""

    spec: dict
    organizations: dict  # key -> Organization
    users: dict  # username -> User


_STEPS: list[tuple[int, str, Callable[[DemoState], None]]] = []


def demo_step(order: int, label: str):
    def register(fn):
        if all(existing is not fn for _o, _l, existing in _STEPS):
            _STEPS.append((order, label, fn))
            _STEPS.sort(key=lambda s: s[0])
        return fn

    return register


def demo_spec() -> dict:
    return yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, password, who) for the README and the start-up banner."""
    spec = demo_spec()
    return [(u["username"], spec["password"], u["display_name"]) for u in spec["users"]]


def demo_load(*, progress: Callable[[float, str], None] | None = None) -> DemoState:
    """Create or update the whole demo data set. Call inside a transaction and change context."""
    from jinxiu.apps.core.models import Region

    if not Region.objects.exists():
        raise RuntimeError("Regions are not loaded: run `jinxiu regions load` first")
    state = DemoState(spec=demo_spec(), organizations={}, users={})
    total = len(_STEPS)
    for index, (_order, label, step) in enumerate(_STEPS):
        if progress:
            progress(100 * index / total, label)
        step(state)
    return state


@demo_step(10, "organizations")
def _organizations(state: DemoState) -> None:
    from jinxiu.apps.core.models import Organization, Region

    for item in state.spec["organizations"]:
        org = Organization.objects.filter(name=item["name"]).first() or Organization(
            name=item["name"]
        )
        org.short_name = item.get("short_name", "")
        org.kind = item["kind"]
        org.region = Region.objects.get(code=item["region"])
        org.is_synthetic = True
        org.description = "示例数据（虚构）。Synthetic demo data: this organization does not exist."
        org.save()
        state.organizations[item["key"]] = org


@demo_step(20, "people")
def _people(state: DemoState) -> None:
    from jinxiu.apps.core.models import Membership, User

    password = state.spec["password"]
    for item in state.spec["users"]:
        user = User.objects.filter(username=item["username"]).first()
        if user is None:
            user = User(username=item["username"])
            user.set_password(password)
        user.display_name = item["display_name"]
        user.is_superuser = user.is_staff = bool(item.get("superuser"))
        user.save()
        state.users[user.username] = user
        for m in item["memberships"]:
            org = state.organizations[m["org"]]
            membership = Membership.objects.filter(user=user, organization=org).first()
            membership = membership or Membership(user=user, organization=org)
            membership.role = m["role"]
            membership.is_statistician = bool(m.get("statistician"))
            membership.save()


@demo_step(30, "shares and policies")
def _shares(state: DemoState) -> None:
    from jinxiu.apps.core.models import DataShare, StatisticsPolicy

    for item in state.spec["shares"]:
        org, grantee = state.organizations[item["org"]], state.organizations[item["grantee"]]
        share = DataShare.objects.filter(organization=org, grantee=grantee).first()
        share = share or DataShare(organization=org, grantee=grantee)
        share.categories = item["categories"]
        share.purpose = item.get("purpose", "")
        if share.pk is None:
            share.expires_at = timezone.now() + dt.timedelta(days=item["days"])
        share.save()
    for item in state.spec["statistics_policies"]:
        bureau = state.organizations[item["bureau"]]
        policy = StatisticsPolicy.objects.filter(bureau=bureau, basis=item["basis"]).first()
        policy = policy or StatisticsPolicy(bureau=bureau, basis=item["basis"])
        policy.categories = item["categories"]
        policy.valid_from = dt.date.fromisoformat(item["valid_from"])
        policy.save()
