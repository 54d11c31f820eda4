"""Shop-floor tracking (生产跟踪): production orders cut into bundles (扎), the devices on the
floor, and the events they report. All of it is the enterprise's own production data."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets
from decimal import Decimal
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from jinxiu.apps.core.models.base import Visibility
from jinxiu.apps.core.querysets import RestrictedManager
from jinxiu.apps.production.models import Line, Operation, Operator, ProductionModel, Style

REASONS = Path(__file__).parent / "data" / "off_standard_reasons.yaml"


def _same_org(obj, *fields: str) -> None:
    for field in fields:
        related = getattr(obj, field, None) if getattr(obj, f"{field}_id", None) else None
        if related is not None and obj.organization_id and \
                related.organization_id != obj.organization_id:
            raise ValidationError({field: _("It belongs to another organization.")})


class ProductionOrder(ProductionModel):
    """A production order (生产订单): a quantity of one style for one line."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CUTTING = "cutting", _("Cutting")
        SEWING = "sewing", _("Sewing")
        DONE = "done", _("Done")

    number = models.CharField(_("order number"), max_length=30)
    style = models.ForeignKey(Style, on_delete=models.PROTECT, related_name="orders",
                              verbose_name=_("style"))
    line = models.ForeignKey(Line, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="orders", verbose_name=_("line"))
    customer = models.CharField(_("customer"), max_length=80, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.OPEN)

    class Meta:
        ordering = ["-created"]
        constraints = [models.UniqueConstraint(fields=["organization", "number"],
                                               name="unique_production_order_number")]
        verbose_name = _("production order")
        verbose_name_plural = _("production orders")

    def __str__(self) -> str:
        return self.number

    def clean(self) -> None:
        _same_org(self, "style", "line")

    def get_absolute_url(self) -> str:
        return reverse("tracking:productionorder_detail", args=[self.pk])


class Bundle(ProductionModel):
    """A bundle (扎): cut pieces of one size and colour from a run of plies of one lay, which
    travel the line together and are scanned operation by operation."""

    order = models.ForeignKey(ProductionOrder, on_delete=models.CASCADE, related_name="bundles",
                              verbose_name=_("production order"))
    number = models.PositiveIntegerField(_("bundle number"))
    code = models.CharField(_("bundle code"), max_length=40, editable=False,
                            help_text=_("Printed on the ticket and scanned: order-bundle."))
    size = models.CharField(_("size"), max_length=12)
    colour = models.CharField(_("colour"), max_length=30, blank=True)
    quantity = models.PositiveIntegerField(_("pieces"), validators=[MinValueValidator(1)])
    lay = models.PositiveIntegerField(_("lay"), default=1, help_text=_("Lay (床) number."))
    ply_from = models.PositiveIntegerField(_("first ply"), default=1)
    ply_to = models.PositiveIntegerField(_("last ply"), default=1)
    tag = models.CharField(_("RFID tag / hanger"), max_length=64, blank=True,
                           help_text=_("An RFID tag or hanger id bound to this bundle."))

    class Meta:
        ordering = ["order", "number"]
        constraints = [
            models.UniqueConstraint(fields=["order", "number"], name="unique_bundle_number"),
            models.UniqueConstraint(fields=["organization", "code"], name="unique_bundle_code"),
        ]
        verbose_name = _("bundle")
        verbose_name_plural = _("bundles")

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        _same_org(self, "order")
        if self.ply_from and self.ply_to and self.ply_from > self.ply_to:
            raise ValidationError({"ply_to": _("The last ply comes before the first.")})

    def save(self, *args, **kwargs):
        if self.order_id:
            self.code = f"{self.order.number}-{self.number:04d}"
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("tracking:bundle_detail", args=[self.pk])


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Device(ProductionModel):
    """A scanner, RFID reader, hanger-system gateway or machine monitor that reports events.
    It authenticates with its own token; only the token's hash is stored."""

    class Kind(models.TextChoices):
        SCANNER = "scanner", _("Barcode / QR scanner")
        RFID = "rfid", _("RFID reader")
        HANGER = "hanger", _("Hanging-line gateway")
        MACHINE = "machine", _("Machine monitor")

    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices,
                            default=Kind.SCANNER)
    line = models.ForeignKey(Line, on_delete=models.CASCADE, related_name="devices",
                             verbose_name=_("line"))
    station = models.CharField(_("station"), max_length=20, blank=True,
                               help_text=_("The station this device stands at, if one."))
    token_prefix = models.CharField(_("token prefix"), max_length=8, editable=False)
    token_hash = models.CharField(max_length=64, editable=False)
    active = models.BooleanField(_("active"), default=True)

    changelog_exclude = ("token_hash",)

    class Meta:
        ordering = ["line", "name"]
        constraints = [models.UniqueConstraint(fields=["token_prefix"],
                                               name="unique_device_token_prefix")]
        verbose_name = _("device")
        verbose_name_plural = _("devices")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        _same_org(self, "line")

    def set_new_token(self) -> str:
        """A fresh token ``<prefix>.<secret>``; shown once, stored hashed."""
        prefix = secrets.token_hex(4)
        token = f"{prefix}.{secrets.token_urlsafe(24)}"
        self.token_prefix = prefix
        self.token_hash = hash_token(token)
        return token

    def save(self, *args, **kwargs):
        if not self.token_prefix:
            self.set_new_token()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("tracking:device_detail", args=[self.pk])


