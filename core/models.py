"""The one model of the shared toolbox: the page cache's content version (core/cache.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContentVersion(models.Model):
    """A counter bumped whenever public content changes; part of every cached page's key."""

    counter = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("content version")
        db_table = "website_contentversion"  # created by the website app before the cache moved to core

    def __str__(self) -> str:
        return str(self.counter)
