"""Webhooks: each registry change that a subscription asked for is POSTed, signed, to its URL.

The rules, in one place:

- **Which**: on ``change_recorded`` every active, unpaused subscription of an active organisation
  whose kinds (and optional GI / product family) match gets one ``Delivery``; the task
  ``interfaces.tasks.deliver_webhook`` sends it from the ``background`` task queue.
- **Signed** (like Standard Webhooks): headers ``Webhook-Id`` (the delivery's id, the same on
  every retry and replay), ``Webhook-Timestamp`` (unix seconds when this request was signed) and
  ``Webhook-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>``. A receiver recomputes
  the HMAC over the raw body, compares in constant time, and refuses a timestamp more than
  ``WEBHOOK_TIMESTAMP_TOLERANCE`` seconds (5 min) from its clock: a captured request cannot be
  replayed later, and an altered body or timestamp does not verify.
- **Safe to send**: http(s) only, 5 s timeouts, redirects not followed, the response read only up
  to 64 KiB; the host is resolved and every address must be public (no loopback, private,
  link-local, reserved or multicast range) unless ``WEBHOOK_ALLOW_LOOPBACK`` (development, tests);
  the request then goes to the very address that was checked (no second lookup to rebind).
- **Retried**: a non-2xx answer or a network error is retried after ``WEBHOOK_RETRY_DELAYS``
  (1 min, 5 min, 30 min, 2 h, 12 h by default, each ±10 % jitter); after the last one the delivery
  is abandoned. Every request is logged (``DeliveryAttempt``) with status, response start, time.
- **Paused**: ``WEBHOOK_PAUSE_AFTER`` failed requests in a row (any delivery) pause the
  subscription with the reason; its waiting deliveries are abandoned. Staff resume it in the admin
  and may replay any delivery, which sends it again at once with a new timestamp.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import ipaddress
import json
import logging
import random
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import urllib3
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Delivery, DeliveryAttempt, RegistryChange, Subscription
from .models.webhooks import loopback_allowed

logger = logging.getLogger(__name__)

SIGNATURE_VERSION = "v1"
RESPONSE_EXCERPT_CHARS = 1000
RESPONSE_READ_BYTES = 64 * 1024
DEFAULT_RETRY_DELAYS = (60, 300, 1800, 7200, 43200)
USER_AGENT = "Liangping-GI-Registry-Webhooks/1"


def retry_delays() -> list[int]:
    return list(getattr(settings, "WEBHOOK_RETRY_DELAYS", DEFAULT_RETRY_DELAYS))


def pause_after() -> int:
    return int(getattr(settings, "WEBHOOK_PAUSE_AFTER", 10))


def timeout_seconds() -> float:
    return float(getattr(settings, "WEBHOOK_TIMEOUT", 5))


# ---- signing -------------------------------------------------------------------------------


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """``v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"{SIGNATURE_VERSION}={mac.hexdigest()}"


def payload(change: RegistryChange) -> dict:
    """What a delivery says: the change's public facts (the same as its feed entry)."""
    origin = getattr(settings, "SITE_ORIGIN", "") or getattr(settings, "WAGTAILADMIN_BASE_URL", "")
    url = change.url
    if url.startswith("/") and origin:
        url = origin.rstrip("/") + url
    return {
        "id": str(change.id),
        "kind": change.kind,
        "occurred_at": change.occurred_at.isoformat(),
        "title": change.title,
        "title_en": change.title_en,
        "url": url,
        "subject": {"type": change.subject_type, "id": change.subject_id},
        "geographical_indication": change.geographical_indication_id,
        "product_family": change.product_family_id,
        "payload": change.payload,
    }


def body_for(delivery: Delivery) -> bytes:
    return json.dumps(payload(delivery.change), ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def signed_headers(delivery: Delivery, body: bytes, timestamp: int) -> dict[str, str]:
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "Webhook-Id": str(delivery.pk),
        "Webhook-Timestamp": str(timestamp),
        "Webhook-Signature": sign(delivery.subscription.secret, timestamp, body),
    }


# ---- which subscriptions get a change ---------------------------------------------------------


def subscriptions_for(change: RegistryChange) -> list[Subscription]:
    candidates = Subscription.objects.filter(
        is_active=True, paused_at__isnull=True, organisation__is_active=True
    ).select_related("organisation")
    return [subscription for subscription in candidates if subscription.matches(change)]


