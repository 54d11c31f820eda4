"""Choosing one organization in a form without listing them all (机构选择).

A select box of every organization is unusable at a cluster's size (100,000 firms is a page
of several megabytes). Where a form offers more than ``PICKER_FROM`` choices (a superuser's
owner field), or always where it points into the registry (``enterprises.picker``), it takes
a text box instead: the user types a unified social credit code (统一社会信用代码) or the
registered name; while typing, up to ``SUGGESTIONS`` matches come in a ``<datalist>``
fetched with htmx from a suggest view.

The field resolves the text only among the rows of its queryset (the form restricts it to
what the user may choose), so a name or code outside it is "not found", the same answer as
one that does not exist.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from jinxiu.apps.core.uscc import normalize

SUGGESTIONS = 15
PICKER_FROM = 50  # more choices than this: a text box with suggestions, not a select


class SuggestPicker(forms.TextInput):
    """A text box with a datalist that ``suggest_url`` (a URL name) fills while the user
    types (``?field=<input name>&<input name>=<text>``)."""

    suggest_url = "core:organization_suggest"

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        options = f"{attrs.get('id') or 'id_' + name}-options"
        attrs.update({
            "list": options, "autocomplete": "off",
            "placeholder": str(_("Credit code or registered name")),
            "hx-get": f"{reverse(self.suggest_url)}?field={name}",
            "hx-trigger": "input changed delay:250ms", "hx-target": f"#{options}",
            "hx-swap": "innerHTML",
        })
        box = super().render(name, value, attrs, renderer)
        return format_html('{}<datalist id="{}"></datalist>', box, options)


def suggestion_options(rows) -> str:
    """``<option>`` elements for (credit code, name) rows: the code as the value where there
    is one, the name beside it."""
    return format_html_join("", '<option value="{}">{}</option>',
                            ((code or name, name) for code, name in rows))


class CodeOrNameChoiceField(forms.ModelChoiceField):
    """A row named by its organization's unified social credit code or exact registered
    name (``path``: the lookup from the row to its ``Organization``, "" for an organization
    itself).

    Posted text is a code or a name; a pk is accepted only from the form's own initial data
    (an ``int`` or an instance, e.g. a disabled field), never from what the user typed."""

    widget = SuggestPicker
    path = ""
    no_code = _("No organization with the credit code %(code)s among those you may choose.")
    no_name = _("No organization named “%(name)s” among those you may choose; enter its "
                "credit code or its registered name exactly (the suggestions list both).")

    def organization(self, row):
        return getattr(row, self.path[:-2]) if self.path else row

    def prepare_value(self, value):
        if isinstance(value, self.queryset.model):
            org = self.organization(value)
            return org.credit_code or org.name
        if isinstance(value, int):
            found = (self.queryset.filter(pk=value)
                     .values_list(f"{self.path}credit_code", f"{self.path}name").first())
            return (found[0] or found[1]) if found else ""
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, self.queryset.model):
            return value
        if isinstance(value, int):
            try:
                return self.queryset.get(pk=value)
            except self.queryset.model.DoesNotExist as exc:
                raise ValidationError(self.error_messages["invalid_choice"],
                                      code="invalid_choice") from exc
        text = str(value).strip()
        qs = self.queryset.select_related(self.path[:-2]) if self.path else self.queryset
        code = normalize(text)
        if len(code) == 18 and code.isalnum() and code.isascii():
            match = list(qs.filter(**{f"{self.path}credit_code": code})[:1])
            if match:
                return match[0]
            raise ValidationError(self.no_code % {"code": code}, code="invalid_choice")
        match = list(qs.filter(**{f"{self.path}name": text})[:1])  # names are unique
        if match:
            return match[0]
        raise ValidationError(self.no_name % {"name": text}, code="invalid_choice")


class OrganizationChoiceField(CodeOrNameChoiceField):
    """An owner organization named by code or name (``forms.TenantModelForm`` with more than
    ``PICKER_FROM`` choices)."""
