import pytest
from django.contrib.contenttypes.models import ContentType
from rest_framework.test import APIClient

from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.core.jobs.registry import job_kind
from jinxiu.apps.core.jobs.services import job_enqueue
from jinxiu.apps.core.models import ObjectChange
from jinxiu.apps.core.querysets import BulkWriteForbidden
from jinxiu.apps.documents.models import Document
from tests.helpers.factories import make_org, make_user

pytestmark = pytest.mark.django_db


def changes_for(obj):
    return list(ObjectChange.objects.filter(
        changed_object_type=ContentType.objects.get_for_model(obj),
        changed_object_id=obj.pk).order_by("pk"))


@pytest.fixture
def org(regions):
    return make_org("锦程")


def test_create_update_delete_are_recorded_with_who_what_and_source(org):
    user = make_user("ie")
    with change_context(user=user, source="cli"):
        doc = Document.objects.create(organization=org, title="旧标题")
        doc.title = "新标题"
        doc.save()
        doc.save()  # nothing changed: no record
        pk = doc.pk
        doc.delete()
    records = list(ObjectChange.objects.filter(changed_object_id=pk,
                                                changed_object_type__model="document"))
    assert [r.action for r in reversed(records)] == ["create", "update", "delete"]
    create, update, delete = reversed(records)
    assert {r.user_id for r in records} == {user.pk}
    assert {r.user_name for r in records} == {"ie"}
    assert {r.source for r in records} == {"cli"}
    assert {r.organization_id_snapshot for r in records} == {org.pk}
    assert create.prechange_data is None and create.postchange_data["title"] == "旧标题"
    assert ("title", "旧标题", "新标题") in update.diff()
    assert delete.prechange_data["title"] == "新标题" and delete.postchange_data is None


def test_web_edit_is_recorded_as_web_with_the_request_user(client, org):
    user = make_user(memberships=[(org, "admin")])
    client.force_login(user)
    response = client.post("/documents/add/", {"organization": org.pk, "title": "认证证书",
                                               "kind": "certificate"})
    assert response.status_code == 302
    doc = Document.objects.get(title="认证证书")
    (record,) = changes_for(doc)
    assert (record.source, record.user, record.action) == ("web", user, "create")
    assert record.request_id is not None


def test_api_edit_is_recorded_as_api_with_token_user(org):
    from rest_framework.authtoken.models import Token

    user = make_user(memberships=[(org, "admin")])
    token = Token.objects.create(user=user)
    with change_context(user=None, source="system"):
        doc = Document.objects.create(organization=org, title="报告")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.patch(f"/api/documents/{doc.pk}/", {"number": "A-1"}, format="json")
    assert response.status_code == 200, response.content
    record = changes_for(doc)[-1]
    assert (record.source, record.user, record.action) == ("api", user, "update")
    assert ("number", "", "A-1") in record.diff()


@job_kind("tests.make_document", label="test: make a document")
def _make_document(ctx):
    from jinxiu.apps.core.models import Organization

    Document.objects.create(organization=Organization.objects.get(pk=ctx.params["org"]),
                            title=ctx.params["title"])
    return {"ok": True}


def test_changes_made_by_a_job_are_recorded_under_its_owner_with_source_job(
        org, django_capture_on_commit_callbacks):
    owner = make_user("owner")
    with django_capture_on_commit_callbacks(execute=True):
        job_enqueue(kind="tests.make_document", user=owner,
                    params={"org": org.pk, "title": "作业生成"})
    doc = Document.objects.get(title="作业生成")
    (record,) = changes_for(doc)
    assert (record.source, record.user, record.user_name) == ("job", owner, "owner")


def test_bulk_writes_on_logged_models_are_refused(org):
    with change_context(user=None, source="system"):
        Document.objects.create(organization=org, title="x")
    count = ObjectChange.objects.count()
    with pytest.raises(BulkWriteForbidden):
        Document.objects.filter(organization=org).update(title="y")
    with pytest.raises(BulkWriteForbidden):
        Document.objects.bulk_create([Document(organization=org, title="z")])
    assert Document.objects.get().title == "x"
    assert ObjectChange.objects.count() == count


def test_queryset_delete_records_each_object(org):
    with change_context(user=None, source="system"):
        for i in range(3):
            Document.objects.create(organization=org, title=f"d{i}")
        Document.objects.filter(organization=org).delete()
    assert ObjectChange.objects.filter(action="delete").count() == 3


def test_change_records_are_never_edited(org):
    with change_context(user=None, source="system"):
        Document.objects.create(organization=org, title="x")
    record = ObjectChange.objects.first()
    record.object_repr = "forged"
    with pytest.raises(RuntimeError):
        record.save()


def test_change_log_pages_show_only_what_the_viewer_may_see(client, regions):
    mine, theirs = make_org("我的企业"), make_org("别人的企业", region_code="330302")
    me = make_user(memberships=[(mine, "viewer")])
    with change_context(user=None, source="system"):
        my_doc = Document.objects.create(organization=mine, title="我的文件")
        their_doc = Document.objects.create(organization=theirs, title="别人的文件")
    client.force_login(me)
    listing = client.get("/changes/")
    reprs = {row.record.object_repr for row in listing.context["table"].page.object_list}
    assert "我的文件" in reprs and "别人的文件" not in reprs
    their_change = changes_for(their_doc)[0]
    assert client.get(f"/changes/{their_change.pk}/").status_code == 404
    assert client.get(f"/documents/{their_doc.pk}/history/").status_code == 404
    history = client.get(f"/documents/{my_doc.pk}/history/")
    assert history.status_code == 200 and len(history.context["changes"]) == 1
    api = APIClient()
    api.force_authenticate(me)
    names = {row["object_repr"] for row in api.get("/api/changes/").json()["results"]}
    assert "我的文件" in names and "别人的文件" not in names
