import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from jinxiu.apps.chain import charts
from jinxiu.apps.chain.filtersets import (
    ChainBenchmarkFilterSet,
    ChainNodeFilterSet,
    EnterpriseLinkFilterSet,
    KeyProjectFilterSet,
    PlatformFilterSet,
)
from jinxiu.apps.chain.forms import (
    ChainBenchmarkForm,
    ChainNodeForm,
    EnterpriseLinkForm,
    KeyProjectForm,
    LedgerImportForm,
    MilestoneFormSet,
    PlatformForm,
)
from jinxiu.apps.chain.labels import evidence_text
from jinxiu.apps.chain.ledger import (
    LedgerImportError,
    investment_rollup,
    ledger_import,
    ledger_xlsx,
    overdue_milestones,
    problems_xlsx,
)
from jinxiu.apps.chain.models import (
    ChainBenchmark,
    ChainNode,
    EnterpriseLink,
    KeyProject,
    Platform,
)
from jinxiu.apps.chain.presets import presets
from jinxiu.apps.chain.reports import candidates_pdf, candidates_xlsx, gaps_xlsx
from jinxiu.apps.chain.selectors import atlas, candidates, drill_url
from jinxiu.apps.chain.services import (
    benchmark_save,
    link_decide,
    link_save,
    milestones_save,
    node_save,
    platform_save,
    project_save,
)
from jinxiu.apps.chain.tables import (
    ChainBenchmarkTable,
    ChainNodeTable,
    EnterpriseLinkTable,
    KeyProjectTable,
    PlatformTable,
)
from jinxiu.apps.core.generic_views import (
    ObjectChangeLogView,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ObjectViewMixin,
)
from jinxiu.apps.core.jobs.services import job_enqueue
from jinxiu.apps.core.models import Region
from jinxiu.apps.core.permissions import ALL, permission_q
from jinxiu.apps.core.uploads import too_large_response, upload_was_cut_short
from jinxiu.apps.enterprises.models import YearlyIndicator
from jinxiu.engines.chain import GapParams

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_NODES = ChainNode.objects.select_related("parent", "region", "organization")
_LINKS = EnterpriseLink.objects.select_related("enterprise__organization__region", "node",
                                               "decided_by")


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


# --- nodes ---------------------------------------------------------------------------------

class ChainNodeListView(ObjectListView):
    model = ChainNode
    queryset = _NODES
    table = ChainNodeTable
    filterset = ChainNodeFilterSet
    per_page = 100


class ChainNodeDetailView(ObjectDetailView):
    model = ChainNode
    queryset = _NODES
    template_name = "chain/chainnode_detail.html"
    fields = ("code", "name", "name_en", "parent", "level", "source", "organization",
              "region")

    def get_fields(self, obj):
        rows = super().get_fields(obj)
        for label, name in [(_("industry codes"), "industry_codes"), (_("keywords"), "keywords"),
                            (_("typical products"), "products"),
                            (_("key common technologies"), "technologies"),
                            (_("application fields"), "applications")]:
            rows.append((label, "、".join(getattr(obj, name) or []) or None))
        return rows

    def extra_context(self, obj):
        children = list(obj.children.order_by("sort_order", "code"))
        return {"children": children, "drill_url": drill_url(obj.code, None),
                "links_url": reverse("chain:enterpriselink_list") + f"?node={obj.code}"}


class ChainNodeEditView(ObjectEditView):
    model = ChainNode
    form = ChainNodeForm

    def save_form(self, form):
        return node_save(node=form.instance, user=self.request.user)


class ChainNodeDeleteView(ObjectDeleteView):
    model = ChainNode


class ChainNodeChangeLogView(ObjectChangeLogView):
    model = ChainNode


# --- links ---------------------------------------------------------------------------------

class EnterpriseLinkListView(ObjectListView):
    model = EnterpriseLink
    queryset = _LINKS
    table = EnterpriseLinkTable
    filterset = EnterpriseLinkFilterSet


class EnterpriseLinkDetailView(ObjectDetailView):
    model = EnterpriseLink
    queryset = _LINKS
    template_name = "chain/enterpriselink_detail.html"
    fields = ("enterprise", "node", "grade", "decision", "decided_by", "decided_at", "note")

    def get_fields(self, obj):
        rows = super().get_fields(obj)
        rows.append((_("evidence"), "\n".join(evidence_text(r) for r in obj.reasons or [])
                     or None))
        return rows


class EnterpriseLinkEditView(ObjectEditView):
    model = EnterpriseLink
    form = EnterpriseLinkForm

    def save_form(self, form):
        return link_save(link=form.instance, user=self.request.user)


