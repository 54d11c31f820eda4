import json
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from jinxiu.apps.core.forms import TenantModelForm
from jinxiu.apps.core.models import User
from jinxiu.apps.tracking.models import (
    Attendance,
    Bundle,
    Device,
    FloorAccount,
    PieceRate,
    ProductionOrder,
)


class ProductionOrderForm(TenantModelForm):
    class Meta:
        model = ProductionOrder
        fields = ["organization", "number", "style", "line", "customer", "quantity",
                  "due_date", "status"]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"})}


class BundleForm(TenantModelForm):
    class Meta:
        model = Bundle
        fields = ["organization", "order", "number", "size", "colour", "quantity", "lay",
                  "ply_from", "ply_to", "tag"]


class DeviceForm(TenantModelForm):
    class Meta:
        model = Device
        fields = ["organization", "name", "kind", "line", "station", "active"]


class SizeRatioField(forms.CharField):
    """Marker size ratio typed as "S:1, M:2, L:1" (Chinese punctuation too)."""

    def to_python(self, value):
        value = super().to_python(value)
        ratio: dict[str, int] = {}
        for part in re.split(r"[,，、;；\s]+", value or ""):
            if not part:
                continue
            match = re.fullmatch(r"(.+?)[:：=](\d+)", part)
            if match is None:
                raise ValidationError(_("“%(part)s”: write size:copies, e.g. M:2.")
                                      % {"part": part})
            size = match.group(1)
            ratio[size] = ratio.get(size, 0) + int(match.group(2))
        return ratio


class CutForm(forms.Form):
    lay = forms.IntegerField(label=_("lay number"), min_value=1, initial=1)
    plies = forms.IntegerField(label=_("plies"), min_value=1, max_value=500,
                               help_text=_("Layers of fabric in this lay."))
    sizes = SizeRatioField(label=_("marker size ratio"),
                           help_text=_("Copies of each size in the marker, e.g. S:1, M:2, L:1."))
    bundle_plies = forms.IntegerField(label=_("plies per bundle"), min_value=1, initial=20)
    colour = forms.CharField(label=_("colour"), max_length=30, required=False)


class OffStandardField(forms.CharField):
    """Off-standard minutes as JSON ({"meeting": 15}) or "meeting: 15, waiting_work: 20"."""

    def prepare_value(self, value):
        if isinstance(value, dict):
            return ", ".join(f"{k}: {v:g}" for k, v in value.items())
        return value

    def to_python(self, value):
        value = (super().to_python(value) or "").strip()
        if value.startswith("{"):
            try:
                data = json.loads(value)
            except ValueError as exc:
                raise ValidationError(_("Not valid JSON: %(error)s") % {"error": exc}) from exc
            return data
        minutes: dict[str, float] = {}
        for part in re.split(r"[,，、;；\n]+", value):
            if not part.strip():
                continue
            match = re.fullmatch(r"\s*([a-z_]+)\s*[:：=]\s*(\d+(?:\.\d+)?)\s*", part)
            if match is None:
                raise ValidationError(_("“%(part)s”: write reason: minutes, e.g. meeting: 15.")
                                      % {"part": part.strip()})
            minutes[match.group(1)] = float(match.group(2))
        return minutes


class AttendanceForm(TenantModelForm):
    off_standard = OffStandardField(
        label=_("off-standard minutes"), required=False,
        help_text=_("Minutes by reason, e.g. waiting_work: 20, meeting: 15. Reasons: "
                    "waiting_work, machine_down, style_change, meeting, training, sample, "
                    "power, other."))

    class Meta:
        model = Attendance
        fields = ["organization", "operator", "date", "shift", "clock_in", "clock_out",
                  "off_standard"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}),
                   "clock_in": forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                   format="%Y-%m-%dT%H:%M"),
                   "clock_out": forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                    format="%Y-%m-%dT%H:%M")}


class PieceRateForm(TenantModelForm):
    class Meta:
        model = PieceRate
        fields = ["organization", "operation", "rate", "valid_from"]
        widgets = {"valid_from": forms.DateInput(attrs={"type": "date"})}


class FloorAccountForm(TenantModelForm):
    """The user is named by their user name (no list of the platform's users is shown)."""

    username = forms.CharField(label=_("user name"), max_length=150,
                               help_text=_("The user name the person signs in with."))

    class Meta:
        model = FloorAccount
        fields = ["organization", "username", "operator", "lines", "notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["username"].initial = self.instance.user.username

    def clean_username(self):
        name = self.cleaned_data["username"].strip()
        user = User.objects.filter(username=name, is_active=True).first()
        if user is None:
            raise ValidationError(_("No active user has this user name."))
        self.instance.user = user
        return name

    def clean(self):
        data = super().clean()
        if not data.get("operator") and not data.get("lines"):
            raise ValidationError(_("Link the account to an operator, to lines, or to both."))
        org = data.get("organization")
        for line in data.get("lines") or ():
            if org is not None and line.organization_id != org.pk:
                raise ValidationError({"lines": _("It belongs to another organization.")})
        return data
