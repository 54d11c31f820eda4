"""Writes of the line planner."""

from __future__ import annotations

import copy

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jinxiu.apps.core.jobs.services import job_enqueue
from jinxiu.apps.production.models import BalancePlan, Operation, Style


@transaction.atomic
def style_copy(*, source: Style, organization, code: str, name: str) -> Style:
    """A new style with a copy of ``source``'s bulletin (for a similar style)."""
    if Style.objects.filter(organization=organization, code=code).exists():
        raise ValidationError({"code": _("This organization already has a style %(code)s.")
                               % {"code": code}})
    style = Style.objects.create(organization=organization, code=code, name=name,
                                 product=source.product, description=source.description)
    for op in source.operations.all():
        Operation.objects.create(
            organization=organization, style=style, sequence=op.sequence, code=op.code,
            name=op.name, machine_type=op.machine_type, standard_seconds=op.standard_seconds,
            predecessors=list(op.predecessors), zone=op.zone, notes=op.notes)
    return style


@transaction.atomic  # job_enqueue sends the job on commit: after this function's writes
def plan_run(*, plan: BalancePlan, user) -> BalancePlan:
    """Queue the balancing job for ``plan`` (after the surrounding transaction commits).

    Refused while a job of the plan is queued or running: a second job would only redo
    the first one's work, and whichever ended last would overwrite the other's plan."""
    from jinxiu.apps.production.adapter import plan_problem

    BalancePlan.objects.select_for_update().filter(pk=plan.pk).values_list("pk").get()
    plan.refresh_from_db()
    if plan.current_status == BalancePlan.Status.RUNNING:
        raise ValidationError(_("The plan is already being balanced; wait for the result."))
    plan_problem(plan)  # refuse bad input now, with its reason, rather than in the job
    job = job_enqueue(kind="production.balance", user=user, organization=plan.organization,
                      params={"plan": plan.pk})
    plan.job = job
    plan.status = BalancePlan.Status.RUNNING
    plan.save()
    return plan


def _lock_for_edit(plan: BalancePlan, version: str | None) -> None:
    """Before a hand edit (in the caller's transaction): lock the plan's row and re-read
    ``plan``, so it shows the plan as it stands, edited or not. Refused: an edit made on a
    page older than the plan (``version``, the ``last_updated`` the page showed: its
    station numbers may no longer be the plan's), a plan not run yet, and one being
    balanced (the job would overwrite the edit)."""
    BalancePlan.objects.select_for_update().filter(pk=plan.pk).values_list("pk").get()
    plan.refresh_from_db()
    if version and version != plan.last_updated.isoformat():
        raise ValidationError(_("The plan was changed since this page was loaded; it is shown "
                                "as it stands now. Make the change again."))
    if not plan.result:
        raise ValidationError(_("Run the plan before changing its stations."))
    if plan.current_status == BalancePlan.Status.RUNNING:
        raise ValidationError(_("The plan is being balanced; wait for the result."))


