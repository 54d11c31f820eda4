"""Administrative divisions (行政区划) with their GB/T 2260 codes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jinxiu.apps.core.querysets import RestrictedManager


class Region(models.Model):
    class Level(models.IntegerChoices):
        PROVINCE = 1, _("Province")
        CITY = 2, _("City")
        COUNTY = 3, _("County")

    code = models.CharField(_("GB/T 2260 code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=64)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
        verbose_name=_("parent"),
    )
    full_name = models.CharField(_("full name"), max_length=200)

    objects = RestrictedManager()
    visibility = "public"

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return f"{self.full_name} ({self.code})"

    @property
    def prefix(self) -> str:
        """The leading digits shared by this region and every region under it."""
        return self.code[: {1: 2, 2: 4, 3: 6}[self.level]]

    def subtree(self):
        """This region and every region under it."""
        return Region.objects.filter(code__startswith=self.prefix)
