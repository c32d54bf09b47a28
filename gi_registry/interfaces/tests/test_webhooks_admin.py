"""Webhooks in the admin, as each group: registry officers add subscriptions (the secret shown once,
then only on reveal or rotate), see why one is paused and resume it, read the delivery log and
replay a delivery; brand editors, producer accounts and enforcement staff reach none of it, on
any admin surface (listings, edit, history, choosers, reports, bulk actions, exports; guessed ids)."""

import re

import pytest
from django.urls import reverse

from gi_registry.factories import make_user
from gi_registry.interfaces.models import Delivery, DeliveryAttempt, Organisation, Subscription
from gi_registry.interfaces.setup import ensure_webhook_permissions
from gi_registry.protection.setup import ENFORCEMENT_STAFF, ensure_enforcement_group
from gi_registry.tests.test_admin_isolation import admin_routes, body_text

from .webhook_fixtures import change, record, subscription
from .webhook_receiver import Receiver, start

pytestmark = pytest.mark.django_db

MARK_HOST = "leak-hook-7731.example.com"
MARK_ORG = "泄漏标记果品平台7731"


@pytest.fixture(autouse=True)
def groups():
    ensure_enforcement_group()
    ensure_webhook_permissions()


@pytest.fixture
def world():
    organisation = Organisation.objects.create(name=MARK_ORG, kind=Organisation.Kind.PLATFORM)
    sub = subscription(f"https://{MARK_HOST}/hooks", organisation=organisation)
    delivery = Delivery.objects.create(subscription=sub, change=change())
    DeliveryAttempt.objects.create(
        delivery=delivery, number=1, attempted_at=delivery.created_at, timestamp=1, status_code=500, error="HTTP 500"
    )
    return {"subscription": sub, "delivery": delivery, "organisation": organisation}


def test_an_officer_adds_a_subscription_and_sees_the_secret_once(client, officer, world):
    client.force_login(officer)
    url = reverse("webhook_subscriptions:add")
    form = client.get(url).content.decode()
    assert "批次召回" in form and "地理标志登记" in form  # the kinds, in Chinese
    response = client.post(
        url,
        {
            "organisation": world["organisation"].pk,
            "target_url": "https://hooks.example.com/registry",
            "kinds": ["batch.recalled", "gi.suspended"],
            "is_active": "on",
        },
    )
    sub = Subscription.objects.get(target_url="https://hooks.example.com/registry")
    assert sub.kinds == ["batch.recalled", "gi.suspended"] and sub.created_by == officer
    assert response.status_code == 302 and response["Location"] == reverse(
        "webhook_subscriptions:secret", args=[sub.pk]
    )
    page = client.get(response["Location"])
    assert sub.secret in page.content.decode() and "no-store" in page["Cache-Control"]
    assert "只显示这一次" in page.content.decode()  # the message says so

    # never again without asking: not on a second visit, the edit page, the listing or the history
    again = client.get(reverse("webhook_subscriptions:secret", args=[sub.pk]))
    assert again.status_code == 302 and again["Location"] == reverse("webhook_subscriptions:edit", args=[sub.pk])
    for page_url in [
        reverse("webhook_subscriptions:edit", args=[sub.pk]),
        reverse("webhook_subscriptions:index"),
        reverse("webhook_subscriptions:history", args=[sub.pk]),
        reverse("webhook_subscriptions:reveal", args=[sub.pk]),
    ]:
        text = client.get(page_url).content.decode()
        assert "hooks.example.com" in text and sub.secret not in text, page_url

    # reveal: a confirmed POST, then the secret page once
    shown = client.post(reverse("webhook_subscriptions:reveal", args=[sub.pk]), follow=True)
    assert sub.secret in shown.content.decode()
    # rotate: a new secret, shown once; the old one is gone
    old = sub.secret
    rotated = client.post(reverse("webhook_subscriptions:rotate", args=[sub.pk]), follow=True).content.decode()
    sub.refresh_from_db()
    assert sub.secret != old and sub.secret in rotated and old not in rotated and "旧密钥已失效" in rotated


@pytest.mark.parametrize(
    ("target", "kinds", "message"),
    [
        ("http://hooks.example.com/x", ["batch.recalled"], "网络钩子地址必须使用 https://"),
        ("https://192.168.1.10/x", ["batch.recalled"], "不能推送到本机或内网地址"),
        ("https://hooks.example.com/x", [], "请至少选择一种变更类型"),
    ],
)
def test_bad_input_gets_a_chinese_message_and_keeps_what_was_typed(client, officer, world, target, kinds, message):
    client.force_login(officer)
    response = client.post(
        reverse("webhook_subscriptions:add"),
        {"organisation": world["organisation"].pk, "target_url": target, "kinds": kinds, "is_active": "on"},
    )
    text = response.content.decode()
    assert response.status_code == 200 and message in text
    assert f'value="{target}"' in text
    assert Subscription.objects.count() == 1  # only the fixture's


def test_a_paused_subscription_shows_why_and_an_officer_resumes_it(client, officer, world):
    sub = world["subscription"]
    sub.consecutive_failures = 10
    sub.save()
    sub.pause("连续 10 次推送失败后已暂停；最后一次：接收方返回 HTTP 500。")
    client.force_login(officer)
    edit = client.get(reverse("webhook_subscriptions:edit", args=[sub.pk])).content.decode()
    assert "已暂停" in edit and "接收方返回 HTTP 500" in edit
    assert reverse("webhook_subscriptions:resume", args=[sub.pk]) in edit
    assert "已暂停" in client.get(reverse("webhook_subscriptions:index")).content.decode()
    client.post(reverse("webhook_subscriptions:resume", args=[sub.pk]))
    sub.refresh_from_db()
    assert not sub.is_paused and sub.consecutive_failures == 0 and sub.pause_reason == ""


