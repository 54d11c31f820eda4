from jinxiu.apps.production.models import BalancePlan, Line, Operation, Operator, Style
from tests.apps.production.factories import make_line, make_operator, make_plan, make_style
from tests.helpers.matrix import PermissionMatrix


def _style(org):
    return Style.objects.filter(organization=org).first() or make_style(org, code="M")


class TestStylePermissions(PermissionMatrix):
    model = Style
    url_base = "production:style"
    api_base = "style"

    def make_object(self, organization):
        return make_style(organization, code=f"S{Style.objects.count() + 1}")

    def form_data(self, organization):
        return {"organization": organization.pk, "code": f"N{Style.objects.count() + 1}",
                "name": "新款"}

    def changed_field(self):
        return "product", "POLO 衫"

    def export_marker(self, obj):
        return obj.name


class TestOperationPermissions(PermissionMatrix):
    model = Operation
    url_base = "production:operation"
    api_base = "operation"

    def make_object(self, organization):
        from decimal import Decimal

        from jinxiu.apps.core.changelog import change_context

        with change_context(user=None, source="system"):
            return Operation.objects.create(
                organization=organization, style=_style(organization), sequence=5, code="Z",
                name=f"{organization.name}的工序", machine_type="manual",
                standard_seconds=Decimal("9"))

    def export_marker(self, obj):
        return obj.name

    def form_data(self, organization):
        return {"organization": organization.pk, "style": _style(organization).pk,
                "sequence": 9, "code": f"X{Operation.objects.count()}", "name": "新工序",
                "machine_type": "lockstitch", "standard_seconds": "12.5",
                "predecessors": "1"}

    def api_data(self, organization):
        return {**self.form_data(organization), "predecessors": ["1"]}

    def changed_field(self):
        return "name", "改名工序"


class TestLinePermissions(PermissionMatrix):
    model = Line
    url_base = "production:line"
    api_base = "line"

    def make_object(self, organization):
        return make_line(organization, name=f"{organization.name}线")

    def form_data(self, organization):
        return {"organization": organization.pk, "name": "二号线", "shift_minutes": 480,
                "target_output": 400}

    def changed_field(self):
        return "target_output", 450


class TestOperatorPermissions(PermissionMatrix):
    model = Operator
    url_base = "production:operator"
    api_base = "operator"

    def make_object(self, organization):
        return make_operator(organization, name=f"{organization.name}工")

    def form_data(self, organization):
        return {"organization": organization.pk, "name": "王芳", "employee_no": "A9",
                "skills": '{"overlock": 1.1}', "active": "on"}

    def api_data(self, organization):
        return {"organization": organization.pk, "name": "王芳", "skills": {"overlock": 1.1}}

    def changed_field(self):
        return "employee_no", "B12"

    def export_marker(self, obj):
        return obj.name


class TestBalancePlanPermissions(PermissionMatrix):
    model = BalancePlan
    url_base = "production:balanceplan"
    api_base = "balanceplan"

    def make_object(self, organization):
        return make_plan(organization, style=_style(organization), cycle_seconds=60,
                         name=f"{organization.name}方案")

    def form_data(self, organization):
        return {"organization": organization.pk, "name": "方案B", "style": _style(organization).pk,
                "mode": "min_stations", "cycle_seconds": "50", "allow_split": "on",
                "time_limit_s": 5}

    def changed_field(self):
        return "name", "改名方案"
