"""Applications for a tier: the enterprise's facts and attachments with a live pre-check, and
the review (draft → submitted → under review → approved / returned)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from jinxiu.apps.core.generic_views import (
    ObjectChangeLogView,
    ObjectDeleteView,
    ObjectEditView,
    ObjectListView,
    ObjectViewMixin,
)
from jinxiu.apps.core.permissions import user_can
from jinxiu.apps.core.uploads import too_large_response, upload_was_cut_short
from jinxiu.apps.cultivation import filtersets, forms, tables
from jinxiu.apps.cultivation.adapter import parse_revision
from jinxiu.apps.cultivation.models import Application
from jinxiu.apps.cultivation.selectors import enterprise_facts, ruleset_current
from jinxiu.apps.cultivation.services import (
    application_approve,
    application_precheck,
    application_return,
    application_save,
    application_start_review,
    application_submit,
)
from jinxiu.apps.cultivation.tiers import tier


def _base_facts(user, application) -> dict:
    from jinxiu.apps.enterprises.models import Enterprise

    enterprise = Enterprise.objects.filter(organization_id=application.organization_id) \
        .select_related("organization").first()
    if enterprise is None:
        return {"facts": {}}
    return enterprise_facts(user=user, enterprise=enterprise, on=application.assessed_on)


class ApplicationListView(ObjectListView):
    model = Application
    queryset = Application.objects.select_related("organization")
    table = tables.ApplicationTable
    filterset = filtersets.ApplicationFilterSet


class ApplicationEditView(ObjectEditView):
    """New: the enterprise, the tier and the date. Saved drafts: the facts the tier's rule
    set reads, and attachments; the pre-check beside the form follows every change (htmx)."""

    model = Application
    form = forms.ApplicationForm
    template_name = "cultivation/application_edit.html"

    def get_instance(self):
        obj, action = super().get_instance()
        if obj.pk is not None and not obj.editable:
            raise PermissionDenied(_("Only a draft or a returned application can be changed."))
        return obj, action

    def get_form(self, obj, data=None, files=None):
        ruleset = parse_revision(obj.ruleset) if obj.pk is not None else None
        initial = {}
        active = getattr(self.request, "organization", None)
        if obj.pk is None and active is not None:
            initial["organization"] = active.pk
        registry = _base_facts(self.request.user, obj) if obj.pk is not None else None
        return self.form(data=data, files=files, instance=obj, initial=initial,
                         user=self.request.user, ruleset=ruleset, registry_facts=registry)

    def save_form(self, form):
        from jinxiu.apps.documents.models import Document
        from jinxiu.apps.documents.services import document_save

        application = form.save(commit=False)
        if application.pk is None:
            revision = ruleset_current(user=self.request.user,
                                       code=tier(application.tier).ruleset)
            if revision is None:
                raise ValidationError({"tier": _("No rule set for this tier.")})
            application.ruleset = revision
        else:
            application.facts = form.fact_values()
        application_save(application=application, user=self.request.user,
                         base_facts=_base_facts(self.request.user, application))
        form.save_m2m()
        uploaded = form.cleaned_data.get("upload")
        if uploaded:
            document = Document(organization=application.organization,
                                title=form.cleaned_data.get("upload_title") or uploaded.name,
                                kind=Document.Kind.CERTIFICATE, file=uploaded)
            document_save(document=document, user=self.request.user, uploaded=uploaded)
            application.attachments.add(document)
        return application

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError as exc:  # from the services (e.g. no version in force)
            obj, _action = self.get_instance()
            form = self.get_form(obj, request.POST)
            form.is_valid()
            errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
            for field, messages_ in errors.items():
                form.add_error(field if field in form.fields else None, messages_)
            return self._render(obj, form, status=400)

    def _render(self, obj, form, status=200):
        context = {**self.common_context(), "object": obj, "form": form,
                   "is_new": obj.pk is None, "application": obj}
        return render(self.request, self.template_name, context, status=status)


class ApplicationPrecheckView(ObjectViewMixin, View):
    """The engine's verdict on the facts as they stand in the form, saving nothing."""

    model = Application
    queryset = Application.objects.select_related("organization", "ruleset")

    def post(self, request, pk):
        application = self.get_object("change")
        if upload_was_cut_short(request):
            return too_large_response(request)
        form = forms.ApplicationForm(data=request.POST, instance=application, user=request.user,
                                     ruleset=parse_revision(application.ruleset))
        form.is_valid()  # fields with errors are left out of the facts
        application.facts = form.fact_values()
        try:
            application_precheck(application=application,
                                 base_facts=_base_facts(request.user, application))
        except ValidationError as exc:
            return render(request, "cultivation/inc/precheck.html",
                          {"error": " ".join(exc.messages)}, status=400)
        return render(request, "cultivation/inc/precheck.html",
                      {"verdict": application.precheck, "live": True})


