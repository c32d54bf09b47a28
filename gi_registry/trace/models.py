"""Traceability (溯源): batches, their trace events, the printed codes and the scans of those codes.

Batches are operational data kept by producers and officers: plain models, no drafts or
moderation. The rules (validity, quota, signing) live in the other modules of this app.

The tables keep the names they had when these models belonged to the registry app
(``gi_registry_batch`` …): migration ``trace.0001`` moved the models without touching a row.
"""

from __future__ import annotations

import datetime
import hashlib
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gi_registry.models.search_text import AdminSearchable

from .gtin import is_valid_gtin, is_valid_lot, normalise_gtin
from .signals import batch_withdrawn

INSPECTION_KEYS = {"item", "value", "unit", "limit", "pass"}


def validate_gtin(value: str) -> None:
    """GTIN-8/12/13/14 with a correct GS1 check digit (GS1 General Specifications §7.9)."""
    if value and not is_valid_gtin(value):
        raise ValidationError(_("Not a valid GTIN: 8, 12, 13 or 14 digits with a correct check digit."))


def validate_lot_number(value: str) -> None:
    """Up to 20 letters, digits, '.', '-' or '_' (GS1 AI 10), so the lot fits a Digital Link."""
    if not is_valid_lot(value):
        raise ValidationError(
            _("A lot number has 1–20 letters, digits, '.', '-' or '_', starting with a letter or digit.")
        )


def validate_inspection_results(value) -> None:
    """A list of ``{item, value, unit, limit, pass}`` objects, one per tested item."""
    if value in (None, ""):
        return
    if not isinstance(value, list):
        raise ValidationError(_("Inspection results must be a list of items."))
    for row in value:
        if not isinstance(row, dict) or not row.get("item") or not set(row) <= INSPECTION_KEYS:
            raise ValidationError(
                _("Each inspection result has an item and may have value, unit, limit and pass (true/false).")
            )
        if "pass" in row and not isinstance(row["pass"], bool):
            raise ValidationError(_("“pass” must be true or false."))


