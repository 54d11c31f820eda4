import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from jinxiu.apps.enterprises.models import Enterprise, ImportBatch
from tests.apps.enterprises.import_helpers import upload
from tests.apps.enterprises.test_import import CODE_A, good_rows
from tests.helpers.factories import make_org, make_regions, make_user


@pytest.fixture
def admin(db):
    make_regions()
    return make_user("import_admin", is_superuser=True)


def test_pages_walk_from_upload_to_import(admin, client, django_capture_on_commit_callbacks):
    client.force_login(admin)
    assert client.get(reverse("enterprises:import_start")).status_code == 200
    rows = good_rows()
    rows[1][6] = "9999"
    response = client.post(reverse("enterprises:import_start"),
                           {"kind": "enterprises", "file": upload(rows)})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == batch.get_absolute_url()
    page = client.get(batch.get_absolute_url())
    body = page.content.decode()
    assert 'name="col-1"' in body and batch.mapping["1"] == "credit_code"
    form = {f"col-{i}": key for i, key in batch.mapping.items()}
    response = client.post(batch.get_absolute_url(), {"action": "check", **form})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == "rejected"
    assert [e["row"] for e in batch.errors] == [2]
    report = client.get(reverse("enterprises:import_report", args=[batch.pk]))
    sheet = load_workbook(io.BytesIO(report.content)).worksheets[0]
    assert sheet.cell(row=2, column=7).value == "9999"
    # the person fixes the cell in the report and uploads that very file
    sheet.cell(row=2, column=7).value = "1761"
    fixed = io.BytesIO()
    sheet.parent.save(fixed)
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.post(reverse("enterprises:import_start"),
                {"kind": "enterprises",
                 "file": SimpleUploadedFile("fixed.xlsx", fixed.getvalue())})
    again = ImportBatch.objects.order_by("-pk").first()
    assert "错误说明" in again.headers and "错误说明" not in again.mapping.values()
    client.post(again.get_absolute_url(),
                {"action": "check", **{f"col-{i}": k for i, k in again.mapping.items()}})
    again.refresh_from_db()
    assert again.status == "ready", again.errors
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(again.get_absolute_url(), {"action": "start"})
    assert response.status_code == 302
    again.refresh_from_db()
    assert again.status == "done" and again.summary["created"] == 3
    assert Enterprise.objects.filter(organization__credit_code=CODE_A).exists()
    page = client.get(again.get_absolute_url()).content.decode()
    assert 'id="import-summary"' in page


def test_an_import_is_seen_by_its_uploader_only(admin, client):
    client.force_login(admin)
    client.post(reverse("enterprises:import_start"),
                {"kind": "enterprises", "file": upload(good_rows())})
    batch = ImportBatch.objects.get()
    org = make_org("某局", kind="bureau")
    other = make_user(memberships=[(org, "admin")])
    client.force_login(other)
    assert client.get(batch.get_absolute_url()).status_code == 404
    assert client.get(reverse("enterprises:import_report", args=[batch.pk])).status_code == 404


def test_who_may_not_import_is_refused(db, client):
    client.force_login(make_user())
    assert client.get(reverse("enterprises:import_start")).status_code == 403


def test_a_bad_file_comes_back_with_the_reason(admin, client):
    client.force_login(admin)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(reverse("enterprises:import_start"),
                           {"kind": "enterprises",
                            "file": SimpleUploadedFile("x.pdf", b"%PDF-1.4")})
    assert response.status_code == 400
    assert not ImportBatch.objects.exists()


def test_a_huge_request_is_refused_unread(admin, client, settings):
    client.force_login(admin)
    response = client.post(reverse("enterprises:import_start"), data=b"x",
                           content_type="text/csv",
                           CONTENT_LENGTH=str(settings.MAX_UPLOAD_BYTES + 1))
    assert response.status_code == 413
    assert not ImportBatch.objects.exists()


def test_a_failed_job_leaves_the_import_open_to_fix_and_retry(
        db, client, django_capture_on_commit_callbacks):
    from jinxiu.apps.enterprises.models import YearlyIndicator
    from tests.apps.enterprises.factories import make_enterprise
    from tests.apps.enterprises.test_import import CODE_B

    make_regions()
    mine = make_org("我的企业", credit_code=CODE_A)
    make_enterprise(mine)
    make_enterprise(make_org("别人的企业", credit_code=CODE_B))
    user = make_user(memberships=[(mine, "admin")])
    client.force_login(user)
    rows = [["统一社会信用代码", "年度", "营业收入"], [CODE_A, 2024, "1"], [CODE_B, 2024, "2"]]
    client.post(reverse("enterprises:import_start"), {"kind": "indicators",
                                                       "file": upload(rows)})
    batch = ImportBatch.objects.get()
    client.post(batch.get_absolute_url(),
                {"action": "check", **{f"col-{i}": k for i, k in batch.mapping.items()}})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(batch.get_absolute_url(), {"action": "start"})
    page = client.get(batch.get_absolute_url())
    batch.refresh_from_db()
    assert batch.status == "failed" and batch.job.status == "failed"
    assert 'id="import-mapping"' in page.content.decode()
    assert not YearlyIndicator.objects.exists()
