from rest_framework import serializers

from jinxiu.apps.core.models import JobRun, ObjectChange, Organization, Region


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name", "level", "parent", "full_name"]


class OrganizationSerializer(serializers.ModelSerializer):
    region_code = serializers.CharField(source="region.code", read_only=True, default=None)

    class Meta:
        model = Organization
        fields = ["id", "name", "short_name", "kind", "region", "region_code", "credit_code",
                  "description", "is_synthetic", "created", "last_updated"]
        read_only_fields = ["is_synthetic", "created", "last_updated"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and not request.user.is_superuser:
            for name in Organization.SCOPE_FIELDS:
                fields[name].read_only = True
        return fields


class JobRunSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)

    class Meta:
        model = JobRun
        fields = ["id", "kind", "label", "params", "status", "progress", "message", "result",
                  "error", "attempts", "created", "started", "finished"]
        read_only_fields = fields


class ObjectChangeSerializer(serializers.ModelSerializer):
    object_type = serializers.CharField(source="changed_object_type.model", read_only=True)

    class Meta:
        model = ObjectChange
        fields = ["id", "time", "user", "user_name", "request_id", "source", "action",
                  "object_type", "changed_object_id", "object_repr", "prechange_data",
                  "postchange_data"]
        read_only_fields = fields