class EnterpriseLinkDeleteView(ObjectDeleteView):
    model = EnterpriseLink


class EnterpriseLinkChangeLogView(ObjectChangeLogView):
    model = EnterpriseLink


class EnterpriseLinkDecideView(ObjectViewMixin, View):
    """Confirm or reject one link (a button on the link's page and in the list)."""

    model = EnterpriseLink
    queryset = _LINKS

    def post(self, request, pk):
        link = self.get_object("change")
        decision = request.POST.get("decision", "")
        if decision not in (EnterpriseLink.Decision.CONFIRMED, EnterpriseLink.Decision.REJECTED,
                            EnterpriseLink.Decision.AUTO):
            messages.error(request, _("Unknown decision “%(d)s”; nothing was changed.")
                           % {"d": decision})
        else:
            link_decide(link=link, decision=decision, user=request.user,
                        note=request.POST.get("note", ""))
            messages.success(request, _("“%(link)s”: %(decision)s.")
                             % {"link": link, "decision": link.get_decision_display()})
        return redirect(request.POST.get("next") or link.get_absolute_url())


class RelinkView(ObjectViewMixin, View):
    """Start the job that re-links the whole registry (system administrators and whoever
    holds an unrestricted permission to change links)."""

    model = EnterpriseLink

    def post(self, request):
        if permission_q(request.user, EnterpriseLink, "change") is not ALL:
            raise PermissionDenied(_("Only who may change every link may re-link the whole "
                                     "registry."))
        job = job_enqueue(kind="chain.relink", user=request.user)
        messages.success(request, _("Re-linking started."))
        return redirect(reverse("core:job_detail", args=[job.pk]))


# --- reference figures ---------------------------------------------------------------------

class ChainBenchmarkListView(ObjectListView):
    model = ChainBenchmark
    queryset = ChainBenchmark.objects.select_related("region", "organization")
    table = ChainBenchmarkTable
    filterset = ChainBenchmarkFilterSet


class ChainBenchmarkDetailView(ObjectDetailView):
    model = ChainBenchmark
    queryset = ChainBenchmark.objects.select_related("region", "organization")

    def get_fields(self, obj):
        rows = super().get_fields(obj)
        return [r for r in rows if r[0] != obj._meta.get_field("node_outputs").verbose_name] \
            + [(_("reference output by node (10,000 yuan)"),
                "\n".join(f"{k}: {v:,.2f}" for k, v in (obj.node_outputs or {}).items())
                or None)]


class ChainBenchmarkEditView(ObjectEditView):
    model = ChainBenchmark
    form = ChainBenchmarkForm

    def save_form(self, form):
        return benchmark_save(benchmark=form.instance, user=self.request.user)


class ChainBenchmarkDeleteView(ObjectDeleteView):
    model = ChainBenchmark


class ChainBenchmarkChangeLogView(ObjectChangeLogView):
    model = ChainBenchmark


# --- key platforms (重点平台) ----------------------------------------------------------------

_PLATFORMS = Platform.objects.select_related("organization", "owner_enterprise__organization",
                                             "node", "region")


class PlatformListView(ObjectListView):
    model = Platform
    queryset = _PLATFORMS
    table = PlatformTable
    filterset = PlatformFilterSet


class PlatformDetailView(ObjectDetailView):
    model = Platform
    queryset = _PLATFORMS


class PlatformEditView(ObjectEditView):
    model = Platform
    form = PlatformForm

    def save_form(self, form):
        return platform_save(platform=form.instance, user=self.request.user)


class PlatformDeleteView(ObjectDeleteView):
    model = Platform


class PlatformChangeLogView(ObjectChangeLogView):
    model = Platform


# --- atlas, gaps, candidates ---------------------------------------------------------------

