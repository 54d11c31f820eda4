from rest_framework import serializers

from jinxiu.apps.core.api.generic import (
    ModelCleanMixin,
    RestrictedModelViewSet,
    TenantSerializerMixin,
)
from jinxiu.apps.core.uploads import validate_upload
from jinxiu.apps.documents.filtersets import DocumentFilterSet
from jinxiu.apps.documents.models import Document


class DocumentSerializer(ModelCleanMixin, TenantSerializerMixin, serializers.ModelSerializer):
    class Meta:
        model = Document
        fields = ["id", "organization", "title", "kind", "number", "issued_by", "issued_on",
                  "expires_on", "file", "original_name", "note", "uploaded_by", "created",
                  "last_updated"]
        read_only_fields = ["original_name", "uploaded_by", "created", "last_updated"]

    def validate_file(self, value):
        if value is not None:
            try:
                validate_upload(value)
            except Exception as exc:
                raise serializers.ValidationError(getattr(exc, "messages", [str(exc)])) from exc
        return value

    def update(self, instance, validated_data):
        upload = validated_data.get("file")
        if upload is not None:
            validated_data["original_name"] = upload.name[:200]
        return super().update(instance, validated_data)

    def create(self, validated_data):
        request = self.context["request"]
        upload = validated_data.get("file")
        validated_data["uploaded_by"] = request.user
        if upload is not None:
            validated_data["original_name"] = upload.name[:200]
        return super().create(validated_data)


class DocumentViewSet(RestrictedModelViewSet):
    queryset = Document.objects.select_related("organization")
    serializer_class = DocumentSerializer
    filterset_class = DocumentFilterSet


def register(router) -> None:
    router.register("documents", DocumentViewSet)