@transaction.atomic
def plan_move(*, plan: BalancePlan, operation: Operation, to_station: int,
              version: str | None = None, new_station: bool = False) -> BalancePlan:
    """Move one operation to station ``to_station`` (1-based; one past the end opens a new
    station; ``new_station``: a new station opens at that place, before the station that
    had the number). Empty stations close up. The figures and warnings follow from ``evaluate``.
    ``version``: see ``_lock_for_edit``."""
    _lock_for_edit(plan, version)
    from jinxiu.apps.production.adapter import station_workplaces  # loads the engine

    rows = list(plan.style.operations.order_by("sequence", "code")
                .values_list("pk", "standard_seconds"))
    order = {pk: i for i, (pk, _seconds) in enumerate(rows)}
    seconds = dict(rows)
    stations = copy.deepcopy(plan.result["stations"])
    for station in stations:  # operations deleted from the bulletin since the run
        station["operations"] = [pk for pk in station["operations"] if pk in order]
    if not 1 <= to_station <= len(stations) + 1:
        raise ValidationError(_("There is no station %(n)d.") % {"n": to_station})
    source = None
    for station in stations:
        if operation.pk in station["operations"]:
            station["operations"].remove(operation.pk)
            source = station
    if new_station or to_station == len(stations) + 1:
        # a new station at that place in the line (the ones from there on move up one); an
        # operation that leaves a station empty takes its operator along
        moved = source is not None and not source["operations"]
        stations.insert(to_station - 1, {
            "operations": [], "replicas": source.get("replicas", 1) if moved else 1,
            "operator": source.get("operator", "") if moved else "",
            "operator_id": source.get("operator_id") if moved else None,
            # the operators of its other workplaces too (trimmed below to those it keeps)
            **({"helpers": source.pop("helpers")} if moved and source.get("helpers") else {})})
        if moved:
            source["operator"], source["operator_id"] = "", None
    stations[to_station - 1]["operations"].append(operation.pk)
    for station in stations:
        station["operations"].sort(key=lambda pk: order.get(pk, 0))
    # duplicate workplaces follow the long operation that needs them
    places = station_workplaces(plan, [[seconds[pk] for pk in s["operations"]]
                                       for s in stations])
    if plan.use_operator_skills:  # a crew of named operators stays at its station
        places = [max(1, int(s.get("replicas", 1))) for s in stations]
    for station, count in zip(stations, places, strict=True):
        station["replicas"] = count
        # the operators of workplaces the station no longer has leave it
        helpers = (station.pop("helpers", None) or [])[:count - 1]
        if helpers:
            station["helpers"] = helpers
    plan.result = {**_with_undo(plan), "stations": [s for s in stations if s["operations"]]}
    plan.edited = True
    plan.save()
    return plan


UNDO_DEPTH = 30  # hand edits a plan can take back, the latest first


def _with_undo(plan: BalancePlan) -> dict:
    """The plan's result with its stations as they stand pushed on its undo list (before an
    edit). Edits that fell off the list, or were made before plans kept one, cannot be
    taken back: the plan then stays "edited" however far it is undone."""
    result = plan.result
    undo = [*result.get("undo", []), result["stations"]]
    trimmed = (result.get("undo_trimmed", False) or len(undo) > UNDO_DEPTH
               or ("undo" not in result and plan.edited))
    return {**result, "undo": undo[-UNDO_DEPTH:], "undo_trimmed": trimmed}


@transaction.atomic
def plan_undo(*, plan: BalancePlan, version: str | None = None) -> BalancePlan:
    """Take back the plan's last hand edit (a move, an operator placed). Back at the
    engine's plan the plan counts as not edited again."""
    _lock_for_edit(plan, version)
    undo = list(plan.result.get("undo", []))
    if not undo:
        raise ValidationError(_("There is no hand edit to take back."))
    stations = undo.pop()
    plan.result = {**plan.result, "stations": stations, "undo": undo}
    plan.edited = bool(undo) or plan.result.get("undo_trimmed", False)
    plan.save()
    return plan


MAX_CREW = 10  # operators sharing one station (the engine's shares divide up to ten)