class FloorEvent(models.Model):
    """One event from the floor, stored exactly once per (device, event id).

    Events are facts reported by devices: they are never edited, so they are not change-logged
    (ingestion writes them in bulk). They are the enterprise's production data all the same.
    """

    class Kind(models.TextChoices):
        SCAN = "scan", _("Scan")
        HANGER_IN = "hanger_in", _("Hanger in")
        HANGER_OUT = "hanger_out", _("Hanger out")
        MACHINE = "machine", _("Machine state")

    class Outcome(models.TextChoices):
        GOOD = "good", _("Good")
        REWORK = "rework", _("Rework")

    class MachineState(models.TextChoices):
        RUNNING = "running", _("Running")
        IDLE = "idle", _("Idle")
        DOWN = "down", _("Down")

    organization = models.ForeignKey("core.Organization", on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("organization"))
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="events",
                               verbose_name=_("device"))
    event_id = models.CharField(_("event id"), max_length=64)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("occurred at"))
    received_at = models.DateTimeField(_("received at"))
    line = models.ForeignKey(Line, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("line"))
    station = models.CharField(_("station"), max_length=20, blank=True)
    # indexed with the operation (floorevent_bundle_op): ingestion reads a slot's scans
    bundle = models.ForeignKey(Bundle, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="events", verbose_name=_("bundle"),
                               db_index=False)
    operation = models.ForeignKey(Operation, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("operation"))
    operator = models.ForeignKey(Operator, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("operator"))
    quantity = models.PositiveIntegerField(_("pieces"), default=0)
    counted = models.PositiveIntegerField(
        _("counted pieces"), default=0, editable=False,
        help_text=_("Pieces of this scan that count for output and pay, kept up to date at "
                    "ingestion over every scan of the bundle and operation."))
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices, blank=True)
    defect_code = models.CharField(_("defect code"), max_length=20, blank=True)
    machine_state = models.CharField(_("machine state"), max_length=8,
                                     choices=MachineState.choices, blank=True)
    reason = models.CharField(_("reason"), max_length=60, blank=True)

    objects = RestrictedManager()

    visibility = Visibility.TENANT
    tenant_lookup = "organization_id"
    # single scans name operators: a data share never reaches them; a grantee of the
    # enterprise's production data sees daily aggregates (selectors.shared_daily_aggregates)
    data_category = None

    class Meta:
        ordering = ["-occurred_at"]
        constraints = [models.UniqueConstraint(fields=["device", "event_id"],
                                               name="unique_device_event")]
        indexes = [models.Index(fields=["line", "occurred_at"], name="floorevent_line_time"),
                   models.Index(fields=["bundle", "operation"], name="floorevent_bundle_op"),
                   models.Index(fields=["operator", "occurred_at"],
                                name="floorevent_operator_time")]
        verbose_name = _("floor event")
        verbose_name_plural = _("floor events")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.event_id}"

    def get_absolute_url(self) -> str:
        return reverse("tracking:floorevent_detail", args=[self.pk])


