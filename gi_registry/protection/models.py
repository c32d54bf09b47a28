"""Protection: a consumer's report about a box (``Report``), the case enforcement staff handle
(``Case``: one or more reports after duplicates are merged), its internal notes and attachments,
the holiday list the deadlines skip (``Holiday``), and the thresholds that make a genuine code a
suspected copy (``CopyThreshold``).

Personal data (PIPL): a report's phone number and photos are the only personal data kept; the
consumer's address or IP is never stored, not even in the evidence. Both are erased a configurable
time after the case is closed (``PROTECTION_RETENTION_DAYS``). Photos and attachments live in a
private storage (``PROTECTION_PRIVATE_ROOT``), never under MEDIA_URL: they are served only through
permission-checked views.
"""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.core import signing
from django.core.files.storage import FileSystemStorage
from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import LazyObject
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .workdays import ACCEPT_WORKING_DAYS, VERIFY_WORKING_DAYS, Calendar

CASE_NUMBER_PREFIX = "LPWQ"  # 梁平维权
FOLLOW_SALT = "protection.case.follow"


class PrivateStorage(LazyObject):
    """Files no URL serves: report photos and case attachments (``PROTECTION_PRIVATE_ROOT``)."""

    def _setup(self):
        self._wrapped = FileSystemStorage(location=settings.PROTECTION_PRIVATE_ROOT, base_url=None)


private_storage = PrivateStorage()


def _private_storage():
    return private_storage


class Holiday(models.Model):
    """A day the deadlines treat differently from the plain weekday rule: a public holiday on a
    weekday (not a working day), or a weekend day made a working day (调休上班)."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=40, help_text=_("For example 国庆节 or 国庆节调休上班."))
    is_working_day = models.BooleanField(
        _("working day"),
        default=False,
        help_text=_("Tick for a weekend day that is a working day (调休上班); leave empty for a holiday."),
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.name}"


class CaseNumberSequence(models.Model):
    """The last case number given in a year; locked while a number is given (see
    ``gi_registry.models.AuthorisationNumberSequence``, the same rule)."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last = models.PositiveIntegerField(_("last sequence number given"), default=0)

    class Meta:
        verbose_name = _("case number sequence")
        verbose_name_plural = _("case number sequences")

    def __str__(self) -> str:
        return format_case_number(self.year, self.last)


def format_case_number(year: int, sequence: int) -> str:
    return f"{CASE_NUMBER_PREFIX}-{year}-{sequence:05d}"


def next_case_number(day: datetime.date | None = None) -> str:
    """LPWQ-<year>-<sequence>: call inside the transaction that saves the case."""
    year = (day or timezone.localdate()).year
    with transaction.atomic():
        counter, _created = CaseNumberSequence.objects.select_for_update().get_or_create(year=year)
        counter.last += 1
        while Case.objects.filter(number=format_case_number(year, counter.last)).exists():
            counter.last += 1
        counter.save(update_fields=["last"])
    return format_case_number(year, counter.last)


def follow_nonce() -> str:
    return secrets.token_urlsafe(9)


class CaseQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status__in=[Case.Status.REJECTED, Case.Status.CLOSED])

    def in_queue(self):
        """Cases staff work on: not merged into another."""
        return self.filter(merged_into__isnull=True)

    def overdue(self, today: datetime.date | None = None):
        """Open cases past a deadline: not decided by ``accept_due``, or a tip not verified by
        ``verify_due``."""
        today = today or timezone.localdate()
        undecided = models.Q(status=Case.Status.NEW, accept_due__lt=today)
        unverified = models.Q(
            kind=Case.Kind.TIP,
            status__in=[Case.Status.NEW, Case.Status.ACCEPTED, Case.Status.INVESTIGATING],
            verify_due__lt=today,
        )
        return self.in_queue().filter(undecided | unverified)


