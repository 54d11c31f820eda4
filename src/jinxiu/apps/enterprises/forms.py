from django import forms
from django.utils.translation import gettext_lazy as _

from jinxiu.apps.core.forms import TenantModelForm
from jinxiu.apps.core.models import Organization
from jinxiu.apps.enterprises.industry import industry_choices
from jinxiu.apps.enterprises.models import Enterprise, ImportKind, YearlyIndicator
from jinxiu.apps.enterprises.tags import tag_choices


def _lines(value: str) -> list[str]:
    import re

    return [p.strip() for p in re.split(r"[\n;；,，、]+", value or "") if p.strip()]


class EnterpriseForm(TenantModelForm):
    """Registry facts. The credit code and region belong to the organization (changed by
    system administrators) and are checked here against each other."""

    former_names = forms.CharField(
        label=_("former names"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line."))
    main_industry = forms.TypedChoiceField(
        label=_("main industry (GB/T 4754-2017)"), required=False,
        choices=lambda: [("", "—"), *industry_choices()])
    secondary_industries = forms.CharField(
        label=_("secondary industries (GB/T 4754-2017)"), required=False,
        help_text=_("Codes separated by commas, e.g. 1762, 1830."))
    tags = forms.MultipleChoiceField(label=_("tags"), required=False, choices=tag_choices,
                                     widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Enterprise
        fields = ["organization", "former_names", "legal_representative", "registered_capital",
                  "established_on", "status", "address", "latitude", "longitude",
                  "business_scope", "main_industry", "secondary_industries", "tags"]
        widgets = {
            "established_on": forms.DateInput(attrs={"type": "date"}),
            "business_scope": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = self.fields["organization"].queryset.filter(
            kind=Organization.Kind.ENTERPRISE)
        if self.instance.pk is not None:
            self.initial["former_names"] = "\n".join(self.instance.former_names or [])
            self.initial["secondary_industries"] = ", ".join(
                self.instance.secondary_industries or [])
        self.fields["tags"].widget.attrs.pop("class", None)

    def clean_former_names(self):
        return [p.strip() for p in (self.cleaned_data.get("former_names") or "").splitlines()
                if p.strip()]

    def clean_secondary_industries(self):
        return _lines(self.cleaned_data.get("secondary_industries"))


class YearlyIndicatorForm(TenantModelForm):
    class Meta:
        model = YearlyIndicator
        fields = ["organization", "year", "operating_revenue", "industrial_output", "profit",
                  "tax", "rd_expense", "exports", "employees", "invention_patents",
                  "utility_model_patents", "design_patents", "software_copyrights", "source"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = self.fields["organization"].queryset.filter(
            kind=Organization.Kind.ENTERPRISE)


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportKind.choices)
    file = forms.FileField(label=_("Excel (.xlsx) or CSV file"),
                           help_text=_("First sheet; one row per enterprise (or per enterprise "
                                       "and year); Chinese headers as your office writes them."))
