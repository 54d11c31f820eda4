"""Generic list / detail / edit / delete / history views (NetBox style).

A model's pages are declared in a few lines::

    class DocumentListView(ObjectListView):
        model = Document
        table = DocumentTable
        filterset = DocumentFilterSet

Every view reads through ``Model.objects.restrict(user, action)``: an object the user may
not view is a 404; one they may view but not change or delete is a 403.
"""

from __future__ import annotations

import datetime as dt
import io

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import ProtectedError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django_tables2 import RequestConfig

from jinxiu.apps.core.models import ObjectChange
from jinxiu.apps.core.permissions import ACTION_LABELS, permission_q, user_can
from jinxiu.apps.core.uploads import too_large_response, upload_was_cut_short


class _NotPermitted(Exception):
    pass


class ObjectViewMixin(LoginRequiredMixin):
    model = None
    queryset = None
    url_base: str | None = None  # URL names are "<app>:<url_base>_<view>"; default model name

    def base_queryset(self):
        return self.queryset.all() if self.queryset is not None else self.model.objects.all()

    def restricted(self, action: str = "view"):
        return self.base_queryset().restrict(self.request.user, action)

    def get_object(self, action: str = "view"):
        """The object by pk: 404 unless visible; 403 unless ``action`` is allowed on it."""
        obj = get_object_or_404(self.restricted("view"), pk=self.kwargs["pk"])
        if action != "view" and not user_can(self.request.user, obj, action):
            raise PermissionDenied(_("You may view this object but not %(action)s it.")
                                   % {"action": ACTION_LABELS.get(action, action)})
        return obj

    def return_url(self) -> str | None:
        """The page the user came from (``?return_url=`` or a posted ``return_url``) when it
        is a path on this site, else None: a style's page after editing one of its
        operations, not the list of every operation."""
        url = self.request.POST.get("return_url") or self.request.GET.get("return_url")
        if url and url.startswith("/") and url_has_allowed_host_and_scheme(
                url, allowed_hosts={self.request.get_host()},
                require_https=self.request.is_secure()):
            return url
        return None

    def url_name(self, view: str) -> str:
        meta = self.model._meta
        return f"{meta.app_label}:{self.url_base or meta.model_name}_{view}"

    def common_context(self) -> dict:
        meta = self.model._meta
        user = self.request.user
        return {
            "model": self.model,
            "verbose_name": meta.verbose_name,
            "verbose_name_plural": meta.verbose_name_plural,
            "list_url": reverse(self.url_name("list")),
            "add_url": reverse(self.url_name("add"))
            if permission_q(user, self.model, "add") is not None and _has_url(self.url_name("add"))
            else None,
        }


def _has_url(name: str) -> bool:
    from django.urls import NoReverseMatch

    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


