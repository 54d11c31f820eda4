from django.urls import path

from jinxiu.apps.core.generic_views import crud_urls
from jinxiu.apps.core.models import Organization
from jinxiu.apps.core.views import core as views

app_name = "core"

urlpatterns = [
    path("switch-organization/", views.switch_organization, name="switch_organization"),
    path("organizations/suggest/", views.organization_suggest, name="organization_suggest"),
    *crud_urls(
        Organization,
        prefix="organizations/",
        list_view=views.OrganizationListView,
        detail_view=views.OrganizationDetailView,
        edit_view=views.OrganizationEditView,
        changelog_view=views.OrganizationChangeLogView,
    ),
    path("jobs/", views.JobListView.as_view(), name="job_list"),
    path("jobs/demo/", views.job_start_demo, name="job_start_demo"),
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/progress/", views.job_progress, name="job_progress"),
    path("jobs/<int:pk>/cancel/", views.job_cancel_view, name="job_cancel"),
    path("jobs/<int:pk>/retry/", views.job_retry_view, name="job_retry"),
    path("changes/", views.ObjectChangeListView.as_view(), name="objectchange_list"),
    path("changes/<int:pk>/", views.objectchange_detail, name="objectchange_detail"),
]
