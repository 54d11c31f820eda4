from django.urls import path

from jinxiu.apps.core.generic_views import crud_urls
from jinxiu.apps.production import views as v
from jinxiu.apps.production.models import BalancePlan, Line, Operation, Operator, Style

app_name = "production"

urlpatterns = [
    *crud_urls(Style, prefix="styles/", list_view=v.StyleListView,
               detail_view=v.StyleDetailView, edit_view=v.StyleEditView,
               delete_view=v.StyleDeleteView, changelog_view=v.StyleChangeLogView),
    path("styles/<int:pk>/import/", v.StyleBulletinImportView.as_view(), name="style_import"),
    path("styles/<int:pk>/export/", v.StyleBulletinExportView.as_view(), name="style_export"),
    path("styles/<int:pk>/copy/", v.StyleCopyView.as_view(), name="style_copy"),
    *crud_urls(Operation, prefix="operations/", list_view=v.OperationListView,
               detail_view=v.OperationDetailView, edit_view=v.OperationEditView,
               delete_view=v.OperationDeleteView, changelog_view=v.OperationChangeLogView),
    *crud_urls(Line, prefix="lines/", list_view=v.LineListView, detail_view=v.LineDetailView,
               edit_view=v.LineEditView, delete_view=v.LineDeleteView,
               changelog_view=v.LineChangeLogView),
    *crud_urls(Operator, prefix="operators/", list_view=v.OperatorListView,
               detail_view=v.OperatorDetailView, edit_view=v.OperatorEditView,
               delete_view=v.OperatorDeleteView, changelog_view=v.OperatorChangeLogView),
    path("plans/compare/", v.BalancePlanCompareView.as_view(), name="balanceplan_compare"),
    *crud_urls(BalancePlan, prefix="plans/", list_view=v.BalancePlanListView,
               detail_view=v.BalancePlanDetailView, edit_view=v.BalancePlanEditView,
               delete_view=v.BalancePlanDeleteView, changelog_view=v.BalancePlanChangeLogView),
    path("plans/<int:pk>/run/", v.BalancePlanRunView.as_view(), name="balanceplan_run"),
    path("plans/<int:pk>/move/", v.BalancePlanMoveView.as_view(), name="balanceplan_move"),
    path("plans/<int:pk>/operator/", v.BalancePlanOperatorView.as_view(),
         name="balanceplan_operator"),
    path("plans/<int:pk>/copy/", v.BalancePlanCopyView.as_view(), name="balanceplan_copy"),
    path("plans/<int:pk>/undo/", v.BalancePlanUndoView.as_view(), name="balanceplan_undo"),
    path("plans/<int:pk>/workplaces/", v.BalancePlanWorkplacesView.as_view(),
         name="balanceplan_workplaces"),
    path("plans/<int:pk>/export.<str:fmt>", v.BalancePlanExportView.as_view(),
         name="balanceplan_export"),
]
