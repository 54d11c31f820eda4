"""Permissions as data: object permissions (NetBox style), data shares, statistics policies."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinxiu.apps.core.models.base import ChangeLoggedModel, DataCategory, Visibility
from jinxiu.apps.core.querysets import ChangeLoggedQuerySet


class ObjectPermission(ChangeLoggedModel):
    """Grants ``actions`` on ``object_types`` to users and groups.

    ``constraints`` is a JSON ORM filter (a dict, or a list of dicts that are OR-ed), for
    example ``{"organization__region__code__startswith": "$region_prefix"}``. Tokens
    ``$user``, ``$organizations`` and ``$regions`` are replaced by the user's id, the ids of
    their organizations and the ids of every region under their organizations' regions.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    object_types = models.ManyToManyField(
        ContentType, related_name="+", verbose_name=_("object types")
    )
    actions = models.JSONField(_("actions"), default=list)
    constraints = models.JSONField(_("constraints"), null=True, blank=True)
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="object_permissions",
        verbose_name=_("users"),
    )
    groups = models.ManyToManyField(
        Group, blank=True, related_name="object_permissions", verbose_name=_("groups")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("object permission")
        verbose_name_plural = _("object permissions")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not isinstance(self.actions, list) or not self.actions or not all(
            isinstance(a, str) and a for a in self.actions
        ):
            raise ValidationError({"actions": _("Give a non-empty list of action names.")})
        c = self.constraints
        if c is not None and not (
            isinstance(c, dict) or (isinstance(c, list) and all(isinstance(i, dict) for i in c))
        ):
            raise ValidationError(
                {"constraints": _("Constraints must be an object or a list of objects.")}
            )


class ActiveQuerySet(ChangeLoggedQuerySet):
    def active(self, at=None):
        at = at or timezone.now()
        return self.filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=at),
            revoked_at__isnull=True,
        )


class DataShare(ChangeLoggedModel):
    """An enterprise lets a named organization read some categories of its data, until expiry."""

    organization = models.ForeignKey(
        "core.Organization", on_delete=models.CASCADE, related_name="shares_given",
        verbose_name=_("shared by"),
    )
    grantee = models.ForeignKey(
        "core.Organization", on_delete=models.CASCADE, related_name="shares_received",
        verbose_name=_("shared with"),
    )
    categories = models.JSONField(_("data categories"), default=list)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)

    objects = ActiveQuerySet.as_manager()
    visibility = Visibility.TENANT  # the sharing enterprise's members see and manage its shares
    data_category = None
    tenant_lookup = "organization_id"
    tenant_write_roles = ("admin",)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("data share")
        verbose_name_plural = _("data shares")

    def __str__(self) -> str:
        return f"{self.organization} → {self.grantee}"

    def clean(self) -> None:
        _validate_categories(self.categories)
        if self.organization_id and self.organization_id == self.grantee_id:
            raise ValidationError({"grantee": _("An organization cannot share with itself.")})

    def changelog_organization_id(self) -> int | None:
        return self.organization_id


class StatisticsPolicy(ChangeLoggedModel):
    """By policy, a bureau's statisticians read these categories of enterprises in its region."""

    bureau = models.ForeignKey(
        "core.Organization", on_delete=models.CASCADE, related_name="statistics_policies",
        verbose_name=_("bureau"), limit_choices_to={"kind": "bureau"},
    )
    categories = models.JSONField(_("data categories"), default=list)
    basis = models.CharField(
        _("legal basis"), max_length=200,
        help_text=_("The document that grants this access, e.g. a statistics regulation."),
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        ordering = ["bureau__name", "-valid_from"]
        verbose_name = _("statistics policy")
        verbose_name_plural = _("statistics policies")

    def __str__(self) -> str:
        return f"{self.bureau}: {', '.join(self.categories)}"

    def clean(self) -> None:
        _validate_categories(self.categories)
        if self.bureau_id and self.bureau.kind != "bureau":
            raise ValidationError({"bureau": _("Only a bureau can hold a statistics policy.")})
        if self.bureau_id and self.bureau.region_id is None:
            raise ValidationError({"bureau": _("The bureau needs a region.")})

    def changelog_organization_id(self) -> int | None:
        return self.bureau_id


def _validate_categories(value) -> None:
    valid = set(DataCategory.values)
    if not isinstance(value, list) or not value or not set(value) <= valid:
        raise ValidationError(
            {"categories": _("Choose one or more of: %(choices)s")
             % {"choices": ", ".join(sorted(valid))}}
        )
