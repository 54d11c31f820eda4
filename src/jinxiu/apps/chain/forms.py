import json
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from jinxiu.apps.chain.models import (
    ChainBenchmark,
    ChainNode,
    EnterpriseLink,
    KeyProject,
    Milestone,
    Platform,
)
from jinxiu.apps.core.forms import RestrictedModelForm, TenantModelForm
from jinxiu.apps.enterprises.picker import EnterpriseChoiceField


def _words(value: str) -> list[str]:
    return [p.strip() for p in re.split(r"[\n;；,，、]+", value or "") if p.strip()]


class _WordListField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 2})

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("Separated by 、 or commas or one per line."))
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        return "、".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        return _words(value) if isinstance(value, str) else (value or [])


class ChainNodeForm(TenantModelForm):
    industry_codes = _WordListField(label=_("industry codes (GB/T 4754-2017)"),
                                    help_text=_("Codes separated by commas, e.g. 1762, 1830."))
    keywords = _WordListField(label=_("keywords"))
    products = _WordListField(label=_("typical products"))
    technologies = _WordListField(label=_("key common technologies"))
    applications = _WordListField(label=_("application fields"))

    class Meta:
        model = ChainNode
        fields = ["organization", "parent", "code", "name", "name_en", "region",
                  "industry_codes", "keywords", "products", "technologies", "applications",
                  "source"]
        widgets = {"source": forms.Textarea(attrs={"rows": 2})}


class EnterpriseLinkForm(RestrictedModelForm):
    class Meta:
        model = EnterpriseLink
        fields = ["enterprise", "node", "grade", "decision", "note"]
        field_classes = {"enterprise": EnterpriseChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:  # a link's ends do not move; make a new link
            for name in ("enterprise", "node"):
                self.fields[name].disabled = True


class ChainBenchmarkForm(TenantModelForm):
    node_outputs = forms.CharField(
        label=_("reference output by node (10,000 yuan)"), required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One node per line: code, output — e.g. “knit_fabric, 125000”."))

    class Meta:
        model = ChainBenchmark
        fields = ["organization", "name", "region", "year", "local_total_output",
                  "reference_name", "reference_total_output", "node_outputs", "source"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if isinstance(self.initial.get("node_outputs"), dict):
            self.initial["node_outputs"] = "\n".join(
                f"{k}, {v}" for k, v in self.initial["node_outputs"].items())

    def clean_node_outputs(self):
        raw = self.cleaned_data.get("node_outputs") or ""
        if raw.strip().startswith("{"):
            try:
                return json.loads(raw)
            except ValueError as exc:
                raise forms.ValidationError(_("Not valid JSON: %(err)s") % {"err": exc}) \
                    from exc
        out, errors = {}, []
        for number, line in enumerate(raw.splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in re.split(r"[,，:：\t]", line, maxsplit=1)]
            try:
                out[parts[0]] = float(parts[1].replace(" ", ""))
            except (IndexError, ValueError):
                errors.append(_("Line %(n)d: “%(line)s” is not “code, output”.")
                              % {"n": number, "line": line.strip()})
        if errors:
            raise forms.ValidationError(errors)
        return out


class KeyProjectForm(TenantModelForm):
    investments = forms.CharField(
        label=_("investment by year (10,000 yuan)"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One year per line: year, planned, completed — e.g. “2025, 1200, 800”."))

    class Meta:
        model = KeyProject
        fields = ["organization", "code", "name", "owner_enterprise", "owner_name", "node",
                  "region", "kind", "status", "planned_investment", "investments",
                  "start_date", "end_date", "officer", "note"]
        field_classes = {"owner_enterprise": EnterpriseChoiceField}
        widgets = {"start_date": forms.DateInput(attrs={"type": "date"}),
                   "end_date": forms.DateInput(attrs={"type": "date"}),
                   "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        value = self.initial.get("investments")
        if isinstance(value, dict):
            self.initial["investments"] = "\n".join(
                f"{y}, {v.get('planned', '')}, {v.get('completed', '')}"
                for y, v in sorted(value.items()))

    def clean_investments(self):
        out, errors = {}, []
        for number, line in enumerate((self.cleaned_data.get("investments") or "").splitlines(),
                                      start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in re.split(r"[,，\t]", line)]
            try:
                year = str(int(parts[0]))
                amounts = {}
                for key, text in zip(("planned", "completed"), parts[1:3], strict=False):
                    if text:
                        amounts[key] = float(text)
                out[year] = amounts
            except (IndexError, ValueError):
                errors.append(_("Line %(n)d: “%(line)s” is not “year, planned, completed”.")
                              % {"n": number, "line": line.strip()})
        if errors:
            raise forms.ValidationError(errors)
        return out


MilestoneFormSet = forms.inlineformset_factory(
    KeyProject, Milestone, fields=["name", "planned_date", "actual_date", "note"], extra=3,
    can_delete=True,
    widgets={"planned_date": forms.DateInput(attrs={"type": "date"}),
             "actual_date": forms.DateInput(attrs={"type": "date"})})


class LedgerImportForm(forms.Form):
    organization = forms.ModelChoiceField(queryset=None, label=_("ledger of"))
    file = forms.FileField(label=_("Excel workbook (.xlsx)"))

    def __init__(self, *args, user, **kwargs):
        from jinxiu.apps.core.permissions import organizations_for

        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations_for(user, "add")
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")

    def clean_file(self):
        from django.core.exceptions import ValidationError

        from jinxiu.apps.core.uploads import validate_upload

        upload = self.cleaned_data["file"]
        try:
            validate_upload(upload, allowed={".xlsx": (b"PK\x03\x04",)})
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc
        return upload


class PlatformForm(TenantModelForm):
    class Meta:
        model = Platform
        fields = ["organization", "name", "kind", "level", "owner_enterprise", "owner_name",
                  "node", "region", "recognized_year", "note"]
        field_classes = {"owner_enterprise": EnterpriseChoiceField}
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}
