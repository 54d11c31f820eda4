import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from jinxiu.apps.documents.models import Document
from tests.helpers.factories import make_org, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(regions, client):
    org = make_org()
    user = make_user(memberships=[(org, "admin")])
    client.force_login(user)
    return org, user, client


def _post(client, org, upload):
    return client.post("/documents/add/", {"organization": org.pk, "title": "证书",
                                           "kind": "certificate", "file": upload})


def test_pdf_upload_is_kept_and_downloadable_by_the_owner_only(setup, regions):
    org, _user, client = setup
    response = _post(client, org, SimpleUploadedFile("证书.pdf", b"%PDF-1.4 test",
                                                     content_type="application/pdf"))
    assert response.status_code == 302
    doc = Document.objects.get()
    assert doc.original_name == "证书.pdf"
    download = client.get(f"/documents/{doc.pk}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 test"
    stranger = make_user(memberships=[(make_org("别家"), "admin")])
    client.force_login(stranger)
    assert client.get(f"/documents/{doc.pk}/download/").status_code == 404


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("x.exe", b"MZ\x90\x00", "不接受“.exe”类型的文件"),
    ("fake.pdf", b"<html>", "文件内容与其“.pdf”扩展名不符"),
    ("data.csv", b"a,b\x00\x01", "包含二进制数据"),
])
def test_bad_files_are_refused_with_a_reason_and_nothing_written(setup, name, content, reason):
    org, _user, client = setup
    response = _post(client, org, SimpleUploadedFile(name, content))
    assert response.status_code == 400
    errors = response.context["form"].errors["file"]
    assert any(reason in e for e in errors), errors
    assert Document.objects.count() == 0


def test_oversized_upload_is_refused_before_it_is_read(setup, settings):
    org, _user, client = setup
    settings.MAX_UPLOAD_BYTES = 1024
    settings.MAX_UPLOAD_MB = 0
    body = b"%PDF-" + b"0" * 200_000
    response = _post(client, org, SimpleUploadedFile("big.pdf", body))
    assert response.status_code == 413
    assert Document.objects.count() == 0


def test_api_refuses_bad_type_naming_the_field(setup):
    org, user, _client = setup
    api = APIClient()
    api.force_authenticate(user)
    response = api.post("/api/documents/", {
        "organization": org.pk, "title": "t", "kind": "other",
        "file": SimpleUploadedFile("x.exe", b"MZ")})
    assert response.status_code == 400
    assert "file" in response.json()
    assert Document.objects.count() == 0


def test_form_errors_name_the_field_and_reason_in_chinese(setup):
    org, _user, client = setup
    response = client.post("/documents/add/", {"organization": org.pk, "title": "",
                                               "kind": "certificate", "issued_on": "2024-13-40"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "该字段是必填项" in html  # title is required, in the default language
    assert "输入一个有效的日期" in html
    assert Document.objects.count() == 0


def test_expiry_before_issue_is_refused(setup):
    org, _user, client = setup
    response = client.post("/documents/add/", {"organization": org.pk, "title": "证书",
                                               "kind": "certificate", "issued_on": "2025-01-01",
                                               "expires_on": "2024-01-01"})
    assert response.status_code == 400
    assert "expires_on" in response.context["form"].errors
