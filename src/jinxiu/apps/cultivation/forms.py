"""Forms of the cultivation pages."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from jinxiu.apps.core.forms import RestrictedModelForm, TenantModelForm
from jinxiu.apps.core.permissions import organizations_for
from jinxiu.apps.core.uploads import validate_upload
from jinxiu.apps.cultivation.adapter import fact_fields
from jinxiu.apps.cultivation.models import (
    REVIEWER_KINDS,
    Application,
    EvaluationRun,
    RuleSetRevision,
    TierRecord,
)
from jinxiu.apps.cultivation.selectors import reviewable_organizations
from jinxiu.apps.enterprises.tags import tag_choices

DATE = {"type": "date"}
ATTACHMENT_TYPES = {".pdf": (b"%PDF-",), ".png": (b"\x89PNG\r\n\x1a\n",),
                    ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",)}


def _reviewer_orgs(user, action: str):
    return organizations_for(user, action).filter(kind__in=REVIEWER_KINDS)


class RuleSetRevisionForm(TenantModelForm):
    class Meta:
        model = RuleSetRevision
        fields = ["organization", "code", "text", "note"]
        widgets = {"text": forms.Textarea(attrs={"rows": 30, "class": "font-monospace",
                                                 "spellcheck": "false"})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        field = self.fields["organization"]
        field.queryset = field.queryset.filter(kind__in=REVIEWER_KINDS)
        field.required = not user.is_superuser


class RuleSetCopyForm(forms.Form):
    organization = forms.ModelChoiceField(queryset=None, label=_("Keep the copy for"))
    effective_from = forms.DateField(
        label=_("New version in force from"), required=False,
        widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
        help_text=_("Leave empty to copy the rule set as it is."))
    version_id = forms.CharField(label=_("New version id"), max_length=32, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = _reviewer_orgs(user, "add")
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control form-control-sm")


class TierRecordForm(RestrictedModelForm):
    class Meta:
        model = TierRecord
        fields = ["organization", "tier", "granted_on", "expires_on", "certificate_no",
                  "granted_by", "ruleset", "version", "revoked_on", "note"]
        widgets = {"granted_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
                   "expires_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
                   "revoked_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        choices = reviewable_organizations(user=user)
        if self.instance.pk is not None:
            choices = (choices | type(self.instance.organization).objects.filter(
                pk=self.instance.organization_id)).distinct()
        self.fields["organization"].queryset = choices


class TierImportForm(forms.Form):
    file = forms.FileField(label=_("Tier list (.xlsx)"))


class EvaluationRunForm(TenantModelForm):
    """A new run: which rule set, on which date, over which part of the registry."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    region = forms.CharField(label=_("Region code (and below)"), required=False, max_length=12)
    industry = forms.CharField(label=_("Industry code"), required=False, max_length=4)
    tag = forms.ChoiceField(label=_("tag"), required=False)

    class Meta:
        model = EvaluationRun
        fields = ["organization", "ruleset", "assessed_on", "note"]
        widgets = {"assessed_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if self.instance.pk is not None:  # a run: only its note changes
            for name in ("organization", "ruleset", "assessed_on", "q", "region", "industry",
                         "tag"):
                self.fields.pop(name)
            return
        field = self.fields["organization"]
        field.queryset = field.queryset.filter(kind__in=REVIEWER_KINDS)
        self.fields["tag"].choices = [("", "—"), *tag_choices()]
        self.fields["tag"].widget.attrs["class"] = "form-select"
        self.initial.setdefault("assessed_on", timezone.localdate())

    def filters(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("q", "region", "industry", "tag")
                if self.cleaned_data.get(k)}


class ApplicationForm(TenantModelForm):
    """An application: the tier first; once saved, the facts the tier's rule set reads."""

    upload = forms.FileField(label=_("Add an attachment"), required=False,
                             help_text=_("PDF, PNG or JPEG."))
    upload_title = forms.CharField(label=_("Attachment title"), required=False, max_length=200)

    class Meta:
        model = Application
        fields = ["organization", "tier", "assessed_on", "note", "attachments"]
        widgets = {"assessed_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
                   "attachments": forms.CheckboxSelectMultiple}

    def __init__(self, *args, user, ruleset=None, registry_facts=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.registry_facts = (registry_facts or {}).get("facts", {})
        owner = self.fields["organization"]
        owner.queryset = owner.queryset.filter(kind="enterprise")
        self.initial.setdefault("assessed_on", timezone.localdate())
        self.fact_fields = []
        attachments = self.fields["attachments"]
        owner = self.instance.organization_id if self.instance.pk else None
        attachments.queryset = attachments.queryset.filter(organization_id=owner) \
            if owner else attachments.queryset.none()
        attachments.widget.attrs["class"] = "form-check-input"
        if self.instance.pk is not None:
            self.fields["tier"].disabled = True
            self.fields["organization"].disabled = True
        if ruleset is not None:
            self._add_fact_fields(ruleset)

    def _add_fact_fields(self, ruleset):
        on = self.instance.assessed_on or timezone.localdate()
        try:
            specs = fact_fields(ruleset, on=on, language=get_language() or "zh-hans")
        except LookupError:
            specs = []
        stored = self.instance.facts or {}
        for spec in specs:
            label = f"{spec.label}（{spec.year}）" if spec.year else spec.label
            help_text = spec.unit if spec.unit and spec.unit != "ratio" else (
                _("a fraction: 0.03 = 3 %") if spec.unit == "ratio" else "")
            if spec.type == "bool":
                field = forms.NullBooleanField(label=label, required=False,
                                               widget=forms.NullBooleanSelect())
            elif spec.type == "enum":
                field = forms.ChoiceField(label=label, required=False,
                                          choices=[("", "—"), *((v, v) for v in spec.values)])
            elif spec.type == "integer":
                field = forms.IntegerField(label=label, required=False)
            elif spec.type == "number":
                field = forms.FloatField(label=label, required=False)
            elif spec.type == "date":
                field = forms.DateField(label=label, required=False,
                                        widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
            else:
                field = forms.CharField(label=label, required=False, max_length=200)
            field.help_text = help_text
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css + " form-control-sm")
            known = _registry_value(self.registry_facts.get(spec.name), spec.year)
            if known is not None:
                field.widget.attrs["placeholder"] = _("registry: %(value)s") % {"value": known}
            value = stored.get(spec.name)
            if spec.year is not None:
                value = (value or {}).get(str(spec.year)) if isinstance(value, dict) else None
            if value is not None:
                self.initial[spec.key] = dt.date.fromisoformat(value) \
                    if spec.type == "date" and isinstance(value, str) else value
            self.fields[spec.key] = field
            self.fact_fields.append(spec)

    def clean_upload(self):
        uploaded = self.cleaned_data.get("upload")
        if uploaded:
            validate_upload(uploaded, allowed=ATTACHMENT_TYPES)
        return uploaded

    def fact_values(self) -> dict:
        """The facts as stored on the application (yearly ones by year)."""
        values: dict = {}
        for spec in self.fact_fields:
            value = self.cleaned_data.get(spec.key)
            if value in (None, ""):
                continue
            if isinstance(value, dt.date):
                value = value.isoformat()
            if spec.year is None:
                values[spec.name] = value
            else:
                values.setdefault(spec.name, {})[str(spec.year)] = value
        return values

    def fact_bound_fields(self):
        return [self[spec.key] for spec in self.fact_fields]


def _registry_value(fact, year):
    """The value the registry holds for a fact (of ``year``), or None."""
    if not isinstance(fact, dict):
        return fact if year is None else None
    if "by_year" in fact:
        value = fact["by_year"].get(str(year)) if year is not None else None
        return value.get("value") if isinstance(value, dict) else value
    return fact.get("value") if year is None else None


class ReturnForm(forms.Form):
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={
        "rows": 3, "class": "form-control"}))


class ApproveForm(forms.Form):
    granted_on = forms.DateField(label=_("Date granted"), widget=forms.DateInput(
        format="%Y-%m-%d", attrs={**DATE, "class": "form-control form-control-sm"}))
    certificate_no = forms.CharField(label=_("certificate number"), required=False,
                                     max_length=64, widget=forms.TextInput(attrs={
                                         "class": "form-control form-control-sm"}))
    reasons = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={
        "rows": 2, "class": "form-control"}))
