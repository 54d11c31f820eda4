from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import View

from jinxiu.apps.core.generic_views import (
    ObjectChangeLogView,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ObjectViewMixin,
)
from jinxiu.apps.core.paginators import CappedPaginator
from jinxiu.apps.core.permissions import permission_q
from jinxiu.apps.core.picker import SUGGESTIONS, suggestion_options
from jinxiu.apps.core.uscc import warnings as code_warnings
from jinxiu.apps.enterprises.adapter import size_verdict
from jinxiu.apps.enterprises.filtersets import (
    EnterpriseFilterSet,
    YearlyIndicatorFilterSet,
    is_code_query,
)
from jinxiu.apps.enterprises.forms import EnterpriseForm, YearlyIndicatorForm
from jinxiu.apps.enterprises.models import Enterprise, YearlyIndicator
from jinxiu.apps.enterprises.paginators import (
    RegistryAssessedPaginator,
    RegistryPaginator,
    RegistrySearchPaginator,
)
from jinxiu.apps.enterprises.qualification import qualification_rows
from jinxiu.apps.enterprises.selectors import indicators_for
from jinxiu.apps.enterprises.services import enterprise_save, indicator_save
from jinxiu.apps.enterprises.tables import EnterpriseTable, YearlyIndicatorTable

_ENTERPRISES = Enterprise.objects.select_related("organization__region")
_INDICATORS = YearlyIndicator.objects.select_related("organization", "entered_by")


class EnterpriseListView(ObjectListView):
    model = Enterprise
    # the long texts no column shows stay out of the rows the database sorts by name
    queryset = _ENTERPRISES.defer("search_index", "business_scope", "former_names", "address",
                                  "organization__description")
    table = EnterpriseTable
    filterset = EnterpriseFilterSet

    @property
    def paginator_class(self):
        # a filter or a search: the matches read once for the count and the page
        # (paginators.py); a full-text search alone also sorts every match when its page is
        # not among the first names. The whole registry: the planner walks the name order.
        params = self.request.GET
        query = params.get("q", "").strip()
        narrowed = any(params.get(name, "").strip() for name in EnterpriseFilterSet.NARROWING)
        if query and not narrowed and not is_code_query(query):
            return RegistrySearchPaginator
        if any(params.get(name, "").strip() for name in ("size", "above_scale")):
            return RegistryAssessedPaginator
        if query or narrowed:
            return RegistryPaginator
        return CappedPaginator


class EnterpriseSuggestView(View):
    """Up to ``SUGGESTIONS`` ``<option>`` elements for the text typed so far in an enterprise
    text box (``picker.py``; ``?field=<input name>&<input name>=<text>``): the list page's
    search over the firms the user may see, names in order. Under two characters: none."""

    def get(self, request):
        if not request.user.is_authenticated:
            return HttpResponse(status=403)
        text = request.GET.get(request.GET.get("field", "q"), "").strip()
        if len(text) < 2:
            return HttpResponse("")
        visible = Enterprise.objects.restrict(request.user, "view")
        found = EnterpriseFilterSet({"q": text}, queryset=visible).qs
        rows = found.order_by("organization__name", "pk").values_list(
            "organization__credit_code", "organization__name")[:SUGGESTIONS]
        return HttpResponse(suggestion_options(rows))


class EnterpriseQualificationView(ObjectViewMixin, View):
    """资格预判: the tier rule sets on the figures the user may see (the enterprise itself,
    and the bureau statisticians of its region); nobody else learns a figure from it."""

    model = Enterprise
    queryset = _ENTERPRISES

    def get(self, request, pk):
        enterprise = self.get_object("view")
        org = enterprise.organization
        member = org.pk in {m.organization_id for m in request.memberships}
        indicators = indicators_for(user=request.user, enterprise=enterprise)
        if not (member or indicators or request.user.is_superuser):
            raise PermissionDenied(_("Only the enterprise and those it shares its figures with "
                                     "may see its qualification pre-check."))
        return render(request, "enterprises/qualification.html", {
            **self.common_context(), "object": enterprise, "indicators": indicators,
            "rows": qualification_rows(enterprise, indicators)})


class EnterpriseDetailView(ObjectDetailView):
    model = Enterprise
    queryset = _ENTERPRISES
    template_name = "enterprises/enterprise_detail.html"
    fields = ("legal_representative", "registered_capital", "established_on", "status",
              "address", "latitude", "longitude", "business_scope")

    def get_fields(self, obj):
        org = obj.organization
        rows = [
            (_("unified social credit code"), org.credit_code),
            (_("region"), org.region.full_name if org.region else None),
            (_("former names"), "、".join(obj.former_names or []) or None),
        ]
        rows += super().get_fields(obj)
        rows += [
            (_("main industry"), obj.main_industry_label or None),
            (_("secondary industries"), "\n".join(obj.secondary_industry_labels) or None),
        ]
        return rows

    def extra_context(self, obj) -> dict:
        user = self.request.user
        indicators = indicators_for(user=user, enterprise=obj)
        org = obj.organization
        context = {
            "indicators": indicators,
            "verdict": size_verdict(obj, indicators) if indicators else None,
            "code_warnings": code_warnings(org.credit_code, region=org.region)
            if org.credit_code else [],
            "indicator_add_url": None,
            "chart": None,
        }
        if permission_q(user, YearlyIndicator, "add") is not None:
            from django.urls import reverse

            context["indicator_add_url"] = reverse("enterprises:yearlyindicator_add")
        if indicators:
            context["chart"] = _revenue_chart(indicators)
        return context


def _revenue_chart(indicators) -> dict:
    years = [str(i.year) for i in indicators]

    def series(name, attr):
        return {"name": name, "type": "bar" if attr == "operating_revenue" else "line",
                "data": [float(v) if (v := getattr(i, attr)) is not None else None
                         for i in indicators]}

    return {
        "tooltip": {"trigger": "axis"},
        "legend": {},
        "xAxis": {"type": "category", "data": years},
        "yAxis": {"type": "value", "name": _("10,000 yuan")},
        "series": [series(_("operating revenue"), "operating_revenue"),
                   series(_("industrial output"), "industrial_output"),
                   series(_("profit"), "profit")],
    }


class EnterpriseEditView(ObjectEditView):
    model = Enterprise
    form = EnterpriseForm

    def save_form(self, form):
        return enterprise_save(enterprise=form.instance, user=self.request.user)


class EnterpriseChangeLogView(ObjectChangeLogView):
    model = Enterprise


class YearlyIndicatorListView(ObjectListView):
    model = YearlyIndicator
    queryset = _INDICATORS
    table = YearlyIndicatorTable
    filterset = YearlyIndicatorFilterSet


class YearlyIndicatorDetailView(ObjectDetailView):
    model = YearlyIndicator
    queryset = _INDICATORS
    fields = ("organization", "year", "operating_revenue", "industrial_output", "profit",
              "tax", "rd_expense", "exports", "employees", "invention_patents",
              "utility_model_patents", "design_patents", "software_copyrights", "source",
              "entered_by")


class YearlyIndicatorEditView(ObjectEditView):
    model = YearlyIndicator
    form = YearlyIndicatorForm

    def save_form(self, form):
        return indicator_save(indicator=form.instance, user=self.request.user)


class YearlyIndicatorDeleteView(ObjectDeleteView):
    model = YearlyIndicator


class YearlyIndicatorChangeLogView(ObjectChangeLogView):
    model = YearlyIndicator