class LineTally(models.Model):
    """Scans of a line per hour, operation, operator and station (逐时汇总): the counted
    pieces, the pieces sent to rework and the number of scans. Kept by ingestion in the
    transaction that stores the events (see ``rollup.py``), so the line board reads a few
    hundred tallies instead of a day of scans. Derived data: never edited by hand."""

    organization = models.ForeignKey("core.Organization", on_delete=models.CASCADE,
                                     related_name="+", verbose_name=_("organization"))
    line = models.ForeignKey(Line, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("line"))
    hour = models.DateTimeField(_("hour"), help_text=_("Start of the hour (UTC)."))
    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("operation"))
    operator = models.ForeignKey(Operator, on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("operator"))
    station = models.CharField(_("station"), max_length=20, blank=True)
    scans = models.PositiveIntegerField(_("scans"), default=0)
    pieces = models.IntegerField(_("counted pieces"), default=0)
    rework = models.PositiveIntegerField(_("rework pieces"), default=0)

    objects = RestrictedManager()

    visibility = Visibility.TENANT
    tenant_lookup = "organization_id"
    data_category = None  # per operator and hour: not for sharing (see FloorEvent)

    class Meta:
        ordering = ["line", "hour"]
        constraints = [models.UniqueConstraint(
            fields=["line", "hour", "operation", "operator", "station"],
            name="unique_line_tally")]
        verbose_name = _("line tally")
        verbose_name_plural = _("line tallies")

    def __str__(self) -> str:
        return f"{self.line_id} {self.hour:%Y-%m-%d %H}h"


def off_standard_reasons() -> dict[str, tuple[str, str]]:
    """Off-standard reasons from ``data/off_standard_reasons.yaml``: code → (zh, en)."""
    return _reasons()


@functools.cache
def _reasons() -> dict[str, tuple[str, str]]:
    with open(REASONS, encoding="utf-8") as fh:
        return {k: tuple(v) for k, v in yaml.safe_load(fh).items()}


def reason_label(code: str) -> str:
    zh_name, en = off_standard_reasons().get(code, (code, code))
    return zh_name if (get_language() or "zh-hans").startswith("zh") else en


class Attendance(ProductionModel):
    """An operator's shift (班次) on one day: clock-in and clock-out, and off-standard minutes
    by reason."""

    class Shift(models.TextChoices):
        DAY = "day", _("Day shift")
        NIGHT = "night", _("Night shift")

    operator = models.ForeignKey(Operator, on_delete=models.CASCADE,
                                 related_name="attendances", verbose_name=_("operator"))
    date = models.DateField(_("date"))
    shift = models.CharField(_("shift"), max_length=8, choices=Shift.choices,
                             default=Shift.DAY)
    clock_in = models.DateTimeField(_("clock in"))
    clock_out = models.DateTimeField(_("clock out"))
    off_standard = models.JSONField(
        _("off-standard minutes"), default=dict, blank=True,
        help_text=_("Minutes by reason, e.g. {\"waiting_work\": 20, \"meeting\": 15}."))

    data_category = None  # a person's hours: never shared (see FloorEvent)

    class Meta:
        ordering = ["-date", "operator"]
        constraints = [models.UniqueConstraint(fields=["operator", "date", "shift"],
                                               name="unique_attendance_shift")]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")

    def __str__(self) -> str:
        return f"{self.operator} {self.date} {self.get_shift_display()}"

    @property
    def attended_minutes(self) -> int:
        return int((self.clock_out - self.clock_in).total_seconds() // 60)

    def clean(self) -> None:
        _same_org(self, "operator")
        if self.clock_in and self.clock_out:
            if self.clock_out <= self.clock_in:
                raise ValidationError({"clock_out": _("Clock-out must come after clock-in.")})
            if self.clock_out - self.clock_in > dt.timedelta(hours=16):
                raise ValidationError({"clock_out": _("A shift is at most 16 hours.")})
        if not isinstance(self.off_standard, dict):
            raise ValidationError({"off_standard": _("Give an object of reason → minutes.")})
        reasons = off_standard_reasons()
        for key, value in self.off_standard.items():
            if key not in reasons:
                raise ValidationError({"off_standard": _(
                    "Unknown reason “%(reason)s”; known: %(known)s.")
                    % {"reason": key, "known": ", ".join(reasons)}})
            if not isinstance(value, int | float) or value < 0:
                raise ValidationError({"off_standard": _(
                    "Minutes for “%(reason)s” must be a number of at least 0.")
                    % {"reason": key}})
        if self.clock_in and self.clock_out and \
                sum(self.off_standard.values()) > self.attended_minutes:
            raise ValidationError({"off_standard": _(
                "Off-standard minutes exceed the attended minutes.")})

    def get_absolute_url(self) -> str:
        return reverse("tracking:attendance_detail", args=[self.pk])


class PieceRate(ProductionModel):
    """The piece rate (工价) of an operation from a date on."""

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("operation"))
    rate = models.DecimalField(_("rate per piece (yuan)"), max_digits=8, decimal_places=4,
                               validators=[MinValueValidator(Decimal("0"))])
    valid_from = models.DateField(_("valid from"))

    class Meta:
        ordering = ["operation__style", "operation__sequence", "-valid_from"]
        constraints = [models.UniqueConstraint(fields=["operation", "valid_from"],
                                               name="unique_piece_rate_from")]
        verbose_name = _("piece rate")
        verbose_name_plural = _("piece rates")

    def __str__(self) -> str:
        return f"{self.operation} ¥{self.rate}"

    def clean(self) -> None:
        _same_org(self, "operation")

    def get_absolute_url(self) -> str:
        return reverse("tracking:piecerate_detail", args=[self.pk])


