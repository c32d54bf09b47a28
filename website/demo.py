"""The site's demo pages, and their steps of the demo loader (``core.demo``, ``manage.py load_demo_data``):
the home page's text, one page per "five zi" product family, the announcements, the contact page,
their English versions, the navigation and footer (site settings) and the Site record.

The intros paraphrase the district's 2021–2025 IP plan (梁平府发〔2022〕9号, 第六章), which supports
梁平大米精深加工、张鸭子绿色畜牧产品、豆筋绿色休闲食品、梁平柚有机绿色饮品 brand projects; everything
else on the pages (GIs, brands, producers, standards) is gathered from the registry, whose invented
records carry the "demo" badge. Each family page's photo is an illustration drawn by
``core.demo_art`` (titled 示例·<family> 产品照片, tagged 示例图片, "示例 DEMO" on the picture).
"""

import datetime
from urllib.parse import urlsplit

from wagtail.models import Site

from core.demo import (
    HOME,
    PAGES,
    SITE,
    TRANSLATIONS,
    DemoRun,
    Outcome,
    Step,
    demo_image,
    home_page,
    publish_page,
    publish_translations,
)
from core.demo_art import product_illustration
from core.i18n import source_pages
from core.origin import site_origin
from gi_registry.media_collections import brand_assets_collection
from gi_registry.models import ProductFamily

from .models import (
    AnnouncementIndexPage,
    AnnouncementPage,
    ContactFormField,
    ContactPage,
    FooterLink,
    NavigationLink,
    ProductFamilyPage,
    SiteSettings,
)

HOME_PAGE = {
    "intro": (
        "梁平区地理标志、农产品区域公共品牌、授权使用主体和地方标准的公共登记。"
        "扫描包装上的二维码，即可核验产品真伪，查看产地、批次、生产主体与授权信息。"
    ),
    "body": (
        "<p>稻子、柚子、鸭子、豆子、笋子——梁平的“五子”绿色食品产业群，是《重庆市梁平区知识产权保护和运用"
        "“十四五”规划（2021—2025年）》重点服务的对象。规划提出打造和推广“五子登科·丰味梁平”等梁平地理标志"
        "和农产品区域公共品牌，推动地理标志运用示范基地和绿色农业地方标准建设。</p>"
        "<p>本站登记地理标志（农产品地理标志、地理标志保护产品、地理标志证明商标和集体商标）、获准使用的"
        "生产主体及其授权、适用的国家、行业、地方、团体和企业标准，并提供开放数据下载。</p>"
        "<p>说明：本站当前载有演示数据。标有“演示”的记录为虚构，仅供试用，不是官方登记内容。</p>"
    ),
}


#: the drawn product photos (``core.demo_art.product_illustration``) and their alt texts
FAMILY_PHOTOS = {
    "rice": ("梯田边低垂的金黄稻穗（示例插图）", "Golden ears of rice bowing over the paddies (demo illustration)"),
    "pomelo": (
        "竹筐里的梁平柚与切开的柚子（示例插图）",
        "Liangping pomelos in a basket, one cut open (demo illustration)",
    ),
    "duck": ("盘中一只酱红色的张鸭子（示例插图）", "A lacquered Zhang's duck on a plate (demo illustration)"),
    "beans": (
        "晾架上的豆筋与一碗黄豆（示例插图）",
        "Bean-curd sticks drying on a rack, a bowl of soybeans (demo illustration)",
    ),
    "bamboo": ("竹林下破土的竹笋（示例插图）", "Bamboo shoots breaking through the soil (demo illustration)"),
}

FAMILY_PAGES = [
    {
        "family": "rice",
        "title": "稻子",
        "intro": "<p>梁平坝区是重庆重要的优质稻产区。区“十四五”知识产权规划支持梁平大米精深加工领域的重点品牌培育项目。</p>",
    },
    {
        "family": "pomelo",
        "title": "柚子",
        "intro": (
            "<p>梁平柚是农业部登记的农产品地理标志（2008年），2019年列入中国农业品牌目录。"
            "规划支持梁平柚有机绿色饮品领域的重点品牌培育项目。</p>"
        ),
    },
    {
        "family": "duck",
        "title": "鸭子",
        "intro": "<p>张鸭子是梁平著名的地方产品。规划支持张鸭子绿色畜牧产品领域的重点品牌培育项目。</p>",
    },
    {
        "family": "beans",
        "title": "豆子",
        "intro": "<p>梁平豆筋、豆干等豆制品。规划支持豆筋绿色休闲食品领域的重点品牌培育项目。</p>",
    },
    {
        "family": "bamboo",
        "title": "笋子",
        "intro": "<p>百里竹海的竹笋与笋制品，是“五子”绿色食品产业群的一员。</p>",
    },
]

