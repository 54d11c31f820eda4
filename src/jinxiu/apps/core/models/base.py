"""Abstract bases every domain model builds on."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jinxiu.apps.core.querysets import ChangeLoggedManager


class Visibility(models.TextChoices):
    """Who may *view* rows of a model (before object permissions add more)."""

    PUBLIC = "public", _("Every signed-in user")  # public registry facts
    TENANT = "tenant", _("The owning organization, and whom it shares with")
    PRIVATE = "private", _("Only through explicit permissions")


class DataCategory(models.TextChoices):
    """What an enterprise shares: a share or a statistics policy names categories."""

    PRODUCTION = "production", _("Production data")
    PATTERNS = "patterns", _("Patterns and markers")
    ORDERS = "orders", _("Orders")
    FINANCIAL = "financial", _("Financial indicators")
    DOCUMENTS = "documents", _("Documents and certificates")


class ChangeLoggedModel(models.Model):
    """Every create, update and delete is recorded in :class:`ObjectChange`."""

    created = models.DateTimeField(_("created"), auto_now_add=True)
    last_updated = models.DateTimeField(_("last updated"), auto_now=True)

    objects = ChangeLoggedManager()

    visibility = Visibility.PRIVATE
    # Fields never copied into the change log (secrets, large blobs).
    changelog_exclude: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def changelog_organization_id(self) -> int | None:
        """The organization whose data this is (for who may read its history)."""
        return None


class TenantModel(ChangeLoggedModel):
    """Data owned by one organization (usually an enterprise).

    Visible to that organization's members by role, to organizations it shares the
    ``data_category`` with, to a bureau's statisticians where a statistics policy covers
    the category, and through object permissions.
    """

    organization = models.ForeignKey(
        "core.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organization"),
    )

    visibility = Visibility.TENANT
    tenant_lookup = "organization_id"
    data_category: str = DataCategory.DOCUMENTS

    class Meta:
        abstract = True

    def changelog_organization_id(self) -> int | None:
        return self.organization_id