class Case(models.Model):
    """A case (案件): what enforcement staff decide and handle. Created with the first report about
    a box; duplicates (same code, same shop) are merged into one case, whose reports they become."""

    class Kind(models.TextChoices):
        TIP = "tip", _("Report of a fake (举报)")
        COMPLAINT = "complaint", _("Complaint (投诉)")

    class Status(models.TextChoices):
        # a context of their own: "Closed" and "New" mean other things elsewhere (a producer's 已注销)
        NEW = "new", pgettext_lazy("case status", "New")
        ACCEPTED = "accepted", pgettext_lazy("case status", "Accepted")
        REJECTED = "rejected", pgettext_lazy("case status", "Not accepted")
        INVESTIGATING = "investigating", pgettext_lazy("case status", "Investigating")
        CLOSED = "closed", pgettext_lazy("case status", "Closed")

    class Outcome(models.TextChoices):
        CONFIRMED_FAKE = "confirmed_fake", _("Confirmed fake")
        GENUINE = "genuine", _("Genuine product")
        UNFOUNDED = "unfounded", _("Unfounded")
        TRANSFERRED_12315 = "transferred_12315", _("Transferred to 12315")
        TRANSFERRED_OTHER = "transferred_other", _("Transferred to another authority")

    number = models.CharField(_("case number"), max_length=20, unique=True, editable=False)
    follow_nonce = models.CharField(max_length=16, default=follow_nonce, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TIP)
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.NEW)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    public_outcome = models.TextField(
        _("outcome shown to the consumer"),
        blank=True,
        help_text=_("What the person who reported sees on their follow page. No personal data."),
    )
    rejection_reason = models.TextField(_("reason for not accepting"), blank=True)

    # what the case is about (from its first report; kept when reports are merged in)
    trace_code = models.ForeignKey(
        "trace.TraceCode",
        verbose_name=_("code"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="protection_cases",
    )
    code_text = models.CharField(_("code as printed"), max_length=40, blank=True, db_index=True)
    batch = models.ForeignKey(
        "trace.Batch",
        verbose_name=_("batch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="protection_cases",
    )
    producer = models.ForeignKey(
        "gi_registry.Producer",
        verbose_name=_("producer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="protection_cases",
    )
    product_family = models.ForeignKey(
        "gi_registry.ProductFamily",
        verbose_name=_("product family"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="protection_cases",
    )
    place = models.CharField(_("township or city"), max_length=60, blank=True, db_index=True)
    shop_key = models.CharField(
        _("shop"), max_length=200, blank=True, db_index=True, help_text=_("Shop or online shop, normalised.")
    )

    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="protection_cases",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_cases",
    )
    announcement = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("announcement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    accept_due = models.DateField(_("decide on acceptance by"), null=True, blank=True)
    verify_due = models.DateField(_("verify by"), null=True, blank=True)
    decided_at = models.DateTimeField(_("accepted or refused"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, db_index=True)
    personal_data_erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        permissions = [("handle_case", _("Can handle protection cases"))]

    def __str__(self) -> str:
        return self.number or str(_("new case"))

    def save(self, *args, **kwargs) -> None:
        if self.accept_due is None:
            self.set_deadlines()
        if self.number:
            super().save(*args, **kwargs)
            return
        with transaction.atomic():
            self.number = next_case_number(timezone.localdate(self.received_at))
            super().save(*args, **kwargs)

    def set_deadlines(self, calendar: Calendar | None = None) -> None:
        """Acceptance within 7 working days of receipt; a tip verified within 15 (workdays.py)."""
        calendar = calendar or Calendar.from_database()
        received = timezone.localdate(self.received_at)
        self.accept_due = calendar.add_working_days(received, ACCEPT_WORKING_DAYS)
        self.verify_due = (
            calendar.add_working_days(received, VERIFY_WORKING_DAYS) if self.kind == self.Kind.TIP else None
        )

    @property
    def follow_token(self) -> str:
        """The consumer's private link's token: signed (number and a random nonce), so neither the
        case number nor a guessed id opens a case."""
        return signing.dumps({"n": self.number, "k": self.follow_nonce}, salt=FOLLOW_SALT, compress=True)

    @classmethod
    def from_follow_token(cls, token: str) -> Case | None:
        try:
            data = signing.loads(token, salt=FOLLOW_SALT)
        except signing.BadSignature:
            return None
        if not isinstance(data, dict):
            return None
        case = cls.objects.filter(number=data.get("n")).first()
        if case is None or not secrets.compare_digest(case.follow_nonce, str(data.get("k", ""))):
            return None
        return case

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        if self.merged_into_id or self.status in (self.Status.REJECTED, self.Status.CLOSED):
            return False
        if self.status == self.Status.NEW and self.accept_due and self.accept_due < today:
            return True
        return bool(self.kind == self.Kind.TIP and self.verify_due and self.verify_due < today)


class Report(models.Model):
    """One consumer's report about one box, as sent from a verdict page (no account)."""

    class WhereBought(models.TextChoices):
        SHOP = "shop", _("Shop or supermarket")
        MARKET = "market", _("Market or street stall")
        ONLINE = "online", _("Online shop")
        OTHER = "other", _("Other")

    class Problem(models.TextChoices):
        CODE_FAILS = "code_fails", _("The code does not verify")
        COPIED_CODE = "copied_code", _("The code looks copied (many boxes, one code)")
        FAKE_MARK = "fake_mark", _("The GI mark or brand looks fake")
        WRONG_PRODUCT = "wrong_product", _("The product is not what the label says")
        WRONG_ORIGIN = "wrong_origin", _("Not from Liangping")
        QUALITY = "quality", _("Poor or spoiled quality")
        PACKAGING = "packaging", _("Damaged or re-packed box")
        OTHER = "other", _("Something else")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="reports")
    # the code and what the registry said about it when the report was sent
    code_typed = models.CharField(_("code as typed"), max_length=300, blank=True)
    code_normalised = models.CharField(_("code, normalised"), max_length=40, blank=True)
    verdict = models.CharField(_("verdict"), max_length=10, blank=True)
    trace_code = models.ForeignKey(
        "trace.TraceCode",
        verbose_name=_("code"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="protection_reports",
    )
    # where and when it was bought
    where_bought = models.CharField(_("where bought"), max_length=8, choices=WhereBought.choices)
    shop_name = models.CharField(_("shop or market"), max_length=100, blank=True)
    place = models.CharField(_("township or city"), max_length=60, blank=True)
    online_url = models.URLField(_("online shop link"), max_length=500, blank=True)
    platform = models.CharField(_("platform"), max_length=40, blank=True)
    bought_on = models.DateField(_("bought on"), null=True, blank=True)
    price_paid = models.DecimalField(_("price paid (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True)
    # what is wrong
    problems = models.JSONField(_("what is wrong"), default=list, blank=True)
    description = models.TextField(_("description"), blank=True)
    # contact, only with consent (PIPL)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    contact_consent = models.BooleanField(_("agrees to be contacted"), default=False)
    consent_text = models.TextField(_("consent as shown"), blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    evidence = models.JSONField(_("evidence"), default=dict, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("sent"), default=timezone.now, db_index=True)
    personal_data_erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["submitted_at"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        return f"{self.case} · {timezone.localtime(self.submitted_at):%Y-%m-%d %H:%M}"


def _photo_upload_to(photo: ReportPhoto, filename: str) -> str:
    return f"report-photos/{timezone.now():%Y/%m}/{secrets.token_hex(12)}.jpg"


class ReportPhoto(models.Model):
    """A photo sent with a report: re-encoded as JPEG with no EXIF (GPS included) before storing."""

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("photo"), storage=_private_storage, upload_to=_photo_upload_to)
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)
    size = models.PositiveIntegerField(_("bytes"), default=0)

    class Meta:
        verbose_name = _("report photo")
        verbose_name_plural = _("report photos")

    def __str__(self) -> str:
        return f"{self.report} · {self.width}×{self.height}"


class CaseNote(models.Model):
    """An internal note on a case: staff only, never shown to the consumer or the producer."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")

    def __str__(self) -> str:
        return f"{self.case} · {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"


def _attachment_upload_to(attachment: CaseAttachment, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"case-attachments/{timezone.now():%Y/%m}/{secrets.token_hex(12)}.{suffix[:8]}"


class CaseAttachment(models.Model):
    """A file staff attach to a case (an inspection report, a photo of the seized box)."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("title"), max_length=100)
    file = models.FileField(_("file"), storage=_private_storage, upload_to=_attachment_upload_to)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("case attachment")
        verbose_name_plural = _("case attachments")

    def __str__(self) -> str:
        return f"{self.case} · {self.title}"


class CopyThreshold(models.Model):
    """When a genuine code's scans make it a suspected copy, per product family (none: the default
    row, ``product_family`` empty). A household re-scans a pomelo box; a copied duck code shows up
    in three cities."""

    product_family = models.OneToOneField(
        "gi_registry.ProductFamily",
        verbose_name=_("product family"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="copy_threshold",
        help_text=_("Leave empty for the default that applies to every other family."),
    )
    max_networks = models.PositiveSmallIntegerField(
        _("networks"), default=5, help_text=_("More distinct networks than this make a code a suspected copy.")
    )
    max_places = models.PositiveSmallIntegerField(
        _("places"), default=2, help_text=_("More distinct cities than this make a code a suspected copy.")
    )
    far_apart_hours = models.PositiveSmallIntegerField(
        _("hours between far-apart places"),
        default=6,
        help_text=_("Scans from two different cities within this many hours make a code a suspected copy."),
    )

    class Meta:
        verbose_name = _("copy threshold")
        verbose_name_plural = _("copy thresholds")

    def __str__(self) -> str:
        return str(self.product_family or _("Default"))
