"""A navigation or footer link's "path on this site" can never send a visitor to another site
(``/\\evil.example/`` was once accepted and rendered as is, which browsers read as
``//evil.example/``)."""

from urllib.parse import urljoin, urlsplit

import pytest
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from hypothesis import example, given
from hypothesis import strategies as st
from wagtail.models import Site

from website.models import FooterLink, NavigationLink, SiteSettings
from website.site_paths import browser_normalised, is_site_path

HOST = "gi.example.cn"
OFF_SITE = [
    "/\\evil.example/",
    "/\\\\evil.example",
    "//evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "\\\\evil.example",
    " //evil.example",
    "\x00//evil.example",
    "/\x0b/evil.example",  # vertical tab
    "/\u200b/evil.example",  # zero-width space (category Cf)
    "/gi/\\..\\..\\x",
    "https://evil.example/",
    "javascript:alert(1)",
    "gi/",
]
ON_SITE = ["/", "/gi/", "/producers/?township=lirang", "/standards/#db50", "/en/brands/梁平柚/", "/a%5Cb/", "/a/../b/"]


def lands_on_this_site(href: str) -> bool:
    """Where a browser on https://HOST/some/page/ goes with ``href``: Django's safety check on what
    the browser actually resolves (tabs and newlines dropped, ``\\`` read as ``/``)."""
    normalised = browser_normalised(href)
    if not url_has_allowed_host_and_scheme(normalised, allowed_hosts={HOST}, require_https=True):
        return False
    return urlsplit(urljoin(f"https://{HOST}/some/page/", normalised)).netloc == HOST


@pytest.mark.parametrize("path", OFF_SITE)
def test_off_site_paths_are_refused(path):
    assert not is_site_path(path)


def test_the_browser_model_sends_the_slash_tricks_off_site_and_keeps_plain_paths():
    # the model of a browser above is not vacuous: it sends the first eight off-site
    assert not any(lands_on_this_site(path) for path in OFF_SITE[:8])
    assert all(lands_on_this_site(path) for path in ON_SITE)


@pytest.mark.parametrize("path", ON_SITE)
def test_paths_on_this_site_are_accepted(path):
    assert is_site_path(path)


PIECES = ["/", "\\", "\t", "\n", "\r", " ", "\x00", "\u200b", "\u3000", ":", "@", "%5C", ".", "?", "#", "evil.example"]


@given(st.lists(st.sampled_from(PIECES), max_size=6).map("".join))
@example("/\\evil.example/")
@example("/\t/evil.example")
def test_whatever_is_accepted_lands_on_this_site(path):
    if is_site_path(path):
        assert lands_on_this_site(path)


# -- through the admin and on the page -----------------------------------------------------------


def site_settings() -> SiteSettings:
    return SiteSettings.for_site(Site.objects.get(is_default_site=True))


def formset(prefix: str, rows: list[dict]) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{key}": value for key, value in row.items()})
        data.update({f"{prefix}-{i}-ORDER": str(i + 1), f"{prefix}-{i}-id": "", f"{prefix}-{i}-DELETE": ""})
    return data


@pytest.mark.django_db
@pytest.mark.parametrize("relation", ["navigation_links", "footer_links"])
def test_the_admin_form_refuses_a_backslash_path_with_a_clear_error(client, superuser, relation):
    chosen = site_settings()
    chosen.save()
    url = f"/admin/settings/website/sitesettings/{chosen.site_id}/"
    client.force_login(superuser)
    assert client.get(url).status_code == 200
    links = {name: formset(name, []) for name in ("navigation_links", "footer_links")}
    links[relation] = formset(
        relation, [{"label": "恶意", "label_en": "", "link_page": "", "link_path": "/\\evil.example/"}]
    )
    data = {"organisation": "梁平区市场监督管理局", **links["navigation_links"], **links["footer_links"]}
    with translation.override("en"):
        response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200  # the form again, not a redirect after saving
    # the admin answers in its own language (the default: the user chose none), whatever the request asks
    assert "反斜杠" in response.content.decode()
    assert not NavigationLink.objects.exists() and not FooterLink.objects.exists()
    links[relation] = formset(relation, [{"label": "地理标志", "label_en": "", "link_page": "", "link_path": "/gi/"}])
    data = {"organisation": "梁平区市场监督管理局", **links["navigation_links"], **links["footer_links"]}
    assert client.post(url, data).status_code == 302  # the same form with a good path saves
    assert [x.link_path for x in getattr(site_settings(), relation).all()] == ["/gi/"]


@pytest.mark.django_db
def test_a_bad_row_already_stored_is_not_rendered(client):
    chosen = site_settings()
    chosen.save()
    NavigationLink.objects.create(settings=chosen, sort_order=0, label="地理标志", link_path="/gi/")
    NavigationLink.objects.create(settings=chosen, sort_order=1, label="恶意一", link_path="/\\evil.example/")
    FooterLink.objects.create(settings=chosen, sort_order=0, label="恶意二", link_path="/\t/evil.example")
    with translation.override("zh-hans"):
        html = client.get("/").content.decode()
    assert 'href="/gi/"' in html
    assert "evil.example" not in html and "恶意" not in html
