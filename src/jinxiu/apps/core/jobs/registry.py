"""Job kinds: a name, a label, a handler, and who may start it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str | Promise
    handler: Callable
    # Only superusers may start it (e.g. loading demo data into a shared instance).
    superuser_only: bool = False
    # Run the handler inside one transaction. A handler with a long read-and-compute phase
    # (an engine run) sets False and opens its own short transaction for its writes, so it
    # does not hold SQLite's write lock while it computes.
    atomic: bool = True
    # Called once in a background thread when a worker starts: loads (or, the first time
    # on a machine, compiles) what the handler needs, so the first job does not wait for it.
    warm_up: Callable[[], object] | None = None


_KINDS: dict[str, JobKind] = {}


def job_kind(name: str, *, label, superuser_only: bool = False, atomic: bool = True,
             warm_up: Callable[[], object] | None = None):
    """Register ``handler(ctx: JobContext) -> dict | None`` as job kind ``name``.

    The handler runs inside one database transaction: it either completes and its writes
    commit together, or it fails and nothing it wrote remains. It must be safe to run again.
    """

    def register(handler: Callable) -> Callable:
        existing = _KINDS.get(name)
        if existing is not None and _where(existing.handler) != _where(handler):
            raise ValueError(f"job kind {name!r} is registered twice")
        _KINDS[name] = JobKind(name, label, handler, superuser_only, atomic, warm_up)
        return handler

    return register


def _where(fn) -> tuple[str, str]:
    code = getattr(fn, "__code__", None)
    return (code.co_filename if code else "", fn.__qualname__)


def get_job_kind(name: str) -> JobKind:
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"unknown job kind {name!r}") from None


def job_label(name: str) -> str:
    kind = _KINDS.get(name)
    return str(kind.label) if kind else name


def job_kinds() -> list[JobKind]:
    return sorted(_KINDS.values(), key=lambda k: k.name)
