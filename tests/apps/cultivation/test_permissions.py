"""Permission matrices of the cultivation models.

Rule sets are public documents kept by bureaus. Tier records, verdicts and applications are
the enterprise's own: it sees them, and the bureau / association of its region reaches them as
reviewers; an enterprise never grants itself a title nor edits a verdict."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType

from jinxiu.apps.core.models import DataShare, ObjectPermission
from jinxiu.apps.cultivation.models import (
    Application,
    Evaluation,
    EvaluationRun,
    RuleSetRevision,
    TierRecord,
)
from tests.apps.cultivation.factories import (
    make_application,
    make_evaluation,
    make_record,
    make_run,
    shipped,
)
from tests.helpers.factories import make_org, make_regions, make_user
from tests.helpers.matrix import PermissionMatrix


def _world(model, kind: str, make_object):
    make_regions()
    owner_org = make_org("甲单位", kind=kind, region_code="350581")
    other_org = make_org("乙单位", kind=kind, region_code="330302")
    ctx = {
        "owner_org": owner_org, "other_org": other_org,
        "obj": make_object(owner_org), "other_obj": make_object(other_org),
        "admin": make_user("owner_admin", memberships=[(owner_org, "admin")]),
        "viewer": make_user("owner_viewer", memberships=[(owner_org, "viewer")]),
        "stranger": make_user("stranger", memberships=[(other_org, "admin")]),
        "constrained": make_user("constrained"),
    }
    perm = ObjectPermission.objects.create(
        name="view+change in 石狮", actions=["view", "change"],
        constraints={"organization__region__code__startswith": "350581"})
    perm.object_types.add(ContentType.objects.get_for_model(model))
    perm.users.add(ctx["constrained"])
    return ctx


class TestRuleSetRevisionPermissions(PermissionMatrix):
    """Public: every signed-in user reads rule sets; the keeping bureau changes its copies."""

    model = RuleSetRevision
    public = True
    url_base = "cultivation:rulesetrevision"
    api_base = "rulesetrevision"

    @pytest.fixture
    def world(self, db):
        return _world(self.model, "bureau", self.make_object)

    def make_object(self, organization):
        source = shipped("above_scale")
        revision = RuleSetRevision(organization=organization, code="above_scale",
                                   text=source.text, revision=RuleSetRevision.objects.filter(
                                       organization=organization).count() + 1)
        revision.full_clean()
        revision.save()
        return revision

    def form_data(self, organization):
        return {"organization": organization.pk, "code": "above_scale",
                "text": shipped("above_scale").text, "note": "本局副本"}

    def changed_field(self):
        return "note", "已复核"

    def export_marker(self, obj):
        return obj.organization.name


class _Reviewed:
    """Matrix tests where the owner's administrator is not the one who writes: a bureau
    officer of the owner's region is."""

    def reviewer(self, world):
        bureau = make_org("石狮工信局", kind="bureau", region_code="350581")
        return make_user("bureau_officer", memberships=[(bureau, "officer")])


class TestTierRecordPermissions(_Reviewed, PermissionMatrix):
    model = TierRecord
    url_base = "cultivation:tierrecord"
    api_base = "tierrecord"

    def make_object(self, organization):
        return make_record(organization, granted=dt.date(2024, 1, 1) + dt.timedelta(
            days=TierRecord.objects.count()))

    def form_data(self, organization):
        return {"organization": organization.pk, "tier": "zjtx", "granted_on": "2025-11-28",
                "expires_on": "2028-11-27", "certificate_no": "ZJTX-9"}

    def changed_field(self):
        return "certificate_no", "ZJTX-10"

    def export_marker(self, obj):
        return obj.organization.name

    def test_owner_admin_can_view_change_export(self, client, world):
        obj, user = world["obj"], world["admin"]
        before = self.snapshot(obj)
        client.force_login(user)
        assert client.get(self.url("detail", obj)).status_code == 200
        self.assert_in_export(client, obj, present=True)
        # an enterprise does not grant itself a title
        assert client.post(self.url("edit", obj), self.form_data(world["owner_org"])
                           ).status_code == 403
        field, value = self.changed_field()
        assert self.api_for(user).patch(self.api_url(obj), {field: value},
                                        format="json").status_code == 403
        assert self.snapshot(obj) == before
        # the bureau of its region does
        officer = self.reviewer(world)
        client.force_login(officer)
        response = client.post(self.url("edit", obj), self.form_data(world["owner_org"]))
        assert response.status_code == 302
        obj.refresh_from_db()
        assert obj.certificate_no == "ZJTX-9"
        assert self.api_for(officer).patch(self.api_url(obj), {field: value},
                                           format="json").status_code == 200
        assert client.get(self.url("detail", world["other_obj"])).status_code == 404

    def test_owner_admin_can_delete(self, client, world):
        obj = world["obj"]
        client.force_login(world["admin"])
        assert client.post(self.url("delete", obj)).status_code == 403
        officer = self.reviewer(world)
        client.force_login(officer)
        assert client.post(self.url("delete", obj)).status_code == 302
        assert not TierRecord.objects.filter(pk=obj.pk).exists()
        assert self.api_for(officer).delete(self.api_url(world["other_obj"])).status_code == 404

    def test_owner_admin_can_add_only_for_own_organization(self, client, world):
        client.force_login(world["admin"])
        count = TierRecord.objects.count()
        assert client.post(self.url("add"), self.form_data(world["owner_org"])
                           ).status_code == 403
        officer = self.reviewer(world)
        client.force_login(officer)
        assert client.post(self.url("add"), self.form_data(world["owner_org"])
                           ).status_code == 302
        response = client.post(self.url("add"), self.form_data(world["other_org"]))
        assert response.status_code == 400 and "organization" in response.context["form"].errors
        response = self.api_for(officer).post(self.api_url(),
                                              self.form_data(world["other_org"]), format="json")
        assert response.status_code == 400 and "organization" in response.json()
        assert TierRecord.objects.count() == count + 1


