from django.urls import path

from jinxiu.apps.chain import views as v
from jinxiu.apps.chain.models import (
    ChainBenchmark,
    ChainNode,
    EnterpriseLink,
    KeyProject,
    Platform,
)
from jinxiu.apps.core.generic_views import crud_urls

app_name = "chain"

urlpatterns = [
    path("", v.AtlasView.as_view(), name="atlas"),
    path("gaps/", v.GapView.as_view(), name="gaps"),
    path("candidates/", v.CandidateView.as_view(), name="candidates"),
    path("relink/", v.RelinkView.as_view(), name="relink"),
    path("nodes/by-code/<slug:code>/", v.node_for_code, name="node_by_code"),
    *crud_urls(ChainNode, prefix="nodes/", list_view=v.ChainNodeListView,
               detail_view=v.ChainNodeDetailView, edit_view=v.ChainNodeEditView,
               delete_view=v.ChainNodeDeleteView, changelog_view=v.ChainNodeChangeLogView),
    *crud_urls(EnterpriseLink, prefix="links/", list_view=v.EnterpriseLinkListView,
               detail_view=v.EnterpriseLinkDetailView, edit_view=v.EnterpriseLinkEditView,
               delete_view=v.EnterpriseLinkDeleteView,
               changelog_view=v.EnterpriseLinkChangeLogView),
    path("links/<int:pk>/decide/", v.EnterpriseLinkDecideView.as_view(),
         name="enterpriselink_decide"),
    *crud_urls(ChainBenchmark, prefix="benchmarks/", list_view=v.ChainBenchmarkListView,
               detail_view=v.ChainBenchmarkDetailView, edit_view=v.ChainBenchmarkEditView,
               delete_view=v.ChainBenchmarkDeleteView,
               changelog_view=v.ChainBenchmarkChangeLogView),
    *crud_urls(Platform, prefix="platforms/", list_view=v.PlatformListView,
               detail_view=v.PlatformDetailView, edit_view=v.PlatformEditView,
               delete_view=v.PlatformDeleteView, changelog_view=v.PlatformChangeLogView),
    path("projects/overdue/", v.OverdueMilestoneView.as_view(), name="overdue"),
    path("projects/rollup/", v.InvestmentRollupView.as_view(), name="rollup"),
    path("projects/import/", v.LedgerImportView.as_view(), name="ledger_import"),
    *crud_urls(KeyProject, prefix="projects/", list_view=v.KeyProjectListView,
               detail_view=v.KeyProjectDetailView, edit_view=v.KeyProjectEditView,
               delete_view=v.KeyProjectDeleteView, changelog_view=v.KeyProjectChangeLogView),
    path("projects/<int:pk>/milestones/", v.KeyProjectMilestonesView.as_view(),
         name="keyproject_milestones"),
]
