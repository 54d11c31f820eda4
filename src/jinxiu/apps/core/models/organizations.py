"""Organizations (bureau, association, park, service institution, enterprise) and people."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from jinxiu.apps.core.models.base import ChangeLoggedModel, Visibility


class User(AbstractUser):
    """A person. What they may see comes from memberships and object permissions."""

    display_name = models.CharField(_("display name"), max_length=64, blank=True)
    changelog_exclude = ("password", "last_login")

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.get_username()


class Organization(ChangeLoggedModel):
    class Kind(models.TextChoices):
        BUREAU = "bureau", _("Bureau (工信局 / 链长办)")
        ASSOCIATION = "association", _("Industry association")
        PARK = "park", _("Industrial park")
        SERVICE = "service", _("Service institution")
        ENTERPRISE = "enterprise", _("Enterprise")

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=64, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    region = models.ForeignKey(
        "core.Region", null=True, blank=True, on_delete=models.PROTECT,
        related_name="organizations", verbose_name=_("region"),
        help_text=_("A bureau sees statistics for this region and every region under it."),
    )
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, null=True, unique=True,
        help_text=_("统一社会信用代码: 18 characters (GB 32100-2015)."),
    )
    description = models.TextField(_("description"), blank=True)
    is_synthetic = models.BooleanField(
        _("synthetic demo data"), default=False,
        help_text=_("Set on the demo data set: these organizations do not exist."),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="core.Membership", related_name="organizations",
        verbose_name=_("members"),
    )

    # Fields that decide who sees what (statistics scope, registry identity): changed only by
    # system administrators.
    SCOPE_FIELDS = ("kind", "region", "credit_code")

    visibility = Visibility.PUBLIC
    tenant_lookup = "pk"  # an organization's own members manage it ...
    tenant_write_roles = ("admin",)  # ... when they are its administrators

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.name

    def changelog_organization_id(self) -> int | None:
        return self.pk

    def clean(self) -> None:
        """The credit code, stored in its normal form, must pass GB 32100 (and match the
        region); an empty code is stored as NULL so the uniqueness check ignores it."""
        from django.core.exceptions import ValidationError

        from jinxiu.apps.core.uscc import normalize, validate_uscc

        self.credit_code = normalize(self.credit_code or "") or None
        if self.credit_code:
            try:
                validate_uscc(self.credit_code, region=self.region if self.region_id else None)
            except ValidationError as exc:
                raise ValidationError({"credit_code": exc.messages}) from exc

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("core:organization_detail", args=[self.pk])


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    OFFICER = "officer", _("Officer")
    MEMBER = "member", _("Member")
    VIEWER = "viewer", _("Viewer")


# What each role may do with its own organization's data. Custom actions (e.g. "export",
# "run") are given to admins and officers; viewers only read.
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset({"view", "add", "change", "delete", "export", "run", "share"}),
    Role.OFFICER: frozenset({"view", "add", "change", "delete", "export", "run"}),
    Role.MEMBER: frozenset({"view", "add", "change", "export", "run"}),
    Role.VIEWER: frozenset({"view"}),
}


class Membership(ChangeLoggedModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships",
        verbose_name=_("user"),
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships",
        verbose_name=_("organization"),
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    is_statistician = models.BooleanField(
        _("statistics role"), default=False,
        help_text=_("In a bureau: may read the data categories its statistics policies cover."),
    )

    visibility = Visibility.TENANT
    data_category = None  # memberships are never shared
    tenant_lookup = "organization_id"
    tenant_write_roles = ("admin",)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="unique_membership"),
        ]
        ordering = ["organization__name", "user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.get_role_display()})"

    def changelog_organization_id(self) -> int | None:
        return self.organization_id

    @property
    def actions(self) -> frozenset[str]:
        return ROLE_ACTIONS[self.role]
