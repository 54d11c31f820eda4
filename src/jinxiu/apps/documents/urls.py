from django.urls import path

from jinxiu.apps.core.generic_views import crud_urls
from jinxiu.apps.documents import views
from jinxiu.apps.documents.models import Document

app_name = "documents"

urlpatterns = [
    *crud_urls(
        Document,
        prefix="",
        list_view=views.DocumentListView,
        detail_view=views.DocumentDetailView,
        edit_view=views.DocumentEditView,
        delete_view=views.DocumentDeleteView,
        changelog_view=views.DocumentChangeLogView,
    ),
    path("<int:pk>/download/", views.DocumentDownloadView.as_view(), name="document_download"),
]