def on_change_recorded(sender, change: RegistryChange, **kwargs) -> list[Delivery]:
    """``change_recorded`` receiver: one delivery per matching subscription, queued once committed."""
    deliveries = []
    for subscription in subscriptions_for(change):
        delivery, created = Delivery.objects.get_or_create(
            subscription=subscription, change=change, defaults={"next_attempt_at": timezone.now()}
        )
        if created:
            deliveries.append(delivery)
    for delivery in deliveries:
        transaction.on_commit(lambda pk=delivery.pk: enqueue(pk, 0))
    return deliveries


def enqueue(delivery_id, attempts_done: int, run_after: datetime.datetime | None = None) -> bool:
    """Queue one attempt of a delivery on the background backend. ``attempts_done`` is how many
    attempts the delivery had when this one was queued: a task whose count no longer matches (a
    replay or another task went first) does nothing, so one attempt is never sent twice.
    A retry waits until ``run_after``; a backend that cannot wait (the immediate one of the tests)
    leaves it to ``send_due_deliveries`` (tests call it with a later ``now``)."""
    from .tasks import deliver_webhook

    task = deliver_webhook
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return False
        task = task.using(run_after=run_after)
    task.enqueue(str(delivery_id), attempts_done)
    return True


# ---- the address guard ----------------------------------------------------------------------


class RefusedAddress(Exception):
    pass


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not (address.is_multicast or address.is_reserved or address.is_unspecified)


def resolve(host: str, port: int) -> str:
    """The address to connect to for ``host``: every address it resolves to must be public, unless
    loopback/private addresses are allowed (development and tests)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise RefusedAddress(_("The host name could not be resolved: %(error)s") % {"error": error}) from error
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if not addresses:
        raise RefusedAddress(_("The host name has no address."))
    if not loopback_allowed():
        for address in addresses:
            if not _is_public(address):
                raise RefusedAddress(
                    _("Refused: %(host)s resolves to a private or loopback address (%(address)s).")
                    % {"host": host, "address": address}
                )
    return str(addresses[0])


# ---- one request ----------------------------------------------------------------------------


@dataclass
class Response:
    status_code: int | None
    excerpt: str
    duration_ms: int
    error: str

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def post(url: str, body: bytes, headers: dict[str, str]) -> Response:
    """POST ``body`` to ``url`` with the guard above; never raises, never follows a redirect."""
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return Response(None, "", 0, _("Only http and https addresses can be delivered to."))
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        address = resolve(parts.hostname, port)
    except RefusedAddress as error:
        return Response(None, "", elapsed(), str(error))
    timeout = urllib3.Timeout(connect=timeout_seconds(), read=timeout_seconds())
    pool_kwargs = {"timeout": timeout, "retries": False, "maxsize": 1}
    if parts.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            address, port, server_hostname=parts.hostname, assert_hostname=parts.hostname, **pool_kwargs
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, port, **pool_kwargs)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    host_header = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
    try:
        response = pool.urlopen(
            "POST",
            path,
            body=body,
            headers={**headers, "Host": host_header},
            redirect=False,
            preload_content=False,
            assert_same_host=False,
        )
        try:
            content = response.read(RESPONSE_READ_BYTES)
        finally:
            response.release_conn()
        text = content.decode("utf-8", errors="replace")[:RESPONSE_EXCERPT_CHARS]
        return Response(response.status, text, elapsed(), "")
    except urllib3.exceptions.HTTPError as error:
        return Response(None, "", elapsed(), f"{type(error).__name__}: {error}"[:RESPONSE_EXCERPT_CHARS])
    finally:
        pool.close()


# ---- one attempt of a delivery -----------------------------------------------------------------


def next_delay(attempt_number: int) -> int | None:
    """Seconds before the retry after failed attempt ``attempt_number`` (1-based), with ±10 %
    jitter (so receivers that fail together are not all retried in the same second); None when
    no retry is left."""
    delays = retry_delays()
    if attempt_number > len(delays):
        return None
    base = delays[attempt_number - 1]
    return max(1, round(base * random.uniform(0.9, 1.1)))  # noqa: S311 (jitter, not security)


def attempt(delivery_id, attempts_done: int | None = None, now: datetime.datetime | None = None, replay=False):
    """Send one attempt of a delivery and record it; schedule the retry or pause the subscription.

    Returns the ``DeliveryAttempt`` or None when nothing was sent (already delivered, superseded
    by another attempt, abandoned, or the subscription is paused or off)."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update()
            .select_related("subscription__organisation", "change")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None:
            return None
        if attempts_done is not None and delivery.attempts != attempts_done:
            return None  # another attempt (a replay, a duplicate task) went first
        if not replay and delivery.status not in (Delivery.Status.PENDING, Delivery.Status.FAILED):
            return None
        subscription = delivery.subscription
        if not (subscription.is_active and subscription.organisation.is_active) or subscription.is_paused:
            delivery.status = Delivery.Status.ABANDONED
            delivery.next_attempt_at = None
            delivery.last_error = (
                _("The subscription is paused.") if subscription.is_paused else _("The subscription is switched off.")
            )
            delivery.save()
            return None
        delivery.attempts += 1
        number = delivery.attempts
        delivery.next_attempt_at = None
        delivery.save(update_fields=["attempts", "next_attempt_at", "updated_at"])

    # the request itself runs outside any transaction (it may take seconds)
    timestamp = int(time.time())  # the real clock: a receiver compares it with its own
    body = body_for(delivery)
    response = post(subscription.target_url, body, signed_headers(delivery, body, timestamp))
    if response.status_code is not None and not response.ok:
        response.error = response.error or _("The receiver answered HTTP %(status)s.") % {
            "status": response.status_code
        }
    return record(delivery, subscription, number, now, timestamp, response, replay)


