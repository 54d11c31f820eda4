"""The enterprise registry: public registry facts and the enterprise's own yearly indicators.

``Enterprise`` holds facts every signed-in user may read (as for ``core.Organization``), changed
by the enterprise's own administrators and officers. ``YearlyIndicator`` is the enterprise's
financial data (category ``financial``): visible to the enterprise, to whom it shares the
category with, and to bureau statisticians of its region under a statistics policy.
Size class and 规上 are computed from the indicators (``adapter.py``), never typed: the service
``size_assessments_refresh`` keeps ``SizeAssessment`` in step whenever indicators or the main
industry change. The assessment reveals bands of revenue and employees, so it is financial
data with the indicators' visibility.
A save that changes what the chain linker reads (industry codes, business scope) sends
``signals.linking_inputs_changed``; the chain app re-links the firm.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jinxiu.apps.core.models import Organization, TenantModel
from jinxiu.apps.core.models.base import ChangeLoggedModel, DataCategory, Visibility
from jinxiu.apps.core.querysets import RestrictedManager
from jinxiu.apps.core.uscc import normalize, validate_uscc
from jinxiu.apps.enterprises.industry import (
    industry_label,
    validate_industry_code,
    validate_industry_codes,
)
from jinxiu.apps.enterprises.tags import tag_label, validate_tags

MONEY = {"max_digits": 14, "decimal_places": 2, "null": True, "blank": True}


def _list_of_strings(value) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(_("A list of names is expected."), code="not_a_list")


class Enterprise(ChangeLoggedModel):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active (存续)")
        OPERATING = "operating", _("In business (在业)")
        REVOKED = "revoked", _("Licence revoked (吊销)")
        CANCELLED = "cancelled", _("Deregistered (注销)")
        MOVED_OUT = "moved_out", _("Moved out (迁出)")
        SUSPENDED = "suspended", _("Suspended (停业)")

    organization = models.OneToOneField(
        Organization, on_delete=models.PROTECT, related_name="enterprise",
        verbose_name=_("organization"),
        limit_choices_to={"kind": Organization.Kind.ENTERPRISE},
    )
    former_names = models.JSONField(_("former names"), default=list, blank=True,
                                    validators=[_list_of_strings])
    legal_representative = models.CharField(_("legal representative"), max_length=64,
                                            blank=True)
    registered_capital = models.DecimalField(
        _("registered capital (10,000 yuan)"), max_digits=14, decimal_places=2, null=True,
        blank=True, validators=[MinValueValidator(0)])
    established_on = models.DateField(_("date established"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.ACTIVE)
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True,
                                   blank=True, validators=[MinValueValidator(-90),
                                                           MaxValueValidator(90)])
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True,
                                    blank=True, validators=[MinValueValidator(-180),
                                                            MaxValueValidator(180)])
    business_scope = models.TextField(_("business scope"), blank=True)
    main_industry = models.CharField(
        _("main industry (GB/T 4754-2017)"), max_length=4, blank=True,
        validators=[validate_industry_code])
    secondary_industries = models.JSONField(
        _("secondary industries (GB/T 4754-2017)"), default=list, blank=True,
        validators=[validate_industry_codes])
    tags = models.JSONField(_("tags"), default=list, blank=True, validators=[validate_tags])
    # name, former names, code and scope with their jieba tokens (search.py); rebuilt on save
    search_index = models.TextField(_("search index"), blank=True, default="", editable=False)

    # Registry facts: every signed-in user reads them; the enterprise's own administrators and
    # officers change them (core.permissions reads tenant_lookup / tenant_write_roles).
    visibility = Visibility.PUBLIC
    tenant_lookup = "organization_id"
    tenant_write_roles = ("admin", "officer")
    changelog_exclude = ("search_index",)

    class Meta:
        ordering = ["organization__name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    # what the chain linker reads of a firm: when one of these changes, its links follow
    LINKING_FIELDS = ("main_industry", "secondary_industries", "business_scope")

    def __str__(self) -> str:
        return self.organization.name

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._linking_loaded = instance.linking_inputs()
        return instance

    def linking_inputs(self) -> tuple:
        """The linker's inputs as they are now (``None`` for a field not loaded). Read from
        ``__dict__``: cheap enough for every row a page loads, and no deferred field is
        fetched."""
        values = self.__dict__
        secondary = values.get("secondary_industries")
        return (values.get("main_industry"),
                tuple(secondary) if isinstance(secondary, list) else secondary,
                values.get("business_scope"))

    def changelog_organization_id(self) -> int | None:
        return self.organization_id

    def get_absolute_url(self) -> str:
        return reverse("enterprises:enterprise_detail", args=[self.pk])

    @property
    def credit_code(self) -> str:
        return self.organization.credit_code or ""

    @property
    def region(self):
        return self.organization.region

    @property
    def main_industry_label(self) -> str:
        return industry_label(self.main_industry)

    @property
    def secondary_industry_labels(self) -> list[str]:
        return [industry_label(c) for c in self.secondary_industries or []]

    @property
    def tag_labels(self) -> list[str]:
        return [tag_label(t) for t in self.tags or []]

    def clean(self) -> None:
        errors: dict[str, list] = {}
        org = self.organization if self.organization_id else None
        if org is not None:
            if org.kind != Organization.Kind.ENTERPRISE:
                errors.setdefault("organization", []).append(
                    _("Only an organization of kind enterprise has a registry record."))
            if org.credit_code:
                try:
                    validate_uscc(org.credit_code, region=org.region)
                except ValidationError as exc:
                    errors.setdefault("organization", []).extend(exc.messages)
        self.secondary_industries = [c.strip() for c in self.secondary_industries or [] if
                                     isinstance(c, str) and c.strip()] \
            if isinstance(self.secondary_industries, list) else self.secondary_industries
        if self.main_industry and self.main_industry in (self.secondary_industries or []):
            errors.setdefault("secondary_industries", []).append(
                _("The main industry is not also a secondary industry."))
        if (self.latitude is None) != (self.longitude is None):
            errors.setdefault("longitude", []).append(
                _("Give both latitude and longitude, or neither."))
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        # The credit code lives on the organization; it is checked whenever the registry
        # record is written, whatever the path (form, API, demo, shell).
        org = self.organization
        if org.credit_code:
            normalized = normalize(org.credit_code)
            validate_uscc(normalized, region=org.region)
        self.search_index = self.build_search_index()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "search_index" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "search_index"]
        created = self.pk is None or self._state.adding
        super().save(*args, **kwargs)
        inputs = self.linking_inputs()
        if created or inputs != getattr(self, "_linking_loaded", None):
            self._linking_loaded = inputs
            if not getattr(self, "defer_linking", False):
                # the chain app re-links this firm (keeping people's decisions); the import
                # job sets ``defer_linking`` and sends one signal for the whole file
                from jinxiu.apps.enterprises.signals import linking_inputs_changed

                linking_inputs_changed.send(sender=Enterprise, enterprise_ids=[self.pk])

    def build_search_index(self) -> str:
        from jinxiu.apps.enterprises.search import index_text

        org = self.organization
        return index_text(name=org.name, short_name=org.short_name,
                          former_names=self.former_names or [],
                          credit_code=org.credit_code or "",
                          business_scope=self.business_scope)


class YearlyIndicator(TenantModel):
    class Source(models.TextChoices):
        SELF_REPORTED = "self_reported", _("Self-reported")
        STATISTICS = "statistics", _("Statistics filing")
        IMPORTED = "imported", _("Imported")

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1949), MaxValueValidator(2100)])
    operating_revenue = models.DecimalField(_("operating revenue (10,000 yuan)"), **MONEY)
    industrial_output = models.DecimalField(_("industrial output (10,000 yuan)"), **MONEY)
    profit = models.DecimalField(_("profit (10,000 yuan)"), **MONEY)
    tax = models.DecimalField(_("tax paid (10,000 yuan)"), **MONEY)
    rd_expense = models.DecimalField(_("R&D expense (10,000 yuan)"), **MONEY)
    exports = models.DecimalField(_("exports (10,000 yuan)"), **MONEY)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    invention_patents = models.PositiveIntegerField(_("invention patents"), null=True,
                                                    blank=True)
    utility_model_patents = models.PositiveIntegerField(_("utility model patents"), null=True,
                                                        blank=True)
    design_patents = models.PositiveIntegerField(_("design patents"), null=True, blank=True)
    software_copyrights = models.PositiveIntegerField(_("software copyrights"), null=True,
                                                      blank=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices,
                              default=Source.SELF_REPORTED)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("entered by"),
    )

    data_category = DataCategory.FINANCIAL

    class Meta:
        ordering = ["organization__name", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"],
                                    name="unique_indicator_year"),
        ]
        verbose_name = _("yearly indicator")
        verbose_name_plural = _("yearly indicators")

    def __str__(self) -> str:
        # the owner's name is a public fact; the figures are not
        return f"{self.organization.name} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("enterprises:yearlyindicator_detail", args=[self.pk])

    def clean(self) -> None:
        if self.organization_id and self.organization.kind != Organization.Kind.ENTERPRISE:
            raise ValidationError(
                {"organization": _("Yearly indicators belong to an enterprise.")})


class SizeAssessment(TenantModel):
    """The size class (统计上大中小微型企业划分办法 2017) and 规上 status the rules engine
    derives from the enterprise's latest usable yearly indicator. Maintained by the system
    (``services.size_assessments_refresh``), never entered; category ``financial`` like the
    indicators it rests on, because "large" tells a viewer revenue and employees are above the
    thresholds."""

    class SizeClass(models.TextChoices):
        LARGE = "large", _("Large (大型)")
        MEDIUM = "medium", _("Medium (中型)")
        SMALL = "small", _("Small (小型)")
        MICRO = "micro", _("Micro (微型)")

    year = models.PositiveSmallIntegerField(_("indicator year"))
    size_class = models.CharField(_("size class"), max_length=8, choices=SizeClass.choices,
                                  blank=True)
    above_scale = models.BooleanField(_("above designated size (规上)"), null=True)
    size_text = models.TextField(_("size class reasons"), blank=True)
    above_scale_text = models.TextField(_("above designated size reasons"), blank=True)

    data_category = DataCategory.FINANCIAL
    tenant_write_roles = ()  # computed, nobody types it

    class Meta:
        ordering = ["organization__name"]
        constraints = [models.UniqueConstraint(fields=["organization"],
                                               name="unique_size_assessment")]
        indexes = [models.Index(fields=["size_class", "organization"]),
                   models.Index(fields=["above_scale", "organization"])]
        verbose_name = _("size assessment")
        verbose_name_plural = _("size assessments")

    def __str__(self) -> str:
        return f"{self.organization.name} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("enterprises:enterprise_detail", args=[self.organization.enterprise.pk])


class ImportKind(models.TextChoices):
    ENTERPRISES = "enterprises", _("Enterprises (registry facts)")
    INDICATORS = "indicators", _("Yearly indicators")


class ImportMapping(models.Model):
    """How an organization's spreadsheets name their columns, remembered for the next file:
    normalized header → field."""

    organization = models.ForeignKey(Organization, null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("organization"))
    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices)
    columns = models.JSONField(_("columns"), default=dict, blank=True)
    last_updated = models.DateTimeField(_("last updated"), auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "kind"],
                                               name="unique_import_mapping")]
        verbose_name = _("import mapping")
        verbose_name_plural = _("import mappings")

    def __str__(self) -> str:
        return f"{self.organization or '-'} {self.kind}"


def _import_upload_to(instance, filename: str) -> str:
    import uuid
    from pathlib import Path

    return f"imports/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class ImportBatch(models.Model):
    """One uploaded spreadsheet on its way into the registry: mapping, preview (errors and
    name matches to confirm), then one all-or-nothing job. Seen only by whoever uploaded it."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded: map the columns")
        REJECTED = "rejected", _("Rejected: see the error report")
        READY = "ready", _("Checked: ready to import")
        QUEUED = "queued", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed: nothing was written")

    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="+", verbose_name=_("owner"))
    organization = models.ForeignKey(Organization, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("organization"))
    file = models.FileField(_("file"), upload_to=_import_upload_to)
    # the rows as the last check parsed and matched them (``import_store.py``): the job writes
    # these instead of reading and checking the file again
    checked = models.FileField(_("checked rows"), upload_to=_import_upload_to, blank=True,
                               editable=False)
    filename = models.CharField(_("file name"), max_length=200)
    headers = models.JSONField(_("headers"), default=list, blank=True)
    mapping = models.JSONField(_("mapping"), default=dict, blank=True)  # column index → field
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.UPLOADED)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    # rows without a credit code whose name resembles registered enterprises:
    # [{"row": n, "name": ..., "candidates": [{"id": org id, "name": ..., "score": ...}]}]
    proposals = models.JSONField(_("proposed matches"), default=list, blank=True)
    decisions = models.JSONField(_("confirmed matches"), default=dict, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    job = models.ForeignKey("core.JobRun", null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+", verbose_name=_("job"))
    created = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RestrictedManager()
    visibility = "owner"

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"#{self.pk} {self.filename}"

    def get_absolute_url(self) -> str:
        return reverse("enterprises:import_detail", args=[self.pk])

    @property
    def undecided(self) -> list[dict]:
        return [p for p in self.proposals if str(p["row"]) not in self.decisions]
