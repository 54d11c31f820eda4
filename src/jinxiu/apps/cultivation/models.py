"""Tiered cultivation (梯度培育): rule-set revisions, tier records, evaluations, applications.

- ``RuleSetRevision``: the text of one rule-set file (all its versions) as the platform uses it.
  Shipped files are copied in as revisions without an owner; a bureau copies one, edits it and
  gives it new effective dates. A revision that a verdict or a record points at is frozen.
- ``TierRecord``: an enterprise holds a tier (创新型中小企业, 专精特新, 小巨人, 高企 …) from a date
  to an expiry/review date, with the certificate number. Imported from the bureau's lists or
  created by approving an application. Valid records set the registry's tags.
- ``EvaluationRun`` / ``Evaluation``: a batch evaluation by a bureau and its per-enterprise
  verdicts, each with the revision, version id and content hash it used.
- ``Application``: an enterprise's application for a tier: its facts, attachments (documents)
  and the engine's pre-check, reviewed by the bureau or association of its region.

Privacy: an enterprise sees only its own records, verdicts and applications; the bureau and the
association of its region reach them through ``region_reviewers`` (core.permissions).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jinxiu.apps.core.models import Organization, TenantModel
from jinxiu.apps.core.models.base import DataCategory, Visibility
from jinxiu.apps.cultivation.tiers import tier, tier_choices

REVIEWER_KINDS = ("bureau", "association")


class RuleSetRevision(TenantModel):
    code = models.CharField(_("rule set"), max_length=64,
                            help_text=_("The rule set's id in the file, e.g. zjtx_sme."))
    name = models.CharField(_("name"), max_length=200, blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("organization"),
        help_text=_("The bureau or association that keeps this copy; empty for the shipped "
                    "rule set."))
    text = models.TextField(_("rule set file (YAML)"))
    content_hash = models.CharField(_("content hash"), max_length=16, editable=False)
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("based on"))
    note = models.TextField(_("note"), blank=True)

    # Rule sets are public documents: every signed-in user reads them; the owning bureau's
    # administrators and officers change its copies; shipped ones only a system administrator.
    visibility = Visibility.PUBLIC
    tenant_write_roles = ("admin", "officer")
    data_category = None

    class Meta:
        ordering = ["code", "organization__name", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code", "revision"],
                                    name="unique_ruleset_revision"),
            models.UniqueConstraint(fields=["code", "revision"],
                                    condition=models.Q(organization__isnull=True),
                                    name="unique_shipped_ruleset_revision"),
        ]
        verbose_name = _("rule set revision")
        verbose_name_plural = _("rule set revisions")

    def __str__(self) -> str:
        owner = self.organization.name if self.organization_id else _("shipped")
        return f"{self.name or self.code} r{self.revision} ({owner})"

    def get_absolute_url(self) -> str:
        return reverse("cultivation:rulesetrevision_detail", args=[self.pk])

    @property
    def file_label(self) -> str:
        return f"{self.code}-r{self.revision}.yaml"

    def parsed(self):
        """The engine's RuleSet; raises RuleSetError."""
        from jinxiu.apps.cultivation.adapter import parse_revision

        return parse_revision(self)

    def in_use(self) -> bool:
        if self.pk is None:
            return False
        return (Evaluation._base_manager.filter(ruleset_id=self.pk).exists()
                or TierRecord._base_manager.filter(ruleset_id=self.pk).exists()
                or Application._base_manager.filter(ruleset_id=self.pk)
                .exclude(status=Application.Status.DRAFT).exists())

    def clean(self) -> None:
        from jinxiu.engines.rules import RuleSetError

        errors: dict[str, list] = {}
        if self.organization_id and self.organization.kind not in REVIEWER_KINDS:
            errors["organization"] = [_("Rule sets are kept by a bureau or an association.")]
        try:
            parsed = self.parsed()
        except RuleSetError as exc:
            errors["text"] = [str(p) for p in exc.problems]
        except (TypeError, ValueError, AttributeError, KeyError) as exc:
            # a shape the engine's loader does not check yet (e.g. a number where a list of
            # criteria belongs): refused all the same, never a server error
            errors["text"] = [_("%(file)s: the rules engine cannot read this file (%(e)s).")
                              % {"file": self.file_label, "e": type(exc).__name__}]
        else:
            if self.code and parsed.id != self.code:
                errors.setdefault("text", []).append(
                    _("The file's id is “%(id)s”; this rule set is “%(code)s”.")
                    % {"id": parsed.id, "code": self.code})
            self.name = parsed.name
        if self.pk is not None:
            stored = RuleSetRevision._base_manager.filter(pk=self.pk).values_list(
                "text", flat=True).first()
            if stored is not None and stored != self.text and self.in_use():
                errors.setdefault("text", []).append(
                    _("Verdicts or records use this revision; copy it to change the rules."))
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.content_hash = hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:16]
        super().save(*args, **kwargs)


