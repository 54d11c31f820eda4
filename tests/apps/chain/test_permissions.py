import itertools

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from jinxiu.apps.chain.models import ChainBenchmark, ChainNode, EnterpriseLink, KeyProject, Platform
from jinxiu.apps.core.models import ObjectPermission
from tests.apps.chain.factories import (
    enterprise_of,
    make_benchmark,
    make_link,
    make_node,
    make_platform,
    make_project,
    root,
)
from tests.helpers.factories import make_org, make_regions, make_user
from tests.helpers.html import page_text
from tests.helpers.matrix import PermissionMatrix

_codes = itertools.count(1)


class TestChainNodePermissions(PermissionMatrix):
    """Nodes are public; a region's own node is changed by its organization's admins and
    officers; the shipped nodes (no organization) only by system administrators."""

    model = ChainNode
    public = True
    url_base = "chain:chainnode"
    api_base = "chainnode"

    def make_object(self, organization):
        return make_node(organization, name="地方节点")

    def form_data(self, organization):
        return {"organization": organization.pk, "parent": root().pk,
                "code": f"local_{next(_codes)}", "name": "地方特色", "source": "本地调研"}

    def changed_field(self):
        return "name", "新名称"


def test_shipped_nodes_are_changed_by_system_administrators_only(client, db):
    node = root()
    officer = make_user(memberships=[(make_org("工信局", kind="bureau"), "admin")])
    client.force_login(officer)
    assert client.get(node.get_absolute_url()).status_code == 200
    assert client.post(reverse("chain:chainnode_edit", args=[node.pk]),
                       {"name": "改名", "code": "tafc"}).status_code == 403
    node.refresh_from_db()
    assert node.name == "纺织服装鞋业"


class TestEnterpriseLinkPermissions(PermissionMatrix):
    """Links are public facts; the linked enterprise's admins and officers (and whoever an
    object permission names, e.g. the chain office for its region) confirm or reject them."""

    model = EnterpriseLink
    public = True
    url_base = "chain:enterpriselink"
    api_base = "enterpriselink"
    has_add = False  # covered below: a link's owner is its enterprise, not an organization field

    @pytest.fixture
    def world(self, db):
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
            name="链长办 石狮", actions=["view", "change"],
            constraints={"enterprise__organization__region__code__startswith": "350581"})
        perm.object_types.add(ContentType.objects.get_for_model(self.model))
        perm.users.add(ctx["constrained"])
        return ctx

    def make_object(self, organization):
        return make_link(enterprise_of(organization), make_node(), grade="medium",
                         reasons=[{"kind": "scope_keyword", "value": "针织"}])

    def form_data(self, organization):
        return {"grade": "strong", "decision": "confirmed", "note": "走访核实"}

    def changed_field(self):
        return "note", "人工核实"

    def export_marker(self, obj):
        return obj.enterprise.organization.name


def test_enterprise_admin_adds_a_link_for_its_own_enterprise_only(client, db):
    make_regions()
    own, other = make_org("丙企业"), make_org("丁企业", region_code="330302")
    mine, theirs = enterprise_of(own), enterprise_of(other)
    node = make_node()
    admin = make_user(memberships=[(own, "admin")])
    client.force_login(admin)
    url = reverse("chain:enterpriselink_add")
    response = client.post(url, {"enterprise": theirs.organization.name, "node": node.pk,
                                 "grade": "strong",
                                 "decision": "auto", "note": ""})
    assert response.status_code == 400 and not EnterpriseLink.objects.exists()
    response = client.post(url, {"enterprise": mine.organization.name, "node": node.pk,
                                 "grade": "strong",
                                 "decision": "auto", "note": "手工"})
    assert response.status_code == 302
    link = EnterpriseLink.objects.get()
    # a person's link is their decision, with who and when
    assert (link.decision, link.decided_by, link.reasons) == (
        "confirmed", admin, [{"kind": "manual", "value": ""}])


