"""Webhook deliveries (interfaces/webhooks.py) against a real receiver on 127.0.0.1 that checks
signatures as an organisation's would: which changes go where, the signature and the replay
window, retries with backoff, pausing after repeated failure, staff's replay, the address guard."""

import datetime
import json
import time

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from gi_registry.factories import GeographicalIndicationFactory
from gi_registry.interfaces import webhooks
from gi_registry.interfaces.models import Delivery, DeliveryAttempt, RegistryChange, Subscription

from .webhook_fixtures import record, subscription
from .webhook_receiver import Receiver, Rejected, start, verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    settings.WEBHOOK_RETRY_DELAYS = [60, 300, 1800]
    settings.WEBHOOK_TIMEOUT = 2
    receiver = Receiver()
    server = start(receiver)
    yield receiver
    server.shutdown()
    server.server_close()


@pytest.fixture
def subscribed(receiver):
    sub = subscription(receiver.url)
    receiver.secret = sub.secret
    return sub


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what waits for the commit (the queued deliveries) as the real commit would."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


def test_a_matching_change_is_posted_signed_and_logged(subscribed, receiver, commit):
    change = commit(record, RegistryChange.Kind.BATCH_RECALLED)

    assert len(receiver.received) == 1
    got = receiver.received[0]
    assert got.verdict == "ok"  # the receiver verified the signature and the timestamp
    delivery = Delivery.objects.get()
    assert got.headers["Webhook-Id"] == str(delivery.pk)
    assert got.headers["Webhook-Signature"].startswith("v1=")
    body = got.json
    assert body["id"] == str(change.id) and body["kind"] == "batch.recalled"
    assert body["title"] == "梁平柚批次 LP-2026-001 召回"
    assert body["url"] == "http://testserver/trace/batch/42/"
    assert body["payload"] == {"lot": "LP-2026-001", "reason": "农残超标"}
    assert datetime.datetime.fromisoformat(body["occurred_at"]) == change.occurred_at

    assert delivery.status == Delivery.Status.SUCCEEDED and delivery.attempts == 1
    logged = DeliveryAttempt.objects.get()
    assert logged.status_code == 200 and '"status": 200' in logged.response_excerpt
    assert logged.timestamp == int(got.headers["Webhook-Timestamp"])


def test_only_matching_active_subscriptions_get_a_delivery(receiver, commit):
    gi = GeographicalIndicationFactory()
    other_gi = GeographicalIndicationFactory()
    wanted = subscription(receiver.url, kinds=["batch.recalled"])
    for_gi = subscription(receiver.url, kinds=["batch.recalled"], geographical_indication=gi)
    subscription(receiver.url, kinds=["batch.recalled"], geographical_indication=other_gi)
    subscription(receiver.url, kinds=["gi.registered"])  # another kind
    subscription(receiver.url, kinds=["batch.recalled"], is_active=False)
    paused = subscription(receiver.url, kinds=["batch.recalled"])
    paused.pause("test")
    off_org = subscription(receiver.url, kinds=["batch.recalled"])
    off_org.organisation.is_active = False
    off_org.organisation.save()

    commit(record, RegistryChange.Kind.BATCH_RECALLED, geographical_indication=gi)

    assert set(Delivery.objects.values_list("subscription", flat=True)) == {wanted.pk, for_gi.pk}


def test_the_receiver_rejects_a_bad_signature_and_a_replayed_request(subscribed, receiver, commit):
    commit(record)
    good = receiver.received[0]
    assert verify(subscribed.secret, good.headers, good.body)["kind"] == "batch.recalled"
    # an altered body, the wrong secret, a missing signature: rejected
    tampered = good.body.replace("召回".encode(), "撤回".encode())
    for secret, headers, body in [
        (subscribed.secret, good.headers, tampered),
        ("whsec_wrong", good.headers, good.body),
        (subscribed.secret, {**good.headers, "Webhook-Signature": ""}, good.body),
        (
            subscribed.secret,
            {**good.headers, "Webhook-Timestamp": str(int(good.headers["Webhook-Timestamp"]) + 1)},
            good.body,
        ),
    ]:
        with pytest.raises(Rejected):
            verify(secret, headers, body)
    # the same request captured and sent again ten minutes later: outside the window
    later = int(good.headers["Webhook-Timestamp"]) + 600
    with pytest.raises(Rejected, match="tolerance"):
        verify(subscribed.secret, good.headers, good.body, now=later)


def test_a_request_signed_long_ago_is_refused_by_the_receiver_and_retried(subscribed, receiver, commit, settings):
    settings.TASKS = {"default": settings.TASKS["default"], "background": settings.TASKS["default"]}
    receiver.clock = (timezone.now() + datetime.timedelta(minutes=10)).timestamp()  # receiver's clock ahead
    commit(record)
    delivery = Delivery.objects.get()
    assert receiver.received[0].verdict.startswith("timestamp outside")
    assert delivery.status == Delivery.Status.FAILED and delivery.last_status_code == 401
    assert "HTTP 401" in delivery.last_error or "401" in delivery.last_error


