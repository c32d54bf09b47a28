"""The navigation and footer are site settings that staff edit; every public page shows them."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from wagtail.models import Site

from brands.factories import brand_index
from website.models import FooterLink, NavigationLink, SiteSettings

pytestmark = pytest.mark.django_db


def site_settings() -> SiteSettings:
    return SiteSettings.for_site(Site.objects.get(is_default_site=True))


def get(client, url) -> str:
    with translation.override("zh-hans"):
        return client.get(url).content.decode()


def nav(html: str) -> str:
    return html.split('aria-label="主导航"' if "主导航" in html else 'aria-label="Main"', 1)[1].split("</nav>", 1)[0]


def test_without_settings_the_navigation_has_the_registry_links(client):
    html = nav(get(client, "/"))
    for href in ('href="/gi/"', 'href="/producers/"', 'href="/standards/"', 'href="/search/"'):
        assert href in html


def test_configured_navigation_in_both_languages_and_the_current_link_marked(client):
    index = brand_index()
    chosen = site_settings()
    chosen.save()
    NavigationLink.objects.create(settings=chosen, sort_order=0, label="区域品牌", label_en="Brands", link_page=index)
    NavigationLink.objects.create(
        settings=chosen, sort_order=1, label="生产主体", label_en="Producers", link_path="/producers/"
    )
    chinese = nav(get(client, "/brands/"))
    assert '<a href="/brands/" aria-current="page">区域品牌</a>' in chinese
    assert '<a href="/producers/">生产主体</a>' in chinese
    assert "/gi/" not in chinese  # the defaults are gone once staff set a navigation
    english = nav(get(client, "/en/producers/"))
    assert '<a href="/en/producers/" aria-current="page">Producers</a>' in english
    assert '<a href="/en/brands/">Brands</a>' in english


def test_footer_shows_the_organisation_contact_and_links(client):
    chosen = site_settings()
    chosen.address = "重庆市梁平区双桂街道"
    chosen.phone = "023-5322 0000"
    chosen.email = "ip@example.cn"
    chosen.icp_number = "渝ICP备00000000号-1"
    chosen.save()
    FooterLink.objects.create(settings=chosen, label="联系我们", label_en="Contact", link_path="/contact/")
    html = get(client, "/").split('<footer class="site-footer">', 1)[1]
    assert "重庆市梁平区市场监督管理局（知识产权局）" in html
    assert 'href="tel:023-53220000"' in html and 'href="mailto:ip@example.cn"' in html
    assert "渝ICP备00000000号-1" in html and '<a href="/contact/">联系我们</a>' in html
    english = get(client, "/en/").split('<footer class="site-footer">', 1)[1]
    assert "Market Supervision Administration" in english and '<a href="/en/contact/">Contact</a>' in english


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "Choose a page or give a path"),
        ({"link_path": "gi/"}, "starts with a single"),
        ({"link_path": "//evil.example/"}, "starts with a single"),
    ],
)
def test_a_link_needs_exactly_one_target_on_this_site(fields, message):
    link = NavigationLink(settings=site_settings(), label="地理标志", **fields)
    with translation.override("en"), pytest.raises(ValidationError, match=message):
        link.clean()


def test_editing_the_settings_refreshes_cached_pages(client, settings):
    settings.PAGE_CACHE_SECONDS = 60
    assert "公告中心" not in get(client, "/")
    assert get(client, "/") and client.get("/").headers.get("X-Page-Cache") == "hit"
    chosen = site_settings()
    chosen.save()
    NavigationLink.objects.create(settings=chosen, label="公告中心", link_path="/announcements/")
    assert "公告中心" in get(client, "/")
