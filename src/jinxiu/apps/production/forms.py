import json
import re
import unicodedata
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from jinxiu.apps.core.forms import TenantModelForm
from jinxiu.apps.production.machine_types import machine_types
from jinxiu.apps.production.models import BalancePlan, Line, Operation, Operator, Style


class StyleForm(TenantModelForm):
    class Meta:
        model = Style
        fields = ["organization", "code", "name", "product", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class CodeListField(forms.CharField):
    """Operation codes typed as "1, 2, 5" (Chinese commas too)."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(value)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        return [v for v in re.split(r"[,，、;；\s]+", value or "") if v]


class OperationForm(TenantModelForm):
    predecessors = CodeListField(label=_("predecessors"), required=False,
                                 help_text=_("Codes of the operations done before this one, "
                                             "e.g. 3, 5."))
    smv = forms.DecimalField(label="SMV", required=False, min_value=Decimal("0.0001"),
                             max_digits=9, decimal_places=4,
                             help_text=_("Standard minutes; give this or the seconds."))

    class Meta:
        model = Operation
        fields = ["organization", "style", "sequence", "code", "name", "machine_type",
                  "standard_seconds", "smv", "predecessors", "zone", "notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["standard_seconds"].required = False  # or the SMV
        if self.instance.pk:  # shown, and compared to tell which of the two was changed
            self.initial.setdefault("smv", self.instance.smv)

    def clean(self):
        data = super().clean()
        seconds, smv = data.get("standard_seconds"), data.get("smv")
        from_smv = (smv * 60).quantize(Decimal("0.01")) if smv is not None else None
        if self.instance.pk and seconds is not None and from_smv is not None:
            # the edit page shows both: the one the IE changed is the one meant
            if "smv" in self.changed_data and "standard_seconds" not in self.changed_data:
                seconds = None
            elif "standard_seconds" in self.changed_data and "smv" not in self.changed_data:
                from_smv = None
        if seconds is None and from_smv is None:
            if "standard_seconds" not in self.errors:
                self.add_error("standard_seconds", _("Give the seconds or the SMV."))
        elif seconds is None:
            data["standard_seconds"] = from_smv
            self.instance.standard_seconds = from_smv
        elif from_smv is not None and abs(from_smv - seconds) > Decimal("0.01") and (
                seconds / 60).quantize(smv) != smv:
            self.add_error("smv", _("%(smv)s min is %(s)s s, not the %(given)s s given; fill "
                                    "in one of the two.") % {"smv": smv, "s": from_smv,
                                                              "given": seconds})
        return data


class JSONDictField(forms.CharField):
    """Names with numbers typed in a text box: a JSON object, or pairs as an IE types them
    ("平车 1.2, 包缝 0.9", "平车：1.2，包缝：0.9"). Full-width punctuation and curly quotes,
    as Chinese input methods give them, are folded first. ``example`` is shown when the
    input is neither."""

    QUOTES = str.maketrans({"“": '"', "”": '"', "‘": '"', "’": '"', "「": '"', "」": '"'})
    # "平车 1.2", "平车: 1.2", "平车1.2" (no separator only after a Chinese name: "SNLS301"
    # is no pair)
    # "高车 × 5", "高车*5", "高车 5台": a machine count as the line page shows it, or with its
    # unit
    PAIR = re.compile(r"^(.+?)(\s*[:=×*]\s*|\s+[xX]\s*|(?<=[^\x00-\x7f])[xX]\s*|\s+|)"
                      r"(\d+(?:\.\d+)?)\s*(?:台|部|个)?$")

    def __init__(self, *, example: str, **kwargs):
        self.example = example
        super().__init__(**kwargs)

    def prepare_value(self, value):
        """A stored object as pairs ("平车 1.2, 包缝 0.9"), the way it is typed."""
        if not isinstance(value, dict):
            return value
        if all(isinstance(v, int | float) and not isinstance(v, bool) for v in value.values()):
            return ", ".join(f"{k} {json.dumps(v)}" for k, v in value.items())
        return json.dumps(value, ensure_ascii=False)

    def to_python(self, value):
        text = unicodedata.normalize("NFKC", value or "").translate(self.QUOTES).strip()
        if not text:
            return {}
        if not text.startswith(("{", "[")):
            return self._pairs(text)
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(_("Not readable: write it as %(example)s.")
                                        % {"example": self.example}) from exc
        if not isinstance(parsed, dict):
            raise forms.ValidationError(_("Not readable: write it as %(example)s.")
                                        % {"example": self.example})
        return parsed

    def _pairs(self, text: str) -> dict:
        out: dict = {}
        for item in (i.strip() for i in re.split(r"[,;、\n]+", text)):
            if not item:
                continue
            match = self.PAIR.match(item)
            name = match[1].strip().strip('"').strip() if match else ""
            if (match is None or not name or name.isdigit() or name[-1] in "-+.,"
                    or (not match[2] and name[-1].isascii())):
                raise forms.ValidationError(_("“%(item)s” is not a name and a number; write "
                                              "it as %(example)s.")
                                            % {"item": item, "example": self.example})
            if name in out:
                raise forms.ValidationError(_("“%(name)s” is given twice.") % {"name": name})
            number = Decimal(match[3])
            out[name] = int(number) if number == number.to_integral_value() and \
                "." not in match[3] else float(number)
        return out


class MachineDictField(JSONDictField):
    """A JSON object keyed by machine type, where a key may be the type's code, its
    Chinese or English name or a common alias (平车, 四线, SNLS …: ``machine_types.yaml``);
    shown with the names of the active language, stored with the codes. A key that names
    no type is kept as typed, and the model's ``clean`` reports it."""

    def prepare_value(self, value):
        if isinstance(value, dict):  # by name, in the order of the machine-type list
            types = machine_types()
            value = {**{types.label(k): value[k] for k in types.labels if k in value},
                     **{k: v for k, v in value.items() if k not in types.labels}}
        return super().prepare_value(value)

    def to_python(self, value):
        parsed = super().to_python(value)
        types = machine_types()
        out: dict = {}
        for key, item in parsed.items():
            code = types.code_for(key) or key
            if code in out:
                raise forms.ValidationError(_("“%(name)s” names a machine type given before.")
                                            % {"name": key})
            out[code] = item
        return out


MACHINES_HELP = _("Machines on the line per machine type, by name, e.g. 包缝 3, 套结 1: plans "
                  "use at most so many stations of a listed type (each parallel workplace "
                  "counted). Types not listed are not limited.")
SKILLS_HELP = _("Efficiency per machine type, by name, e.g. 平车 1.1, 包缝 0.8 "
                "(1 is standard speed); a machine type not listed cannot be given to this "
                "operator, except hand work, pressing and the unstaffed conveyor machines (手工, "
                "熨烫, 烘箱, 冷冻机, 蒸湿回软机), done at 1 unless listed (0: does not do it). "
                "Names as in bulletins: 平车, 包缝, 绷缝, 套结, 钉扣, 锁眼, 熨烫; in shoe "
                "factories 高车, 花样机, 削皮, 前帮机, 压底机 …")


class LineForm(TenantModelForm):
    machines = MachineDictField(label=_("machines"), required=False, example="包缝 3, 套结 1",
                                help_text=MACHINES_HELP,
                                widget=forms.Textarea(attrs={"rows": 2}))

    class Meta:
        model = Line
        fields = ["organization", "name", "shift_minutes", "target_output", "output_unit",
                  "routing", "machines", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # a post without these (an older form, the API's partial updates) keeps them
        self.fields["output_unit"].required = False
        self.fields["routing"].required = False

    def clean_output_unit(self):
        return self.cleaned_data.get("output_unit") or self.instance.output_unit \
            or Line.Unit.PIECE

    def clean_routing(self):
        return self.cleaned_data.get("routing") or self.instance.routing \
            or Line.Routing.SEQUENCE


class OperatorForm(TenantModelForm):
    skills = MachineDictField(label=_("skills"), required=False, example="平车 1.2, 包缝 0.9",
                              help_text=SKILLS_HELP,
                              widget=forms.Textarea(attrs={"rows": 2}))

    class Meta:
        model = Operator
        fields = ["organization", "name", "employee_no", "line", "skills", "active"]


def _line_choice(line: Line) -> str:
    """A line as the plan form offers it: a hanging line says so (its plans differ)."""
    if line.routing == Line.Routing.FREE:
        return f"{line} · {line.get_routing_display()}"
    return str(line)


class BalancePlanForm(TenantModelForm):
    class Meta:
        model = BalancePlan
        fields = ["organization", "name", "style", "line", "mode", "cycle_seconds",
                  "station_count", "use_operator_skills", "allow_split", "time_limit_s"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].label_from_instance = _line_choice

    def save(self, commit=True):
        if self.instance.pk is not None and ("style" in self.changed_data or (
                "line" in self.changed_data and self.instance.use_operator_skills)):
            # its stations hold the old style's operations, or the old line's operators
            self.instance.forget_result()
        return super().save(commit)


class StyleCopyForm(forms.Form):
    code = forms.CharField(label=_("style code"), max_length=40)
    name = forms.CharField(label=_("name"), max_length=120)


class BulletinUploadForm(forms.Form):
    file = forms.FileField(label=_("Bulletin file (.xlsx or .csv)"))
    delete_missing = forms.BooleanField(
        label=_("delete the operations the file leaves out"), required=False)


class MoveForm(forms.Form):
    operation = forms.IntegerField(min_value=1, max_value=2**63 - 1)
    # "5": station 5; "+5": a new station at place 5 (before the station now there)
    to_station = forms.RegexField(regex=r"^\+?[1-9][0-9]{0,5}$", max_length=7)

    def clean(self):
        data = super().clean()
        raw = data.get("to_station")
        if raw:
            data["new_station"] = raw.startswith("+")
            data["to_station"] = int(raw.lstrip("+"))
        return data
    # the plan's last_updated as the page showed it: a move from an older page is refused
    version = forms.CharField(required=False, max_length=64)


class OperatorAssignForm(forms.Form):
    station = forms.IntegerField(min_value=1, max_value=10**6)
    operator = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)  # id
    seat = forms.IntegerField(required=False, min_value=0, max_value=10**6)  # 0: the first
    version = forms.CharField(required=False, max_length=64)


class WorkplacesForm(forms.Form):
    station = forms.IntegerField(min_value=1, max_value=10**6)
    count = forms.IntegerField(min_value=1, max_value=10**6)
    version = forms.CharField(required=False, max_length=64)


class PlanCopyForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=80, required=False)
    # after copying, balance the plan itself again (the copy keeps its hand edits)
    then_run = forms.BooleanField(required=False)