def test_a_failing_receiver_is_retried_with_backoff_until_it_succeeds(subscribed, receiver, commit):
    receiver.statuses = [500, 503]
    start_time = timezone.now()
    commit(record)
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.FAILED and delivery.attempts == 1
    first_wait = (delivery.next_attempt_at - start_time).total_seconds()
    assert 54 <= first_wait <= 67  # 1 minute ± 10 % jitter

    # nothing is due yet; then the retry's time comes (the test drives the clock)
    assert commit(webhooks.send_due_deliveries, now=timezone.now()) == 0
    commit(webhooks.send_due_deliveries, now=delivery.next_attempt_at)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED and delivery.attempts == 2
    second_wait = (delivery.next_attempt_at - DeliveryAttempt.objects.get(number=2).attempted_at).total_seconds()
    assert 270 <= second_wait <= 330  # 5 minutes ± 10 %

    commit(webhooks.send_due_deliveries, now=delivery.next_attempt_at)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SUCCEEDED and delivery.next_attempt_at is None
    log = list(delivery.attempt_log.values_list("number", "status_code"))
    assert log == [(1, 500), (2, 503), (3, 200)]
    assert [r.answered for r in receiver.received] == [500, 503, 200]
    assert "HTTP 503" in DeliveryAttempt.objects.get(number=2).error
    # every attempt carries the same delivery id (a receiver drops one it already handled)
    assert {r.headers["Webhook-Id"] for r in receiver.received} == {str(delivery.pk)}
    subscribed.refresh_from_db()
    assert subscribed.consecutive_failures == 0


def test_a_delivery_is_abandoned_when_its_retries_are_used_up(subscribed, receiver, commit, settings):
    settings.WEBHOOK_RETRY_DELAYS = [60]
    receiver.statuses = [500, 500, 500]
    commit(record)
    delivery = Delivery.objects.get()
    commit(webhooks.send_due_deliveries, now=delivery.next_attempt_at)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.ABANDONED and delivery.attempts == 2
    assert commit(webhooks.send_due_deliveries, now=timezone.now() + datetime.timedelta(days=2)) == 0
    assert len(receiver.received) == 2


def test_repeated_failure_pauses_the_subscription_and_staff_can_resume_and_replay(
    subscribed, receiver, commit, settings
):
    settings.WEBHOOK_PAUSE_AFTER = 3
    receiver.statuses = [500] * 3
    for _ in range(3):
        commit(record)
    subscribed.refresh_from_db()
    assert subscribed.is_paused and subscribed.consecutive_failures == 3
    assert "3" in subscribed.pause_reason and "500" in subscribed.pause_reason
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.ABANDONED}

    commit(record)  # while paused nothing new is queued or sent
    assert Delivery.objects.count() == 3 and len(receiver.received) == 3

    subscribed.resume()
    delivery = Delivery.objects.order_by("created_at").first()
    commit(webhooks.replay, delivery)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SUCCEEDED
    assert len(receiver.received) == 4 and receiver.received[-1].headers["Webhook-Id"] == str(delivery.pk)
    assert delivery.attempt_log.last().replay


def test_replay_of_a_delivered_change_sends_it_again_with_a_new_timestamp(subscribed, receiver, commit):
    commit(record, occurred_at=timezone.now() - datetime.timedelta(hours=3))
    delivery = Delivery.objects.get()
    first = receiver.received[0]
    time.sleep(1.1)  # the replay is signed a second later
    commit(webhooks.replay, delivery)
    delivery.refresh_from_db()
    assert len(receiver.received) == 2 and receiver.received[1].verdict == "ok"
    assert receiver.received[1].body == first.body
    assert int(receiver.received[1].headers["Webhook-Timestamp"]) > int(first.headers["Webhook-Timestamp"])
    assert receiver.received[1].headers["Webhook-Signature"] != first.headers["Webhook-Signature"]
    assert delivery.attempts == 2 and delivery.status == Delivery.Status.SUCCEEDED


def test_a_duplicate_task_for_the_same_attempt_sends_nothing(subscribed, receiver, commit):
    commit(record)
    delivery = Delivery.objects.get()
    assert webhooks.attempt(delivery.pk, 0) is None  # the first attempt's task, run a second time
    assert len(receiver.received) == 1


def test_redirects_are_not_followed(subscribed, receiver, commit):
    receiver.statuses = [302]
    commit(record)
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.FAILED and delivery.last_status_code == 302
    assert len(receiver.received) == 1


def test_a_slow_receiver_times_out_and_the_error_is_logged(subscribed, receiver, commit, settings):
    settings.WEBHOOK_TIMEOUT = 0.3
    receiver.delay = 1.0
    commit(record)
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.last_status_code is None and "Timeout" in delivery.last_error


def test_loopback_and_private_addresses_are_refused_in_production(subscribed, receiver, commit, settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    settings.DEBUG = False
    commit(record)
    delivery = Delivery.objects.get()
    assert not receiver.received  # nothing reached this machine
    assert delivery.status == Delivery.Status.FAILED and "127.0.0.1" in delivery.last_error
    for url in ["http://10.0.0.5/hook", "https://192.168.1.2/hook", "https://[::1]/hook", "https://localhost/x"]:
        with pytest.raises(ValidationError):
            Subscription(organisation=subscribed.organisation, target_url=url, kinds=["gi.registered"]).full_clean()
    with pytest.raises(ValidationError, match="https"):
        Subscription(
            organisation=subscribed.organisation, target_url="http://hooks.example.com/x", kinds=["gi.registered"]
        ).full_clean()
    Subscription(
        organisation=subscribed.organisation, target_url="https://hooks.example.com/x", kinds=["gi.registered"]
    ).full_clean()


def test_a_host_name_that_resolves_to_a_private_address_is_refused(settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    with pytest.raises(webhooks.RefusedAddress):
        webhooks.resolve("localhost", 443)
    response = webhooks.post("https://localhost:1/x", b"{}", {})
    assert response.status_code is None and "localhost" in response.error
    assert webhooks.post("ftp://example.com/x", b"{}", {}).error


def test_the_signature_is_hmac_sha256_over_timestamp_and_body():
    import hashlib
    import hmac

    body = json.dumps({"a": 1}).encode()
    expected = hmac.new(b"whsec_x", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert webhooks.sign("whsec_x", 1700000000, body) == f"v1={expected}"
