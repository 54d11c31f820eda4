"""An application for a tier, from draft to approval, through the pages."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile

from jinxiu.apps.core.models import ObjectChange
from jinxiu.apps.cultivation.models import Application, TierRecord
from jinxiu.apps.enterprises.models import Enterprise
from tests.apps.cultivation.factories import shipped
from tests.apps.enterprises.factories import make_enterprise, make_indicator
from tests.helpers.factories import make_org, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(regions):
    firm = make_org("华彩印染", region_code="350581")
    make_enterprise(firm, main_industry="1713")
    for year, revenue in ((2024, 1880), (2025, 2120)):
        make_indicator(firm, year, revenue=revenue, employees=110, rd_expense=48)
    bureau = make_org("石狮工信局", kind="bureau", region_code="350581")
    association = make_org("石狮服装协会", kind="association", region_code="350581")
    far = make_org("鹿城工信局", kind="bureau", region_code="330302")
    shipped("innovative_sme")
    return {
        "firm": firm,
        "owner": make_user("dye_admin", memberships=[(firm, "admin")]),
        "officer": make_user("bureau_officer", memberships=[(bureau, "officer")]),
        "assoc": make_user("assoc_officer", memberships=[(association, "officer")]),
        "assoc_viewer": make_user("assoc_viewer", memberships=[(association, "viewer")]),
        "far": make_user("far_officer", memberships=[(far, "officer")]),
    }


def _draft(client, world) -> Application:
    client.force_login(world["owner"])
    response = client.post("/cultivation/applications/add/", {
        "organization": world["firm"].pk, "tier": "innovative_sme",
        "assessed_on": "2026-06-30", "note": "申报创新型中小企业"})
    assert response.status_code == 302, response.context["form"].errors
    return Application.objects.get()


def test_a_draft_uses_the_current_rule_set_and_asks_for_its_facts(client, world):
    application = _draft(client, world)
    assert application.ruleset == shipped("innovative_sme")
    assert application.status == "draft" and application.precheck_status == "cannot_tell"
    page = client.get(f"/cultivation/applications/{application.pk}/edit/").content.decode()
    assert 'name="f__is_sme"' in page and 'name="f__rd_expense__2025"' in page
    # what the registry holds shows as the field's hint
    assert 'placeholder="企业库：2120.0"' in page
    assert "hx-post" in page


def test_the_live_precheck_follows_the_form_and_saves_nothing(client, world):
    application = _draft(client, world)
    url = f"/cultivation/applications/{application.pk}/precheck/"
    response = client.post(url, {"f__rd_expense__2025": "abc"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200  # a bad field is left out, not a crash
    response = client.post(url, {"f__abnormal_operation_listed": "true"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'data-status="does_not_qualify"' in response.content.decode()
    application.refresh_from_db()
    assert application.facts == {} and application.precheck_status == "cannot_tell"


def test_attachments_are_type_checked_and_stored_as_the_firms_documents(client, world):
    application = _draft(client, world)
    url = f"/cultivation/applications/{application.pk}/edit/"
    data = {"assessed_on": "2026-06-30", "note": "x", "upload_title": "审计报告"}
    bad = SimpleUploadedFile("审计报告.exe", b"MZ\x90\x00")
    response = client.post(url, {**data, "upload": bad})
    assert response.status_code == 400 and "upload" in response.context["form"].errors
    assert not application.attachments.exists()
    pdf = SimpleUploadedFile("审计报告.pdf", b"%PDF-1.4\n%%EOF\n")
    assert client.post(url, {**data, "upload": pdf, "f__rd_expense__2025": "48"}
                       ).status_code == 302
    document = application.attachments.get()
    assert (document.title, document.organization) == ("审计报告", world["firm"])
    application.refresh_from_db()
    assert application.facts == {"rd_expense": {"2025": 48.0}}


def test_from_draft_through_return_to_approval(client, world):
    application = _draft(client, world)
    base = f"/cultivation/applications/{application.pk}/"
    # the enterprise submits; it can no longer edit
    assert client.post(base + "submit/").status_code == 302
    application.refresh_from_db()
    assert application.status == "submitted" and application.submitted_at is not None
    assert client.get(base + "edit/").status_code == 403
    # the enterprise cannot review itself; a bureau of another region does not see it
    client.post(base + "review/")
    application.refresh_from_db()
    assert application.status == "submitted"
    client.force_login(world["far"])
    assert client.get(base).status_code == 404
    # an association viewer sees it but may not review
    client.force_login(world["assoc_viewer"])
    assert client.get(base).status_code == 200
    client.post(base + "review/")
    application.refresh_from_db()
    assert application.status == "submitted"
    # the association of the region reviews and returns it with reasons
    client.force_login(world["assoc"])
    page = client.get(base).content.decode()
    assert 'id="start-review"' in page and 'id="attachments"' in page
    client.post(base + "review/")
    client.post(base + "return/", {"reasons": ""})
    application.refresh_from_db()
    assert application.status == "under_review"  # a return needs reasons
    client.post(base + "return/", {"reasons": "请补充近两年研发费用辅助账。"})
    application.refresh_from_db()
    assert (application.status, application.reasons) == ("returned", "请补充近两年研发费用辅助账。")
    # the enterprise corrects and submits again
    client.force_login(world["owner"])
    assert client.post(base + "edit/", {"assessed_on": "2026-06-30", "note": "已补充",
                                        "f__rd_expense__2024": "41"}).status_code == 302
    client.post(base + "submit/")
    # the bureau approves: a tier record for three years, and the registry tag
    client.force_login(world["officer"])
    client.post(base + "review/")
    client.post(base + "approve/", {"granted_on": "2026-07-15", "certificate_no": "CX-2026-1"})
    application.refresh_from_db()
    assert application.status == "approved"
    record = TierRecord.objects.get()
    assert (record.organization, record.tier, record.granted_on, record.expires_on,
            record.certificate_no, record.source, record.ruleset) == (
        world["firm"], "innovative_sme", dt.date(2026, 7, 15), dt.date(2029, 7, 14),
        "CX-2026-1", "review", application.ruleset)
    assert application.record == record
    assert Enterprise.objects.get(organization=world["firm"]).tags == ["innovative_sme"]
    # every step is in the application's change log
    steps = list(ObjectChange.objects.filter(
        changed_object_type=ContentType.objects.get_for_model(Application),
        changed_object_id=application.pk).order_by("time", "pk")
        .values_list("postchange_data__status", flat=True))
    assert steps == ["draft", "submitted", "under_review", "returned", "returned",
                     "submitted", "under_review", "approved"]


def test_an_approved_application_cannot_be_approved_twice(client, world):
    application = _draft(client, world)
    base = f"/cultivation/applications/{application.pk}/"
    client.post(base + "submit/")
    client.force_login(world["officer"])
    client.post(base + "review/")
    client.post(base + "approve/", {"granted_on": "2026-07-15"})
    client.post(base + "approve/", {"granted_on": "2026-07-16"})
    assert TierRecord.objects.count() == 1


def test_a_reviewer_downloads_the_attachments_of_an_application_only(client, world):
    from jinxiu.apps.documents.models import Document

    application = _draft(client, world)
    pdf = SimpleUploadedFile("营业执照.pdf", b"%PDF-1.4\n%%EOF\n")
    client.post(f"/cultivation/applications/{application.pk}/edit/",
                {"assessed_on": "2026-06-30", "upload": pdf, "upload_title": "营业执照"})
    document = application.attachments.get()
    loose = Document.objects.create(organization=world["firm"], title="未附上的文件")
    client.force_login(world["officer"])
    url = f"/cultivation/applications/{application.pk}/attachments/"
    response = client.get(f"{url}{document.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == \
        b"%PDF-1.4\n%%EOF\n"
    assert client.get(f"{url}{loose.pk}/").status_code == 404
    assert client.get(f"/documents/{document.pk}/").status_code == 404  # not shared at large
    client.force_login(world["far"])
    assert client.get(f"{url}{document.pk}/").status_code == 404
    client.force_login(world["officer"])
    page = client.get(f"/cultivation/applications/{application.pk}/").content.decode()
    assert "营业执照" in page
