"""The line planner's data (智能产线): styles with their operation bulletins (工序表), lines,
operators, and balancing plans. All of it is the enterprise's own production data."""

from __future__ import annotations

import math
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jinxiu.apps.core.models import TenantModel
from jinxiu.apps.core.models.base import DataCategory
from jinxiu.apps.production.machine_types import machine_types


def _machine_type_choices():
    return machine_types().choices()


class ProductionModel(TenantModel):
    data_category = DataCategory.PRODUCTION

    class Meta:
        abstract = True


class Style(ProductionModel):
    """A garment or shoe style (款式) and, through its operations, its bulletin."""

    code = models.CharField(_("style code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    product = models.CharField(_("product"), max_length=60, blank=True,
                               help_text=_("e.g. polo shirt, jeans, sneaker upper"))
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["organization__name", "code"]
        constraints = [models.UniqueConstraint(fields=["organization", "code"],
                                               name="unique_style_code")]
        verbose_name = _("style")
        verbose_name_plural = _("styles")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("production:style_detail", args=[self.pk])


class Operation(ProductionModel):
    """One operation (工序) of a style's bulletin."""

    style = models.ForeignKey(Style, on_delete=models.CASCADE, related_name="operations",
                              verbose_name=_("style"))
    sequence = models.PositiveIntegerField(_("sequence"))
    code = models.CharField(_("operation code"), max_length=16)
    name = models.CharField(_("operation"), max_length=120)
    machine_type = models.CharField(_("machine type"), max_length=20,
                                    choices=_machine_type_choices)
    standard_seconds = models.DecimalField(
        _("standard time (s)"), max_digits=8, decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Standard allowed time in seconds (SMV × 60)."))
    predecessors = models.JSONField(
        _("predecessors"), default=list, blank=True,
        help_text=_("Codes of the operations that must be done before this one."))
    zone = models.CharField(
        _("zone"), max_length=20, blank=True,
        help_text=_("Operations with the same zone label must be done at one station."))
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta:
        ordering = ["style", "sequence", "code"]
        constraints = [models.UniqueConstraint(fields=["style", "code"],
                                               name="unique_operation_code")]
        verbose_name = _("operation")
        verbose_name_plural = _("operations")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def smv(self) -> Decimal:
        return (self.standard_seconds / 60).quantize(Decimal("0.0001"))

    def get_predecessors_display(self) -> str:
        return ", ".join(self.predecessors) or "—"

    def clean(self) -> None:
        if self.style_id and self.organization_id and \
                self.style.organization_id != self.organization_id:
            raise ValidationError({"style": _("The style belongs to another organization.")})
        if not isinstance(self.predecessors, list) or not all(
                isinstance(p, str) for p in self.predecessors):
            raise ValidationError({"predecessors": _("Give a list of operation codes.")})
        if self.code in self.predecessors:
            raise ValidationError({"predecessors": _("An operation cannot precede itself.")})
        if self.style_id and self.predecessors:
            self._check_against_bulletin()
        if self.style_id and self.zone:
            self._check_zone()

    def _check_zone(self) -> None:
        """The operations of a zone (工位组) share one station: their machine types must be
        ones an operator can run together there."""
        types = machine_types()
        for code, kind in Operation.objects.filter(style_id=self.style_id, zone=self.zone) \
                .exclude(pk=self.pk).values_list("code", "machine_type"):
            if not types.can_share(self.machine_type, kind):
                raise ValidationError({"zone": _(
                    "Zone “%(zone)s” holds operation %(op)s (%(other)s), which cannot share a "
                    "station with %(this)s.") % {"zone": self.zone, "op": code,
                                                  "other": types.label(kind),
                                                  "this": types.label(self.machine_type)}})

    def _check_against_bulletin(self) -> None:
        """The predecessors name operations of the style, and no cycle follows from them
        with the bulletin as it would stand (this operation under its new code, and the
        others naming it by that code). The bulletin import checks a whole file instead."""
        rows = Operation.objects.filter(style_id=self.style_id).values_list(
            "pk", "code", "predecessors")
        old = next((code for pk, code, _p in rows if pk == self.pk), None)
        graph = {code: [self.code if p == old else p for p in preds]
                 for pk, code, preds in rows if pk != self.pk}
        unknown = [p for p in self.predecessors if p not in graph]
        if unknown:
            raise ValidationError({"predecessors": _(
                "No operation of this style has the code(s) %(codes)s.")
                % {"codes": ", ".join(unknown)}})
        graph[self.code] = list(self.predecessors)
        path = _cycle_through(graph, self.code)
        if path:
            raise ValidationError({"predecessors": _(
                "The predecessors would form a cycle: %(path)s.") % {"path": " → ".join(path)}})

    def get_absolute_url(self) -> str:
        return reverse("production:operation_detail", args=[self.pk])

    def delete(self, *args, **kwargs):
        """Delete the operation; the operations that named it as a predecessor take its own
        predecessors instead, so that what had to come before it still comes before them
        (the bulletin never names a code that is gone)."""
        with transaction.atomic():
            for other in self.style.operations.exclude(pk=self.pk):
                if self.code not in other.predecessors:
                    continue
                preds = [p for p in other.predecessors if p != self.code]
                other.predecessors = preds + [p for p in self.predecessors if p not in preds]
                other.save()
            return super().delete(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values):
        op = super().from_db(db, field_names, values)
        op._loaded_code = op.__dict__.get("code")  # to follow a renaming in ``save``
        return op

    def save(self, *args, **kwargs):
        """Save; when the code changed, the operations that named the old code as a
        predecessor name the new one (in the same transaction)."""
        old = getattr(self, "_loaded_code", None)
        with transaction.atomic():
            super().save(*args, **kwargs)
            if old is not None and old != self.code:
                for other in self.style.operations.exclude(pk=self.pk):
                    if old in other.predecessors:
                        other.predecessors = [self.code if p == old else p
                                              for p in other.predecessors]
                        other.save()
        self._loaded_code = self.code


def _cycle_through(graph: dict[str, list[str]], start: str) -> list[str] | None:
    """A precedence cycle through ``start`` in line order, or None; ``graph`` maps each
    operation code to its predecessors' codes."""
    followers: dict[str, list[str]] = {}
    for code, preds in graph.items():
        for p in preds:
            followers.setdefault(p, []).append(code)
    stack, seen = [(start, [start])], {start}
    while stack:
        node, path = stack.pop()
        for nxt in followers.get(node, []):
            if nxt == start:
                return [*path, start]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, [*path, nxt]))
    return None


