"""Small builders for tests. Regions are created by hand here (a handful of real GB/T 2260
codes), so unit tests do not depend on the npm data package being built."""

from __future__ import annotations

import itertools

from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.core.models import Membership, Organization, Region, User
from jinxiu.apps.core.models.changelog import ChangeSource

_seq = itertools.count(1)

REGIONS = [
    ("350000", "福建省", 1, None),
    ("350500", "泉州市", 2, "350000"),
    ("350581", "石狮市", 3, "350500"),
    ("350582", "晋江市", 3, "350500"),
    ("330000", "浙江省", 1, None),
    ("330300", "温州市", 2, "330000"),
    ("330302", "鹿城区", 3, "330300"),
]


def make_regions() -> dict[str, Region]:
    made: dict[str, Region] = {}
    for code, name, level, parent in REGIONS:
        parent_obj = made.get(parent) if parent else None
        full = (parent_obj.full_name if parent_obj else "") + name
        made[code], _ = Region.objects.get_or_create(
            code=code, defaults={"name": name, "level": level, "parent": parent_obj,
                                 "full_name": full})
    return made


def region(code: str) -> Region:
    if not Region.objects.filter(code=code).exists():
        make_regions()
    return Region.objects.get(code=code)


def make_org(name: str | None = None, *, kind: str = "enterprise", region_code: str = "350581",
             **extra) -> Organization:
    with change_context(user=None, source=ChangeSource.SYSTEM):
        return Organization.objects.create(
            name=name or f"测试企业{next(_seq)}", kind=kind, region=region(region_code), **extra
        )


def make_user(username: str | None = None, *, memberships=(), password: str = "pw-Test-12345",
              **extra) -> User:
    user = User.objects.create_user(username=username or f"user{next(_seq)}",
                                    password=password, **extra)
    with change_context(user=None, source=ChangeSource.SYSTEM):
        for item in memberships:
            org, role = item[0], item[1]
            statistician = item[2] if len(item) > 2 else False
            Membership.objects.create(user=user, organization=org, role=role,
                                      is_statistician=statistician)
    return user