class TierRecord(TenantModel):
    class Source(models.TextChoices):
        IMPORTED = "imported", _("Imported from a list")
        REVIEW = "review", _("Granted through review")
        MANUAL = "manual", _("Entered by hand")

    tier = models.CharField(_("tier"), max_length=32, choices=tier_choices)
    ruleset = models.ForeignKey(RuleSetRevision, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("rule set revision"))
    version = models.CharField(_("rule version"), max_length=32, blank=True)
    granted_on = models.DateField(_("date granted"))
    expires_on = models.DateField(_("expiry / review date"))
    certificate_no = models.CharField(_("certificate number"), max_length=64, blank=True)
    granted_by = models.CharField(_("granted by"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices,
                              default=Source.MANUAL)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    reminded_on = models.DateField(_("review reminder sent"), null=True, blank=True,
                                   editable=False)
    note = models.TextField(_("note"), blank=True)

    data_category = DataCategory.DOCUMENTS
    tenant_write_roles = ()  # an enterprise does not grant itself a title
    region_reviewers = {"bureau": ("view", "add", "change", "delete", "export"),
                        "association": ("view", "export")}

    class Meta:
        ordering = ["expires_on", "organization__name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "tier", "granted_on"],
                                    name="unique_tier_grant"),
        ]
        verbose_name = _("tier record")
        verbose_name_plural = _("tier records")

    def __str__(self) -> str:
        return f"{self.organization.name} {tier(self.tier).zh} {self.granted_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("cultivation:tierrecord_detail", args=[self.pk])

    @property
    def tier_label(self) -> str:
        return tier(self.tier).label

    def is_valid(self, on) -> bool:
        return (self.revoked_on is None or self.revoked_on > on) and \
            self.granted_on <= on <= self.expires_on

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if self.organization_id and self.organization.kind != Organization.Kind.ENTERPRISE:
            errors["organization"] = [_("Tier records belong to an enterprise.")]
        if self.granted_on and self.expires_on and self.expires_on <= self.granted_on:
            errors["expires_on"] = [_("The expiry date comes after the date granted.")]
        if self.revoked_on and self.granted_on and self.revoked_on < self.granted_on:
            errors["revoked_on"] = [_("A record cannot be revoked before it is granted.")]
        if errors:
            raise ValidationError(errors)


