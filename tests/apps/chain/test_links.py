"""Re-linking keeps people's decisions; the job re-links the registry with progress."""

from django.urls import reverse

from jinxiu.apps.chain.models import EnterpriseLink
from jinxiu.apps.chain.services import links_rebuild
from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.core.models import JobRun
from jinxiu.apps.enterprises.models import Enterprise


def _links(enterprise):
    return {link.node.code: (link.grade, link.decision)
            for link in EnterpriseLink.objects.filter(enterprise=enterprise)
            .select_related("node")}


def test_rerun_keeps_confirmed_and_rejected_links(cluster, client):
    firm = cluster["firms"]["针织甲"]
    weak = EnterpriseLink.objects.get(enterprise=firm, node__code="woven_fabric")
    strong = EnterpriseLink.objects.get(enterprise=firm, node__code="knit_fabric")
    client.force_login(cluster["admin"])
    for link, decision in ((weak, "confirmed"), (strong, "rejected")):
        response = client.post(reverse("chain:enterpriselink_decide", args=[link.pk]),
                               {"decision": decision})
        assert response.status_code == 302
    # the firm's scope and code change: the linker no longer finds either node; the save
    # itself re-links the firm, and a later full re-run finds nothing more to do
    with change_context(user=None, source="system"):
        firm.business_scope, firm.main_industry = "床上用品制造", "1771"
        firm.save()
    assert _links(firm) == {"woven_fabric": ("weak", "confirmed"),
                            "knit_fabric": ("strong", "rejected"),
                            "home_textiles": ("strong", "auto")}
    with change_context(user=None, source="system"):
        stats = links_rebuild(enterprises=Enterprise.objects.filter(pk=firm.pk)
                              .select_related("organization__region"))
    assert (stats["created"], stats["removed"], stats["kept_decisions"]) == (0, 0, 2)
    confirmed = EnterpriseLink.objects.get(enterprise=firm, node__code="woven_fabric")
    assert confirmed.decided_by == cluster["admin"] and confirmed.counted
    assert not EnterpriseLink.objects.get(enterprise=firm, node__code="knit_fabric").counted
    # an automatic link the linker no longer finds goes
    with change_context(user=None, source="system"):
        firm.business_scope, firm.main_industry = "", ""
        firm.save()
    assert set(_links(firm)) == {"woven_fabric", "knit_fabric"}


def test_a_save_that_leaves_the_linking_inputs_alone_does_not_relink(cluster):
    firm = Enterprise.objects.get(pk=cluster["firms"]["针织乙"].pk)
    link = EnterpriseLink.objects.get(enterprise=firm, node__code="knit_fabric")
    EnterpriseLink._base_manager.filter(pk=link.pk).update(grade="weak")  # stale evidence
    with change_context(user=None, source="system"):
        firm.address, firm.tags = "石狮市宝盖镇", ["leader"]
        firm.save()
    link.refresh_from_db()
    assert link.grade == "weak"
    with change_context(user=None, source="system"):
        firm.secondary_industries = ["1713"]
        firm.save()
    link.refresh_from_db()
    assert link.grade == "strong"
    assert _links(firm) == {"knit_fabric": ("strong", "auto"), "fabric_dyeing": ("medium", "auto")}


def test_a_form_edit_of_the_industry_code_moves_the_firm_on_the_atlas(cluster, client):
    firm = cluster["firms"]["印染丁"]
    assert _links(firm) == {"fabric_dyeing": ("strong", "auto")}
    client.force_login(cluster["admin"])
    response = client.post(reverse("enterprises:enterprise_edit", args=[firm.pk]), {
        "organization": firm.organization_id, "status": "active", "main_industry": "1761",
        "secondary_industries": "", "former_names": ""})
    assert response.status_code == 302, response.context["form"].errors
    assert _links(firm) == {"knit_fabric": ("strong", "auto")}


def test_unknown_decision_changes_nothing(cluster, client):
    link = EnterpriseLink.objects.filter(decision="auto").first()
    client.force_login(cluster["admin"])
    client.post(reverse("chain:enterpriselink_decide", args=[link.pk]), {"decision": "maybe"})
    link.refresh_from_db()
    assert link.decision == "auto" and link.decided_by is None


def test_decision_by_someone_who_may_only_view_is_refused(cluster, client):
    link = EnterpriseLink.objects.filter(decision="auto").first()
    client.force_login(cluster["stranger"])
    response = client.post(reverse("chain:enterpriselink_decide", args=[link.pk]),
                           {"decision": "rejected"})
    assert response.status_code == 403
    link.refresh_from_db()
    assert link.decision == "auto"


def test_relink_job_for_administrators_only(cluster, client,
                                            django_capture_on_commit_callbacks):
    EnterpriseLink.objects.all().delete()
    client.force_login(cluster["statistician"])
    assert client.post(reverse("chain:relink")).status_code == 403
    assert not JobRun.objects.exists()
    client.force_login(cluster["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("chain:relink"))
    assert response.status_code == 302
    job = JobRun.objects.get(kind="chain.relink")
    assert job.status == "succeeded", job.error
    assert job.result["enterprises"] == 7 and job.result["created"] == 8
    assert EnterpriseLink.objects.count() == 8


def test_taxonomy_command_is_idempotent(db):
    from django.core.management import call_command

    from jinxiu.apps.chain.models import ChainNode

    call_command("chain", "load")
    count = ChainNode.objects.count()
    call_command("chain", "load")
    assert ChainNode.objects.count() == count == 56
    assert ChainNode.objects.get(code="knit_sportswear").path == \
        "tafc/end_products/apparel/knit_apparel/knit_sportswear"
    assert ChainNode.objects.get(code="knit_sportswear").level == 5


def test_api_decision_records_who_and_a_manual_link_is_confirmed(cluster):
    from rest_framework.test import APIClient

    from jinxiu.apps.chain.models import ChainNode

    api = APIClient()
    api.force_authenticate(cluster["admin"])
    link = EnterpriseLink.objects.filter(decision="auto").first()
    response = api.patch(reverse("enterpriselink-detail", args=[link.pk]),
                         {"decision": "rejected"}, format="json")
    assert response.status_code == 200
    link.refresh_from_db()
    assert (link.decision, link.decided_by) == ("rejected", cluster["admin"])
    firm = cluster["firms"]["印染丁"]
    node = ChainNode.objects.get(code="dyes_auxiliaries")
    response = api.post(reverse("enterpriselink-list"),
                        {"enterprise": firm.pk, "node": node.pk, "grade": "medium"},
                        format="json")
    assert response.status_code == 201, response.json()
    made = EnterpriseLink.objects.get(pk=response.json()["id"])
    assert (made.decision, made.reasons) == ("confirmed", [{"kind": "manual", "value": ""}])
