"""restrict(): memberships by role, shares, statistics policies, object permissions."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.core.models import (
    DataShare,
    Membership,
    ObjectPermission,
    Organization,
    StatisticsPolicy,
)
from jinxiu.apps.core.permissions import organizations_for, user_can
from jinxiu.apps.documents.models import Document
from tests.helpers.factories import make_org, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def cluster(regions):
    with change_context(user=None, source="system"):
        bureau = make_org("石狮工信局", kind="bureau", region_code="350581")
        city_bureau = make_org("泉州工信局", kind="bureau", region_code="350500")
        shishi = make_org("石狮企业", region_code="350581")
        jinjiang = make_org("晋江企业", region_code="350582")
        wenzhou = make_org("温州企业", region_code="330302")
        docs = {
            org.pk: Document.objects.create(organization=org, title=f"{org.name}文件")
            for org in (shishi, jinjiang, wenzhou)
        }
    return {"bureau": bureau, "city_bureau": city_bureau, "shishi": shishi,
            "jinjiang": jinjiang, "wenzhou": wenzhou, "docs": docs}


def visible_titles(user, action="view"):
    return sorted(Document.objects.restrict(user, action).values_list("title", flat=True))


def test_anonymous_and_inactive_users_see_nothing(cluster):
    assert visible_titles(AnonymousUser()) == []
    assert not Organization.objects.restrict(AnonymousUser(), "view").exists()
    user = make_user(memberships=[(cluster["shishi"], "admin")], is_active=False)
    assert visible_titles(user) == []


def test_superuser_sees_everything(cluster):
    user = make_user(is_superuser=True)
    assert len(visible_titles(user)) == 3
    assert len(visible_titles(user, "delete")) == 3


@pytest.mark.parametrize(("role", "actions"), [
    ("admin", {"view", "add", "change", "delete"}),
    ("officer", {"view", "add", "change", "delete"}),
    ("member", {"view", "add", "change"}),
    ("viewer", {"view"}),
])
def test_role_decides_actions_on_own_data(cluster, role, actions):
    user = make_user(memberships=[(cluster["shishi"], role)])
    for action in ("view", "add", "change", "delete"):
        expected = ["石狮企业文件"] if action in actions else []
        assert visible_titles(user, action) == expected, action


def test_public_registry_facts_are_visible_to_every_signed_in_user(cluster):
    user = make_user(memberships=[(cluster["wenzhou"], "viewer")])
    assert Organization.objects.restrict(user, "view").count() == 5
    # ... but only an organization's own administrators change it
    assert list(Organization.objects.restrict(user, "change")) == []
    admin = make_user(memberships=[(cluster["wenzhou"], "admin")])
    assert list(Organization.objects.restrict(admin, "change")) == [cluster["wenzhou"]]
    assert list(Organization.objects.restrict(admin, "add")) == []


def test_share_grants_view_of_its_categories_until_expiry(cluster):
    assoc = make_org("协会", kind="association")
    clerk = make_user(memberships=[(assoc, "officer")])
    assert visible_titles(clerk) == []
    share = DataShare.objects.create(organization=cluster["shishi"], grantee=assoc,
                                     categories=["financial"])
    assert visible_titles(make_user_again(clerk)) == []  # wrong category
    share.categories = ["documents"]
    share.save()
    clerk = make_user_again(clerk)
    assert visible_titles(clerk) == ["石狮企业文件"]
    assert visible_titles(clerk, "change") == []  # a share never grants writing
    share.expires_at = timezone.now() - dt.timedelta(seconds=1)
    share.save()
    assert visible_titles(make_user_again(clerk)) == []


def make_user_again(user):
    """The same person in a new request (permissions are cached per request)."""
    return type(user).objects.get(pk=user.pk)


def test_statistics_policy_covers_the_bureau_region_subtree_for_statisticians(cluster):
    StatisticsPolicy.objects.create(bureau=cluster["city_bureau"], categories=["documents"],
                                    basis="统计法", valid_from=dt.date(2020, 1, 1))
    statistician = make_user(memberships=[(cluster["city_bureau"], "officer", True)])
    officer = make_user(memberships=[(cluster["city_bureau"], "officer", False)])
    # 泉州 (350500) covers 石狮 (350581) and 晋江 (350582), not 温州
    assert visible_titles(statistician) == ["晋江企业文件", "石狮企业文件"]
    assert visible_titles(statistician, "change") == []
    assert visible_titles(officer) == []  # no statistics role


def test_statistics_policy_outside_its_dates_or_categories_grants_nothing(cluster):
    policy = StatisticsPolicy.objects.create(
        bureau=cluster["bureau"], categories=["documents"], basis="统计法",
        valid_from=dt.date.today() + dt.timedelta(days=1))
    user = make_user(memberships=[(cluster["bureau"], "officer", True)])
    assert visible_titles(user) == []
    policy.valid_from = dt.date(2020, 1, 1)
    policy.categories = ["financial"]
    policy.save()
    assert visible_titles(make_user_again(user)) == []
    policy.categories = ["documents"]
    policy.save()
    assert visible_titles(make_user_again(user)) == ["石狮企业文件"]


def test_object_permission_with_region_token_and_group(cluster):
    perm = ObjectPermission.objects.create(
        name="区域内文件", actions=["view"],
        constraints={"organization__region__in": "$regions"})
    perm.object_types.add(ContentType.objects.get_for_model(Document))
    group = Group.objects.create(name="市级统计")
    perm.groups.add(group)
    user = make_user(memberships=[(cluster["city_bureau"], "viewer")])
    assert visible_titles(user) == []
    user.groups.add(group)
    assert visible_titles(make_user_again(user)) == ["晋江企业文件", "石狮企业文件"]


def test_object_permission_constraint_list_is_ored_and_user_token(cluster):
    user = make_user()
    perm = ObjectPermission.objects.create(
        name="两家", actions=["view", "change"],
        constraints=[{"organization": cluster["wenzhou"].pk}, {"uploaded_by": "$user"}])
    perm.object_types.add(ContentType.objects.get_for_model(Document))
    perm.users.add(user)
    doc = cluster["docs"][cluster["jinjiang"].pk]
    with change_context(user=None, source="system"):
        doc.uploaded_by = user
        doc.save()
    assert visible_titles(user, "change") == ["晋江企业文件", "温州企业文件"]
    assert user_can(user, doc, "change") and not user_can(user, doc, "delete")


def test_disabled_object_permission_grants_nothing(cluster):
    user = make_user()
    perm = ObjectPermission.objects.create(name="all", actions=["view"], enabled=False)
    perm.object_types.add(ContentType.objects.get_for_model(Document))
    perm.users.add(user)
    assert visible_titles(user) == []


def test_memberships_and_shares_are_visible_to_their_organization_only(cluster):
    admin = make_user(memberships=[(cluster["shishi"], "admin")])
    member = make_user(memberships=[(cluster["shishi"], "member")])
    stranger = make_user(memberships=[(cluster["wenzhou"], "admin")])
    share = DataShare.objects.create(organization=cluster["shishi"], grantee=cluster["bureau"],
                                     categories=["documents"])
    assert Membership.objects.restrict(stranger, "view").filter(
        organization=cluster["shishi"]).count() == 0
    assert Membership.objects.restrict(member, "view").filter(
        organization=cluster["shishi"]).count() == 2
    assert not Membership.objects.restrict(member, "change").exists()
    assert Membership.objects.restrict(admin, "change").count() == 2
    assert list(DataShare.objects.restrict(admin, "change")) == [share]
    assert not DataShare.objects.restrict(member, "change").exists()
    assert not DataShare.objects.restrict(stranger, "view").exists()


def test_organizations_for_lists_where_the_user_may_act(cluster):
    user = make_user(memberships=[(cluster["shishi"], "member"), (cluster["wenzhou"], "viewer")])
    assert list(organizations_for(user, "add")) == [cluster["shishi"]]
    assert set(organizations_for(user, "view")) == {cluster["shishi"], cluster["wenzhou"]}
    assert not organizations_for(AnonymousUser(), "view").exists()


def test_permission_validation_messages():
    from django.core.exceptions import ValidationError

    perm = ObjectPermission(name="bad", actions=[], constraints="x")
    with pytest.raises(ValidationError) as exc:
        perm.clean()
    assert "actions" in exc.value.message_dict
    share = DataShare(categories=["secrets"])
    with pytest.raises(ValidationError) as exc:
        share.clean()
    assert "categories" in exc.value.message_dict