class EvaluationRun(TenantModel):
    """A batch evaluation of one rule set over the registry (or a filtered part of it)."""

    ruleset = models.ForeignKey(RuleSetRevision, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("rule set revision"))
    assessed_on = models.DateField(_("assessment date"))
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    job = models.ForeignKey("core.JobRun", null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+", verbose_name=_("job"))
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    data_category = None  # the bureau's own work; never shared

    class Meta:
        ordering = ["-created"]
        verbose_name = _("evaluation run")
        verbose_name_plural = _("evaluation runs")

    def __str__(self) -> str:
        return f"{self.ruleset.name or self.ruleset.code} @ {self.assessed_on:%Y-%m-%d} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("cultivation:evaluationrun_detail", args=[self.pk])


class Status(models.TextChoices):
    """The engine's tri-state verdict."""

    QUALIFIES = "qualifies", _("Qualifies")
    FAILS = "does_not_qualify", _("Does not qualify")
    UNKNOWN = "cannot_tell", _("Cannot tell")


class Evaluation(TenantModel):
    """One enterprise's verdict in a run, with the rules it used and its gap list."""

    run = models.ForeignKey(EvaluationRun, on_delete=models.CASCADE, related_name="evaluations",
                            verbose_name=_("evaluation run"))
    ruleset = models.ForeignKey(RuleSetRevision, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("rule set revision"))
    version = models.CharField(_("rule version"), max_length=32)
    content_hash = models.CharField(_("content hash"), max_length=32)
    assessed_on = models.DateField(_("assessment date"))
    status = models.CharField(_("verdict"), max_length=20, choices=Status.choices)
    classification = models.CharField(_("class"), max_length=64, blank=True)
    missing = models.JSONField(_("missing facts"), default=list, blank=True)
    changes = models.JSONField(_("gap list"), default=list, blank=True)
    change_count = models.PositiveIntegerField(_("changes needed"), null=True, blank=True)
    effort = models.FloatField(_("size of the changes"), null=True, blank=True)
    feasible = models.BooleanField(_("gap list complete"), default=True)
    verdict = models.JSONField(_("verdict"), default=dict, blank=True)

    data_category = DataCategory.FINANCIAL  # computed from the enterprise's figures
    tenant_write_roles = ()  # verdicts are written by runs only
    region_reviewers = {"bureau": ("view", "export"), "association": ("view", "export")}
    changelog_exclude = ("verdict",)

    class Meta:
        ordering = ["run", "organization__name"]
        constraints = [
            models.UniqueConstraint(fields=["run", "organization"], name="unique_run_verdict"),
        ]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return f"{self.organization.name} · {self.get_status_display()}"

    def get_absolute_url(self) -> str:
        return reverse("cultivation:evaluation_detail", args=[self.pk])


class Application(TenantModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        UNDER_REVIEW = "under_review", _("Under review")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")

    EDITABLE = (Status.DRAFT, Status.RETURNED)

    tier = models.CharField(_("tier"), max_length=32, choices=tier_choices)
    ruleset = models.ForeignKey(RuleSetRevision, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("rule set revision"))
    assessed_on = models.DateField(_("assessment date"))
    facts = models.JSONField(_("facts"), default=dict, blank=True)
    note = models.TextField(_("statement"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.DRAFT, editable=False)
    precheck = models.JSONField(_("pre-check"), default=dict, blank=True, editable=False)
    precheck_status = models.CharField(_("pre-check"), max_length=20, choices=Status.choices,
                                       blank=True, editable=False)
    attachments = models.ManyToManyField("documents.Document", blank=True, related_name="+",
                                         verbose_name=_("attachments"))
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("reviewer"), editable=False)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True, editable=False)
    reasons = models.TextField(_("reasons"), blank=True, editable=False)
    record = models.ForeignKey(TierRecord, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("tier record"), editable=False)

    data_category = DataCategory.DOCUMENTS
    region_reviewers = {"bureau": ("view", "review", "export"),
                        "association": ("view", "review", "export")}
    changelog_exclude = ("precheck",)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("tier application")
        verbose_name_plural = _("tier applications")

    def __str__(self) -> str:
        return f"{self.organization.name} · {tier(self.tier).zh}"

    def get_absolute_url(self) -> str:
        return reverse("cultivation:application_detail", args=[self.pk])

    @property
    def editable(self) -> bool:
        return self.status in self.EDITABLE

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if self.organization_id and self.organization.kind != Organization.Kind.ENTERPRISE:
            errors["organization"] = [_("Applications are made by an enterprise.")]
        if self.tier and self.ruleset_id and tier(self.tier).ruleset != self.ruleset.code:
            errors["ruleset"] = [_("This rule set does not decide the tier chosen.")]
        if errors:
            raise ValidationError(errors)
