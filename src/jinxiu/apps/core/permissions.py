"""Who may see and change what.

Every tenant-scoped query goes through :func:`restrict_queryset` (``Model.objects.restrict``).
A row is reachable when any of these grants it:

1. membership: the user belongs to the owning organization with a role that allows the action;
2. an :class:`ObjectPermission` on the model for the action (its constraints filter rows);
3. for ``view`` on tenant data: an active :class:`DataShare` from the owner to one of the
   user's organizations covering the model's data category;
4. for ``view`` on tenant data: a :class:`StatisticsPolicy` of a bureau in which the user holds
   the statistics role, covering the category, for owners in the bureau's region.

Public models (registry facts) are viewable by every signed-in, active user. Superusers see
everything. Anonymous and inactive users see nothing.
"""

from __future__ import annotations

import contextvars
import uuid
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ALL = object()  # sentinel: no restriction

ACTION_LABELS = {
    "view": _("view"),
    "add": _("add"),
    "change": _("change"),
    "delete": _("delete"),
    "export": _("export"),
    "run": _("run"),
    "share": _("share"),
}


@dataclass(frozen=True)
class _Grant:
    actions: frozenset[str]
    constraints: object  # None, dict or list[dict]


class _UserPermissions:
    """Everything needed to restrict queries for one user, loaded once per request."""

    def __init__(self, user) -> None:
        from jinxiu.apps.core.models import Membership, ObjectPermission

        self.user = user
        self.memberships = list(
            Membership.objects.filter(user=user).select_related("organization__region")
        )
        grants: dict[int, list[_Grant]] = {}
        perms = (
            ObjectPermission.objects.filter(enabled=True)
            .filter(Q(users=user) | Q(groups__user=user))
            .distinct()
            .prefetch_related("object_types")
        )
        for perm in perms:
            grant = _Grant(frozenset(perm.actions), perm.constraints)
            for ct in perm.object_types.all():
                grants.setdefault(ct.pk, []).append(grant)
        self.grants = grants
        self._shares: list | None = None
        self._policies: list | None = None

    @property
    def organization_ids(self) -> list[int]:
        return [m.organization_id for m in self.memberships]

    def organization_ids_for(self, action: str, roles: tuple[str, ...] | None = None) -> list[int]:
        return [
            m.organization_id
            for m in self.memberships
            if action in m.actions and (roles is None or m.role in roles)
        ]

    def region_ids(self) -> list[int]:
        from jinxiu.apps.core.models import Region

        prefixes = {m.organization.region.prefix for m in self.memberships if m.organization.region}
        if not prefixes:
            return []
        q = Q()
        for prefix in prefixes:
            q |= Q(code__startswith=prefix)
        return list(Region.objects.filter(q).values_list("pk", flat=True))

    def shares(self) -> list:
        from jinxiu.apps.core.models import DataShare

        if self._shares is None:
            self._shares = list(
                DataShare.objects.active().filter(grantee_id__in=self.organization_ids)
            ) if self.memberships else []
        return self._shares

    def policies(self) -> list:
        from jinxiu.apps.core.models import StatisticsPolicy

        if self._policies is None:
            bureau_ids = [
                m.organization_id
                for m in self.memberships
                if m.is_statistician and m.organization.kind == "bureau"
            ]
            today = timezone.localdate()
            self._policies = list(
                StatisticsPolicy.objects.filter(bureau_id__in=bureau_ids, valid_from__lte=today)
                .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
                .select_related("bureau__region")
            ) if bureau_ids else []
        return self._policies


# Each request opens its own scope, so grants are read once per request and never carried
# over to the next one (even when a test client reuses the same user object).
_scope: contextvars.ContextVar[uuid.UUID | None] = contextvars.ContextVar(
    "jinxiu_permission_scope", default=None
)


def permission_scope(scope_id: uuid.UUID):
    """Start a new caching scope (the change-context middleware does this per request)."""
    return _scope.set(scope_id)


def user_permissions(user) -> _UserPermissions:
    scope = _scope.get()
    cached = getattr(user, "_jinxiu_permissions", None)
    if cached is None or cached[0] != scope:
        cached = (scope, _UserPermissions(user))
        user._jinxiu_permissions = cached
    return cached[1]


def forget_permissions(user) -> None:
    """Drop the per-request cache (after memberships or grants of ``user`` changed)."""
    if hasattr(user, "_jinxiu_permissions"):
        del user._jinxiu_permissions


