"""The unified social credit code (统一社会信用代码, GB 32100-2015).

Eighteen characters: registration authority (1), entity type (2), the registering authority's
division code (3–8), the organization code with its own GB 11714 check (9–17), and a check
character (18). The alphabets, weights and code tables are read from ``data/uscc.yaml``.

``check_code(code, region=...)`` returns every problem found, each naming the position and the
character that fails; errors make the code invalid, warnings are shown but accepted (CRITERIA.md
§8: an unknown authority character or a failed GB 11714 check is flagged, not rejected).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DATA = Path(__file__).parent / "data" / "uscc.yaml"

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Tables:
    alphabet: str
    weights: tuple[int, ...]
    modulus: int
    length: int
    org_alphabet: str
    org_weights: tuple[int, ...]
    org_modulus: int
    org_check_10: str
    org_check_11: str
    org_severity: str
    authorities: dict[str, tuple[str, dict[str, str]]]
    national_registrar: str
    source: str


@cache
def tables() -> Tables:
    raw = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    uscc, org = raw["uscc"], raw["organization_code"]
    authorities = {
        str(key): (value["name"], {str(k): v for k, v in value["types"].items()})
        for key, value in raw["authorities"].items()
    }
    return Tables(
        alphabet=uscc["alphabet"], weights=tuple(uscc["weights"]), modulus=uscc["modulus"],
        length=uscc["length"], org_alphabet=org["body_alphabet"],
        org_weights=tuple(org["weights"]), org_modulus=org["modulus"],
        org_check_10=str(org["check_for_10"]), org_check_11=str(org["check_for_11"]),
        org_severity=org.get("severity", WARNING), authorities=authorities,
        national_registrar=str(raw["national_registrar"]), source=raw["source"],
    )


@dataclass(frozen=True)
class Problem:
    severity: str  # "error" or "warning"
    position: int | None  # 1-based position of the first character concerned
    message: str

    def __str__(self) -> str:
        return self.message


def normalize(code: str) -> str:
    """Full-width to half-width, upper case, spaces and hyphens removed."""
    text = unicodedata.normalize("NFKC", code or "")
    return "".join(ch for ch in text if ch not in " -\t\r\n").upper()


def check_character(first17: str) -> str:
    """The check character (position 18) for the first 17 characters."""
    t = tables()
    first17 = normalize(first17)
    if len(first17) != t.length - 1 or any(ch not in t.alphabet for ch in first17):
        raise ValueError(f"need {t.length - 1} characters from {t.alphabet}")
    total = sum(t.alphabet.index(ch) * w for ch, w in zip(first17, t.weights, strict=True))
    return t.alphabet[(t.modulus - total % t.modulus) % t.modulus]


def organization_check_character(body: str) -> str:
    """The GB 11714 check character of an 8-character organization-code body."""
    t = tables()
    body = normalize(body)
    if len(body) != len(t.org_weights) or any(ch not in t.org_alphabet for ch in body):
        raise ValueError(f"need {len(t.org_weights)} characters from {t.org_alphabet}")
    total = sum(t.org_alphabet.index(ch) * w for ch, w in zip(body, t.org_weights, strict=True))
    value = t.org_modulus - total % t.org_modulus
    if value == 10:
        return t.org_check_10
    if value == 11:
        return t.org_check_11
    return str(value)


def make_code(prefix: str, region_code: str, body: str) -> str:
    """A valid code from authority+type (2 characters), a 6-digit division code and an
    8-character organization-code body: both check characters are computed (synthetic data)."""
    first17 = normalize(prefix) + region_code + normalize(body) + organization_check_character(body)
    return first17 + check_character(first17)


def _region_problem(part: str, region) -> Problem | None:
    """Characters 3–8 against the enterprise's region (a ``core.Region`` or None)."""
    if region is None or not part.isdigit():
        return None
    t = tables()
    code = region.code
    if part == code or part[:4] == code[:4] or part == t.national_registrar:
        return None  # the county itself, or a registrar of the same city
    if part[2:] == "0000" and part[:2] == code[:2]:
        return None  # the province's registrar
    if part[:2] != code[:2]:
        what = _("the province differs (%(a)s ≠ %(b)s)") % {"a": part[:2], "b": code[:2]}
    else:
        what = _("the city differs (%(a)s ≠ %(b)s)") % {"a": part[:4], "b": code[:4]}
    return Problem(ERROR, 3, _(
        "Positions 3–8: the registration authority's division code %(part)s does not belong "
        "to the enterprise's region %(region)s (%(code)s): %(what)s."
    ) % {"part": part, "region": region.name, "code": code, "what": what})


def check_code(code: str, *, region=None) -> list[Problem]:
    """Every problem of ``code``; an empty list means valid. ``region``: the enterprise's
    ``core.Region`` for the cross-check of characters 3–8 (None skips it)."""
    t = tables()
    code = normalize(code)
    if len(code) != t.length:
        return [Problem(ERROR, None, _(
            "A unified social credit code has %(n)d characters; this one has %(m)d.")
            % {"n": t.length, "m": len(code)})]
    problems: list[Problem] = []
    for pos, ch in enumerate(code, start=1):
        if ch not in t.alphabet:
            problems.append(Problem(ERROR, pos, _(
                "Position %(pos)d: character %(ch)s is not allowed (allowed: %(alphabet)s).")
                % {"pos": pos, "ch": ch, "alphabet": t.alphabet}))
    if problems:
        return problems

    authority, kind = code[0], code[1]
    if authority not in t.authorities:
        problems.append(Problem(WARNING, 1, _(
            "Position 1: registration authority code %(ch)s is not in the GB 32100 table.")
            % {"ch": authority}))
    elif kind not in t.authorities[authority][1]:
        problems.append(Problem(WARNING, 2, _(
            "Position 2: entity type %(ch)s is not defined for registration authority "
            "%(auth)s (%(name)s).") % {"ch": kind, "auth": authority,
                                       "name": t.authorities[authority][0]}))

    region_part = code[2:8]
    for pos, ch in enumerate(region_part, start=3):
        if not ch.isdigit():
            problems.append(Problem(ERROR, pos, _(
                "Position %(pos)d: the division code (positions 3–8) has digits only, "
                "not %(ch)s.") % {"pos": pos, "ch": ch}))
    region_problem = _region_problem(region_part, region)
    if region_problem is not None:
        problems.append(region_problem)

    body, org_check = code[8:16], code[16]
    if all(ch in t.org_alphabet for ch in body):
        expected = organization_check_character(body)
        if org_check != expected:
            problems.append(Problem(t.org_severity, 17, _(
                "Position 17: the organization code check (GB 11714) should be %(expected)s, "
                "not %(actual)s.") % {"expected": expected, "actual": org_check}))

    expected = check_character(code[:17])
    if code[17] != expected:
        problems.append(Problem(ERROR, 18, _(
            "Position 18: the check character should be %(expected)s, not %(actual)s.")
            % {"expected": expected, "actual": code[17]}))
    return problems


def errors(code: str, *, region=None) -> list[Problem]:
    return [p for p in check_code(code, region=region) if p.severity == ERROR]


def warnings(code: str, *, region=None) -> list[Problem]:
    return [p for p in check_code(code, region=region) if p.severity == WARNING]


def is_valid(code: str, *, region=None) -> bool:
    return not errors(code, region=region)


def validate_uscc(code: str, *, region=None) -> None:
    """Raise a ``ValidationError`` listing every error (warnings do not raise)."""
    found = errors(code, region=region)
    if found:
        raise ValidationError([p.message for p in found], code="uscc")