class TestChainBenchmarkPermissions(PermissionMatrix):
    model = ChainBenchmark
    public = True
    url_base = "chain:chainbenchmark"
    api_base = "chainbenchmark"

    def make_object(self, organization):
        return make_benchmark(organization)

    def form_data(self, organization):
        return {"organization": organization.pk, "name": "全省 2025", "region":
                organization.region.pk, "year": 2025, "local_total_output": "5000",
                "reference_name": "福建省", "reference_total_output": "900000",
                "node_outputs": "", "source": "福建统计年鉴 2026"}

    def api_data(self, organization):
        return {**self.form_data(organization), "node_outputs": {}}

    def changed_field(self):
        return "name", "全省 2024"

    def export_marker(self, obj):
        return obj.name


# --- privacy of the aggregates ---------------------------------------------------------------

def _gap_page(client, user):
    client.force_login(user)
    response = client.get(reverse("chain:gaps"), {"region": "350500", "year": "2025"})
    assert response.status_code == 200
    return {r["node"].code: r for r in response.context["rows"]}, page_text(response)


def test_figures_from_fewer_than_three_firms_are_withheld_from_others(client, cluster):
    rows, body = _gap_page(client, cluster["stranger"])
    dye = rows["fabric_dyeing"]  # one firm, 印染丁: 8000
    assert dye["suppressed"] and dye["output"] is None and dye["share"] is None
    assert dye["growth"] is None and "8000" not in body and "8,000" not in body
    assert rows["knit_fabric"]["output"] == 90000  # three firms: shown
    # the same on the map's county rows: 石狮 has two knitting firms, 晋江 one
    from jinxiu.apps.chain.selectors import atlas, distribution
    from jinxiu.apps.core.models import Region

    data = atlas(user=cluster["stranger"], region=Region.objects.get(code="350500"), year=2025)
    assert {r["region"].name: (r["firms"], r["output"], r["withheld"])
            for r in distribution(data, "knit_fabric")} == {
        "石狮市": (2, None, True), "晋江市": (1, None, True)}


def test_the_regions_statistician_sees_the_figures_of_its_own_firms(client, cluster):
    rows, _body = _gap_page(client, cluster["statistician"])
    # 印染丁 is in 石狮: the bureau's statistics policy covers it
    assert not rows["fabric_dyeing"]["suppressed"] and rows["fabric_dyeing"]["output"] == 8000
    from jinxiu.apps.chain.selectors import atlas, distribution
    from jinxiu.apps.core.models import Region

    data = atlas(user=cluster["statistician"], region=Region.objects.get(code="350500"),
                 year=2025)
    # 石狮's two firms are its own; 晋江's single firm is not
    assert {r["region"].name: (r["output"], r["withheld"])
            for r in distribution(data, "knit_fabric")} == {
        "石狮市": (80000.0, False), "晋江市": (None, True)}


class TestPlatformPermissions(PermissionMatrix):
    """Key platforms (重点平台) are published recognitions: public; the keeping organization's
    administrators and officers change its list."""

    model = Platform
    public = True
    url_base = "chain:platform"
    api_base = "platform"

    def make_object(self, organization):
        return make_platform(organization)

    def form_data(self, organization):
        return {"organization": organization.pk, "name": f"石狮检测中心{next(_codes)}",
                "kind": "testing", "level": "national", "owner_name": "石狮市纺织研究所",
                "region": organization.region.pk, "recognized_year": 2019}

    def changed_field(self):
        return "level", "municipal"

    def export_marker(self, obj):
        return obj.name


class TestKeyProjectPermissions(PermissionMatrix):
    """The ledger is the keeping organization's data (investment figures: category
    financial): its members, whom it shares with, and statisticians above it see it."""

    model = KeyProject
    url_base = "chain:keyproject"
    api_base = "keyproject"

    def make_object(self, organization):
        return make_project(organization, investments={"2025": {"planned": 100}})

    def form_data(self, organization):
        return {"organization": organization.pk, "code": f"X{next(_codes)}", "name": "新项目",
                "region": organization.region.pk, "kind": "new", "status": "planned",
                "investments": "2025, 1200, 800"}

    def api_data(self, organization):
        return {**self.form_data(organization),
                "investments": {"2025": {"planned": 1200, "completed": 800}}}

    def changed_field(self):
        return "name", "改名项目"

    def export_marker(self, obj):
        return obj.code
