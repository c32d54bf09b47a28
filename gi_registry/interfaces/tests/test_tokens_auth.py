"""``authenticate()``: who is calling the EPCIS interface, and the problem JSON a refused caller gets
(unknown, revoked, expired, inactive organisation, wrong scope, bad header, rate limit); the
secret is stored only as its digest; anonymous public queries are limited per client address."""

import datetime
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone

from gi_registry.factories import ProducerFactory
from gi_registry.interfaces.models import ApiToken, Organisation
from gi_registry.interfaces.tokens import TokenRefused, authenticate, check_public_rate_limit

pytestmark = pytest.mark.django_db

CAPTURE, QUERY = ApiToken.Scope.CAPTURE, ApiToken.Scope.QUERY


@pytest.fixture(autouse=True)
def fresh_rate_windows():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def producer():
    return ProducerFactory()


def request_with(header: str | None = None, address: str = "203.0.113.7"):
    meta = {"REMOTE_ADDR": address}
    if header is not None:
        meta["HTTP_AUTHORIZATION"] = header
    return RequestFactory().get("/epcis/events", **meta)


def refusal(header, scope=QUERY) -> TokenRefused:
    with pytest.raises(TokenRefused) as caught:
        authenticate(request_with(header), scope)
    return caught.value


def problem_of(refused: TokenRefused) -> tuple[int, dict, object]:
    response = refused.response()
    assert response["Content-Type"] == "application/problem+json"
    return response.status_code, json.loads(response.content), response


def test_a_valid_token_is_the_caller_and_its_use_is_recorded(producer):
    token, secret = ApiToken.issue(name="包装线", producer=producer)
    assert authenticate(request_with(f"Bearer {secret}"), CAPTURE) == token
    assert authenticate(request_with(f"bearer   {secret}  "), QUERY) == token  # scheme case, spaces
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert token.producer_ids() == [producer.pk]


def test_no_header_is_anonymous():
    assert authenticate(request_with(None), QUERY) is None


@pytest.mark.parametrize("header", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer    ", "lp_abcd1234_secret", "Token x"])
def test_a_malformed_header_is_401_naming_the_expected_form(header):
    status, body, response = problem_of(refusal(header))
    assert status == 401
    assert body["type"] == "epcisException:SecurityException" and body["status"] == 401
    assert "Authorization: Bearer" in body["detail"]
    assert response["WWW-Authenticate"] == 'Bearer realm="epcis"'


def test_an_unknown_token_is_401(producer):
    token, secret = ApiToken.issue(name="真令牌", producer=producer)
    status, body, _response = problem_of(refusal(f"Bearer {secret}x"))
    assert status == 401 and "不存在、已撤销或已过期" in body["detail"]
    status, _body, _response = problem_of(refusal(f"Bearer lp_{token.key}_guessed"))
    assert status == 401


def test_a_revoked_token_is_401(producer):
    token, secret = ApiToken.issue(name="已撤销", producer=producer)
    assert authenticate(request_with(f"Bearer {secret}"), QUERY) == token
    token.revoke()
    status, body, _response = problem_of(refusal(f"Bearer {secret}"))
    assert status == 401 and "已撤销" in body["detail"]


def test_an_expired_token_is_401(producer):
    token, secret = ApiToken.issue(
        name="到期", producer=producer, expires_at=timezone.now() + datetime.timedelta(minutes=5)
    )
    assert authenticate(request_with(f"Bearer {secret}"), QUERY) == token
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    status, _body, _response = problem_of(refusal(f"Bearer {secret}"))
    assert status == 401


def test_an_inactive_organisations_token_is_401(producer):
    organisation = Organisation.objects.create(name="停用的物流企业")
    organisation.producers.add(producer)
    token, secret = ApiToken.issue(name="机构令牌", organisation=organisation)
    assert authenticate(request_with(f"Bearer {secret}"), CAPTURE) == token
    assert token.producer_ids() == [producer.pk]
    Organisation.objects.filter(pk=organisation.pk).update(is_active=False)
    status, body, _response = problem_of(refusal(f"Bearer {secret}", CAPTURE))
    assert status == 401 and "停用" in body["detail"]


def test_a_token_outside_its_scope_is_403(producer):
    reader, reader_secret = ApiToken.issue(name="只读", producer=producer, can_capture=False)
    writer, writer_secret = ApiToken.issue(name="只写", producer=producer, can_query=False)
    assert authenticate(request_with(f"Bearer {reader_secret}"), QUERY) == reader
    assert authenticate(request_with(f"Bearer {writer_secret}"), CAPTURE) == writer
    status, body, response = problem_of(refusal(f"Bearer {reader_secret}", CAPTURE))
    assert status == 403 and "上报事件" in body["detail"]
    assert "WWW-Authenticate" not in response
    status, body, _response = problem_of(refusal(f"Bearer {writer_secret}", QUERY))
    assert status == 403 and "查询事件" in body["detail"]


def test_a_token_past_its_rate_limit_is_429_with_retry_after(producer, settings):
    settings.EPCIS_TOKEN_RATE_LIMIT = 3
    settings.EPCIS_TOKEN_RATE_WINDOW = 60
    token, secret = ApiToken.issue(name="繁忙", producer=producer)
    other, other_secret = ApiToken.issue(name="另一个", producer=producer)
    for _ in range(3):
        assert authenticate(request_with(f"Bearer {secret}"), QUERY) == token
    status, body, response = problem_of(refusal(f"Bearer {secret}"))
    assert status == 429 and body["title"] == "Too Many Requests"
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response["Retry-After"] in body["detail"]
    # per token, not per address: another token from the same address still gets in
    assert authenticate(request_with(f"Bearer {other_secret}"), QUERY) == other


def test_no_rate_limit_when_set_to_zero(producer, settings):
    settings.EPCIS_TOKEN_RATE_LIMIT = 0
    token, secret = ApiToken.issue(name="不限", producer=producer)
    for _ in range(20):
        assert authenticate(request_with(f"Bearer {secret}"), QUERY) == token


def test_anonymous_queries_are_limited_per_client_address(settings):
    settings.EPCIS_PUBLIC_RATE_LIMIT = 2
    settings.EPCIS_PUBLIC_RATE_WINDOW = 60
    for _ in range(2):
        check_public_rate_limit(request_with(None, "198.51.100.1"))
    with pytest.raises(TokenRefused) as caught:
        check_public_rate_limit(request_with(None, "198.51.100.1"))
    status, body, response = problem_of(caught.value)
    assert status == 429 and int(response["Retry-After"]) >= 1
    assert "API 令牌" in body["detail"]
    check_public_rate_limit(request_with(None, "198.51.100.2"))  # another address has its own window


def test_the_secret_is_stored_only_as_its_digest(producer):
    token, secret = ApiToken.issue(name="只存摘要", producer=producer)
    random_part = secret.rsplit("_", 1)[1]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table}")  # noqa: S608 (the model's table)
        stored = "\n".join(str(value) for row in cursor.fetchall() for value in row)
    assert token.key in stored  # the public part is there ...
    assert secret not in stored and random_part not in stored  # ... the secret is not
    assert len(token.secret_digest) == 64 and token.secret_digest not in secret
