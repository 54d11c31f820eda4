"""The tracking API: orders, bundles and devices (read/write as the pages), events (read), and
the device ingestion endpoint (``POST /api/tracking/ingest/``, JSON lines, device token)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from rest_framework import serializers

from jinxiu.apps.core.api.generic import (
    ModelCleanMixin,
    RestrictedModelViewSet,
    TenantSerializerMixin,
)
from jinxiu.apps.core.models import User
from jinxiu.apps.tracking import filtersets
from jinxiu.apps.tracking.ingest import (
    IngestError,
    device_for_token,
    events_ingest,
    parse_lines,
)
from jinxiu.apps.tracking.models import (
    Attendance,
    Bundle,
    Device,
    FloorAccount,
    FloorEvent,
    PieceRate,
    ProductionOrder,
)


class _Tenant(ModelCleanMixin, TenantSerializerMixin, serializers.ModelSerializer):
    pass


class ProductionOrderSerializer(_Tenant):
    class Meta:
        model = ProductionOrder
        fields = ["id", "organization", "number", "style", "line", "customer", "quantity",
                  "due_date", "status", "created"]
        read_only_fields = ["created"]


class BundleSerializer(_Tenant):
    class Meta:
        model = Bundle
        fields = ["id", "organization", "order", "number", "code", "size", "colour",
                  "quantity", "lay", "ply_from", "ply_to", "tag"]
        read_only_fields = ["code"]


class DeviceSerializer(_Tenant):
    class Meta:
        model = Device
        fields = ["id", "organization", "name", "kind", "line", "station", "token_prefix",
                  "active"]
        read_only_fields = ["token_prefix"]


class FloorEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = FloorEvent
        fields = ["id", "organization", "device", "event_id", "kind", "occurred_at",
                  "received_at", "line", "station", "bundle", "operation", "operator",
                  "quantity", "outcome", "defect_code", "machine_state", "reason"]


class AttendanceSerializer(_Tenant):
    attended_minutes = serializers.IntegerField(read_only=True)

    class Meta:
        model = Attendance
        fields = ["id", "organization", "operator", "date", "shift", "clock_in", "clock_out",
                  "attended_minutes", "off_standard"]


class PieceRateSerializer(_Tenant):
    class Meta:
        model = PieceRate
        fields = ["id", "organization", "operation", "rate", "valid_from"]


class FloorAccountSerializer(_Tenant):
    user = serializers.SlugRelatedField(slug_field="username",
                                        queryset=User.objects.filter(is_active=True))

    class Meta:
        model = FloorAccount
        fields = ["id", "organization", "user", "operator", "lines", "notes"]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if "lines" in attrs:
            lines = attrs["lines"]
        else:
            lines = list(self.instance.lines.all()) if self.instance is not None else []
        operator = attrs.get("operator", getattr(self.instance, "operator", None))
        if not operator and not lines:
            raise serializers.ValidationError(
                _("Link the account to an operator, to lines, or to both."))
        org = attrs.get("organization", getattr(self.instance, "organization", None))
        if org is not None and any(line.organization_id != org.pk for line in lines):
            raise serializers.ValidationError({"lines": _("It belongs to another "
                                                          "organization.")})
        return attrs


class FloorAccountViewSet(RestrictedModelViewSet):
    queryset = FloorAccount.objects.select_related("user").prefetch_related("lines")
    serializer_class = FloorAccountSerializer
    filterset_class = filtersets.FloorAccountFilterSet


class ProductionOrderViewSet(RestrictedModelViewSet):
    queryset = ProductionOrder.objects.all()
    serializer_class = ProductionOrderSerializer
    filterset_class = filtersets.ProductionOrderFilterSet


class BundleViewSet(RestrictedModelViewSet):
    queryset = Bundle.objects.all()
    serializer_class = BundleSerializer
    filterset_class = filtersets.BundleFilterSet


class DeviceViewSet(RestrictedModelViewSet):
    queryset = Device.objects.all()
    serializer_class = DeviceSerializer
    filterset_class = filtersets.DeviceFilterSet


class FloorEventViewSet(RestrictedModelViewSet):
    """Events are facts from the devices: read here, written only through ingestion."""

    queryset = FloorEvent.objects.all()
    serializer_class = FloorEventSerializer
    filterset_class = filtersets.FloorEventFilterSet
    http_method_names = ["get", "head", "options"]


class AttendanceViewSet(RestrictedModelViewSet):
    queryset = Attendance.objects.all()
    serializer_class = AttendanceSerializer
    filterset_class = filtersets.AttendanceFilterSet


class PieceRateViewSet(RestrictedModelViewSet):
    queryset = PieceRate.objects.all()
    serializer_class = PieceRateSerializer
    filterset_class = filtersets.PieceRateFilterSet


def register(router) -> None:
    router.register("tracking/orders", ProductionOrderViewSet, basename="productionorder")
    router.register("tracking/bundles", BundleViewSet, basename="bundle")
    router.register("tracking/devices", DeviceViewSet, basename="device")
    router.register("tracking/events", FloorEventViewSet, basename="floorevent")
    router.register("tracking/attendance", AttendanceViewSet, basename="attendance")
    router.register("tracking/rates", PieceRateViewSet, basename="piecerate")
    router.register("tracking/accounts", FloorAccountViewSet, basename="flooraccount")


# --- device ingestion -------------------------------------------------------------------------
def _refuse(status: int, reason: str, **headers) -> JsonResponse:
    response = JsonResponse({"stored": 0, "errors": [{"line": 0, "field": "",
                                                       "reason": reason}]}, status=status)
    for key, value in headers.items():
        response[key] = value
    return response


def rate_limited(device: Device) -> int:
    """0 if ``device`` may send another batch now, else the seconds until it may."""
    window = int(time.time() // 60)
    key = f"jinxiu:ingest-rate:{device.pk}:{window}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=120)
        count = 1
    if count > settings.JINXIU_INGEST_RATE_PER_MINUTE:
        return 60 - int(time.time()) % 60
    return 0


@csrf_exempt
@require_POST
def ingest_view(request):
    """One batch of events from one device, as JSON lines; acknowledged after the commit."""
    auth = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _sep, token = auth.partition(" ")
    device = device_for_token(token.strip()) if scheme.lower() == "device" else None
    if device is None:
        return _refuse(401, _("Unknown or inactive device token."),
                       **{"WWW-Authenticate": "Device"})
    wait = rate_limited(device)
    if wait:
        return _refuse(429, _("Too many batches from this device; wait and resend."),
                       **{"Retry-After": str(wait)})
    limit = settings.JINXIU_INGEST_MAX_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    body = request.read(limit + 1) if declared <= limit else b""
    if declared > limit or len(body) > limit:
        return _refuse(413, _("The batch is larger than %(n)d bytes; send smaller batches.")
                       % {"n": limit})
    items, errors = parse_lines(body)
    if errors:
        return JsonResponse({"stored": 0, "errors": errors}, status=400)
    try:
        result = events_ingest(device=device, items=items)
    except IngestError as exc:
        return JsonResponse(exc.as_dict(), status=400)
    return JsonResponse(result.as_dict(), status=200)


ingest_urlpatterns = [path("tracking/ingest/", ingest_view, name="tracking-ingest")]
