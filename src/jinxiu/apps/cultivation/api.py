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
        read_only_fields = ["job", "counts", "finished"]

    def validate(self, attrs):
        if self.instance is not None:  # a run's rules, date and scope are what it ran with
            attrs = {k: v for k, v in attrs.items() if k == "note"}
        return super().validate(attrs)


class EvaluationSerializer(serializers.ModelSerializer):
    # verdicts as the engine writes them: qualifies / does_not_qualify / cannot_tell
    status = serializers.CharField(read_only=True)

    class Meta:
        model = Evaluation
        fields = ["id", "organization", "run", "ruleset", "version", "content_hash",
                  "assessed_on", "status", "classification", "missing", "changes",
                  "change_count", "effort", "feasible", "verdict"]
        read_only_fields = fields


class ApplicationSerializer(_Tenant):
    # draft / submitted / under_review / approved / returned; the verdict as the engine's
    status = serializers.CharField(read_only=True)
    precheck_status = serializers.CharField(read_only=True)

    class Meta:
        model = Application
        fields = ["id", "organization", "tier", "ruleset", "assessed_on", "facts", "note",
                  "status", "precheck_status", "precheck", "submitted_at", "decided_at",
                  "reasons", "record"]
        # facts change on the page, where the pre-check runs with them
        read_only_fields = ["ruleset", "facts", "status", "precheck_status", "precheck",
                            "submitted_at", "decided_at", "reasons", "record"]

    def validate(self, attrs):
        if self.instance is not None:  # the enterprise and the tier are fixed once made
            attrs.pop("organization", None)
            attrs.pop("tier", None)
        elif attrs.get("tier"):
            from jinxiu.apps.cultivation.selectors import ruleset_current
            from jinxiu.apps.cultivation.tiers import tier

            attrs["ruleset"] = ruleset_current(user=self.context["request"].user,
                                               code=tier(attrs["tier"]).ruleset)
        return super().validate(attrs)


class RuleSetRevisionViewSet(RestrictedModelViewSet):
    """Rule-set revisions; the text is checked by the engine's loader (ModelCleanMixin runs
    the model's clean, which parses it) and a new one gets the next revision number."""

    queryset = RuleSetRevision.objects.select_related("organization")
    serializer_class = RuleSetRevisionSerializer
    filterset_class = filtersets.RuleSetRevisionFilterSet

    def perform_create(self, serializer):
        from jinxiu.apps.cultivation.services import ruleset_next_revision

        data = serializer.validated_data
        serializer.validated_data["revision"] = ruleset_next_revision(data.get("organization"),
                                                               data.get("code", ""))
        super().perform_create(serializer)


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
    """Creating a run starts the evaluation job, as on the page."""

    queryset = EvaluationRun.objects.select_related("ruleset")
    serializer_class = EvaluationRunSerializer
    filterset_class = filtersets.EvaluationRunFilterSet

    def perform_create(self, serializer):
        from django.core.exceptions import ValidationError as DjangoValidationError
        from django.db import transaction
        from rest_framework.exceptions import ValidationError

        from jinxiu.apps.cultivation.services import evaluation_run_start

        data = serializer.validated_data
        try:
            with transaction.atomic():
                serializer.instance = evaluation_run_start(
                    user=self.request.user, organization=data["organization"],
                    ruleset=data["ruleset"], assessed_on=data["assessed_on"],
                    filters=data.get("filters") or {}, note=data.get("note", ""))
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc


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

    def _precheck(self, application):
        from jinxiu.apps.cultivation.selectors import enterprise_facts
        from jinxiu.apps.cultivation.services import application_precheck
        from jinxiu.apps.enterprises.models import Enterprise

        enterprise = Enterprise.objects.filter(organization_id=application.organization_id) \
            .select_related("organization").first()
        base = enterprise_facts(user=self.request.user, enterprise=enterprise,
                                on=application.assessed_on) if enterprise else {"facts": {}}
        application_precheck(application=application, base_facts=base)
        application.save()

    def perform_create(self, serializer):
        super().perform_create(serializer)
        self._precheck(serializer.instance)

    def perform_destroy(self, instance):
        from django.utils.translation import gettext as _
        from rest_framework.exceptions import PermissionDenied

        if instance.status != Application.Status.DRAFT:
            raise PermissionDenied(_("Only a draft can be deleted."))
        super().perform_destroy(instance)

    def perform_update(self, serializer):
        from django.utils.translation import gettext as _
        from rest_framework.exceptions import ValidationError

        if not serializer.instance.editable:
            raise ValidationError(
                {"status": _("Only a draft or a returned application can be changed.")})
        super().perform_update(serializer)
        self._precheck(serializer.instance)


def register(router) -> None:
    router.register("cultivation/rulesets", RuleSetRevisionViewSet, basename="rulesetrevision")
    router.register("cultivation/records", TierRecordViewSet, basename="tierrecord")
    router.register("cultivation/runs", EvaluationRunViewSet, basename="evaluationrun")
    router.register("cultivation/evaluations", EvaluationViewSet, basename="evaluation")
    router.register("cultivation/applications", ApplicationViewSet, basename="application")
