from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

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

    @action(detail=True, methods=["get"])
    def stations(self, request, pk=None):
        """The plan as its page shows it, hand edits included: per station its workplaces,
        operators (a crew sharing a long operation, every one), operations by code with
        their seconds (at the operator's speed on a skills plan), time per piece (a crew's
        pace), idle time and warnings; and the plan's cycle, bottleneck, efficiency, output
        and warnings. 404 before the plan has been balanced."""
        from jinxiu.apps.production.adapter import evaluate

        plan = self.get_object()
        ev = evaluate(plan)
        if ev is None:
            raise NotFound(_("Not balanced yet."))
        return Response({
            "stale": ev.stale, "edited": plan.edited,
            "proven_optimal": bool(plan.result.get("proven_optimal")) and not plan.edited
            and not ev.stale,
            "cycle_seconds": ev.cycle_seconds, "bottleneck_seconds": round(
                ev.bottleneck_seconds, 2), "workplaces": ev.workplaces,
            "balance_efficiency": round(ev.balance_efficiency, 4),
            "output_per_hour": round(ev.output_per_hour, 1), "output_per_day": ev.output_per_day,
            "warnings": ev.plan_warnings,
            "stations": [{
                "station": v.number, "workplaces": v.replicas,
                "operators": [name for _seat, name, _pk in v.seats if name],
                "operations": [{"code": op["code"], "name": op["name"],
                                "machine_type": op["machine_type"], "seconds": op["seconds"]}
                               for op in v.operations],
                "seconds": round(v.per_workplace, 2), "idle_seconds": round(v.idle, 2),
                "warnings": v.warnings} for v in ev.stations],
            "unassigned": [op["code"] for op in ev.unassigned]})

    @action(detail=True, methods=["get"])
    def route(self, request, pk=None):
        """The plan's route table as it stands (hand edits included): each stop of a piece
        in order, with its station, parallel workplaces, operation codes and operators.
        A hanging system's route programme is made from it (on a line in order the stops
        follow the stations). 404 before the plan has been balanced."""
        from jinxiu.apps.production.adapter import evaluate, plan_operations
        from jinxiu.apps.production.routing import piece_route

        plan = self.get_object()
        ops = plan_operations(plan)
        ev = evaluate(plan, ops)
        if ev is None:
            raise NotFound(_("Not balanced yet."))
        where = {op["code"]: v.number - 1 for v in ev.stations for op in v.operations}
        route = ev.route or piece_route(ops, where, [v.replicas for v in ev.stations])
        names = {v.number: [name for _seat, name, _pk in v.seats if name] for v in ev.stations}
        return Response({
            "routing": plan.line.routing if plan.line_id else Line.Routing.SEQUENCE.value,
            "stale": ev.stale, "visits": route.visits, "returns": route.returns,
            "stops": [{"step": step, "station": stop.station, "workplaces": stop.replicas,
                       "operations": [op.code for op in stop.operations],
                       "operators": names.get(stop.station, [])}
                      for step, stop in enumerate(route.visits_list, start=1)]})


def register(router) -> None:
    router.register("production/styles", StyleViewSet, basename="style")
    router.register("production/operations", OperationViewSet, basename="operation")
    router.register("production/lines", LineViewSet, basename="line")
    router.register("production/operators", OperatorViewSet, basename="operator")
    router.register("production/plans", BalancePlanViewSet, basename="balanceplan")
