"""Demo brand pages, and their steps of the demo loader (``core.demo``, ``manage.py load_demo_data``).

The brand index goes under the home page (the default site's root), the brands under the index;
each page is found by its slug and published as a new revision only when new or different
(StreamFields compared without their generated block ids), then its English version likewise.

What is real, and where it comes from
-------------------------------------
- The three regional public brands and their names: the district's 2021–2025 IP plan
  (梁平府发〔2022〕9号): 第六章 asks to build and promote
  “五子登科·丰味梁平” for the five zi green-food industries, and 第五章（6）to help “万石耕春·丰味梁平”
  and “三峡晒秋” apply as regional public brands.
- 万石耕春·丰味梁平 was launched at the district's second 晒秋节.
- 梁平柚: about 150,000 mu planted, listed in the 中国农业品牌目录 in 2019 (public sources); the district
  held 11 GI trademarks at the end of 2020 (the seed's own figure).

What is invented (every page is ``is_demo=True`` and says so)
------------------------------------------------------------
The slogans (other than the brand names themselves), the owners, the stories' wording and the
choice of which demo GIs sit under which brand. The logos are drawn here (``core.demo_art``), not
the brands' real ones: a round badge with the name, titled 示例·<brand> 标志, tagged 示例图片 and
marked "示例品牌标志" on the picture itself, so that none can pass for an official logo.
"""

from core.demo import (
    PAGES,
    TRANSLATIONS,
    DemoRun,
    Step,
    demo_image,
    home_page,
    publish_page,
    publish_translations,
)
from core.demo_art import brand_logo
from core.i18n import source_pages
from gi_registry.media_collections import brand_assets_collection
from gi_registry.models import GeographicalIndication, ProductFamily

from .blocks import BrandStoryBlock
from .models import BrandIndexPage, BrandPage

BRAND_INDEX = {
    "title": "区域品牌",
    "slug": "brands",
    "intro": (
        "<p>梁平区的农产品区域公用品牌与企业品牌。品牌下的产品来自本站登记的地理标志，"
        "获准使用品牌的生产主体由登记的有效授权自动列出。</p>"
    ),
}

_PLAN = "《重庆市梁平区知识产权保护和运用“十四五”规划（2021—2025年）》"

BRANDS = [
    {
        "slug": "wuzi-dengke",
        "title": "五子登科·丰味梁平",
        "kind": "regional",
        "slogan": "稻子、柚子、鸭子、豆子、笋子——五子登科，丰味梁平",
        "brand_owner": "梁平区农业农村委员会（演示）",
        "intro": (
            "区“十四五”知识产权规划提出打造和推广“五子登科·丰味梁平”等一批具有市场竞争力的梁平地理标志和"
            "农产品区域公共品牌，为“五子”绿色食品产业群统一规划、提升知名度。"
        ),
        "geographical_indications": [
            "liangping-dami",
            "liangping-you",
            "liangping-zhangyazi",
            "liangping-doujin",
            "baili-zhuhai-zhusun",
        ],
        "product_families": ["rice", "pomelo", "duck", "beans", "bamboo"],
        "story": [
            (
                "text",
                f"<p>{_PLAN}把稻子、柚子、鸭子、豆子、笋子称为梁平的“五子”绿色食品产业群，"
                "要求“统一规划提升梁平特色产品知名度”。“五子登科·丰味梁平”把五类产品放在一个区域公用品牌之下。</p>"
                "<p>（演示文本：以下数字与产品清单用于试用本系统。）</p>",
            ),
            (
                "key_figures",
                {
                    "heading": "品牌一览",
                    "figures": [
                        {"label": "产业群", "value": "5", "unit": "类"},
                        {"label": "地理标志商标（2020年底）", "value": "11", "unit": "件"},
                        {"label": "梁平柚种植面积", "value": "约15", "unit": "万亩"},
                    ],
                },
            ),
            ("quote", {"text": "五子登科，丰味梁平。", "attribution": "品牌名称"}),
            (
                "products",
                {
                    "heading": "品牌产品",
                    "products": [
                        "liangping-dami",
                        "liangping-you",
                        "liangping-zhangyazi",
                        "liangping-doujin",
                        "baili-zhuhai-zhusun",
                    ],
                },
            ),
            ("licensed_producers", {"heading": "获准使用的生产主体"}),
        ],
    },
    {
        "slug": "wanshi-gengchun",
        "title": "万石耕春·丰味梁平",
        "kind": "regional",
        "slogan": "万石耕春，稻香梁平（演示口号）",
        "brand_owner": "梁平区稻米产业协会（演示）",
        "intro": ("在梁平区第二届晒秋节上发布的农产品区域公用品牌；区“十四五”知识产权规划提出助推其申报区域公用品牌。"),
        "geographical_indications": ["liangping-dami"],
        "product_families": ["rice"],
        "story": [
            (
                "text",
                "<p>“万石耕春”取梁平坝区稻田万石丰收之意（演示文本）。品牌在第二届晒秋节上发布，"
                "以梁平大米为核心产品。</p>",
            ),
            ("products", {"heading": "品牌产品", "products": ["liangping-dami"]}),
            ("licensed_producers", {"heading": "获准使用的生产主体"}),
        ],
    },
    {
        "slug": "sanxia-shaiqiu",
        "title": "三峡晒秋",
        "kind": "regional",
        "slogan": "晒出三峡的秋天（演示口号）",
        "brand_owner": "梁平区农产品区域公用品牌运营中心（演示）",
        "intro": "区“十四五”知识产权规划提出助推“三峡晒秋”申报区域公用品牌。",
        "geographical_indications": ["liangping-you", "liangping-doujin"],
        "product_families": ["pomelo", "beans"],
        "story": [
            (
                "text",
                "<p>秋收时节晒场上的柚子、豆子与稻谷，是“晒秋”的由来（演示文本）。本页列出的产品与生产主体用于试用本系统。</p>",
            ),
            ("products", {"heading": "品牌产品", "products": ["liangping-you", "liangping-doujin"]}),
            ("licensed_producers", {"heading": "获准使用的生产主体"}),
        ],
    },
]

