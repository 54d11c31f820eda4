import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.documents.models import Document
from tests.helpers.matrix import PermissionMatrix


class TestDocumentPermissions(PermissionMatrix):
    model = Document
    url_base = "documents:document"
    api_base = "document"
    api_format = "multipart"

    def make_object(self, organization):
        with change_context(user=None, source="system"):
            return Document.objects.create(organization=organization,
                                           title=f"{organization.name}的排污许可证",
                                           kind="licence", issued_on=dt.date(2024, 1, 1))

    def form_data(self, organization):
        return {"organization": organization.pk, "title": "营业执照", "kind": "licence",
                "issued_on": "2024-02-01"}

    def api_data(self, organization):
        return {**self.form_data(organization),
                "file": SimpleUploadedFile("a.txt", b"hello", content_type="text/plain")}

    def changed_field(self):
        return "number", "NO-2026-001"