class Line(ProductionModel):
    """A sewing line (产线) and its daily target."""

    class Unit(models.TextChoices):
        """What the line's output is counted in: a garment line in pieces (件), a shoe line in
        pairs (双), a line making suits or sets in sets (套)."""

        PIECE = "piece", pgettext_lazy("output unit", "pieces")
        PAIR = "pair", pgettext_lazy("output unit", "pairs")
        SET = "set", pgettext_lazy("output unit", "sets")

    name = models.CharField(_("name"), max_length=60)
    shift_minutes = models.PositiveIntegerField(
        _("working minutes per day"), default=480, validators=[MinValueValidator(1)])
    target_output = models.PositiveIntegerField(
        _("target output per day"), default=600, validators=[MinValueValidator(1)],
        help_text=_("In the line's unit, per day; the takt time follows from it."))
    output_unit = models.CharField(
        _("output unit"), max_length=8, choices=Unit.choices, default=Unit.PIECE,
        help_text=_("Pieces (件) for garments, pairs (双) for shoes, sets (套) for suits."))
    class Routing(models.TextChoices):
        """How a piece travels: station after station in line order (a straight line, a
        bundle system), or, on a hanging line (吊挂线), sent by the system to the station
        of its next operation wherever that station stands."""

        SEQUENCE = "sequence", _("in line order")
        FREE = "free", _("routed freely (hanging line)")

    routing = models.CharField(
        _("routing"), max_length=10, choices=Routing.choices, default=Routing.SEQUENCE,
        help_text=_("On a hanging line routed freely a station may do operations far apart "
                    "in the bulletin (the piece comes back to it); on a line in order each "
                    "station's operations follow those of the stations before it."))
    machines = models.JSONField(
        _("machines"), default=dict, blank=True,
        help_text=_("Machines on the line per machine type, e.g. {\"overlock\": 3, "
                    "\"bartack\": 1}: plans use at most so many stations of a listed type "
                    "(each parallel workplace counted). Types not listed are not limited."))
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["organization__name", "name"]
        verbose_name = _("line")
        verbose_name_plural = _("lines")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not isinstance(self.machines, dict):
            raise ValidationError({"machines": _("Give an object of machine type → count.")})
        types = machine_types()
        for key, value in self.machines.items():
            if key not in types.labels:
                raise ValidationError({"machines": _("Unknown machine type “%(type)s”.")
                                       % {"type": key}})
            if key in types.universal:
                raise ValidationError({"machines": _(
                    "“%(type)s” is done beside any machine and is not counted.")
                    % {"type": key}})
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 999:
                raise ValidationError({"machines": _(
                    "The count for “%(type)s” must be a whole number from 0 to 999.")
                    % {"type": key}})

    def machine_list(self) -> list[tuple[str, int]]:
        """(label, count) per listed machine type, in the order of the machine-type list."""
        types = machine_types()
        return [(types.label(code), self.machines[code]) for code in types.labels
                if code in (self.machines or {})]

    @property
    def takt_seconds(self) -> Decimal:
        """节拍: available seconds per piece at the target output, rounded down so that a line
        balanced to it still makes the target."""
        return (Decimal(self.shift_minutes * 60) / self.target_output).quantize(
            Decimal("0.01"), rounding=ROUND_DOWN)

    def get_absolute_url(self) -> str:
        return reverse("production:line_detail", args=[self.pk])

    def delete(self, *args, **kwargs):
        """Delete the line; its plans stay, without it, and those balanced with its
        operators' skills forget their result (their stations name this line's people)."""
        with transaction.atomic():
            for plan in self.plans.filter(use_operator_skills=True, result__isnull=False):
                plan.forget_result()
                plan.save()
            return super().delete(*args, **kwargs)