OWN_FIGURES = "tracking: own floor figures"
SUPERVISED_LINES = "tracking: supervised lines"
# What a floor account lets its user see, as object-permission constraints on the user's own
# links ("$user" is the signed-in user): an operator their own scans, attendance and pay, a
# supervisor the lines named on their account, with those lines' events, attendance and
# operators. Kept in object permissions (one per model) that every user with a floor account
# holds; nobody sets them up by hand.
ACCOUNT_GRANTS = {
    OWN_FIGURES: [("tracking", "floorevent", {"operator__floor_accounts__user": "$user"}),
                  ("tracking", "attendance", {"operator__floor_accounts__user": "$user"})],
    SUPERVISED_LINES: [
        ("tracking", "floorevent", {"line__floor_accounts__user": "$user"}),
        ("tracking", "attendance", {"operator__line__floor_accounts__user": "$user"}),
        ("production", "line", {"floor_accounts__user": "$user"}),
        ("production", "operator", {"line__floor_accounts__user": "$user"}),
    ],
}


class FloorAccount(ProductionModel):
    """A user's place on the shop floor (现场账号): as an **operator** (linked to the operator
    record with their employee number) they see their own scans, figures and pay; as a
    **supervisor** (linked to lines) they see those lines' boards, events and figures. The
    enterprise links the account; the permissions follow from the link."""

    user = models.ForeignKey("core.User", on_delete=models.CASCADE,
                             related_name="floor_accounts", verbose_name=_("user"))
    operator = models.ForeignKey(Operator, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="floor_accounts", verbose_name=_("operator"),
                                 help_text=_("The operator record (employee number) of this "
                                             "user: they see their own figures and pay."))
    lines = models.ManyToManyField(Line, blank=True, related_name="floor_accounts",
                                   verbose_name=_("supervised lines"),
                                   help_text=_("Lines this user supervises: they see their "
                                               "boards, events and figures."))
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    # who is who on the floor is not production data: no data share reaches it
    data_category = None

    class Meta:
        ordering = ["organization", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"],
                                    name="unique_floor_account_user"),
            models.UniqueConstraint(fields=["operator"], name="unique_floor_account_operator"),
        ]
        verbose_name = _("floor account")
        verbose_name_plural = _("floor accounts")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization}"

    def clean(self) -> None:
        _same_org(self, "operator")

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        floor_account_grants_sync(self.user_id)

    def delete(self, *args, **kwargs):
        user_id = self.user_id
        result = super().delete(*args, **kwargs)
        floor_account_grants_sync(user_id)
        return result

    def get_absolute_url(self) -> str:
        return reverse("tracking:flooraccount_detail", args=[self.pk])


def floor_account_grants_sync(user_id: int) -> None:
    """The user holds the floor-account permissions while they have a floor account (the
    permissions, one per model, are created the first time they are needed)."""
    from django.contrib.contenttypes.models import ContentType

    from jinxiu.apps.core.changelog import change_context
    from jinxiu.apps.core.models import ObjectPermission

    has_account = FloorAccount.objects.filter(user_id=user_id).exists()
    with change_context(user=None, source="system"):
        for name, items in ACCOUNT_GRANTS.items():
            for app_label, model, constraints in items:
                perm, created = ObjectPermission.objects.get_or_create(
                    name=f"{name} ({model})",
                    defaults={"actions": ["view"], "constraints": constraints,
                              "description": "Kept by floor accounts; not for assigning."})
                if created:
                    perm.object_types.set([ContentType.objects.get_by_natural_key(
                        app_label, model)])
                if has_account:
                    perm.users.add(user_id)
                else:
                    perm.users.remove(user_id)
