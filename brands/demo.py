"""Demo brand pages, as plain data; ``manage.py load_demo_data`` loads them (idempotently).

What is real, and where it comes from
-------------------------------------
- The three regional public brands and their names: the district's 2021–2025 IP plan
  (梁平府发〔2022〕9号): 第六章 asks to build and promote
  “五子登科·丰味梁平” for the five zi green-food industries, and 第五章（6）to help “万石耕春·丰味梁平”
  and “三峡晒秋” apply as regional public brands.
- 万石耕春·丰味梁平 was launched at the district's second 晒秋节 (FACTS.md, Regional brands).
- 梁平柚: about 150,000 mu planted, listed in the 中国农业品牌目录 in 2019 (FACTS.md); the district
  held 11 GI trademarks at the end of 2020 (the seed's own figure).

What is invented (every page is ``is_demo=True`` and says so)
------------------------------------------------------------
The slogans (other than the brand names themselves), the owners, the stories' wording and the
choice of which demo GIs sit under which brand. No logo or photo is shipped: an invented logo
would look official.
"""

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