#: the drawn demo logos: (Latin name, badge colour, accent colour, motif)
LOGOS = {
    "wuzi-dengke": ("Wuzi Dengke", "#3f7d3a", "#f2c14e", "five"),
    "wanshi-gengchun": ("Wanshi Gengchun", "#b5651d", "#fbe7a1", "rice"),
    "sanxia-shaiqiu": ("Sanxia Shaiqiu", "#c0392b", "#ffd27a", "sun"),
}

# --- English translations (the "en" locale's copies of the pages above); invented like the rest

BRAND_INDEX_EN = {
    "title": "Regional brands",
    "intro": (
        "<p>Liangping's regional public brands and enterprise brands for farm produce. A brand's products "
        "are geographical indications in this registry; the producers allowed to use it are listed "
        "automatically from the registry's valid authorisations.</p>"
    ),
}

_PLAN_EN = "Liangping's 2021–2025 plan for protecting and using intellectual property"

BRANDS_EN = {
    "wuzi-dengke": {
        "title": "Wuzi Dengke · Fengwei Liangping (五子登科·丰味梁平)",
        "slogan": "Rice, pomelo, duck, beans and bamboo shoots: the five zi of Liangping (demo slogan)",
        "brand_owner": "Liangping District Agriculture and Rural Affairs Commission (demo)",
        "intro": (
            "The district's 2021–2025 IP plan asks for competitive Liangping GI and regional public brands such "
            "as “Wuzi Dengke · Fengwei Liangping”, planned together to make the five zi green-food industries "
            "better known."
        ),
        "story": [
            (
                "text",
                f"<p>{_PLAN_EN} calls rice, pomelo, duck, beans and bamboo shoots Liangping's “five zi” green-food "
                "industries and asks to raise their profile under one plan. “Wuzi Dengke · Fengwei Liangping” "
                "puts the five under one regional public brand.</p>"
                "<p>(Demo text: the figures and product list below are for trying out the registry.)</p>",
            ),
            (
                "key_figures",
                {
                    "heading": "The brand at a glance",
                    "figures": [
                        {"label": "Industries", "value": "5", "unit": ""},
                        {"label": "GI trademarks (end of 2020)", "value": "11", "unit": ""},
                        {"label": "Liangping pomelo orchards", "value": "≈150,000", "unit": "mu"},
                    ],
                },
            ),
            ("quote", {"text": "Five zi, full flavour: Liangping.", "attribution": "The brand's name"}),
            (
                "products",
                {
                    "heading": "The brand's products",
                    "products": [
                        "liangping-dami",
                        "liangping-you",
                        "liangping-zhangyazi",
                        "liangping-doujin",
                        "baili-zhuhai-zhusun",
                    ],
                },
            ),
            ("licensed_producers", {"heading": "Producers licensed to use the brand"}),
        ],
    },
    "wanshi-gengchun": {
        "title": "Wanshi Gengchun · Fengwei Liangping (万石耕春·丰味梁平)",
        "slogan": "Ten thousand measures of spring ploughing (demo slogan)",
        "brand_owner": "Liangping Rice Industry Association (demo)",
        "intro": (
            "A regional public brand for farm produce launched at the district's second Harvest Festival (晒秋节); "
            "the 2021–2025 IP plan supports its application as a regional public brand."
        ),
        "story": [
            (
                "text",
                "<p>“Wanshi Gengchun” evokes the rich harvests of the Liangping plain's paddy fields (demo text). "
                "Launched at the second Harvest Festival, its core product is Liangping rice.</p>",
            ),
            ("products", {"heading": "The brand's products", "products": ["liangping-dami"]}),
            ("licensed_producers", {"heading": "Producers licensed to use the brand"}),
        ],
    },
    "sanxia-shaiqiu": {
        "title": "Sanxia Shaiqiu (三峡晒秋)",
        "slogan": "Autumn in the Three Gorges, laid out in the sun (demo slogan)",
        "brand_owner": "Liangping Regional Public Brand Operations Centre (demo)",
        "intro": "The 2021–2025 IP plan supports “Sanxia Shaiqiu” in applying as a regional public brand.",
        "story": [
            (
                "text",
                "<p>Pomelos, beans and rice drying on the threshing floors at harvest time gave “shaiqiu” its name "
                "(demo text). The products and producers on this page are for trying out the registry.</p>",
            ),
            ("products", {"heading": "The brand's products", "products": ["liangping-you", "liangping-doujin"]}),
            ("licensed_producers", {"heading": "Producers licensed to use the brand"}),
        ],
    },
}


