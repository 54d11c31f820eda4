from rest_framework import mixins, viewsets

from jinxiu.apps.core.api.generic import RestrictedModelViewSet
from jinxiu.apps.core.api.serializers import (
    JobRunSerializer,
    ObjectChangeSerializer,
    OrganizationSerializer,
    RegionSerializer,
)
from jinxiu.apps.core.filtersets import (
    JobRunFilterSet,
    ObjectChangeFilterSet,
    OrganizationFilterSet,
)
from jinxiu.apps.core.models import JobRun, ObjectChange, Organization, Region


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    filterset_fields = ["code", "level", "parent"]

    def get_queryset(self):
        return self.queryset.restrict(self.request.user, "view")


class OrganizationViewSet(RestrictedModelViewSet):
    http_method_names = ["get", "post", "put", "patch", "head", "options"]  # no delete
    queryset = Organization.objects.select_related("region")
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilterSet


class JobRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = JobRun.objects.select_related("owner")
    serializer_class = JobRunSerializer
    filterset_class = JobRunFilterSet

    def get_queryset(self):
        return self.queryset.restrict(self.request.user, "view")


class ObjectChangeViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = ObjectChange.objects.select_related("changed_object_type")
    serializer_class = ObjectChangeSerializer
    filterset_class = ObjectChangeFilterSet

    def get_queryset(self):
        return self.queryset.restrict(self.request.user, "view")