# --- announcements (公告/新闻): all invented (``is_demo=True``); dates fixed so reloading changes nothing

ANNOUNCEMENT_INDEX = {
    "title": "公告与新闻",
    "slug": "announcements",
    "intro": "<p>地理标志、授权使用与区域品牌的公告和新闻。</p>",
}

ANNOUNCEMENTS = [
    {
        "slug": "2026-gi-mark-applications",
        "title": "关于受理2026年度地理标志专用标志使用申请的公告（演示）",
        "date": datetime.date(2026, 3, 2),
        "kind": "notice",
        "intro": "演示公告：说明申请使用地理标志专用标志的条件、材料与受理时间。",
        "body": (
            "<p>（演示文本）符合产地范围和质量技术要求的生产主体，可向区市场监督管理局（知识产权局）申请使用"
            "地理标志专用标志。申请材料包括营业执照、产地证明、产品检验报告与质量管理制度。</p>"
        ),
    },
    {
        "slug": "2026-authorised-producers",
        "title": "2026年第一批核准使用地理标志专用标志的生产主体名单（演示）",
        "date": datetime.date(2026, 6, 15),
        "kind": "notice",
        "intro": "演示公告：名单以本站登记的有效授权为准。",
        "body": "<p>（演示文本）获准使用的生产主体及其授权编号、有效期，见本站“生产主体”与各地理标志页面。</p>",
    },
    {
        "slug": "2026-shaiqiu-brands",
        "title": "晒秋节上的梁平区域公用品牌（演示）",
        "date": datetime.date(2026, 9, 23),
        "kind": "news",
        "intro": "演示新闻：“五子登科·丰味梁平”“万石耕春·丰味梁平”“三峡晒秋”在晒秋节集中展示。",
        "body": "<p>（演示文本）秋分时节，梁平区在晒秋节上集中展示区域公用品牌与“五子”产品。</p>",
    },
]

# --- English translations (the "en" locale's copies); announcements stay Chinese-only, so the demo
# also shows how an untranslated page falls back

HOME_PAGE_EN = {
    "title": "Liangping GI Registry",
    "intro": (
        "The public register of Liangping's geographical indications, regional public brands, authorised "
        "producers and local standards. Scan the QR code on a box to check that it is genuine and see its "
        "origin, batch, producer and authorisation."
    ),
    "body": (
        "<p>Rice, pomelo, duck, beans and bamboo shoots — Liangping's “five zi” green-food industries — are the "
        "focus of the district's 2021–2025 plan for protecting and using intellectual property, which asks for "
        "Liangping GI and regional public brands such as “Wuzi Dengke · Fengwei Liangping”, GI demonstration "
        "bases and local standards for green agriculture.</p>"
    ),
}

FAMILY_PAGES_EN = {
    "rice": {
        "title": "Rice",
        "intro": "<p>The Liangping plain is one of Chongqing's main quality-rice areas; the district's IP plan "
        "supports brands for processed Liangping rice.</p>",
    },
    "pomelo": {
        "title": "Pomelo",
        "intro": "<p>Liangping pomelo was registered as an agricultural-product GI by the Ministry of Agriculture "
        "in 2008 and listed in the China Agricultural Brand Catalogue in 2019.</p>",
    },
    "duck": {
        "title": "Duck",
        "intro": "<p>Zhang's duck (张鸭子) is a well-known Liangping speciality; the plan supports its green "
        "livestock-product brand.</p>",
    },
    "beans": {
        "title": "Beans",
        "intro": "<p>Liangping bean sticks (豆筋), dried tofu and other bean products; the plan supports green "
        "snack-food brands for bean sticks.</p>",
    },
    "bamboo": {
        "title": "Bamboo shoots",
        "intro": "<p>Shoots and shoot products from the Baili Bamboo Sea, one of the five zi green-food "
        "industries.</p>",
    },
}

ANNOUNCEMENT_INDEX_EN = {
    "title": "Announcements and news",
    "intro": "<p>Announcements and news on geographical indications, authorisations and regional brands "
    "(published in Chinese; English where translated).</p>",
}

# --- the contact page and the site's navigation and footer (site settings)

CONTACT_PAGE = {
    "title": "联系我们",
    "slug": "contact",
    "intro": (
        "<p>地理标志专用标志使用申请、假冒产品举报、地方标准咨询，或对本站的意见，请在此留言。"
        "我们在五个工作日内答复。（演示页面：留言只保存在本站，不会发出。）</p>"
    ),
    "thank_you_text": "<p>谢谢，您的留言已收到。我们会在五个工作日内答复。</p>",
}

CONTACT_FIELDS = [
    {"label": "姓名", "field_type": "singleline", "required": True},
    {"label": "电话或电子邮箱", "field_type": "singleline", "required": True, "help_text": "用于答复您"},
    {
        "label": "事项",
        "field_type": "dropdown",
        "required": True,
        "choices": "地理标志专用标志使用申请\n假冒产品举报\n地方标准咨询\n其他",
    },
    {"label": "留言", "field_type": "multiline", "required": True},
]

