"""Form bases: every choice of a related object is limited to what the user may see."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jinxiu.apps.core.models import Organization
from jinxiu.apps.core.permissions import organizations_for
from jinxiu.apps.core.picker import PICKER_FROM, OrganizationChoiceField, SuggestPicker


class RestrictedModelForm(forms.ModelForm):
    """A ModelForm given the acting ``user``: related-object choices go through restrict()."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                qs = field.queryset
                if hasattr(qs, "restrict"):
                    field.queryset = qs.restrict(user, "view")
            widget = field.widget
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            widget.attrs.setdefault("class", css)


class TenantModelForm(RestrictedModelForm):
    """For tenant-owned data: the owner may be any organization the user may add data for."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if "organization" in self.fields:
            action = "add" if self.instance.pk is None else "change"
            choices = organizations_for(user, action)
            if self.instance.pk is not None:
                # keep the current owner selectable, so an unchanged form stays valid
                choices = choices | Organization.objects.filter(pk=self.instance.organization_id)
            choices = choices.distinct()
            first = list(choices.values_list("pk", flat=True)[:PICKER_FROM + 1])
            if len(first) > PICKER_FROM:  # a superuser: a text box, not every organization
                old = self.fields["organization"]
                self.fields["organization"] = OrganizationChoiceField(
                    queryset=choices, label=old.label, required=old.required,
                    widget=SuggestPicker(attrs={"class": "form-control"}))
            else:
                self.fields["organization"].queryset = choices
            if (self.instance.pk is None and not self.initial.get("organization")
                    and len(first) == 1):
                self.initial["organization"] = first[0]
            self.fields["organization"].help_text = _("The organization this belongs to.")
