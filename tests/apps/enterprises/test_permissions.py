import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from rest_framework.test import APIClient

from jinxiu.apps.core.models import ObjectPermission, StatisticsPolicy
from jinxiu.apps.enterprises.models import Enterprise, YearlyIndicator
from tests.apps.enterprises.factories import code_for, make_enterprise, make_indicator
from tests.helpers.factories import make_org, make_regions, make_user
from tests.helpers.html import page_text
from tests.helpers.matrix import PermissionMatrix


class TestEnterprisePermissions(PermissionMatrix):
    """Registry facts: every signed-in user reads them; the enterprise's admins and officers
    change them; no delete (a record ends with a status)."""

    model = Enterprise
    public = True
    url_base = "enterprises:enterprise"
    api_base = "enterprise"
    has_delete = False
    has_add = False  # one record per organization: the matrix's owner already has one

    @pytest.fixture
    def world(self, db):
        # as the base fixture, with the constraint on the organization's region (an
        # enterprise has no region of its own)
        make_regions()
        owner_org = make_org("甲企业", region_code="350581")
        other_org = make_org("乙企业", region_code="330302")
        ctx = {
            "owner_org": owner_org, "other_org": other_org,
            "obj": self.make_object(owner_org), "other_obj": self.make_object(other_org),
            "admin": make_user("owner_admin", memberships=[(owner_org, "admin")]),
            "viewer": make_user("owner_viewer", memberships=[(owner_org, "viewer")]),
            "stranger": make_user("stranger", memberships=[(other_org, "admin")]),
            "constrained": make_user("constrained"),
        }
        perm = ObjectPermission.objects.create(
            name="view+change in 石狮", actions=["view", "change"],
            constraints={"organization__region__code__startswith": "350581"})
        perm.object_types.add(ContentType.objects.get_for_model(self.model))
        perm.users.add(ctx["constrained"])
        return ctx

    def make_object(self, organization):
        return make_enterprise(organization, legal_representative="张三")

    def form_data(self, organization):
        return {"organization": organization.pk, "legal_representative": "李四",
                "status": "active", "main_industry": "1762", "secondary_industries": "1830",
                "former_names": "旧名一\n旧名二", "tags": ["zjtx"]}

    def changed_field(self):
        return "legal_representative", "王五"


def _indicator_count():
    return YearlyIndicator._base_manager.count()


class TestYearlyIndicatorPermissions(PermissionMatrix):
    model = YearlyIndicator
    url_base = "enterprises:yearlyindicator"
    api_base = "yearlyindicator"

    def make_object(self, organization):
        return make_indicator(organization, 2000 + _indicator_count(), revenue=1234, employees=50)

    def form_data(self, organization):
        return {"organization": organization.pk, "year": 2030, "operating_revenue": "2500.5",
                "employees": 120, "source": "self_reported"}

    def changed_field(self):
        return "employees", 130


def test_organization_admin_adds_the_registry_record_for_its_own_enterprise(client, db):
    org = make_org("丙企业")
    other = make_org("丁企业")
    admin = make_user(memberships=[(org, "admin")])
    client.force_login(admin)
    data = {"status": "active", "main_industry": "1951", "secondary_industries": "",
            "former_names": ""}
    response = client.post(reverse("enterprises:enterprise_add"),
                           {**data, "organization": other.pk})
    assert response.status_code == 400 and not Enterprise.objects.exists()
    response = client.post(reverse("enterprises:enterprise_add"),
                           {**data, "organization": org.pk})
    assert response.status_code == 302
    assert Enterprise.objects.get().organization == org


@pytest.fixture
def statistics_world(db):
    make_regions()
    firm = make_org("统计企业", region_code="350581",
                    credit_code="91350581MA2Y00001G")
    enterprise = make_enterprise(firm)
    make_indicator(firm, 2025, revenue=2500, employees=320)
    bureau = make_org("石狮工信局", kind="bureau", region_code="350581")
    far_bureau = make_org("鹿城工信局", kind="bureau", region_code="330302")
    for b in (bureau, far_bureau):
        StatisticsPolicy.objects.create(bureau=b, categories=["financial"], basis="统计法",
                                        valid_from=dt.date(2020, 1, 1))
    return {
        "enterprise": enterprise,
        "statistician": make_user(memberships=[(bureau, "officer", True)]),
        "far_statistician": make_user(memberships=[(far_bureau, "officer", True)]),
        "bureau_officer": make_user(memberships=[(bureau, "officer", False)]),
        "stranger": make_user(memberships=[(make_org("外企业"), "admin")]),
        "owner": make_user(memberships=[(firm, "viewer")]),
    }


def _detail(client, user, enterprise):
    client.force_login(user)
    response = client.get(enterprise.get_absolute_url())
    assert response.status_code == 200
    return response


def _api_indicator_ids(user):
    api = APIClient()
    api.force_authenticate(user)
    return [row["id"] for row in api.get(reverse("yearlyindicator-list")).json()["results"]]


def test_statistician_of_the_region_sees_indicators_and_size(client, statistics_world):
    w = statistics_world
    response = _detail(client, w["statistician"], w["enterprise"])
    assert len(response.context["indicators"]) == 1
    assert response.context["verdict"].size_class == "medium"
    assert response.context["verdict"].above_scale is True
    assert "2500" in response.content.decode()
    assert len(_api_indicator_ids(w["statistician"])) == 1


@pytest.mark.parametrize("who", ["far_statistician", "bureau_officer", "stranger"])
def test_others_see_the_enterprise_but_no_indicator_or_size(client, statistics_world, who):
    w = statistics_world
    response = _detail(client, w[who], w["enterprise"])
    body = page_text(response)
    assert response.context["indicators"] == []
    assert response.context["verdict"] is None
    assert "统计企业" in body or "统计企业" in str(response.context["object"])
    assert "2500" not in body and "320" not in body
    assert 'data-testid="size-class"><span class="text-muted">—' in body
    assert "中型" not in body
    assert _api_indicator_ids(w[who]) == []
    client.force_login(w[who])
    listing = client.get(reverse("enterprises:yearlyindicator_list"))
    assert list(listing.context["table"].page.object_list) == []


def test_owner_viewer_sees_the_size_class(client, statistics_world):
    w = statistics_world
    response = _detail(client, w["owner"], w["enterprise"])
    assert "中型" in response.content.decode() or "Medium" in response.content.decode()


def test_code_on_the_organization_is_checked_against_its_region(db):
    from django.core.exceptions import ValidationError

    make_regions()
    org = make_org("错码企业", region_code="330302")
    org.credit_code = code_for_region("350581")
    org.save()
    with pytest.raises(ValidationError) as err:
        make_enterprise(org)
    assert "350581" in str(err.value) and "330302" in str(err.value)


def code_for_region(region_code):
    from jinxiu.apps.core.uscc import make_code

    return make_code("91", region_code, "MA2Y0000")


def test_code_for_helper(db):
    org = make_org("助手企业", region_code="350582")
    assert code_for(org).startswith("91350582")