CONTACT_PAGE_EN = {
    "title": "Contact us",
    "intro": (
        "<p>Applying to use a GI special mark, reporting a counterfeit, a question about a local standard or about "
        "this site: leave us a message. We answer within five working days. (Demo page: messages are only stored "
        "on this site, never sent.)</p>"
    ),
    "thank_you_text": "<p>Thank you: your message has been received. We answer within five working days.</p>",
}

#: (label, English label, page slug or site path); a slug names a page under the home page
NAVIGATION = [
    ("区域品牌", "Brands", "brands"),
    ("地理标志", "GIs", "/gi/"),
    ("生产主体", "Producers", "/producers/"),
    ("地方标准", "Standards", "/standards/"),
    ("公告", "News", "announcements"),
    ("规划指标", "Plan indicators", "indicators"),
    ("搜索", "Search", "/search/"),
]
FOOTER_LINKS = [("联系我们", "Contact us", "contact"), ("公告与新闻", "Announcements", "announcements")]
SITE_FOOTER = {
    "address": "重庆市梁平区（演示地址）",
    "phone": "",
    "email": "",
    "icp_number": "",
}

CONTACT_FIELDS_EN = [
    {"label": "Name", "field_type": "singleline", "required": True},
    {
        "label": "Telephone or e-mail",
        "field_type": "singleline",
        "required": True,
        "help_text": "So that we can answer",
    },
    {
        "label": "About",
        "field_type": "dropdown",
        "required": True,
        "choices": "Applying to use a GI special mark\nReporting a counterfeit\nA local standard\nSomething else",
    },
    {"label": "Message", "field_type": "multiline", "required": True},
]


# --- Loading -----------------------------------------------------------------------------------
# Pages are found by slug (a family page by its family) under the home page (the default site's
# root) and published as a new revision only when new or different.


def load_home_page(run: DemoRun) -> None:
    page = home_page()
    if page is None:
        run.warn("home page: none found (run migrate first); skipped")
        return
    changed = not page.live or any(getattr(page, name) != value for name, value in HOME_PAGE.items())
    if changed:
        for name, value in HOME_PAGE.items():
            setattr(page, name, value)
        page.save_revision(log_action=True).publish()
    run.record("home page", str(page.pk), Outcome.UPDATED if changed else Outcome.UNCHANGED, 1, 1)


def load_family_photos(run: DemoRun) -> dict:
    """A drawn illustration per family (titled 示例·<family> 产品照片, tagged 示例图片), in 品牌素材."""
    collection = brand_assets_collection()
    photos = {}
    for position, data in enumerate(FAMILY_PAGES, 1):
        slug = data["family"]
        image, outcome = demo_image(
            f"{data['title']} 产品照片", lambda slug=slug: product_illustration(slug), collection, f"demo-{slug}.png"
        )
        photos[slug] = image
        run.record("product photos", slug, outcome, position, len(FAMILY_PAGES))
    return photos


def load_family_pages_and_announcements(run: DemoRun) -> None:
    home = home_page()
    if home is None:
        return
    families = {f.slug: f for f in ProductFamily.objects.all()}
    photos = load_family_photos(run)
    for position, data in enumerate(FAMILY_PAGES, 1):
        family = families[data["family"]]
        values = {
            "title": data["title"],
            "slug": family.slug,
            "intro": data["intro"],
            "image": photos[family.slug],
            "image_alt": FAMILY_PHOTOS[family.slug][0],
        }
        page = source_pages(ProductFamilyPage.objects.filter(family=family)).first() or ProductFamilyPage(family=family)
        run.record("family pages", family.slug, publish_page(page, values, parent=home), position, len(FAMILY_PAGES))
    total = 1 + len(ANNOUNCEMENTS)
    index = AnnouncementIndexPage.objects.child_of(home).first() or AnnouncementIndexPage()
    run.record("announcements", "index", publish_page(index, ANNOUNCEMENT_INDEX, parent=home), 1, total)
    for position, data in enumerate(ANNOUNCEMENTS, 2):
        page = source_pages(AnnouncementPage.objects.filter(slug=data["slug"])).first() or AnnouncementPage()
        outcome = publish_page(page, {**data, "is_demo": True}, parent=index)
        run.record("announcements", data["slug"], outcome, position, total)


def load_contact_page(run: DemoRun) -> None:
    home = home_page()
    if home is None:
        return
    page = source_pages(ContactPage.objects.all()).first() or ContactPage()
    fields_changed = set_form_fields(page, CONTACT_FIELDS)
    run.record("contact page", "contact", publish_page(page, CONTACT_PAGE, parent=home, force=fields_changed), 1, 1)


