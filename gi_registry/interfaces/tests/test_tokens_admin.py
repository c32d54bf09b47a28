"""API tokens and organisations in the admin, as each group: registry officer, brand editor,
producer account (own producer A), another producer's account (producer B) and enforcement staff.

A producer creates, lists and revokes only its own producer's tokens; the secret is on the creating
POST's answer only (never in the listing, the token's page, its history, the site history or the
database); revoking asks first and is in the audit log; organisations are the officers' alone."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from gi_registry.factories import ProducerFactory, make_user
from gi_registry.interfaces.models import ApiToken, Organisation
from gi_registry.interfaces.models.tokens import digest
from gi_registry.protection.setup import ENFORCEMENT_STAFF
from gi_registry.setup import PRODUCERS

pytestmark = pytest.mark.django_db

A_NAME = "甲方柚子合作社"
B_NAME = "乙方令牌标记合作社"
B_TOKEN = "LEAKTOKEN-B-5521"
ORG_NAME = "梁平冷链标记物流"


@pytest.fixture
def world(producer_user):
    producer_a = ProducerFactory(name=A_NAME)
    producer_a.accounts.add(producer_user)
    producer_a.save()
    producer_b = ProducerFactory(name=B_NAME)
    other = make_user("producer-b", PRODUCERS)
    producer_b.accounts.add(other)
    producer_b.save()
    token_b, _secret = ApiToken.issue(name=B_TOKEN, producer=producer_b)
    organisation = Organisation.objects.create(name=ORG_NAME, kind=Organisation.Kind.LOGISTICS)
    organisation.producers.add(producer_b)
    org_token, _secret = ApiToken.issue(name="冷链对接", organisation=organisation)
    return {
        "a": producer_a,
        "b": producer_b,
        "other": other,
        "token_b": token_b,
        "organisation": organisation,
        "org_token": org_token,
    }


@pytest.fixture
def enforcer(db):
    return make_user("enforcer", ENFORCEMENT_STAFF)


def create(client, **data):
    return client.post(reverse("api_tokens:add"), {"can_capture": "on", "can_query": "on", **data})


def secret_of(response) -> str:
    text = response.content.decode()
    start = text.index('value="lp_') + len('value="')
    return text[start : text.index('"', start)]


def every_text_column() -> str:
    """Every value of every row of the tokens' and the audit log's tables, as one string."""
    with connection.cursor() as cursor:
        parts = []
        for table in (ApiToken._meta.db_table, ModelLogEntry._meta.db_table):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 (table names from the models)
            parts += [str(value) for row in cursor.fetchall() for value in row]
    return "\n".join(parts)


# -- a producer account ------------------------------------------------------------------------


def test_producer_creates_a_token_and_sees_its_secret_once(client, producer_user, world):
    client.force_login(producer_user)
    form = client.get(reverse("api_tokens:add"))
    assert form.status_code == 200
    assert "organisation" not in form.context["form"].fields  # a producer's token is its producer's
    assert A_NAME in form.content.decode() and B_NAME not in form.content.decode()

    response = create(client, name="包装线二号", producer=world["a"].pk)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = secret_of(response)
    token = ApiToken.objects.get(name="包装线二号")
    assert secret.startswith(f"lp_{token.key}_") and len(secret) > 40
    text = response.content.decode()
    assert "请立即复制" in text and "不会再次显示" in text  # the warning, in Chinese
    assert 'data-action="w-clipboard#copy"' in text
    assert token.producer == world["a"] and token.created_by == producer_user
    assert token.secret_digest == digest(secret)

    # never again: not in the listing, the token's page, its history or any stored row
    for url in (reverse("api_tokens:index"), reverse("api_tokens:detail", args=[token.pk])):
        page = client.get(url)
        assert page.status_code == 200
        assert token.key in page.content.decode()
        assert secret not in page.content.decode()
        assert secret[len(f"lp_{token.key}_") :] not in page.content.decode()
    assert ModelLogEntry.objects.for_instance(token).filter(action="wagtail.create").count() == 1
    assert secret not in every_text_column()
    assert secret[-20:] not in every_text_column()


def test_producer_cannot_create_a_token_for_another_producer(client, producer_user, world):
    client.force_login(producer_user)
    response = create(client, name="借用", producer=world["b"].pk)
    assert response.status_code == 400
    assert "请从列表中选择生产主体" in response.content.decode()
    assert not ApiToken.objects.filter(name="借用").exists()
    # nor for an organisation, even one that records for its producer
    world["organisation"].producers.add(world["a"])
    response = create(client, name="借用机构", producer=world["a"].pk, organisation=world["organisation"].pk)
    token = ApiToken.objects.get(name="借用机构")
    assert token.producer == world["a"] and token.organisation is None


def test_producer_lists_only_its_own_tokens(client, producer_user, world):
    own, _secret = ApiToken.issue(name="自家令牌", producer=world["a"])
    client.force_login(producer_user)
    page = client.get(reverse("api_tokens:index")).content.decode()
    assert "自家令牌" in page and own.key in page
    for marker in (B_TOKEN, B_NAME, world["token_b"].key, ORG_NAME, world["org_token"].key):
        assert marker not in page
    searched = client.get(reverse("api_tokens:index"), {"q": "LEAKTOKEN"}).content.decode()
    assert B_TOKEN not in searched and "没有符合" in searched


def test_producer_cannot_reach_another_producers_token_by_id(client, producer_user, world):
    client.force_login(producer_user)
    token_b = world["token_b"]
    for name in ("detail", "revoke"):
        response = client.get(reverse(f"api_tokens:{name}", args=[token_b.pk]))
        assert response.status_code == 404
        assert B_TOKEN not in response.content.decode()
    assert client.post(reverse("api_tokens:revoke", args=[token_b.pk])).status_code == 404
    assert client.post(reverse("api_tokens:revoke", args=[world["org_token"].pk])).status_code == 404
    token_b.refresh_from_db()
    world["org_token"].refresh_from_db()
    assert token_b.revoked_at is None and world["org_token"].revoked_at is None
    # an id that does not exist answers the same
    assert client.get(reverse("api_tokens:detail", args=[999999])).status_code == 404


def test_producer_revokes_its_token_after_confirming(client, producer_user, world):
    own, secret = ApiToken.issue(name="旧收银系统", producer=world["a"])
    client.force_login(producer_user)
    confirm = client.get(reverse("api_tokens:revoke", args=[own.pk]))
    assert confirm.status_code == 200
    assert "不可恢复" in confirm.content.decode()
    own.refresh_from_db()
    assert own.revoked_at is None  # asking is not revoking

    response = client.post(reverse("api_tokens:revoke", args=[own.pk]), follow=True)
    own.refresh_from_db()
    assert own.revoked_at is not None and not own.is_usable
    text = response.content.decode()
    assert "已撤销" in text
    entry = ModelLogEntry.objects.for_instance(own).get(action="interfaces.token.revoke")
    assert entry.user == producer_user
    history = client.get(reverse("api_tokens:detail", args=[own.pk])).content.decode()
    assert "API 令牌已撤销" in history
    assert secret not in history
    # the listing offers no second revoke; a second POST changes nothing
    revoked_at = own.revoked_at
    client.post(reverse("api_tokens:revoke", args=[own.pk]))
    own.refresh_from_db()
    assert own.revoked_at == revoked_at
    assert ModelLogEntry.objects.for_instance(own).filter(action="interfaces.token.revoke").count() == 1


def test_listing_shows_status_scopes_and_filters(client, producer_user, world):
    active, _ = ApiToken.issue(name="在用令牌", producer=world["a"], can_capture=False)
    expired, _ = ApiToken.issue(name="过期令牌", producer=world["a"])
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - datetime.timedelta(days=1))
    revoked, _ = ApiToken.issue(name="吊销令牌", producer=world["a"])
    revoked.revoke()
    client.force_login(producer_user)
    page = client.get(reverse("api_tokens:index")).content.decode()
    for text in ("有效", "已过期", "已撤销", "查询", "从未使用", "永不过期"):
        assert text in page
    only_expired = client.get(reverse("api_tokens:index"), {"status": "expired"}).content.decode()
    assert "过期令牌" in only_expired and "在用令牌" not in only_expired and "吊销令牌" not in only_expired
    only_active = client.get(reverse("api_tokens:index"), {"status": "active"}).content.decode()
    assert "在用令牌" in only_active and "过期令牌" not in only_active


def test_bad_input_gets_chinese_messages_and_creates_nothing(client, producer_user, officer, world):
    client.force_login(producer_user)
    response = create(client, name="", producer=world["a"].pk, can_capture="", can_query="", expires_on="2001-01-01")
    assert response.status_code == 400
    text = response.content.decode()
    assert "请给令牌起个名字" in text
    assert "至少勾选" in text
    assert "到期日已过" in text
    response = create(client, name="日期", producer=world["a"].pk, expires_on="明天")
    assert "请按 YYYY-MM-DD 输入日期" in response.content.decode()
    assert ApiToken.objects.filter(producer=world["a"]).count() == 0

    client.force_login(officer)
    neither = create(client, name="无主")
    both = create(client, name="两主", producer=world["a"].pk, organisation=world["organisation"].pk)
    for response in (neither, both):
        assert response.status_code == 400
        assert "请选择一个机构或一个生产主体" in response.content.decode()
    assert not ApiToken.objects.filter(name__in=["无主", "两主"]).exists()


def test_expiry_date_is_the_end_of_that_day(client, producer_user, world):
    client.force_login(producer_user)
    day = timezone.localdate() + datetime.timedelta(days=30)
    create(client, name="临时", producer=world["a"].pk, expires_on=day.isoformat())
    token = ApiToken.objects.get(name="临时")
    assert timezone.localtime(token.expires_at).date() == day + datetime.timedelta(days=1)
    assert timezone.localtime(token.expires_at).time() == datetime.time()


# -- registry officers -------------------------------------------------------------------------


def test_officer_creates_a_token_for_an_organisation_and_sees_every_token(client, officer, world):
    client.force_login(officer)
    form = client.get(reverse("api_tokens:add")).content.decode()
    assert ORG_NAME in form
    assert "wagtailsnippetchoosers_gi_registry_producer" in form or "/admin/snippets/choose/" in form
    response = create(client, name="物流对接", organisation=world["organisation"].pk, can_capture="")
    assert response.status_code == 200
    token = ApiToken.objects.get(name="物流对接")
    assert token.organisation == world["organisation"] and not token.can_capture and token.can_query
    assert secret_of(response).startswith(f"lp_{token.key}_")
    page = client.get(reverse("api_tokens:index")).content.decode()
    for marker in (B_TOKEN, "冷链对接", "物流对接", ORG_NAME, B_NAME):
        assert marker in page
    # and revokes a producer's token
    client.post(reverse("api_tokens:revoke", args=[world["token_b"].pk]))
    world["token_b"].refresh_from_db()
    assert world["token_b"].revoked_at is not None


def test_site_history_names_tokens_without_their_secret(client, officer, world):
    client.force_login(officer)
    response = create(client, name="历史检查", organisation=world["organisation"].pk)
    secret = secret_of(response)
    token = ApiToken.objects.get(name="历史检查")
    client.post(reverse("api_tokens:revoke", args=[token.pk]))
    for url in ("/admin/reports/site-history/", "/admin/reports/site-history/?export=csv"):
        response = client.get(url)
        raw = b"".join(response.streaming_content) if response.streaming else response.content
        text = raw.decode("utf-8-sig")
        assert token.key in text
        assert secret not in text


# -- everyone else -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["brand_editor", "enforcer"])
def test_brand_editors_and_enforcement_staff_reach_no_token_or_organisation(client, request, world, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    token, organisation = world["token_b"], world["organisation"]
    urls = [
        reverse("api_tokens:index"),
        reverse("api_tokens:add"),
        reverse("api_tokens:detail", args=[token.pk]),
        reverse("api_tokens:revoke", args=[token.pk]),
        reverse("interfaces_organisations:index"),
        reverse("interfaces_organisations:index") + "?export=csv",
        reverse("interfaces_organisations:add"),
        reverse("interfaces_organisations:edit", args=[organisation.pk]),
        reverse("interfaces_organisations:inspect", args=[organisation.pk]),
        reverse("interfaces_organisations:history", args=[organisation.pk]),
        reverse("interfaces_organisations:delete", args=[organisation.pk]),
        reverse("interfaces_organisations:producers", args=[organisation.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (302, 403), url
        body = response.content.decode()
        assert B_TOKEN not in body and ORG_NAME not in body, url
    # refused (Wagtail's admin answers a PermissionDenied with a redirect to the dashboard)
    assert client.post(reverse("api_tokens:revoke", args=[token.pk])).status_code in (302, 403)
    assert client.post(reverse("api_tokens:add"), {"name": "x", "producer": world["b"].pk}).status_code in (302, 403)
    token.refresh_from_db()
    assert token.revoked_at is None and ApiToken.objects.count() == 2
    home = client.get("/admin/").content.decode()
    assert reverse("api_tokens:index") not in home
    assert reverse("interfaces_organisations:index") not in home


def test_menu_shows_tokens_to_producers_and_organisations_to_officers(client, producer_user, officer, world):
    client.force_login(producer_user)
    home = client.get("/admin/").content.decode()
    assert reverse("api_tokens:index") in home
    assert reverse("interfaces_organisations:index") not in home
    assert client.get(reverse("interfaces_organisations:index")).status_code in (302, 403)
    client.force_login(officer)
    home = client.get("/admin/").content.decode()
    assert reverse("api_tokens:index") in home and reverse("interfaces_organisations:index") in home


# -- organisations -----------------------------------------------------------------------------


def test_officer_adds_an_organisation_and_chooses_its_producers(client, officer, world):
    client.force_login(officer)
    response = client.post(
        reverse("interfaces_organisations:add"),
        {"name": "梁平包装中心", "kind": "packing", "credit_code": "", "contact_email": "", "is_active": "on"},
    )
    organisation = Organisation.objects.get(name="梁平包装中心")
    producers_url = reverse("interfaces_organisations:producers", args=[organisation.pk])
    assert response.status_code == 302 and response["Location"] == producers_url
    page = client.get(producers_url).content.decode()
    assert 'data-controller="w-model-chooser"' in page or "chooser" in page
    client.post(producers_url, {"producer": world["a"].pk})
    client.post(producers_url, {"producer": world["b"].pk})
    assert set(organisation.producers.all()) == {world["a"], world["b"]}
    page = client.get(producers_url).content.decode()
    assert A_NAME in page and B_NAME in page
    client.post(producers_url, {"remove": world["b"].pk})
    assert list(organisation.producers.all()) == [world["a"]]
    bad = client.post(producers_url, {"producer": "999999"})
    assert bad.status_code == 400 and "没有这个生产主体" in bad.content.decode()
    actions = list(ModelLogEntry.objects.for_instance(organisation).values_list("action", flat=True))
    assert actions.count("interfaces.organisation.producers") == 3
    history = client.get(reverse("interfaces_organisations:history", args=[organisation.pk])).content.decode()
    assert f"开始为 {A_NAME} 代为记录" in history and f"不再为 {B_NAME} 代为记录" in history
    listing = client.get(reverse("interfaces_organisations:index")).content.decode()
    assert "梁平包装中心" in listing and "1 个生产主体" in listing
    export = client.get(reverse("interfaces_organisations:index") + "?export=csv")
    assert "梁平包装中心" in b"".join(export.streaming_content).decode("utf-8-sig")


def test_producers_may_not_manage_organisations(client, producer_user, world):
    client.force_login(producer_user)
    organisation = world["organisation"]
    url = reverse("interfaces_organisations:producers", args=[organisation.pk])
    assert client.post(url, {"producer": world["a"].pk}).status_code in (302, 403)
    assert client.post(reverse("interfaces_organisations:add"), {"name": "自建机构", "kind": "other"}).status_code in (
        302,
        403,
    )
    assert list(organisation.producers.all()) == [world["b"]]
    assert not Organisation.objects.filter(name="自建机构").exists()


def test_another_producer_sees_only_its_own_token(client, world):
    client.force_login(world["other"])
    page = client.get(reverse("api_tokens:index")).content.decode()
    assert B_TOKEN in page and "冷链对接" not in page  # its producer's token, not the organisation's
    assert client.get(reverse("api_tokens:detail", args=[world["org_token"].pk])).status_code == 404


def test_groups_get_their_interface_permissions_after_every_migrate(db):
    from django.contrib.auth.models import Group

    from gi_registry.interfaces.setup import ensure_interface_permissions
    from gi_registry.setup import BRAND_EDITORS, REGISTRY_OFFICERS

    ensure_interface_permissions()  # again: idempotent
    ensure_interface_permissions()

    def codenames(group_name):
        group = Group.objects.get(name=group_name)
        return set(group.permissions.filter(content_type__app_label="interfaces").values_list("codename", flat=True))

    # (other areas of the app may give more permissions; these are the tokens' and organisations')
    organisation_perms = {"add_organisation", "change_organisation", "delete_organisation", "view_organisation"}
    token_perms = {"add_apitoken", "change_apitoken", "view_apitoken"}
    assert organisation_perms | token_perms <= codenames(REGISTRY_OFFICERS)
    assert token_perms <= codenames(PRODUCERS)
    assert not organisation_perms & codenames(PRODUCERS)
    assert not (organisation_perms | token_perms) & codenames(BRAND_EDITORS)
    assert not (organisation_perms | token_perms) & codenames(ENFORCEMENT_STAFF)
    assert Group.objects.filter(name=REGISTRY_OFFICERS).count() == 1