class Batch(AdminSearchable, models.Model):
    """A lot (批次) of a GI product from one producer under one authorisation to use the GI."""

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("batch status", "Active")
        WITHDRAWN = "withdrawn", pgettext_lazy("batch status", "Withdrawn")
        RECALLED = "recalled", pgettext_lazy("batch status", "Recalled")

    class Unit(models.TextChoices):
        KG = "kg", _("kg")
        TONNE = "t", _("tonnes")
        BOX = "box", _("boxes")
        PIECE = "piece", _("pieces")

    producer = models.ForeignKey(
        "gi_registry.Producer", verbose_name=_("producer"), on_delete=models.PROTECT, related_name="batches"
    )
    authorisation = models.ForeignKey(
        "gi_registry.Authorisation",
        verbose_name=_("authorisation"),
        on_delete=models.PROTECT,
        related_name="batches",
        help_text=_("The producer's authorisation to use the GI; codes are counted against its yearly quota."),
    )
    lot_number = models.CharField(
        _("lot number"), max_length=20, validators=[validate_lot_number], help_text=_("Unique for the producer.")
    )
    product_name = models.CharField(
        _("product name"), max_length=100, blank=True, help_text=_("E.g. “梁平柚 礼盒装”; the GI's name if empty.")
    )
    production_date = models.DateField(_("production or harvest date"))
    plot = models.CharField(_("plot or base"), max_length=150, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices, default=Unit.KG)
    grade = models.CharField(_("grade"), max_length=40, blank=True)
    gtin = models.CharField(
        _("GTIN"),
        max_length=14,
        blank=True,
        db_index=True,
        validators=[validate_gtin],
        help_text=_("The product's GS1 barcode number (8, 12, 13 or 14 digits), if it has one."),
    )
    standard = models.ForeignKey(
        "gi_registry.Standard",
        verbose_name=_("standard tested against"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="batches",
    )
    inspection_results = models.JSONField(
        _("inspection results"),
        default=list,
        blank=True,
        validators=[validate_inspection_results],
        help_text=_(
            'A list like [{"item": "可溶性固形物", "value": 11.2, "unit": "%", "limit": "≥ 10", "pass": true}].'
        ),
    )
    inspection_report = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("inspection report"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("product photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    status_reason = models.CharField(_("reason for withdrawal or recall"), max_length=200, blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    search_names = ("product_name",)
    search_codes = ("lot_number", "gtin")
    search_plain = ("plot", "grade")
    admin_search_related = (
        "producer",
        "producer__township",
        "authorisation",
        "authorisation__geographical_indication",
    )

    class Meta:
        ordering = ["-production_date", "lot_number"]
        db_table = "gi_registry_batch"
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        constraints = [
            models.UniqueConstraint(fields=["producer", "lot_number"], name="gi_registry_batch_lot_per_producer"),
        ]

    def __str__(self) -> str:
        return f"{self.lot_number} · {self.display_name}"

    def save(self, *args, **kwargs):
        # Stored as GTIN-14 (GS1 Digital Link writes GTINs as 14 digits), so lookups are exact.
        if self.gtin:
            self.gtin = normalise_gtin(self.gtin) or self.gtin
        super().save(*args, **kwargs)

    @property
    def geographical_indication(self):
        return self.authorisation.geographical_indication

    @property
    def display_name(self) -> str:
        return self.product_name or self.authorisation.geographical_indication.name

    @property
    def gtin14(self) -> str | None:
        return normalise_gtin(self.gtin) if self.gtin else None

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.gtin:
            self.gtin = self.gtin.strip()
        if self.authorisation_id and self.producer_id and self.authorisation.producer_id != self.producer_id:
            errors["authorisation"] = _("The authorisation must belong to the batch's producer.")
        elif self.authorisation_id and self._state.adding and not self.authorisation.is_valid_on():
            errors["authorisation"] = _("A new batch needs an authorisation that is valid today.")
        if self.pk and self.authorisation_id:
            previous = Batch.objects.filter(pk=self.pk).values_list("authorisation_id", flat=True).first()
            if previous not in (None, self.authorisation_id) and self.codes.exists():
                errors["authorisation"] = _("Codes have been issued for this batch; its authorisation cannot change.")
        if self.quantity is not None and self.quantity < 0:
            errors["quantity"] = _("The quantity cannot be negative.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @transaction.atomic
    def withdraw(self, status: str = Status.WITHDRAWN, reason: str = "") -> int:
        """Withdraw (撤回) or recall (召回) the batch: it and every code of it stop being genuine.

        The codes are turned to "withdrawn" in one UPDATE; returns how many codes changed.
        """
        if status not in (self.Status.WITHDRAWN, self.Status.RECALLED):
            raise ValueError(f"not a withdrawal status: {status!r}")
        now = timezone.now()
        Batch.objects.filter(pk=self.pk).update(
            status=status, status_reason=reason[:200], status_changed_at=now, updated_at=now
        )
        self.status, self.status_reason, self.status_changed_at = status, reason[:200], now
        changed = TraceCode.objects.filter(batch=self, status=TraceCode.Status.ACTIVE).update(
            status=TraceCode.Status.WITHDRAWN, withdrawn_at=now
        )
        batch_withdrawn.send(sender=Batch, batch=self)  # the change feeds record it (interfaces)
        return changed


class TraceEvent(AdminSearchable, models.Model):
    """What happened to a batch, when, where and why: an EPCIS 2.0 ObjectEvent in CBV 2.0 terms.

    CBV has no "harvesting" step: a harvest is ``commissioning`` (the batch comes into being).
    ``event_hash`` is the SHA-256 of the canonical event, so importing the same event twice is a
    no-op (see ``record``).
    """

    class BusinessStep(models.TextChoices):
        COMMISSIONING = "commissioning", _("Harvest / production (commissioning)")
        INSPECTING = "inspecting", _("Inspection (inspecting)")
        SAMPLING = "sampling", _("Sampling (sampling)")
        PACKING = "packing", _("Packing (packing)")
        SHIPPING = "shipping", _("Shipping (shipping)")
        RECEIVING = "receiving", _("Receiving (receiving)")
        STORING = "storing", _("Storage (storing)")

    class Disposition(models.TextChoices):
        NONE = "", _("—")
        ACTIVE = "active", _("active")
        CONFORMANT = "conformant", _("conformant")
        NON_CONFORMANT = "non_conformant", _("non-conformant")
        IN_PROGRESS = "in_progress", _("in progress")
        IN_TRANSIT = "in_transit", _("in transit")
        SELLABLE_ACCESSIBLE = "sellable_accessible", _("sellable, accessible")
        RECALLED = "recalled", _("recalled")

    batch = models.ForeignKey(Batch, verbose_name=_("batch"), on_delete=models.CASCADE, related_name="events")
    business_step = models.CharField(_("business step"), max_length=16, choices=BusinessStep.choices)
    event_time = models.DateTimeField(_("event time"))
    read_point = models.CharField(_("place"), max_length=150, blank=True, help_text=_("Where it happened."))
    disposition = models.CharField(_("disposition"), max_length=24, choices=Disposition.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    event_hash = models.CharField(_("event hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    search_names = ("read_point",)
    search_plain = ("note",)
    admin_search_related = ("batch", "batch__producer")

    class Meta:
        ordering = ["event_time", "pk"]
        db_table = "gi_registry_traceevent"
        verbose_name = _("trace event")
        verbose_name_plural = _("trace events")

    def __str__(self) -> str:
        return f"{self.get_business_step_display()} {self.event_time:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        self.event_hash = self.compute_hash()
        super().save(*args, **kwargs)
        # The trace page caches a batch's details under its ``updated_at``: a new event shows at once.
        Batch.objects.filter(pk=self.batch_id).update(updated_at=timezone.now())

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        Batch.objects.filter(pk=self.batch_id).update(updated_at=timezone.now())
        return result

    def canonical(self) -> dict:
        """The fields that make an event this event, in a form independent of database ids."""
        event_time = self.event_time
        if timezone.is_naive(event_time):
            event_time = timezone.make_aware(event_time)
        return {
            "producer": self.batch.producer.credit_code,
            "lot": self.batch.lot_number,
            "bizStep": self.business_step,
            "eventTime": event_time.astimezone(datetime.UTC).isoformat(timespec="seconds"),
            "readPoint": self.read_point.strip(),
            "disposition": self.disposition,
            "note": self.note.strip(),
        }

    def compute_hash(self) -> str:
        text = json.dumps(self.canonical(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    @classmethod
    def record(cls, batch: Batch, **fields) -> tuple[TraceEvent, bool]:
        """Add an event unless the very same one is already recorded; returns (event, created)."""
        event = cls(batch=batch, **fields)
        event.full_clean(exclude=["event_hash"])
        digest = event.compute_hash()
        existing = cls.objects.filter(event_hash=digest).first()
        if existing is not None:
            return existing, False
        event.save()
        return event, True


class TraceCode(models.Model):
    """One printed code (溯源码), one per unit (box).

    ``serial`` is 64 random bits from ``secrets`` (hex), never sequential; the printed code is the
    serial signed with the key ``key_id`` (see ``gi_registry.trace.signing``).
    """

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("trace code status", "Active")
        WITHDRAWN = "withdrawn", pgettext_lazy("trace code status", "Withdrawn")

    batch = models.ForeignKey(Batch, verbose_name=_("batch"), on_delete=models.PROTECT, related_name="codes")
    serial = models.CharField(_("serial"), max_length=16, unique=True, editable=False)
    key_id = models.CharField(_("signing key id"), max_length=40, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    issued_at = models.DateTimeField(_("issued"), default=timezone.now, db_index=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    # Kept by the scan log (``gi_registry.trace.scans.ScanLog.write``) with the counted scans it
    # writes, so the trace page reads them with the code instead of aggregating a scan log that a
    # copied label can make long.
    scan_count = models.PositiveIntegerField(_("scans"), default=0, editable=False)
    origin_count = models.PositiveIntegerField(_("distinct origins"), default=0, editable=False)
    first_scanned_at = models.DateTimeField(_("first scan"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["batch", "issued_at", "pk"]
        db_table = "gi_registry_tracecode"
        verbose_name = _("trace code")
        verbose_name_plural = _("trace codes")
        indexes = [models.Index(fields=["batch", "status"], name="gi_registry_code_batch_status")]

    def __str__(self) -> str:
        return self.printed_code or self.serial

    @property
    def printed_code(self) -> str | None:
        """The code as printed, or None if its key is no longer configured."""
        from ..trace.signing import sign

        return sign(bytes.fromhex(self.serial), self.key_id)


class Scan(models.Model):
    """One resolution of a code (扫码记录): when, a coarse hashed origin, and the kind of client.

    The origin is a keyed hash of the /24 (IPv4) or /48 (IPv6) network, the place a city name
    from an offline database (``places``); never the address.
    Crawlers, link previews and HEAD requests are logged with ``counted=False``.
    """

    class Client(models.TextChoices):
        WECHAT = "wechat", _("WeChat")
        ALIPAY = "alipay", _("Alipay")
        BROWSER = "browser", _("Browser")
        CRAWLER = "crawler", _("Crawler or link preview")
        OTHER = "other", _("Other")

    # no index of its own: the (code, origin) index below serves every lookup by code
    code = models.ForeignKey(
        TraceCode, verbose_name=_("code"), on_delete=models.CASCADE, related_name="scans", db_index=False
    )
    scanned_at = models.DateTimeField(_("scanned"), default=timezone.now, db_index=True)
    origin = models.CharField(_("coarse origin"), max_length=16, blank=True)
    client = models.CharField(_("client"), max_length=10, choices=Client.choices, default=Client.OTHER)
    counted = models.BooleanField(_("counted"), default=True)
    # the city (at most) of the client's address from the offline database (trace/places.py);
    # the address itself is never stored
    place = models.CharField(_("coarse place"), max_length=40, blank=True)

    class Meta:
        ordering = ["-scanned_at"]
        db_table = "gi_registry_scan"
        verbose_name = _("scan")
        verbose_name_plural = _("scans")
        indexes = [models.Index(fields=["code", "origin"], name="gi_registry_scan_code_origin")]

    def __str__(self) -> str:
        return f"{self.code_id} @ {self.scanned_at:%Y-%m-%d %H:%M}"


class ScanJournalSegment(models.Model):
    """A scan-journal file whose scans are in the database (扫码日志段): written in the same
    transaction as its scans, so a journal left behind by a crash between that commit and the
    file's removal is not replayed a second time (``gi_registry.trace.scans``)."""

    name = models.CharField(_("journal file"), max_length=120, unique=True)
    written_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        db_table = "gi_registry_scanjournalsegment"
        verbose_name = _("scan journal segment")
        verbose_name_plural = _("scan journal segments")

    def __str__(self) -> str:
        return self.name


def _label_job_upload_to(job: LabelJob, filename: str) -> str:
    # An unguessable folder: the file holds unprinted codes and is served only through the admin.
    return f"label-jobs/{job.token}/{filename}"


class LabelJob(models.Model):
    """A label sheet (PDF) or print-shop ZIP built off the request (标签生成任务).

    Above ``LABEL_SYNC_MAX_CODES`` codes the admin's download creates a job and a background task
    (``gi_registry.trace.label_jobs``) renders the file to storage; the same request for the same
    codes (``digest``) returns the pending or finished job instead of rendering again.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Rendering")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    class Format(models.TextChoices):
        PDF = "pdf", _("PDF label sheets")
        ZIP = "zip", _("ZIP for a print shop")

    token = models.UUIDField(_("token"), unique=True, editable=False)
    batch = models.ForeignKey(Batch, verbose_name=_("batch"), on_delete=models.CASCADE, related_name="label_jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    fmt = models.CharField(_("format"), max_length=3, choices=Format.choices)
    layout = models.CharField(_("layout"), max_length=10, blank=True)
    ec = models.CharField(_("error correction"), max_length=1, default="M")
    run = models.CharField(_("issuance"), max_length=40, blank=True)
    code_count = models.PositiveIntegerField(_("codes"), default=0)
    digest = models.CharField(_("request digest"), max_length=64, db_index=True, editable=False)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveIntegerField(_("codes done"), default=0)
    file = models.FileField(_("file"), upload_to=_label_job_upload_to, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        db_table = "gi_registry_labeljob"
        verbose_name = _("label job")
        verbose_name_plural = _("label jobs")

    def __str__(self) -> str:
        return f"{self.batch.lot_number} {self.fmt} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


#: The producer's commitment printed on every certificate (农业农村部令2025年第4号, 第十条 as read in
#: secondary sources): the four promises, word for word.
CERTIFICATE_COMMITMENT = (
    "不使用禁限用农药兽药、不使用非法添加物、遵守农药安全间隔期和兽药休药期规定、"
    "销售的食用农产品符合农药兽药残留食品安全国家强制性标准"
)
#: How long a certificate is kept unchanged (the rule: records kept at least six months).
CERTIFICATE_RETENTION_MONTHS = 6


def add_months(moment: datetime.datetime, months: int) -> datetime.datetime:
    """``moment`` ``months`` calendar months later (31 August + 6 months = 28/29 February)."""
    import calendar

    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def certificate_token() -> str:
    """32 hex digits from ``secrets``: the certificate's public address, unguessable. Upper-cased in
    the printed QR symbol (alphanumeric mode), matched without regard to case."""
    import secrets

    return secrets.token_hex(16)


def validate_certificate_basis(value) -> None:
    choices = {key for key, _label in ComplianceCertificate.Basis.choices}
    if not isinstance(value, list) or not value or not set(value) <= choices:
        raise ValidationError(_("Choose at least one basis for the commitment."))


class CertificateRetained(ValidationError):
    """A certificate inside its six-month retention was to be changed or deleted."""


class ComplianceCertificateQuerySet(models.QuerySet):
    def current(self):
        return self.filter(superseded_by__isnull=True)

    def delete(self):
        cutoff = add_months(timezone.now(), -CERTIFICATE_RETENTION_MONTHS)
        if self.filter(issued_at__gt=cutoff).exists():
            raise CertificateRetained(
                _("A compliance certificate is kept for six months and cannot be deleted before then.")
            )
        return super().delete()

    def update(self, **kwargs):
        if set(kwargs) - ComplianceCertificate.SUPERSEDE_FIELDS:
            raise CertificateRetained(_("A compliance certificate cannot be changed; issue a new one to supersede it."))
        return super().update(**kwargs)


class ComplianceCertificate(models.Model):
    """A compliance certificate (承诺达标合格证) for a batch, as issued: never changed afterwards.

    Kept at least ``CERTIFICATE_RETENTION_MONTHS`` months: before then it cannot be deleted (model,
    queryset and admin refuse), and it is never edited; a correction is a new certificate that
    supersedes it (``superseded_by`` on the old one). Issue and supersede through
    ``gi_registry.trace.certificates``, which also writes the admin history.
    """

    class Basis(models.TextChoices):
        COMMISSIONED_TEST = "commissioned_test", _("Commissioned test (委托检测)")
        SELF_TEST = "self_test", _("Own test (自我检测)")
        QUALITY_CONTROL = "quality_control", _("Internal quality control (内部质量控制)")
        SELF_COMMITMENT = "self_commitment", _("Own commitment (自我承诺)")

    #: the only fields written after issue: the link to the certificate that replaced it
    SUPERSEDE_FIELDS = frozenset({"superseded_by", "superseded_at", "superseded_by_id"})

    batch = models.ForeignKey(Batch, verbose_name=_("batch"), on_delete=models.PROTECT, related_name="certificates")
    token = models.CharField(_("public token"), max_length=32, unique=True, default=certificate_token, editable=False)
    product_name = models.CharField(_("product name"), max_length=100)
    quantity = models.DecimalField(_("quantity or weight"), max_digits=12, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=8, choices=Batch.Unit.choices, default=Batch.Unit.KG)
    producer_name = models.CharField(_("producer"), max_length=150)
    producer_contact = models.CharField(_("contact"), max_length=60)
    origin = models.CharField(_("origin"), max_length=150)
    issue_date = models.DateField(_("issue date"))
    commitment = models.TextField(_("commitment"), default=CERTIFICATE_COMMITMENT, editable=False)
    basis = models.JSONField(_("basis of the commitment"), validators=[validate_certificate_basis])
    signatory = models.CharField(
        _("signed by"), max_length=50, help_text=_("The person who signs the certificate for the producer.")
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued"), default=timezone.now, editable=False)
    superseded_by = models.OneToOneField(
        "self",
        verbose_name=_("superseded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supersedes",
        editable=False,
    )
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True, editable=False)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = ComplianceCertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("compliance certificate")
        verbose_name_plural = _("compliance certificates")
        indexes = [models.Index(fields=["batch", "superseded_by"], name="trace_cert_batch_current")]

    def __str__(self) -> str:
        return f"{self.product_name} · {self.issue_date:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            fields = kwargs.get("update_fields")
            if fields is None or set(fields) - self.SUPERSEDE_FIELDS:
                raise CertificateRetained(
                    _("A compliance certificate cannot be changed; issue a new one to supersede it.")
                )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_retained:
            raise CertificateRetained(
                _("A compliance certificate is kept for six months and cannot be deleted before then.")
            )
        return super().delete(*args, **kwargs)

    @property
    def retained_until(self) -> datetime.datetime:
        return add_months(self.issued_at, CERTIFICATE_RETENTION_MONTHS)

    @property
    def is_retained(self) -> bool:
        return timezone.now() < self.retained_until

    @property
    def is_current(self) -> bool:
        return self.superseded_by_id is None

    def basis_labels(self) -> list[str]:
        labels = dict(self.Basis.choices)
        return [str(labels[key]) for key in self.basis if key in labels]

    def clean(self) -> None:
        super().clean()
        if self.quantity is not None and self.quantity <= 0:
            raise ValidationError({"quantity": _("The quantity must be more than zero.")})
        if self.issue_date and self.issue_date > timezone.localdate():
            raise ValidationError({"issue_date": _("The issue date cannot be in the future.")})


class UsageReport(models.Model):
    """A producer's yearly report on its use of the GI special mark (地理标志专用标志使用情况), one per
    authorisation and year.

    The producer fills it in (quantity sold under the GI, regions, labels used — prefilled from the
    codes issued that year, see ``gi_registry.trace.usage``) and submits it; a registry officer
    accepts it or returns it with a reason, and the producer corrects and submits again. The rules
    (when it is due, overdue, dormant authorisations) are in ``gi_registry.trace.usage``.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("usage report status", "Draft")
        SUBMITTED = "submitted", pgettext_lazy("usage report status", "Submitted")
        ACCEPTED = "accepted", pgettext_lazy("usage report status", "Accepted")
        RETURNED = "returned", pgettext_lazy("usage report status", "Returned")

    #: the states in which the producer may still change and submit the report
    EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})

    authorisation = models.ForeignKey(
        "gi_registry.Authorisation",
        verbose_name=_("authorisation"),
        on_delete=models.PROTECT,
        related_name="usage_reports",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quantity_sold = models.DecimalField(
        _("quantity sold under the GI"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    unit = models.CharField(_("unit"), max_length=8, choices=Batch.Unit.choices, default=Batch.Unit.KG)
    sales_regions = models.TextField(
        _("sales regions"), blank=True, help_text=_("Where the products were sold, e.g. 重庆市、成都市、上海市.")
    )
    labels_used = models.PositiveIntegerField(
        _("labels used"), null=True, blank=True, help_text=_("Prefilled with the codes issued that year.")
    )
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    return_reason = models.TextField(_("reason for returning"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["-year", "authorisation"]
        verbose_name = _("usage report")
        verbose_name_plural = _("usage reports")
        constraints = [
            models.UniqueConstraint(fields=["authorisation", "year"], name="trace_usage_report_one_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.authorisation.number} · {self.year}"

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.quantity_sold is not None and self.quantity_sold < 0:
            errors["quantity_sold"] = _("The quantity cannot be negative.")
        if self.year and self.year > timezone.localdate().year:
            errors["year"] = _("A usage report is for a past or the current year.")
        if errors:
            raise ValidationError(errors)


class RenewalReminder(models.Model):
    """A renewal reminder e-mailed for an authorisation: one per authorisation, threshold (90 or
    30 days before expiry) and expiry date, so a daily ``send_renewal_reminders`` sends each once
    (a renewed authorisation, with a new expiry date, is reminded again)."""

    authorisation = models.ForeignKey(
        "gi_registry.Authorisation",
        verbose_name=_("authorisation"),
        on_delete=models.CASCADE,
        related_name="renewal_reminders",
    )
    days_before = models.PositiveSmallIntegerField(_("days before expiry"))
    valid_until = models.DateField(_("valid until"))
    recipients = models.TextField(_("sent to"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("renewal reminder")
        verbose_name_plural = _("renewal reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["authorisation", "days_before", "valid_until"], name="trace_one_reminder_per_threshold"
            )
        ]

    def __str__(self) -> str:
        return f"{self.authorisation_id} −{self.days_before}d"
