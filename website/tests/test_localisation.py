"""Page translations (Wagtail's built-in localisation): English copies in the "en" locale, Chinese
fallback for untranslated pages, language links and hreflang, one search document per page."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from wagtail.models import Locale

from brands.factories import brand_index, brand_page
from brands.models import BrandPage
from gi_registry.factories import family
from search import service
from website.models import AnnouncementIndexPage, AnnouncementPage, HomePage, ProductFamilyPage

pytestmark = pytest.mark.django_db


def english() -> Locale:
    return Locale.objects.get(language_code="en")


def translate(page, **fields):
    """Publish ``page``'s English translation with ``fields`` (copying parents first, as the admin's
    "Translate" action does)."""
    parent = page.get_parent().specific
    if parent.depth > 1 and parent.get_translation_or_none(english()) is None:
        translate(parent, title=f"EN {parent.title}")
    copy = page.copy_for_translation(english()).specific
    for name, value in fields.items():
        setattr(copy, name, value)
    copy.save_revision().publish()
    return copy


def get(client, url):
    with translation.override("zh-hans"):  # a request under /en/ must not leave English active here
        return client.get(url)


def test_migrations_create_both_content_locales():
    assert set(Locale.objects.values_list("language_code", flat=True)) == {"zh-hans", "en"}


def test_a_translated_page_is_served_in_each_language(client):
    page = brand_page(slogan="五子登科，丰味梁平")
    translate(page, title="Wuzi Dengke", slogan="Five zi, full flavour")
    chinese = get(client, "/brands/wuzi-dengke/").content.decode()
    english_html = get(client, "/en/brands/wuzi-dengke/").content.decode()
    assert "五子登科，丰味梁平" in chinese and "Five zi, full flavour" not in chinese
    assert "Five zi, full flavour" in english_html and "五子登科，丰味梁平" not in english_html
    assert "has not been translated" not in english_html


def test_an_untranslated_page_falls_back_to_chinese_under_the_english_address(client):
    home = HomePage.objects.get(locale__language_code="zh-hans")
    translate(home, title="Liangping GI Registry")
    index = AnnouncementIndexPage(title="公告与新闻", slug="announcements")
    home.add_child(instance=index)
    index.save_revision().publish()
    translate(index, title="Announcements")
    notice = AnnouncementPage(title="关于受理申请的公告", slug="notice-1", intro="受理时间")
    index.add_child(instance=notice)
    notice.save_revision().publish()

    response = get(client, "/en/announcements/notice-1/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "关于受理申请的公告" in html
    assert 'lang="zh-hans"' in html and "has not been translated yet" in html
    # the English index lists it, linked under /en/ so the visitor stays in English
    listing = get(client, "/en/announcements/").content.decode()
    assert "<h1>Announcements" in listing.replace("\n", "")
    assert 'href="/en/announcements/notice-1/"' in listing
    # and a path that exists in neither tree is still a 404
    assert get(client, "/en/announcements/nothing-here/").status_code == 404


def test_language_links_and_hreflang_point_at_the_translation_own_address(client):
    page = brand_page()
    translate(page, title="Sanxia Shaiqiu", slug="sanxia-shaiqiu-en")
    html = get(client, "/brands/wuzi-dengke/").content.decode()
    # absolute, on the site origin (never the request's Host)
    assert '<link rel="alternate" hreflang="en" href="http://testserver/en/brands/sanxia-shaiqiu-en/">' in html
    assert '<link rel="alternate" hreflang="zh-hans" href="http://testserver/brands/wuzi-dengke/">' in html
    back = get(client, "/en/brands/sanxia-shaiqiu-en/").content.decode()
    assert 'href="/brands/wuzi-dengke/" hreflang="zh-hans"' in back


def test_home_and_brand_index_list_each_brand_once_in_the_visitor_language(client):
    brand_page()
    brand_page(title="三峡晒秋", slug="sanxia-shaiqiu")
    translate(BrandPage.objects.get(slug="sanxia-shaiqiu"), title="Sanxia Shaiqiu")
    for url in ("/en/", "/en/brands/"):
        html = get(client, url).content.decode()
        assert html.count("Sanxia Shaiqiu") == 1 and "三峡晒秋" not in html, url
        assert "五子登科·丰味梁平" in html, url  # untranslated: shown in Chinese, once
    chinese = get(client, "/brands/").content.decode()
    assert "三峡晒秋" in chinese and "Sanxia Shaiqiu" not in chinese


def test_one_family_page_per_family_and_language():
    home = HomePage.objects.get(locale__language_code="zh-hans")
    page = ProductFamilyPage(title="柚子", slug="pomelo", family=family("pomelo"))
    home.add_child(instance=page)
    page.save_revision().publish()
    translated = translate(page, title="Pomelo")
    assert translated.family_id == page.family_id
    duplicate = ProductFamilyPage(title="Pomelo 2", slug="pomelo-2", family=family("pomelo"), locale=english())
    with pytest.raises(ValidationError):
        duplicate.full_clean()


def test_search_lists_a_translated_brand_once_and_finds_it_by_english_words(
    client, settings, django_capture_on_commit_callbacks
):
    settings.SEARCH_URL = ""  # the embedded index
    with django_capture_on_commit_callbacks(execute=True):
        page = brand_page(title="三峡晒秋", slug="sanxia-shaiqiu")
    with django_capture_on_commit_callbacks(execute=True):  # publishing the translation reindexes the brand
        translate(page, title="Three Gorges Harvest Sun", intro="Pomelos drying in the autumn sun")
    hits = service.search("Gorges").hits
    assert [(hit.type, hit.title) for hit in hits] == [("brand", "三峡晒秋")]
    assert [hit.title for hit in service.search("三峡晒秋").hits] == ["三峡晒秋"]
    english_results = get(client, "/en/search/?q=Gorges").content.decode()
    assert 'href="/en/brands/sanxia-shaiqiu/"' in english_results


def test_brand_index_exists_once_per_language():
    index = brand_index()
    translate(index, title="Brands")
    assert index.get_translations().count() == 1


def test_brand_editors_can_translate_and_edit_the_english_pages_through_the_same_workflow(client, brand_editor):
    from wagtail.models import Page, WorkflowPage

    from gi_registry.setup import WORKFLOW_NAME

    page = brand_page()
    english_page = translate(page, title="Wuzi Dengke")
    english_home = english_page.get_parent().get_parent()
    assert english_home.depth == 2  # a sibling of the Chinese home
    assert english_home.get_workflow().name == WORKFLOW_NAME
    assert english_page.get_workflow().name == WORKFLOW_NAME
    assert WorkflowPage.objects.get(page=Page.get_first_root_node()).workflow.name == WORKFLOW_NAME
    client.force_login(brand_editor)
    assert client.get(f"/admin/pages/{english_page.pk}/edit/").status_code == 200
    assert brand_editor.has_perm("simple_translation.submit_translation")
    assert client.get(f"/admin/translation/submit/page/{page.pk}/").status_code == 200