class Operator(ProductionModel):
    """A sewing operator (操作工) with skills: efficiency per machine type (1.0 = standard)."""

    name = models.CharField(_("name"), max_length=40)
    employee_no = models.CharField(_("employee number"), max_length=20, blank=True)
    line = models.ForeignKey(Line, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="operators", verbose_name=_("line"))
    skills = models.JSONField(
        _("skills"), default=dict, blank=True,
        help_text=_("Efficiency per machine type, e.g. {\"lockstitch\": 1.1, \"overlock\": 0.8};"
                    " a machine type not listed cannot be given to this operator, except hand "
                    "work and pressing, done at 1 unless listed (0: does not do it)."))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["organization__name", "line__name", "name"]
        verbose_name = _("operator")
        verbose_name_plural = _("operators")

    def __str__(self) -> str:
        return f"{self.name} ({self.employee_no})" if self.employee_no else self.name

    def clean(self) -> None:
        if self.line_id and self.organization_id and \
                self.line.organization_id != self.organization_id:
            raise ValidationError({"line": _("The line belongs to another organization.")})
        if not isinstance(self.skills, dict):
            raise ValidationError({"skills": _("Give an object of machine type → efficiency.")})
        known = set(machine_types().labels)
        for key, value in self.skills.items():
            if key not in known:
                raise ValidationError({"skills": _("Unknown machine type “%(type)s”.")
                                       % {"type": key}})
            # a JSON true is a Python int (1) too: not an efficiency
            if isinstance(value, bool) or not isinstance(value, int | float) \
                    or not (value == 0 or 0.1 <= value <= 3):
                raise ValidationError({"skills": _(
                    "Efficiency for “%(type)s” must be a number between 0.1 and 3, or 0 for "
                    "“does not do it”.") % {"type": machine_types().label(key)}})

    def efficiency(self) -> dict[str, float]:
        """Her speed per machine type as plans use it: the skills listed, and hand work,
        pressing and the unstaffed conveyor machines (the types any station may hold,
        ``universal`` in machine_types.yaml) at standard speed unless listed; a type at 0 or
        not listed she does not do."""
        listed = self.skills if isinstance(self.skills, dict) else {}
        merged = {**{code: 1.0 for code in sorted(machine_types().universal)}, **listed}
        return {code: float(value) for code, value in merged.items() if value}

    def get_skills_display(self) -> str:
        """"平车 1.2, 包缝 0.9": each machine type by its name, in the active language, in
        the order of the machine-type list (PostgreSQL keeps a JSON object's keys in an
        order of its own)."""
        types = machine_types()
        skills = self.skills or {}
        return ", ".join(f"{types.label(k)} {skills[k]:g}" for k in types.labels
                         if isinstance(skills.get(k), int | float)) or "—"

    def get_absolute_url(self) -> str:
        return reverse("production:operator_detail", args=[self.pk])


