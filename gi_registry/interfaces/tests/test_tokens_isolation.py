"""No admin URL shows another holder's API token or an organisation to a producer account, a brand
editor or enforcement staff: every URL registered under /admin/ (listings and their exports,
choosers, search, reports, history, bulk actions, the token and organisation views) is requested
with its path parameters filled with producer B's token or the organisation's id, and none of B's
token's name or key, nor the organisation's name, may appear."""

import re

import pytest
from django.urls import reverse
from wagtail.log_actions import log

from gi_registry.factories import ProducerFactory, make_user
from gi_registry.interfaces.models import ApiToken, Organisation
from gi_registry.protection.setup import ENFORCEMENT_STAFF
from gi_registry.setup import PRODUCERS
from gi_registry.tests.test_admin_isolation import LISTING_NAMES, SKIP_NAMES, admin_routes, body_text

pytestmark = pytest.mark.django_db

B_TOKEN = "LEAKTOKEN-B-8842"
ORG_NAME = "LEAKORG-8842物流"
OWN_TOKEN = "OWNTOKEN-A-1001"


def urls_for(route: str, token: ApiToken, organisation: Organisation) -> list[str]:
    record = organisation if "organisation" in route else token
    values = {
        "app_label": "interfaces",
        "model_name": "organisation" if "organisation" in route else "apitoken",
        "action": "delete",
    }
    url = route
    for param in ("pk", "id", "object_id", "instance_id", "app_label", "model_name", "action"):
        url = url.replace(f"<{param}>", values.get(param, str(record.pk)))
    url = re.sub(r"<\w+>", "1", url)  # other parameters (page ids, revision ids…): these views hold no token
    urls = [url, f"{url}?q=LEAK&id={record.pk}"]
    if LISTING_NAMES.search(route):
        urls += [f"{url}?export=csv", f"{url}?export=xlsx"]
    return urls


def test_no_admin_url_shows_another_holders_token(client, officer, producer_user, brand_editor):
    own = ProducerFactory()
    own.accounts.add(producer_user)
    own.save()
    own_token, _secret = ApiToken.issue(name=OWN_TOKEN, producer=own)
    producer_b = ProducerFactory(name="乙方隔离合作社")
    producer_b.accounts.add(make_user("producer-b", PRODUCERS))
    producer_b.save()
    token_b, _secret = ApiToken.issue(name=B_TOKEN, producer=producer_b)
    organisation = Organisation.objects.create(name=ORG_NAME)
    organisation.producers.add(producer_b)
    org_token, _secret = ApiToken.issue(name="机构令牌LEAK", organisation=organisation)
    for record in (token_b, organisation, org_token):
        log(instance=record, action="wagtail.create", user=officer)
    enforcer = make_user("enforcer", ENFORCEMENT_STAFF)

    markers = [B_TOKEN, token_b.key, ORG_NAME, "机构令牌LEAK", org_token.key]
    client.raise_request_exception = False
    routes = [(route, name) for route, name in admin_routes() if name not in SKIP_NAMES and "^.*" not in route]
    token_routes = [route for route, _name in routes if route.startswith("/admin/interfaces/")]
    assert len(token_routes) >= 10  # the tokens' and organisations' own views are in the walk
    leaks, requested, own_seen = [], 0, False
    for user in (producer_user, brand_editor, enforcer):
        client.force_login(user)
        for route, _name in routes:
            for url in urls_for(route, token_b, organisation):
                response = client.get(url)
                requested += 1
                text = body_text(response)
                leaks += [f"{user.username} {url} {response.status_code}: {m}" for m in markers if m in text]
        # and the producer's own token is there for it (the markers would show if they leaked)
        own_seen |= OWN_TOKEN in body_text(client.get(reverse("api_tokens:index")))
    assert requested > 900
    assert own_seen
    assert leaks == [], "\n".join(leaks)
    token_b.refresh_from_db()
    assert token_b.revoked_at is None and own_token.pk