def _fact_rows(application) -> list[tuple[str, str]]:
    """The enterprise's facts with the catalogue's labels, yearly ones year by year."""
    catalogue = parse_revision(application.ruleset).catalogue
    rows = []
    for name, value in (application.facts or {}).items():
        spec = catalogue.get(name)
        label = spec.label_zh if spec else name
        unit = f" {spec.unit}" if spec and spec.unit and spec.unit != "ratio" else ""
        if isinstance(value, dict):
            for year, v in sorted(value.items()):
                rows.append((f"{label}（{year}）", f"{v}{unit}"))
        else:
            rows.append((label, f"{value}{unit}"))
    return rows


class ApplicationDetailView(ObjectViewMixin, View):
    """The reviewer's view: the pre-check, its evidence and the attachments side by side.
    Attaching a document to an application shows it to whoever may view the application."""

    model = Application
    queryset = Application.objects.select_related("organization", "ruleset", "reviewer",
                                                  "record")

    def get(self, request, pk):
        application = self.get_object("view")
        user = request.user
        context = {
            **self.common_context(), "object": application, "application": application,
            "verdict": application.precheck, "facts": _fact_rows(application),
            "attachments": application.attachments.order_by("title"),
            "can_change": application.editable and user_can(user, application, "change"),
            "can_review": user_can(user, application, "review"),
            "return_form": forms.ReturnForm(),
            "approve_form": forms.ApproveForm(initial={"granted_on": timezone.localdate()}),
            "tier": tier(application.tier),
        }
        return render(request, "cultivation/application_detail.html", context)


class ApplicationAttachmentView(ObjectViewMixin, View):
    """An attachment's file, to those who may view the application it is attached to."""

    model = Application

    def get(self, request, pk, document):
        from django.http import FileResponse, Http404

        application = self.get_object("view")
        attached = application.attachments.filter(pk=document).first()
        if attached is None or not attached.file:
            raise Http404
        return FileResponse(attached.file.open("rb"), as_attachment=True,
                            filename=attached.original_name or attached.file.name)


class ApplicationStepView(ObjectViewMixin, View):
    """One step of the workflow (submit, review, return, approve); each is a change-logged
    save of the application."""

    model = Application
    queryset = Application.objects.select_related("organization", "ruleset")

    def post(self, request, pk, step):
        application = self.get_object("view")
        try:
            with transaction.atomic():
                self._do(request, application, step)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The application is now “%(status)s”.")
                             % {"status": application.get_status_display()})
        return redirect(application.get_absolute_url())

    def _do(self, request, application, step):
        user = request.user
        if step == "submit":
            application_submit(application=application, user=user,
                               base_facts=_base_facts(user, application))
        elif step == "review":
            application_start_review(application=application, user=user)
        elif step == "return":
            form = forms.ReturnForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Say why the application is returned."))
            application_return(application=application, user=user,
                               reasons=form.cleaned_data["reasons"])
        elif step == "approve":
            form = forms.ApproveForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Give the date granted."))
            application_approve(application=application, user=user, **form.cleaned_data)
        else:
            raise PermissionDenied


class ApplicationDeleteView(ObjectDeleteView):
    model = Application

    def get_object(self, action="view"):
        obj = super().get_object(action)
        if action == "delete" and obj.status != Application.Status.DRAFT:
            raise PermissionDenied(_("Only a draft can be deleted."))
        return obj


class ApplicationChangeLogView(ObjectChangeLogView):
    model = Application
