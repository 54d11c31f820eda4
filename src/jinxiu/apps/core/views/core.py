"""Pages of the core app: home, organizations, jobs, change log, organization switcher."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jinxiu.apps.core import selectors
from jinxiu.apps.core.filtersets import (
    JobRunFilterSet,
    ObjectChangeFilterSet,
    OrganizationFilterSet,
)
from jinxiu.apps.core.forms import RestrictedModelForm
from jinxiu.apps.core.generic_views import (
    ObjectChangeLogView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
)
from jinxiu.apps.core.jobs.registry import get_job_kind
from jinxiu.apps.core.jobs.services import (
    job_cancel,
    job_enqueue,
    job_live_state,
    job_retry,
)
from jinxiu.apps.core.middleware import ACTIVE_ORG_SESSION_KEY
from jinxiu.apps.core.models import JobRun, ObjectChange, Organization
from jinxiu.apps.core.navigation import tiles_for
from jinxiu.apps.core.permissions import organizations_for, user_can
from jinxiu.apps.core.picker import SUGGESTIONS, suggestion_options
from jinxiu.apps.core.tables import JobRunTable, ObjectChangeTable, OrganizationTable
from jinxiu.apps.core.uscc import normalize


@login_required
def home(request):
    return render(request, "core/home.html", {
        "kind_chart": selectors.organization_kind_chart(user=request.user),
        "recent_jobs": selectors.job_list(user=request.user)[:5],
        "tiles": tiles_for(request),
    })


@login_required
@require_POST
def switch_organization(request):
    org_id = request.POST.get("organization")
    ids = {m.organization_id for m in request.memberships}
    try:
        org_id = int(org_id)
    except (TypeError, ValueError):
        raise Http404 from None
    if org_id not in ids:
        raise Http404
    request.session[ACTIVE_ORG_SESSION_KEY] = org_id
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "/"
    return HttpResponseRedirect(target)


# --- organizations ------------------------------------------------------------------------
class OrganizationForm(RestrictedModelForm):
    class Meta:
        model = Organization
        fields = ["name", "short_name", "kind", "region", "credit_code", "description"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if not user.is_superuser:
            # kind and region decide what a bureau's statistics policy covers, and which
            # bureau sees an enterprise: only a system administrator changes them
            for name in Organization.SCOPE_FIELDS:
                self.fields[name].disabled = True


@login_required
def organization_suggest(request):
    """Up to ``SUGGESTIONS`` ``<option>`` elements for the text typed so far in an owner
    text box (``picker.py``; ``?field=<input name>&<input name>=<text>``): the organizations
    the user may add data for whose name holds the text or whose credit code starts with it,
    names in order. Under two characters: none."""
    text = request.GET.get(request.GET.get("field", "q"), "").strip()
    if len(text) < 2:
        return HttpResponse("")
    code = normalize(text)
    match = Q(name__icontains=text)
    if code.isalnum() and code.isascii():
        match |= Q(credit_code__startswith=code)
    rows = (organizations_for(request.user, "add").filter(match).order_by("name", "pk")
            .values_list("credit_code", "name")[:SUGGESTIONS])
    return HttpResponse(suggestion_options(rows))


class OrganizationListView(ObjectListView):
    model = Organization
    queryset = Organization.objects.select_related("region")
    table = OrganizationTable
    filterset = OrganizationFilterSet


class OrganizationDetailView(ObjectDetailView):
    model = Organization
    queryset = Organization.objects.select_related("region")
    fields = ("name", "short_name", "kind", "region", "credit_code", "description", "is_synthetic")


class OrganizationEditView(ObjectEditView):
    model = Organization
    form = OrganizationForm


class OrganizationChangeLogView(ObjectChangeLogView):
    model = Organization


# --- jobs ---------------------------------------------------------------------------------
class JobListView(ObjectListView):
    model = JobRun
    queryset = JobRun.objects.select_related("owner", "organization")
    table = JobRunTable
    filterset = JobRunFilterSet
    url_base = "job"
    template_name = "core/job_list.html"


def _job(request, pk) -> JobRun:
    return get_object_or_404(selectors.job_list(user=request.user), pk=pk)


@login_required
def job_detail(request, pk):
    job = _job(request, pk)
    return render(request, "core/job_detail.html", {"job": job, **_job_state(request, job)})


def _job_state(request, job) -> dict:
    progress, message = job_live_state(job)
    return {
        "job": job,
        "progress": progress,
        "message": message,
        "can_change": user_can(request.user, job, "change"),
    }


@login_required
def job_progress(request, pk):
    """The progress component (htmx polls it until the job has finished)."""
    job = _job(request, pk)
    return render(request, "core/inc/job_progress.html", _job_state(request, job))


@login_required
@require_POST
def job_cancel_view(request, pk):
    job = _job(request, pk)
    if not user_can(request.user, job, "change"):
        raise PermissionDenied
    try:
        job_cancel(job=job, user=request.user)
        messages.info(request, _("Cancel requested."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(job.get_absolute_url())


@login_required
@require_POST
def job_retry_view(request, pk):
    job = _job(request, pk)
    if not user_can(request.user, job, "change"):
        raise PermissionDenied
    try:
        job_retry(job=job, user=request.user)
        messages.info(request, _("The job was queued again."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(job.get_absolute_url())


@login_required
@require_POST
def job_start_demo(request):
    """Start the demo-data load (system administrators only)."""
    kind = get_job_kind("core.demo_load")
    if kind.superuser_only and not request.user.is_superuser:
        raise PermissionDenied
    job = job_enqueue(kind=kind.name, user=request.user, organization=request.organization)
    messages.info(request, _("Job started."))
    return redirect(job.get_absolute_url())


# --- change log ---------------------------------------------------------------------------
class ObjectChangeListView(ObjectListView):
    model = ObjectChange
    queryset = ObjectChange.objects.select_related("user", "changed_object_type")
    table = ObjectChangeTable
    filterset = ObjectChangeFilterSet


@login_required
def objectchange_detail(request, pk):
    change = get_object_or_404(selectors.objectchange_list(user=request.user), pk=pk)
    return render(request, "core/objectchange_detail.html", {"change": change})
