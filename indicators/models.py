"""The district IP plan's main indicators (规划主要指标), their yearly figures and the dashboard page.

The sixteen indicators and their 2025 targets come from the 2021–2025 IP plan (梁平府发〔2022〕9号,
专题1 “十四五”时期梁平区知识产权工作主要指标). Staff enter the yearly figures with the source of each;
where the registry can count a figure itself (``computed_source``), the dashboard computes it per
year and shows it next to, never instead of, what staff entered (see ``services.figures_for``).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import StreamingHttpResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import DraftStateMixin, LockableMixin, Orderable, Page, RevisionMixin
from wagtail.search import index

from core.i18n import LocalizedPageMixin
from gi_registry.models.base import revisions_relation

from .computed import ComputedSource

FIRST_YEAR, LAST_YEAR = 2015, 2035  # a figure outside these years is a typing mistake

year_validators = [
    MinValueValidator(FIRST_YEAR, message=_("The year must be between 2015 and 2035.")),
    MaxValueValidator(LAST_YEAR, message=_("The year must be between 2015 and 2035.")),
]
not_negative = MinValueValidator(Decimal(0), message=_("The value cannot be negative."))


def figure_field(verbose_name, **kwargs) -> models.DecimalField:
    """Counts, amounts and percentages: up to 12 digits before the point, 3 after (0.3 %, 2.25 件)."""
    return models.DecimalField(verbose_name, max_digits=15, decimal_places=3, validators=[not_negative], **kwargs)


class PlanIndicator(DraftStateMixin, LockableMixin, RevisionMixin, Orderable, ClusterableModel):
    """One main indicator of the plan (主要指标): its name, unit, target and kind.

    Edited like the registry's records: a save is a draft (a revision); the dashboard shows the
    published version, yearly values included, and every publish is in the audit log.
    """

    class Kind(models.TextChoices):
        EXPECTED = "expected", _("Expected (预期性)")
        BINDING = "binding", _("Binding (约束性)")

    number = models.PositiveSmallIntegerField(_("number"), unique=True, help_text=_("The number (序号) in the plan."))
    name = models.CharField(_("name"), max_length=120, help_text=_("As the plan words it, without the unit."))
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True, help_text=_("件, 个, %, 万元 …"))
    target_value = figure_field(_("target"))
    target_year = models.PositiveSmallIntegerField(_("target year"), default=2025, validators=year_validators)
    baseline_value = figure_field(_("baseline"), null=True, blank=True, help_text=_("The figure in the baseline year."))
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), default=2020, validators=year_validators)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.EXPECTED)
    computed_source = models.CharField(
        _("computed from the registry"),
        max_length=30,
        choices=ComputedSource.choices,
        blank=True,
        help_text=_("Leave blank when staff enter the figures. Otherwise the registry counts them every year."),
    )
    is_demo = models.BooleanField(
        _("demo data"), default=False, help_text=_("Invented for demonstration; the dashboard says so.")
    )
    _revisions = revisions_relation("plan_indicator")

    panels = [
        FieldRowPanel([FieldPanel("number"), FieldPanel("kind")]),
        FieldPanel("name"),
        FieldPanel("name_en"),
        FieldPanel("unit"),
        FieldRowPanel([FieldPanel("target_value"), FieldPanel("target_year")]),
        FieldRowPanel([FieldPanel("baseline_value"), FieldPanel("baseline_year")]),
        FieldPanel("computed_source"),
        FieldPanel("is_demo"),
        MultiFieldPanel([InlinePanel("values", label=_("Yearly value"))], heading=_("Yearly values")),
    ]

    class Meta(Orderable.Meta):
        ordering = ["sort_order", "number"]
        verbose_name = _("plan indicator")
        verbose_name_plural = _("plan indicators")

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    @property
    def revisions(self):
        return self._revisions

    @property
    def display_name(self) -> str:
        """The name in the visitor's language: English where there is an English name."""
        return self.name_en if translation.get_language() == "en" and self.name_en else self.name

    def name_with_unit(self) -> str:
        return f"{self.name}（{self.unit}）" if self.unit else self.name

    def computed_years(self, today) -> range:
        """The years the registry counts: after the baseline year up to the target year, never
        past the current year (the current year counts up to today)."""
        return range(self.baseline_year + 1, min(self.target_year, today.year) + 1)


class IndicatorValue(models.Model):
    """The figure staff entered for one indicator and one year, and where it comes from."""

    indicator = ParentalKey(PlanIndicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="values")
    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators)
    value = figure_field(_("value"))
    source_note = models.CharField(
        _("source"),
        max_length=250,
        help_text=_("Where the figure comes from, e.g. the statistics bulletin or the office's annual report."),
    )
    is_demo = models.BooleanField(
        _("demo data"), default=False, help_text=_("Invented for demonstration; the dashboard says so.")
    )

    panels = [
        FieldRowPanel([FieldPanel("year"), FieldPanel("value")]),
        FieldPanel("source_note"),
        FieldPanel("is_demo"),
    ]

    class Meta:
        ordering = ["indicator", "year"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year"],
                name="indicator_value_one_per_year",
                violation_error_message=_("This indicator already has a value for that year."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.name} {self.year}: {self.value}"


class DashboardPage(LocalizedPageMixin, RoutablePageMixin, Page):
    """The plan's main indicators at a glance (规划指标): target, latest figure, progress and a
    per-year chart for each, all drawn on the server; ``csv/`` downloads the figures."""

    intro = RichTextField(_("intro"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["website.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("plan indicators dashboard")

    def get_context(self, request, *args, **kwargs):
        from . import services

        context = super().get_context(request, *args, **kwargs)
        summaries = services.dashboard()
        context.update(
            summaries=summaries,
            totals=services.totals(summaries),
            # wagtail.contrib.routable_page is not an installed app, so no {% routablepageurl %}
            csv_url=self.get_url(request) + self.reverse_subpage("csv"),
        )
        return context

    @path("csv/", name="csv")
    def csv_export(self, request):
        from . import services

        response = StreamingHttpResponse(services.csv_lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{services.CSV_FILENAME}"'
        return response
