from django.urls import path

from jinxiu.apps.core.generic_views import crud_urls
from jinxiu.apps.cutting import views as v
from jinxiu.apps.cutting.models import CutOrder, Pattern

app_name = "cutting"

urlpatterns = [
    *crud_urls(Pattern, prefix="patterns/", list_view=v.PatternListView,
               detail_view=v.PatternDetailView, edit_view=v.PatternEditView,
               delete_view=v.PatternDeleteView, changelog_view=v.PatternChangeLogView),
    path("patterns/<int:pk>/download/", v.PatternDownloadView.as_view(),
         name="pattern_download"),
    # pieces and markers come from a file and a plan: no add page
    path("pieces/", v.PatternPieceListView.as_view(), name="patternpiece_list"),
    path("pieces/<int:pk>/", v.PatternPieceDetailView.as_view(), name="patternpiece_detail"),
    path("pieces/<int:pk>/edit/", v.PatternPieceEditView.as_view(), name="patternpiece_edit"),
    path("pieces/<int:pk>/delete/", v.PatternPieceDeleteView.as_view(),
         name="patternpiece_delete"),
    path("pieces/<int:pk>/history/", v.PatternPieceChangeLogView.as_view(),
         name="patternpiece_changelog"),
    *crud_urls(CutOrder, prefix="orders/", list_view=v.CutOrderListView,
               detail_view=v.CutOrderDetailView, edit_view=v.CutOrderEditView,
               delete_view=v.CutOrderDeleteView, changelog_view=v.CutOrderChangeLogView),
    path("orders/<int:pk>/run/", v.CutOrderRunView.as_view(), name="cutorder_run"),
    path("orders/<int:pk>/copy/", v.CutOrderCopyView.as_view(), name="cutorder_copy"),
    path("markers/", v.MarkerListView.as_view(), name="marker_list"),
    path("markers/<int:pk>/", v.MarkerDetailView.as_view(), name="marker_detail"),
    path("markers/<int:pk>/edit/", v.MarkerEditView.as_view(), name="marker_edit"),
    path("markers/<int:pk>/delete/", v.MarkerDeleteView.as_view(), name="marker_delete"),
    path("markers/<int:pk>/history/", v.MarkerChangeLogView.as_view(), name="marker_changelog"),
    path("markers/<int:pk>/marker.<str:fmt>", v.MarkerDownloadView.as_view(),
         name="marker_download"),
]
