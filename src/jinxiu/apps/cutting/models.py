"""The cutting room's data (智能裁剪): a style's patterns (纸样) with their pieces (裁片), cut
orders (裁剪单) with the fabric they are cut from, and the markers (唛架) a plan (分床) makes.

Patterns and markers are the enterprise's own designs (category ``patterns``), cut orders its
orders (category ``orders``): nobody else sees them unless the enterprise shares them.
Lengths are millimetres throughout (the DXF reader converts).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jinxiu.apps.core.models import TenantModel
from jinxiu.apps.core.models.base import DataCategory
from jinxiu.apps.production.models import Style


class GrainRule(models.TextChoices):
    """How pieces may turn on the fabric (丝缕方向)."""

    ONE_WAY = "one_way", _("One way: napped or one-way print (0° only)")
    TWO_WAY = "two_way", _("Two way: along the grain, either end (0°/180°)")
    FOUR_WAY = "four_way", _("Four way: non-directional fabric (0/90/180/270°)")


def _upload_to(instance, filename: str) -> str:
    from uuid import uuid4

    return f"patterns/{instance.organization_id}/{uuid4().hex}.dxf"


class Pattern(TenantModel):
    """One uploaded pattern file (纸样 DXF) of a style; each upload is a new version."""

    style = models.ForeignKey(Style, on_delete=models.PROTECT, related_name="patterns",
                              verbose_name=_("style"))
    version = models.PositiveIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=120)
    file = models.FileField(_("DXF file"), upload_to=_upload_to, blank=True)
    original_name = models.CharField(_("original file name"), max_length=200, blank=True)
    units = models.CharField(_("units in the file"), max_length=10, blank=True)
    units_source = models.CharField(_("units from"), max_length=60, blank=True)
    sizes = models.JSONField(_("sizes"), default=list, blank=True)
    materials = models.JSONField(_("materials"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("uploaded by"))

    data_category = DataCategory.PATTERNS

    class Meta:
        ordering = ["organization__name", "style__code", "-version"]
        constraints = [models.UniqueConstraint(fields=["style", "version"],
                                               name="unique_pattern_version")]
        verbose_name = _("pattern")
        verbose_name_plural = _("patterns")

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def clean(self) -> None:
        if self.style_id and self.organization_id and \
                self.style.organization_id != self.organization_id:
            raise ValidationError({"style": _("The style belongs to another organization.")})

    def get_absolute_url(self) -> str:
        return reverse("cutting:pattern_detail", args=[self.pk])

    def delete(self, *args, **kwargs):
        name, storage = self.file.name, self.file.storage
        result = super().delete(*args, **kwargs)
        if name:
            transaction.on_commit(lambda: storage.delete(name))
        return result


class PatternPiece(TenantModel):
    """One pattern piece (裁片) of one size, as read from the file (outline in mm)."""

    pattern = models.ForeignKey(Pattern, on_delete=models.CASCADE, related_name="pieces",
                                verbose_name=_("pattern"))
    position = models.PositiveIntegerField(_("position"), default=0)
    name = models.CharField(_("piece"), max_length=120)
    size = models.CharField(_("size"), max_length=20, blank=True)
    quantity = models.PositiveIntegerField(
        _("pieces per garment"), default=1, validators=[MaxValueValidator(100)])
    material = models.CharField(_("material"), max_length=60, blank=True)
    category = models.CharField(_("category"), max_length=60, blank=True)
    pair = models.BooleanField(
        _("left/right pair"), default=False,
        help_text=_("Half of the copies are cut mirrored (a left and a right sleeve on a "
                    "face-up single-ply spread). Needs an even number of pieces per garment."))
    grain = models.CharField(
        _("grain rule"), max_length=10, choices=GrainRule.choices, blank=True,
        help_text=_("Empty: the fabric's rule from the cut order."))
    grain_angle = models.FloatField(_("grain line angle (°)"), null=True, blank=True)
    on_fold = models.BooleanField(_("cut on fold"), default=False)
    notches = models.PositiveIntegerField(_("notches"), default=0)
    area = models.FloatField(_("area (mm²)"), default=0)
    length = models.FloatField(_("length (mm)"), default=0)
    breadth = models.FloatField(_("width (mm)"), default=0)
    outline = models.JSONField(_("outline"), default=list)
    holes = models.JSONField(_("internal cut-outs"), default=list, blank=True)
    drills = models.JSONField(_("drill holes"), default=list, blank=True)
    read_notes = models.JSONField(_("notes from the file"), default=list, blank=True)

    data_category = DataCategory.PATTERNS
    changelog_exclude = ("outline", "holes", "drills")

    class Meta:
        ordering = ["pattern", "position"]
        constraints = [models.UniqueConstraint(fields=["pattern", "name", "size"],
                                               name="unique_piece_name_size")]
        verbose_name = _("pattern piece")
        verbose_name_plural = _("pattern pieces")

    def __str__(self) -> str:
        return f"{self.name} ({self.size})" if self.size else self.name

    def clean(self) -> None:
        if self.pattern_id and self.organization_id and \
                self.pattern.organization_id != self.organization_id:
            raise ValidationError({"pattern": _("The pattern belongs to another organization.")})
        if self.pair and self.quantity % 2:
            raise ValidationError({"pair": _(
                "%(n)d pieces per garment cannot be cut as left/right pairs: give an even "
                "number.") % {"n": self.quantity}})

    def get_absolute_url(self) -> str:
        return reverse("cutting:patternpiece_detail", args=[self.pk])


class CutOrder(TenantModel):
    """A cut order (裁剪单): garments per colour and size, the fabric, and its plan (分床)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Not planned yet")
        RUNNING = "running", _("Planning")
        DONE = "done", _("Planned")
        FAILED = "failed", _("Failed")

    name = models.CharField(_("order"), max_length=80)
    pattern = models.ForeignKey(Pattern, on_delete=models.PROTECT, related_name="orders",
                                verbose_name=_("pattern"))
    quantities = models.JSONField(
        _("quantities"), default=dict,
        help_text=_("Garments per colour and size, e.g. {\"红\": {\"S\": 40, \"M\": 80}}."))
    material = models.CharField(
        _("material"), max_length=60, blank=True,
        help_text=_("Cut only the pieces of this material (e.g. Fabric); empty: every piece."))
    width = models.FloatField(_("usable fabric width (mm)"),
                              validators=[MinValueValidator(10), MaxValueValidator(10000)],
                              help_text=_("布幅 without the selvedges."))
    max_plies = models.PositiveIntegerField(
        _("max plies per lay"), default=60, validators=[MinValueValidator(1),
                                                        MaxValueValidator(1000)])
    max_length = models.FloatField(
        _("max marker length (mm)"), null=True, blank=True,
        validators=[MinValueValidator(10)], help_text=_("The cutting table's length."))
    max_garments = models.PositiveIntegerField(
        _("max garments per marker"), default=4,
        validators=[MinValueValidator(1), MaxValueValidator(12)])
    max_overcut = models.PositiveIntegerField(
        _("allowed over-cut"), default=0, validators=[MaxValueValidator(1000)],
        help_text=_("Garments that may be cut beyond the order, per colour and size."))
    spacing = models.FloatField(_("spacing between pieces (mm)"), default=0,
                                validators=[MinValueValidator(0), MaxValueValidator(50)])
    grain = models.CharField(_("grain rule"), max_length=10, choices=GrainRule.choices,
                             default=GrainRule.TWO_WAY)
    marker_cost = models.FloatField(
        _("cost of one more marker (mm of fabric)"), default=0,
        validators=[MinValueValidator(0)],
        help_text=_("Fabric length an extra marker is worth avoiding (making and checking it)."))
    seconds_per_marker = models.PositiveIntegerField(
        _("search time per marker (s)"), default=10,
        # at most half the job heartbeat timeout: the job reports at least once per marker
        validators=[MinValueValidator(1), MaxValueValidator(300)])
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT)
    job = models.ForeignKey("core.JobRun", null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+", verbose_name=_("job"))
    plan = models.JSONField(_("plan"), null=True, blank=True)
    fabric_length = models.FloatField(_("fabric used (mm)"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    data_category = DataCategory.ORDERS

    class Meta:
        ordering = ["-created"]
        verbose_name = _("cut order")
        verbose_name_plural = _("cut orders")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from jinxiu.apps.cutting.quantities import QuantityError, check_quantities

        if self.pattern_id and self.organization_id and \
                self.pattern.organization_id != self.organization_id:
            raise ValidationError({"pattern": _("The pattern belongs to another organization.")})
        try:
            check_quantities(self.quantities, self.pattern.sizes if self.pattern_id else None)
        except QuantityError as exc:
            raise ValidationError({"quantities": str(exc)}) from None

    def get_absolute_url(self) -> str:
        return reverse("cutting:cutorder_detail", args=[self.pk])

    @property
    def garments(self) -> int:
        return sum(sum(sizes.values()) for sizes in (self.quantities or {}).values())

    @property
    def current_status(self) -> str:
        if self.status == self.Status.RUNNING and self.job_id and self.job.is_finished \
                and self.job.status != "succeeded":
            return self.Status.FAILED
        return self.status


class Marker(TenantModel):
    """One marker (唛架) of a planned cut order: a size ratio nested on the fabric width."""

    order = models.ForeignKey(CutOrder, on_delete=models.CASCADE, related_name="markers",
                              verbose_name=_("cut order"))
    position = models.PositiveIntegerField(_("number"), default=1)
    name = models.CharField(_("name"), max_length=60)
    ratio = models.JSONField(_("size ratio"), default=dict)
    plies = models.PositiveIntegerField(_("plies"), default=0)
    lays = models.PositiveIntegerField(_("lays"), default=0)
    width = models.FloatField(_("width (mm)"))
    length = models.FloatField(_("length (mm)"))
    utilization = models.FloatField(_("utilization"))
    pieces = models.PositiveIntegerField(_("pieces"), default=0)
    runtime_s = models.FloatField(_("search time (s)"), default=0)
    stop_reason = models.CharField(_("stopped by"), max_length=20, blank=True)
    seed = models.IntegerField(_("seed"), default=0)
    result = models.JSONField(_("marker"), default=dict)
    notes = models.TextField(_("notes"), blank=True)

    data_category = DataCategory.PATTERNS
    changelog_exclude = ("result",)

    class Meta:
        ordering = ["-order__created", "order", "position"]
        verbose_name = _("marker")
        verbose_name_plural = _("markers")

    def __str__(self) -> str:
        return f"{self.order.name} {self.name}"

    def clean(self) -> None:
        if self.order_id and self.organization_id and \
                self.order.organization_id != self.organization_id:
            raise ValidationError({"order": _("The cut order belongs to another organization.")})

    def get_absolute_url(self) -> str:
        return reverse("cutting:marker_detail", args=[self.pk])

    @property
    def utilization_pct(self) -> float:
        return 100 * self.utilization

    @property
    def ratio_text(self) -> str:
        return " ".join(f"{size}×{n}" if size else f"×{n}"
                        for size, n in sorted(self.ratio.items()))
