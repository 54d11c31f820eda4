"""Writes of the cutting room: pattern uploads, planning runs, storing a plan's markers."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from jinxiu.apps.core.jobs.services import job_enqueue
from jinxiu.apps.core.uploads import validate_upload
from jinxiu.apps.cutting.models import CutOrder, Marker, Pattern, PatternPiece
from jinxiu.engines.nesting import geometry as geo
from jinxiu.engines.nesting.readers.dxf import DxfPattern, ReaderError, check_pieces, read_dxf

DXF_ONLY = {".dxf": None}


class PatternImportError(ValidationError):
    """A refused pattern file: ``errors`` lists (piece, reason); nothing was stored."""

    def __init__(self, message: str, errors: list[tuple[str, str]] | None = None) -> None:
        self.errors = list(errors or [])
        from jinxiu.apps.cutting.reasons import reason

        lines = [message] + [_("Piece %(piece)s: %(reason)s") % {"piece": p, "reason": reason(r)}
                             for p, r in self.errors]
        super().__init__(lines)


def pattern_read(*, uploaded) -> tuple[DxfPattern, bytes]:
    """Read and validate an uploaded DXF (size, type, every piece). Returns the pattern and
    the file's bytes; raises PatternImportError naming each bad piece and its reason."""
    try:
        validate_upload(uploaded, allowed=DXF_ONLY)
    except ValidationError as exc:
        raise PatternImportError(" ".join(exc.messages)) from None
    content = uploaded.read()
    uploaded.seek(0)
    fd, tmp = tempfile.mkstemp(suffix=".dxf", prefix="jinxiu-pattern-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        try:
            pattern = read_dxf(tmp)
        except ReaderError as exc:
            from jinxiu.apps.cutting.reasons import reason

            why = reason(str(exc).replace(Path(tmp).name, uploaded.name))
            raise PatternImportError(_("The file cannot be used: %(reason)s")
                                     % {"reason": why}, exc.errors) from None
    finally:
        Path(tmp).unlink(missing_ok=True)
    errors = check_pieces(pattern)
    if errors:
        raise PatternImportError(
            _("%(n)d piece(s) cannot be used; nothing was stored. Correct them in the CAD "
              "system and upload the file again.") % {"n": len(errors)}, errors)
    if not pattern.pieces:
        raise PatternImportError(_("The file holds no usable pieces."))
    return pattern, content


@transaction.atomic
def pattern_import(*, organization, style, uploaded, user=None, name: str = "",
                   notes: str = "", parsed: tuple[DxfPattern, bytes] | None = None) -> Pattern:
    """Store an uploaded DXF as the next version of ``style``'s pattern, with its pieces."""
    if style.organization_id != organization.pk:
        raise ValidationError({"style": _("The style belongs to another organization.")})
    dxf, content = parsed or pattern_read(uploaded=uploaded)
    last = Pattern.objects.filter(style=style).aggregate(v=Max("version"))["v"] or 0
    pattern = Pattern(
        organization=organization, style=style, version=last + 1,
        name=name or dxf.style.get("style name") or Path(uploaded.name).stem[:120],
        original_name=uploaded.name[:200], units=dxf.units,
        units_source=dxf.units_source[:60], sizes=dxf.sizes, materials=dxf.materials,
        notes=notes, uploaded_by=user)
    pattern.save()
    for i, p in enumerate(dxf.pieces):
        _piece_row(pattern, i, p).save()
    # the file last: when anything above fails, nothing is stored, not even the file
    pattern.file.save(f"{style.code}.dxf", ContentFile(content), save=True)
    return pattern


def _piece_row(pattern: Pattern, position: int, p) -> PatternPiece:
    x0, y0, x1, y1 = _bounds(p.outline)
    return PatternPiece(
        organization_id=pattern.organization_id, pattern=pattern, position=position,
        name=p.name[:120], size=(p.size or "")[:20], quantity=p.quantity,
        material=(p.material or "")[:60], category=(p.category or "")[:60],
        pair=p.quantity > 0 and p.quantity % 2 == 0, grain_angle=p.grain_angle,
        on_fold=p.on_fold, notches=p.notches, area=geo.area(p.outline),
        length=x1 - x0, breadth=y1 - y0,
        outline=[[round(x, 4), round(y, 4)] for x, y in p.outline],
        holes=[[[round(x, 4), round(y, 4)] for x, y in h] for h in p.holes],
        drills=[[round(x, 4), round(y, 4)] for x, y in p.drills],
        read_notes=list(p.notes))


def _bounds(ring) -> tuple[float, float, float, float]:
    xs = [x for x, _y in ring]
    ys = [y for _x, y in ring]
    return min(xs), min(ys), max(xs), max(ys)


@transaction.atomic  # job_enqueue sends the job on commit: after this function's writes
def order_run(*, order: CutOrder, user) -> CutOrder:
    """Check the order now (pieces fit the fabric, quantities) and queue the planning job."""
    from jinxiu.apps.cutting.adapter import engine_order, order_problem

    order_problem(order)  # raises PlanInputError with the reason before anything is queued
    engine_order(order)
    job = job_enqueue(kind="cutting.plan", user=user, organization=order.organization,
                      params={"order": order.pk})
    order.job = job
    order.status = CutOrder.Status.RUNNING
    order.save()
    return order


ORDER_INPUTS = ("pattern", "quantities", "material", "width", "max_plies", "max_length",
                "max_garments", "max_overcut", "spacing", "grain", "marker_cost",
                "seconds_per_marker", "notes")


@transaction.atomic
def order_copy(*, source: CutOrder, name: str = "") -> CutOrder:
    """A new draft order with ``source``'s quantities and fabric, to plan with other settings
    while ``source`` keeps its plan and markers."""
    taken = set(CutOrder.objects.filter(organization=source.organization)
                .values_list("name", flat=True))
    if not name:
        n = 2
        while f"{source.name} ({n})" in taken:
            n += 1
        name = f"{source.name} ({n})"
    return CutOrder.objects.create(organization=source.organization, name=name[:80],
                                   **{f: getattr(source, f) for f in ORDER_INPUTS})


@transaction.atomic
def order_store_plan(*, order: CutOrder, run) -> list[Marker]:
    """Replace the order's plan and markers with a planning run's (one short transaction)."""
    from jinxiu.apps.cutting.adapter import plan_json, ratio_key

    plan = plan_json(run, order)
    order.markers.all().delete()
    markers = []
    lays_by_key: dict[tuple, list[dict]] = {}
    for lay in plan["lays"]:
        lays_by_key.setdefault(ratio_key(lay["ratio"]), []).append(lay)
    for key, number in ((tuple(map(tuple, k)), n) for k, n in plan["numbers"]):
        result = run.markers[key]
        lays = lays_by_key[key]
        markers.append(Marker.objects.create(
            organization=order.organization, order=order, position=number,
            name=f"M{number}", ratio=dict(key), plies=sum(lay["total_plies"] for lay in lays),
            lays=len(lays), width=result.width, length=result.length,
            utilization=result.utilization, pieces=len(result.placements),
            runtime_s=result.runtime_s, stop_reason=str(result.stop_reason), seed=result.seed,
            result=result.to_json()))
    order.plan = plan
    order.fabric_length = plan["fabric_length"]
    order.status = CutOrder.Status.DONE
    order.save()
    return markers
