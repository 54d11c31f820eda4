from django.urls import path

from jinxiu.apps.chain import views as v
from jinxiu.apps.chain.models import ChainBenchmark, ChainNode, EnterpriseLink
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
]
