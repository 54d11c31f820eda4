"""The demo cluster: loads twice without change, and different people see different data."""

from pathlib import Path

import pytest

from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.core.demo import demo_load, demo_logins
from jinxiu.apps.core.models import ObjectChange, Organization, User
from jinxiu.apps.documents.models import Document

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    from jinxiu.apps.core.regions import region_load

    if not (Path(settings.JINXIU_REGION_DATA_DIR) / "areas.json").exists():
        pytest.skip("region data not built (run make assets)")
    region_load()
    with change_context(user=None, source="cli"):
        demo_load()
    return {u.username: u for u in User.objects.all()}


def titles(user):
    return sorted(Document.objects.restrict(user, "view").values_list("title", flat=True))


def test_loading_twice_changes_nothing(demo):
    before = ObjectChange.objects.count()
    with change_context(user=None, source="cli"):
        demo_load()
    assert ObjectChange.objects.count() == before


def test_every_demo_organization_is_marked_synthetic(demo):
    assert not Organization.objects.filter(is_synthetic=False).exists()
    assert all(o.name.startswith("【示例】") for o in Organization.objects.all())


def test_bureau_officer_and_enterprise_user_see_different_data(demo):
    bureau, knit, shoe = demo["bureau"], demo["knit"], demo["shoe"]
    assert titles(knit) == ["2025 年度审计报告（示例）", "ISO 9001 质量管理体系认证证书（示例）",
                            "营业执照（示例）"]
    assert titles(shoe) == ["营业执照（示例）", "高新技术企业证书（示例）"]
    # the bureau sees only what 华彩印染 shared with it for graded management
    assert titles(bureau) == ["排污许可证（示例）", "清洁生产审核报告（示例）"]
    # the association sees what 锦程针织 shared with it
    assert len(titles(demo["assoc"])) == 3
    # everybody sees the public registry
    for user in (bureau, knit, shoe):
        assert Organization.objects.restrict(user, "view").count() == 6


def test_demo_logins_are_listed_for_the_banner(demo):
    logins = demo_logins()
    assert ("bureau", "jinxiu-demo-2026", "王科长（工信局）") in logins
    for username, password, _who in logins:
        assert User.objects.get(username=username).check_password(password)
