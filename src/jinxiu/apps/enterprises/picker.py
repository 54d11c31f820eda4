"""Choosing one enterprise in a form without listing the whole registry (企业选择).

A select box of every firm is unusable at a cluster's size (100,000 firms is a page of
several megabytes). Forms that point at an enterprise (a chain link, a key project's or a
platform's owner) take a text box instead: the user types a unified social credit code or
the registered name; while typing, the registry search (the list page's ``q``) suggests up
to ``SUGGESTIONS`` firms in a ``<datalist>`` fetched with htmx from
``views.EnterpriseSuggestView``.

The field resolves the text only among the enterprises the form's queryset allows (the
form restricts it to what the user may see), so a name or code the user may not see is
"not found", the same answer as a firm that does not exist.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from jinxiu.apps.core.uscc import normalize
from jinxiu.apps.enterprises.models import Enterprise

SUGGESTIONS = 15


def _label(enterprise: Enterprise) -> str:
    """What the text box shows for a chosen firm: its code, or its name when it has none."""
    org = enterprise.organization
    return org.credit_code or org.name


class EnterprisePicker(forms.TextInput):
    """A text box with a datalist the registry search fills while the user types."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        options = f"{attrs.get('id') or 'id_' + name}-options"
        attrs.update({
            "list": options, "autocomplete": "off",
            "placeholder": str(_("Credit code or registered name")),
            "hx-get": f"{reverse('enterprises:suggest')}?field={name}",
            "hx-trigger": "input changed delay:250ms", "hx-target": f"#{options}",
            "hx-swap": "innerHTML",
        })
        box = super().render(name, value, attrs, renderer)
        return format_html('{}<datalist id="{}"></datalist>', box, options)


class EnterpriseChoiceField(forms.ModelChoiceField):
    """An enterprise named by its unified social credit code or its exact registered name.

    Posted text is a code or a name; a pk is accepted only from the form's own initial data
    (an ``int`` or an instance, e.g. a disabled field), never from what the user typed."""

    widget = EnterprisePicker

    def prepare_value(self, value):
        if isinstance(value, Enterprise):
            return _label(value)
        if isinstance(value, int):
            found = (self.queryset.filter(pk=value)
                     .values_list("organization__credit_code", "organization__name").first())
            return (found[0] or found[1]) if found else ""
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Enterprise):
            return value
        if isinstance(value, int):
            try:
                return self.queryset.get(pk=value)
            except Enterprise.DoesNotExist as exc:
                raise ValidationError(self.error_messages["invalid_choice"],
                                      code="invalid_choice") from exc
        text = str(value).strip()
        qs = self.queryset.select_related("organization")
        code = normalize(text)
        if len(code) == 18 and code.isalnum() and code.isascii():
            match = list(qs.filter(organization__credit_code=code)[:1])
            if match:
                return match[0]
            raise ValidationError(
                _("No enterprise with the credit code %(code)s in the registry you may see.")
                % {"code": code}, code="invalid_choice")
        match = list(qs.filter(organization__name=text)[:1])  # names are unique
        if match:
            return match[0]
        raise ValidationError(
            _("No enterprise named “%(name)s” in the registry you may see; enter its credit "
              "code or its registered name exactly (the suggestions list both).")
            % {"name": text}, code="invalid_choice")
