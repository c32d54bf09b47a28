"""Reference lists the registry points at: townships and product families."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from .search_text import AdminSearchable


class Township(AdminSearchable, index.Indexed, models.Model):
    """A township or street of Liangping (乡镇/街道): where producers sit and GIs are protected."""

    class Kind(models.TextChoices):
        STREET = "street", _("Street (街道)")
        TOWN = "town", _("Town (镇)")
        TOWNSHIP = "township", _("Township (乡)")

    name = models.CharField(_("name"), max_length=40, unique=True)
    name_en = models.CharField(_("name in pinyin"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TOWN)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]
    search_names = ("name",)
    search_plain = ("name_en",)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("township")
        verbose_name_plural = _("townships")

    def __str__(self) -> str:
        return self.name


class ProductFamily(AdminSearchable, models.Model):
    """One of the "five zi" (五子) product families, or another family.

    稻子 rice, 柚子 pomelo, 鸭子 duck, 豆子 beans/豆筋, 笋子 bamboo shoots — from the district's
    2021–2025 IP plan.
    """

    slug = models.SlugField(_("slug"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=30, unique=True)
    name_en = models.CharField(_("English name"), max_length=60, blank=True)
    is_five_zi = models.BooleanField(_("one of the five zi"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    search_names = ("name",)
    search_plain = ("name_en", "slug")

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("product family")
        verbose_name_plural = _("product families")

    def __str__(self) -> str:
        return self.name

    def display_name(self, language: str = "zh-hans") -> str:
        return self.name_en if language.startswith("en") and self.name_en else self.name
