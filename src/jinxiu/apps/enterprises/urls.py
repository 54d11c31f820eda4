from django.urls import path

from jinxiu.apps.core.generic_views import crud_urls
from jinxiu.apps.enterprises import import_views, views
from jinxiu.apps.enterprises.models import Enterprise, YearlyIndicator

app_name = "enterprises"

urlpatterns = [
    path("suggest/", views.EnterpriseSuggestView.as_view(), name="suggest"),
    path("imports/", import_views.ImportStartView.as_view(), name="import_start"),
    path("imports/<int:pk>/", import_views.ImportDetailView.as_view(), name="import_detail"),
    path("imports/<int:pk>/errors.xlsx", import_views.ImportReportView.as_view(),
         name="import_report"),
    *crud_urls(
        YearlyIndicator,
        prefix="indicators/",
        list_view=views.YearlyIndicatorListView,
        detail_view=views.YearlyIndicatorDetailView,
        edit_view=views.YearlyIndicatorEditView,
        delete_view=views.YearlyIndicatorDeleteView,
        changelog_view=views.YearlyIndicatorChangeLogView,
    ),
    *crud_urls(
        Enterprise,
        prefix="",
        list_view=views.EnterpriseListView,
        detail_view=views.EnterpriseDetailView,
        edit_view=views.EnterpriseEditView,
        changelog_view=views.EnterpriseChangeLogView,
    ),
    path("<int:pk>/qualifications/", views.EnterpriseQualificationView.as_view(),
         name="enterprise_qualifications"),
]
