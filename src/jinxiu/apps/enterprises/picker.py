"""Choosing one enterprise in a form without listing the whole registry (企业选择).

Forms that point at an enterprise (a chain link, a key project's or a platform's owner) take
a text box (``core.picker``): the user types a unified social credit code or the registered
name; while typing, the registry search (the list page's ``q``) suggests up to
``SUGGESTIONS`` firms, fetched from ``views.EnterpriseSuggestView``. The text is resolved
only among the enterprises the form's queryset allows (what the user may see).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jinxiu.apps.core.picker import SUGGESTIONS, CodeOrNameChoiceField, SuggestPicker

__all__ = ["SUGGESTIONS", "EnterpriseChoiceField", "EnterprisePicker"]


class EnterprisePicker(SuggestPicker):
    """A text box with a datalist the registry search fills while the user types."""

    suggest_url = "enterprises:suggest"


class EnterpriseChoiceField(CodeOrNameChoiceField):
    """An enterprise named by its unified social credit code or its exact registered name."""

    widget = EnterprisePicker
    path = "organization__"
    no_code = _("No enterprise with the credit code %(code)s in the registry you may see.")
    no_name = _("No enterprise named “%(name)s” in the registry you may see; enter its credit "
                "code or its registered name exactly (the suggestions list both).")