def _substitute(value, perms: _UserPermissions):
    if value == "$user":
        return perms.user.pk
    if value == "$organizations":
        return perms.organization_ids
    if value == "$regions":
        return perms.region_ids()
    if isinstance(value, list):
        return [_substitute(v, perms) for v in value]
    return value


def _constraint_q(constraints, perms: _UserPermissions):
    if not constraints:
        return ALL
    items = constraints if isinstance(constraints, list) else [constraints]
    q = Q()
    for item in items:
        q |= Q(**{key: _substitute(val, perms) for key, val in item.items()})
    return q


def permission_q(user, model: type[Model], action: str):
    """A Q object for the rows ``user`` may ``action``; :data:`ALL`; or None for nothing."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return ALL
    visibility = getattr(model, "visibility", "private")
    if action in ("view", "export") and visibility == "public":
        return ALL  # public registry facts: every signed-in user may read and export them

    perms = user_permissions(user)
    clauses: list[Q] = []
    ct = ContentType.objects.get_for_model(model)
    for grant in perms.grants.get(ct.pk, ()):
        if action in grant.actions:
            q = _constraint_q(grant.constraints, perms)
            if q is ALL:
                return ALL
            clauses.append(q)

    # The field naming the owning organization; None for data nobody owns (regions).
    tenant_lookup = getattr(model, "tenant_lookup", None)
    # An organization's members cannot create new organizations by membership alone.
    membership_applies = tenant_lookup is not None and not (
        action in ("add", "delete") and tenant_lookup == "pk")
    if visibility in ("tenant", "public") and membership_applies:
        # write roles limit writes; reading and exporting follow the role's own actions
        roles = None if action in ("view", "export") else getattr(model, "tenant_write_roles",
                                                                   None)
        org_ids = perms.organization_ids_for(action, roles)
        if org_ids:
            clauses.append(Q(**{f"{tenant_lookup}__in": org_ids}))
    # Region reviewers: members (admins and officers; any role for "view") of a bureau or an
    # association reach the rows of owners in their region, for the actions the model names
    # per organization kind (e.g. the 梯度培育 applications a bureau reviews).
    reviewers = getattr(model, "region_reviewers", None)
    if reviewers and tenant_lookup is not None:
        owner = tenant_lookup.removesuffix("_id")
        for m in perms.memberships:
            org = m.organization
            if action not in reviewers.get(org.kind, ()) or org.region is None:
                continue
            if action == "view" or m.role in ("admin", "officer"):
                clauses.append(Q(**{f"{owner}__region__code__startswith": org.region.prefix}))
    if visibility == "tenant" and action == "view" and tenant_lookup is not None:
        category = getattr(model, "data_category", None)
        if category:
            shared_by = sorted(
                {s.organization_id for s in perms.shares() if category in s.categories}
            )
            if shared_by:
                clauses.append(Q(**{f"{tenant_lookup}__in": shared_by}))
            owner = tenant_lookup.removesuffix("_id")
            for policy in perms.policies():
                if category in policy.categories and policy.bureau.region:
                    clauses.append(
                        Q(**{f"{owner}__region__code__startswith": policy.bureau.region.prefix})
                    )
    elif visibility == "owner":
        clauses.append(Q(owner=user))
    elif visibility == "changelog" and action == "view":
        clauses.append(Q(organization_id_snapshot__in=perms.organization_ids) | Q(user=user))

    if not clauses:
        return None
    combined = clauses[0]
    for q in clauses[1:]:
        combined |= q
    return combined


def restrict_queryset(qs: QuerySet, *, user, action: str) -> QuerySet:
    q = permission_q(user, qs.model, action)
    if q is ALL:
        return qs
    if q is None:
        return qs.none()
    return qs.filter(q)


def user_can(user, obj: Model, action: str) -> bool:
    """Whether ``user`` may ``action`` this saved object."""
    q = permission_q(user, type(obj), action)
    if q is ALL:
        return True
    if q is None:
        return False
    return type(obj)._default_manager.filter(q, pk=obj.pk).exists()


def organizations_for(user, action: str):
    """Organizations on whose behalf ``user`` may ``action`` (choices for an owner field)."""
    from jinxiu.apps.core.models import Organization

    if user is None or not user.is_authenticated:
        return Organization.objects.none()
    if user.is_superuser:
        return Organization.objects.all()
    return Organization.objects.filter(pk__in=user_permissions(user).organization_ids_for(action))
