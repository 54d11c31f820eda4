from rest_framework import serializers

from jinxiu.apps.core.api.generic import (
    ModelCleanMixin,
    RestrictedModelViewSet,
    TenantSerializerMixin,
)
from jinxiu.apps.enterprises.filtersets import EnterpriseFilterSet, YearlyIndicatorFilterSet
from jinxiu.apps.enterprises.models import Enterprise, YearlyIndicator


class EnterpriseSerializer(ModelCleanMixin, TenantSerializerMixin, serializers.ModelSerializer):
    name = serializers.CharField(source="organization.name", read_only=True)
    credit_code = serializers.CharField(source="organization.credit_code", read_only=True)
    region = serializers.CharField(source="organization.region.code", read_only=True,
                                   default=None)

    class Meta:
        model = Enterprise
        fields = ["id", "organization", "name", "credit_code", "region", "former_names",
                  "legal_representative", "registered_capital", "established_on", "status",
                  "address", "latitude", "longitude", "business_scope", "main_industry",
                  "secondary_industries", "tags", "created", "last_updated"]
        read_only_fields = ["created", "last_updated"]


class EnterpriseViewSet(RestrictedModelViewSet):
    """Registry records: no delete through the API (a record ends with a status, 注销/吊销)."""

    queryset = Enterprise.objects.select_related("organization__region")
    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]


class YearlyIndicatorSerializer(ModelCleanMixin, TenantSerializerMixin,
                                serializers.ModelSerializer):
    class Meta:
        model = YearlyIndicator
        fields = ["id", "organization", "year", "operating_revenue", "industrial_output",
                  "profit", "tax", "rd_expense", "exports", "employees", "invention_patents",
                  "utility_model_patents", "design_patents", "software_copyrights", "source",
                  "entered_by", "created", "last_updated"]
        read_only_fields = ["entered_by", "created", "last_updated"]

    def create(self, validated_data):
        validated_data["entered_by"] = self.context["request"].user
        return super().create(validated_data)


class YearlyIndicatorViewSet(RestrictedModelViewSet):
    queryset = YearlyIndicator.objects.select_related("organization")
    serializer_class = YearlyIndicatorSerializer
    filterset_class = YearlyIndicatorFilterSet


def register(router) -> None:
    router.register("enterprises", EnterpriseViewSet)
    router.register("yearly-indicators", YearlyIndicatorViewSet)
