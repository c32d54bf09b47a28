"""Recording the registry's public changes (``RegistryChange``) for the change feeds and webhooks.

What is recorded, and when (never a draft: only what a publish or a public action made visible):

- GIs (snippets with drafts and moderation): on Wagtail's ``published``, compared with the GI's
  previous *live* state (its live revision, read just before the publish saves the row):
  becoming registered = ``gi.registered``; becoming suspended = ``gi.suspended``; any other
  published change of a GI that was public as registered or suspended (its public fields differ)
  = ``gi.changed``. Unpublishing a registered GI (it leaves the public register) = ``gi.changed``
  with ``"published": false``.
- Authorisations: ``authorisation.granted`` when a publish makes one active, live and not past its
  end (its producer and GI public) that was not so before; ``authorisation.revoked`` when a publish
  revokes a public one; ``authorisation.expired`` by date, from the daily
  ``record_expired_authorisations`` (an active authorisation past its ``valid_until``), or when a
  publish sets it to expired.
- Standards: ``standard.issued`` when a publish makes one public and current;
  ``standard.superseded`` when a publish makes a public one superseded.
- Batches (no drafts): ``batch.withdrawn`` / ``batch.recalled`` from ``Batch.withdraw`` (the
  ``gi_registry.trace.signals.batch_withdrawn`` signal; traceability never imports this app).

Each change is stored once: ``dedupe_key`` names the happening (the published revision, the batch,
the authorisation and the end date it expired on), so a signal sent twice or a command run twice
records nothing more. ``change_recorded`` is sent after the transaction commits
(``transaction.on_commit``), never for a rolled-back one.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models.signals import pre_save
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task
from wagtail.signals import published, unpublished

from core import daily
from gi_registry.models import Authorisation, GeographicalIndication, Standard
from gi_registry.trace.models import Batch
from gi_registry.trace.signals import batch_withdrawn

from .models import RegistryChange
from .signals import change_recorded

logger = logging.getLogger(__name__)

Kind = RegistryChange.Kind

#: the fields of each record that its public page shows (what "changed" compares and payloads carry)
GI_PUBLIC_FIELDS = (
    "name",
    "name_en",
    "slug",
    "kind",
    "status",
    "registration_number",
    "authority",
    "holder",
    "product_family_id",
    "registration_date",
    "protected_area",
    "specification_number",
    "nice_class",
    "goods",
    "valid_from",
    "valid_until",
    "summary",
)
AUTHORISATION_PUBLIC_FIELDS = ("number", "status", "valid_from", "valid_until", "scope", "producer_id")
STANDARD_PUBLIC_FIELDS = (
    "code",
    "title",
    "title_en",
    "level",
    "status",
    "issuing_body",
    "issued_on",
    "implemented_on",
    "replaced_by_id",
    "scope",
)
TRACKED = {
    GeographicalIndication: GI_PUBLIC_FIELDS,
    Authorisation: AUTHORISATION_PUBLIC_FIELDS,
    Standard: STANDARD_PUBLIC_FIELDS,
}


def _plain(value):
    """A field value as JSON (dates as ISO strings)."""
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return value


def _snapshot(obj, fields) -> dict:
    return {name: _plain(getattr(obj, name)) for name in fields}


# -- storing a change ---------------------------------------------------------------------------


def record(
    kind: str,
    subject,
    *,
    dedupe_key: str,
    title: str,
    title_en: str,
    url: str,
    payload: dict,
    geographical_indication=None,
    product_family=None,
    occurred_at: datetime.datetime | None = None,
) -> RegistryChange | None:
    """Store one change unless its ``dedupe_key`` is already stored; returns the new change or None.

    ``change_recorded`` goes out once the surrounding transaction commits (at once outside one);
    a rolled-back transaction takes the change and the signal with it."""
    change = RegistryChange(
        kind=kind,
        occurred_at=occurred_at or timezone.now(),
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        title=title[:300],
        title_en=title_en[:300],
        url=url,
        geographical_indication=geographical_indication,
        product_family=product_family or getattr(geographical_indication, "product_family", None),
        payload={**payload, "demo": bool(getattr(subject, "is_demo", False))},
        dedupe_key=dedupe_key,
    )
    try:
        # a savepoint, so that a duplicate leaves the caller's transaction usable
        with transaction.atomic():
            change.save(force_insert=True)
    except IntegrityError:  # already recorded (by this happening's earlier signal, or another process)
        return None
    transaction.on_commit(lambda: change_recorded.send(sender=RegistryChange, change=change))
    return change


def _titles(message: str, zh: dict, en: dict) -> tuple[str, str]:
    """``message`` (an English msgid with %(name)s placeholders) in Chinese and in English."""
    with translation.override("zh-hans"):
        title = _(message) % zh
    with translation.override("en"):
        title_en = _(message) % en
    return title, title_en


# -- GIs ----------------------------------------------------------------------------------------

GI_MESSAGES = {
    Kind.GI_REGISTERED: "GI registered: %(name)s",
    Kind.GI_SUSPENDED: "GI suspended: %(name)s",
    Kind.GI_CHANGED: "GI changed: %(name)s",
}


def gi_payload(gi: GeographicalIndication) -> dict:
    return {
        "name": gi.name,
        "name_en": gi.name_en,
        "slug": gi.slug,
        "kind": gi.kind,
        "status": gi.status,
        "registration_number": gi.registration_number,
        "registration_date": _plain(gi.registration_date),
        "authority": gi.authority,
        "holder": gi.holder,
        "product_family": gi.product_family.slug,
        "valid_from": _plain(gi.valid_from),
        "valid_until": _plain(gi.valid_until),
    }


def gi_change_kind(previous: dict | None, gi: GeographicalIndication) -> str | None:
    """The kind of change a publish of ``gi`` makes, given its previous live state (None: it was
    not public), or None when the public sees nothing worth a change."""
    Status = GeographicalIndication.Status
    before = (previous or {}).get("status")
    if gi.status == Status.REGISTERED and before != Status.REGISTERED:
        return Kind.GI_REGISTERED
    if gi.status == Status.SUSPENDED and before != Status.SUSPENDED:
        return Kind.GI_SUSPENDED
    if before in (Status.REGISTERED, Status.SUSPENDED) and previous != _snapshot(gi, GI_PUBLIC_FIELDS):
        return Kind.GI_CHANGED
    return None


def record_gi_change(kind: str, gi: GeographicalIndication, key: str, extra: dict | None = None):
    title, title_en = _titles(GI_MESSAGES[kind], {"name": gi.name}, {"name": gi.name_en or gi.name})
    return record(
        kind,
        gi,
        dedupe_key=f"{kind}:{gi.pk}:{key}",
        title=title,
        title_en=title_en,
        url=gi.get_absolute_url(),
        payload={**gi_payload(gi), **(extra or {})},
        geographical_indication=gi,
        product_family=gi.product_family,
    )


def _gi_published(gi: GeographicalIndication, previous: dict | None, revision) -> None:
    kind = gi_change_kind(previous, gi)
    if kind is None:
        return
    extra = {}
    if kind == Kind.GI_CHANGED:
        current = _snapshot(gi, GI_PUBLIC_FIELDS)
        extra["changed"] = sorted(k.removesuffix("_id") for k, v in current.items() if previous.get(k) != v)
    record_gi_change(kind, gi, f"r{revision.pk}" if revision else timezone.now().isoformat(), extra)


# -- authorisations -----------------------------------------------------------------------------

AUTHORISATION_MESSAGES = {
    Kind.AUTHORISATION_GRANTED: "Authorisation granted: %(producer)s may use %(gi)s (%(number)s)",
    Kind.AUTHORISATION_REVOKED: "Authorisation revoked: %(producer)s, %(gi)s (%(number)s)",
    Kind.AUTHORISATION_EXPIRED: "Authorisation expired: %(producer)s, %(gi)s (%(number)s)",
}


def _granted(state: dict | None, today: datetime.date) -> bool:
    """Whether an authorisation in this state is public as granted: active, not past its end."""
    if not state:
        return False
    until = state.get("valid_until")
    return state.get("status") == Authorisation.Status.ACTIVE and bool(until) and until >= today.isoformat()


def record_authorisation_change(kind: str, auth: Authorisation, key: str, occurred_at=None):
    gi, producer = auth.geographical_indication, auth.producer
    zh = {"producer": producer.name, "gi": gi.name, "number": auth.number}
    en = {"producer": producer.name, "gi": gi.name_en or gi.name, "number": auth.number}
    title, title_en = _titles(AUTHORISATION_MESSAGES[kind], zh, en)
    return record(
        kind,
        auth,
        dedupe_key=f"{kind}:{auth.pk}:{key}",
        title=title,
        title_en=title_en,
        url=producer.get_absolute_url(),
        payload={
            "number": auth.number,
            "status": auth.status,
            "valid_from": _plain(auth.valid_from),
            "valid_until": _plain(auth.valid_until),
            "producer": {"name": producer.name, "credit_code": producer.credit_code},
            "geographical_indication": {"name": gi.name, "slug": gi.slug},
        },
        geographical_indication=gi,
        product_family=gi.product_family,
        occurred_at=occurred_at,
    )


def _authorisation_published(auth: Authorisation, previous: dict | None, revision) -> None:
    if not (auth.producer.live and auth.geographical_indication.live):
        return  # not on the public register (services.public_authorisations)
    today = timezone.localdate()
    Status = Authorisation.Status
    current = _snapshot(auth, AUTHORISATION_PUBLIC_FIELDS)
    key = f"r{revision.pk}" if revision else timezone.now().isoformat()
    if _granted(current, today) and not _granted(previous, today):
        record_authorisation_change(Kind.AUTHORISATION_GRANTED, auth, key)
    elif previous and previous.get("status") != auth.status:
        if auth.status == Status.REVOKED:
            record_authorisation_change(Kind.AUTHORISATION_REVOKED, auth, key)
        elif auth.status == Status.EXPIRED:
            # the same key as the daily expiry: expired once per end date, however it was noticed
            record_authorisation_change(Kind.AUTHORISATION_EXPIRED, auth, auth.valid_until.isoformat())


@dataclass
class ExpirySummary:
    recorded: int = 0
    already: int = 0


def expired_candidates(today: datetime.date):
    """Public authorisations still marked active whose period ended before ``today``."""
    return (
        Authorisation.objects.filter(
            live=True,
            producer__live=True,
            geographical_indication__live=True,
            status=Authorisation.Status.ACTIVE,
            valid_until__lt=today,
        )
        .select_related("producer", "geographical_indication__product_family")
        .order_by("valid_until", "pk")
    )


def record_expired_authorisations(
    today: datetime.date | None = None, progress: Callable[[int, int], None] | None = None
) -> ExpirySummary:
    """Record ``authorisation.expired`` for every public active authorisation whose period ended
    before ``today`` (Asia/Shanghai), once per authorisation and end date: a second run records
    nothing; a renewed one (new end date) that lapses again is recorded again."""
    today = today or timezone.localdate()
    summary = ExpirySummary()
    authorisations = list(expired_candidates(today))
    keys = {f"{Kind.AUTHORISATION_EXPIRED}:{a.pk}:{a.valid_until.isoformat()}" for a in authorisations}
    recorded = set(RegistryChange.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True))
    for done, auth in enumerate(authorisations, 1):
        key = auth.valid_until.isoformat()
        # it expired at the end of its last day (Beijing time)
        ended = timezone.make_aware(
            datetime.datetime.combine(auth.valid_until + datetime.timedelta(days=1), datetime.time())
        )
        if f"{Kind.AUTHORISATION_EXPIRED}:{auth.pk}:{key}" not in recorded and record_authorisation_change(
            Kind.AUTHORISATION_EXPIRED, auth, key, occurred_at=ended
        ):
            summary.recorded += 1
        else:
            summary.already += 1
        if progress:
            progress(done, len(authorisations))
    return summary


#: when the daily background run records the day's expiries (Asia/Shanghai), just after midnight
DAILY_AT = datetime.time(0, 10)


def next_daily_run(now: datetime.datetime | None = None) -> datetime.datetime:
    return daily.next_run(DAILY_AT, now)


def waiting_daily_run():
    """The run of ``record_expired_task`` already waiting in the database queue, or None."""
    return daily.waiting_run(record_expired_task)


def schedule_daily_run(run_after: datetime.datetime | None = None, *, now: bool = False):
    """Queue a run of ``record_expired_task`` (``core.daily.schedule``) unless one is waiting."""
    return daily.schedule(record_expired_task, DAILY_AT, run_after, now=now)


@task(backend="background")
def record_expired_task() -> dict:
    """Record today's expiries, then queue tomorrow's run (even when this one failed)."""
    try:
        summary = record_expired_authorisations()
    finally:
        schedule_daily_run()
    return {"recorded": summary.recorded, "already": summary.already}


# -- standards ----------------------------------------------------------------------------------

STANDARD_MESSAGES = {
    Kind.STANDARD_ISSUED: "Standard issued: %(code)s %(title)s",
    Kind.STANDARD_SUPERSEDED: "Standard superseded: %(code)s %(title)s",
}


def _standard_published(standard: Standard, previous: dict | None, revision) -> None:
    Status = Standard.Status
    before = (previous or {}).get("status")
    if standard.status == Status.CURRENT and before != Status.CURRENT:
        kind = Kind.STANDARD_ISSUED
    elif standard.status == Status.SUPERSEDED and before != Status.SUPERSEDED:
        kind = Kind.STANDARD_SUPERSEDED
    else:
        return
    gis = sorted(standard.geographical_indications.all(), key=lambda g: g.pk)
    families = sorted(standard.product_families.all(), key=lambda f: f.pk)
    gi = gis[0] if gis else None
    family = families[0] if families else (gi.product_family if gi else None)
    title, title_en = _titles(
        STANDARD_MESSAGES[kind],
        {"code": standard.code, "title": standard.title},
        {"code": standard.code, "title": standard.title_en or standard.title},
    )
    replaced_by = standard.replaced_by
    record(
        kind,
        standard,
        dedupe_key=f"{kind}:{standard.pk}:r{revision.pk}" if revision else f"{kind}:{standard.pk}",
        title=title,
        title_en=title_en,
        url=standard.get_absolute_url(),
        payload={
            "code": standard.code,
            "title": standard.title,
            "title_en": standard.title_en,
            "level": standard.level,
            "status": standard.status,
            "issuing_body": standard.issuing_body,
            "issued_on": _plain(standard.issued_on),
            "implemented_on": _plain(standard.implemented_on),
            "replaced_by": replaced_by.code if replaced_by and replaced_by.live else None,
            "geographical_indications": [g.slug for g in gis if g.live],
            "product_families": [f.slug for f in families],
        },
        geographical_indication=gi if gi and gi.live else None,
        product_family=family,
    )


# -- batches ------------------------------------------------------------------------------------

BATCH_MESSAGES = {
    Kind.BATCH_WITHDRAWN: "Batch withdrawn: %(product)s, lot %(lot)s (%(producer)s)",
    Kind.BATCH_RECALLED: "Batch recalled: %(product)s, lot %(lot)s (%(producer)s)",
}


def record_batch_withdrawal(batch: Batch) -> RegistryChange | None:
    kind = Kind.BATCH_RECALLED if batch.status == Batch.Status.RECALLED else Kind.BATCH_WITHDRAWN
    gi, producer = batch.authorisation.geographical_indication, batch.producer
    title, title_en = _titles(
        BATCH_MESSAGES[kind],
        {"product": batch.display_name, "lot": batch.lot_number, "producer": producer.name},
        {"product": batch.product_name or gi.name_en or gi.name, "lot": batch.lot_number, "producer": producer.name},
    )
    url = producer.get_absolute_url() if producer.live else (gi.get_absolute_url() if gi.live else "")
    return record(
        kind,
        batch,
        dedupe_key=f"batch.withdrawal:{batch.pk}",  # withdrawn or recalled, once: it cannot come back
        title=title,
        title_en=title_en,
        url=url,
        payload={
            "lot_number": batch.lot_number,
            "product": batch.display_name,
            "gtin": batch.gtin,
            "status": batch.status,
            "reason": batch.status_reason,
            "producer": {"name": producer.name, "credit_code": producer.credit_code},
            "geographical_indication": {"name": gi.name, "slug": gi.slug},
        },
        geographical_indication=gi if gi.live else None,
        product_family=gi.product_family,
        occurred_at=batch.status_changed_at,
    )


# -- wiring -------------------------------------------------------------------------------------


def remember_live_state(sender, instance, update_fields=None, raw=False, **kwargs) -> None:
    """Before a publish saves a record's row, keep its previous *live* state on the instance (from
    its live revision: what the public saw), for ``on_published`` to compare with."""
    if raw or update_fields is not None or not instance.pk or not instance.live:
        return  # publishing saves the whole row with live=True; other saves are not publishes
    fields = TRACKED[sender]
    row = sender.objects.filter(pk=instance.pk).values("live", "live_revision_id").first()
    previous = None
    if row and row["live"]:
        obj = None
        if row["live_revision_id"]:
            from wagtail.models import Revision

            revision = Revision.objects.filter(pk=row["live_revision_id"]).first()
            obj = revision.as_object() if revision else None
        obj = obj or sender.objects.get(pk=instance.pk)
        previous = _snapshot(obj, fields)
    instance._registry_previous_live = previous


def on_published(sender, instance, revision=None, **kwargs) -> None:
    if not instance.live:
        return  # scheduled for later (go_live_at): recorded when it goes live
    previous = getattr(instance, "_registry_previous_live", None)
    instance._registry_previous_live = _snapshot(instance, TRACKED[sender])
    handler = {
        GeographicalIndication: _gi_published,
        Authorisation: _authorisation_published,
        Standard: _standard_published,
    }[sender]
    handler(instance, previous, revision)


def on_unpublished(sender, instance, **kwargs) -> None:
    """A registered (or suspended) GI taken off the public site: its feed says so."""
    if sender is GeographicalIndication and instance.status in (
        GeographicalIndication.Status.REGISTERED,
        GeographicalIndication.Status.SUSPENDED,
    ):
        record_gi_change(
            Kind.GI_CHANGED, instance, f"unpublished:{_plain(instance.last_published_at)}", {"published": False}
        )


def on_batch_withdrawn(sender, batch, **kwargs) -> None:
    record_batch_withdrawal(batch)


def connect() -> None:
    """Wire the recording to the registry's signals (``InterfacesConfig.ready``)."""
    for model in TRACKED:
        label = model._meta.label_lower
        pre_save.connect(remember_live_state, sender=model, dispatch_uid=f"registry-change-live-{label}")
        published.connect(on_published, sender=model, dispatch_uid=f"registry-change-published-{label}")
    unpublished.connect(on_unpublished, sender=GeographicalIndication, dispatch_uid="registry-change-unpublished-gi")
    batch_withdrawn.connect(on_batch_withdrawn, sender=Batch, dispatch_uid="registry-change-batch-withdrawn")


