"""Ingestion of floor events, shared by the HTTP batch endpoint and the MQTT subscriber.

A batch is **all or nothing**: every line is validated first; if any line is wrong the whole
batch is refused with one error per bad line (line number, field, reason) and nothing is
stored, so the device can fix and resend it as it is. A valid batch is inserted in one
transaction, together with the counted pieces and line tallies it changes (``rollup.py``),
with conflict-ignore on the unique (device, event id): an event sent again — in the same
batch, in a later batch, after a lost acknowledgement — is stored once. The caller
acknowledges only after :func:`events_ingest` has returned, i.e. after the commit. Events may
arrive in any order and late (devices buffer offline); every figure is computed from
``occurred_at``, never from the arrival order.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from jinxiu.apps.production.models import Operation, Operator
from jinxiu.apps.tracking.models import Bundle, Device, FloorEvent, hash_token
from jinxiu.apps.tracking.rollup import events_store

KINDS = {k.value for k in FloorEvent.Kind}
OUTCOMES = {k.value for k in FloorEvent.Outcome}
STATES = {k.value for k in FloorEvent.MachineState}
MAX_CLOCK_AHEAD = dt.timedelta(minutes=5)


@dataclass
class IngestResult:
    received: int = 0
    stored: int = 0
    duplicates: int = 0

    def as_dict(self) -> dict:
        return {"received": self.received, "stored": self.stored,
                "duplicates": self.duplicates}


@dataclass
class IngestError(Exception):
    errors: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"stored": 0, "errors": self.errors}


def device_for_token(token: str) -> Device | None:
    """The active device whose token this is, or None (constant-time hash comparison)."""
    prefix, _sep, _secret = (token or "").partition(".")
    if not prefix or not _secret:
        return None
    device = Device.objects.select_related("line", "organization").filter(
        token_prefix=prefix, active=True).first()
    if device is None or not hmac.compare_digest(device.token_hash, hash_token(token)):
        return None
    return device


def parse_lines(body: bytes) -> tuple[list[dict], list[dict]]:
    """JSON lines (one object a line; blank lines skipped) → (objects, errors)."""
    items, errors = [], []
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return [], [{"line": 0, "field": "", "reason": _("The body is not UTF-8 text.")}]
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except ValueError as exc:
            errors.append({"line": number, "field": "",
                           "reason": _("Not valid JSON: %(error)s") % {"error": exc}})
            continue
        if not isinstance(obj, dict):
            errors.append({"line": number, "field": "",
                           "reason": _("Each line must be a JSON object.")})
            continue
        obj["_line"] = number
        items.append(obj)
    return items, errors


def _text(obj, key, limit) -> str:
    value = obj.get(key)
    if value is None:
        return ""
    return str(value).strip()[:limit + 1]


class _Ref(NamedTuple):
    """What validation needs of a bundle, operation or operator (no model instances)."""

    pk: int
    quantity: int = 0
    style_id: int | None = None


class _Resolver:
    """The bundles, operations and operators a batch names, read in three queries."""

    def __init__(self, device: Device, items: list[dict]) -> None:
        org = device.organization_id
        codes = {_text(o, "bundle", 40) for o in items} - {""}
        tags = {_text(o, "tag", 64) for o in items} - {""}
        self.bundles: dict[str, _Ref] = {}
        self.tags: dict[str, _Ref] = {}
        if codes or tags:
            for pk, code, tag, quantity, style in Bundle.objects.filter(
                    organization_id=org).filter(Q(code__in=codes) | Q(tag__in=tags)).order_by(
                    ).values_list("pk", "code", "tag", "quantity", "order__style_id"):
                self.bundles[code] = ref = _Ref(pk, quantity, style)
                if tag:
                    self.tags[tag] = ref
        styles = {b.style_id for b in self.bundles.values()}
        op_codes = {_text(o, "operation", 16) for o in items} - {""}
        self.operations = {(style, code): _Ref(pk) for pk, style, code in Operation.objects.filter(
            style_id__in=styles, code__in=op_codes).order_by().values_list(
            "pk", "style_id", "code")} if styles and op_codes else {}
        numbers = {_text(o, "operator", 20) for o in items} - {""}
        self.operators = {no: _Ref(pk) for pk, no in Operator.objects.filter(
            organization_id=org, employee_no__in=numbers).order_by().values_list(
            "pk", "employee_no")} if numbers else {}


@dataclass
class _Row:
    """One validated event, as the columns it is stored in (cheaper than a model instance)."""

    organization_id: int
    device_id: int
    event_id: str
    kind: str
    occurred_at: object
    received_at: object
    line_id: int
    station: str
    bundle: _Ref | None = None
    bundle_id: int | None = None
    operation_id: int | None = None
    operator_id: int | None = None
    quantity: int = 0
    counted: int = 0
    outcome: str = ""
    defect_code: str = ""
    machine_state: str = ""
    reason: str = ""


def _validate(obj: dict, device: Device, resolver: _Resolver, now) -> tuple[_Row | None,
                                                                             list[dict]]:
    line = obj.get("_line", 0)
    errs: list[dict] = []

    def err(name, reason):
        errs.append({"line": line, "field": name, "reason": str(reason)})

    event_id = _text(obj, "id", 64)
    if not event_id:
        err("id", _("Every event needs the device's own id."))
    elif len(event_id) > 64:
        err("id", _("At most 64 characters."))
    kind = _text(obj, "type", 10)
    if kind not in KINDS:
        err("type", _("Expected one of %(choices)s.") % {"choices": ", ".join(sorted(KINDS))})
    at = obj.get("at")
    occurred = parse_datetime(at) if isinstance(at, str) else None
    if occurred is None:
        err("at", _("Give the time as ISO 8601 with a UTC offset, e.g. "
                    "2026-03-02T08:15:00+08:00."))
    elif timezone.is_naive(occurred):
        err("at", _("The time needs a UTC offset (e.g. +08:00)."))
    elif occurred > now + MAX_CLOCK_AHEAD:
        err("at", _("The time lies in the future; check the device's clock."))
    station = _text(obj, "station", 20) or device.station
    if len(station) > 20:
        err("station", _("At most 20 characters."))
    event = _Row(organization_id=device.organization_id, device_id=device.pk,
                 event_id=event_id, kind=kind, occurred_at=occurred, received_at=now,
                 line_id=device.line_id, station=station)
    if kind in ("scan", "hanger_in", "hanger_out"):
        code, tag = _text(obj, "bundle", 40), _text(obj, "tag", 64)
        bundle = resolver.bundles.get(code) if code else resolver.tags.get(tag)
        if not code and not tag:
            err("bundle", _("Give the bundle code or its tag."))
        elif bundle is None:
            err("bundle" if code else "tag", _("No bundle of this enterprise has this code "
                                               "or tag."))
        event.bundle = bundle
        event.bundle_id = bundle.pk if bundle is not None else None
    if kind == "scan":
        _validate_scan(obj, event, resolver, err)
    elif kind == "machine":
        state = _text(obj, "state", 8)
        if state not in STATES:
            err("state", _("Expected one of %(choices)s.")
                % {"choices": ", ".join(sorted(STATES))})
        event.machine_state = state
        event.reason = _text(obj, "reason", 60)[:60]
        if state == "down" and not event.reason:
            err("reason", _("Say why the machine is down."))
        if not station:
            err("station", _("A machine state needs the station."))
    return (None if errs else event), errs


def _validate_scan(obj, event, resolver, err) -> None:
    bundle = event.bundle
    op_code = _text(obj, "operation", 16)
    if not op_code:
        err("operation", _("A scan needs the operation code."))
    elif bundle is not None:
        operation = resolver.operations.get((bundle.style_id, op_code))
        event.operation_id = operation.pk if operation is not None else None
        if operation is None:
            err("operation", _("The bundle's style has no operation %(code)s.")
                % {"code": op_code})
    number = _text(obj, "operator", 20)
    operator = resolver.operators.get(number) if number else None
    event.operator_id = operator.pk if operator is not None else None
    if not number:
        err("operator", _("A scan needs the operator's employee number."))
    elif operator is None:
        err("operator", _("No operator of this enterprise has the employee number "
                          "%(no)s.") % {"no": number})
    if bundle is None and "qty" not in obj:
        return _validate_outcome(obj, event, err)  # the bundle's own error says enough
    qty = obj.get("qty", bundle.quantity if bundle is not None else None)
    if not isinstance(qty, int) or isinstance(qty, bool) or qty < 1:
        err("qty", _("The number of pieces must be a whole number of at least 1."))
    elif bundle is not None and qty > bundle.quantity:
        err("qty", _("The bundle has only %(n)d pieces.") % {"n": bundle.quantity})
    else:
        event.quantity = qty
    _validate_outcome(obj, event, err)


def _validate_outcome(obj, event, err) -> None:
    outcome = _text(obj, "outcome", 8) or "good"
    if outcome not in OUTCOMES:
        err("outcome", _("Expected good or rework."))
    event.outcome = outcome
    event.defect_code = _text(obj, "defect", 20)[:20]
    if outcome == "rework" and not event.defect_code:
        err("defect", _("A rework needs the defect code."))


def events_ingest(*, device: Device, items: list[dict]) -> IngestResult:
    """Validate and store one batch for ``device``; raises :class:`IngestError` (nothing
    stored) when any line is wrong. Returns after the commit."""
    max_lines = settings.JINXIU_INGEST_MAX_LINES
    if len(items) > max_lines:
        raise IngestError([{"line": 0, "field": "", "reason": _(
            "At most %(n)d events in one batch.") % {"n": max_lines}}])
    now = timezone.now()
    resolver = _Resolver(device, items)
    events: dict[str, _Row] = {}
    errors: list[dict] = []
    for obj in items:
        event, errs = _validate(obj, device, resolver, now)
        errors.extend(errs)
        if event is not None:
            events.setdefault(event.event_id, event)  # the same id twice: the first counts
    if errors:
        raise IngestError(errors)
    result = IngestResult(received=len(items))
    if not events:
        return result
    quantities = {r.bundle_id: r.bundle.quantity for r in events.values() if r.bundle}
    with transaction.atomic():
        stored = events_store(list(events.values()), quantities)
    result.stored = stored
    result.duplicates = result.received - result.stored
    return result
