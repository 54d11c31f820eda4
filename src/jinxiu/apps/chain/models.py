"""The chain atlas: the taxonomy's nodes, enterprises' links to them, reference figures.

``ChainNode`` rows are loaded from the engine's taxonomy file (``organization`` empty: changed
by system administrators only) and extended by a region's bureau or association (their own
rows, under any node). ``EnterpriseLink`` says an enterprise belongs to a node, with the
evidence; the auto-linker writes it, a person confirms or rejects it, and a re-run keeps that
decision. ``ChainBenchmark`` holds a reference region's figures for the location quotient.
All three are public facts (every signed-in user reads them); figures of enterprises are not
stored here: the atlas aggregates yearly indicators at read time (selectors.py).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jinxiu.apps.core.models import Organization, Region
from jinxiu.apps.core.models.base import (
    ChangeLoggedModel,
    DataCategory,
    TenantModel,
    Visibility,
)
from jinxiu.apps.enterprises.industry import validate_industry_codes
from jinxiu.apps.enterprises.models import Enterprise


def _words(value) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(_("A list of words is expected."), code="not_a_list")


class ChainNode(ChangeLoggedModel):
    code = models.CharField(
        _("code"), max_length=40, unique=True,
        validators=[RegexValidator(r"^[a-z0-9_]+$",
                                   _("Lower-case letters, digits and underscores only."))])
    name = models.CharField(_("name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children", verbose_name=_("parent"))
    path = models.CharField(_("path"), max_length=400, editable=False, db_index=True)
    level = models.PositiveSmallIntegerField(_("level"), editable=False, default=1)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    industry_codes = models.JSONField(_("industry codes (GB/T 4754-2017)"), default=list,
                                      blank=True, validators=[validate_industry_codes])
    keywords = models.JSONField(_("keywords"), default=list, blank=True, validators=[_words])
    products = models.JSONField(_("typical products"), default=list, blank=True,
                                validators=[_words])
    technologies = models.JSONField(_("key common technologies"), default=list, blank=True,
                                    validators=[_words])
    applications = models.JSONField(_("application fields"), default=list, blank=True,
                                    validators=[_words])
    source = models.TextField(_("source"), blank=True)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("added by"),
        help_text=_("Empty for the nodes of the shipped taxonomy."))
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("region"),
        help_text=_("A region's own node applies to that region and the regions under it."))

    visibility = Visibility.PUBLIC
    tenant_lookup = "organization_id"
    tenant_write_roles = ("admin", "officer")

    class Meta:
        ordering = ["path"]
        verbose_name = _("chain node")
        verbose_name_plural = _("chain nodes")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("chain:chainnode_detail", args=[self.pk])

    def changelog_organization_id(self) -> int | None:
        return self.organization_id

    @property
    def is_shipped(self) -> bool:
        return self.organization_id is None

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if self.organization_id is not None and self.parent_id is None:
            errors.setdefault("parent", []).append(
                _("A region's own node sits under a node of the chain."))
        if self.parent_id and self.pk:
            node = self.parent
            while node is not None:
                if node.pk == self.pk:
                    errors.setdefault("parent", []).append(
                        _("A node cannot sit under itself."))
                    break
                node = node.parent
        if self.organization_id and self.region_id is None:
            self.region = self.organization.region
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        old_path = None
        if self.pk:
            old_path = ChainNode.objects.filter(pk=self.pk).values_list("path", flat=True).first()
        if self.parent_id:
            parent = ChainNode.objects.only("path", "level").get(pk=self.parent_id)
            self.path, self.level = f"{parent.path}/{self.code}", parent.level + 1
        else:
            self.path, self.level = self.code, 1
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            for child in self.children.all():
                child.save()


class EnterpriseLink(ChangeLoggedModel):
    class Grade(models.TextChoices):
        STRONG = "strong", _("Strong")
        MEDIUM = "medium", _("Medium")
        WEAK = "weak", _("Weak")

    class Decision(models.TextChoices):
        AUTO = "auto", _("Automatic (not reviewed)")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE,
                                   related_name="chain_links", verbose_name=_("enterprise"))
    node = models.ForeignKey(ChainNode, on_delete=models.CASCADE, related_name="links",
                             verbose_name=_("chain node"))
    grade = models.CharField(_("evidence grade"), max_length=8, choices=Grade.choices,
                             default=Grade.MEDIUM)
    reasons = models.JSONField(_("evidence"), default=list, blank=True, editable=False)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices,
                                default=Decision.AUTO)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("decided by"), editable=False)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    note = models.CharField(_("note"), max_length=200, blank=True)

    visibility = Visibility.PUBLIC
    tenant_lookup = "enterprise__organization_id"
    tenant_write_roles = ("admin", "officer")

    # the links the atlas counts: a person's confirmation, or automatic at medium or better
    COUNTED = models.Q(decision="confirmed") | models.Q(decision="auto",
                                                        grade__in=["strong", "medium"])

    class Meta:
        ordering = ["enterprise__organization__name", "node__path"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "node"],
                                               name="unique_enterprise_node_link")]
        # the registry's chain-node filter and the atlas read a node's counted firms from
        # this index alone (SQLite, 100,000 firms: the list page 230 -> 112 ms)
        indexes = [models.Index(fields=["node", "decision", "grade", "enterprise"],
                                name="link_node_counted")]
        verbose_name = _("chain link")
        verbose_name_plural = _("chain links")

    def __str__(self) -> str:
        return f"{self.enterprise.organization.name} → {self.node.name}"

    def get_absolute_url(self) -> str:
        return reverse("chain:enterpriselink_detail", args=[self.pk])

    def changelog_organization_id(self) -> int | None:
        return self.enterprise.organization_id

    @property
    def counted(self) -> bool:
        return self.decision == self.Decision.CONFIRMED or (
            self.decision == self.Decision.AUTO and self.grade in ("strong", "medium"))


class ChainBenchmark(ChangeLoggedModel):
    """A reference region's figures for the location quotient (区位熵), from a yearbook."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("entered by"))
    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("region"),
                               help_text=_("The region these figures are compared for."))
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1949), MaxValueValidator(2100)])
    local_total_output = models.DecimalField(
        _("region's total industrial output (10,000 yuan)"), max_digits=16, decimal_places=2,
        validators=[MinValueValidator(0)])
    reference_name = models.CharField(_("reference region"), max_length=100)
    reference_total_output = models.DecimalField(
        _("reference total industrial output (10,000 yuan)"), max_digits=18, decimal_places=2,
        validators=[MinValueValidator(0)])
    node_outputs = models.JSONField(
        _("reference output by node (10,000 yuan)"), default=dict, blank=True,
        help_text=_("Node code → the reference region's output of that node."))
    source = models.CharField(_("source"), max_length=300)

    visibility = Visibility.PUBLIC
    tenant_lookup = "organization_id"
    tenant_write_roles = ("admin", "officer")

    class Meta:
        ordering = ["region__code", "-year", "name"]
        verbose_name = _("reference figures")
        verbose_name_plural = _("reference figures")

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"

    def get_absolute_url(self) -> str:
        return reverse("chain:chainbenchmark_detail", args=[self.pk])

    def changelog_organization_id(self) -> int | None:
        return self.organization_id

    def clean(self) -> None:
        outputs = self.node_outputs
        if not isinstance(outputs, dict):
            raise ValidationError({"node_outputs": _("A mapping of node code to output is "
                                                     "expected.")})
        known = set(ChainNode.objects.filter(code__in=list(outputs)).values_list("code",
                                                                                  flat=True))
        errors = []
        for code, value in outputs.items():
            if code not in known:
                errors.append(_("Unknown chain node %(code)s.") % {"code": code})
            elif not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
                errors.append(_("Node %(code)s: %(value)s is not an output (a number ≥ 0).")
                              % {"code": code, "value": value})
        if errors:
            raise ValidationError({"node_outputs": errors})