@transaction.atomic
def plan_set_workplaces(*, plan: BalancePlan, station: int, count: int,
                        version: str | None = None) -> list[str]:
    """A skills plan: give station ``station`` (1-based) ``count`` workplaces, a crew of
    that many named operators sharing its pieces (seats added empty, to be given an
    operator; seats taken away from the last, with whoever sat there). Plans at standard
    times are refused: their workplaces follow the long operation (``station_workplaces``).
    Returns the names of the operators who lost their seat. ``version``: as in
    ``plan_move``."""
    from jinxiu.apps.production.adapter import seat_items

    _lock_for_edit(plan, version)
    if not plan.use_operator_skills:
        raise ValidationError(_("Only a plan with operators' skills has crews set by hand; at "
                                "standard times a station has the workplaces its long "
                                "operation needs."))
    stations = copy.deepcopy(plan.result["stations"])
    if not 1 <= station <= len(stations):
        raise ValidationError(_("There is no station %(n)d.") % {"n": station})
    if not 1 <= count <= MAX_CREW:
        raise ValidationError(_("A station has 1 to %(most)d workplaces.") % {"most": MAX_CREW})
    item = stations[station - 1]
    seats = seat_items(item, max(1, int(item.get("replicas", 1))))
    left = [seat["operator"] for seat in seats[count:] if seat.get("operator")]
    item["replicas"] = count
    item.pop("helpers", None)
    if any(seat.get("operator") for seat in seats[1:count]):  # (empty seats are implied)
        item["helpers"] = seats[1:count]
    plan.result = {**_with_undo(plan), "stations": stations}
    plan.edited = True
    plan.save()
    return left


@transaction.atomic
def plan_copy(*, plan: BalancePlan, name: str) -> BalancePlan:
    """A copy of ``plan`` in its organization, with its result and hand edits: a version to
    keep before the plan is edited or balanced again, and to compare with it."""
    BalancePlan.objects.select_for_update().filter(pk=plan.pk).values_list("pk").get()
    plan.refresh_from_db()
    return BalancePlan.objects.create(
        organization_id=plan.organization_id, name=name, style_id=plan.style_id,
        line_id=plan.line_id, mode=plan.mode, cycle_seconds=plan.cycle_seconds,
        station_count=plan.station_count, use_operator_skills=plan.use_operator_skills,
        allow_split=plan.allow_split, time_limit_s=plan.time_limit_s,
        status=BalancePlan.Status.DONE if plan.result else BalancePlan.Status.DRAFT,
        result=copy.deepcopy(plan.result), edited=plan.edited)


@transaction.atomic
def plan_set_operator(*, plan: BalancePlan, station: int, operator: int | None,
                      seat: int = 0, version: str | None = None) -> BalancePlan:
    """Put ``operator`` (the id of an active operator of the plan's line) at station
    ``station`` (1-based), at its workplace ``seat`` (0 the first; a station with parallel
    workplaces has one seat each). Where she already works at another seat, the two seats
    exchange operators (one no longer active on the line is not moved: that seat is left
    without one); None leaves the seat without an operator. ``version`` refuses a change
    made on an older page, as in ``plan_move``."""
    from jinxiu.apps.production.adapter import plan_operators, seat_items, station_person

    _lock_for_edit(plan, version)
    stations = copy.deepcopy(plan.result["stations"])
    if not 1 <= station <= len(stations):
        raise ValidationError(_("There is no station %(n)d.") % {"n": station})
    people = plan_operators(plan)
    person = next((p for p in people if p.pk == operator), None)
    if operator is not None and person is None:
        raise ValidationError(_("This operator is not an active operator of the plan's line."))
    seats = []
    for item in stations:
        items = seat_items(item, max(1, int(item.get("replicas", 1))))
        item["helpers"] = items[1:]  # stored as dicts, one per further workplace
        seats.append(items)
    if not 0 <= seat < len(seats[station - 1]):
        raise ValidationError(_("Station %(n)d has no workplace %(seat)d.")
                              % {"n": station, "seat": seat + 1})
    here = seats[station - 1][seat]
    current = station_person(here, people)  # None: none, or no longer on the line
    for other in (o for items in seats for o in items):
        if person is not None and other is not here and \
                getattr(station_person(other, people), "pk", None) == person.pk:
            other["operator"] = str(current) if current else ""
            other["operator_id"] = current.pk if current else None
    here["operator"] = str(person) if person else ""
    here["operator_id"] = person.pk if person else None
    for item in stations:
        if not any(h.get("operator") for h in item["helpers"]):
            del item["helpers"]  # a station with one workplace, or nobody at the others
    plan.result = {**_with_undo(plan), "stations": stations}
    plan.edited = True
    plan.save()
    return plan

