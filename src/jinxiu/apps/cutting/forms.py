from django import forms
from django.utils.translation import gettext_lazy as _

from jinxiu.apps.core.forms import RestrictedModelForm, TenantModelForm
from jinxiu.apps.cutting.models import CutOrder, Marker, Pattern, PatternPiece
from jinxiu.apps.cutting.quantities import QuantityError, format_quantities, parse_quantities


class PatternUploadForm(TenantModelForm):
    """A new pattern version: the DXF is read and every piece checked in ``clean``, so a bad
    file is refused with its reasons and nothing is stored."""

    file = forms.FileField(label=_("DXF file (AAMA/ASTM)"),
                           help_text=_("Exported from the pattern CAD system as AAMA or ASTM "
                                       "D6673 DXF; every upload becomes a new version."))

    class Meta:
        model = Pattern
        fields = ["organization", "style", "name", "file", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False
        self.fields["name"].help_text = _("Empty: the style name in the file, else the file "
                                          "name.")
        self.parsed = None

    def clean(self):
        from jinxiu.apps.cutting.services import PatternImportError, pattern_read

        data = super().clean()
        upload = data.get("file")
        if upload is not None:
            try:
                self.parsed = pattern_read(uploaded=upload)
            except PatternImportError as exc:
                self.add_error("file", exc)
        return data


class PatternForm(TenantModelForm):
    class Meta:
        model = Pattern
        fields = ["name", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class PatternPieceForm(RestrictedModelForm):
    class Meta:
        model = PatternPiece
        fields = ["quantity", "material", "pair", "grain", "category"]


class QuantitiesField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        return format_quantities(value) if isinstance(value, dict) else value

    def to_python(self, value):
        try:
            return parse_quantities(super().to_python(value) or "")
        except QuantityError as exc:
            raise forms.ValidationError(str(exc)) from None


class CutOrderForm(TenantModelForm):
    quantities = QuantitiesField(
        label=_("quantities"),
        help_text=_("One colour per line: 红: S=40, M=80, L=60. Leave out the colour for an "
                    "order in one colour."))

    class Meta:
        model = CutOrder
        fields = ["organization", "name", "pattern", "quantities", "material", "width",
                  "max_plies", "max_length", "max_garments", "max_overcut", "spacing", "grain",
                  "marker_cost", "seconds_per_marker", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def _post_clean(self):
        """Refuse, on saving, an order its pattern cannot be cut for: a piece wider than the
        fabric or longer than the table, or no piece of the material."""
        from jinxiu.apps.cutting.adapter import PlanInputError, order_problem

        super()._post_clean()
        if not self.errors and self.instance.pattern_id:
            try:
                order_problem(self.instance)
            except PlanInputError as exc:
                self.add_error(None, str(exc))


class MarkerForm(RestrictedModelForm):
    class Meta:
        model = Marker
        fields = ["name", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}