def _validate_investments(value) -> None:
    """``{"2025": {"planned": 1200, "completed": 800}, ...}`` (10,000 yuan)."""
    if not isinstance(value, dict):
        raise ValidationError(_("Investment by year is a mapping of year to amounts."))
    errors = []
    for year, amounts in value.items():
        if not str(year).isdigit() or not 1949 <= int(year) <= 2100:
            errors.append(_("“%(y)s” is not a year.") % {"y": year})
            continue
        if not isinstance(amounts, dict) or set(amounts) - {"planned", "completed"}:
            errors.append(_("%(y)s: give planned and completed amounts.") % {"y": year})
            continue
        for amount in amounts.values():
            if amount is not None and (not isinstance(amount, (int, float))
                                       or isinstance(amount, bool) or amount < 0):
                errors.append(_("%(y)s: %(v)s is not an amount (a number ≥ 0).")
                              % {"y": year, "v": amount})
    if errors:
        raise ValidationError(errors)


class KeyProject(TenantModel):
    """A key project (重点项目) in the ledger (台账) kept by a bureau, association or park."""

    class Kind(models.TextChoices):
        NEW = "new", _("New build (新建)")
        EXPANSION = "expansion", _("Expansion (扩建)")
        UPGRADE = "upgrade", _("Technical upgrade (技改)")
        INVESTMENT = "investment", _("Attracted investment (招商引进)")
        PLATFORM = "platform", _("Platform (平台)")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned (谋划)")
        SIGNED = "signed", _("Signed (签约)")
        BUILDING = "building", _("Under construction (在建)")
        COMPLETED = "completed", _("Completed (竣工)")
        OPERATING = "operating", _("In production (投产)")
        STALLED = "stalled", _("Stalled (停滞)")

    code = models.CharField(_("project number"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    owner_enterprise = models.ForeignKey(
        Enterprise, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("owner enterprise"))
    owner_name = models.CharField(_("owner (not in the registry)"), max_length=200, blank=True)
    node = models.ForeignKey(ChainNode, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="projects", verbose_name=_("chain node"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("region"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.NEW)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.PLANNED)
    planned_investment = models.DecimalField(
        _("planned total investment (10,000 yuan)"), max_digits=14, decimal_places=2,
        null=True, blank=True, validators=[MinValueValidator(0)])
    investments = models.JSONField(_("investment by year (10,000 yuan)"), default=dict,
                                   blank=True, validators=[_validate_investments])
    start_date = models.DateField(_("planned start"), null=True, blank=True)
    end_date = models.DateField(_("planned completion"), null=True, blank=True)
    officer = models.CharField(_("responsible officer"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)

    data_category = DataCategory.FINANCIAL

    class Meta:
        ordering = ["organization__name", "code"]
        constraints = [models.UniqueConstraint(fields=["organization", "code"],
                                               name="unique_project_code")]
        verbose_name = _("key project")
        verbose_name_plural = _("key projects")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("chain:keyproject_detail", args=[self.pk])

    @property
    def owner_label(self) -> str:
        return self.owner_enterprise.organization.name if self.owner_enterprise_id \
            else self.owner_name

    def year_rows(self) -> list[tuple[int, float | None, float | None]]:
        return [(int(y), v.get("planned"), v.get("completed"))
                for y, v in sorted((self.investments or {}).items())]

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("Completion comes after the start.")})


class Milestone(ChangeLoggedModel):
    """A milestone of a key project (reached only through its project's pages)."""

    project = models.ForeignKey(KeyProject, on_delete=models.CASCADE,
                                related_name="milestones", verbose_name=_("key project"))
    name = models.CharField(_("name"), max_length=200)
    planned_date = models.DateField(_("planned date"))
    actual_date = models.DateField(_("actual date"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["planned_date", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.name

    def changelog_organization_id(self) -> int | None:
        return self.project.organization_id

    def overdue_days(self, today) -> int:
        if self.actual_date is not None or self.planned_date >= today:
            return 0
        return (today - self.planned_date).days


class Platform(ChangeLoggedModel):
    """A key platform (重点平台) of the chain: an innovation or testing centre, a public service
    platform … kept in a list by a bureau or association. Recognitions are published, so the
    list is public; its keeper's administrators and officers change it."""

    class Kind(models.TextChoices):
        INNOVATION_CENTER = "innovation", _("Innovation centre (创新中心)")
        TECHNOLOGY_CENTER = "technology", _("Enterprise technology centre (企业技术中心)")
        TESTING_CENTER = "testing", _("Testing centre (检测中心)")
        DESIGN_CENTER = "design", _("Design centre (设计中心)")
        PUBLIC_SERVICE = "public_service", _("Public service platform (公共服务平台)")
        INDUSTRIAL_INTERNET = "internet", _("Industrial internet platform (工业互联网平台)")
        INCUBATOR = "incubator", _("Incubator (孵化器/众创空间)")

    class Level(models.TextChoices):
        NATIONAL = "national", _("National (国家级)")
        PROVINCIAL = "provincial", _("Provincial (省级)")
        MUNICIPAL = "municipal", _("Municipal (市级)")
        COUNTY = "county", _("County (县级)")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("kept by"))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    owner_enterprise = models.ForeignKey(
        Enterprise, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("owner enterprise"))
    owner_name = models.CharField(_("owner (not in the registry)"), max_length=200, blank=True,
                                  help_text=_("A university, institute or association."))
    node = models.ForeignKey(ChainNode, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="platforms", verbose_name=_("chain node"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("region"))
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    recognized_year = models.PositiveSmallIntegerField(
        _("year recognized"), null=True, blank=True,
        validators=[MinValueValidator(1949), MaxValueValidator(2100)])
    note = models.TextField(_("note"), blank=True)

    visibility = Visibility.PUBLIC
    tenant_lookup = "organization_id"
    tenant_write_roles = ("admin", "officer")

    class Meta:
        ordering = ["region__code", "level", "name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"],
                                               name="unique_platform_name")]
        verbose_name = _("key platform")
        verbose_name_plural = _("key platforms")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("chain:platform_detail", args=[self.pk])

    def changelog_organization_id(self) -> int | None:
        return self.organization_id

    @property
    def owner_label(self) -> str:
        return self.owner_enterprise.organization.name if self.owner_enterprise_id \
            else self.owner_name

    def clean(self) -> None:
        if not self.owner_enterprise_id and not self.owner_name.strip():
            raise ValidationError({"owner_name": _(
                "Name the owner: an enterprise of the registry, or another body.")})