class TestEvaluationRunPermissions(PermissionMatrix):
    """A bureau's own runs: its members see and run them; nobody else."""

    model = EvaluationRun
    url_base = "cultivation:evaluationrun"
    api_base = "evaluationrun"

    @pytest.fixture
    def world(self, db):
        return _world(self.model, "bureau", self.make_object)

    def make_object(self, organization):
        run = make_run(organization)
        run.note = f"测算#{run.pk}"
        run.save()
        return run

    def form_data(self, organization):
        return {"organization": organization.pk, "ruleset": shipped("above_scale").pk,
                "assessed_on": "2026-06-30", "note": "2026 年度测算"}

    def changed_field(self):
        return "note", "复核"

    def export_marker(self, obj):
        return obj.note


class TestEvaluationPermissions(_Reviewed, PermissionMatrix):
    """Verdicts: the enterprise and the reviewers of its region read them; nobody edits."""

    model = Evaluation
    url_base = "cultivation:evaluation"
    api_base = "evaluation"
    has_delete = False
    has_add = False

    def make_object(self, organization):
        bureau = make_org(kind="bureau", region_code="350581")
        return make_evaluation(organization, make_run(bureau), "does_not_qualify",
                               changes=[{"fact": "rd_expense", "year": 2025}], change_count=1)

    def changed_field(self):
        return "status", "qualifies"

    def export_marker(self, obj):
        return obj.organization.name

    def test_anonymous_is_sent_to_login_and_changes_nothing(self, client, world):
        for url in [self.url("list"), self.url("detail", world["obj"])]:
            response = client.get(url)
            assert response.status_code == 302 and "/login/" in response["Location"]
        assert self.api_for(None).get(self.api_url()).status_code in (401, 403)

    def test_stranger_cannot_see_or_change(self, client, world):
        obj = world["obj"]
        client.force_login(world["stranger"])
        listing = client.get(self.url("list"))
        assert obj.pk not in {r.record.pk for r in listing.context["table"].page.object_list}
        assert client.get(self.url("detail", obj)).status_code == 404
        api = self.api_for(world["stranger"])
        assert obj.pk not in {r["id"] for r in api.get(self.api_url()).json()["results"]}
        assert api.get(self.api_url(obj)).status_code == 404

    def test_owner_admin_can_view_change_export(self, client, world):
        obj = world["obj"]
        before = self.snapshot(obj)
        client.force_login(world["admin"])
        page = client.get(self.url("detail", obj))
        assert page.status_code == 200 and 'data-status="does_not_qualify"' in \
            page.content.decode()
        self.assert_in_export(client, obj, present=True)
        api = self.api_for(world["admin"])
        assert api.get(self.api_url(obj)).status_code == 200
        assert api.patch(self.api_url(obj), {"status": "qualifies"},
                         format="json").status_code == 405
        assert self.snapshot(obj) == before
        # the bureau of the region reads it, the bureau of another region does not
        client.force_login(self.reviewer(world))
        assert client.get(self.url("detail", obj)).status_code == 200
        assert client.get(self.url("detail", world["other_obj"])).status_code == 404

    def test_viewer_sees_but_cannot_change(self, client, world):
        client.force_login(world["viewer"])
        assert client.get(self.url("detail", world["obj"])).status_code == 200
        assert client.get(self.url("list") + "?export=xlsx").status_code == 403

    def test_constrained_permission_reaches_only_matching_rows(self, client, world):
        client.force_login(world["constrained"])
        assert client.get(self.url("detail", world["obj"])).status_code == 200
        assert client.get(self.url("detail", world["other_obj"])).status_code == 404

    def test_share_lets_the_grantee_view_until_revoked(self, client, world):
        from django.utils import timezone

        share = DataShare.objects.create(organization=world["owner_org"],
                                         grantee=world["other_org"], categories=["financial"])
        client.force_login(world["stranger"])
        assert client.get(self.url("detail", world["obj"])).status_code == 200
        share.revoked_at = timezone.now()
        share.save()
        user = type(world["stranger"]).objects.get(pk=world["stranger"].pk)
        client.force_login(user)
        assert client.get(self.url("detail", world["obj"])).status_code == 404


class TestApplicationPermissions(PermissionMatrix):
    model = Application
    url_base = "cultivation:application"
    api_base = "application"

    def make_object(self, organization):
        return make_application(organization)

    def form_data(self, organization):
        return {"organization": organization.pk, "tier": "innovative_sme",
                "assessed_on": "2026-06-30", "note": "申报说明"}

    def changed_field(self):
        return "note", "补充说明"

    def export_marker(self, obj):
        return obj.organization.name