class _AtlasMixin(ObjectViewMixin):
    model = ChainNode

    def settings_from(self, request):
        """(region, year, benchmark, params, errors) from the query string."""
        errors = []
        code = (request.GET.get("region") or "").strip()
        region = None
        if code:
            region = Region.objects.filter(code=code).first()
            if region is None:
                errors.append(_("Region code %(code)s is unknown.") % {"code": code})
        if region is None:
            region = next((m.organization.region for m in request.memberships
                           if m.organization.region), None) \
                if hasattr(request, "memberships") else None
        if region is None:
            region = Region.objects.filter(level=Region.Level.CITY).order_by("code").first()
        latest = YearlyIndicator.objects.aggregate(y=Max("year"))["y"] or dt.date.today().year
        year = latest
        raw_year = request.GET.get("year", "")
        if raw_year:
            if raw_year.isdigit() and 1949 <= int(raw_year) <= 2100:
                year = int(raw_year)
            else:
                errors.append(_("Year “%(y)s” is not a year.") % {"y": raw_year})
        params = GapParams()
        raw_anchor = request.GET.get("anchor", "")
        if raw_anchor:
            try:
                value = float(raw_anchor)
                if value <= 0:
                    raise ValueError
                params = GapParams(anchor_output=value)
            except ValueError:
                errors.append(_("Anchor threshold “%(v)s” is not a positive amount.")
                              % {"v": raw_anchor})
        benchmark = None
        raw_bm = request.GET.get("benchmark", "")
        benchmarks = ChainBenchmark.objects.restrict(request.user, "view")
        if raw_bm:
            benchmark = benchmarks.filter(pk=raw_bm).first() if raw_bm.isdigit() else None
            if benchmark is None:
                errors.append(_("Reference figures #%(id)s not found.") % {"id": raw_bm})
        elif region is not None:
            benchmark = benchmarks.filter(region=region, year=year).first()
        return region, year, benchmark, params, errors

    def base_context(self, request):
        region, year, benchmark, params, errors = self.settings_from(request)
        for error in errors:
            messages.error(request, error)
        context = {"region": region, "year": year, "benchmark": benchmark, "params": params,
                   "benchmarks": ChainBenchmark.objects.restrict(request.user, "view")
                   .select_related("region")[:50],
                   "query": request.GET.urlencode()}
        if region is not None:
            context["atlas"] = atlas(user=request.user, region=region, year=year,
                                     benchmark=benchmark, params=params)
        return context


class AtlasView(_AtlasMixin, View):
    def get(self, request):
        context = self.base_context(request)
        preset_id = request.GET.get("preset") or "jiangxi_4m5l"
        preset = presets().get(preset_id) or presets()["jiangxi_4m5l"]
        context.update({"preset": preset, "presets": presets().values(),
                        "overdue": len(overdue_milestones(user=request.user))})
        data = context.get("atlas")
        if data is not None:
            node_code = request.GET.get("node") or data.taxonomy.nodes[0].code
            if node_code not in data.nodes:
                node_code = data.taxonomy.nodes[0].code
            context["sections"] = [
                {"title": s.title, "kind": s.kind,
                 **charts.section(s.kind, data, node_code, user=request.user)}
                for s in preset.sections]
            context["node"] = data.nodes[node_code]
            context["node_options"] = [(n.code, "　" * depth + n.name)
                                       for n, _gap, depth in data.rows()]
        return render(request, "chain/atlas.html", context)


class GapView(_AtlasMixin, View):
    def get(self, request):
        context = self.base_context(request)
        data = context.get("atlas")
        if data is not None and request.GET.get("export") == "xlsx":
            return _attachment(gaps_xlsx(data), XLSX,
                               f"缺链弱链-{data.region.name}-{data.year}.xlsx")
        if data is not None:
            context["rows"] = charts.gap_rows(data)
        return render(request, "chain/gaps.html", context)


class CandidateView(_AtlasMixin, View):
    def get(self, request):
        context = self.base_context(request)
        data = context.get("atlas")
        if data is None:
            return render(request, "chain/candidates.html", context)
        rows = candidates(user=request.user, atlas=data)
        fmt = request.GET.get("export")
        name = f"招商地图-{data.region.name}-{data.year}"
        if fmt == "xlsx":
            return _attachment(candidates_xlsx(data, rows), XLSX, f"{name}.xlsx")
        if fmt == "pdf":
            try:
                pdf = candidates_pdf(data, rows, request=request)
            except OSError as exc:  # WeasyPrint without Pango on this machine
                messages.error(request, _("PDF export needs Pango (apt-get install "
                                          "libpango-1.0-0): %(e)s") % {"e": exc})
                return redirect(reverse("chain:candidates") + "?" + request.GET.urlencode())
            return _attachment(pdf, "application/pdf", f"{name}.pdf")
        context["rows"] = charts.candidate_rows(rows)
        return render(request, "chain/candidates.html", context)


def node_for_code(request, code):
    node = get_object_or_404(ChainNode.objects.restrict(request.user, "view"), code=code)
    return redirect(node.get_absolute_url())


# --- key-project ledger --------------------------------------------------------------------

_PROJECTS = KeyProject.objects.select_related("organization", "owner_enterprise__organization",
                                              "node", "region")