class ObjectListView(ObjectViewMixin, View):
    table = None
    filterset = None
    template_name = "generic/object_list.html"
    per_page = 25
    paginator_class = None  # django-tables2's default (Django's Paginator): an exact count

    def visible_columns(self, table_class) -> list[str] | None:
        key = f"jinxiu_columns:{self.model._meta.label_lower}"
        if "columns" in self.request.GET:
            chosen = [c for c in self.request.GET.getlist("columns") if c]
            self.request.session[key] = chosen
            return chosen or None
        return self.request.session.get(key)

    def get(self, request, *args, **kwargs):
        queryset = self.restricted("view")
        filterset = None
        if self.filterset is not None:
            filterset = self.filterset(request.GET, queryset=queryset, request=request)
            _style_widgets(filterset.form)
            queryset = filterset.qs if filterset.is_valid() else queryset.none()

        all_columns = [
            (name, column.header)
            for name, column in self.table(self.model.objects.none()).columns.items()
            if name not in ("actions",)
        ]
        chosen = self.visible_columns(self.table)
        exclude = [n for n, _h in all_columns if chosen and n not in chosen]
        # configured once, below: a table given the request pages itself at once with
        # Django's paginator (a full COUNT) before ours would count again
        table = self.table(queryset, exclude=exclude)

        if request.GET.get("export") == "xlsx":
            if permission_q(request.user, self.model, "export") is None:
                raise PermissionDenied(_("You may not export these records."))
            exportable = self.restricted("export")
            if filterset is not None:
                filterset = self.filterset(request.GET, queryset=exportable, request=request)
                exportable = filterset.qs if filterset.is_valid() else exportable.none()
            return self.export_xlsx(self.table(exportable, exclude=exclude, request=request))

        paginate = {"per_page": self.per_page}
        if self.paginator_class is not None:
            paginate["paginator_class"] = self.paginator_class
        RequestConfig(request, paginate=paginate).configure(table)
        context = {
            **self.common_context(),
            "table": table,
            "filterset": filterset,
            "all_columns": all_columns,
            "chosen_columns": [n for n, _h in all_columns if n not in exclude],
            "export_url": _with_param(request, "export", "xlsx")
            if permission_q(request.user, self.model, "export") is not None else None,
        }
        return render(request, self.template_name, context)

    def export_xlsx(self, table) -> HttpResponse:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=str(self.model._meta.verbose_name_plural)[:31])
        for row in table.as_values(exclude_columns=("actions",)):
            sheet.append([_cell(value) for value in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        filename = f"{self.model._meta.model_name}-{dt.date.today():%Y%m%d}.xlsx"
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


def _style_widgets(form) -> None:
    from django import forms

    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select form-select-sm"
        else:
            css = "form-control form-control-sm"
        widget.attrs.setdefault("class", css)
        if isinstance(widget, forms.DateInput):
            widget.input_type = "date"


def _cell(value):
    if value is None or isinstance(value, int | float):
        return value
    text = str(value)
    # Spreadsheet formula injection: a cell must never start as a formula.
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return text


def _with_param(request, key: str, value: str) -> str:
    params = request.GET.copy()
    params[key] = value
    params.pop("page", None)
    return f"{request.path}?{params.urlencode()}"


class ObjectDetailView(ObjectViewMixin, View):
    template_name = "generic/object_detail.html"
    fields: tuple[str, ...] = ()

    def get_fields(self, obj) -> list[tuple[str, object]]:
        names = self.fields or [f.name for f in obj._meta.fields if f.name != "id"]
        rows = []
        for name in names:
            field = obj._meta.get_field(name)
            display = getattr(obj, f"get_{name}_display", None)
            value = display() if callable(display) else getattr(obj, name)
            rows.append((field.verbose_name, value))
        return rows

    def extra_context(self, obj) -> dict:
        return {}

    def get(self, request, *args, **kwargs):
        obj = self.get_object("view")
        user = request.user
        context = {
            **self.common_context(),
            "object": obj,
            "fields": self.get_fields(obj),
            "can_change": user_can(user, obj, "change")
            and _has_url_with_pk(self.url_name("edit")),
            "can_delete": user_can(user, obj, "delete")
            and _has_url_with_pk(self.url_name("delete")),
            "changelog_url": reverse(self.url_name("changelog"), args=[obj.pk])
            if _has_url_with_pk(self.url_name("changelog")) else None,
            **self.extra_context(obj),
        }
        return render(request, self.template_name, context)


def _has_url_with_pk(name: str) -> bool:
    from django.urls import NoReverseMatch

    try:
        reverse(name, args=[1])
    except NoReverseMatch:
        return False
    return True


class ObjectEditView(ObjectViewMixin, View):
    """Create (no pk in the URL) or change an object.

    The save runs in a transaction, and the saved object must lie inside what the user may
    ``add``/``change`` (constraints included); otherwise nothing is written.
    """

    form = None
    template_name = "generic/object_edit.html"

    def get_form(self, obj, data=None, files=None):
        initial = {}
        active = getattr(self.request, "organization", None)
        if obj.pk is None and active is not None:
            initial["organization"] = active.pk  # acting for the switcher's organization
        return self.form(data=data, files=files, instance=obj, initial=initial,
                         user=self.request.user)

    def get_instance(self):
        if "pk" in self.kwargs:
            return self.get_object("change"), "change"
        if permission_q(self.request.user, self.model, "add") is None:
            raise PermissionDenied(_("You may not add %(name)s.")
                                   % {"name": self.model._meta.verbose_name})
        return self.model(), "add"

    def get(self, request, *args, **kwargs):
        obj, _action = self.get_instance()
        return self._render(obj, self.get_form(obj))

    def post(self, request, *args, **kwargs):
        obj, action = self.get_instance()
        if upload_was_cut_short(request):
            return too_large_response(request)
        form = self.get_form(obj, request.POST, request.FILES)
        if form.is_valid():
            try:
                with transaction.atomic():
                    saved = self.save_form(form)
                    if not user_can(request.user, saved, action):
                        raise _NotPermitted
            except _NotPermitted:
                form.add_error(None, _("You may not save this object with these values."))
            else:
                messages.success(request, _("Saved “%(obj)s”.") % {"obj": saved})
                if "_addanother" in request.POST and action == "add":
                    # the same add page with the same query (?style=…), the next row typed
                    return redirect(request.get_full_path())
                return redirect(self.return_url()
                                or reverse(self.url_name("detail"), args=[saved.pk]))
        return self._render(obj, form, status=400)

    def save_form(self, form):
        return form.save()

    def _render(self, obj, form, status=200):
        context = {**self.common_context(), "object": obj, "form": form,
                   "is_new": obj.pk is None, "return_url": self.return_url()}
        return render(self.request, self.template_name, context, status=status)


class ObjectDeleteView(ObjectViewMixin, View):
    template_name = "generic/object_delete.html"

    def consequences(self, obj) -> list[str]:
        """What deleting ``obj`` does to other records, said on the confirmation page (a
        line's plans lose its takt, a style's plans go with it …); none by default."""
        return []

    def after_delete_url(self, obj) -> str:
        """Where the user lands once ``obj`` is gone (asked before it goes): the list by
        default; an operation's style, an operator's line."""
        return reverse(self.url_name("list"))

    def get(self, request, *args, **kwargs):
        obj = self.get_object("delete")
        return render(request, self.template_name, {**self.common_context(), "object": obj,
                                                    "consequences": self.consequences(obj),
                                                    "return_url": self.return_url()})

    def post(self, request, *args, **kwargs):
        obj = self.get_object("delete")
        label = str(obj)
        after = self.after_delete_url(obj)
        try:
            with transaction.atomic():
                obj.delete()
        except ProtectedError:
            messages.error(request, _("Other records still refer to “%(obj)s”; nothing was "
                                      "deleted.") % {"obj": label})
            return redirect(reverse(self.url_name("detail"), args=[obj.pk]))
        messages.success(request, _("Deleted “%(obj)s”.") % {"obj": label})
        return redirect(self.return_url() or after)


class ObjectChangeLogView(ObjectViewMixin, View):
    template_name = "generic/object_changelog.html"

    def get(self, request, *args, **kwargs):
        obj = self.get_object("view")
        changes = (
            ObjectChange.objects.restrict(request.user, "view")
            .filter(changed_object_type=ContentType.objects.get_for_model(obj),
                    changed_object_id=obj.pk)
            .select_related("user")
        )
        return render(request, self.template_name,
                      {**self.common_context(), "object": obj, "changes": changes})


def crud_urls(model, *, list_view=None, detail_view=None, edit_view=None, delete_view=None,
              changelog_view=None, prefix: str):
    """URL patterns ``<model>_list|add|detail|edit|delete|changelog`` for one model."""
    from django.urls import path

    name = model._meta.model_name
    patterns = []
    if list_view:
        patterns.append(path(f"{prefix}", list_view.as_view(), name=f"{name}_list"))
    if edit_view:
        patterns.append(path(f"{prefix}add/", edit_view.as_view(), name=f"{name}_add"))
        patterns.append(path(f"{prefix}<int:pk>/edit/", edit_view.as_view(), name=f"{name}_edit"))
    if detail_view:
        patterns.append(path(f"{prefix}<int:pk>/", detail_view.as_view(), name=f"{name}_detail"))
    if delete_view:
        patterns.append(
            path(f"{prefix}<int:pk>/delete/", delete_view.as_view(), name=f"{name}_delete")
        )
    if changelog_view:
        patterns.append(
            path(f"{prefix}<int:pk>/history/", changelog_view.as_view(), name=f"{name}_changelog")
        )
    return patterns
