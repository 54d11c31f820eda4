from rest_framework import serializers

from jinxiu.apps.core.api.generic import (
    ModelCleanMixin,
    RestrictedModelViewSet,
    TenantSerializerMixin,
)
from jinxiu.apps.production import filtersets
from jinxiu.apps.production.models import BalancePlan, Line, Operation, Operator, Style


class _Tenant(ModelCleanMixin, TenantSerializerMixin, serializers.ModelSerializer):
    pass


class StyleSerializer(_Tenant):
    class Meta:
        model = Style
        fields = ["id", "organization", "code", "name", "product", "description", "created",
                  "last_updated"]
        read_only_fields = ["created", "last_updated"]


class OperationSerializer(_Tenant):
    class Meta:
        model = Operation
        fields = ["id", "organization", "style", "sequence", "code", "name", "machine_type",
                  "standard_seconds", "predecessors", "zone", "notes"]


class LineSerializer(_Tenant):
    takt_seconds = serializers.DecimalField(max_digits=8, decimal_places=2, read_only=True)

    class Meta:
        model = Line
        fields = ["id", "organization", "name", "shift_minutes", "target_output", "output_unit",
                  "routing", "machines", "takt_seconds", "notes"]


class OperatorSerializer(_Tenant):
    class Meta:
        model = Operator
        fields = ["id", "organization", "name", "employee_no", "line", "skills", "active"]


class BalancePlanSerializer(_Tenant):
    class Meta:
        model = BalancePlan
        fields = ["id", "organization", "name", "style", "line", "mode", "cycle_seconds",
                  "station_count", "use_operator_skills", "allow_split", "time_limit_s",
                  "status", "result", "edited", "created"]
        read_only_fields = ["status", "result", "edited", "created"]

    def update(self, instance, validated_data):
        style = validated_data.get("style")
        line = validated_data.get("line", instance.line)
        skills = validated_data.get("use_operator_skills", instance.use_operator_skills)
        if (style is not None and style.pk != instance.style_id) or (
                skills and getattr(line, "pk", None) != instance.line_id):
            # its stations hold the old style's operations, or the old line's operators
            instance.forget_result()
        return super().update(instance, validated_data)


class StyleViewSet(RestrictedModelViewSet):
    queryset = Style.objects.all()
    serializer_class = StyleSerializer
    filterset_class = filtersets.StyleFilterSet


class OperationViewSet(RestrictedModelViewSet):
    queryset = Operation.objects.all()
    serializer_class = OperationSerializer
    filterset_class = filtersets.OperationFilterSet


class LineViewSet(RestrictedModelViewSet):
    queryset = Line.objects.all()
    serializer_class = LineSerializer
    filterset_class = filtersets.LineFilterSet


class OperatorViewSet(RestrictedModelViewSet):
    queryset = Operator.objects.all()
    serializer_class = OperatorSerializer
    filterset_class = filtersets.OperatorFilterSet


class BalancePlanViewSet(RestrictedModelViewSet):
    queryset = BalancePlan.objects.all()
    serializer_class = BalancePlanSerializer
    filterset_class = filtersets.BalancePlanFilterSet


def register(router) -> None:
    router.register("production/styles", StyleViewSet, basename="style")
    router.register("production/operations", OperationViewSet, basename="operation")
    router.register("production/lines", LineViewSet, basename="line")
    router.register("production/operators", OperatorViewSet, basename="operator")
    router.register("production/plans", BalancePlanViewSet, basename="balanceplan")
