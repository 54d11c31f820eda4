from django.http import FileResponse, Http404
from django.views import View

from jinxiu.apps.core.generic_views import (
    ObjectChangeLogView,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ObjectViewMixin,
)
from jinxiu.apps.documents.filtersets import DocumentFilterSet
from jinxiu.apps.documents.forms import DocumentForm
from jinxiu.apps.documents.models import Document
from jinxiu.apps.documents.services import document_save
from jinxiu.apps.documents.tables import DocumentTable

_QS = Document.objects.select_related("organization")


class DocumentListView(ObjectListView):
    model = Document
    queryset = _QS
    table = DocumentTable
    filterset = DocumentFilterSet


class DocumentDetailView(ObjectDetailView):
    model = Document
    queryset = _QS
    template_name = "documents/document_detail.html"
    fields = ("title", "organization", "kind", "number", "issued_by", "issued_on",
              "expires_on", "original_name", "note", "uploaded_by")


class DocumentEditView(ObjectEditView):
    model = Document
    form = DocumentForm

    def save_form(self, form):
        return document_save(document=form.instance, user=self.request.user,
                             uploaded=form.cleaned_data.get("file"))


class DocumentDeleteView(ObjectDeleteView):
    model = Document


class DocumentChangeLogView(ObjectChangeLogView):
    model = Document


class DocumentDownloadView(ObjectViewMixin, View):
    """The file, only to those who may view the document (files are never served directly)."""

    model = Document

    def get(self, request, *args, **kwargs):
        document = self.get_object("view")
        if not document.file:
            raise Http404
        return FileResponse(document.file.open("rb"), as_attachment=True,
                            filename=document.original_name or document.file.name)
