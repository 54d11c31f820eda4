from django.urls import path

from jinxiu.apps.core.generic_views import crud_urls
from jinxiu.apps.cultivation.models import (
    Application,
    Evaluation,
    EvaluationRun,
    RuleSetRevision,
    TierRecord,
)
from jinxiu.apps.cultivation.views import applications as a
from jinxiu.apps.cultivation.views import pipeline as p
from jinxiu.apps.cultivation.views import rules as r

app_name = "cultivation"

urlpatterns = [
    path("", p.PipelineView.as_view(), name="pipeline"),
    path("export.<str:fmt>", p.PipelineExportView.as_view(), name="pipeline_export"),
    path("expiring/", p.ExpiringView.as_view(), name="expiring"),
    *crud_urls(RuleSetRevision, prefix="rulesets/", list_view=r.RuleSetRevisionListView,
               detail_view=r.RuleSetRevisionDetailView, edit_view=r.RuleSetRevisionEditView,
               delete_view=r.RuleSetRevisionDeleteView,
               changelog_view=r.RuleSetRevisionChangeLogView),
    path("rulesets/<int:pk>/copy/", r.RuleSetRevisionCopyView.as_view(),
         name="rulesetrevision_copy"),
    path("records/import/", r.TierRecordImportView.as_view(), name="tierrecord_import"),
    *crud_urls(TierRecord, prefix="records/", list_view=r.TierRecordListView,
               detail_view=r.TierRecordDetailView, edit_view=r.TierRecordEditView,
               delete_view=r.TierRecordDeleteView, changelog_view=r.TierRecordChangeLogView),
    *crud_urls(EvaluationRun, prefix="runs/", list_view=r.EvaluationRunListView,
               detail_view=r.EvaluationRunDetailView, edit_view=r.EvaluationRunEditView,
               delete_view=r.EvaluationRunDeleteView,
               changelog_view=r.EvaluationRunChangeLogView),
    *crud_urls(Evaluation, prefix="evaluations/", list_view=r.EvaluationListView,
               detail_view=r.EvaluationDetailView),
    *crud_urls(Application, prefix="applications/", list_view=a.ApplicationListView,
               detail_view=a.ApplicationDetailView, edit_view=a.ApplicationEditView,
               delete_view=a.ApplicationDeleteView, changelog_view=a.ApplicationChangeLogView),
    path("applications/<int:pk>/precheck/", a.ApplicationPrecheckView.as_view(),
         name="application_precheck"),
    path("applications/<int:pk>/attachments/<int:document>/",
         a.ApplicationAttachmentView.as_view(), name="application_attachment"),
    path("applications/<int:pk>/<str:step>/", a.ApplicationStepView.as_view(),
         name="application_step"),
]