def record(delivery, subscription, number, now, timestamp, response: Response, replay: bool):
    with transaction.atomic():
        logged = DeliveryAttempt.objects.create(
            delivery=delivery,
            number=number,
            attempted_at=now,
            timestamp=timestamp,
            replay=replay,
            status_code=response.status_code,
            response_excerpt=response.excerpt,
            duration_ms=response.duration_ms,
            error=response.error,
        )
        delivery.last_status_code = response.status_code
        delivery.last_response = response.excerpt
        delivery.last_duration_ms = response.duration_ms
        delivery.last_error = response.error
        subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
        retry_at = None
        if response.ok:
            delivery.status = Delivery.Status.SUCCEEDED
            subscription.consecutive_failures = 0
            subscription.save(update_fields=["consecutive_failures"])
        else:
            subscription.consecutive_failures += 1
            subscription.save(update_fields=["consecutive_failures"])
            # the retries count from the delivery's first attempt (a replay too: one of a delivery
            # that has used up its retries is not retried; staff may replay it again)
            delay = next_delay(number)
            if subscription.consecutive_failures >= pause_after() and not subscription.is_paused:
                subscription.pause(
                    _("Paused after %(count)s failed deliveries in a row; the last: %(error)s")
                    % {"count": subscription.consecutive_failures, "error": response.error}
                )
                logger.warning("webhook subscription %s paused: %s", subscription.pk, subscription.pause_reason)
                delay = None
                abandon_waiting(subscription, _("The subscription was paused."))
            if delay is None:
                delivery.status = Delivery.Status.ABANDONED
                delivery.next_attempt_at = None
            else:
                delivery.status = Delivery.Status.FAILED
                retry_at = now + datetime.timedelta(seconds=delay)
                delivery.next_attempt_at = retry_at
        delivery.save()
        if retry_at is not None:
            attempts_done = delivery.attempts
            transaction.on_commit(lambda: enqueue(delivery.pk, attempts_done, run_after=retry_at))
    return logged


def abandon_waiting(subscription: Subscription, reason: str) -> int:
    return Delivery.objects.filter(
        subscription=subscription, status__in=[Delivery.Status.PENDING, Delivery.Status.FAILED]
    ).update(status=Delivery.Status.ABANDONED, next_attempt_at=None, last_error=reason, updated_at=timezone.now())


def replay(delivery: Delivery) -> None:
    """Staff's replay: send the delivery again now (new timestamp, new signature, same id), on the
    task queue; a failed replay is retried on the usual schedule."""
    from .tasks import replay_webhook

    transaction.on_commit(lambda: replay_webhook.enqueue(str(delivery.pk)))


def send_due_deliveries(now: datetime.datetime | None = None) -> int:
    """Send every delivery whose retry is due (for a backend that cannot defer tasks, and after a
    worker outage); returns how many were attempted."""
    now = now or timezone.now()
    due = Delivery.objects.filter(
        status__in=[Delivery.Status.PENDING, Delivery.Status.FAILED], next_attempt_at__lte=now
    ).values_list("pk", "attempts")
    count = 0
    for pk, attempts_done in list(due):
        if attempt(pk, attempts_done, now=now) is not None:
            count += 1
    return count
