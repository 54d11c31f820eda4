"""Regressions for holes a security review found: each test states the rule it guards."""

import datetime as dt
import os

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.core.models import ObjectChange, ObjectPermission, StatisticsPolicy
from jinxiu.apps.documents.models import Document
from tests.helpers.factories import make_org, make_user, region

pytestmark = pytest.mark.django_db


def test_an_organization_admin_cannot_move_it_to_widen_statistics_scope(client, regions):
    bureau = make_org("石狮工信局", kind="bureau", region_code="350581")
    wenzhou = make_org("温州企业", region_code="330302")
    with change_context(user=None, source="system"):
        Document.objects.create(organization=wenzhou, title="温州机密")
        StatisticsPolicy.objects.create(bureau=bureau, categories=["documents"], basis="统计法",
                                        valid_from=dt.date(2020, 1, 1))
    boss = make_user(memberships=[(bureau, "admin", True)])
    client.force_login(boss)
    response = client.post(f"/organizations/{bureau.pk}/edit/", {
        "name": bureau.name, "short_name": "新简称", "kind": "enterprise",
        "region": region("330000").pk, "credit_code": "", "description": ""})
    assert response.status_code == 302
    bureau.refresh_from_db()
    assert (bureau.kind, bureau.region.code, bureau.short_name) == ("bureau", "350581", "新简称")
    assert [r.record.title for r in client.get("/documents/").context["table"].page.object_list
            ] == []
    api = APIClient()
    api.force_authenticate(boss)
    api.patch(f"/api/organizations/{bureau.pk}/", {"region": region("330000").pk},
              format="json")
    bureau.refresh_from_db()
    assert bureau.region.code == "350581"


def test_an_organization_admin_cannot_delete_it(regions):
    org = make_org()
    api = APIClient()
    api.force_authenticate(make_user(memberships=[(org, "admin")]))
    assert api.delete(f"/api/organizations/{org.pk}/").status_code in (403, 405)
    assert type(org).objects.filter(pk=org.pk).exists()


def test_granting_access_is_in_the_change_log(regions):
    admin = make_user(is_superuser=True)
    grantee = make_user()
    with change_context(user=admin, source="cli"):
        perm = ObjectPermission.objects.create(name="all docs", actions=["view"])
        perm.object_types.add(ContentType.objects.get_for_model(Document))
    before = ObjectChange.objects.count()
    with change_context(user=admin, source="cli"):
        perm.users.add(grantee)
    record = ObjectChange.objects.order_by("-pk").first()
    assert ObjectChange.objects.count() == before + 1
    assert ("users", [], [grantee.pk]) in record.diff()
    assert (record.user, record.source) == (admin, "cli")


def test_making_someone_superuser_is_in_the_change_log(regions):
    admin, user = make_user(is_superuser=True), make_user()
    with change_context(user=admin, source="web"):
        user.is_superuser = True
        user.save()
    record = ObjectChange.objects.order_by("-pk").first()
    assert ("is_superuser", False, True) in record.diff()
    assert "password" not in (record.postchange_data or {})


def test_an_upload_cut_short_saves_nothing(client, regions, settings):
    settings.MAX_UPLOAD_BYTES = 10_000
    org = make_org()
    client.force_login(make_user(memberships=[(org, "admin")]))
    response = client.post("/documents/add/", {
        "organization": org.pk, "title": "证书", "kind": "certificate",
        "file": SimpleUploadedFile("a.pdf", b"%PDF-" + b"x" * 20_000), "note": "after"})
    assert response.status_code == 413
    assert not Document.objects.exists()
    assert "Content-Security-Policy" in response.headers


def test_deleting_or_replacing_a_document_removes_its_old_file(client, regions,
                                                               django_capture_on_commit_callbacks):
    org = make_org()
    client.force_login(make_user(memberships=[(org, "admin")]))
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/documents/add/", {"organization": org.pk, "title": "许可证",
                                        "kind": "licence",
                                        "file": SimpleUploadedFile("p.pdf", b"%PDF-1.4 s")})
    doc = Document.objects.get()
    first = doc.file.path
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/documents/{doc.pk}/edit/", {
            "organization": org.pk, "title": "许可证", "kind": "licence",
            "file": SimpleUploadedFile("q.pdf", b"%PDF-1.4 t")})
    doc.refresh_from_db()
    assert not os.path.exists(first) and os.path.exists(doc.file.path)
    assert doc.original_name == "q.pdf"
    second = doc.file.path
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/documents/{doc.pk}/delete/")
    assert not os.path.exists(second)


def test_api_file_replacement_updates_the_original_name(regions):
    org = make_org()
    api = APIClient()
    api.force_authenticate(make_user(memberships=[(org, "admin")]))
    pk = api.post("/api/documents/", {
        "organization": org.pk, "title": "t", "kind": "licence",
        "file": SimpleUploadedFile("licence.pdf", b"%PDF-1.4")}, format="multipart").json()["id"]
    response = api.patch(f"/api/documents/{pk}/", {
        "file": SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n..")}, format="multipart")
    assert response.status_code == 200, response.content
    assert Document.objects.get(pk=pk).original_name == "photo.png"


def test_api_refuses_a_foreign_related_object_on_update(regions):
    from tests.apps.production.factories import make_line, make_plan, make_style

    mine, theirs = make_org("我"), make_org("他")
    plan = make_plan(mine, style=make_style(mine), cycle_seconds=60)
    foreign_line = make_line(theirs, name="他的线")
    api = APIClient()
    api.force_authenticate(make_user(memberships=[(mine, "admin")]))
    response = api.patch(f"/api/production/plans/{plan.pk}/", {"line": foreign_line.pk},
                         format="json")
    assert response.status_code == 400 and "line" in response.json()
    plan.refresh_from_db()
    assert plan.line_id is None


def test_schema_and_docs_need_a_signed_in_user(client):
    assert client.get("/api/schema/").status_code in (302, 401, 403)


def test_redoc_page_fetches_nothing_from_the_internet(client, regions):
    client.force_login(make_user())
    html = client.get("/api/redoc/").content.decode()
    assert "fonts.googleapis.com" not in html and "<script>" not in html


def test_demo_data_is_not_served_on_the_network_by_default(monkeypatch):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    monkeypatch.delenv("JINXIU_ALLOW_DEMO_ON_NETWORK", raising=False)
    with pytest.raises(CommandError, match="known passwords"):
        call_command("up", host="0.0.0.0")  # noqa: S104


def test_an_organizations_credit_code_is_checked_and_normalized(client, regions):
    from jinxiu.apps.core.uscc import make_code

    org = make_org("锦程", region_code="350581")
    root = make_user(is_superuser=True)
    client.force_login(root)
    data = {"name": org.name, "short_name": "", "kind": "enterprise",
            "region": org.region_id, "description": ""}
    good = make_code("91", "350581", "MA9DEM01")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = client.post(f"/organizations/{org.pk}/edit/", {**data, "credit_code": bad})
    assert response.status_code == 400 and "credit_code" in response.context["form"].errors
    org.refresh_from_db()
    assert org.credit_code is None
    assert client.post(f"/organizations/{org.pk}/edit/",
                       {**data, "credit_code": good.lower()}).status_code == 302
    org.refresh_from_db()
    assert org.credit_code == good