class KeyProjectListView(ObjectListView):
    model = KeyProject
    queryset = _PROJECTS
    table = KeyProjectTable
    filterset = KeyProjectFilterSet
    template_name = "chain/keyproject_list.html"

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "ledger":
            if permission_q(request.user, KeyProject, "export") is None:
                raise PermissionDenied(_("You may not export these records."))
            rows = KeyProjectFilterSet(request.GET, queryset=self.restricted("export"),
                                       request=request)
            return _attachment(ledger_xlsx(rows.qs if rows.is_valid() else []), XLSX,
                               f"重点项目台账-{dt.date.today():%Y%m%d}.xlsx")
        return super().get(request, *args, **kwargs)


class KeyProjectDetailView(ObjectDetailView):
    model = KeyProject
    queryset = _PROJECTS
    template_name = "chain/keyproject_detail.html"
    fields = ("code", "name", "owner_enterprise", "owner_name", "node", "region", "kind",
              "status", "planned_investment", "start_date", "end_date", "officer", "note",
              "organization")

    def extra_context(self, obj):
        today = dt.date.today()
        return {"milestones": [(m, m.overdue_days(today)) for m in obj.milestones.all()],
                "year_rows": obj.year_rows()}


class KeyProjectEditView(ObjectEditView):
    model = KeyProject
    form = KeyProjectForm

    def save_form(self, form):
        return project_save(project=form.instance, user=self.request.user)


class KeyProjectDeleteView(ObjectDeleteView):
    model = KeyProject


class KeyProjectChangeLogView(ObjectChangeLogView):
    model = KeyProject


class KeyProjectMilestonesView(ObjectViewMixin, View):
    """The project's milestones, edited together (planned and actual dates)."""

    model = KeyProject
    queryset = _PROJECTS

    def _render(self, project, formset, status=200):
        return render(self.request, "chain/milestones_edit.html",
                      {**self.common_context(), "object": project, "formset": formset},
                      status=status)

    def get(self, request, pk):
        project = self.get_object("change")
        return self._render(project, MilestoneFormSet(instance=project))

    def post(self, request, pk):
        project = self.get_object("change")
        formset = MilestoneFormSet(request.POST, instance=project)
        if not formset.is_valid():
            return self._render(project, formset, status=400)
        milestones_save(formset=formset, user=request.user)
        messages.success(request, _("Milestones saved."))
        return redirect(project.get_absolute_url())


class OverdueMilestoneView(ObjectViewMixin, View):
    model = KeyProject

    def get(self, request):
        return render(request, "chain/overdue.html", {
            **self.common_context(), "rows": overdue_milestones(user=request.user)})


class InvestmentRollupView(ObjectViewMixin, View):
    model = KeyProject

    def get(self, request):
        by = request.GET.get("by") if request.GET.get("by") in ("node", "region", "year") \
            else "node"
        rows = investment_rollup(user=request.user, by=by)
        chart = {"tooltip": {"trigger": "axis"}, "legend": {},
                 "xAxis": {"type": "category", "data": [r["key"] for r in rows]},
                 "yAxis": {"type": "value", "name": _("10,000 yuan")},
                 "series": [{"type": "bar", "name": _("planned"),
                             "data": [round(r["planned"], 2) for r in rows]},
                            {"type": "bar", "name": _("completed"),
                             "data": [round(r["completed"], 2) for r in rows]}]}
        return render(request, "chain/rollup.html", {**self.common_context(), "rows": rows,
                                                     "by": by, "chart": chart})


class LedgerImportView(ObjectViewMixin, View):
    model = KeyProject

    def _render(self, form, problems=None, status=200):
        return render(self.request, "chain/ledger_import.html",
                      {**self.common_context(), "form": form, "problems": problems or []},
                      status=status)

    def get(self, request):
        return self._render(LedgerImportForm(user=request.user))

    def post(self, request):
        if upload_was_cut_short(request):
            return too_large_response(request)
        form = LedgerImportForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            return self._render(form, status=400)
        try:
            stats = ledger_import(file=form.cleaned_data["file"],
                                  organization=form.cleaned_data["organization"],
                                  user=request.user)
        except LedgerImportError as exc:
            if request.POST.get("report") == "xlsx":
                return _attachment(problems_xlsx(exc.problems), XLSX, "导入问题.xlsx")
            return self._render(form, exc.problems, status=400)
        messages.success(request, _("%(created)d projects added, %(updated)d updated, "
                                    "%(milestones)d milestones.") % stats)
        return redirect(reverse("chain:keyproject_list"))
