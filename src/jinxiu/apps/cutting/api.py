from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from jinxiu.apps.core.api.generic import (
    ModelCleanMixin,
    RestrictedModelViewSet,
    TenantSerializerMixin,
)
from jinxiu.apps.core.permissions import user_can
from jinxiu.apps.cutting import filtersets
from jinxiu.apps.cutting.models import CutOrder, Marker, Pattern, PatternPiece


class _Tenant(ModelCleanMixin, TenantSerializerMixin, serializers.ModelSerializer):
    pass


class PatternSerializer(_Tenant):
    """Create with a multipart upload (``file``): read, checked and stored with its pieces,
    or refused with the reason per piece and nothing stored."""

    file = serializers.FileField(write_only=True, required=False)
    piece_count = serializers.SerializerMethodField()

    class Meta:
        model = Pattern
        fields = ["id", "organization", "style", "version", "name", "file", "original_name",
                  "units", "units_source", "sizes", "materials", "notes", "piece_count",
                  "created", "last_updated"]
        read_only_fields = ["version", "original_name", "units", "units_source", "sizes",
                            "materials", "created", "last_updated"]
        extra_kwargs = {"name": {"required": False}}
        validators = []  # the version is numbered by the service

    def get_piece_count(self, obj) -> int:
        count = getattr(obj, "n_pieces", None)
        return obj.pieces.count() if count is None else count

    def validate(self, attrs):
        from jinxiu.apps.cutting.services import PatternImportError, pattern_read

        upload = attrs.pop("file", None)
        attrs = super().validate(attrs)
        if self.instance is None:
            if upload is None:
                raise serializers.ValidationError({"file": [_("Upload the pattern's DXF file.")]})
            try:
                self._parsed = (upload, pattern_read(uploaded=upload))
            except PatternImportError as exc:
                raise serializers.ValidationError({"file": exc.messages}) from None
        elif upload is not None or ("style" in attrs and attrs["style"] != self.instance.style):
            raise serializers.ValidationError(
                _("A pattern's file and style cannot change; upload a new version."))
        return attrs

    def create(self, validated_data):
        from jinxiu.apps.cutting.services import pattern_import

        upload, parsed = self._parsed
        return pattern_import(organization=validated_data["organization"],
                              style=validated_data["style"], uploaded=upload,
                              user=self.context["request"].user,
                              name=validated_data.get("name", ""),
                              notes=validated_data.get("notes", ""), parsed=parsed)


class PatternPieceSerializer(_Tenant):
    class Meta:
        model = PatternPiece
        fields = ["id", "organization", "pattern", "position", "name", "size", "quantity",
                  "material", "category", "pair", "grain", "grain_angle", "on_fold", "notches",
                  "area", "length", "breadth", "outline", "holes", "drills", "read_notes"]
        read_only_fields = ["organization", "pattern", "position", "name", "size",
                            "grain_angle", "on_fold", "notches", "area", "length", "breadth",
                            "outline", "holes", "drills", "read_notes"]


class CutOrderSerializer(_Tenant):
    class Meta:
        model = CutOrder
        fields = ["id", "organization", "name", "pattern", "quantities", "material", "width",
                  "max_plies", "max_length", "max_garments", "max_overcut", "spacing", "grain",
                  "marker_cost", "seconds_per_marker", "status", "plan", "fabric_length",
                  "notes", "created"]
        read_only_fields = ["status", "plan", "fabric_length", "created"]


class MarkerSerializer(_Tenant):
    class Meta:
        model = Marker
        fields = ["id", "organization", "order", "position", "name", "ratio", "plies", "lays",
                  "width", "length", "utilization", "pieces", "runtime_s", "stop_reason",
                  "seed", "result", "notes", "created"]
        read_only_fields = [f for f in fields if f not in ("name", "notes")]


class PatternViewSet(RestrictedModelViewSet):
    queryset = Pattern.objects.select_related("organization")
    serializer_class = PatternSerializer
    filterset_class = filtersets.PatternFilterSet

    def get_queryset(self):
        from django.db.models import Count

        return super().get_queryset().annotate(n_pieces=Count("pieces")).order_by(
            "style__code", "-version", "pk")


class PatternPieceViewSet(RestrictedModelViewSet):
    queryset = PatternPiece.objects.all()
    serializer_class = PatternPieceSerializer
    filterset_class = filtersets.PatternPieceFilterSet
    http_method_names = ["get", "patch", "delete", "head", "options"]


class CutOrderViewSet(RestrictedModelViewSet):
    queryset = CutOrder.objects.all()
    serializer_class = CutOrderSerializer
    filterset_class = filtersets.CutOrderFilterSet

    @action(detail=True, methods=["post"])
    def run(self, request, pk=None):
        """Check the order and queue its planning job (202); 400 with the reason when the
        order cannot be planned (a piece wider than the fabric ...)."""
        from django.db import transaction

        from jinxiu.apps.cutting.adapter import PlanInputError
        from jinxiu.apps.cutting.services import order_run

        order = self.get_object()
        if not user_can(request.user, order, "run"):
            raise PermissionDenied(_("You may view this order but not run it."))
        try:
            with transaction.atomic():
                order_run(order=order, user=request.user)
        except PlanInputError as exc:
            return Response({"detail": str(exc)}, status=400)
        return Response(self.get_serializer(order).data, status=202)


class MarkerListSerializer(MarkerSerializer):
    """The list leaves out the marker document (every placed polygon); fetch one marker for
    it, or download its JSON."""

    class Meta(MarkerSerializer.Meta):
        fields = [f for f in MarkerSerializer.Meta.fields if f != "result"]


class MarkerViewSet(RestrictedModelViewSet):
    queryset = Marker.objects.all()
    serializer_class = MarkerSerializer
    filterset_class = filtersets.MarkerFilterSet
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset.defer("result") if self.action == "list" else queryset

    def get_serializer_class(self):
        return MarkerListSerializer if self.action == "list" else MarkerSerializer


def register(router) -> None:
    router.register("cutting/patterns", PatternViewSet, basename="pattern")
    router.register("cutting/pieces", PatternPieceViewSet, basename="patternpiece")
    router.register("cutting/orders", CutOrderViewSet, basename="cutorder")
    router.register("cutting/markers", MarkerViewSet, basename="marker")