def set_form_fields(page: ContactPage, fields: list[dict]) -> bool:
    """Give ``page`` these form fields (unsaved); False when it has them already."""
    wanted = [{"help_text": "", "choices": "", **field} for field in fields]
    current = [{name: getattr(f, name) for name in wanted[0]} for f in page.form_fields.all()] if page.pk else []
    if current == [{name: field[name] for name in wanted[0]} for field in wanted]:
        return False
    page.form_fields = [ContactFormField(sort_order=i, **field) for i, field in enumerate(wanted)]
    return True


def translate_home_page(run: DemoRun) -> None:
    publish_translations(run, [(home_page(), HOME_PAGE_EN)])


def translate_pages(run: DemoRun) -> None:
    """The English family pages, announcement index and contact page (announcements stay Chinese)."""
    work = [
        (
            page,
            {**FAMILY_PAGES_EN[page.family.slug], "image": page.image, "image_alt": FAMILY_PHOTOS[page.family.slug][1]},
        )
        for page in source_pages(ProductFamilyPage.objects.select_related("family", "image"))
        if page.family.slug in FAMILY_PAGES_EN
    ]
    work.append((source_pages(AnnouncementIndexPage.objects.all()).first(), ANNOUNCEMENT_INDEX_EN))
    work.append((source_pages(ContactPage.objects.all()).first(), CONTACT_PAGE_EN))

    def contact_fields(translation) -> bool:
        return isinstance(translation, ContactPage) and set_form_fields(translation, CONTACT_FIELDS_EN)

    publish_translations(run, work, prepare=contact_fields)


def load_site_settings(run: DemoRun) -> None:
    """The demo navigation and footer (site settings), replaced only when they differ."""
    site = Site.objects.filter(is_default_site=True).first()
    home = home_page()
    if site is None or home is None:
        return
    chosen = SiteSettings.objects.filter(site=site).first() or SiteSettings(site=site)

    def links(rows):
        result = []
        for label, label_en, target in rows:
            page = None if target.startswith("/") else home.get_children().filter(slug=target).first()
            if page is None and not target.startswith("/"):
                continue  # that page is not there (yet)
            result.append((label, label_en, page.pk if page else None, target if page is None else ""))
        return result

    wanted = (links(NAVIGATION), links(FOOTER_LINKS), SITE_FOOTER)

    def rows(links):
        return [(x.label, x.label_en, x.link_page_id, x.link_path) for x in links.all()]

    def made(model, wanted_rows):
        return [
            model(sort_order=i, label=a, label_en=b, link_page_id=c, link_path=d)
            for i, (a, b, c, d) in enumerate(wanted_rows)
        ]

    current = (
        rows(chosen.navigation_links),
        rows(chosen.footer_links),
        {name: getattr(chosen, name) for name in SITE_FOOTER},
    )
    if chosen.pk and current == wanted:
        outcome = Outcome.UNCHANGED
    else:
        outcome = Outcome.UPDATED if chosen.pk else Outcome.CREATED
        for name, value in SITE_FOOTER.items():
            setattr(chosen, name, value)
        chosen.navigation_links = made(NavigationLink, wanted[0])
        chosen.footer_links = made(FooterLink, wanted[1])
        chosen.save()
    run.record("site settings", "navigation and footer", outcome, 1, 1)


def load_site_record(run: DemoRun) -> None:
    """The default Site's hostname and port from the site origin (``SITE_ORIGIN``, in
    development ``WAGTAILADMIN_BASE_URL``): Wagtail's sitemap and page URLs use them, and a
    fresh database says ``localhost:80``."""
    origin = urlsplit(site_origin())
    site = Site.objects.filter(is_default_site=True).first()
    if site is None or not origin.hostname:
        return
    port = origin.port or (443 if origin.scheme == "https" else 80)
    changed = (site.hostname, site.port) != (origin.hostname, port)
    if changed:
        site.hostname, site.port = origin.hostname, port
        site.save(update_fields=["hostname", "port"])
    run.record("site record", str(site.pk), Outcome.UPDATED if changed else Outcome.UNCHANGED, 1, 1)


# The page tree keeps its order: brands (brands.demo, PAGES), family pages and announcements, the
# dashboard (indicators.demo, PAGES + 20), the contact page; the English home page before the other
# English pages; navigation and footer once every page they link to exists.
DEMO_STEPS = [
    Step(HOME, load_home_page),
    Step(PAGES + 10, load_family_pages_and_announcements),
    Step(PAGES + 30, load_contact_page),
    Step(TRANSLATIONS, translate_home_page),
    Step(TRANSLATIONS + 20, translate_pages),
    Step(SITE, load_site_settings),
    Step(SITE + 10, load_site_record),
]