def test_an_officer_reads_the_delivery_log_and_replays_a_delivery(
    client, officer, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    receiver = Receiver(statuses=[500])
    server = start(receiver)
    try:
        sub = subscription(receiver.url)
        receiver.secret = sub.secret
        with django_capture_on_commit_callbacks(execute=True):
            record()
        delivery = Delivery.objects.get()
        assert delivery.status == Delivery.Status.FAILED

        client.force_login(officer)
        listing = client.get(reverse("webhook_deliveries:index")).content.decode()
        assert "梁平柚批次 LP-2026-001 召回" in listing and "失败，将重试" in listing
        assert reverse("webhook_deliveries:add") not in listing  # nobody adds a delivery by hand
        inspect = client.get(reverse("webhook_deliveries:inspect", args=[delivery.pk])).content.decode()
        assert "接收方返回 HTTP 500" in inspect and "received" in inspect  # the logged response
        assert client.get(reverse("webhook_deliveries:edit", args=[delivery.pk])).status_code in (302, 403)
        export = client.get(reverse("webhook_deliveries:index") + "?export=csv")
        assert str(delivery.pk) in body_text(export)

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("webhook_deliveries:replay", args=[delivery.pk]))
        assert response.status_code == 302
        delivery.refresh_from_db()
        assert delivery.status == Delivery.Status.SUCCEEDED and len(receiver.received) == 2
        assert list(delivery.attempt_log.values_list("status_code", "replay")) == [(500, False), (200, True)]
    finally:
        server.shutdown()
        server.server_close()


def urls(routes, world) -> list[str]:
    """Every webhook URL with the world's ids (and guessed neighbours), and the generic surfaces
    (choosers, reports, history, search, bulk actions, exports) that could list a subscription."""
    sub, delivery = world["subscription"], world["delivery"]
    result = []
    for route, name in routes:
        if "webhooks" in route:
            pk = delivery.pk if "deliveries" in route else sub.pk
            filled = re.sub(r"<\w+>", str(pk), route)
            result += [filled, f"{filled}?export=csv", f"{filled}?export=xlsx"]
            if "subscriptions" in route and "<" in route:
                result.append(re.sub(r"<\w+>", str(sub.pk + 1), route))
        elif re.search(r"(choose|chooser|report|history|search|bulk|usage|workflow|locked|aging)", route + name):
            if "<" in route:
                for param, value in {
                    "app_label": "interfaces",
                    "model_name": "subscription",
                    "action": "delete",
                }.items():
                    route = route.replace(f"<{param}>", value)
                route = re.sub(r"<\w+>", str(sub.pk), route)
            result += [route, f"{route}?q=leak&id={sub.pk}", f"{route}?export=csv"]
    result += [
        "/admin/",
        f"/admin/bulk/interfaces/subscription/delete/?id={sub.pk}",
        f"/admin/bulk/interfaces/delivery/delete/?id={delivery.pk}",
    ]
    return result


def test_other_groups_reach_nothing_of_webhooks_on_any_admin_surface(
    client, world, officer, brand_editor, producer_user
):
    staff = make_user("enforcer", ENFORCEMENT_STAFF)
    routes = [
        (route, name) for route, name in admin_routes() if "^.*" not in route and name not in ("wagtailadmin_logout",)
    ]
    targets = urls(routes, world)
    assert sum("webhooks" in url for url in targets) >= 20
    client.raise_request_exception = False
    secret = world["subscription"].secret
    markers = [MARK_HOST, MARK_ORG, secret, "/admin/interfaces/webhooks/"]

    # the officer sees them (so the markers would show if they leaked to the others)
    client.force_login(officer)
    officer_text = "".join(
        body_text(client.get(u)) for u in [reverse("webhook_subscriptions:index"), reverse("webhook_deliveries:index")]
    )
    assert MARK_HOST in officer_text and MARK_ORG in officer_text and secret not in officer_text

    leaks, refused = [], 0
    for user in (brand_editor, producer_user, staff):
        client.force_login(user)
        for url in targets:
            response = client.get(url)
            text = body_text(response)
            if "webhooks" in url:
                refused += response.status_code in (302, 403, 404)
                if response.status_code == 200:
                    leaks.append(f"{user.username} {url} 200")
            for marker in markers:
                if marker in text:
                    leaks.append(f"{user.username} {url} {response.status_code}: {marker}")
        for url in [
            reverse("webhook_subscriptions:reveal", args=[world["subscription"].pk]),
            reverse("webhook_subscriptions:rotate", args=[world["subscription"].pk]),
            reverse("webhook_subscriptions:resume", args=[world["subscription"].pk]),
            reverse("webhook_subscriptions:delete", args=[world["subscription"].pk]),
            reverse("webhook_deliveries:replay", args=[world["delivery"].pk]),
        ]:
            response = client.post(url)
            if response.status_code not in (302, 403) or (
                response.status_code == 302
                and "login" not in response["Location"]
                and response["Location"] != "/admin/"
            ):
                leaks.append(f"{user.username} POST {url} {response.status_code}")
    assert leaks == [], "\n".join(leaks)
    assert refused > 0
    world["subscription"].refresh_from_db()
    assert world["subscription"].secret == secret and Subscription.objects.filter(pk=world["subscription"].pk).exists()
    assert world["delivery"].attempt_log.count() == 1  # nobody else replayed it
