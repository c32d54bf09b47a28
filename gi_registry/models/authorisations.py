"""Authorisations (使用授权): a producer's right to use a GI's name and special mark."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from ..validators import (
    AUTHORISATION_NUMBER_PREFIX,
    format_authorisation_number,
    normalise_authorisation_number,
    parse_authorisation_number,
    validate_authorisation_number,
)
from . import validity
from .base import RegistryRecord, revisions_relation, workflow_states_relation


class AuthorisationQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date | None = None, *, statuses=None) -> AuthorisationQuerySet:
        """Authorisations in force on ``day`` (today, Asia/Shanghai, by default): the registry's one
        rule (``validity.authorisation_valid_conditions``), the same as ``Authorisation.is_valid_on``.

        ``statuses`` widens the authorisation statuses that count (the dashboard counts one that
        has since expired as in force on a past day). Publication (``live``) is not checked here;
        ``gi_registry.services.public_authorisations`` adds it for the public.
        """
        day = day or timezone.localdate()
        return self.filter(validity.as_q(validity.authorisation_valid_conditions(day, statuses=statuses)))


class Authorisation(RegistryRecord):
    """The right of one producer to use one GI, for a period, within a yearly label quota.

    Codes (``gi_registry.trace.issuance``) can only be issued under an authorisation that is valid on the
    day of issue and only up to its yearly quota.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    STATUS_TRANSITIONS = {
        Status.ACTIVE: {Status.SUSPENDED, Status.REVOKED, Status.EXPIRED},
        Status.SUSPENDED: {Status.ACTIVE, Status.REVOKED, Status.EXPIRED},
        Status.REVOKED: set(),
        Status.EXPIRED: set(),
    }

    number = models.CharField(
        _("authorisation number"),
        max_length=40,
        unique=True,
        blank=True,
        help_text=_("LPGI-<year>-<five digits>; left empty, the next number is assigned on save."),
    )
    producer = models.ForeignKey(
        "gi_registry.Producer", verbose_name=_("producer"), on_delete=models.PROTECT, related_name="authorisations"
    )
    geographical_indication = models.ForeignKey(
        "gi_registry.GeographicalIndication",
        verbose_name=_("geographical indication"),
        on_delete=models.PROTECT,
        related_name="authorisations",
    )
    scope = models.TextField(_("scope"), blank=True, help_text=_("Products and packaging the right covers."))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    yearly_quota = models.PositiveIntegerField(
        _("yearly label quota"), default=10000, help_text=_("How many codes may be issued per calendar year.")
    )
    certificate = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("certificate"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    _revisions = revisions_relation("authorisation")
    workflow_states = workflow_states_relation("authorisation")

    objects = AuthorisationQuerySet.as_manager()

    search_fields = [
        index.SearchField("number", boost=2),
        index.AutocompleteField("number"),
        index.SearchField("scope"),
        index.RelatedFields("producer", [index.SearchField("name")]),
        index.FilterField("status"),
        index.FilterField("live"),
    ]

    search_codes = ("number",)
    search_plain = ("scope",)
    admin_search_related = ("producer", "producer__township", "geographical_indication")

    class Meta:
        ordering = ["-valid_from", "number"]
        verbose_name = _("authorisation")
        indexes = [
            models.Index(fields=["geographical_indication", "status", "valid_until"], name="authorisation_gi_validity")
        ]
        verbose_name_plural = _("authorisations")

    def __str__(self) -> str:
        return self.number

    @property
    def revisions(self):
        return self._revisions

    def is_valid_on(self, day: datetime.date | None = None) -> bool:
        """In force on ``day`` (today by default): the same rule as ``Authorisation.objects.valid_on``
        (active, inside its period, its GI registered and inside the GI's validity, its producer
        active), checked on this loaded record and its GI and producer."""
        day = day or timezone.localdate()
        return validity.holds(self, validity.authorisation_valid_conditions(day))

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            errors["valid_until"] = _("The end of the authorisation must come after its start.")
        previous = None
        if not self._state.adding:
            previous = type(self).objects.filter(pk=self.pk).values_list("number", flat=True).first()
        if self.number != previous:  # numbers given before the rule stay as they are
            self.number = normalise_authorisation_number(self.number)
            if self.number:
                try:
                    validate_authorisation_number(self.number)
                except ValidationError as exc:
                    errors["number"] = exc.messages
            elif not self._state.adding:
                errors["number"] = _("An authorisation keeps its number once it has one.")
        gi = self.geographical_indication if self.geographical_indication_id else None
        if gi and self.status == self.Status.ACTIVE:
            if gi.status != gi.Status.REGISTERED:
                errors["geographical_indication"] = _(
                    "Only a registered GI can be authorised; “%(gi)s” is %(status)s."
                ) % {"gi": gi.name, "status": gi.get_status_display()}
            elif gi.valid_until and self.valid_until and self.valid_until > gi.valid_until:
                errors["valid_until"] = _("The authorisation cannot outlast the GI's validity (%(date)s).") % {
                    "date": gi.valid_until.isoformat()
                }
        if self.producer_id and self.status == self.Status.ACTIVE and self.producer.status != "active":
            errors["producer"] = _("Only an active producer can hold an active authorisation.")
        if errors:
            raise ValidationError(errors)
        self.check_status_transition()

    def save(self, *args, **kwargs) -> None:
        """A new authorisation without a number gets the next one of the year (``next_authorisation_number``)."""
        if self.number:
            super().save(*args, **kwargs)
            return
        with transaction.atomic():  # the year's counter stays locked until the record is in
            self.number = next_authorisation_number()
            super().save(*args, **kwargs)


class AuthorisationNumberSequence(models.Model):
    """The last sequence number given in a year (one row per year), locked while a number is given.

    The rule: LPGI-<year>-<sequence>, the year the number is given (Asia/Shanghai), the sequence
    counting from 00001 within that year (``gi_registry.validators``). Two officers saving at once
    are serialised on this row (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN
    IMMEDIATE`` serialises every writer), so they never get the same number; a number someone
    typed by hand is skipped, not given twice (the column is unique as well).
    """

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last = models.PositiveIntegerField(_("last sequence number given"), default=0)

    class Meta:
        verbose_name = _("authorisation number sequence")
        verbose_name_plural = _("authorisation number sequences")

    def __str__(self) -> str:
        return format_authorisation_number(self.year, self.last)


def _highest_sequence_in_use(year: int) -> int:
    numbers = Authorisation.objects.filter(number__startswith=f"{AUTHORISATION_NUMBER_PREFIX}-{year}-")
    sequences = [parsed[1] for n in numbers.values_list("number", flat=True) if (parsed := _loose_parse(n))]
    return max(sequences, default=0)


def _loose_parse(number: str) -> tuple[int, int] | None:
    """(year, sequence) of LPGI-YYYY-N… with any number of digits (numbers given before the rule)."""
    parsed = parse_authorisation_number(number)
    if parsed:
        return parsed
    head, _sep, tail = number.rpartition("-")
    if head.startswith(f"{AUTHORISATION_NUMBER_PREFIX}-") and tail.isdigit() and len(head) == 9:
        return int(head[5:]), int(tail)
    return None


def _first_free(year: int, after: int) -> int:
    sequence = after + 1
    while Authorisation.objects.filter(number=format_authorisation_number(year, sequence)).exists():
        sequence += 1
    return sequence


def next_authorisation_number(day: datetime.date | None = None) -> str:
    """Give the next number of ``day``'s year (today, Asia/Shanghai) and move the year's counter on.

    Call it inside the transaction that saves the record, so that the counter row stays locked
    until the number is stored; a rolled-back transaction gives its number back.
    """
    year = (day or timezone.localdate()).year
    with transaction.atomic():
        counter, _created = AuthorisationNumberSequence.objects.select_for_update().get_or_create(
            year=year, defaults={"last": _highest_sequence_in_use(year)}
        )
        counter.last = _first_free(year, counter.last)
        counter.save(update_fields=["last"])
    return format_authorisation_number(year, counter.last)


def predicted_authorisation_number(day: datetime.date | None = None) -> str:
    """The number a new authorisation saved now would get (shown on the add form; not reserved)."""
    year = (day or timezone.localdate()).year
    counter = AuthorisationNumberSequence.objects.filter(year=year).first()
    last = counter.last if counter else _highest_sequence_in_use(year)
    return format_authorisation_number(year, _first_free(year, last))