# -- the state before the recording began ---------------------------------------------------------


def record_current_state(*, demo_only: bool = False) -> list[tuple[str, bool]]:
    """Record, once, the public state of records that have no change of that kind yet: registered
    and suspended GIs, authorisations in force, current and superseded standards, withdrawn and
    recalled batches, and expiries (for a registry, or demo data, published before changes were
    recorded). Returns ``(dedupe key, created)`` for each. ``occurred_at`` is when the record was
    last published (a batch: when it was withdrawn)."""
    done: list[tuple[str, bool]] = []

    def has(kind, obj) -> bool:
        return RegistryChange.objects.filter(
            kind=kind, subject_type=obj._meta.label_lower, subject_id=str(obj.pk)
        ).exists()

    def note(key, change):
        done.append((key, change is not None))

    demo = {"is_demo": True} if demo_only else {}
    gis = GeographicalIndication.objects.filter(live=True, **demo).select_related("product_family").order_by("pk")
    for gi in gis:
        kind = {GI.Status.REGISTERED: Kind.GI_REGISTERED, GI.Status.SUSPENDED: Kind.GI_SUSPENDED}.get(gi.status)
        if kind and not has(kind, gi):
            change = record_gi_change(kind, gi, "state")
            _backdate(change, gi.last_published_at)
            note(f"{kind}:{gi.pk}", change)
    today = timezone.localdate()
    auths = (
        Authorisation.objects.filter(
            live=True, producer__live=True, geographical_indication__live=True, status=Authorisation.Status.ACTIVE
        )
        .filter(valid_until__gte=today, **demo)
        .select_related("producer", "geographical_indication__product_family")
        .order_by("pk")
    )
    for auth in auths:
        if not has(Kind.AUTHORISATION_GRANTED, auth):
            change = record_authorisation_change(Kind.AUTHORISATION_GRANTED, auth, "state")
            _backdate(change, auth.last_published_at)
            note(f"granted:{auth.pk}", change)
    standards = Standard.objects.filter(live=True, **demo).order_by("pk")
    for standard in standards:
        kind = {
            Standard.Status.CURRENT: Kind.STANDARD_ISSUED,
            Standard.Status.SUPERSEDED: Kind.STANDARD_SUPERSEDED,
        }.get(standard.status)
        if kind and not has(kind, standard):
            _standard_published(standard, {"status": None}, None)
            change = RegistryChange.objects.filter(dedupe_key=f"{kind}:{standard.pk}").first()
            _backdate(change, standard.last_published_at)
            note(f"{kind}:{standard.pk}", change)
    batches = Batch.objects.exclude(status=Batch.Status.ACTIVE).filter(**demo).order_by("pk")
    for batch in batches.select_related("producer", "authorisation__geographical_indication__product_family"):
        note(f"batch:{batch.pk}", record_batch_withdrawal(batch))
    summary = record_expired_authorisations(today)
    done.extend(("expired", True) for _ in range(summary.recorded))
    return done


GI = GeographicalIndication


def _backdate(change: RegistryChange | None, when) -> None:
    if change is not None and when:
        RegistryChange.objects.filter(pk=change.pk).update(occurred_at=when)
        change.occurred_at = when