class BalancePlan(ProductionModel):
    """A line balance for a style: which operator does which operations."""

    class Mode(models.TextChoices):
        MIN_STATIONS = "min_stations", _("Fewest operators for the takt time (SALBP-1)")
        MAX_OUTPUT = "max_output", _("Highest output with the operators I have (SALBP-2)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Not run yet")
        RUNNING = "running", _("Running")
        DONE = "done", _("Balanced")
        FAILED = "failed", _("Failed")

    name = models.CharField(_("name"), max_length=80)
    style = models.ForeignKey(Style, on_delete=models.CASCADE, related_name="plans",
                              verbose_name=_("style"))
    line = models.ForeignKey(Line, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="plans", verbose_name=_("line"))
    mode = models.CharField(_("objective"), max_length=16, choices=Mode.choices,
                            default=Mode.MIN_STATIONS)
    cycle_seconds = models.DecimalField(
        _("cycle time (s)"), max_digits=8, decimal_places=2, null=True, blank=True,
        help_text=_("For the fewest operators; empty: the line's takt time."))
    station_count = models.PositiveIntegerField(
        _("number of operators"), null=True, blank=True,
        help_text=_("For the highest output; empty: the line's active operators."))
    use_operator_skills = models.BooleanField(
        _("use operators' skills"), default=False,
        help_text=_("Assign the line's named operators, with their efficiency per machine."))
    allow_split = models.BooleanField(
        _("duplicate long operations"), default=True,
        help_text=_("An operation longer than the cycle time goes to parallel workplaces; "
                    "with operators' skills, to named operators who share its pieces."))
    time_limit_s = models.PositiveIntegerField(
        _("time limit (s)"), default=20,
        # at most half the job heartbeat timeout: the engine reports nothing while it searches
        validators=[MinValueValidator(1), MaxValueValidator(300)])
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT)
    job = models.ForeignKey("core.JobRun", null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+", verbose_name=_("job"))
    result = models.JSONField(_("result"), null=True, blank=True)
    edited = models.BooleanField(_("edited by hand"), default=False)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("balancing plan")
        verbose_name_plural = _("balancing plans")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        for field in ("style", "line"):
            related = getattr(self, field, None) if getattr(self, f"{field}_id") else None
            if related is not None and self.organization_id and \
                    related.organization_id != self.organization_id:
                raise ValidationError({field: _("It belongs to another organization.")})
        if self.mode == self.Mode.MIN_STATIONS and not self.cycle_seconds and not self.line_id:
            raise ValidationError({"cycle_seconds": _(
                "Give a cycle time, or a line whose takt time is used.")})
        if self.mode == self.Mode.MAX_OUTPUT and not self.station_count and not self.line_id:
            raise ValidationError({"station_count": _(
                "Give the number of operators, or a line whose operators are used.")})
        if self.use_operator_skills and not self.line_id:
            raise ValidationError({"line": _("Operators' skills come from a line.")})

    def get_absolute_url(self) -> str:
        return reverse("production:balanceplan_detail", args=[self.pk])

    def forget_result(self) -> None:
        """Back to "not run yet" (the caller saves): for a plan whose style was changed."""
        self.result = None
        self.status = self.Status.DRAFT
        self.edited = False
        self.job = None

    @property
    def current_status(self) -> str:
        """The status, with a failed balancing job shown as failed."""
        if self.status == self.Status.RUNNING and self.job_id and self.job.is_finished \
                and self.job.status != "succeeded":
            return self.Status.FAILED
        return self.status

    @property
    def output_per_day(self) -> int | None:
        """Pieces per day at the plan's cycle time over the line's working minutes."""
        if not self.result or not self.line_id:
            return None
        cycle = self.result.get("cycle_seconds")
        return math.floor(self.line.shift_minutes * 60 / cycle) if cycle else None
