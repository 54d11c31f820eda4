from rest_framework import serializers

from jinxiu.apps.core.api.generic import (
    ModelCleanMixin,
    RestrictedModelViewSet,
    TenantSerializerMixin,
)
from jinxiu.apps.cultivation import filtersets
from jinxiu.apps.cultivation.models import (
    Application,
    Evaluation,
    EvaluationRun,
    RuleSetRevision,
    TierRecord,
)


class _Tenant(ModelCleanMixin, TenantSerializerMixin, serializers.ModelSerializer):
    pass


class RuleSetRevisionSerializer(_Tenant):
    class Meta:
        model = RuleSetRevision
        fields = ["id", "organization", "code", "name", "revision", "text", "content_hash",
                  "based_on", "note", "created", "last_updated"]
        read_only_fields = ["name", "revision", "content_hash", "based_on", "created",
                            "last_updated"]


class TierRecordSerializer(_Tenant):
    class Meta:
        model = TierRecord
        fields = ["id", "organization", "tier", "ruleset", "version", "granted_on",
                  "expires_on", "certificate_no", "granted_by", "source", "revoked_on",
                  "reminded_on", "note"]
        read_only_fields = ["reminded_on"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and "organization" in fields:
            from jinxiu.apps.cultivation.selectors import reviewable_organizations

            fields["organization"].queryset = reviewable_organizations(user=request.user)
        return fields


class EvaluationRunSerializer(_Tenant):
    class Meta:
        model = EvaluationRun
        fields = ["id", "organization", "ruleset", "assessed_on", "filters", "job", "counts",
                  "finished", "note"]
        read_only_fields = ["organization", "ruleset", "assessed_on", "filters", "job",
                            "counts", "finished"]


class EvaluationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evaluation
        fields = ["id", "organization", "run", "ruleset", "version", "content_hash",
                  "assessed_on", "status", "classification", "missing", "changes",
                  "change_count", "effort", "feasible", "verdict"]
        read_only_fields = fields


class ApplicationSerializer(_Tenant):
    class Meta:
        model = Application
        fields = ["id", "organization", "tier", "ruleset", "assessed_on", "facts", "note",
                  "status", "precheck_status", "precheck", "submitted_at", "decided_at",
                  "reasons", "record"]
        # facts change on the page, where the pre-check runs with them
        read_only_fields = ["organization", "tier", "ruleset", "assessed_on", "facts",
                            "status", "precheck_status", "precheck", "submitted_at",
                            "decided_at", "reasons", "record"]


class RuleSetRevisionViewSet(RestrictedModelViewSet):
    queryset = RuleSetRevision.objects.select_related("organization")
    serializer_class = RuleSetRevisionSerializer
    filterset_class = filtersets.RuleSetRevisionFilterSet
    http_method_names = ["get", "patch", "head", "options"]

    def perform_update(self, serializer):
        from django.core.exceptions import ValidationError as DjangoValidationError
        from rest_framework.exceptions import ValidationError

        try:
            super().perform_update(serializer)
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc


class TierRecordViewSet(RestrictedModelViewSet):
    """Tier records; every write keeps the enterprise's registry tags in step."""

    queryset = TierRecord.objects.select_related("organization")
    serializer_class = TierRecordSerializer
    filterset_class = filtersets.TierRecordFilterSet

    def _sync(self, organization):
        from jinxiu.apps.cultivation.services import tier_tags_sync

        tier_tags_sync(organization=organization, user=self.request.user)

    def perform_create(self, serializer):
        super().perform_create(serializer)
        self._sync(serializer.instance.organization)

    def perform_update(self, serializer):
        super().perform_update(serializer)
        self._sync(serializer.instance.organization)

    def perform_destroy(self, instance):
        organization = instance.organization
        super().perform_destroy(instance)
        self._sync(organization)


class EvaluationRunViewSet(RestrictedModelViewSet):
    queryset = EvaluationRun.objects.select_related("ruleset")
    serializer_class = EvaluationRunSerializer
    filterset_class = filtersets.EvaluationRunFilterSet
    http_method_names = ["get", "patch", "delete", "head", "options"]


class EvaluationViewSet(RestrictedModelViewSet):
    queryset = Evaluation.objects.all()
    serializer_class = EvaluationSerializer
    filterset_class = filtersets.EvaluationFilterSet
    http_method_names = ["get", "head", "options"]


class ApplicationViewSet(RestrictedModelViewSet):
    """Read applications; create and change drafts (the review steps are on the pages)."""

    queryset = Application.objects.all()
    serializer_class = ApplicationSerializer
    filterset_class = filtersets.ApplicationFilterSet
    http_method_names = ["get", "patch", "head", "options"]

    def perform_update(self, serializer):
        from django.utils.translation import gettext as _
        from rest_framework.exceptions import ValidationError

        if not serializer.instance.editable:
            raise ValidationError(
                {"status": _("Only a draft or a returned application can be changed.")})
        super().perform_update(serializer)


def register(router) -> None:
    router.register("cultivation/rulesets", RuleSetRevisionViewSet, basename="rulesetrevision")
    router.register("cultivation/records", TierRecordViewSet, basename="tierrecord")
    router.register("cultivation/runs", EvaluationRunViewSet, basename="evaluationrun")
    router.register("cultivation/evaluations", EvaluationViewSet, basename="evaluation")
    router.register("cultivation/applications", ApplicationViewSet, basename="application")