# --- Loading -----------------------------------------------------------------------------------


def brand_story(story: list[tuple[str, object]], gis: dict[str, GeographicalIndication]):
    """A demo brand story as a StreamField value: a product list's GI slugs become the GIs."""
    blocks = [
        (kind, {**value, "products": [gis[slug] for slug in value["products"]]} if kind == "products" else value)
        for kind, value in story
    ]
    return BrandStoryBlock().normalize(blocks)


def demo_gis() -> dict[str, GeographicalIndication]:
    return {gi.slug: gi for gi in GeographicalIndication.objects.all()}


def load_logos(run: DemoRun) -> dict:
    """The drawn demo logo of each brand, in 品牌素材 (brand editors may use and replace them)."""
    collection = brand_assets_collection()
    logos = {}
    for position, data in enumerate(BRANDS, 1):
        latin, primary, accent, motif = LOGOS[data["slug"]]

        def draw(name=data["title"], latin=latin, primary=primary, accent=accent, motif=motif):
            return brand_logo(name, latin, primary, accent, motif)

        image, outcome = demo_image(f"{data['title']} 标志", draw, collection, f"demo-logo-{data['slug']}.png")
        logos[data["slug"]] = image
        run.record("brand logos", data["slug"], outcome, position, len(BRANDS))
    return logos


def load(run: DemoRun) -> None:
    """The brand index under the home page and the brands under it."""
    home = home_page()
    if home is None:
        return
    gis = demo_gis()
    logos = load_logos(run)
    total = 1 + len(BRANDS)
    index = BrandIndexPage.objects.child_of(home).first() or BrandIndexPage()
    run.record("brands", "index", publish_page(index, BRAND_INDEX, parent=home), 1, total)
    families = {f.slug: f for f in ProductFamily.objects.all()}
    for position, data in enumerate(BRANDS, 2):
        values = {key: value for key, value in data.items() if key not in ("story", "product_families")}
        values.pop("geographical_indications")
        values["story"] = brand_story(data["story"], gis)
        values["is_demo"] = True
        values["logo"] = logos[data["slug"]]
        m2m = {
            "geographical_indications": [gis[slug] for slug in data["geographical_indications"]],
            "product_families": [families[slug] for slug in data["product_families"]],
        }
        page = source_pages(BrandPage.objects.filter(slug=data["slug"])).first() or BrandPage()
        run.record("brands", data["slug"], publish_page(page, values, m2m, parent=index), position, total)


def translate(run: DemoRun) -> None:
    """The English versions of the brand index and the brands."""
    gis = demo_gis()
    work = [(source_pages(BrandIndexPage.objects.all()).first(), BRAND_INDEX_EN)]
    for slug, data in BRANDS_EN.items():
        page = source_pages(BrandPage.objects.filter(slug=slug)).first()
        logo = {"logo": page.logo} if page is not None else {}  # the same logo in both languages
        work.append((page, {**data, **logo, "story": brand_story(data["story"], gis)}))
    publish_translations(run, work)


# after the home page (registry records before it); the English ones after the English home page
DEMO_STEPS = [Step(PAGES, load), Step(TRANSLATIONS + 10, translate)]
