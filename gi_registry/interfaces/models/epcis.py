import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaptureJob(models.Model):
    """One ``POST /epcis/capture``: the document waits here until the task queue captures it;
    ``GET /epcis/capture/{id}`` reports ``running``, ``success`` or the errors per event."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCESS = "success", _("Success")
        FAILED = "failed", _("Failed")

    class Behaviour(models.TextChoices):
        ROLLBACK = "rollback", _("Roll back all on any error")
        PROCEED = "proceed", _("Keep the good events")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    token = models.ForeignKey(
        "interfaces.ApiToken",
        null=True,
        on_delete=models.SET_NULL,
        related_name="capture_jobs",
        verbose_name=_("API token"),
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.RUNNING)
    behaviour = models.CharField(
        _("error behaviour"), max_length=8, choices=Behaviour.choices, default=Behaviour.ROLLBACK
    )
    document = models.JSONField(_("document"), null=True, blank=True)  # cleared once captured
    event_count = models.PositiveIntegerField(_("events"), default=0)
    captured_count = models.PositiveIntegerField(_("events captured"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)  # [{"index", "type", "title", "detail"}]
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("EPCIS capture job")
        verbose_name_plural = _("EPCIS capture jobs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(self.id)


class EpcisEvent(models.Model):
    """One EPCIS 2.0 event as the query interface serves it, with the columns the standard query
    parameters filter on. ``event_hash`` (the GS1 event hash, ``ni:///sha-256;…?ver=CBV2.0``) is
    the event's identity: capturing the same event again is a duplicate. Every event belongs to a
    batch; ``trace_event`` is the batch's trace event it became (or came from)."""

    event_id = models.CharField(_("event ID"), max_length=200, unique=True)  # as captured, else the hash
    event_hash = models.CharField(_("event hash"), max_length=120, unique=True)
    event_type = models.CharField(_("event type"), max_length=24)
    event_time = models.DateTimeField(_("event time"))
    record_time = models.DateTimeField(_("record time"), auto_now_add=True)
    biz_step = models.CharField(_("business step"), max_length=60, blank=True)  # bare CBV word
    biz_location = models.CharField(_("business location"), max_length=200, blank=True)
    disposition = models.CharField(_("disposition"), max_length=60, blank=True)
    document = models.JSONField(_("event"))  # the event as served (JSON-LD, our context)
    batch = models.ForeignKey(
        "trace.Batch", on_delete=models.CASCADE, related_name="epcis_events", verbose_name=_("batch")
    )
    trace_event = models.OneToOneField(
        "trace.TraceEvent",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="epcis_event",
        verbose_name=_("trace event"),
    )
    capture_job = models.ForeignKey(
        CaptureJob,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        verbose_name=_("capture job"),
    )

    class Meta:
        verbose_name = _("EPCIS event")
        verbose_name_plural = _("EPCIS events")
        ordering = ["event_time", "id"]
        indexes = [
            models.Index(fields=["event_time", "id"], name="epcis_event_time_id"),
            # epcis-query: each EQ_ filter with the result order (event_time, id), so a page is an
            # index walk that stops after perPage rows instead of a sort of every match
            # (bench_epcis_query: EQ_bizStep at 1M events); they replace the one-column indexes.
            models.Index(fields=["biz_step", "event_time", "id"], name="epcis_step_time_id"),
            models.Index(fields=["disposition", "event_time", "id"], name="epcis_disp_time_id"),
            models.Index(fields=["event_type", "event_time", "id"], name="epcis_type_time_id"),
            models.Index(fields=["biz_location", "event_time", "id"], name="epcis_loc_time_id"),
        ]

    def __str__(self) -> str:
        return self.event_id


class EpcisEventEpc(models.Model):
    """One identifier an event names (``MATCH_epc`` on instance-level ``epc``, ``MATCH_anyEPCClass``
    on class-level ``epcClass``), in both the Digital Link and the registry URN spelling."""

    class Level(models.TextChoices):
        INSTANCE = "instance", _("instance")
        CLASS = "class", _("class")

    event = models.ForeignKey(EpcisEvent, on_delete=models.CASCADE, related_name="epcs")
    level = models.CharField(max_length=8, choices=Level.choices)
    value = models.CharField(max_length=200)

    class Meta:
        indexes = [models.Index(fields=["level", "value"], name="epcis_epc_value")]

    def __str__(self) -> str:
        return self.value
