from django.urls import path

from jinxiu.apps.core.generic_views import crud_urls
from jinxiu.apps.tracking import views as v
from jinxiu.apps.tracking.models import (
    Attendance,
    Bundle,
    Device,
    FloorAccount,
    FloorEvent,
    PieceRate,
    ProductionOrder,
)

app_name = "tracking"

urlpatterns = [
    *crud_urls(FloorAccount, prefix="accounts/", list_view=v.FloorAccountListView,
               detail_view=v.FloorAccountDetailView, edit_view=v.FloorAccountEditView,
               delete_view=v.FloorAccountDeleteView, changelog_view=v.FloorAccountChangeLogView),
    *crud_urls(ProductionOrder, prefix="orders/", list_view=v.ProductionOrderListView,
               detail_view=v.ProductionOrderDetailView, edit_view=v.ProductionOrderEditView,
               delete_view=v.ProductionOrderDeleteView,
               changelog_view=v.ProductionOrderChangeLogView),
    path("orders/<int:pk>/cut/", v.ProductionOrderCutView.as_view(),
         name="productionorder_cut"),
    path("orders/<int:pk>/tickets.pdf", v.ProductionOrderTicketsView.as_view(),
         name="productionorder_tickets"),
    *crud_urls(Bundle, prefix="bundles/", list_view=v.BundleListView,
               detail_view=v.BundleDetailView, edit_view=v.BundleEditView,
               delete_view=v.BundleDeleteView, changelog_view=v.BundleChangeLogView),
    path("bundles/<int:pk>/ticket.pdf", v.BundleTicketView.as_view(), name="bundle_ticket"),
    *crud_urls(Device, prefix="devices/", list_view=v.DeviceListView,
               detail_view=v.DeviceDetailView, edit_view=v.DeviceEditView,
               delete_view=v.DeviceDeleteView, changelog_view=v.DeviceChangeLogView),
    path("devices/<int:pk>/token/", v.DeviceTokenView.as_view(), name="device_token"),
    *crud_urls(FloorEvent, prefix="events/", list_view=v.FloorEventListView,
               detail_view=v.FloorEventDetailView),
    *crud_urls(Attendance, prefix="attendance/", list_view=v.AttendanceListView,
               detail_view=v.AttendanceDetailView, edit_view=v.AttendanceEditView,
               delete_view=v.AttendanceDeleteView, changelog_view=v.AttendanceChangeLogView),
    *crud_urls(PieceRate, prefix="rates/", list_view=v.PieceRateListView,
               detail_view=v.PieceRateDetailView, edit_view=v.PieceRateEditView,
               delete_view=v.PieceRateDeleteView, changelog_view=v.PieceRateChangeLogView),
    path("boards/", v.BoardIndexView.as_view(), name="boards"),
    path("lines/<int:pk>/board/", v.LineBoardView.as_view(), name="line_board"),
    path("lines/<int:pk>/rebalance/", v.LineRebalanceView.as_view(), name="line_rebalance"),
    path("figures/", v.OperatorFiguresView.as_view(), name="figures"),
    path("pay/", v.PayView.as_view(), name="pay"),
    path("shared/", v.SharedFloorView.as_view(), name="shared"),
]
