from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied

from jinxiu.apps.chain import filtersets
from jinxiu.apps.chain.models import (
    ChainBenchmark,
    ChainNode,
    EnterpriseLink,
    KeyProject,
    Milestone,
    Platform,
)
from jinxiu.apps.core.api.generic import (
    ModelCleanMixin,
    RestrictedModelViewSet,
    TenantSerializerMixin,
)
from jinxiu.apps.core.permissions import user_can


class ChainNodeSerializer(ModelCleanMixin, TenantSerializerMixin, serializers.ModelSerializer):
    class Meta:
        model = ChainNode
        fields = ["id", "code", "name", "name_en", "parent", "path", "level", "industry_codes",
                  "keywords", "products", "technologies", "applications", "source",
                  "organization", "region", "created", "last_updated"]
        read_only_fields = ["path", "level", "created", "last_updated"]


class EnterpriseLinkSerializer(ModelCleanMixin, TenantSerializerMixin,
                               serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.organization.name",
                                            read_only=True)
    node_code = serializers.CharField(source="node.code", read_only=True)

    class Meta:
        model = EnterpriseLink
        fields = ["id", "enterprise", "enterprise_name", "node", "node_code", "grade",
                  "reasons", "decision", "decided_by", "decided_at", "note", "created",
                  "last_updated"]
        read_only_fields = ["reasons", "decided_by", "decided_at", "created", "last_updated"]


class ChainBenchmarkSerializer(ModelCleanMixin, TenantSerializerMixin,
                               serializers.ModelSerializer):
    class Meta:
        model = ChainBenchmark
        fields = ["id", "organization", "name", "region", "year", "local_total_output",
                  "reference_name", "reference_total_output", "node_outputs", "source",
                  "created", "last_updated"]
        read_only_fields = ["created", "last_updated"]


class ChainNodeViewSet(RestrictedModelViewSet):
    queryset = ChainNode.objects.select_related("parent", "organization", "region")
    serializer_class = ChainNodeSerializer
    filterset_class = filtersets.ChainNodeFilterSet


class EnterpriseLinkViewSet(RestrictedModelViewSet):
    queryset = EnterpriseLink.objects.select_related("enterprise__organization", "node",
                                                     "decided_by")
    serializer_class = EnterpriseLinkSerializer
    filterset_class = filtersets.EnterpriseLinkFilterSet

    def _save_checked(self, serializer, action: str):
        # a decision sent through the API is recorded with who took it and when
        extra = {}
        if action == "add" or "decision" in serializer.validated_data:
            extra = {"decided_by": self.request.user, "decided_at": timezone.now()}
        if action == "add":  # a link a person adds is that person's confirmation
            extra["reasons"] = [{"kind": "manual", "value": ""}]
            if serializer.validated_data.get("decision", "auto") == "auto":
                extra["decision"] = EnterpriseLink.Decision.CONFIRMED
        with transaction.atomic():
            obj = serializer.save(**extra)
            if not user_can(self.request.user, obj, action):
                raise PermissionDenied(_("You may not save this object with these values."))


class ChainBenchmarkViewSet(RestrictedModelViewSet):
    queryset = ChainBenchmark.objects.select_related("organization", "region")
    serializer_class = ChainBenchmarkSerializer
    filterset_class = filtersets.ChainBenchmarkFilterSet


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "name", "planned_date", "actual_date", "note"]


class KeyProjectSerializer(ModelCleanMixin, TenantSerializerMixin,
                           serializers.ModelSerializer):
    milestones = MilestoneSerializer(many=True, read_only=True)

    class Meta:
        model = KeyProject
        fields = ["id", "organization", "code", "name", "owner_enterprise", "owner_name",
                  "node", "region", "kind", "status", "planned_investment", "investments",
                  "start_date", "end_date", "officer", "note", "milestones", "created",
                  "last_updated"]
        read_only_fields = ["created", "last_updated"]


class KeyProjectViewSet(RestrictedModelViewSet):
    queryset = KeyProject.objects.select_related(
        "organization", "owner_enterprise__organization", "node", "region"
    ).prefetch_related("milestones")
    serializer_class = KeyProjectSerializer
    filterset_class = filtersets.KeyProjectFilterSet


class PlatformSerializer(ModelCleanMixin, TenantSerializerMixin, serializers.ModelSerializer):
    class Meta:
        model = Platform
        fields = ["id", "organization", "name", "kind", "level", "owner_enterprise",
                  "owner_name", "node", "region", "recognized_year", "note", "created",
                  "last_updated"]
        read_only_fields = ["created", "last_updated"]


class PlatformViewSet(RestrictedModelViewSet):
    queryset = Platform.objects.select_related(
        "organization", "owner_enterprise__organization", "node", "region")
    serializer_class = PlatformSerializer
    filterset_class = filtersets.PlatformFilterSet


def register(router) -> None:
    router.register("chain/nodes", ChainNodeViewSet, basename="chainnode")
    router.register("chain/links", EnterpriseLinkViewSet, basename="enterpriselink")
    router.register("chain/benchmarks", ChainBenchmarkViewSet, basename="chainbenchmark")
    router.register("chain/projects", KeyProjectViewSet, basename="keyproject")
    router.register("chain/platforms", PlatformViewSet, basename="platform")
